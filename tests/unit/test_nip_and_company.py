from __future__ import annotations

import pytest
from pydantic import ValidationError

from invoicehub.domain.companies import CompanyInput
from invoicehub.domain.nip import is_valid_nip, normalize_nip


@pytest.mark.parametrize("nip", ["5252674798", "525-267-47-98", "PL 525 267 47 98", "1234563218"])
def test_valid_nips_pass_the_checksum(nip: str):
    assert is_valid_nip(nip)


@pytest.mark.parametrize("nip", ["5252674797", "123", "abcdefghij", "", "0000000000x"])
def test_invalid_nips_fail(nip: str):
    assert not is_valid_nip(nip)


def test_nip_is_normalised_to_ten_digits():
    assert normalize_nip("PL 525-267-47-98") == "5252674798"


def test_company_refuses_a_nip_with_a_bad_checksum():
    with pytest.raises(ValidationError, match="invalid NIP 5252674797"):
        CompanyInput(name="X", nip="5252674797")


def test_company_refuses_a_series_without_running_number():
    with pytest.raises(ValidationError, match=r"\{N\}"):
        CompanyInput(name="X", invoice_series="FV/{YYYY}")


def test_company_refuses_a_bank_account_with_wrong_check_digits():
    with pytest.raises(ValidationError, match="check digits"):
        CompanyInput(name="X", bank_account="62109010140000071219812874")


def test_a_monthly_series_without_the_year_is_refused():
    with pytest.raises(ValidationError, match=r"\{YYYY\}"):
        CompanyInput(name="X", invoice_series="FV/{MM}/{N}")


def test_the_vat_exemption_basis_is_trimmed_and_limited_to_300_characters():
    basis = CompanyInput(name="X", vat_exemption_basis="  art. 113 ust. 1 ustawy o VAT ")
    assert basis.vat_exemption_basis == "art. 113 ust. 1 ustawy o VAT"
    with pytest.raises(ValidationError, match="300"):
        CompanyInput(name="X", vat_exemption_basis="x" * 301)
