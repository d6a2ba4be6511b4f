"""The HTML of the authorize step: a Polish login/consent page and the "cannot show page" error.

Everything interpolated is escaped: the page echoes query parameters and seller data.
"""

# ruff: noqa: RUF001 - Polish typography (en dashes) is intended.

from __future__ import annotations

from html import escape

from invoicehub.emulator.state import Seller

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f5f5f5;margin:0;color:#222}
main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0;color:#ff5a00}
label{display:block;margin:1rem 0 .3rem;font-weight:600}
select{width:100%;padding:.5rem;font-size:1rem}
ul{padding-left:1.2rem;color:#555;font-size:.9rem}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{flex:1;padding:.7rem;font-size:1rem;border-radius:4px;border:1px solid #ccc;cursor:pointer}
#allow{background:#ff5a00;color:#fff;border-color:#ff5a00}
.note{font-size:.8rem;color:#777;margin-top:1.5rem}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="pl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def consent_page(
    *, app_name: str, sellers: list[Seller], query_string: str, scopes: tuple[str, ...]
) -> str:
    if not sellers:
        return _page(
            "Allegro – logowanie",
            "<h1>Zaloguj się do Allegro</h1>"
            "<p>Emulator nie ma jeszcze kont sprzedawców. Dodaj konto przez "
            "<code>POST /__emulator/sellers</code> i odśwież stronę.</p>",
        )
    options = "".join(
        f'<option value="{escape(s.login)}">{escape(s.login)}'
        f"{' – ' + escape(s.company_name) if s.company_name else ''}</option>"
        for s in sellers
    )
    scope_items = "".join(f"<li>{escape(scope)}</li>" for scope in scopes)
    body = (
        "<h1>Zaloguj się i połącz konto</h1>"
        f"<p>Aplikacja <strong>{escape(app_name)}</strong> prosi o dostęp do Twojego konta "
        "Allegro.</p>"
        '<form method="post" action="/auth/oauth/authorize">'
        f'<input type="hidden" name="query" value="{escape(query_string)}">'
        '<label for="login">Konto sprzedawcy</label>'
        f'<select id="login" name="login">{options}</select>'
        f"<p>Aplikacja otrzyma uprawnienia:</p><ul>{scope_items}</ul>"
        '<div class="actions">'
        '<button type="submit" id="deny" name="decision" value="deny">Odmów</button>'
        '<button type="submit" id="allow" name="decision" value="allow">Zezwól</button>'
        "</div></form>"
        '<p class="note">To jest lokalny emulator Allegro, nie prawdziwy serwis.</p>'
    )
    return _page("Allegro – zgoda na dostęp aplikacji", body)


def error_page(reason: str) -> str:
    return _page(
        "Allegro – błąd",
        "<h1>Przepraszamy, nie możemy wyświetlić strony</h1>"
        f"<p>{escape(reason)}</p><p>Numer błędu: EMU-400</p>",
    )
