"""The Reflex app: pages and the mounted API. Nothing else lives here."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.app_wraps import app_wraps
from invoicehub.components.connection import reconnecting_wrap
from invoicehub.front import InvoiceHubApp
from invoicehub.pages.admin import ADMIN_ALLEGRO_ON_LOAD, admin_allegro_page
from invoicehub.pages.customers import CUSTOMERS_ON_LOAD, customers_page
from invoicehub.pages.invoices import (
    INVOICE_DETAIL_ON_LOAD,
    INVOICES_ON_LOAD,
    invoice_detail_page,
    invoices_page,
)
from invoicehub.pages.login import login_page
from invoicehub.pages.not_found import not_found_page
from invoicehub.pages.products import PRODUCTS_ON_LOAD, products_page
from invoicehub.pages.settings import SETTINGS_ON_LOAD, settings_page
from invoicehub.state.auth import AuthState, page_title
from invoicehub.state.i18n import BRAND
from invoicehub.web import around, security_headers

# <html lang> and each page's <title> follow the user's language: `page_title` sets them on load.
app = InvoiceHubApp(
    html_lang="pl",
    stylesheets=["/focus.css"],
    theme=rx.theme(accent_color="indigo", radius="medium"),
    api_transformer=[around, security_headers],
    # Without Reflex's English connection toast and error page (components/app_wraps.py).
    app_wraps=app_wraps(),
    extra_app_wraps={(4, "Reconnecting"): reconnecting_wrap},
)
app.add_page(lambda: rx.fragment(), route="/", on_load=rx.redirect("/settings"), title=BRAND)
app.add_page(
    login_page,
    route="/login",
    title=BRAND,
    on_load=[page_title("Sign in"), AuthState.redirect_if_signed_in],
)
app.add_page(
    settings_page,
    route="/settings",
    title=BRAND,
    on_load=[page_title("Settings"), *SETTINGS_ON_LOAD],
)
app.add_page(
    invoices_page,
    route="/invoices",
    title=BRAND,
    on_load=[page_title("Invoices"), *INVOICES_ON_LOAD],
)
app.add_page(
    invoice_detail_page,
    route="/invoices/[invoice_id]",
    title=BRAND,
    on_load=[page_title("Invoice"), *INVOICE_DETAIL_ON_LOAD],
)
app.add_page(
    customers_page,
    route="/customers",
    title=BRAND,
    on_load=[page_title("Customers"), *CUSTOMERS_ON_LOAD],
)
app.add_page(
    products_page,
    route="/products",
    title=BRAND,
    on_load=[page_title("Products"), *PRODUCTS_ON_LOAD],
)
app.add_page(
    admin_allegro_page,
    route="/admin/allegro",
    title=BRAND,
    on_load=[page_title("Allegro admin"), *ADMIN_ALLEGRO_ON_LOAD],
)
# Unknown addresses: the app's own page, in the user's language once it is known (Reflex runs the
# "404" route's on_load there too).
app.add_page(
    not_found_page,
    route="404",
    title=f"Nie znaleziono strony · {BRAND}",
    on_load=[page_title("Page not found")],
)
