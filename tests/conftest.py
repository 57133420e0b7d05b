"""Shared fixtures: synthetic data only (invented names, valid isikukoods)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.config import Limits
from pipeline.model.referral import Referral
from pipeline.samples import sample_referral


@pytest.fixture
def referral() -> Referral:
    return sample_referral()


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 24)
