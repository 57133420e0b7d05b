"""`plr case time …`, `plr case payer`, `plr payer …`, `plr contract add`, `plr statement`,
`plr report`: time, money and the programme's figures. Thin: parse, call the reporting
service, show the result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import HomeOption, console, handle_errors, settings, write_json
from pipeline.lazy import lazy
from pipeline.reporting.payers import show_hours, show_money
from pipeline.reporting.timelog import ACTIVITIES, format_minutes

if TYPE_CHECKING:
    from rich.table import Table

# The service loads SQLAlchemy and the renderer: only when a command runs, not for --help.
service = lazy("pipeline.reporting.service")

JsonOption = Annotated[bool, typer.Option(
    "--json", help="Väljasta JSON-vormingus skriptide jaoks (väljade nimed ei muutu).")]
NumberArg = Annotated[str, typer.Argument(help="Juhtumi number, nt PLR-2026-0001.")]
PayerArg = Annotated[str, typer.Argument(help="Maksja lühinimi (nt turi, ska).")]
_ACTS = ", ".join(f"{k} ({v})" for k, v in ACTIVITIES.items())


def _group(app: typer.Typer, name: str) -> typer.Typer:
    for g in app.registered_groups:
        if g.name == name and g.typer_instance is not None:
            return g.typer_instance
    sub = typer.Typer(no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def _table(title: str, head: list[str], rows: list[list[str]]) -> Table:
    from rich.table import Table  # when a command prints one, not at every start

    table = Table(title=title, title_justify="left")
    for h in head:
        table.add_column(h)
    for r in rows:
        table.add_row(*r)
    return table


def register(app: typer.Typer) -> None:
    case_app = _group(app, "case")
    time_app = typer.Typer(help="Juhtumile kulunud tööaeg: lisamine ja vaatamine.",
                           no_args_is_help=True)
    case_app.add_typer(time_app, name="time")
    payer_app = typer.Typer(help="Maksjad (omavalitsus, Sotsiaalkindlustusamet).",
                            no_args_is_help=True)
    app.add_typer(payer_app, name="payer")
    contract_app = typer.Typer(help="Maksjate lepingud ja hinnad.", no_args_is_help=True)
    app.add_typer(contract_app, name="contract")

    # A correction's duration starts with a minus (-30m): read it as the argument it is.
    @time_app.command("add", context_settings={"ignore_unknown_options": True})
    @handle_errors
    def time_add(
        number: NumberArg,
        duration: Annotated[str, typer.Argument(
            help="Kestus: 1h30m, 90m, 1,5h või 1:30; parandusel miinusega (-30m).")],
        activity: Annotated[str, typer.Option("--activity", help=f"Tegevus: {_ACTS}.")],
        day: Annotated[str | None, typer.Option(
            "--date", help="Kuupäev (2026-12-03); vaikimisi täna.")] = None,
        note: Annotated[str | None, typer.Option(
            "--note", help="Lühike neutraalne märkus ilma nimedeta.")] = None,
        corrects: Annotated[int | None, typer.Option(
            "--corrects", help="Parandatava kande number (vt „plr case time list“).")] = None,
        as_json: JsonOption = False,
        home: HomeOption = None,
    ) -> None:
        """Lisa juhtumile tööaeg. Kandeid ei muudeta: parandus on uus kanne."""
        row = service.add_time(settings(home), number, duration=duration, activity=activity,
                               day=day, note=note, corrects=corrects)
        if as_json:
            write_json(row)
            return
        console.print(f"Kanne nr {row['id']}: {row['case']}, {row['date']}, "
                      f"{ACTIVITIES[row['activity']]}, {format_minutes(row['minutes'])}.",
                      highlight=False)

    @time_app.command("list")
    @handle_errors
    def time_list(number: NumberArg, as_json: JsonOption = False,
                  home: HomeOption = None) -> None:
        """Näita juhtumi tööaja kandeid ja kokkuvõtet tegevuste kaupa."""
        data = service.list_time(settings(home), number)
        if as_json:
            write_json(data)
            return
        console.print(_table(
            f"Tööaeg: {data['case']} (maksja: {data['payer'] or '—'})",
            ["nr", "kuupäev", "tegevus", "kestus", "märkus", "aruanne"],
            [[str(e["id"]), e["date"], ACTIVITIES[e["activity"]], format_minutes(e["minutes"]),
              (e["note"] or "—") + (f" (parandab nr {e['corrects']})" if e["corrects"] else ""),
              e["statement"] or "—"] for e in data["entries"]]))
        parts = [f"{ACTIVITIES[a]} {show_hours(m)} h"
                 for a, m in data["minutes_by_activity"].items()]
        console.print(f"Kokku {show_hours(data['total_minutes'])} h"
                      + (f": {'; '.join(parts)}" if parts else ""), highlight=False)

    @case_app.command("payer")
    @handle_errors
    def case_payer(number: NumberArg, payer: PayerArg, home: HomeOption = None) -> None:
        """Muuda juhtumi maksjat (vaikimisi suunanud omavalitsuse järgi)."""
        code = service.set_case_payer(settings(home), number, payer)
        console.print(f"Juhtumi {number.upper()} maksja on nüüd {code}.", highlight=False)

    @payer_app.command("add")
    @handle_errors
    def payer_add(
        code: Annotated[str, typer.Option("--code", help="Lühinimi käskudes (nt turi).")],
        name: Annotated[str, typer.Option("--name", help="Ametlik nimi aruandel.")],
        municipality: Annotated[list[str] | None, typer.Option(
            "--municipality", help="Omavalitsus, mille suunatud juhtumite eest see maksja "
            "maksab (võib korrata).")] = None,
        default: Annotated[bool, typer.Option(
            "--default", help="Maksab kõigi muude juhtumite eest (nt Sotsiaalkindlustusamet)."
        )] = False,
        home: HomeOption = None,
    ) -> None:
        """Lisa maksja."""
        p = service.add_payer(settings(home), code=code, name=name,
                              municipalities=municipality or [], default=default)
        console.print(f"Maksja {p['code']} lisatud.", highlight=False)

    @payer_app.command("list")
    @handle_errors
    def payer_list(as_json: JsonOption = False, home: HomeOption = None) -> None:
        """Näita maksjaid ja nende lepinguid."""
        rows = service.list_payers(settings(home))
        if as_json:
            write_json(rows)
            return
        console.print(_table("Maksjad", ["lühinimi", "nimi", "omavalitsused", "lepingud"], [
            [p["code"], p["name"] + (" (vaikimisi)" if p["default"] else ""),
             ", ".join(p["municipalities"]) or "—",
             "\n".join(f"{c['number']}: {c['rate'].replace('.', ',')} € / "
                       f"{'tund' if c['unit'] == 'hour' else 'juhtum'}, {c['valid_from']}–"
                       f"{c['valid_to'] or ''}" for c in p["contracts"]) or "—"]
            for p in rows]))

    @contract_app.command("add")
    @handle_errors
    def contract_add(
        payer: PayerArg,
        number: Annotated[str, typer.Option("--number", help="Lepingu number.")],
        rate: Annotated[str, typer.Option("--rate", help="Hind eurodes (25 või 25,50).")],
        valid_from: Annotated[str, typer.Option("--from", help="Kehtib alates (2026-01-01).")],
        valid_to: Annotated[str | None, typer.Option(
            "--to", help="Kehtib kuni (kaasa arvatud).")] = None,
        per: Annotated[str, typer.Option(
            "--per", help="hour (tunnihind) või case (hind juhtumi kohta).")] = "hour",
        billable: Annotated[str | None, typer.Option(
            "--billable", help=f"Tasustatavad tegevused komaga; vaikimisi kõik. {_ACTS}.")
        ] = None,
        rounding: Annotated[int, typer.Option(
            "--rounding", help="Juhtumi kuu aeg ümardatakse üles selle sammuni (minutit).")
        ] = 1,
        home: HomeOption = None,
    ) -> None:
        """Lisa maksjale leping: hind, kehtivus, tasustatavad tegevused ja ümardamine."""
        acts = [a for a in (billable or "").split(",") if a.strip()] or None
        c = service.add_contract(settings(home), payer, number=number, rate=rate, unit=per,
                                 valid_from=valid_from, valid_to=valid_to, billable=acts,
                                 rounding_minutes=rounding)
        console.print(f"Leping {c['number']} lisatud.", highlight=False)

    @app.command("statement")
    @handle_errors
    def statement_cmd(
        payer: PayerArg,
        month: Annotated[str, typer.Argument(help="Kuu, nt 2026-12.")],
        issue: Annotated[bool, typer.Option(
            "--issue", help="Väljasta aruanne: see saab numbri, selle kanded lukustuvad ja "
            "seda ei saa enam muuta. Ilma selleta tehakse kavand.")] = False,
        as_json: JsonOption = False,
        home: HomeOption = None,
    ) -> None:
        """Maksja kuuaruanne: DOCX ja PDF inimestele, CSV ja XLSX raamatupidamisele.

        Failid on kaustas outbox/aruanded/. Juhtumi kohta on aruandes ainult number,
        tunnid tegevuste kaupa, arvestatav aeg, hind ja summa."""
        cfg = settings(home)
        res = service.statement(cfg, payer, month, issue=issue)
        if as_json:
            write_json({"number": res.number, "payer": res.payer, "period": res.period,
                        "total": str(res.total), "already_issued": res.already_issued,
                        "lines": res.content["lines"],
                        "files": [str(p.relative_to(cfg.home)) for p in res.files]})
            return
        console.print(_table(
            f"Aruanne {res.number or 'KAVAND'} · {res.payer} · {res.period}",
            ["juhtum", "tegevused (h)", "arvestatav (h)", "hind", "summa (€)"],
            [[line["case"], "; ".join(f"{ACTIVITIES[a]} {show_hours(m)}"
                                      for a, m in line["minutes"].items()),
              show_hours(line["billed_minutes"]), line["rate"].replace(".", ","),
              show_money(_dec(line["sum"]))] for line in res.content["lines"]]))
        console.print(f"Kokku {show_money(res.total)} €.", highlight=False)
        if res.already_issued:
            console.print("See aruanne on juba väljastatud; failid on kirjutatud uuesti "
                          "väljastatud kujul.")
        elif res.number is None:
            console.print("See on kavand. Väljastamiseks: plr statement "
                          f"{res.payer} {res.period} --issue")
        for p in res.files:
            console.print(f"  {p.relative_to(cfg.home)}", highlight=False)

    @app.command("report")
    @handle_errors
    def report_cmd(
        start: Annotated[str, typer.Option("--from", help="Perioodi algus (2026-01-01).")],
        end: Annotated[str, typer.Option("--to", help="Perioodi lõpp (2026-12-31).")],
        as_json: JsonOption = False,
        public: Annotated[bool, typer.Option(
            "--public", help="Väiksemad kui 5 juhtumit näidatakse kui „<5“ (väljaspoole "
            "antavad näitajad).")] = False,
        export: Annotated[Path | None, typer.Option(
            "--export", help="Kirjuta väljaspoole antavad näitajad (JSON, tabelid CSV-na, "
            "joonised SVG ja PNG) sellesse kausta.")] = None,
        home: HomeOption = None,
    ) -> None:
        """Programmi näitajad perioodi kohta: suunamised, tagastamised, lahendusringid,
        plaanid, järelkohtumised, sulgemised, koormus ja järjekord."""
        cfg = settings(home)
        if export is not None:
            for p in service.export_report(cfg, start, end, export):
                console.print(f"  {p}", highlight=False)
            return
        exact = service.programme_figures(cfg, start, end)
        data = service.public_figures(exact) if public else exact
        if as_json:
            write_json(data)
            return
        for tbl in service.figure_tables(data):
            console.print(_table(tbl.title, list(tbl.headers),
                                 [[str(v) for v in r] for r in tbl.rows]))
        ref, conf = data["referrals"], data["conferences"]
        share = ref["returned_share"]
        console.print(
            f"Suunamisi {ref['received']}: registreeritud {ref['registered']}, tagastatud "
            f"{ref['returned']}"
            + (f" ({share * 100:.1f}%)".replace(".", ",") if isinstance(share, float) else "")
            + ".", highlight=False)
        console.print(
            f"Lahendusringe {conf['held']}; päevi suunamisest lahendusringini: mediaan "
            f"{conf['days_to_conference_median']}, 90. protsentiil "
            f"{conf['days_to_conference_p90']}. Plaane {data['plans']['agreed']}, "
            f"täiendatud {data['plans']['revised']}.", highlight=False)


def _dec(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)
