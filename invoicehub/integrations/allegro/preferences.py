"""Per-integration settings (the seed's JSONB `settings`): schema, defaults, validation, merge.

Types are strict: `"true"` is not a boolean and `"60"` is not a frequency; unknown keys are refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import IntEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlmodel import Session, col, or_, select

from invoicehub.models import STANDARD_TEMPLATE_ID, Company, InvoiceTemplate, VatRate


class SyncFrequency(IntEnum):
    """How often an integration syncs, in minutes (the setting `syncFrequencyMinutes`)."""

    MINUTES_5 = 5
    MINUTES_15 = 15
    MINUTES_30 = 30
    HOUR = 60
    HOURS_2 = 120
    HOURS_6 = 360
    HOURS_12 = 720
    DAY = 1440


SYNC_FREQUENCIES: tuple[SyncFrequency, ...] = tuple(SyncFrequency)
DEFAULT_SYNC_FREQUENCY = SyncFrequency.HOUR
# `VatRate` as the settings send it: a number, or "zw" (test_preferences checks they agree).
VatRateSetting = Literal[23, 8, 5, 0, "zw"]


class AllegroSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    autoGenerateInvoices: bool = True
    invoiceTemplateId: str = str(STANDARD_TEMPLATE_ID)
    # Lax for this field alone: strict enums take only members; ints are checked below.
    syncFrequencyMinutes: SyncFrequency = Field(default=DEFAULT_SYNC_FREQUENCY, strict=False)
    autoMarkAsPaid: bool = False
    autoCreateCustomer: bool = True
    autoCreateProduct: bool = True
    defaultVatRate: VatRateSetting = 23
    invoiceMode: Literal["all", "requested_only"] = "all"
    includeShipping: bool = True
    companyId: str | None = Field(default=None)
    # A correction invoice for each cancellation, refund and finished return of an invoiced order.
    autoCorrections: bool = True
    # Attach each invoice's (and correction's) PDF to its Allegro order after issuing it.
    uploadInvoicesToAllegro: bool = True

    @field_validator("syncFrequencyMinutes", "defaultVatRate", mode="before")
    @classmethod
    def _whole_numbers_only(cls, value: object, info: ValidationInfo) -> object:
        # Strict mode still matches 15.0 to the literal 15 (they compare equal).
        if isinstance(value, float):
            raise ValueError("must be a whole number, not a decimal")
        # Lax enum validation would take "60": a frequency is an int (or a member) only.
        frequency = info.field_name == "syncFrequencyMinutes"
        if frequency and type(value) is not int and not isinstance(value, SyncFrequency):
            raise ValueError("must be a whole number")
        return value

    @property
    def vat_rate_code(self) -> str:
        """The rate as the invoicing domain spells it ("23", "8", "5", "0", "zw")."""
        return VatRate(str(self.defaultVatRate)).value


FIELD_NAMES = tuple(AllegroSettings.model_fields)


class SettingsError(ValueError):
    """Refused settings: `errors` maps each offending field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _messages(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "settings"
        if err["type"] == "extra_forbidden":
            errors[field] = f"unknown setting {field}"
        elif field == "syncFrequencyMinutes":
            errors[field] = f"must be one of {', '.join(map(str, SYNC_FREQUENCIES))} minutes"
        elif field == "defaultVatRate":
            errors[field] = 'must be one of 23, 8, 5, 0 or "zw"'
        else:
            errors.setdefault(field, str(err["msg"]))
    return errors


def with_defaults(
    stored: Mapping[str, Any] | None, default_company_id: uuid.UUID | None
) -> AllegroSettings:
    """Stored settings over the defaults; stored keys that no longer validate fall back."""
    merged: dict[str, Any] = {}
    for key, value in (stored or {}).items():
        if key in FIELD_NAMES:
            merged[key] = value
    try:
        settings = AllegroSettings.model_validate(merged)
    except ValidationError:
        settings = AllegroSettings()
    if settings.companyId is None and default_company_id is not None:
        settings = settings.model_copy(update={"companyId": str(default_company_id)})
    return settings


def merge_settings(
    session: Session,
    tenant_id: uuid.UUID,
    current: AllegroSettings,
    partial: Any,
) -> AllegroSettings:
    """Validate a partial update against the current settings; raise SettingsError naming fields."""
    if not isinstance(partial, dict):
        raise SettingsError({"settings": "must be an object of settings"})
    try:
        merged = AllegroSettings.model_validate({**current.model_dump(), **partial})
    except ValidationError as exc:
        raise SettingsError(_messages(exc)) from exc
    errors: dict[str, str] = {}
    if not _template_visible(session, tenant_id, merged.invoiceTemplateId):
        errors["invoiceTemplateId"] = f"unknown invoice template {merged.invoiceTemplateId}"
    if merged.companyId is not None and not _company_visible(session, tenant_id, merged.companyId):
        errors["companyId"] = f"unknown company {merged.companyId}"
    if errors:
        raise SettingsError(errors)
    return merged


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


def _template_visible(session: Session, tenant_id: uuid.UUID, template_id: str) -> bool:
    tid = _as_uuid(template_id)
    if tid is None:
        return False
    query = select(InvoiceTemplate.id).where(
        InvoiceTemplate.id == tid,
        or_(col(InvoiceTemplate.tenant_id).is_(None), InvoiceTemplate.tenant_id == tenant_id),
    )
    return session.exec(query).first() is not None


def _company_visible(session: Session, tenant_id: uuid.UUID, company_id: str) -> bool:
    cid = _as_uuid(company_id)
    if cid is None:
        return False
    query = select(Company.id).where(Company.id == cid, Company.tenant_id == tenant_id)
    return session.exec(query).first() is not None
