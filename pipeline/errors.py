"""One error base class; subclasses carry the data a message needs.

Messages never name a person or an isikukood: only codes, file hashes and
case numbers (see the README's Confidentiality section).
"""

from __future__ import annotations

import datetime as dt
from typing import Self


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose.

    `code` is a stable machine-readable reason; `message` is plain Estonian
    for the people who read it (office staff, coordinators). An error made with
    `of(key, ...)` names its text in the message catalogue (`pipeline.i18n`), so
    `text(lang)` gives it in the reader's language (`PLR_LANG=en`).
    """

    code: str = "error"
    exit_code: int = 2

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.key: str | None = None
        self.values: dict[str, object] = {}

    @classmethod
    def of(cls, key: str, /, *, code: str | None = None, field: str | None = None,
           **values: object) -> Self:
        """The error whose text is the catalogue's `key`, filled with `values` (a value may
        be an `i18n.Localized`, written in the reader's language)."""
        from pipeline.i18n import message

        err = cls(message("et", key, values), code=code, field=field)
        err.key, err.values = key, values
        return err

    def text(self, lang: str) -> str:
        """The message in `lang`: from the catalogue when the error has a key, else the
        Estonian `message`."""
        if self.key is None:
            return self.message
        from pipeline.i18n import message

        return message(lang, self.key, self.values)


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


class TooEarly(Refused):
    """A step that belongs after a meeting (a plan after its conference, a follow-up's
    outcome after the follow-up) asked for before the meeting has started; `start` is
    the meeting's start."""

    code = "too_early"
    start: dt.datetime | None = None
