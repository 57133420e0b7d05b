"""The listings' light settings read the environment exactly as `Settings` does (issue 8)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.config_light import ListingSettings, listing_settings

SHARED = [f.name for f in dataclasses.fields(ListingSettings)]

# Each environment: the PLR_ variables set (nothing else of ours is), as a user might.
ENVIRONMENTS = [
    {},
    {"PLR_HOME": "/srv/plr", "PLR_DATABASE_URL": "postgresql+psycopg://plr@db/plr",
     "PLR_LANG": "en"},
    {"PLR_HOME": "relative/home", "PLR_LANG": "ru"},
    {"PLR_HOME": "", "PLR_DATABASE_URL": "", "PLR_LANG": ""},  # set but empty
    {"plr_home": "/lower/case", "Plr_Database_Url": "sqlite:////tmp/x.sqlite3",
     "plr_lang": "en"},  # pydantic-settings does not mind the case of a name
    {"PLR_HOME": "/srv/a b/ä", "PLR_DATABASE_URL": "sqlite:///rel.sqlite3"},
    {"PLR_SMTP_URL": "smtp://x", "PLR_WORKERS": "3"},  # only variables the listings ignore
]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.lower().startswith("plr_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_config_light_shares_only_settings_fields() -> None:
    assert SHARED and set(SHARED) <= set(Settings.model_fields)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("home", [None, Path("/given/home")])
def test_config_light_reads_every_shared_variable_as_settings(
        environment: pytest.MonkeyPatch, env: dict[str, str], home: Path | None,
        tmp_path: Path) -> None:
    environment.chdir(tmp_path)  # a relative home resolves alike from here
    for name, value in env.items():
        environment.setenv(name, value)
    full = Settings().with_home(home)
    light = listing_settings(home)
    for name in SHARED:
        assert getattr(light, name) == getattr(full, name), (name, env)
    assert light.db_url == full.db_url
    # The slow path's Settings is the same register, language and home.
    again = light.full()
    assert (again.home, again.db_url, again.lang) == (full.home, full.db_url, full.lang)
