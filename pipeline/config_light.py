"""The home folder's layout, and the three settings `plr cases` and `plr intake` need.

Those two listings must start fast (issue 8), and building `pipeline.config.Settings`
imports pydantic and pydantic-settings, which cost more than the listing itself. So they
read the home, the database URL and the language here, with the same environment names
and defaults as `Settings` (`PLR_HOME`, `PLR_DATABASE_URL`, `PLR_LANG`; no `.env` file,
names matched without regard to case, an empty value taken as given), and build the
full `Settings` only when a register has to be created or migrated.
`tests/test_config_light.py` checks that the two read every shared variable alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.config import Settings

__all__ = ["DIR_MODE", "Layout", "ListingSettings", "listing_settings", "sqlite_url"]

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


def sqlite_url(layout: Layout) -> str:
    """The register's default place: a SQLite file in the home's data folder."""
    return f"sqlite:///{(layout.data / 'plr.sqlite3').resolve()}"


@dataclass(frozen=True)
class ListingSettings:
    """What the listings read of `Settings`: the same names, the same meaning."""

    home: Path
    database_url: str | None
    lang: str

    @property
    def db_url(self) -> str:
        return self.database_url or sqlite_url(Layout(self.home))

    def full(self) -> Settings:
        """The whole `Settings` with these three, for the slow path (a register to migrate)."""
        from pipeline.config import Settings

        return Settings(home=self.home, database_url=self.database_url, lang=self.lang)


def listing_settings(home: Path | None = None) -> ListingSettings:
    """`Settings().with_home(home)`'s home, database URL and language, read without pydantic."""
    # pydantic-settings lowers every variable's name (case_sensitive=False): the last of
    # two spellings wins there, and here, in the order of os.environ.
    env = {name.lower(): value for name, value in os.environ.items()}
    return ListingSettings(
        home=home if home is not None else Path(env.get("plr_home", ".")),
        database_url=env.get("plr_database_url"),
        lang=env.get("plr_lang", "et"),
    )
