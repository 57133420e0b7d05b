"""Registering referrals as cases; finding and listing cases.

A valid referral becomes a case with the next number of its year. A
corrected form re-sent for the same child by the same referrer (same
referrer e-mail; a child with the same isikukood, else the same name and
birth date) while the case is open updates that case instead: the new form
becomes the current version and the earlier one is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import NotFound
from pipeline.model.case import CaseView, Role, State
from pipeline.model.issues import Issue
from pipeline.model.referral import Child, Referral
from pipeline.model.signature import SignatureInfo
from pipeline.register.numbering import next_number as _next_number
from pipeline.register.numbering import parse_number
from pipeline.register.tables import Case, Participant, ReferralVersion, StateChange

TALLINN = ZoneInfo("Europe/Tallinn")
SYSTEM = "süsteem"
# States in which a case is finished: a re-sent form starts a new case.
ENDED = frozenset({State.CLOSED.value, State.RETURNED.value})
DOC_LANGUAGES = frozenset({"et", "ru", "en"})


@dataclass(frozen=True)
class RegisterResult:
    number: str
    created: bool
    version: int
    # The case as this transaction holds it, so that the caller can build the renderers'
    # view from these rows instead of reading them back (`views.build_case_view`).
    case: Case | None = field(default=None, compare=False, repr=False)


def local_naive(when: dt.datetime) -> dt.datetime:
    """Store times as Tallinn wall-clock time without a zone (as the documents show them)."""
    if when.tzinfo is None:
        return when
    return when.astimezone(TALLINN).replace(tzinfo=None)


def now() -> dt.datetime:
    return dt.datetime.now(TALLINN).replace(tzinfo=None, microsecond=0)


def _norm(s: str | None) -> str:
    return " ".join((s or "").split()).casefold()


def child_key(child: Child) -> str | None:
    """A hash identifying a child across re-sends (never the isikukood itself)."""
    if child.id_code:
        raw = "id:" + child.id_code.strip()
    elif child.name:
        raw = f"nb:{_norm(child.name)}|{child.birth_date.isoformat() if child.birth_date else ''}"
    else:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()


def child_keys(referral: Referral) -> list[str]:
    return sorted({k for c in referral.children if (k := child_key(c)) is not None})


def family_doc_language(referral: Referral) -> str:
    # "muu" (other): documents in Estonian, an interpreter explains them.
    lang = referral.family_language
    return lang if lang in DOC_LANGUAGES else "et"


def participants_from(referral: Referral) -> list[Participant]:
    """The participant list a referral implies (rows without a name are skipped)."""
    lang = family_doc_language(referral)
    out: list[Participant] = []

    def add(name: str | None, role: Role, language: str, **kw: str | None) -> None:
        if name and name.strip():
            out.append(
                Participant(
                    name=name.strip(), role=role.value, language=language,
                    parts=[1, 2, 3], source="referral", **kw,
                )
            )

    for ch in referral.children:
        add(ch.name, Role.CHILD, lang)
    for cg in referral.caregivers:
        add(cg.name, Role.CAREGIVER, lang, relation=cg.relation, phone=cg.phone,
            email=cg.email, address=cg.address)
    for nm in referral.network:
        add(nm.name, Role.NETWORK, lang, relation=nm.relation, phone=nm.phone)
    r = referral.referrer
    add(r.name, Role.REFERRER, "et", relation=r.position, phone=r.phone, email=r.email)
    return out


def _sync_participants(case: Case, referral: Referral) -> None:
    """Update the form-made participants in place; keep those added by hand."""
    existing = {(p.role, _norm(p.name)): p for p in case.participants if p.source == "referral"}
    seen: set[tuple[str, str]] = set()
    for new in participants_from(referral):
        key = (new.role, _norm(new.name))
        seen.add(key)
        old = existing.get(key)
        if old is None:
            case.participants.append(new)
            continue
        for attr in ("name", "relation", "phone", "email", "address", "language"):
            setattr(old, attr, getattr(new, attr))
    for key, old in existing.items():
        if key not in seen:
            case.participants.remove(old)


def record_change(
    session: Session, case: Case, to: str, *, actor: str, note: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Move `case` to `to` and write the history row (checks are the caller's)."""
    session.add(
        StateChange(case_id=case.id, at=at or now(), actor=actor, from_state=case.state,
                    to_state=to, note=note)
    )
    case.state = to


def _find_resend(session: Session, referral: Referral) -> Case | None:
    email = (referral.referrer.email or "").strip().lower()
    keys = set(child_keys(referral))
    if not email or not keys:
        return None
    stmt = (
        select(Case)
        .where(Case.referrer_email == email, Case.state.not_in(ENDED))
        .order_by(Case.id)
    )
    for case in session.execute(stmt).scalars():
        if keys & set(case.child_keys or []):
            return case
    return None


def _apply(case: Case, referral: Referral) -> None:
    case.municipality = referral.referrer.municipality
    case.family_language = referral.family_language
    case.children_count = len(referral.children)
    case.referrer_email = (referral.referrer.email or "").strip().lower() or None
    case.child_keys = child_keys(referral)


