"""The command line's message catalogue: Estonian (default) and English, by `Settings.lang`.

Library errors (`PipelineError.message`) are always Estonian; this catalogue
covers what the CLI itself prints: headings, column names, state names,
confirmations.
"""

from __future__ import annotations

from collections.abc import Mapping

_ET: dict[str, str] = {
    # states
    "state.received": "saabunud",
    "state.returned": "tagastatud",
    "state.registered": "registreeritud",
    "state.assigned": "koordinaator määratud",
    "state.preparing": "ettevalmistamisel",
    "state.scheduled": "ring kokku lepitud",
    "state.plan_agreed": "plaan kokku lepitud",
    "state.followed_up": "järelkohtumine peetud",
    "state.closed": "suletud",
    # roles
    "role.child": "laps",
    "role.caregiver": "vanem/hooldaja",
    "role.network": "võrgustik",
    "role.referrer": "suunaja",
    "role.information_giver": "spetsialist",
    "role.coordinator": "koordinaator",
    # outcomes
    "outcome.pending": "töös",
    "outcome.registered": "registreeritud",
    "outcome.returned": "tagastatud",
    "outcome.quarantined": "karantiinis",
    "outcome.duplicate": "korduv",
    "outcome.action_plan": "tegevusplaan salvestatud",
    "error.prefix": "Viga",
    "error.no_file": "Faili ei ole: {file}",
    "error.no_access": "Faili ei saa lugeda (puuduvad õigused): {file}",
    "error.os": "Faili {file} ei saa kasutada: {reason}",
    # columns and headings
    "col.number": "Number",
    "col.state": "Olek",
    "col.received": "Saabus",
    "col.municipality": "Omavalitsus",
    "col.children": "Lapsed",
    "col.coordinator": "Koordinaator",
    "col.queue": "Järjekord",
    "col.name": "Nimi",
    "col.email": "E-post",
    "col.phone": "Telefon",
    "col.languages": "Keeled",
    "col.capacity": "Koormus",
    "col.role": "Roll",
    "col.relation": "Seos",
    "col.language": "Keel",
    "col.parts": "Osad",
    "col.file": "Fail",
    "col.outcome": "Tulemus",
    "col.cases": "Juhtumid",
    "col.reason": "Põhjus",
    "col.place": "Kaust",
    "col.time": "Aeg",
    "col.actor": "Tegija",
    "col.change": "Muutus",
    "col.note": "Märkus",
    "col.what": "Mida",
    "col.who": "Kes",
    "col.by_when": "Mis ajaks",
    "col.checks": "Kes jälgib",
    "col.version": "Versioon",
    "title.cases": "Juhtumid",
    "title.coordinators": "Koordinaatorid",
    "title.intake": "Saabunud failid",
    "title.participants": "Osalejad",
    "title.history": "Ajalugu",
    "title.plan": "Tegevusplaan",
    "title.warnings": "Hoiatused",
    "title.versions": "Suunamise versioonid",
    "title.suggestions": "Soovitatud koordinaatorid",
    "label.conference": "Lahendusring",
    "label.follow_up": "Järelkohtumine",
    "label.contingency": "Kui plaan ei toimi",
    "label.bottom_lines_met": "Tingimuste täitmine",
    "label.family_language": "Pere keel",
    "label.referrer": "Suunaja",
    "label.none": "—",
    "label.notice": "Tähelepanu",
    "col.nr": "Nr",
    "msg.translated": "Juhtumi {number} suunaja tekstide tõlge on salvestatud; see on "
                      "dokumentides, mis koostatakse edaspidi.",
    "language.et": "eesti",
    "language.ru": "vene",
    "language.en": "inglise",
    "language.other": "muu",
    "msg.participant_edited": "Juhtumi {number} osaleja andmed on muudetud.",
    "msg.participant_removed": "Osaleja on juhtumist {number} eemaldatud; tema dokumente "
                               "viidi kausta asendatud/: {count}.",
    "msg.forced": "kinnitatud käsuga --force",
    "msg.no_cases": "Juhtumeid ei ole.",
    "msg.no_coordinators": "Koordinaatoreid ei ole lisatud.",
    "msg.no_entries": "Ühtegi faili ei ole saabunud.",
    "msg.coordinator_added": "Koordinaator lisatud (id {id}).",
    "msg.assigned": "Juhtumile {number} on määratud koordinaator.",
    "msg.participant_added": "Juhtumile {number} lisati osaleja.",
    "msg.scheduled": "Juhtumi {number} lahendusring on kokku lepitud: {when}.",
    "msg.plan_recorded": "Juhtumi {number} tegevusplaan on salvestatud; järelkohtumine {when}.",
    "msg.documents_written": "Dokumente kirjutatud: {count}, kausta {folder}.",
    "msg.followed_up": "Juhtumi {number} järelkohtumine on salvestatud.",
    "msg.closed": "Juhtum {number} on suletud.",
    "msg.offer": "Vabanes koht: järjekorras esimene juhtum on {number}.",
    "msg.waiting": "Kõik koordinaatorid on hõivatud: juhtum ootab järjekorras ({position}.).",
    "msg.purge_dry": "Isikuandmed kustutataks {count} suletud juhtumist: {numbers}. "
                     "Lisaks {files} failist, millest juhtumit ei tehtud (tagastatud, "
                     "karantiinis või korduvad).",
    "msg.purge_done": "Isikuandmed kustutati {count} suletud juhtumist ja {files} muu faili "
                      "kohta; kettalt eemaldati {removed} faili.",
    "msg.purge_none": "Säilitustähtaja ületanud suletud juhtumeid ega faile ei ole.",
    "msg.purge_confirm": "Kas kustutada jäädavalt {count} juhtumi ja {files} muu faili "
                         "isikuandmed?",
    "msg.cancelled": "Katkestatud, midagi ei muudetud.",
}

