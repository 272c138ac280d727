"""Settings read from the environment (prefix ``JIXIAO_``); CLI flags override them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIXIAO_", extra="ignore")

    home: Path = Field(
        default=Path("./jixiao-data"),
        description="Holds inbox/, archive/, quarantine/, the SQLite file and gx/.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file under home."
    )
    alert_urls: str = Field(default="", description="Apprise URLs, separated by spaces or commas.")
    alert_on_warnings: bool = False
    workers: int = Field(default=0, description="Parse processes; 0 = one per core.")
    chunk_files: int = Field(
        default=2500,
        ge=1,
        description="Files a run reads, checks and loads at a time: memory is bounded by it.",
    )
    max_file_mb: int = 50
    max_inflated_mb: int = 200
    max_pdf_pages: int = 300
    read_timeout_s: float = 30.0
    match_auto: float = 90.0
    match_review: float = 75.0
    nightly_cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    quiet_s: float = Field(
        default=2.0,
        description="A file is taken once its size and mtime have not changed for this many seconds.",
    )
    fail_on_dq_errors: bool = Field(
        default=False,
        description="End a run with error-level data-quality failures as Failed instead of "
        "'Completed with DQ errors'.",
    )
    prefect_start_timeout_s: float = Field(
        default=120.0, description="How long to wait for the temporary Prefect server to start."
    )

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        # Resolved once, here: every path below home (inbox files in the ledger, the watcher's events, the
        # CLI's staged copies) is then absolute, so one file has one name however it was reached.
        return value.expanduser().resolve()

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def gx_dir(self) -> Path:
        return self.home / "gx"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'jixiao.db'}"

    def alert_url_list(self) -> list[str]:
        return [u for u in self.alert_urls.replace(",", " ").split() if u]

    def ensure_dirs(self) -> None:
        for p in (self.inbox, self.archive, self.quarantine, self.gx_dir):
            p.mkdir(parents=True, exist_ok=True)


def get_settings(**overrides: object) -> Settings:
    """Read settings now (never at import time); keyword overrides win over the environment."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]  # pydantic validates the overrides at run time
