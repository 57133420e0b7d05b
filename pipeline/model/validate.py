"""Validation rules E01–E11 and W01–W08 (stub, being written)."""

from __future__ import annotations

import datetime as dt

from pipeline.model.assemble import Assembled
from pipeline.model.issues import Issue


def validate(assembled: Assembled, *, today: dt.date, sender: str | None = None) -> list[Issue]:
    return []
