"""The guided setup (issue 13, item 3): company data -> KSeF (where the company has KSeF
settings) -> connect Allegro -> integration settings -> first sync, each done or to do.

`setup_steps` is pure; `read_setup_facts` reads what it needs for one tenant. The KSeF step is
done once the company holds a KSeF token (its `ksef_connections` row); `ksef_configured=None`
leaves the step out (kept for callers that have no KSeF to offer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.domain.seller_data import missing_seller_fields
from invoicehub.models import AllegroIntegration, SyncRun, SyncStatus
from invoicehub.models.ksef import KsefConnection

STEP_ORDER = ("company", "ksef", "allegro", "settings", "sync")


@dataclass(frozen=True)
class SetupFacts:
    company_complete: bool
    ksef_configured: bool | None  # None: the company has no KSeF settings to fill in
    allegro_connected: bool
    settings_saved: bool
    first_sync_done: bool


@dataclass(frozen=True)
class SetupStep:
    key: str
    done: bool


def setup_steps(facts: SetupFacts) -> list[SetupStep]:
    done = {
        "company": facts.company_complete,
        "ksef": bool(facts.ksef_configured),
        "allegro": facts.allegro_connected,
        "settings": facts.settings_saved,
        "sync": facts.first_sync_done,
    }
    keys = [k for k in STEP_ORDER if k != "ksef" or facts.ksef_configured is not None]
    return [SetupStep(key, done[key]) for key in keys]


def setup_finished(steps: list[SetupStep]) -> bool:
    return all(step.done for step in steps)


def read_setup_facts(session: Session, tenant_id: uuid.UUID) -> SetupFacts:
    company = default_company(session, tenant_id)
    ksef = company is not None and (
        session.exec(
            select(KsefConnection.id).where(
                KsefConnection.tenant_id == tenant_id,
                KsefConnection.company_id == company.id,
                KsefConnection.token_encrypted.is_not(None),  # type: ignore[union-attr]
            )
        ).first()
        is not None
    )
    integrations = session.exec(
        select(AllegroIntegration).where(AllegroIntegration.tenant_id == tenant_id)
    ).all()
    synced = session.exec(
        select(sa.func.count())
        .select_from(SyncRun)
        .where(SyncRun.tenant_id == tenant_id, SyncRun.status == SyncStatus.SUCCEEDED.value)
    ).one()
    return SetupFacts(
        company_complete=company is not None and not missing_seller_fields(company),
        ksef_configured=ksef,
        allegro_connected=any(i.status == "active" for i in integrations),
        settings_saved=any(i.settings is not None for i in integrations),
        first_sync_done=bool(synced),
    )
