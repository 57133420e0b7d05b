"""Documents per second for the full set of one case, beside bare docxtpl.

    .venv/bin/python benchmarks/bench_render.py [--rounds 5]

"Full set" = every document one case produces over its life: acknowledgement
and case summary, an invitation (+ .ics) per participant, agendas, the blank
plan, the final plan and a follow-up invitation (+ .ics) per participant.
The bare line renders the same DOCX templates with the same contexts through
plain `DocxTemplate(path).render(context)` (no sandbox, no escaping, no cache),
so the difference is what safety and the byte cache cost or save.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time

from docxtpl import DocxTemplate

from pipeline.render import context as ctx
from pipeline.render import documents as d
from pipeline.render.engine import Engine
from pipeline.render.samples import sample_case

TODAY = dt.date(2026, 11, 26)


def full_set(engine: Engine, lang: str) -> list[d.RenderedDocument]:
    view = sample_case(lang)
    return (d.for_registration(view, engine=engine, today=TODAY)
            + d.for_schedule(view, engine=engine, today=TODAY)
            + d.for_plan(view, engine=engine, today=TODAY))


def bare_jobs(lang: str) -> list[tuple[str, dict[str, object]]]:
    """The same (template, context) pairs that `full_set` renders as DOCX."""
    view = sample_case(lang)
    jobs: list[tuple[str, dict[str, object]]] = []
    base = ctx.case_context(view, "et", TODAY).as_dict()
    jobs += [("acknowledgement.et.docx", base), ("case_summary.et.docx", base)]
    langs = ["et"]
    for p in view.participants:
        plang = d.participant_lang(view, p)
        if plang not in langs:
            langs.append(plang)
        pc = ctx.case_context(view, plang, TODAY, recipient=p).as_dict()
        jobs += [(f"invitation.{plang}.docx", pc), (f"plan.{plang}.docx", pc),
                 (f"follow_up_invitation.{plang}.docx", pc)]
    jobs += [(f"agenda.{lg}.docx", ctx.case_context(view, lg, TODAY).as_dict()) for lg in langs]
    jobs.append(("blank_plan.et.docx", base))
    return jobs


def bare(engine: Engine, jobs: list[tuple[str, dict[str, object]]]) -> None:
    for name, data in jobs:
        tpl = DocxTemplate(str(engine.template_path(name)))
        tpl.render(data)
        tpl.save(io.BytesIO())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--lang", default="ru")
    args = ap.parse_args()
    engine = Engine()
    full_set(engine, args.lang)  # warm the byte cache and imports
    jobs = bare_jobs(args.lang)

    t0 = time.perf_counter()
    for _ in range(args.rounds):
        docs = full_set(engine, args.lang)
    t_full = time.perf_counter() - t0
    n_docx = len([x for x in docs if x.media_type == d.DOCX_MEDIA])
    n_all = len(docs)

    t0 = time.perf_counter()
    for _ in range(args.rounds):
        bare(engine, jobs)
    t_bare = time.perf_counter() - t0

    print(f"one case ({args.lang} family): {n_all} files = {n_docx} DOCX + {n_all - n_docx} .ics")
    print(f"pipeline (sandbox, escaping, cache, contexts, .ics): "
          f"{args.rounds * n_all / t_full:6.1f} files/s, {args.rounds * n_docx / t_full:6.1f} "
          f"DOCX/s, {t_full / args.rounds * 1000:6.0f} ms per case")
    print(f"bare docxtpl (same templates and contexts, DOCX only): "
          f"{args.rounds * len(jobs) / t_bare:6.1f} DOCX/s, "
          f"{t_bare / args.rounds * 1000:6.0f} ms per case")


if __name__ == "__main__":
    main()
