"""Migration 0017: KSeF texts and admin-hold notifications stored in Polish before are rewritten
to the English form the pages translate, details kept; the downgrade puts the Polish back."""

from __future__ import annotations

import uuid

import psycopg
import sqlalchemy as sa
from alembic.config import Config

from alembic import command
from invoicehub.i18n import catalog
from invoicehub.i18n.stored import translate_stored
from tests.support import services

MIGRATION_DB = "invoicehub_migration_0017"
HOLD = (
    "A platform administrator has disabled syncing for this Allegro account. "
    "Contact support to have it enabled again. "
)
# Stored before -> stored after.
KSEF_ROWS = {
    "Plik faktury jest niezgodny ze schematem FA(3): line 3: Faktura": (
        "The invoice file does not match the FA(3) schema: line 3: Faktura"
    ),
    "Duplikat faktury: KSeF przyjął ją już wcześniej": (
        "Duplicate invoice: KSeF accepted it earlier"
    ),
    "KSeF odrzucił fakturę: błąd 999": "KSeF rejected the invoice: błąd 999",
    "KSeF nie przyjął tokenu firmy: 450 invalid token": (
        "KSeF did not accept the company's token: 450 invalid token"
    ),
    "KSeF jest niedostępny (503 Service Unavailable; retry); faktura zostanie wysłana w trybie "
    "offline, gdy KSeF wróci": "KSeF is unavailable (503 Service Unavailable; retry); the invoice "
    "will be sent in offline mode once KSeF is back",
    "KSeF przyjął tę fakturę wcześniej; przyjęto jej pierwotny numer KSeF": (
        "KSeF had accepted this invoice earlier; its original KSeF number was kept"
    ),
    "An error KSeF sent as it is": "An error KSeF sent as it is",
}
NOTIFICATIONS = {
    HOLD + "Powód podany przez administratora: Podejrzane zamówienia": (
        HOLD + "Reason given by the administrator: Podejrzane zamówienia"
    ),
    "Sync failed": "Sync failed",
}


def _migrate(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    config = Config(str(services.ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = True
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def _insert(texts: dict[str, str]) -> None:
    # As the superuser in replica mode: the rows' companies and invoices need not exist here.
    with psycopg.connect(services.superuser_dsn(MIGRATION_DB), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        for text in KSEF_ROWS:
            conn.execute(
                "INSERT INTO ksef_submissions (id, tenant_id, company_id, invoice_id, status,"
                " environment, offline, attempts, error_description, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, 'rejected', 'emulator', false, 0, %s, now(), now())",
                (uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), text),
            )
        for body in texts:
            conn.execute(
                "INSERT INTO notifications (id, audience, kind, title, body, created_at)"
                " VALUES (%s, 'user', 'allegro.admin_disabled', 't', %s, now())",
                (uuid.uuid4(), body),
            )


def _stored(engine: sa.Engine) -> tuple[set[str], set[str]]:
    with engine.connect() as conn:
        ksef = set(conn.scalars(sa.text("SELECT error_description FROM ksef_submissions")))
        bodies = set(conn.scalars(sa.text("SELECT body FROM notifications")))
    return ksef, bodies


def test_migration_0017_stores_the_english_form_and_the_downgrade_the_polish_one():
    engine = sa.create_engine(services.recreate_database(MIGRATION_DB))
    try:
        _migrate(engine, "0013")
        _insert(NOTIFICATIONS)
        _migrate(engine, "0017")
        assert _stored(engine) == (set(KSEF_ROWS.values()), set(NOTIFICATIONS.values()))
        _migrate(engine, "0013", down=True)
        assert _stored(engine) == (set(KSEF_ROWS), set(NOTIFICATIONS))
    finally:
        engine.dispose()
        services.drop_database(MIGRATION_DB)


def test_the_migrated_texts_read_as_before_in_polish_and_in_english_for_english_readers():
    for polish, english in KSEF_ROWS.items():
        assert translate_stored("pl", english) == polish
        assert translate_stored("en", english) == english
    # The hold notification read wholly in one language (before: English with a Polish tail).
    hold = NOTIFICATIONS[HOLD + "Powód podany przez administratora: Podejrzane zamówienia"]
    assert translate_stored("en", hold) == hold
    assert translate_stored("pl", hold).startswith("Administrator platformy wyłączył")
    assert translate_stored("pl", hold).endswith(
        "Powód podany przez administratora: Podejrzane zamówienia"
    )


def test_every_rewritten_ksef_text_is_a_catalogue_text():
    from invoicehub.integrations.ksef import texts

    for msgid in (*texts.WITH_DETAILS, *texts.TEMPLATES):
        assert msgid in catalog("pl") and catalog("en")[msgid] == msgid
