"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from invoicehub.models.accounts import (
    DEFAULT_SERIES_PATTERN,
    Company,
    Role,
    Tenant,
    User,
    UserSession,
)
from invoicehub.models.activity import Audience, AuditEvent, Notification
from invoicehub.models.allegro import (
    AllegroIntegration,
    AllegroOrder,
    IntegrationStatus,
    OrderState,
    SyncRun,
    SyncStatus,
)
from invoicehub.models.follow_order import (
    AllegroFollowCursor,
    AllegroInvoiceUpload,
    InvoicePayment,
    UploadStatus,
)
from invoicehub.models.invoicing import (
    COMPACT_TEMPLATE_ID,
    STANDARD_TEMPLATE_ID,
    VAT_RATES,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    InvoiceTemplate,
    Product,
    VatRate,
)
from invoicehub.models.ksef import KsefConnection, KsefStatus, KsefSubmission

__all__ = [
    "COMPACT_TEMPLATE_ID",
    "DEFAULT_SERIES_PATTERN",
    "STANDARD_TEMPLATE_ID",
    "VAT_RATES",
    "AllegroFollowCursor",
    "AllegroIntegration",
    "AllegroInvoiceUpload",
    "AllegroOrder",
    "Audience",
    "AuditEvent",
    "Company",
    "Customer",
    "CustomerKind",
    "IntegrationStatus",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "InvoiceLine",
    "InvoicePayment",
    "InvoiceStatus",
    "InvoiceTemplate",
    "KsefConnection",
    "KsefStatus",
    "KsefSubmission",
    "Notification",
    "OrderState",
    "Product",
    "Role",
    "SyncRun",
    "SyncStatus",
    "Tenant",
    "UploadStatus",
    "User",
    "UserSession",
    "VatRate",
]
