"""The case page and every step of a case, each calling the `casework` function the
`plr case …` command calls, so the two give the same refusals."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from pipeline import casework
from pipeline.errors import PipelineError
from pipeline.model import spec
from pipeline.model.referral import Kind
from pipeline.register.lifecycle import CLOSE_REASONS, FOLLOWUP_OUTCOMES
from pipeline.web.app import audit, call, current_user, lang_of, page, settings_of
from pipeline.web.strings import tr

CASEWORK = {"roles": {"coordinator", "admin"}}
OPEN_STATES = ("registered", "assigned", "preparing", "scheduled", "plan_agreed", "followed_up")


def _value(data: Any, key: str) -> Any:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _show(f: spec.FieldSpec, value: Any, lang: str) -> str:
    if value in (None, "", []):
        return ""
    if f.kind is Kind.BOOL:
        return ("jah" if value else "ei") if lang == "et" else ("yes" if value else "no")
    if f.kind is Kind.DATE and isinstance(value, str) and len(value) == 10:
        return f"{value[8:10]}.{value[5:7]}.{value[0:4]}"
    if f.kind in (Kind.CHOICE, Kind.MULTI) and f.options:
        labels = dict(f.options)
        codes = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(c, str(c)) for c in codes)
    return str(value)


def read_labels(provenance: dict[str, Any]) -> dict[str, str]:
    """The label each field's value was read under, by the spec's (generic) key: a group
    column's label is its header, the same for every row."""
    out: dict[str, str] = {}
    for key, text in (provenance.get("labels") or {}).items():
        f = spec.field_for(key)
        if f is not None and isinstance(text, str):
            out.setdefault(spec.generic_key(key) if f.group else f.key, text)
    return out


_ROW = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


# A person's details read from the form's tables, and the role their participant row has:
# a doubtful one is corrected in that participant's edit form.
_PERSON_GROUPS = {"children": "child", "caregivers": "caregiver", "network": "network"}
_EDITABLE = {"name", "relation", "phone", "email"}


def _participant_of(participants: list[dict[str, Any]], group: str,
                    row: dict[str, Any]) -> int | None:
    role, name = _PERSON_GROUPS.get(group), " ".join(str(row.get("name") or "").split())
    found = [p["id"] for p in participants
             if p.get("role") == role and " ".join(str(p.get("name") or "").split()) == name]
    return int(found[0]) if len(found) == 1 else None


