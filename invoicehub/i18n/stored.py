"""Texts stored in English before anyone knew the reader's language: notifications, reasons.

Notifications are written once, in English, by jobs that serve a whole tenant (and the API
returns them as stored). The pages translate them when shown: a stored text that is a catalogue
msgid is translated as it is, and one rendered from a known template ("Allegro account {login}
needs to be connected again") is matched back to its template, its values kept. Anything else
(an error Allegro sent) is shown as stored. A seller's plain failure sentence
(domain/plain_errors.py) is recognised whole, also in the Polish that bodies were stored in
before the catalogue took those sentences over. A KSeF rejection is stored as its reason's msgid
followed by ": " and what KSeF added: the reason is translated, the rest kept.
"""

from __future__ import annotations

import re
from functools import cache

from invoicehub.domain.plain_errors import PLAIN_ERRORS, PlainError
from invoicehub.i18n import N_, catalog, gettext, normalize_language
from invoicehub.integrations.ksef import texts as ksef_texts

# The templates the notification writers render (integrations/allegro/connection/refresh.py,
# runs/outcomes.py, runs/requests.py, domain/seller_data.py and integrations/ksef/offline.py),
# placeholders as they fill them.
TEMPLATES = (
    N_("Allegro account {login} needs to be connected again"),
    N_("1 order from {login} set aside for review"),
    N_("{count} orders from {login} set aside for review"),
    N_("Allegro account {login} disabled after {count} failed syncs"),
    N_("Allegro sync failed for {login}; retried on schedule"),
    N_("Allegro account {login} enabled again by the platform administrator"),
    N_("Allegro account {login} disabled by the platform administrator"),
    # integrations/allegro/lifecycle.py's ADMIN_HOLD_WITH_REASON (the body of the one above).
    N_(
        "A platform administrator has disabled syncing for this Allegro account. "
        "Contact support to have it enabled again. Reason given by the administrator: {reason}"
    ),
    N_("Invoicing is blocked until the company data is complete"),
    # An order held for review (domain/seller_data.py's SellerDataIncomplete).
    N_("company data incomplete: {fields}"),
    N_(
        "Settings → Integrations lists them with the reason. Fix the cause, then run a manual "
        "sync: it tries them again."
    ),
    N_(
        "Missing: {fields}. Complete them on Settings → Company, then run a manual sync: "
        "the orders waiting for review are invoiced."
    ),
    # integrations/ksef/offline.py: offline invoices near or past their KSeF deadline.
    N_("1 offline invoice must reach KSeF by {deadline}"),
    N_("{count} offline invoices must reach KSeF by {deadline}"),
    N_("1 offline invoice missed its KSeF deadline ({deadline})"),
    N_("{count} offline invoices missed their KSeF deadline ({deadline})"),
    N_(
        "Company {company}: KSeF could not be reached when these invoices were issued. They are "
        "sent in offline mode as soon as KSeF answers; the invoice list filtered by KSeF status "
        "Offline shows them."
    ),
    # What a KSeF submission row says (integrations/ksef/texts.py).
    *ksef_texts.TEMPLATES,
)
# Texts stored as "<msgid>: <details>": the msgid is translated, the details kept as they are
# (a KSeF rejection and what KSeF said about it).
WITH_DETAILS = ksef_texts.WITH_DETAILS
# Values that are themselves words of the catalogue, comma-separated (missing field names).
WORD_LISTS = frozenset({"fields"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)
    regex = "".join(
        f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


@cache
def _plain_errors() -> dict[str, PlainError]:
    """Each plain failure sentence as stored (English, or Polish before the catalogue)."""
    return {
        stored: plain
        for plain in PLAIN_ERRORS.values()
        for stored in (plain.text, plain.in_language("pl"))
    }


def translate_stored(language: str, text: str) -> str:
    """A stored English text in `language` (unchanged when no template or msgid matches)."""
    language = normalize_language(language)
    if not text:
        return text
    if text in catalog(language):
        return gettext(language, text)
    plain = _plain_errors().get(text)
    if plain is not None:
        return plain.in_language(language)
    for words in WITH_DETAILS:
        if text.startswith(words + ": "):
            return gettext(language, words) + text[len(words) :]
    for template in TEMPLATES:
        match = _pattern(template).fullmatch(text)
        if match is None:
            continue
        values = {
            name: ", ".join(gettext(language, word) for word in value.split(", "))
            if name in WORD_LISTS
            else value
            for name, value in match.groupdict().items()
        }
        return gettext(language, template, **values)
    return text
