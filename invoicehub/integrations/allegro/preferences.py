"""Per-integration settings (the seed's JSONB `settings`): schema, defaults, validation, merge.

Types are strict: `"true"` is not a boolean and `"60"` is not a frequency; unknown keys are refused.
The fields are snake_case in Python; the stored JSON (and the API's) keeps the camelCase keys it
has always had, the API's one alias convention (`to_camel`): `model_dump(by_alias=True)` to store,
stored rows are read by alias only, and a partial update is given by field name.
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
from pydantic.alias_generators import to_camel
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
    # Validated by field name or by alias (the stored camelCase key); callers that read stored
    # rows or outside input choose one (`with_defaults`: aliases, `merge_settings`: names).
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
    )

    auto_generate_invoices: bool = True
    invoice_template_id: str = str(STANDARD_TEMPLATE_ID)
    # Lax for this field alone: strict enums take only members; ints are checked below.
    sync_frequency_minutes: SyncFrequency = Field(default=DEFAULT_SYNC_FREQUENCY, strict=False)
    auto_mark_as_paid: bool = False
    auto_create_customer: bool = True
    auto_create_product: bool = True
    default_vat_rate: VatRateSetting = 23
    invoice_mode: Literal["all", "requested_only"] = "all"
    include_shipping: bool = True
    company_id: str | None = Field(default=None)
    # A correction invoice for each cancellation, refund and finished return of an invoiced order.
    auto_corrections: bool = True
    # Attach each invoice's (and correction's) PDF to its Allegro order after issuing it.
    upload_invoices_to_allegro: bool = True

    @field_validator("sync_frequency_minutes", "default_vat_rate", mode="before")
    @classmethod
    def _whole_numbers_only(cls, value: object, info: ValidationInfo) -> object:
        # Strict mode still matches 15.0 to the literal 15 (they compare equal).
        if isinstance(value, float):
            raise ValueError("must be a whole number, not a decimal")
        # Lax enum validation would take "60": a frequency is an int (or a member) only.
        frequency = info.field_name == "sync_frequency_minutes"
        if frequency and type(value) is not int and not isinstance(value, SyncFrequency):
            raise ValueError("must be a whole number")
        return value

    @property
    def vat_rate_code(self) -> str:
        """The rate as the invoicing domain spells it ("23", "8", "5", "0", "zw")."""
        return VatRate(str(self.default_vat_rate)).value

    def stored(self) -> dict[str, Any]:
        """The JSON kept in allegro_integrations.settings (and the audit): camelCase keys."""
        return self.model_dump(mode="json", by_alias=True)


# The stored (and wire) key of each field: {"syncFrequencyMinutes": "sync_frequency_minutes", ...}.
STORED_KEYS = {field.alias or name: name for name, field in AllegroSettings.model_fields.items()}


def stored_key(field: str) -> str:
    """A field's key in the stored JSON (and on the wire): `sync_frequency_minutes` ->
    `syncFrequencyMinutes`."""
    return AllegroSettings.model_fields[field].alias or field


class SettingsError(ValueError):
    """Refused settings: `errors` maps each offending field (its Python name; an unknown key as
    given) to a message. The API names them by alias (api/edit_errors.py)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _messages(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "settings"
        if err["type"] == "extra_forbidden":
            errors[field] = f"unknown setting {field}"
        elif field == "sync_frequency_minutes":
            errors[field] = f"must be one of {', '.join(map(str, SYNC_FREQUENCIES))} minutes"
        elif field == "default_vat_rate":
            errors[field] = 'must be one of 23, 8, 5, 0 or "zw"'
        else:
            errors.setdefault(field, str(err["msg"]))
    return errors


def with_defaults(
    stored: Mapping[str, Any] | None, default_company_id: uuid.UUID | None
) -> AllegroSettings:
    """Stored settings (camelCase keys) over the defaults; stored keys that no longer validate
    fall back."""
    merged: dict[str, Any] = {}
    for key, value in (stored or {}).items():
        if key in STORED_KEYS:
            merged[key] = value
    try:
        settings = AllegroSettings.model_validate(merged, by_alias=True, by_name=False)
    except ValidationError:
        settings = AllegroSettings()
    if settings.company_id is None and default_company_id is not None:
        settings = settings.model_copy(update={"company_id": str(default_company_id)})
    return settings


def merge_settings(
    session: Session,
    tenant_id: uuid.UUID,
    current: AllegroSettings,
    partial: Any,
) -> AllegroSettings:
    """Validate a partial update (by field name) against the current settings; raise SettingsError
    naming fields."""
    if not isinstance(partial, dict):
        raise SettingsError({"settings": "must be an object of settings"})
    try:
        merged = AllegroSettings.model_validate(
            {**current.model_dump(), **partial}, by_alias=False, by_name=True
        )
    except ValidationError as exc:
        raise SettingsError(_messages(exc)) from exc
    errors: dict[str, str] = {}
    if not _template_visible(session, tenant_id, merged.invoice_template_id):
        errors["invoice_template_id"] = f"unknown invoice template {merged.invoice_template_id}"
    company_id = merged.company_id
    if company_id is not None and not _company_visible(session, tenant_id, company_id):
        errors["company_id"] = f"unknown company {company_id}"
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
