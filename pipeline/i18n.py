"""The command line's message catalogue: Estonian (default) and English, by `Settings.lang`.

It covers what the CLI itself prints (headings, column names, state names,
confirmations) and the refusals of the register and the case steps (`err.*`):
an error made with `PipelineError.of(key, ...)` keeps its Estonian `message` for the
ledger, the logs and the web, and `text(lang)` writes it from here in the reader's
language. Other library errors are Estonian only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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
    "outcome.plan_early": "tegevusplaan ootab lahendusringi",
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
    # short headings, for a narrow terminal (plr cases)
    "col.municipality_short": "KOV",
    "col.coordinator_short": "Koord.",
    "col.queue_short": "Jrk",
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
    "outcome.plan_early": "action plan awaits its conference",
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
    "col.municipality_short": "Munic.",
    "col.coordinator_short": "Coord.",
    "col.queue_short": "Queue",
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

# --- refusals and bad input of the register and the case steps (PipelineError.of) ---------

_ERR_ET: dict[str, str] = {
    "err.bad_transition": "Juhtumit {number} ei saa viia olekust „{frm}“ olekusse „{to}“. "
                          "Olekust „{frm}“ saab edasi minna ainult olekusse: {allowed}.",
    "err.bad_transition_final": "Juhtumit {number} ei saa viia olekust „{frm}“ olekusse "
                                "„{to}“. Olek „{frm}“ on lõplik.",
    "err.coordinator_inactive": "See koordinaator ei ole enam aktiivne.",
    "err.coordinator_is_referrer": "Koordinaatorit ei saa juhtumile {number} määrata: tema nimi "
                                   "või e-post on sama mis suunajal. Koordinaator peab olema "
                                   "lapse juhtumikorraldajast ja suunajast sõltumatu; valige "
                                   "teine koordinaator.",
    "err.coordinator_full": "Koordinaatoril on juba {open} avatud juhtumit ja tema piir on "
                            "{capacity}; valige teine koordinaator või oodake, kuni koht "
                            "vabaneb.",
    "err.queue_order": "Järjekorras ootab kauem juhtum {older}; vabad kohad antakse saabumise "
                       "järjekorras. Määrake koordinaator esmalt sellele juhtumile.",
    "err.already_assigned": "See koordinaator on juhtumile {number} juba määratud.",
    "err.assign_state": "Juhtumile {number} ei saa koordinaatorit määrata: olek on „{state}“.",
    "err.close_reason": "Tundmatu sulgemise põhjus; lubatud: {allowed}.",
    "err.close_too_soon": "Juhtumit {number} ei saa sulgeda põhjusel „plaan toimib“ enne "
                          "järelkohtumist; salvestage esmalt järelkohtumise tulemus.",
    "err.participant_name": "Osaleja nimi peab sisaldama ees- ja perekonnanime.",
    "err.participant_phone": "Telefoninumber ei ole korrektne (nt +372 5123 4567).",
    "err.participant_email": "E-posti aadress ei ole korrektne (nt eesnimi.perenimi@vald.ee).",
    "err.participant_unreachable": "Osalejal peab olema e-post või telefon, et talle kutse "
                                   "saata.",
    "err.addable_role": "Käsitsi saab lisada ainult spetsialiste (information_giver) või "
                        "võrgustiku liikmeid (network).",
    "err.bad_role": "Roll peab olema information_giver või network.",
    "err.participant_state": "Juhtumile {number} saab osalejaid lisada alles pärast "
                             "koordinaatori määramist ja enne sulgemist.",
    "err.no_participant": "Juhtumil {number} ei ole osalejat numbriga {id} (vt plr case show).",
    "err.case_closed_people": "Juhtum {number} on suletud; osalejaid ei saa muuta.",
    "err.referrer_stays": "Suunajat ei saa osalejate seast eemaldada: tema esitab "
                          "lahendusringil mure ja tingimused.",
    "err.no_place": "Lahendusringi koht puudub.",
    "err.too_early_conference": "Lahendusring algab alles {start}; tegevusplaani saab salvestada "
                          "pärast selle algust. Kui see on siiski juba kokku lepitud, lisage "
                          "--force ja põhjus (--reason).",
    "err.too_early_follow_up": "Järelkohtumine algab alles {start}; järelkohtumise tulemuse "
                               "saab salvestada pärast selle algust. Kui see on siiski juba "
                               "kokku lepitud, lisage --force ja põhjus (--reason).",
    "err.empty_plan": "Tegevusplaanis ei ole ühtegi kokkulepet.",
    "err.followup_outcome": "Tundmatu tulemus; lubatud: {allowed}.",
    "err.translation_language": "Tõlke keel peab olema ru või en.",
    "err.coordinator_name": "Koordinaatori nimi puudub.",
    "err.coordinator_email": "Koordinaatori e-posti aadress ei ole korrektne.",
    "err.coordinator_languages": "Keeled peavad olema et, ru või en.",
    "err.coordinator_capacity": "Juhtumite piir peab olema vähemalt 1.",
    "err.coordinator_exists": "Selle e-posti aadressiga koordinaator on juba olemas (id {id}).",
    "err.coordinator_ambiguous": "Selle nimega on mitu koordinaatorit; kasutage id-d või "
                                 "e-posti.",
    "err.no_coordinator": "Sellist koordinaatorit ei ole (vt plr coordinator list).",
    "err.bad_number": "„{text}“ ei ole juhtumi number (kuju: PLR-2026-0001).",
    "err.no_case": "Juhtumit {number} ei ole.",
    "err.bad_time_format": "Aeg peab olema kujul „2026-12-03 17:00“, „03.12.2026 17.00“ või "
                           "„03.12.2026 kell 17.00“.",
    "err.bad_hours": "Lahendusringi kestus peab olema 0,5–8 tundi.",
    "err.booking": "Lahendusringi ei broneeritud: {problems}. Kui aeg on siiski õige, "
                   "kinnitage see (käsureal --force).",
    "err.plan_wrong_case": "Tegevusplaan on juhtumi {plan} oma, mitte {number}.",
    "err.intake_outcome": "Tundmatu tulemus „{outcome}“; võimalikud on: {allowed}.",
    # Accounts, the time log and the payers' statements, the web's files (issue 9).
    "err.weak_password": "Parool peab olema vähemalt {min} märki pikk.",
    "err.user_email": "E-posti aadress ei ole korrektne.",
    "err.user_role": "Roll peab olema office, coordinator või admin.",
    "err.user_name": "Kasutaja nimi puudub.",
    "err.user_exists": "Selle e-posti aadressiga kasutaja on juba olemas.",
    "err.no_user": "Sellist kasutajat ei ole.",
    "err.user_ambiguous": "Selle nimega on mitu kasutajat; kasutage e-posti aadressi.",
    "err.last_admin": "Viimast administraatorit ei saa välja lülitada.",
    "err.bad_link": "See link on kasutatud või aegunud.",
    "err.setup_name_email": "Nimi ja e-post on kohustuslikud.",
    "err.login_locked": "Liiga palju ebaõnnestunud sisselogimiskatseid. Proovige {minutes} "
                        "minuti pärast uuesti.",
    "err.login_failed": "Vale e-posti aadress või parool.",
    "err.money_not_number": "Summa „{text}“ ei ole arv (nt 25 või 25,50).",
    "err.money_bad": "Summa ei tohi olla negatiivne ja sellel võib olla kuni kaks komakohta.",
    "err.contract_unit": "Hinna ühik peab olema hour (tunnihind) või case (juhtumi hind).",
    "err.contract_dates": "Lepingu lõppkuupäev on enne alguskuupäeva.",
    "err.contract_billable": "Vähemalt üks tegevus peab olema tasustatav.",
    "err.contract_rounding": "Ümardamise samm peab olema 1–60 minutit.",
    "err.no_date": "Kuupäev puudub.",
    "err.bad_date": "Kuupäev „{text}“ peab olema kujul 2026-12-03 või 03.12.2026.",
    "err.time_future": "Tööaja kuupäev ei saa olla tulevikus.",
    "err.time_negative": "Negatiivne kestus on parandus: nimetage parandatav kanne "
                         "(--corrects NR).",
    "err.case_purged": "Juhtumi {number} andmed on kustutatud.",
    "err.time_before_case": "Juhtum {number} registreeriti alles {day}.",
    "err.bad_municipality": "Tundmatu omavalitsus „{name}“.",
    "err.future_statement": "Tulevase kuu aruannet ei saa koostada.",
    "err.empty_statement": "Maksjal {payer} ei ole kuul {period} midagi arveldada.",
    "err.period_order": "Perioodi lõpp on enne algust.",
    "err.bad_month": "Kuu „{text}“ ei ole arusaadav; kirjutage nt 2026-12.",
    "err.no_contract": "Nende tööaja kannete kuupäeval ei kehti ühtki selle maksja lepingut: "
                       "{entries}. Lisage leping või muutke juhtumi maksjat.",
    "err.bad_activity": "Tundmatu tegevus „{text}“; võimalikud on: {allowed}.",
    "err.bad_duration": "Kestus „{text}“ ei ole arusaadav; kirjutage nt 1h30m, 90m, 1,5h või "
                        "1:30.",
    "err.duration_range": "Kestus peab olema vähemalt üks minut ja kõige rohkem 24 tundi.",
    "err.note_long": "Märkus on liiga pikk (kõige rohkem {max} märki).",
    "err.note_idcode": "Märkuses ei tohi olla isikukoodi.",
    "err.note_names": "Märkus peab olema neutraalne ega tohi nimetada juhtumi inimesi; "
                      "kirjutage, mida tehti, mitte kellega.",
    "err.no_document": "Sellist dokumenti ei ole.",
    "err.no_crop": "Sellist pilti ei ole.",
    "err.too_big": "Fail on liiga suur.",
    "err.not_docx": "Tegevusplaan peab olema DOCX-fail.",
    "err.unknown_coordinator": "Sellist koordinaatorit ei ole.",
    "err.no_entry": "Sellist kirjet ei ole.",
    "err.no_letter": "Sellel failil ei ole tagastuskirja.",
    "err.letter_gone": "Tagastuskirja faili ei ole enam alles.",
    "err.not_quarantined": "Uuesti saab proovida ainult karantiinis olevat faili.",
    "err.not_in_quarantine": "Faili ei ole enam karantiinis (see on juba tagasi pandud või "
                             "eemaldatud).",
    "err.empty_file": "Fail on tühi.",
    "err.not_a_form": "See fail ei ole suunamise vorm: üles saab laadida PDF-, Wordi- (DOCX, "
                      "DOC, RTF, ODT), DigiDoc- ja e-kirjafaile (EML, MSG, winmail.dat) ning "
                      "skannitud pilte (JPEG, PNG, TIFF, HEIC).",
    "err.stable_seconds": "PLR_STABLE_SECONDS ei tohi olla negatiivne.",
    "err.unknown_document": "Tundmatu dokument: {kind}. Valikud: {allowed}.",
    "err.document_languages": "Dokument {kind} on olemas ainult keeltes: {langs}.",
    "err.no_password": "Standardsisendist ei tulnud parooli.",
    "err.statement_delete": "Väljastatud aruannet ja selle kandeid ei saa kustutada.",
    "err.statement_change": "Aruanne {number} on väljastatud ja seda ei saa muuta.",
    "err.entry_change": "Tööaja kanne on väljastatud aruandel ja seda ei saa muuta; parandus "
                        "on uus kanne.",
    "err.payer_code": "Maksja lühinimi peab olema tähtedest ja numbritest (nt turi, ska).",
    "err.payer_name": "Maksja nimi puudub.",
    "err.payer_exists": "Maksja „{payer}“ on juba olemas.",
    "err.no_payer": "Maksjat „{ref}“ ei ole; vaadake „plr payer list“.",
    "err.contract_number": "Lepingu number puudub.",
    "err.no_time_entry": "Juhtumil {number} ei ole tööaja kannet nr {id}.",
    "err.no_statement": "Aruannet {number} ei ole.",
    "err.entry_taken": "Mõni kanne on juba teisel aruandel.",
    "err.no_table": "Sellist tabelit ei ole.",
    # Start-up and storage: the register, the folders, the outbox, the mail server.
    "err.database": "Andmebaasi viga ({detail}); kontrollige PLR_DATABASE_URL-i ja "
                    "andmebaasi ühendust.",
    "err.db_busy": "Andmebaas on hõivatud. Proovige mõne aja pärast uuesti.",
    "err.folder_create": "Kausta {folder} ei saa luua ({reason}).",
    "err.folder_write": "Kausta {folder} ei saa kirjutada: kontrollige õigusi.",
    "err.ledger_outcome": "Tundmatu tulemus: {outcome}.",
    "err.bad_period": "Vigane periood; kasutage näiteks 5y (aastat), 18m (kuud) või 90d "
                      "(päeva).",
    "err.smtp_url": "PLR_SMTP_URL peab olema kujul smtp://host:587 või smtps://host:465.",
    "err.bad_case_folder": "Vigane juhtumi number: {number}.",
    "err.outbox_full": "Kaustas „{folder}“ on sama nimega faile liiga palju.",
}

_ERR_EN: dict[str, str] = {
    "err.bad_transition": "Case {number} cannot move from “{frm}” to “{to}”. From “{frm}” "
                          "it can only move to: {allowed}.",
    "err.bad_transition_final": "Case {number} cannot move from “{frm}” to “{to}”: "
                                "“{frm}” is final.",
    "err.coordinator_inactive": "This coordinator is no longer active.",
    "err.coordinator_is_referrer": "The coordinator cannot be assigned to case {number}: their "
                                   "name or e-mail address is the referrer's. The coordinator "
                                   "must be independent of the child's case manager and of the "
                                   "referrer; choose another coordinator.",
    "err.coordinator_full": "The coordinator already has {open} open cases and their limit is "
                            "{capacity}; choose another coordinator or wait until a place is "
                            "free.",
    "err.queue_order": "Case {older} has waited longer; free places are given in order of "
                       "arrival. Assign a coordinator to that case first.",
    "err.already_assigned": "This coordinator is already assigned to case {number}.",
    "err.assign_state": "Case {number} cannot be given a coordinator: its state is “{state}”.",
    "err.close_reason": "Unknown reason for closing; allowed: {allowed}.",
    "err.close_too_soon": "Case {number} cannot be closed as “plan working” before the "
                          "follow-up; record the outcome of the follow-up first.",
    "err.participant_name": "A participant's name needs a first and a last name.",
    "err.participant_phone": "The phone number is not valid (e.g. +372 5123 4567).",
    "err.participant_email": "The e-mail address is not valid (e.g. "
                             "firstname.lastname@example.ee).",
    "err.participant_unreachable": "A participant needs an e-mail address or a phone number "
                                   "to be sent an invitation.",
    "err.addable_role": "Only information givers (information_giver) and network members "
                        "(network) can be added by hand.",
    "err.bad_role": "The role must be information_giver or network.",
    "err.participant_state": "Participants can be added to case {number} only after a "
                             "coordinator has been assigned and before the case is closed.",
    "err.no_participant": "Case {number} has no participant number {id} (see plr case show).",
    "err.case_closed_people": "Case {number} is closed; its participants cannot be changed.",
    "err.referrer_stays": "The referrer cannot be removed from the participants: they present "
                          "the concern and the bottom lines at the conference.",
    "err.no_place": "The place of the conference is missing.",
    "err.too_early_conference": "The conference does not start until {start}; the action plan can "
                          "be recorded once it has started. If the plan has been agreed "
                          "already, add --force and the reason (--reason).",
    "err.too_early_follow_up": "The follow-up meeting does not start until {start}; its "
                               "outcome can be recorded once it has started. If it has been "
                               "agreed already, add --force and the reason (--reason).",
    "err.empty_plan": "The action plan has no agreements.",
    "err.followup_outcome": "Unknown outcome; allowed: {allowed}.",
    "err.translation_language": "The language of a translation must be ru or en.",
    "err.coordinator_name": "The coordinator's name is missing.",
    "err.coordinator_email": "The coordinator's e-mail address is not valid.",
    "err.coordinator_languages": "Languages must be et, ru or en.",
    "err.coordinator_capacity": "The case limit must be at least 1.",
    "err.coordinator_exists": "A coordinator with this e-mail address already exists (id {id}).",
    "err.coordinator_ambiguous": "Several coordinators have this name; use the id or the e-mail "
                                 "address.",
    "err.no_coordinator": "No such coordinator (see plr coordinator list).",
    "err.bad_number": "“{text}” is not a case number (the form is PLR-2026-0001).",
    "err.no_case": "There is no case {number}.",
    "err.bad_time_format": "Write the time as “2026-12-03 17:00”, “03.12.2026 17:00” or "
                           "“03.12.2026 kell 17.00”.",
    "err.bad_hours": "A conference lasts 0.5–8 hours.",
    "err.booking": "The conference was not booked: {problems}. If the time is right all the "
                   "same, confirm it (on the command line: --force).",
    "err.plan_wrong_case": "The action plan belongs to case {plan}, not {number}.",
    "err.intake_outcome": "Unknown outcome “{outcome}”; possible: {allowed}.",
    # Accounts, the time log and the payers' statements, the web's files (issue 9).
    "err.weak_password": "The password must be at least {min} characters long.",
    "err.user_email": "The e-mail address is not valid.",
    "err.user_role": "The role must be office, coordinator or admin.",
    "err.user_name": "The user's name is missing.",
    "err.user_exists": "A user with this e-mail address already exists.",
    "err.no_user": "There is no such user.",
    "err.user_ambiguous": "Several users have this name; use the e-mail address.",
    "err.last_admin": "The last administrator cannot be disabled.",
    "err.bad_link": "This link has been used or has expired.",
    "err.setup_name_email": "The name and the e-mail address are required.",
    "err.login_locked": "Too many failed sign-in attempts. Try again in {minutes} minutes.",
    "err.login_failed": "Wrong e-mail address or password.",
    "err.money_not_number": "The amount “{text}” is not a number (e.g. 25 or 25.50).",
    "err.money_bad": "An amount cannot be negative and has at most two decimal places.",
    "err.contract_unit": "The rate unit must be hour (an hourly rate) or case (a price per case).",
    "err.contract_dates": "The contract's end date is before its start date.",
    "err.contract_billable": "At least one activity must be billable.",
    "err.contract_rounding": "The rounding step must be 1–60 minutes.",
    "err.no_date": "The date is missing.",
    "err.bad_date": "Write the date “{text}” as 2026-12-03 or 03.12.2026.",
    "err.time_future": "Time cannot be logged for a date in the future.",
    "err.time_negative": "A negative duration is a correction: name the entry it corrects "
                         "(--corrects NR).",
    "err.case_purged": "The data of case {number} have been deleted.",
    "err.time_before_case": "Case {number} was registered only on {day}.",
    "err.bad_municipality": "Unknown municipality “{name}”.",
    "err.future_statement": "A statement cannot be made for a future month.",
    "err.empty_statement": "Payer {payer} has nothing to bill for {period}.",
    "err.period_order": "The end of the period is before its start.",
    "err.bad_month": "The month “{text}” is not clear; write e.g. 2026-12.",
    "err.no_contract": "No contract of this payer is in force on the dates of these time "
                       "entries: {entries}. Add a contract or change the case's payer.",
    "err.bad_activity": "Unknown activity “{text}”; possible: {allowed}.",
    "err.bad_duration": "The duration “{text}” is not clear; write e.g. 1h30m, 90m, 1.5h or 1:30.",
    "err.duration_range": "A duration must be at least one minute and at most 24 hours.",
    "err.note_long": "The note is too long (at most {max} characters).",
    "err.note_idcode": "A note must not contain a personal identification code.",
    "err.note_names": "A note must be neutral and must not name the case's people; write what "
                      "was done, not with whom.",
    "err.no_document": "There is no such document.",
    "err.no_crop": "There is no such image.",
    "err.too_big": "The file is too large.",
    "err.not_docx": "The action plan must be a DOCX file.",
    "err.unknown_coordinator": "There is no such coordinator.",
    "err.no_entry": "There is no such entry.",
    "err.no_letter": "This file has no return letter.",
    "err.letter_gone": "The return letter's file no longer exists.",
    "err.not_quarantined": "Only a quarantined file can be tried again.",
    "err.not_in_quarantine": "The file is no longer in quarantine (it has already been put back "
                             "or removed).",
    "err.empty_file": "The file is empty.",
    "err.not_a_form": "This file is not a referral form: you can upload PDF, Word (DOCX, DOC, "
                      "RTF, ODT), DigiDoc and e-mail files (EML, MSG, winmail.dat) and scanned "
                      "images (JPEG, PNG, TIFF, HEIC).",
    "err.stable_seconds": "PLR_STABLE_SECONDS must not be negative.",
    "err.unknown_document": "Unknown document: {kind}. Choices: {allowed}.",
    "err.document_languages": "The document {kind} exists only in these languages: {langs}.",
    "err.no_password": "No password came on standard input.",
    "err.statement_delete": "An issued statement and its entries cannot be deleted.",
    "err.statement_change": "Statement {number} has been issued and cannot be changed.",
    "err.entry_change": "The time entry is on an issued statement and cannot be changed; a "
                        "correction is a new entry.",
    "err.payer_code": "A payer's short name must be letters and digits (e.g. turi, ska).",
    "err.payer_name": "The payer's name is missing.",
    "err.payer_exists": "Payer “{payer}” already exists.",
    "err.no_payer": "There is no payer “{ref}”; see “plr payer list”.",
    "err.contract_number": "The contract number is missing.",
    "err.no_time_entry": "Case {number} has no time entry no. {id}.",
    "err.no_statement": "There is no statement {number}.",
    "err.entry_taken": "Some entries are already on another statement.",
    "err.no_table": "There is no such table.",
    "err.database": "Database error ({detail}); check PLR_DATABASE_URL and the connection "
                    "to the database.",
    "err.db_busy": "The database is busy. Please try again in a moment.",
    "err.folder_create": "The folder {folder} cannot be created ({reason}).",
    "err.folder_write": "The folder {folder} cannot be written to: check its permissions.",
    "err.ledger_outcome": "Unknown outcome: {outcome}.",
    "err.bad_period": "Invalid period; use for example 5y (years), 18m (months) or 90d (days).",
    "err.smtp_url": "PLR_SMTP_URL must look like smtp://host:587 or smtps://host:465.",
    "err.bad_case_folder": "Invalid case number: {number}.",
    "err.outbox_full": "The folder “{folder}” has too many files of the same name.",
}

CATALOGUES: Mapping[str, Mapping[str, str]] = {"et": {**_ET, **_ERR_ET},
                                               "en": {**_EN, **_ERR_EN}}


def t(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang` (Estonian when unknown), formatted with `values`."""
    et = CATALOGUES["et"]
    template = CATALOGUES.get(lang, et).get(key) or et.get(key) or key
    return template.format(**values) if values else template


