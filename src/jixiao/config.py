"""Settings read from the environment (prefix ``JIXIAO_``); CLI flags override them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    max_file_mb: int = 50
    max_inflated_mb: int = 200
    max_pdf_pages: int = 300
    read_timeout_s: float = 30.0
    match_auto: float = 90.0
    match_review: float = 75.0
    nightly_cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"

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
        return f"sqlite:///{(self.home / 'jixiao.db').resolve()}"

    def alert_url_list(self) -> list[str]:
        return [u for u in self.alert_urls.replace(",", " ").split() if u]

    def ensure_dirs(self) -> None:
        for p in (self.inbox, self.archive, self.quarantine, self.gx_dir):
            p.mkdir(parents=True, exist_ok=True)


def get_settings(**overrides: object) -> Settings:
    """Read settings now (never at import time); keyword overrides win over the environment."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]  # pydantic validates the overrides at run time