_EN: dict[str, str] = {
    "state.received": "received",
    "state.returned": "returned",
    "state.registered": "registered",
    "state.assigned": "coordinator assigned",
    "state.preparing": "preparing",
    "state.scheduled": "conference booked",
    "state.plan_agreed": "plan agreed",
    "state.followed_up": "followed up",
    "state.closed": "closed",
    "role.child": "child",
    "role.caregiver": "parent/caregiver",
    "role.network": "network",
    "role.referrer": "referrer",
    "role.information_giver": "information giver",
    "role.coordinator": "coordinator",
    "outcome.pending": "in progress",
    "outcome.registered": "registered",
    "outcome.returned": "returned",
    "outcome.quarantined": "quarantined",
    "outcome.duplicate": "duplicate",
    "outcome.action_plan": "action plan recorded",
    "error.prefix": "Error",
    "error.no_file": "No such file: {file}",
    "error.no_access": "Cannot read the file (permission denied): {file}",
    "error.os": "Cannot use the file {file}: {reason}",
    "col.number": "Number",
    "col.state": "State",
    "col.received": "Received",
    "col.municipality": "Municipality",
    "col.children": "Children",
    "col.coordinator": "Coordinator",
    "col.queue": "Queue",
    "col.name": "Name",
    "col.email": "E-mail",
    "col.phone": "Phone",
    "col.languages": "Languages",
    "col.capacity": "Load",
    "col.role": "Role",
    "col.relation": "Relation",
    "col.language": "Language",
    "col.parts": "Parts",
    "col.file": "File",
    "col.outcome": "Outcome",
    "col.cases": "Cases",
    "col.reason": "Reason",
    "col.place": "Folder",
    "col.time": "Time",
    "col.actor": "Actor",
    "col.change": "Change",
    "col.note": "Note",
    "col.what": "What",
    "col.who": "Who",
    "col.by_when": "By when",
    "col.checks": "Who checks",
    "col.version": "Version",
    "title.cases": "Cases",
    "title.coordinators": "Coordinators",
    "title.intake": "Received files",
    "title.participants": "Participants",
    "title.history": "History",
    "title.plan": "Action plan",
    "title.warnings": "Warnings",
    "title.versions": "Referral versions",
    "title.suggestions": "Suggested coordinators",
    "label.conference": "Conference",
    "label.follow_up": "Follow-up",
    "label.contingency": "If the plan does not hold",
    "label.bottom_lines_met": "Bottom lines met",
    "label.family_language": "Family language",
    "label.referrer": "Referrer",
    "label.none": "—",
    "label.notice": "Note",
    "col.nr": "No.",
    "msg.translated": "Translation of the referrer's texts saved for case {number}; documents "
                      "written from now on carry it.",
    "language.et": "Estonian",
    "language.ru": "Russian",
    "language.en": "English",
    "language.other": "other",
    "msg.participant_edited": "Participant of case {number} updated.",
    "msg.participant_removed": "Participant removed from case {number}; documents moved to "
                               "asendatud/: {count}.",
    "msg.forced": "confirmed with --force",
    "msg.no_cases": "No cases.",
    "msg.no_coordinators": "No coordinators yet.",
    "msg.no_entries": "No files have arrived.",
    "msg.coordinator_added": "Coordinator added (id {id}).",
    "msg.assigned": "Case {number} now has a coordinator.",
    "msg.participant_added": "Participant added to case {number}.",
    "msg.scheduled": "Conference for case {number} booked: {when}.",
    "msg.plan_recorded": "Action plan of case {number} saved; follow-up {when}.",
    "msg.documents_written": "{count} documents written to {folder}.",
    "msg.followed_up": "Follow-up of case {number} recorded.",
    "msg.closed": "Case {number} closed.",
    "msg.offer": "A place is free: the first case in the queue is {number}.",
    "msg.waiting": "All coordinators are at capacity: the case is no. {position} in the queue.",
    "msg.purge_dry": "Personal data would be removed from {count} closed cases: {numbers}; "
                     "and from {files} files that made no case (returned, quarantined or "
                     "duplicates).",
    "msg.purge_done": "Personal data removed from {count} closed cases and {files} other "
                      "files; {removed} files deleted from the disk.",
    "msg.purge_none": "No closed cases or files are past the retention period.",
    "msg.purge_confirm": "Remove for good the personal data of {count} cases and {files} "
                         "other files?",
    "msg.cancelled": "Cancelled; nothing changed.",
}

CATALOGUES: Mapping[str, Mapping[str, str]] = {"et": _ET, "en": _EN}


def t(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang` (Estonian when unknown), formatted with `values`."""
    catalogue = CATALOGUES.get(lang, _ET)
    template = catalogue.get(key) or _ET.get(key) or key
    return template.format(**values) if values else template


def state_label(state: str, lang: str = "et") -> str:
    return t(lang, f"state.{state}")


# --- the case states for help texts, without loading the models (issue 8) ---------------


def state_names() -> tuple[str, ...]:
    """The case states in their order (`pipeline.model.case.State`), from the catalogue:
    `plr --help` lists them without importing pydantic."""
    return tuple(k.removeprefix("state.") for k in _ET if k.startswith("state."))
