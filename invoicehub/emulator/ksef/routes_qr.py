"""KOD I verification page (docs/kody-qr.md):
`/qr/invoice/{nip}/{DD-MM-YYYY}/{base64url SHA-256}`."""

from __future__ import annotations

import base64
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from invoicehub.emulator.ksef.guards import state_of
from invoicehub.emulator.ksef.processing import is_accepted


async def verify_invoice_link(request: Request) -> Response:
    state = state_of(request)
    nip, day, digest = (request.path_params[k] for k in ("nip", "date", "hash"))
    try:
        d, m, y = day.split("-")
        issue_date = f"{y}-{m}-{d}"
        wanted = base64.b64encode(base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)))
    except ValueError:
        return HTMLResponse("<h1>Nieprawidłowy link weryfikacyjny</h1>", status_code=400)
    with state.lock:
        now = state.clock.now()
        found = next(
            (
                r
                for r in state.invoices
                if r.seller_nip == nip
                and r.issue_date == issue_date
                and r.invoice_hash == wanted.decode("ascii")
                and is_accepted(r, now)
            ),
            None,
        )
    if found is None:
        return HTMLResponse("<h1>Faktura nie została znaleziona w KSeF</h1>", status_code=404)
    return HTMLResponse(
        f"<h1>Faktura jest w KSeF</h1><p>Numer KSeF: {html.escape(found.ksef_number or '')}</p>"
        f"<p>Numer faktury: {html.escape(found.invoice_number or '')}</p>"
    )


routes = [Route("/qr/invoice/{nip}/{date}/{hash}", verify_invoice_link, methods=["GET"])]
