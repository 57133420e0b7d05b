"""What a case looks like outside the database (register → render/deliver).

The register turns its rows into these models (`pipeline.register` builds a
`CaseView`); the document renderer and the delivery stage take only these,
so templates never touch the database.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pipeline.model.issues import Issue
from pipeline.model.referral import Referral
from pipeline.model.signature import SignatureInfo


class State(StrEnum):
    RECEIVED = "received"
    RETURNED = "returned"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    PREPARING = "preparing"
    SCHEDULED = "scheduled"
    PLAN_AGREED = "plan_agreed"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


class Role(StrEnum):
    CHILD = "child"
    CAREGIVER = "caregiver"
    NETWORK = "network"
    REFERRER = "referrer"
    INFORMATION_GIVER = "information_giver"
    COORDINATOR = "coordinator"


# Roles that receive documents in the family's language; everyone else in Estonian.
FAMILY_ROLES = frozenset({Role.CHILD, Role.CAREGIVER, Role.NETWORK})


class MeetingKind(StrEnum):
    CONFERENCE = "conference"
    FOLLOW_UP = "follow_up"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Coordinator(_View):
    id: int | None = None
    name: str
    email: str
    phone: str | None = None
    languages: list[str] = Field(default_factory=lambda: ["et"])
    capacity: int = 5


class Participant(_View):
    id: int | None = None
    name: str
    role: Role
    relation: str | None = None  # "ema", "onu", "klassijuhataja"
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    language: str = "et"
    # Information givers attend the information-sharing part only.
    parts: list[int] = Field(default_factory=lambda: [1, 2, 3])

    @property
    def is_family(self) -> bool:
        return self.role in FAMILY_ROLES


class Meeting(_View):
    kind: MeetingKind
    start: dt.datetime  # Europe/Tallinn local time, naive
    end: dt.datetime
    place: str
    # The calendar identity: a moved meeting keeps `uid` and raises `sequence`.
    uid: str | None = None
    sequence: int = 0


class Agreement(_View):
    what: str
    who: str
    by_when: str  # as the family wrote it: "iga päev", "15.12.2026"
    checks: str


class ActionPlan(_View):
    agreements: list[Agreement]
    contingency: str | None = None
    bottom_lines_met: str | None = None
    notes: str | None = None


class CaseView(_View):
    """Everything a document about one case may show."""

    number: str  # PLR-2026-0001
    state: State
    received_at: dt.datetime
    referral: Referral
    warnings: list[Issue] = Field(default_factory=list)
    coordinator: Coordinator | None = None
    participants: list[Participant] = Field(default_factory=list)
    conference: Meeting | None = None
    follow_up: Meeting | None = None
    plan: ActionPlan | None = None
    source_file: str | None = None
    signatures: list[SignatureInfo] = Field(default_factory=list)  # issue 12
    # The coordinator's translations of the referrer's texts: {"ru": {"question": "…"}}.
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
