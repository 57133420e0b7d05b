"""`plr cases`, `plr case …`, `plr coordinator …`, `plr intake`, `plr purge`.

Tables for people (rich), `--json` for scripts (stable keys, docs/register.md).
Messages in Estonian or English by PLR_LANG; errors never show a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli import listing_table
from pipeline.cli.common import (
    HomeOption,
    console,
    handle_errors,
    listing_settings,
    settings,
    write_json,
)
from pipeline.cli.listing_table import Column
from pipeline.i18n import state_label, state_names, t
from pipeline.lazy import lazy

if TYPE_CHECKING:
    from rich.table import Table

    from pipeline import casework, listing
    from pipeline.model import spec
    from pipeline.register.reads import LedgerEntry
else:  # loaded when a command runs: `plr --help` stays fast (issue 8)
    casework = lazy("pipeline.casework")
    listing = lazy("pipeline.listing")  # `plr cases`, `plr intake`: not casework's imports
    spec = lazy("pipeline.model.spec")

JsonOption = Annotated[bool, typer.Option(
    "--json", help="Väljasta JSON-vormingus skriptide jaoks (väljade nimed ei muutu).")]
NumberArg = Annotated[str, typer.Argument(help="Juhtumi number, nt PLR-2026-0001.")]


ParticipantArg = Annotated[int, typer.Argument(
    help="Osaleja number (veerg „Nr“ käsu plr case show osalejate tabelis).")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Kinnita samm, mille süsteem muidu keelaks (nt aeg pühal või enne "
    "kohtumise algust).", show_default=False)]
ReasonOption = Annotated[str | None, typer.Option(
    "--reason", help="Miks samm kinnitatakse (--force korral; jääb ajalukku).",
    show_default=False)]


def _forced(lang: str, force: bool, reason: str | None) -> str | None:
    """The reason a forced step is taken ("--force" alone counts as a reason given)."""
    if not force:
        return None
    return (reason or "").strip() or t(lang, "msg.forced")


def _d(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)


def _time(value: str | None) -> str:
    """ISO "2026-12-03T17:00" as "03.12.2026 17:00"."""
    if not value:
        return "—"
    return f"{value[8:10]}.{value[5:7]}.{value[0:4]} {value[11:16]}"


def _date(value: str | None) -> str:
    """ISO "2026-12-03T17:00" as "03.12.2026" (a narrow terminal's `_time`)."""
    return _time(value)[:10]


def _cases_columns(rows: list[dict[str, Any]], lang: str) -> list[Column]:
    def col(key: str, values: list[str], **kw: Any) -> Column:
        return Column(t(lang, f"col.{key}"), values, **kw)

    return [
        col("number", [r["number"] for r in rows], whole=True),
        col("state", [state_label(r["state"], lang) for r in rows]),
        col("received", [_time(r["received_at"]) for r in rows], whole=True,
            narrow=[_date(r["received_at"]) for r in rows]),
        col("municipality", [_d(r["municipality"]) for r in rows],
            short=t(lang, "col.municipality_short")),
        col("children", [", ".join(r["children"]) or "—" for r in rows], below=0),
        col("coordinator", [_d(r["coordinator"]) for r in rows],
            short=t(lang, "col.coordinator_short")),
        col("queue", [_d(r["queue_position"]) for r in rows], whole=True,
            short=t(lang, "col.queue_short")),
    ]


def _intake_columns(entries: list[LedgerEntry], lang: str) -> list[Column]:
    def outcome(e: LedgerEntry) -> str:
        return t(lang, "outcome.action_plan" if "action_plan" in e.codes
                 else "outcome.plan_early" if "too_early" in e.codes
                 else f"outcome.{e.outcome}")

    def col(key: str, values: list[str], **kw: Any) -> Column:
        return Column(t(lang, f"col.{key}"), values, **kw)

    # The folder only (archive/, returned/, quarantine/): the case is beside it.
    return [
        col("received", [e.received_at.strftime("%d.%m.%Y %H:%M") for e in entries],
            whole=True, narrow=[e.received_at.strftime("%d.%m.%Y") for e in entries]),
        col("file", [_d(e.file) for e in entries], below=1),
        col("outcome", [outcome(e) for e in entries]),
        col("cases", [", ".join(e.cases) or "—" for e in entries]),
        col("reason", [_d(e.reason or ", ".join(e.codes)) for e in entries], below=0),
        col("place", [_d(Path(e.placed).parts[0] + "/" if e.placed else None)
                      for e in entries], whole=True),
    ]


def _show(d: dict[str, Any], lang: str) -> None:
    ref = d["referral"]
    console.print(f"[bold]{d['number']}[/]  {state_label(d['state'], lang)}", highlight=False)
    facts = [
        (t(lang, "col.received"), _time(d["received_at"])),
        (t(lang, "col.municipality"), _d(d["municipality"])),
        (t(lang, "label.family_language"), t(lang, f"language.{d['family_language']}")),
        (t(lang, "label.referrer"), _d(ref["referrer"]["name"])),
        (t(lang, "col.coordinator"), _d((d["coordinator"] or {}).get("name"))),
        (t(lang, "col.queue"), _d(d["queue_position"])),
        (t(lang, "label.conference"), _meeting(d["conference"])),
        (t(lang, "label.follow_up"), _meeting(d["follow_up"])),
    ]
    for label, value in facts:
        console.print(f"  {label + ':':<22} {value}", highlight=False)
    _signatures(d.get("signatures") or [])
    if ref:
        _referral_texts(ref)
    _table(lang, "title.participants", ("nr", "name", "role", "relation", "language", "parts"),
           [[str(p["id"]), p["name"], t(lang, f"role.{p['role']}"), _d(p["relation"]),
             t(lang, f"language.{p['language']}"), ",".join(map(str, p["parts"]))]
            for p in d["participants"]], whole=("nr",))
    if d["warnings"]:
        _table(lang, "title.warnings", ("note",), [[w["message"]] for w in d["warnings"]])
    if d["plan"]:
        plan = d["plan"]
        _table(lang, "title.plan", ("what", "who", "by_when", "checks"),
               [[a["what"], a["who"], a["by_when"], a["checks"]] for a in plan["agreements"]])
        for key in ("contingency", "bottom_lines_met"):
            if plan[key]:
                console.print(f"  {t(lang, 'label.' + key)}: {plan[key]}", highlight=False)
    if d["suggestions"]:
        _table(lang, "title.suggestions", ("name", "capacity", "languages"),
               [[s["name"], f"{s['open_cases']}/{s['capacity']}",
                 "✓" if s["speaks_language"] else "—"] for s in d["suggestions"]])
    _table(lang, "title.versions", ("version", "received", "file"),
           [[str(v["version"]), _time(v["received_at"]), _d(v["file"])] for v in d["versions"]],
           whole=("version", "received"))
    _table(lang, "title.history", ("time", "change", "actor", "note"),
           [[_time(h["at"]), f"{state_label(h['from'], lang) if h['from'] else '—'} → "
             f"{state_label(h['to'], lang)}", h["actor"], _d(h["note"])] for h in d["history"]],
           whole=("time",))


# What a coordinator reads first, in the referral's own words, under the form's labels.
_TEXT_KEYS = ("situation", "question", "bottom_lines", "child_views",
              "factors.development.risk", "factors.development.protective",
              "factors.parenting.risk", "factors.parenting.protective",
              "factors.environment.risk", "factors.environment.protective")


def _referral_texts(ref: dict[str, Any]) -> None:
    from rich.padding import Padding

    grounds = spec.by_key()["grounds"]
    chosen = [label for code, label in grounds.options if code in ref.get("grounds", [])]
    if chosen:
        console.print(f"\n[bold]{grounds.label}[/]", highlight=False)
        for label in chosen:
            console.print(f"  • {label}", highlight=False)
    for key in _TEXT_KEYS:
        value: Any = ref
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value:
            console.print(f"\n[bold]{spec.by_key()[key].label}[/]", highlight=False)
            console.print(Padding(str(value), (0, 0, 0, 2)), highlight=False)
    console.print()


def _meeting(m: dict[str, Any] | None) -> str:
    return "—" if not m else f"{_time(m['start'])}–{m['end'][11:16]}, {m['place']}"


def _table(lang: str, title: str, cols: tuple[str, ...], rows: list[list[str]],
           whole: tuple[str, ...] = ()) -> None:
    console.print(_make_table(lang, title, cols, rows, whole))


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def fit_widths(headers: list[str], rows: list[list[str]], whole: list[bool],
               width: int) -> list[int]:
    """Column widths that never break a word in the middle when the words fit: each column
    is at least its longest word (a `whole` column its longest value). Only when even that
    is wider than the terminal are the longest words shortened (and fold), longest first."""
    need: list[int] = []
    for i, header in enumerate(headers):
        values = [r[i] for r in rows]
        if whole[i]:
            need.append(max([len(header)] + [len(v) for v in values]))
        else:
            need.append(max([_longest_word(header), 1] + [_longest_word(v) for v in values]))
    room = width - (3 * len(headers) + 1)  # borders and padding
    excess = sum(need) - room
    while excess > 0:
        cut = [i for i in range(len(need)) if not whole[i]]
        if not cut:
            break
        top = max(need[i] for i in cut)
        # On a tie the later column gives way (a relation before a name).
        widest = [i for i in reversed(cut) if need[i] == top]
        if top <= 4:
            break
        for i in widest:
            if excess <= 0:
                break
            need[i] -= 1
            excess -= 1
    return need


def column_widths(headers: list[str], rows: list[list[str]], whole: list[bool],
                  width: int) -> list[int]:
    """Each column's width: its longest value when the terminal allows; otherwise the
    widest columns wrap first (at spaces), none below its longest word (`fit_widths`)."""
    least = fit_widths(headers, rows, whole, width)
    out = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    room = width - (3 * len(headers) + 1)
    while sum(out) > room:
        slack = [i for i in range(len(out)) if out[i] > least[i]]
        if not slack:
            break
        i = max(slack, key=lambda k: (out[k], k))
        out[i] -= 1
    return [max(w, 1) for w in out]


def _make_table(lang: str, title: str, cols: tuple[str, ...], rows: list[list[str]],
                whole: tuple[str, ...] = ()) -> Table:
    """A table whose values never hide behind "…" and whose words never break in the
    middle when they fit: the `whole` columns (case numbers, states, times) keep their
    width, the others wrap at spaces, and only a word longer than any width the terminal
    allows folds."""
    from rich.table import Table  # not for `plr cases`/`plr intake` (listing_table)
    from rich.text import Text

    headers = [t(lang, f"col.{c}") for c in cols]
    flags = [c in whole for c in cols]
    widths = column_widths(headers, rows, flags, console.width)
    table = Table(title=t(lang, title), title_justify="left")
    for header, flag, width in zip(headers, flags, widths, strict=True):
        table.add_column(header, no_wrap=flag, overflow="fold", width=width)
    for r in rows:
        table.add_row(*(cell if c in whole else Text(cell, overflow="fold")
                        for c, cell in zip(cols, r, strict=True)))
    return table


def register(app: typer.Typer) -> None:
    case_app = typer.Typer(help="Ühe juhtumi toimingud: vaatamine, koordinaatori määramine, "
                           "osalejad, lahendusring, tegevusplaan, järelkohtumine ja sulgemine.",
                           no_args_is_help=True)
    participant_app = typer.Typer(help="Juhtumi osalejad.", no_args_is_help=True)
    coord_app = typer.Typer(help="Koordinaatorid: lisamine ja nimekiri.", no_args_is_help=True)
    app.add_typer(case_app, name="case")
    app.add_typer(coord_app, name="coordinator")
    case_app.add_typer(participant_app, name="participant")

    @app.command("cases")
    @handle_errors
    def cases_cmd(
        state: Annotated[str | None, typer.Option(
            "--state", help="Näita ainult selles olekus juhtumeid. Olekud: "
            + ", ".join(f"{s} ({state_label(s)})" for s in state_names()) + ".")]
        = None,
        as_json: JsonOption = False,
        home: HomeOption = None,
    ) -> None:
        """Näita juhtumeid saabumise järjekorras.

        Tabelis on number, olek, saabumisaeg, omavalitsus, lapsed, koordinaator ja koht
        järjekorras.
        """
        cfg = listing_settings(home)
        rows = listing.cases(cfg, state)
        if as_json:
            write_json(rows)
        elif not rows:
            console.print(t(cfg.lang, "msg.no_cases"))
        else:
            listing_table.show(console, t(cfg.lang, "title.cases"),
                               _cases_columns(rows, cfg.lang))

    @case_app.command("show")
    @handle_errors
    def show_cmd(number: NumberArg, as_json: JsonOption = False, home: HomeOption = None) -> None:
        """Näita kõike ühe juhtumi kohta.

        Näidatakse suunamise andmed, osalejad, kohtumised, tegevusplaan, hoiatused ja ajalugu.
        """
        cfg = settings(home)
        details = casework.show_case(cfg, number)
        if as_json:
            write_json(details)
        else:
            _show(details, cfg.lang)

    @case_app.command("assign")
    @handle_errors
    def assign_cmd(
        number: NumberArg,
        coordinator: Annotated[str, typer.Argument(
            help="Koordinaatori number (vt plr coordinator list), e-posti aadress või nimi.")],
        home: HomeOption = None,
    ) -> None:
        """Määra juhtumile koordinaator.

        Koordinaatoriks ei saa määrata juhtumi suunajat ega kedagi, kelle juhtumite piir on täis.
        """
        cfg = settings(home)
        done = casework.assign_case(cfg, number, coordinator)
        console.print(t(cfg.lang, "msg.assigned", number=done))

    @participant_app.command("add")
    @handle_errors
    def participant_add_cmd(
        number: NumberArg,
        name: Annotated[str, typer.Option("--name", help="Ees- ja perekonnanimi.")],
        role: Annotated[str, typer.Option(
            "--role", help="Roll: information_giver (spetsialist, osaleb ainult infojagamisel) "
            "või network (võrgustiku liige).")] = "information_giver",
        email: Annotated[str | None, typer.Option("--email", help="E-posti aadress.")] = None,
        phone: Annotated[str | None, typer.Option("--phone", help="Telefoninumber.")] = None,
        relation: Annotated[str | None, typer.Option(
            "--relation", help="Seos lapse või perega, nt klassijuhataja.")]
        = None,
        home: HomeOption = None,
    ) -> None:
        """Lisa juhtumile spetsialist (osaleb ainult infojagamisel) või võrgustiku liige."""
        cfg = settings(home)
        done = casework.add_participant(cfg, number, name=name, role=role, email=email,
                                        phone=phone, relation=relation)
        console.print(t(cfg.lang, "msg.participant_added", number=done))

    @participant_app.command("edit")
    @handle_errors
    def participant_edit_cmd(
        number: NumberArg,
        participant: ParticipantArg,
        name: Annotated[str | None, typer.Option("--name", help="Uus ees- ja perekonnanimi.",
                                                 show_default=False)] = None,
        email: Annotated[str | None, typer.Option("--email", help="Uus e-posti aadress.",
                                                  show_default=False)] = None,
        phone: Annotated[str | None, typer.Option("--phone", help="Uus telefoninumber.",
                                                  show_default=False)] = None,
        relation: Annotated[str | None, typer.Option(
            "--relation", help="Uus seos lapse või perega.", show_default=False)] = None,
        home: HomeOption = None,
    ) -> None:
        """Muuda osaleja andmeid (varasemad andmed jäävad ajalukku)."""
        cfg = settings(home)
        done = casework.edit_participant(cfg, number, participant, name=name, email=email,
                                         phone=phone, relation=relation)
        console.print(t(cfg.lang, "msg.participant_edited", number=done))

    @participant_app.command("remove")
    @handle_errors
    def participant_remove_cmd(
        number: NumberArg, participant: ParticipantArg, home: HomeOption = None,
    ) -> None:
        """Eemalda osaleja juhtumist.

        Osaleja jääb registrisse koos ajalooga; talle koostatud dokumendid viiakse kausta
        asendatud/.
        """
        cfg = settings(home)
        moved = casework.remove_participant(cfg, number, participant)
        console.print(t(cfg.lang, "msg.participant_removed", number=number.upper(),
                        count=len(moved)))

    @case_app.command("translate")
    @handle_errors
    def translate_cmd(
        number: NumberArg,
        lang: Annotated[str, typer.Option("--lang", help="Pere keel: ru või en.")],
        question: Annotated[str | None, typer.Option(
            "--question", help="Suunaja küsimuse tõlge.", show_default=False)] = None,
        bottom_lines: Annotated[str | None, typer.Option(
            "--bottom-lines", help="Suunaja tingimuste tõlge.", show_default=False)] = None,
        home: HomeOption = None,
    ) -> None:
        """Salvesta suunaja küsimuse ja tingimuste tõlge pere keelde.

        Ilma tõlketa trükitakse vene- ja ingliskeelsetesse dokumentidesse suunaja eestikeelne
        tekst koos märkusega, et see on suunaja kirjutatud eesti keeles. Tühi tekst ("")
        eemaldab tõlke.
        """
        cfg = settings(home)
        done = casework.translate_texts(cfg, number, lang=lang, question=question,
                                        bottom_lines=bottom_lines)
        console.print(t(cfg.lang, "msg.translated", number=done))

    @case_app.command("schedule")
    @handle_errors
    def schedule_cmd(
        number: NumberArg,
        at: Annotated[str, typer.Option(
            "--at", help='Algusaeg, nt "2026-12-03 17:00" või "03.12.2026 17.00".')],
        place: Annotated[str, typer.Option("--place", help="Lahendusringi toimumiskoht.")],
        hours: Annotated[float, typer.Option("--hours", help="Kestus tundides.")] = 3.0,
        force: ForceOption = False,
        home: HomeOption = None,
    ) -> None:
        """Salvesta lahendusringi aeg ja koht või muuda neid.

        Koostatakse kutsed, päevakord ja tegevusplaani vorm. Uue aja korral viiakse vana aja
        dokumendid kausta asendatud/ ja igale osalejale koostatakse tühistamisteade.
        Nädalavahetusel, riigipühal või selle eel, väljaspool kella 8–21 või minevikus
        olev aeg tuleb kinnitada käsuga --force.
        """
        cfg = settings(home)
        done = casework.schedule_conference(cfg, number, at=at, place=place, hours=hours,
                                            force=force)
        _print_written(cfg.lang, "msg.scheduled", number, done)

    @case_app.command("plan")
    @handle_errors
    def plan_cmd(
        number: NumberArg,
        file: Annotated[Path, typer.Argument(help="Täidetud tegevusplaani vorm (DOCX).")],
        force: ForceOption = False,
        reason: ReasonOption = None,
        home: HomeOption = None,
    ) -> None:
        """Salvesta kokkulepitud tegevusplaan täidetud vormist (DOCX).

        Ühtlasi määratakse järelkohtumine ja koostatakse tegevusplaan ning järelkohtumise kutsed.
        Enne lahendusringi algust ainult koos --force ja põhjusega (--reason).
        """
        cfg = settings(home)
        done = casework.record_plan(cfg, number, file, forced=_forced(cfg.lang, force, reason))
        _print_written(cfg.lang, "msg.plan_recorded", number, done)

    @case_app.command("followup")
    @handle_errors
    def followup_cmd(
        number: NumberArg,
        outcome: Annotated[str, typer.Option("--outcome",
                                             help="Tulemus: continue (plaan jätkub), "
                                             "revise (plaani muudetakse) või new_conference "
                                             "(on vaja uut lahendusringi).")],
        note: Annotated[str | None, typer.Option("--note", help="Lühike märkus.")] = None,
        force: ForceOption = False,
        reason: ReasonOption = None,
        home: HomeOption = None,
    ) -> None:
        """Salvesta järelkohtumise tulemus.

        Enne järelkohtumise algust ainult koos --force ja põhjusega (--reason).
        """
        cfg = settings(home)
        casework.record_followup(cfg, number, outcome=outcome, note=note,
                                 forced=_forced(cfg.lang, force, reason))
        console.print(t(cfg.lang, "msg.followed_up", number=number.upper()))

    @case_app.command("close")
    @handle_errors
    def close_cmd(
        number: NumberArg,
        reason: Annotated[str, typer.Option("--reason", help="Põhjus: plan_working (plaan toimib), "
                                            "consent_withdrawn (pere võttis nõusoleku tagasi), "
                                            "moved_away (pere kolis ära), referred_elsewhere "
                                            "(suunati mujale) või other (muu).")],
        note: Annotated[str | None, typer.Option("--note", help="Lühike märkus.")] = None,
        home: HomeOption = None,
    ) -> None:
        """Sulge juhtum ja märgi põhjus.

        Kui koordinaatoril vabaneb koht, näidatakse järjekorras esimest juhtumit.
        """
        cfg = settings(home)
        offer = casework.close_case(cfg, number, reason=reason, note=note)
        console.print(t(cfg.lang, "msg.closed", number=number.upper()))
        if offer is not None:
            console.print(t(cfg.lang, "msg.offer", number=offer.number))

    @coord_app.command("add")
    @handle_errors
    def coord_add_cmd(
        name: Annotated[str, typer.Option("--name", help="Ees- ja perekonnanimi.")],
        email: Annotated[str, typer.Option("--email", help="E-posti aadress.")],
        phone: Annotated[str | None, typer.Option("--phone", help="Telefoninumber.")] = None,
        languages: Annotated[str, typer.Option(
            "--languages", help="Keeled, mida koordinaator oskab, komadega eraldatult, nt et,ru.")
        ] = "et",
        capacity: Annotated[int, typer.Option(
            "--capacity", help="Mitu avatud juhtumit võib koordinaatoril korraga olla.")] = 5,
        home: HomeOption = None,
    ) -> None:
        """Lisa koordinaator."""
        cfg = settings(home)
        cid = casework.add_coordinator(cfg, name=name, email=email, phone=phone,
                                       languages=languages.split(","), capacity=capacity)
        console.print(t(cfg.lang, "msg.coordinator_added", id=cid))

    @coord_app.command("list")
    @handle_errors
    def coord_list_cmd(as_json: JsonOption = False, home: HomeOption = None) -> None:
        """Näita koordinaatoreid koos nende avatud juhtumite arvu ja juhtumite piiriga."""
        cfg = settings(home)
        rows = casework.coordinators(cfg)
        if as_json:
            write_json(rows)
        elif not rows:
            console.print(t(cfg.lang, "msg.no_coordinators"))
        else:
            _table(cfg.lang, "title.coordinators", ("nr", "name", "email", "phone", "languages",
                                                    "capacity"),
                   [[str(r["id"]), r["name"], r["email"], _d(r["phone"]),
                     ",".join(r["languages"]), f"{r['open_cases']}/{r['capacity']}"]
                    for r in rows], whole=("nr",))

    @app.command("intake")
    @handle_errors
    def intake_cmd(
        outcome: Annotated[str | None, typer.Option(
            "--outcome", help="Ainult selle tulemusega failid: registered, returned, "
            "quarantined, duplicate või pending.", show_default=False)] = None,
        limit: Annotated[int | None, typer.Option(
            "--limit", min=1, help="Ainult nii mitu kõige uuemat faili.",
            show_default=False)] = None,
        as_json: JsonOption = False,
        home: HomeOption = None,
    ) -> None:
        """Näita sissetulekute registrit: kõik saabunud failid, mis igaühest sai ja kus
        fail nüüd on (uuemad eespool)."""
        cfg = listing_settings(home)
        entries = listing.intake(cfg, outcome=outcome, limit=limit)
        if as_json:
            write_json([e.to_json() for e in entries])
        elif not entries:
            console.print(t(cfg.lang, "msg.no_entries"))
        else:
            listing_table.show(console, t(cfg.lang, "title.intake"),
                               _intake_columns(entries, cfg.lang))

    @app.command("purge")
    @handle_errors
    def purge_cmd(
        older_than: Annotated[str, typer.Option(
            "--older-than", help="Säilitusaeg juhtumi sulgemisest arvates, "
            "nt 5y (5 aastat), 18m (18 kuud) või 90d (90 päeva).")],
        dry_run: Annotated[bool, typer.Option(
            "--dry-run", help="Ainult näita, milliste juhtumite ja kui paljude failide "
            "andmed kustutataks; midagi ei kustutata.")]
        = False,
        yes: Annotated[bool, typer.Option("--yes", help="Ära küsi kinnitust.")]
        = False,
        home: HomeOption = None,
    ) -> None:
        """Kustuta suletud juhtumite isikuandmed pärast säilitustähtaja lõppu.

        Koos juhtumiga kustutatakse selle arhiveeritud vorm, dokumendid ja e-kirjad.
        Sama tähtaja järel kustutatakse ka failid, millest juhtumit ei tehtud
        (tagastatud suunamised koos tagastuskirjaga, karantiini pandud ja korduvad
        failid). Statistika jaoks vajalikud andmed jäävad alles.
        """
        from pipeline import retention

        cfg = settings(home)

        def confirm(numbers: list[str], files: int) -> bool:
            ok = yes or typer.confirm(t(cfg.lang, "msg.purge_confirm", count=len(numbers),
                                        files=files))
            if not ok:
                console.print(t(cfg.lang, "msg.cancelled"))
            return ok

        report = retention.purge_old(cfg, older_than=older_than, dry_run=dry_run,
                                     confirm=confirm)
        if not report.found:
            console.print(t(cfg.lang, "msg.purge_none"))
        elif dry_run:
            console.print(t(cfg.lang, "msg.purge_dry", count=len(report.cases),
                            numbers=", ".join(report.cases) or "—", files=report.files))
        elif report.purged or report.purged_files:
            console.print(t(cfg.lang, "msg.purge_done", count=len(report.purged),
                            files=report.purged_files, removed=report.removed))


def _print_written(lang: str, key: str, number: str, done: casework.Written) -> None:
    """A step that booked a meeting and wrote documents: when, and where they are."""
    console.print(t(lang, key, number=number.upper(), when=done.when.strftime("%d.%m.%Y %H:%M")))
    if done.files:
        folder = done.files[0].parent
        console.print(t(lang, "msg.documents_written", count=len(done.files), folder=str(folder)))
    for notice in done.notices:
        console.print(f"[yellow]{t(lang, 'label.notice')}:[/] {notice}", highlight=False)


# --- digital signatures on the form (issue 12) -------------------------------------------------


def _signatures(rows: list[dict[str, Any]]) -> None:
    from pipeline.model.signature import SignatureInfo
    from pipeline.render.context import signature_line

    for row in rows:
        console.print(f"  {signature_line(SignatureInfo.model_validate(row))}", highlight=False)
