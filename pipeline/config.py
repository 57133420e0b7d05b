"""Settings: one pydantic-settings class, built in the CLI and passed down."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Limits(BaseSettings):
    """Bounds on what one input file may cost (hostile or broken files)."""

    model_config = SettingsConfigDict(env_prefix="PLR_LIMIT_", extra="ignore")

    max_file_bytes: int = 50 * 1024 * 1024
    max_zip_entries: int = 2000
    max_zip_uncompressed: int = 200 * 1024 * 1024
    max_zip_ratio: int = 200
    max_pdf_pages: int = 50
    max_pdf_stream_bytes: int = 100 * 1024 * 1024
    read_seconds: float = 60.0
    read_memory_mb: int = 1024
    max_attachments: int = 50


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLR_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(os.environ.get("PLR_HOME", ".")))
    database_url: str | None = None
    lang: str = "et"
    smtp_url: str | None = None
    smtp_from: str = "pere.lahendusring@example.ee"
    stable_seconds: float = 1.0
    rescan_seconds: float = 30.0
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1)
    pdf: bool = False
    limits: Limits = Field(default_factory=Limits)

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def templates_dir(self) -> Path:
        return self.home / "templates"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'plr.sqlite3').resolve()}"

    def with_home(self, home: Path | None) -> Settings:
        return self if home is None else self.model_copy(update={"home": home})
