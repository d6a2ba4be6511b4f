"""The message catalogue, the Polish formats and the plain-language validation errors."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po
from pydantic import ValidationError

from invoicehub.domain.companies import CompanyInput
from invoicehub.i18n import LANGUAGES, catalog, gettext, po_path
from invoicehub.i18n.formats import format_amount, format_day, format_moment, parse_day
from invoicehub.i18n.stored import TEMPLATES, translate_stored
from invoicehub.i18n.validation import plain_errors

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NBSP = "\xa0"


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    polish, english = catalog("pl"), catalog("en")
    assert polish and set(polish) == set(english)
    for msgid in polish:
        expected = set(PLACEHOLDER.findall(msgid))
        for language in LANGUAGES:
            assert set(PLACEHOLDER.findall(catalog(language)[msgid])) == expected, (language, msgid)


def test_no_catalogue_entry_is_empty_or_fuzzy():
    for language in LANGUAGES:
        with po_path(language).open("rb") as handle:
            entries = [message for message in read_po(handle) if message.id]
        assert entries, language
        assert not [str(m.id) for m in entries if not m.string or m.fuzzy], language


def test_every_page_builds_with_texts_from_the_catalogue():
    """`tr` refuses a msgid either catalogue lacks, so building every page checks them all."""
    from invoicehub.pages.admin import admin_allegro_page
    from invoicehub.pages.customers import customers_page
    from invoicehub.pages.invoices import invoice_detail_page, invoices_page
    from invoicehub.pages.login import login_page
    from invoicehub.pages.products import products_page
    from invoicehub.pages.settings import settings_page

    for page in (
        login_page,
        settings_page,
        invoices_page,
        invoice_detail_page,
        customers_page,
        products_page,
        admin_allegro_page,
    ):
        assert page() is not None


def test_a_msgid_missing_from_the_catalogue_fails_when_the_page_is_built():
    from invoicehub.state.i18n import tr

    with pytest.raises(KeyError):
        tr("A text nobody translated")


def test_gettext_fills_placeholders_and_falls_back_to_the_msgid():
    assert gettext("pl", "Too many attempts. Try again in {seconds} s.", seconds=30) == (
        "Zbyt wiele prób. Spróbuj ponownie za 30 s."
    )
    assert gettext("en", "Invoices") == "Invoices" and gettext("pl", "Invoices") == "Faktury"
    assert gettext("de", "Invoices") == "Faktury"  # an unknown language reads Polish
    assert gettext("pl", "Allegro said: 503") == "Allegro said: 503"


def test_amounts_read_the_polish_way():
    assert format_amount(Decimal("1234.56")) == f"1{NBSP}234,56{NBSP}zł"
    assert format_amount(Decimal("0.5")) == f"0,50{NBSP}zł"
    assert format_amount(Decimal("1234567.8")) == f"1{NBSP}234{NBSP}567,80{NBSP}zł"
    assert format_amount(Decimal("10"), "EUR") == f"10,00{NBSP}€"


def test_dates_read_dd_mm_yyyy_in_warsaw_time():
    assert format_day(date(2026, 3, 5)) == "05.03.2026"
    # 23:30 UTC on 31 December is already New Year's Day in Warsaw.
    assert format_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027"
    assert format_moment(datetime(2026, 7, 1, 10, 4, tzinfo=UTC)) == "01.07.2026 12:04"
    assert format_day(None) == ""


def test_typed_dates_are_parsed_in_polish_or_iso_form_and_impossible_ones_refused():
    assert parse_day("05.03.2026") == date(2026, 3, 5)
    assert parse_day(" 5.3.2026 ") == date(2026, 3, 5)
    assert parse_day("2026-03-05") == date(2026, 3, 5)
    assert parse_day("") is None
    for wrong in ("31.02.2026", "05.03.26", "03/05/2026", "yesterday"):
        with pytest.raises(ValueError):
            parse_day(wrong)


def _company_errors(language: str, **fields: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        CompanyInput.model_validate({"name": "Firma", "nip": "", **fields})
    return plain_errors(language, refused.value.errors())


def test_validation_errors_are_plain_sentences_never_pydantic_wording():
    errors = _company_errors("pl", name="", nip="5252674797", postal_code="12345")
    assert errors["name"] == "To pole jest wymagane."
    assert errors["nip"] == "Ten NIP jest nieprawidłowy: cyfra kontrolna się nie zgadza."
    assert errors["postal_code"] == "Kod pocztowy musi mieć postać 00-950."
    english = _company_errors("en", name="")
    assert english == {"name": "This field is required."}
    too_long = _company_errors("en", city="x" * 101)
    assert too_long == {"city": "Enter at most 100 characters."}
    for text in (*errors.values(), *english.values(), *too_long.values()):
        assert "should" not in text and "Value error" not in text


def test_stored_notifications_are_shown_in_the_readers_language():
    title = "Allegro account sklep_1 needs to be connected again"
    assert translate_stored("pl", title) == "Konto Allegro sklep_1 trzeba połączyć ponownie"
    assert translate_stored("en", title) == title
    body = (
        "Missing: street, postal code. Complete them on Settings → Company, then run a manual "
        "sync: the orders waiting for review are invoiced."
    )
    assert translate_stored("pl", body).startswith("Brakuje: ulica, kod pocztowy. Uzupełnij")
    assert translate_stored("pl", "invalid_token") == "invalid_token"  # Allegro's own words
    held = translate_stored("pl", "company data incomplete: street, city")
    assert held == "Niekompletne dane firmy, brakuje: ulica, miejscowość"
    for template in TEMPLATES:
        assert template in catalog("pl")


def test_reflex_english_connection_toast_and_error_page_are_replaced():
    """Reflex's own texts ("Cannot connect to server", "An error occurred while rendering this
    page.") never reach a seller: the overlay is gone, the error page is ours, in both languages."""
    from invoicehub.components.app_wraps import (
        ERROR_HINT,
        ERROR_TITLE,
        REFLEX_ERROR_BOUNDARY,
        REFLEX_OVERLAY,
        app_wraps,
    )

    wraps = app_wraps()
    assert REFLEX_OVERLAY not in wraps
    fallback = str(wraps[REFLEX_ERROR_BOUNDARY](True).fallback_render)  # type: ignore[union-attr]
    assert "An error occurred" not in fallback and "reflex.dev" not in fallback
    assert "ref_" not in fallback  # no React ref a fallback could not hold
    for language in LANGUAGES:
        for msgid in (ERROR_TITLE, ERROR_HINT):
            assert json.dumps(gettext(language, msgid)) in fallback
