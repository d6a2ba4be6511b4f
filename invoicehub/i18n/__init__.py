"""One message catalogue for the pages: Polish by default, English on request.

The `.po` files under `locales/<lang>/LC_MESSAGES/messages.po` are the source of truth and are
read with Babel at import (nothing compiled is committed). Message ids are the English source
texts, gettext's convention, so code stays readable and a domain error's English text is its own
key. Placeholders use `{name}` (str.format), filled on the server by `gettext` or in the browser
by `invoicehub.state.i18n.tr`. The API and the invoice PDF do not use this catalogue: the API
answers in English and the PDF is always Polish.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
# Each language in its own words, for the language select.
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
LOCALES = Path(__file__).parent / "locales"


def normalize_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


@cache
def catalog(language: str) -> dict[str, str]:
    """msgid -> text of one language (a fuzzy or empty entry counts as missing)."""
    with po_path(normalize_language(language)).open("rb") as handle:
        messages = read_po(handle)
    return {
        str(message.id): str(message.string)
        for message in messages
        if message.id and message.string and not message.fuzzy
    }


def gettext(language: str, msgid: str, **params: object) -> str:
    """The text of `msgid` in `language`, placeholders filled; the msgid itself when unknown."""
    text = catalog(normalize_language(language)).get(msgid, msgid)
    return text.format(**params) if params else text


def has_message(msgid: str) -> bool:
    return all(msgid in catalog(language) for language in LANGUAGES)


def N_(msgid: str) -> str:
    """Mark a text kept in a constant for the catalogue; translated where it is shown."""
    return msgid