@runtime_checkable
class Localized(Protocol):
    """A value of a message that is itself written in the reader's language."""

    def text(self, lang: str) -> str: ...


def quote(text: str, lang: str) -> str:
    return f"“{text}”" if lang == "en" else f"„{text}“"


@dataclass(frozen=True)
class Labels:
    """Catalogue entries (state names), each quoted, joined by commas."""

    keys: tuple[str, ...]

    def text(self, lang: str) -> str:
        return ", ".join(quote(t(lang, k), lang) for k in self.keys)


@dataclass(frozen=True)
class Label:
    """One catalogue entry (a state's name) as the value of another message."""

    key: str

    def text(self, lang: str) -> str:
        return t(lang, self.key)


@dataclass(frozen=True)
class ByLang:
    """A value written by a function of the language (a meeting's date, booking reasons)."""

    write: Callable[[str], str]

    def text(self, lang: str) -> str:
        return self.write(lang)


def message(lang: str, key: str, values: Mapping[str, object]) -> str:
    """The catalogue's `key` in `lang`, its localized values written in `lang` too."""
    return t(lang, key, **{k: v.text(lang) if isinstance(v, Localized) else v
                           for k, v in values.items()})


def state_label(state: str, lang: str = "et") -> str:
    return t(lang, f"state.{state}")


# --- the case states for help texts, without loading the models (issue 8) ---------------


def state_names() -> tuple[str, ...]:
    """The case states in their order (`pipeline.model.case.State`), from the catalogue:
    `plr --help` lists them without importing pydantic."""
    return tuple(k.removeprefix("state.") for k in _ET if k.startswith("state."))
