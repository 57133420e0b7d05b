"""Settings: one pydantic-settings class, built in the CLI and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.errors import ConfigError

DIR_MODE = 0o700  # working folders hold children's data: owner only


@dataclass(frozen=True)
class Layout:
    home: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def processing(self) -> Path:
        return self.home / "processing"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def duplicates(self) -> Path:
        return self.archive / "duplicates"

    @property
    def returned(self) -> Path:
        return self.home / "returned"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def mail_spool(self) -> Path:
        return self.data / "mail"

    def folders(self) -> list[Path]:
        return [self.inbox, self.outbox, self.data, self.processing, self.archive,
                self.returned, self.quarantine, self.mail_spool]

    def ensure(self) -> None:
        """Create missing folders (owner only); an unwritable one is a clear error now."""
        for folder in self.folders():
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            except OSError as exc:
                raise ConfigError.of("err.folder_create", code="folder", folder=folder,
                                     reason=exc.strerror) from None
            if not os.access(folder, os.W_OK | os.X_OK):
                raise ConfigError.of("err.folder_write", code="folder", folder=folder)
            if folder != self.inbox:
                _owner_only(folder)


def _owner_only(folder: Path) -> None:
    """Tighten a folder the pipeline writes children's data into, if it is ours.

    A folder that already existed (the bundled `outbox/` of a fresh clone, one an
    office made) may be readable by others; the inbox is left as the office set it,
    since other people must be able to save files into it."""
    st = folder.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        folder.chmod(DIR_MODE)


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
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.layout.data / 'plr.sqlite3').resolve()}"

    def with_home(self, home: Path | None) -> Settings:
        return self if home is None else self.model_copy(update={"home": home})
