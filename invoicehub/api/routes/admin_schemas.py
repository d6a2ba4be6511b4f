"""The admin API's answers: the admin views (admin/overview.py, admin/feed.py, jobs/overview.py)
as the API spells them, in camelCase. Each answer is its view with the API's alias convention
(`ApiModel` first, so its config wins): the fields are declared once, in the view."""

from __future__ import annotations

from invoicehub.admin.feed import AuditEventItem, NotificationItem
from invoicehub.admin.overview import AdminIntegrationRow, IntegrationSummary
from invoicehub.api.schema import ApiModel
from invoicehub.jobs.overview import QueueStats, WorkerInfo


class AdminIntegrationOut(ApiModel, AdminIntegrationRow):
    pass


class IntegrationSummaryOut(ApiModel, IntegrationSummary):
    pass


class NotificationOut(ApiModel, NotificationItem):
    pass


class AuditEventOut(ApiModel, AuditEventItem):
    pass


class QueueStatsOut(ApiModel, QueueStats):
    pass


class WorkerOut(ApiModel, WorkerInfo):
    pass


class QueueOverviewOut(ApiModel):
    queues: list[QueueStatsOut]
    workers: list[WorkerOut]
