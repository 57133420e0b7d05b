"""One error base class; subclasses carry the data a message needs.

Messages never name a person or an isikukood: only codes, file hashes and
case numbers (see the README's Confidentiality section).
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose.

    `code` is a stable machine-readable reason; `message` is plain Estonian
    for the people who read it (office staff, coordinators).
    """

    code: str = "error"
    exit_code: int = 2

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class UnreadableFile(PipelineError):
    """No referral could be read: empty, corrupt, encrypted, not a form, too big."""

    code = "unreadable"


class NotAReferral(UnreadableFile):
    code = "not_a_referral"


class ResourceLimit(UnreadableFile):
    """A file exceeded a size, ratio, time or memory limit (bombs, hostile input)."""

    code = "limit"


class ConfigError(PipelineError):
    code = "config"


class NotFound(PipelineError):
    code = "not_found"
    exit_code = 3


class Refused(PipelineError):
    """An action the process does not allow (wrong state, wrong coordinator)."""

    code = "refused"
    exit_code = 4
