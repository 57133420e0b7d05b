"""A validation finding: code, severity, field key, plain-Estonian message."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Issue(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    field: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, field: str, message: str) -> Issue:
    return Issue(code=code, severity=Severity.ERROR, field=field, message=message)


def warning(code: str, field: str, message: str) -> Issue:
    return Issue(code=code, severity=Severity.WARNING, field=field, message=message)
