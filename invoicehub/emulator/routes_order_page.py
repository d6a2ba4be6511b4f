"""The emulator's stand-in for Allegro's order page ("Moje Allegro → Sprzedaż → Zamówienia").

Invoice-HUB links each order to review to the seller's order page on Allegro; in development
and tests that link points here. Read-only, plain escaped HTML.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from invoicehub.emulator.state import EmulatorState


async def order_page(request: Request) -> HTMLResponse:
    state: EmulatorState = request.app.state.emulator
    order_id = request.path_params["order_id"]
    with state.lock:
        found = (seller.book.orders.get(order_id) for seller in state.sellers.values())
        stored = next((order for order in found if order is not None), None)
    if stored is None:
        return HTMLResponse("<h1>Nie znaleziono zamówienia</h1>", status_code=404)
    buyer = stored.data.get("buyer") or {}
    total = (stored.data.get("summary") or {}).get("totalToPay") or {}
    rows = [
        ("Zamówienie", order_id),
        ("Status", stored.status),
        ("Kupujący", str(buyer.get("login") or "")),
        ("Kwota", f"{total.get('amount', '')} {total.get('currency', '')}"),
    ]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    return HTMLResponse(
        f'<!doctype html><html lang="pl"><title>Zamówienie {escape(order_id)}</title>'
        f"<h1>Zamówienie (emulator Allegro)</h1><dl>{body}</dl></html>"
    )


routes = [Route("/__emulator/orders/{order_id}", order_page, methods=["GET"])]