def scan_review(provenance: dict[str, Any], referral: dict[str, Any], lang: str,
                participants: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A scan's values to check against the form: which field (and row), the value read,
    why, how sure, whether an image of it was cut, and the participant whose edit form
    corrects it (for a person's name, relation, phone or e-mail)."""
    review = (provenance.get("ocr") or {}).get("review") or []
    crops = provenance.get("crops") or []
    out = []
    for i, r in enumerate(review):
        key = r.get("field") or "?"
        f = spec.field_for(key)
        if f is None:
            continue
        row = _ROW.match(key)
        fix = None
        if row:
            rows = referral.get(row[1]) or []
            n = int(row[2])
            entry = rows[n] if n < len(rows) and isinstance(rows[n], dict) else {}
            value = entry.get(row[3])
            if row[3] in _EDITABLE:
                fix = _participant_of(participants or [], row[1], entry)
            where = f"{spec.groups()[row[1]].label}, {n + 1}. rida" if lang == "et" else \
                f"{spec.groups()[row[1]].label}, row {n + 1}"
        else:
            value, where = _value(referral, f.key), None
        out.append({"index": i, "label": f.label, "where": where,
                    "value": _show(f, value, lang), "reason": r.get("reason", ""),
                    "pct": round(100 * float(r.get("confidence") or 0)),
                    "crop": i < len(crops) and bool(crops[i]),
                    "fix": fix})
    return out


def referral_sections(referral: dict[str, Any], warnings: list[dict[str, Any]],
                      lang: str, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The form by section, each value beside its label, the label it was read under and
    the warnings about it."""
    labels = labels or {}
    open_q, close_q = ("„", "“") if lang == "et" else ("“", "”")
    by_field: dict[str, list[str]] = {}
    for w in warnings:
        by_field.setdefault(spec.generic_key(w["field"]) if w.get("field") else "", []).append(
            w["message"])
    out = []
    for letter, title, items in spec.sections():
        fields, groups = [], []
        for it in items:
            if isinstance(it, spec.GroupSpec):
                rows = [[_show(c, r.get(c.column), lang) for c in it.columns]
                        for r in (referral.get(it.key) or [])]
                rows = [r for r in rows if any(r)]
                groups.append({"label": it.label, "columns": [c.label for c in it.columns],
                               # One label per column, whichever row it was read in
                               # (a control's title numbers its row: "Nimi (1)").
                               "read_as": ", ".join(
                                   (open_q + re.sub(r"\s*\(\d+\)$", "", labels[c.key])
                                    + close_q) for c in it.columns if labels.get(c.key)),
                               "rows": rows,
                               "warnings": [m for c in it.columns
                                            for m in by_field.get(c.key, [])]})
            else:
                fields.append({"label": it.label, "value": _show(it, _value(referral, it.key),
                                                                lang),
                               "long": it.kind is Kind.LONGTEXT,
                               "read_as": labels.get(it.key, ""),
                               "warnings": by_field.get(it.key, [])})
        out.append({"letter": letter, "title": title, "fields": fields, "groups": groups})
    return out


def _iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


async def _case_page(request: Request[Any, Any, Any], number: FromPath[str], *, status: int = 200,
                     error: str | None = None, form: dict[str, str] | None = None) -> Template:
    user = current_user(request)
    settings = settings_of(request)
    d = await call(request, casework.case_page, settings, number, user.only_coordinator)
    await audit(request, "view_case", d["number"])
    lang = lang_of(request)
    done = request.query_params.get("done")
    message = None
    if done and done.isidentifier():
        message = tr(lang, f"done.{done}")
        offer = request.query_params.get("offer")
        if offer:
            message += " " + tr(lang, "done.offer", number=offer[:20])
        notes = request.query_params.getall("note", [])
        message += "".join(" " + tr(lang, f"note.{n}") for n in notes if n.isidentifier())
    steps: dict[str, list[dict[str, Any]]] = {}
    for doc in d["documents"]:
        steps.setdefault(doc["step"], []).append(doc)
    suggestion = d["suggestions"][0] if d["suggestions"] else None
    return page(
        request, "case.html", status=status, nav="cases", d=d, error=error, message=message,
        sections=referral_sections(d["referral"], d["warnings"], lang,
                                   read_labels(d.get("provenance") or {})),
        provenance=d.get("provenance") or {}, steps=steps,
        review=scan_review(d.get("provenance") or {}, d["referral"], lang, d["participants"]),
        editing=request.query_params.get("edit", ""),
        suggestion=suggestion, open_states=OPEN_STATES, close_reasons=CLOSE_REASONS,
        followup_outcomes=FOLLOWUP_OUTCOMES, form=form or {},
        received=_iso(d["received_at"]), conference=d["conference"], follow_up=d["follow_up"],
        can_assign=user.role == "admin" or (d["coordinator"] is not None),
        iso=_iso)


@get("/cases/{number:str}", opt=CASEWORK)
async def case_view(request: Request[Any, Any, Any], number: FromPath[str]) -> Template:
    return await _case_page(request, number)


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


async def _step(request: Request[Any, Any, Any], number: FromPath[str], action: str,
                fn: Callable[..., Any], *args: Any, done: str,
                after: Callable[[Any], str] | None = None, target: str | None = None,
                **kwargs: Any) -> Response[Any]:
    """Run one case step for a user who may see the case; a refusal is shown on the
    case page with the same words the command line uses."""
    user = current_user(request)
    settings = settings_of(request)
    await call(request, casework.check_case_visible, settings, number, user.only_coordinator)
    number = number.strip().upper()
    try:
        result = await call(request, fn, settings, number, *args, **kwargs)
    except PipelineError as exc:
        await audit(request, f"{action}_refused", number,
                    f"{exc.code}; {target}" if target else exc.code)
        return await _case_page(request, number, status=409, error=exc.text(lang_of(request)),
                                form=await _form(request))
    await audit(request, action, number, target)
    extra = after(result) if after else ""
    return Redirect(f"/cases/{number}?done={done}{extra}#main", status_code=303)


@post("/cases/{number:str}/assign", opt=CASEWORK)
async def assign(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    form = await _form(request)
    user = current_user(request)
    if user.role != "admin":
        # A coordinator may hand their own case on, never take an unassigned one.
        await call(request, casework.check_case_visible, settings_of(request), number,
                   user.only_coordinator)
    return await _step(request, number, "assign", casework.assign_case,
                       form.get("coordinator", ""), done="assigned")


@post("/cases/{number:str}/participants", opt=CASEWORK)
async def add_participant(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    f = await _form(request)
    return await _step(request, number, "participant_add", casework.add_participant,
                       name=f.get("name", ""), role=f.get("role", ""),
                       email=f.get("email") or None, phone=f.get("phone") or None,
                       relation=f.get("relation") or None, done="participant")


@post("/cases/{number:str}/participants/{pid:int}", opt=CASEWORK)
async def edit_participant(request: Request[Any, Any, Any], number: FromPath[str],
                           pid: FromPath[int]) -> Response[Any]:
    f = await _form(request)
    # Every field is on the form: an emptied one clears the value (the name cannot be
    # emptied: the service refuses it with the CLI's words).
    return await _step(request, number, "participant_edit", casework.edit_participant, pid,
                       name=f.get("name", ""), relation=f.get("relation", ""),
                       email=f.get("email", ""), phone=f.get("phone", ""),
                       done="participant_edited", target=f"osaleja {pid}")


@post("/cases/{number:str}/participants/{pid:int}/remove", opt=CASEWORK)
async def remove_participant(request: Request[Any, Any, Any], number: FromPath[str],
                             pid: FromPath[int]) -> Response[Any]:
    return await _step(request, number, "participant_remove", casework.remove_participant, pid,
                       done="participant_removed", target=f"osaleja {pid}")


def _notes(at: str) -> str:
    try:
        when = casework.parse_when(at)
    except PipelineError:
        return ""
    # Booked despite the warnings (confirmed): the history keeps which ones.
    return "&note=confirmed" if casework.schedule_notes(when) else ""


@post("/cases/{number:str}/schedule", opt=CASEWORK)
async def schedule(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    f = await _form(request)
    at = f.get("at", "")
    return await _step(request, number, "schedule", casework.schedule_conference, at=at,
                       place=f.get("place", ""), force=f.get("force") == "1", done="scheduled",
                       after=lambda _: _notes(at))


@get("/cases/{number:str}/schedule-notes", opt=CASEWORK)
async def schedule_notes(request: Request[Any, Any, Any], number: FromPath[str]) -> Template:
    """The warnings about a chosen time, shown under the field as it is filled in."""
    user = current_user(request)
    await call(request, casework.check_case_visible, settings_of(request), number,
               user.only_coordinator)
    try:
        notes = casework.schedule_notes(casework.parse_when(request.query_params.get("at", "")),
                                        lang=lang_of(request))
    except PipelineError:
        notes = []
    return page(request, "_notes.html", notes=notes)


@post("/cases/{number:str}/plan", opt=CASEWORK, request_max_body_size=None)
async def plan(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    settings = settings_of(request)
    form = await request.form()
    upload = form.get("plan")
    data = (await upload.read(settings.limits.max_file_bytes + 1)
            if isinstance(upload, UploadFile) else b"")
    forced = form.get("forced")
    return await _step(request, number, "plan", casework.record_plan_upload, data,
                       forced=forced.strip() or None if isinstance(forced, str) else None,
                       done="plan")


@post("/cases/{number:str}/followup", opt=CASEWORK)
async def followup(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    f = await _form(request)
    return await _step(request, number, "followup", casework.record_followup,
                       outcome=f.get("outcome", ""), note=f.get("note") or None,
                       forced=(f.get("forced") or "").strip() or None, done="followup")


@post("/cases/{number:str}/close", opt=CASEWORK)
async def close(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[Any]:
    f = await _form(request)
    return await _step(request, number, "close", casework.close_case,
                       reason=f.get("reason", ""), note=f.get("note") or None, done="closed",
                       after=lambda offer: f"&offer={offer.number}" if offer else "")


@get("/cases/{number:str}/scan/{index:int}", opt=CASEWORK)
async def scan_image(request: Request[Any, Any, Any], number: FromPath[str],
                     index: FromPath[int]) -> Response[bytes]:
    """The image of one value to check, cut from the scan when it was read."""
    user = current_user(request)
    settings = settings_of(request)
    await call(request, casework.check_case_visible, settings, number, user.only_coordinator)
    data = await call(request, casework.scan_crop, settings, number, index)
    await audit(request, "view_scan", number.strip().upper(), f"kontrollitav väli {index}")
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@get("/cases/{number:str}/documents/{name:str}", opt=CASEWORK)
async def document(request: Request[Any, Any, Any], number: FromPath[str],
                   name: FromPath[str]) -> File:
    user = current_user(request)
    settings = settings_of(request)
    await call(request, casework.check_case_visible, settings, number, user.only_coordinator)
    path = await call(request, functools.partial(
        casework.document_file, superseded=request.query_params.get("superseded") == "1"),
        settings, number, name)
    await audit(request, "download", number.strip().upper(), "document")
    return File(path=path, filename=path.name, content_disposition_type="attachment",
                headers={"Cache-Control": "no-store"})


ROUTES = [case_view, assign, add_participant, edit_participant, remove_participant, schedule,
          schedule_notes, plan, followup, close, scan_image, document]
