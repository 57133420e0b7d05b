"""`plr templates check` and `plr preview DOCUMENT`: for offices that edit templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import HomeOption, console, handle_errors, settings
from pipeline.errors import PipelineError
from pipeline.lazy import lazy

if TYPE_CHECKING:
    from pipeline.model import issues as issue_model
    from pipeline.render import checks
    from pipeline.render import documents as d
    from pipeline.render import engine as render_engine
else:  # loaded when a command runs (docxtpl, jinja2): `plr --help` stays fast
    d = lazy("pipeline.render.documents")
    checks = lazy("pipeline.render.checks")
    render_engine = lazy("pipeline.render.engine")
    issue_model = lazy("pipeline.model.issues")

# Estonian names an office may type instead of the template's English name.
ALIASES = {
    "kinnitus": "acknowledgement", "tagastamine": "return_letter",
    "ulevaade": "case_summary", "ülevaade": "case_summary", "kutse": "invitation",
    "paevakord": "agenda", "päevakord": "agenda", "vorm": "blank_plan",
    "tegevusplaani_vorm": "blank_plan", "tegevusplaan": "plan",
    "jarelkohtumise_kutse": "follow_up_invitation", "järelkohtumise_kutse": "follow_up_invitation",
}
PREVIEW_TODAY = dt.date(2026, 11, 26)


def _template_kinds() -> list[str]:
    """The documents there are built-in templates for (`invitation.et.docx` ->
    `invitation`), read from the package folder without loading the renderer."""
    from importlib import resources

    names = (p.name for p in resources.files("pipeline").joinpath("templates").iterdir())
    return sorted({n.split(".", 1)[0] for n in names if n.endswith(".docx")})


def preview_document(engine: render_engine.Engine, kind: str, lang: str) -> d.RenderedDocument:
    """One document of `kind` in `lang`, rendered from the synthetic sample case."""
    from pipeline.render.samples import sample_case

    kind = ALIASES.get(kind.lower(), kind.lower())
    if kind not in d.KINDS:
        raise PipelineError.of("err.unknown_document", code="unknown_document", kind=kind[:40],
                               allowed=", ".join(d.KINDS))
    if lang not in d.languages(kind):
        raise PipelineError.of("err.document_languages", code="unknown_language", kind=kind,
                               langs=", ".join(d.languages(kind)))
    view = sample_case(lang)
    if kind == "return_letter":
        issues = [issue_model.error("E06", "consent.given",
                        "Pere nõusolek ei ole märgitud. Palun küsige perelt nõusolek ja märkige "
                        "see vormile."),
                  issue_model.error("E02", "children[1].id_code",
                        "Isikukood ei ole õige: kontrollnumber ei klapi. Palun kontrollige "
                        "isikukoodi.")]
        docs = d.for_return(view.referral, issues, "suunamine.pdf", engine=engine,
                            today=PREVIEW_TODAY)
    elif kind in ("acknowledgement", "case_summary"):
        docs = d.for_registration(view, engine=engine, today=PREVIEW_TODAY)
    elif kind in ("invitation", "agenda", "blank_plan"):
        docs = d.for_schedule(view, engine=engine, today=PREVIEW_TODAY)
    else:
        docs = d.for_plan(view, engine=engine, today=PREVIEW_TODAY)
    return next(x for x in docs if x.kind == kind and x.lang == lang)


def register(app: typer.Typer) -> None:
    templates = typer.Typer(help="Dokumendipõhjad (DOCX) ja nende kontroll.",
                            no_args_is_help=True)
    app.add_typer(templates, name="templates")

    @templates.command("check")
    @handle_errors
    def check_cmd(
        home: HomeOption = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                              help="Näita iga põhja muutujaid ka siis, "
                                                   "kui vigu ei ole.")] = False,
    ) -> None:
        """Kontrolli, et dokumendipõhjad kasutavad ainult muutujaid, mida programm täidab."""
        cfg = settings(home)
        failed = 0
        for r in checks.check_all(render_engine.Engine.for_settings(cfg)):
            mark = "[green]korras[/]" if r.ok else "[red]VIGA[/]"
            whose = "kontori oma" if r.source == "office" else "sisseehitatud"
            console.print(f"{mark}  {r.name} ({whose})", highlight=False)
            if verbose or not r.ok:
                console.print("    muutujad: " + ", ".join(r.variables), highlight=False)
            for v in r.unknown:
                console.print(f"    [red]tundmatu muutuja:[/] {v}", highlight=False)
            if r.error:
                console.print(f"    [red]{r.error}[/]", highlight=False)
            failed += not r.ok
        if failed:
            console.print(f"{failed} dokumendipõhjas on vigu.")
            raise typer.Exit(1)

    @app.command("preview")
    @handle_errors
    def preview_cmd(
        document: Annotated[str, typer.Argument(
            help="Dokument: " + ", ".join(_template_kinds())
            + ". Sobib ka eestikeelne nimi, nt kutse, päevakord või tegevusplaan.")],
        lang: Annotated[str, typer.Option("--lang", help="Dokumendi keel: et, ru või en.")] = "et",
        out: Annotated[
            Path | None, typer.Option("--out", help="Kaust, kuhu eelvaade salvestada "
                                      "(vaikimisi töökausta alamkaust eelvaade/).")
        ] = None,
        pdf: Annotated[
            bool, typer.Option("--pdf", help="Tee ka PDF (vajab LibreOffice'i).")
        ] = False,
        home: HomeOption = None,
    ) -> None:
        """Tee dokumendist näidisandmetega eelvaade.

        Nii saab muudetud dokumendipõhja enne kasutuselevõttu üle vaadata.
        """
        from pipeline.deliver.outbox import write_atomic
        from pipeline.render.pdf import PdfPool

        cfg = settings(home)
        doc = preview_document(render_engine.Engine.for_settings(cfg), document, lang)
        path = write_atomic(out or cfg.home / "eelvaade", f"eelvaade {doc.kind}.{lang}.docx",
                            doc.data)
        console.print(f"Kirjutatud: {path}", highlight=False)
        if pdf:
            with PdfPool(1) as pool:
                made = pool.convert(path)
            console.print(f"PDF: {made}" if made else "PDF-i ei saanud teha (LibreOffice puudub "
                          "või teisendamine ebaõnnestus).", highlight=False)
