"""Settings: one pydantic-settings class, built in the CLI and passed down.

`plr cases` and `plr intake` read their three settings through `pipeline.config_light`
instead, which follows the same environment names and defaults without pydantic (issue 8).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.config_light import DIR_MODE as DIR_MODE
from pipeline.config_light import Layout as Layout
from pipeline.config_light import sqlite_url


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
    # The office's own trust anchors for digital signatures (issue 12), beside the Estonian
    # CAs built in: certificate files (PEM/DER) or folders of them, as a JSON list in
    # PLR_LIMIT_TRUST_ANCHORS. Here rather than in Settings because Limits is what every
    # reader is handed.
    trust_anchors: tuple[Path, ...] = ()


class ProviderSettings(BaseSettings):
    """The service provider's letterhead on every letter: `PLR_PROVIDER_NAME`, …

    Set once per office (environment or `.env`); empty values are left out of the letterhead."""

    model_config = SettingsConfigDict(env_prefix="PLR_PROVIDER_", extra="ignore")

    name: str = "Pere lahendusringi teenus"
    address: str = ""
    phone: str = ""
    email: str = ""
    registry_code: str = ""
    website: str = ""
    # A PNG or JPEG shown at the letterhead's left, 15 mm high.
    logo: Path | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLR_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(os.environ.get("PLR_HOME", ".")))
    database_url: str | None = None
    lang: str = "et"
    smtp_url: str | None = None
    smtp_from: str = "pere.lahendusring@example.ee"
    stable_seconds: float = 1.0
    # A file that does not look complete (no %%EOF, no zip directory, no closing MIME
    # boundary) or is still open for writing is waited for this long after its last
    # change before it is taken anyway (default: 10 × stable_seconds, at least 10 s).
    incomplete_seconds: float | None = None
    rescan_seconds: float = 30.0
    # A file that met the register down waits this long before it is tried again.
    db_retry_seconds: float = 10.0
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1)
    # A worker process is replaced after this many files (0: never), so memory held
    # by the libraries stays bounded across a long backlog.
    worker_max_files: int = 200
    pdf: bool = False
    limits: Limits = Field(default_factory=Limits)
    # The web app (`plr serve`): the session cookie only over HTTPS (set behind a TLS
    # proxy), sign-out after this many idle minutes, the address people open.
    secure_cookies: bool = False
    session_idle_minutes: float = 30.0
    public_url: str | None = None
    provider: ProviderSettings = Field(default_factory=ProviderSettings)

    @property
    def layout(self) -> Layout:
        return Layout(self.home)

    @property
    def outbox(self) -> Path:
        return self.layout.outbox

    @property
    def templates_dir(self) -> Path:
        return self.home / "templates"

    @property
    def db_url(self) -> str:
        return self.database_url or sqlite_url(self.layout)

    def with_home(self, home: Path | None) -> Settings:
        return self if home is None else self.model_copy(update={"home": home})
