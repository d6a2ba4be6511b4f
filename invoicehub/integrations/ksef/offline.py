"""Invoices KSeF could not take: marking them offline with their mode and deadline, and the
scheduled deadline check that tells the seller and starts the senders again.

The mode is offline24 (docs: tryby-offline.md): the taxpayer's own mode, which needs no
announcement by the Ministry, so its deadline (the next working day after the issue date P_1)
holds whatever caused the outage. The modes caused by KSeF (announced unavailability, failure)
only ever give later deadlines (domain/ksef_offline.py computes them too). The sender sends
offline invoices by their deadline first (sender._ready_rows).

`check_deadlines` runs hourly in rq-scheduler (jobs/schedule.py). It is a system sweep over all
tenants: each notification goes to the tenant of its invoices only, once per stage (`due_soon`:
the deadline is today or tomorrow; `overdue`: it has passed), remembered in `deadline_notice`.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.activity import notify
from invoicehub.db import session_scope
from invoicehub.domain.ksef_offline import OfflineMode, deadline_stage, send_deadline
from invoicehub.i18n import N_
from invoicehub.integrations.ksef.ksef_queue import enqueue_sending_after_commit
from invoicehub.integrations.ksef.texts import UNAVAILABLE
from invoicehub.models import Company, Invoice, KsefStatus, KsefSubmission

logger = logging.getLogger(__name__)
POLAND = ZoneInfo("Europe/Warsaw")  # deadlines are Polish calendar days
UNSENT = (KsefStatus.QUEUED.value, KsefStatus.OFFLINE.value)
_subs: sa.Table = KsefSubmission.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]
_companies: sa.Table = Company.__table__  # type: ignore[attr-defined]

# Stored in English, translated when shown (i18n/stored.py TEMPLATES).
TITLES = {
    ("due_soon", True): N_("1 offline invoice must reach KSeF by {deadline}"),
    ("due_soon", False): N_("{count} offline invoices must reach KSeF by {deadline}"),
    ("overdue", True): N_("1 offline invoice missed its KSeF deadline ({deadline})"),
    ("overdue", False): N_("{count} offline invoices missed their KSeF deadline ({deadline})"),
}
BODY = N_(
    "Company {company}: KSeF could not be reached when these invoices were issued. They are "
    "sent in offline mode as soon as KSeF answers; the invoice list filtered by KSeF status "
    "Offline shows them."
)


def today_in_poland(now: datetime | None = None) -> date:
    return (now or datetime.now(POLAND)).astimezone(POLAND).date()


def mark_offline(session: Session, submission_ids: Sequence[uuid.UUID], reason: str) -> None:
    """KSeF is unreachable: these invoices go out in offline mode once it is back, by their
    deadline (set once, when an invoice first goes offline)."""
    if not submission_ids:
        return
    session.connection().execute(
        sa.update(_subs)
        .where(_subs.c.id.in_(submission_ids), _subs.c.status.in_(UNSENT))
        .values(
            status=KsefStatus.OFFLINE.value,
            offline=True,
            offline_since=sa.func.coalesce(_subs.c.offline_since, sa.func.now()),
            error_description=UNAVAILABLE.format(reason=reason[:300]),
            updated_at=sa.func.now(),
        )
    )
    undated = session.connection().execute(
        sa.select(_subs.c.id, _invoices.c.issue_date)
        .join(_invoices, _invoices.c.id == _subs.c.invoice_id)
        .where(_subs.c.id.in_(submission_ids), _subs.c.send_deadline.is_(None))
        .where(_subs.c.status == KsefStatus.OFFLINE.value)
    )
    dated = [
        {
            "sid": sid,
            "mode": OfflineMode.OFFLINE24.value,
            "deadline": send_deadline(OfflineMode.OFFLINE24, issue_date=issued),
        }
        for sid, issued in undated.all()
    ]
    if dated:
        session.connection().execute(
            sa.update(_subs)
            .where(_subs.c.id == sa.bindparam("sid"))
            .values(offline_mode=sa.bindparam("mode"), send_deadline=sa.bindparam("deadline")),
            dated,
        )


def check_deadlines(now: datetime | None = None) -> dict[str, int]:
    """The scheduled check: notify each tenant of its offline invoices near or past their
    deadline (once per stage) and start the senders of every company with offline invoices."""
    today = today_in_poland(now)
    with session_scope() as session:
        rows = session.connection().execute(
            sa.select(
                _subs.c.id,
                _subs.c.tenant_id,
                _subs.c.company_id,
                _subs.c.send_deadline,
                _subs.c.deadline_notice,
            )
            .where(_subs.c.status.in_(UNSENT), _subs.c.send_deadline.is_not(None))
            .order_by(_subs.c.send_deadline)
        )
        waiting: set[uuid.UUID] = set()
        due: dict[tuple[uuid.UUID, uuid.UUID, str], list[Any]] = defaultdict(list)
        for row in rows.all():
            waiting.add(row.company_id)
            stage = deadline_stage(row.send_deadline, today)
            if stage is not None and stage != row.deadline_notice:
                due[(row.tenant_id, row.company_id, stage)].append(row)
        for (tenant_id, company_id, stage), items in due.items():
            _notify(session, tenant_id, company_id, stage, items)
        enqueue_sending_after_commit(session, sorted(waiting))
    told = sum(len(items) for items in due.values())
    if told:
        logger.info("KSeF offline deadlines: %d invoices told in %d notices", told, len(due))
    return {"companies": len(waiting), "notified": told, "notices": len(due)}


def _notify(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID, stage: str, items: list[Any]
) -> None:
    company = (
        session.connection()
        .execute(
            sa.select(_companies.c.name, _companies.c.nip).where(
                _companies.c.id == company_id, _companies.c.tenant_id == tenant_id
            )
        )
        .first()
    )
    label = f"{company.name} (NIP {company.nip})" if company else str(company_id)
    deadline = min(item.send_deadline for item in items).strftime("%d.%m.%Y")
    title = TITLES[(stage, len(items) == 1)].format(count=len(items), deadline=deadline)
    notify(
        session,
        kind=f"ksef.offline_{stage}",
        title=title[:200],
        body=BODY.format(company=label),
        tenant_id=tenant_id,
    )
    session.connection().execute(
        sa.update(_subs)
        .where(_subs.c.id.in_([item.id for item in items]), _subs.c.tenant_id == tenant_id)
        .values(deadline_notice=stage, updated_at=sa.func.now())
    )