def register_referral(
    *,
    session: Session,
    referral: Referral,
    warnings: list[Issue],
    source_file: str,
    sha256: str,
    received_at: dt.datetime,
    signatures: list[SignatureInfo] | None = None,
    provenance: dict[str, Any] | None = None,
) -> RegisterResult:
    """Register a valid referral (new case) or a corrected re-send (new version);
    `provenance` (`Extraction.provenance`) says where its values came from."""
    received_at = local_naive(received_at)
    data = _with_signatures(referral.model_dump(mode="json"), signatures)
    if provenance:
        data[_PROVENANCE] = provenance
    version = ReferralVersion(
        data=data,
        warnings=[w.model_dump(mode="json") for w in warnings],
        source_file=source_file,
        sha256=sha256,
        received_at=received_at,
    )
    case = _find_resend(session, referral)
    if case is not None:
        version.version = len(case.versions) + 1
        case.versions.append(version)
        _apply(case, referral)
        _sync_participants(case, referral)
        session.flush()
        return RegisterResult(case.number, False, version.version, case)

    seq, number = _next_number(session=session, year=received_at.year)
    # Written registered at once, with its history row (received → registered), in one
    # flush. The collections a new case has none of start empty, so that building its
    # view in this transaction reads nothing back.
    case = Case(
        number=number, year=received_at.year, seq=seq, state=State.REGISTERED.value,
        received_at=received_at, coordinator_id=None, meetings=[], plans=[],
        history=[StateChange(at=received_at, actor=SYSTEM, from_state=State.RECEIVED.value,
                             to_state=State.REGISTERED.value)],
    )
    _apply(case, referral)
    version.version = 1
    case.versions.append(version)
    case.participants.extend(participants_from(referral))
    session.add(case)
    session.flush()
    # The payer of the referring municipality (issue 14); a new case has none yet.
    _billing.pin_payer(session, case, new=True)
    return RegisterResult(number, True, 1, case)


def cases_of_arrival(
    *, session: Session, sha256: str, received_at: dt.datetime
) -> list[str]:
    """The cases a file with these bytes, arriving at this time, already registered (a
    file processed again after a crash), in the order they were registered."""
    stmt = (
        select(Case.number)
        .join(ReferralVersion, ReferralVersion.case_id == Case.id)
        .where(ReferralVersion.sha256 == sha256, ReferralVersion.received_at == received_at)
        .order_by(ReferralVersion.id)
    )
    return list(dict.fromkeys(session.execute(stmt).scalars()))


def get_case(*, session: Session, number: str, for_update: bool = False) -> Case:
    """The case with this number, or NotFound with a message that says so."""
    parsed = parse_number(number)
    if parsed is None:
        raise NotFound.of("err.bad_number", code="bad_number", text=number[:40])
    stmt = select(Case).where(Case.year == parsed[0], Case.seq == parsed[1])
    if for_update:
        stmt = stmt.with_for_update()
    case = session.execute(stmt).scalar_one_or_none()
    if case is None:
        raise NotFound.of("err.no_case", code="no_case", number=number.strip().upper())
    return case


def current_referral(case: Case) -> Referral:
    """The newest version of the form (an empty one once personal data is purged)."""
    if not case.versions:
        return Referral()
    return Referral.model_validate(_form_data(case.versions[-1].data))


def current_warnings(case: Case) -> list[Issue]:
    if not case.versions:
        return []
    return [Issue.model_validate(w) for w in case.versions[-1].warnings]


def case_view(*, session: Session, number: str) -> CaseView:
    """The case as renderers and delivery see it."""
    from pipeline.register.views import build_case_view

    return build_case_view(get_case(session=session, number=number))


def list_cases(
    *, session: Session, state: str | None = None, open_only: bool = False
) -> list[Case]:
    """Cases in arrival order, optionally of one state."""
    stmt = select(Case).order_by(Case.received_at, Case.id)
    if state is not None:
        stmt = stmt.where(Case.state == state)
    if open_only:
        stmt = stmt.where(Case.state.not_in(ENDED))
    return list(session.execute(stmt).scalars())


# --- signatures stored with a referral version (issue 12) ------------------------------------
# Kept in the version's `data` beside the form, under a key no form field can have, so the
# register needs no migration; purging a case clears them with the versions.

_SIGNATURES = "_signatures"


def _with_signatures(
    data: dict[str, Any], signatures: list[SignatureInfo] | None
) -> dict[str, Any]:
    if signatures:
        data[_SIGNATURES] = [s.model_dump(mode="json") for s in signatures]
    return data


_PROVENANCE = "_provenance"  # format, method, labels, a scan's review list


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in (_SIGNATURES, _PROVENANCE)}


def current_provenance(case: Case) -> dict[str, Any]:
    """Where the newest version's values came from ({} for one registered before)."""
    if not case.versions:
        return {}
    found = case.versions[-1].data.get(_PROVENANCE)
    if not isinstance(found, dict):
        return {}
    out = dict(found)
    if "crops" in out:  # the images are fetched one by one (`current_crop`), not listed
        out["crops"] = [bool(c) for c in out["crops"] or []]
    return out


def current_crop(case: Case, index: int) -> bytes | None:
    """The JPEG of the newest version's scan review entry `index`, if one was cut."""
    import base64

    found = case.versions[-1].data.get(_PROVENANCE) if case.versions else None
    crops = found.get("crops") if isinstance(found, dict) else None
    if not isinstance(crops, list) or not 0 <= index < len(crops) or not crops[index]:
        return None
    return base64.b64decode(crops[index])


def current_signatures(case: Case) -> list[SignatureInfo]:
    """The signatures on the newest version of the form ([] for an unsigned one)."""
    if not case.versions:
        return []
    rows = case.versions[-1].data.get(_SIGNATURES) or []
    return [SignatureInfo.model_validate(r) for r in rows]


from pipeline.register import billing as _billing  # noqa: E402  (billing imports this module)
