"""Reflex configuration: the app module, ports and origins come from invoicehub.settings."""

import reflex as rx

from invoicehub.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="invoicehub",
    app_module_import="invoicehub.app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=_settings.allowed_origins,
    redis_url=_settings.redis_url,
    state_auto_setters=False,
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
)
