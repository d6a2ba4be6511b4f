"""Refused input as plain sentences in the user's language, never a library's wording.

Pydantic says "String should have at least 1 character"; a seller reads "This field is
required." Our own validators' messages (ValueError texts) are catalogue msgids; a message that
carries the refused value (an invalid NIP) is matched by a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from invoicehub.i18n import N_, gettext

REQUIRED = N_("This field is required.")
INVALID = N_("This value is not valid.")
# Refusals that embed a value (the NIP, an amount): a full match of the pattern -> the sentence
# shown, its named groups filling the placeholders. Checked in order, before the catalogue.
PATTERNS = tuple(
    (re.compile(pattern, re.DOTALL), msgid)
    for pattern, msgid in (
        (r"invalid NIP .*: a NIP has 10 digits", N_("A NIP has 10 digits.")),
        (r"invalid NIP .*", N_("This NIP is not valid: its check digit does not match.")),
        (r"VAT rate must be one of .*", N_("Choose one of the offered values.")),
        (r"must be one of .*", N_("Choose one of the offered values.")),
        (r"unknown invoice template .*", N_("Choose one of your invoice templates.")),
        (r"unknown company .*", N_("Choose one of your companies.")),
        (r"gross price must not exceed (?P<max>\S+)", N_("The gross price may be at most {max}.")),
        (
            r"the new password must have at least (?P<n>\d+) characters",
            N_("The new password must have at least {n} characters."),
        ),
        (
            r"a payment of (?P<amount>\S+) is more than the (?P<due>\S+) still due on invoice "
            r"(?P<number>.+)",
            N_("A payment of {amount} is more than the {due} still due on invoice {number}."),
        ),
        (r"another product already has SKU .*", N_("Another product already has this SKU.")),
        (r"another customer already has NIP .*", N_("Another customer already has this NIP.")),
        (
            r"You signed in to Allegro as (?P<got>.+?), but this connection belongs to the "
            r"account (?P<expected>.+?)\. The account (?P=expected) was not connected again\. .*",
            # integrations/allegro/connection/reconnect.py's RECONNECT_OTHER_LOGIN
            N_(
                "You signed in to Allegro as {got}, but this connection belongs to the account "
                "{expected}. The account {expected} was not connected again. Sign out of Allegro "
                "and sign in as {expected}, or use “Connect another account” to add {got} as a "
                "new account."
            ),
        ),
    )
)


def plain_error(language: str, error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a sentence."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("missing", "string_too_short") and ctx.get("min_length", 1) <= 1:
        return gettext(language, REQUIRED)
    if kind == "string_too_short":
        return gettext(language, "Enter at least {n} characters.", n=ctx["min_length"])
    if kind == "string_too_long":
        return gettext(language, "Enter at most {n} characters.", n=ctx["max_length"])
    if kind in ("decimal_parsing", "float_parsing", "int_parsing", "decimal_type"):
        return gettext(language, "Enter a number.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return gettext(language, "This number is out of range.")
    if kind in ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"):
        return gettext(language, "This number has too many digits.")
    if kind in ("literal_error", "enum"):
        return gettext(language, "Choose one of the offered values.")
    if kind == "bool_parsing":
        return gettext(language, "Choose yes or no.")
    if kind == "value_error":
        return own_message(language, str(ctx.get("error", error.get("msg", ""))))
    return gettext(language, INVALID)


def own_message(language: str, message: str) -> str:
    """One of our validators' or domain refusals' English texts, translated."""
    message = message.removeprefix("Value error, ")
    for pattern, sentence in PATTERNS:
        match = pattern.fullmatch(message)
        if match is not None:
            return gettext(language, sentence, **match.groupdict())
    text = gettext(language, message)
    return text[:1].upper() + text[1:] if text else gettext(language, INVALID)


def plain_errors(language: str, errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Field name -> sentence, the first error of each field."""
    result: dict[str, str] = {}
    for error in errors:
        field = str(error["loc"][0]) if error.get("loc") else "form"
        result.setdefault(field, plain_error(language, error))
    return result
