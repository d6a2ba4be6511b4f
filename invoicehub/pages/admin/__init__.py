"""Platform-admin pages (admins only: every handler re-checks the role on the server)."""

from invoicehub.pages.admin.allegro import ADMIN_ALLEGRO_ON_LOAD, admin_allegro_page

__all__ = ["ADMIN_ALLEGRO_ON_LOAD", "admin_allegro_page"]
