"""Typed configuration read from the environment: the only module that reads it.

Defaults are the operational contract of ARCHITECTURE §2 (one machine, loopback ports).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class AllegroEnv(StrEnum):
    EMULATOR = "emulator"
    SANDBOX = "sandbox"
    PRODUCTION = "production"


# (OAuth base, REST API base) per environment; only hosts change between them.
ALLEGRO_HOSTS: dict[AllegroEnv, tuple[str, str]] = {
    AllegroEnv.SANDBOX: (
        "https://allegro.pl.allegrosandbox.pl/auth/oauth",
        "https://api.allegro.pl.allegrosandbox.pl",
    ),
    AllegroEnv.PRODUCTION: ("https://allegro.pl/auth/oauth", "https://api.allegro.pl"),
}


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_list(name: str) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str  # the app's role: DML only, owns nothing (web, workers, CLI)
    migration_database_url: str  # the tables' owner: Alembic only
    redis_url: str
    web_url: str
    emulator_url: str
    allegro_env: AllegroEnv
    allegro_client_id: str
    allegro_client_secret: str
    allegro_redirect_uri: str
    jwt_secret: str
    jwt_issuer: str
    jwt_audience: str
    jwt_ttl_seconds: int
    token_keys: list[str] = field(repr=False)
    allowed_origins: list[str]
    demo_password: str = field(repr=False)
    data_dir: Path = PROJECT_ROOT / ".data"
    # The KSeF emulator (a company whose KSeF environment is "emulator" sends there).
    ksef_emulator_url: str = "http://127.0.0.1:8310"

    @property
    def allegro_oauth_url(self) -> str:
        if self.allegro_env is AllegroEnv.EMULATOR:
            return f"{self.emulator_url}/auth/oauth"
        return ALLEGRO_HOSTS[self.allegro_env][0]

    @property
    def allegro_api_url(self) -> str:
        if self.allegro_env is AllegroEnv.EMULATOR:
            return self.emulator_url
        return ALLEGRO_HOSTS[self.allegro_env][1]

    def __repr__(self) -> str:  # never print secrets or passwords embedded in URLs
        return f"Settings(allegro_env={self.allegro_env.value}, web_url={self.web_url})"


def _read_secret_file(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


# `make run`'s roles: the owner runs the migrations, the app role may only read and write rows
# (it cannot TRUNCATE, ALTER or drop the immutability triggers).
DEFAULT_DATABASE_URL = (
    "postgresql+psycopg://invoicehub_app:invoicehub_app@127.0.0.1:5433/invoicehub"
)
DEFAULT_MIGRATION_DATABASE_URL = (
    "postgresql+psycopg://invoicehub:invoicehub@127.0.0.1:5433/invoicehub"
)


def _database_urls() -> tuple[str, str]:
    """(app URL, migration URL). A setup that names only INVOICEHUB_DATABASE_URL runs the
    migrations with it too (one role); with neither set, `make run`'s two roles."""
    app_url = os.environ.get("INVOICEHUB_DATABASE_URL")
    migration_url = os.environ.get("INVOICEHUB_MIGRATION_DATABASE_URL")
    if app_url:
        return app_url, migration_url or app_url
    return DEFAULT_DATABASE_URL, migration_url or DEFAULT_MIGRATION_DATABASE_URL


def load_settings() -> Settings:
    data_dir = Path(_env("INVOICEHUB_DATA_DIR", str(PROJECT_ROOT / ".data")))
    web_url = _env("INVOICEHUB_WEB_URL", "http://127.0.0.1:8000")
    token_keys = _env_list("INVOICEHUB_TOKEN_KEYS")
    if not token_keys:
        dev_key = _read_secret_file(data_dir / "token-key")
        token_keys = [dev_key] if dev_key else []
    jwt_secret = (
        _env("INVOICEHUB_JWT_SECRET", "") or _read_secret_file(data_dir / "jwt-secret") or ""
    )
    database_url, migration_database_url = _database_urls()
    return Settings(
        database_url=database_url,
        migration_database_url=migration_database_url,
        redis_url=_env("INVOICEHUB_REDIS_URL", "redis://127.0.0.1:6380/0"),
        web_url=web_url,
        emulator_url=_env("INVOICEHUB_EMULATOR_URL", "http://127.0.0.1:8300"),
        allegro_env=AllegroEnv(_env("ALLEGRO_ENV", AllegroEnv.EMULATOR.value)),
        allegro_client_id=_env("ALLEGRO_CLIENT_ID", "invoicehub-demo"),
        allegro_client_secret=_env("ALLEGRO_CLIENT_SECRET", "invoicehub-demo-secret"),
        allegro_redirect_uri=_env(
            "ALLEGRO_REDIRECT_URI", f"{web_url}/api/v1/allegro/auth/callback"
        ),
        jwt_secret=jwt_secret,
        jwt_issuer=_env("INVOICEHUB_JWT_ISSUER", "invoicehub"),
        jwt_audience=_env("INVOICEHUB_JWT_AUDIENCE", "invoicehub-api"),
        jwt_ttl_seconds=_env_int("INVOICEHUB_JWT_TTL_SECONDS", 3600),
        token_keys=token_keys,
        allowed_origins=_env_list("INVOICEHUB_ALLOWED_ORIGINS") or [web_url],
        demo_password=_env("INVOICEHUB_DEMO_PASSWORD", "demo-password"),
        data_dir=data_dir,
        ksef_emulator_url=_env("INVOICEHUB_KSEF_EMULATOR_URL", "http://127.0.0.1:8310"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
