"""Rules with one home: the VAT rates, the sync frequencies and the sync-run statuses are enums,
and the settings' wire type, the API schema and the UI options are derived from (or checked
against) them, with the stored and wire values unchanged."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from invoicehub.api.app import create_api
from invoicehub.components.allegro_settings_form import (
    FREQUENCY_LABELS,
    FREQUENCY_OPTIONS,
    VAT_RATE_OPTIONS,
)
from invoicehub.components.status_chip import RUN_CHIPS
from invoicehub.domain.taxes import RATE_FRACTIONS
from invoicehub.integrations.allegro.preferences import (
    STORED_KEYS,
    SYNC_FREQUENCIES,
    AllegroSettings,
    SyncFrequency,
    VatRateSetting,
    with_defaults,
)
from invoicehub.integrations.allegro.runs.dispatcher import _CLAIM_DUE, FREQUENCY_KEY
from invoicehub.models import VAT_RATES, SyncStatus, VatRate
from invoicehub.pages.admin.state import RUN_STATUS_WORDS


def test_the_stored_values_are_unchanged():
    assert VAT_RATES == ("23", "8", "5", "0", "zw")
    assert SYNC_FREQUENCIES == (5, 15, 30, 60, 120, 360, 720, 1440)
    assert [s.value for s in SyncStatus] == ["queued", "running", "retrying", "succeeded", "failed"]


def test_every_list_of_rates_is_the_enum():
    assert {str(rate) for rate in get_args(VatRateSetting)} == set(VatRate)
    assert set(RATE_FRACTIONS) == set(VatRate)
    assert [value for value, _ in VAT_RATE_OPTIONS] == list(VAT_RATES)


def test_every_list_of_frequencies_and_run_statuses_is_the_enum():
    assert set(FREQUENCY_LABELS) == set(SyncFrequency)
    assert [value for value, _ in FREQUENCY_OPTIONS] == [str(m) for m in SYNC_FREQUENCIES]
    assert [key for key, _, _ in RUN_CHIPS] == [s.value for s in SyncStatus]
    assert set(RUN_STATUS_WORDS) == set(SyncStatus)


def test_the_frequency_setting_stays_a_strict_whole_number():
    settings = AllegroSettings.model_validate({"syncFrequencyMinutes": 15})
    assert settings.sync_frequency_minutes is SyncFrequency.MINUTES_15
    assert settings.stored()["syncFrequencyMinutes"] == 15
    assert AllegroSettings().stored()["syncFrequencyMinutes"] == 60


def test_settings_are_snake_case_in_python_and_camel_case_when_stored():
    stored = {"syncFrequencyMinutes": 15, "defaultVatRate": "zw", "companyId": None}
    settings = with_defaults(stored, None)
    assert settings.sync_frequency_minutes == 15 and settings.default_vat_rate == "zw"
    assert settings.stored() == {**AllegroSettings().stored(), **stored}
    assert list(settings.stored()) == list(STORED_KEYS) and FREQUENCY_KEY == "syncFrequencyMinutes"
    assert f"settings ->> '{FREQUENCY_KEY}'" in _CLAIM_DUE.text  # the dispatcher's SQL
    # a stored snake_case key is not a setting (rows only ever had the camelCase keys)
    assert with_defaults({"sync_frequency_minutes": 15}, None).sync_frequency_minutes == 60
    # built in Python by field name
    assert AllegroSettings(sync_frequency_minutes=SyncFrequency.MINUTES_15).stored() == {
        **AllegroSettings().stored(),
        "syncFrequencyMinutes": 15,
    }


@pytest.mark.parametrize("value", ["60", 60.0, True, 7])
def test_a_frequency_that_is_not_listed_or_not_an_int_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        AllegroSettings.model_validate({"syncFrequencyMinutes": value})
    assert [e["loc"] for e in refused.value.errors()] == [("syncFrequencyMinutes",)]


def test_the_openapi_schema_names_the_enums():
    schemas = create_api().openapi()["components"]["schemas"]
    assert schemas["VatRate"]["enum"] == list(VAT_RATES)
    assert schemas["SyncStatus"]["enum"] == [s.value for s in SyncStatus]
    assert schemas["SyncFrequency"]["enum"] == list(SYNC_FREQUENCIES)
