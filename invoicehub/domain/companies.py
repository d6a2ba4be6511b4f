"""The seller company: validated input, creation and update (NIP checksum, IBAN shape, series)."""

from __future__ import annotations

import re
import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import Session, select

from invoicehub.domain.nip import is_valid_nip, normalize_nip
from invoicehub.domain.vat_rules import ExemptionKind, exemption_kind_of
from invoicehub.i18n import N_
from invoicehub.models import DEFAULT_SERIES_PATTERN, Company
from invoicehub.models.accounts import DEFAULT_CORRECTION_SERIES
from invoicehub.models.base import utcnow

SERIES_TOKENS = re.compile(r"\{(YYYY|MM|N)\}")
_POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")
EXEMPTION_KINDS = tuple(kind.value for kind in ExemptionKind)


class CompanyInput(BaseModel):
    """What a seller may set on a company; every field is checked before anything is stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    nip: str = ""
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=10)
    country_code: str = Field(default="PL", min_length=2, max_length=2)
    bank_account: str = Field(default="", max_length=40)
    invoice_series: str = Field(default=DEFAULT_SERIES_PATTERN, max_length=60)
    # Correction invoices (faktury korygujące) number in their own gap-free series.
    correction_series: str = Field(default=DEFAULT_CORRECTION_SERIES, max_length=60)
    vat_exemption_basis: str = Field(default="", max_length=300)
    # FA(3) P_19A/B/C: "A" Polish VAT act, "B" VAT directive, "C" other; read from the basis when
    # left empty, cleared with the basis.
    vat_exemption_kind: str = Field(default="", max_length=1)
    cash_accounting: bool = False  # metoda kasowa: printed on invoices, FA(3) P_16

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        if not value:
            return ""
        if not is_valid_nip(value):
            raise ValueError(f"invalid NIP {value}: the checksum does not match")
        return normalize_nip(value)

    @field_validator("postal_code")
    @classmethod
    def _postal(cls, value: str) -> str:
        if value and not _POSTAL_CODE.match(value):
            raise ValueError(N_("postal code must look like 00-950"))
        return value

    @field_validator("bank_account")
    @classmethod
    def _account(cls, value: str) -> str:
        digits = re.sub(r"[\s]", "", value).upper().removeprefix("PL")
        if not digits:
            return ""
        if not digits.isdigit() or len(digits) != 26:
            raise ValueError(N_("bank account must have 26 digits (NRB)"))
        if int(digits[2:] + "2521" + digits[:2]) % 97 != 1:  # IBAN check digits, PL = 25 21
            raise ValueError(N_("bank account check digits do not match"))
        return digits

    @field_validator("invoice_series", "correction_series")
    @classmethod
    def _series(cls, value: str) -> str:
        if "{N}" not in value:
            raise ValueError(N_("invoice series must contain {N} (the running number)"))
        if "{MM}" in value and "{YYYY}" not in value:
            raise ValueError(
                N_("a monthly series ({MM}) must also contain {YYYY}, or numbers repeat")
            )
        leftover = SERIES_TOKENS.sub("", value)
        if "{" in leftover or "}" in leftover:
            raise ValueError(N_("invoice series may use only {YYYY}, {MM} and {N}"))
        return value

    @field_validator("vat_exemption_kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value.upper() not in ("", *EXEMPTION_KINDS):
            raise ValueError(
                N_(
                    "the exemption basis comes from A (the Polish VAT act), B (the VAT "
                    "directive) or C (another legal basis)"
                )
            )
        return value.upper()

    @model_validator(mode="after")
    def _exemption_kind(self) -> CompanyInput:
        if not self.vat_exemption_basis:
            self.vat_exemption_kind = ""
        elif not self.vat_exemption_kind:
            self.vat_exemption_kind = exemption_kind_of(None, self.vat_exemption_basis).value
        return self


def create_company(
    session: Session, tenant_id: uuid.UUID, data: CompanyInput, *, is_default: bool = False
) -> Company:
    company = Company(tenant_id=tenant_id, is_default=is_default, **data.model_dump())
    session.add(company)
    session.flush()
    return company


def get_company(session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID) -> Company | None:
    return session.exec(
        select(Company).where(Company.id == company_id, Company.tenant_id == tenant_id)
    ).first()


def list_companies(session: Session, tenant_id: uuid.UUID) -> list[Company]:
    return list(session.exec(select(Company).where(Company.tenant_id == tenant_id)).all())


def update_company(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID, data: CompanyInput
) -> Company:
    company = get_company(session, tenant_id, company_id)
    if company is None:
        raise LookupError("company not found")
    for key, value in data.model_dump().items():
        setattr(company, key, value)
    company.updated_at = utcnow()
    session.add(company)
    session.flush()
    return company
