"""Make the robustness corpus: referrals retyped by many different hands.

Run `.venv/bin/python tests/corpus/make_corpus.py` from the repository root.
Each style below is one referrer's idea of the form (table shapes, headings,
tick marks, date and phone habits, abbreviated labels). The referral data is
synthetic and drawn with a fixed seed, so the corpus is reproducible; the
DOCX files are byte-identical between runs, the PDFs printed by LibreOffice
differ only in their timestamps.

This deliberately does not use `pipeline.forms_build` or `pipeline.read`: the
corpus must be independent of the project's own form builder and readers.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus_docx  # noqa: E402
import corpus_pdf  # noqa: E402
from corpus_blocks import Style  # noqa: E402
from corpus_data import Case, expected, make_case  # noqa: E402
from corpus_format import fmt_date, fmt_email, fmt_phone  # noqa: E402
from corpus_layout import build  # noqa: E402

from pipeline.model import municipalities, normalize  # noqa: E402

SEED = 20261124
ALL_DATES = ("d.m.yyyy", "dd.mm.yyyy", "dd.mm.yy", "iso", "words", "Words")
ALL_PHONES = ("e164", "+372 spaced", "+372 plain", "national", "national spaced")

S = Style
STYLES: list[Style] = [
    S("r01_table2_header_official", blank_rows=True, phones=("+372 spaced",)),
    S("r02_table4_caps_per_child_x", scalars="table4", heading="caps",
      heading_look="merged_row", groups="per_item_table", network="header", boxes="x_cell",
      multi="table_x", dates=("d.m.yyyy",), phones=("national",), email="mixed",
      municipality=1, labels="abbrev", font="Arial"),
    S("r03_paragraphs_one_child", scalars="para", heading="number", heading_look="h1",
      groups="per_item_para", boxes="brackets", multi="lines_brackets", language="inline",
      dates=("iso",), notes=True, children=1, network_rows=0, font="Times New Roman"),
    S("r04_stacked_jah_ei", scalars="stacked", heading="plain", heading_look="h2",
      boxes="jah_ei", multi="table_jah_ei", dates=("words",), phones=("e164",),
      labels="typos"),
    S("r05_table3_merged_transposed", scalars="table3m", heading_look="merged_row",
      groups="transposed", network="header", multi="table_box_first", dates=("dd.mm.yy",),
      email="shouting", municipality=2, colon=True, widths=(6.0, 10.0)),
    S("r06_narrow_labels_listed_grid", widths=(3.5, 12.5), heading="caps", blank_rows=True,
      boxes="x_cell", multi="listed", language="lines", factors="grid",
      dates=("d.m.yyyy", "words"), labels="both", font="Cambria"),
    S("r07_paragraphs_four_children", scalars="para", groups="per_item_table",
      multi="lines_after", language="inline", notes=True, drop_empty=True,
      dates=("Words",), phones=("national spaced", "e164"), children=4),
    S("r08_table4_lowercase_labels", scalars="table4", widths=(6.0, 10.0), heading="number",
      heading_look="h2", boxes="brackets", multi="lines_brackets", labels="lower",
      dates=("iso", "dd.mm.yyyy"), municipality=3, font="Verdana"),
    S("r09_stacked_caps_transposed", scalars="stacked", heading="caps", heading_look="h1",
      groups="transposed", network="header", boxes="jah_ei", multi="listed", children=3),
    S("r10_table2_borderless", multi="lines_unicode", inline_other=True,
      phones=("+372 plain",), dates=ALL_DATES, email="mixed"),
    S("r11_table3_per_child_paras", scalars="table3m", heading="number",
      groups="per_item_para", boxes="x_cell", multi="table_x", dates=("d.m.yyyy",),
      children=1, widths=(7.0, 9.0)),
    S("r12_paragraphs_full_network", scalars="para", heading="plain", blank_rows=True,
      boxes="brackets", multi="table_box_first", drop_empty=True, labels="abbrev",
      network_rows=8, phones=ALL_PHONES),
    S("r13_table4_merged_grid", scalars="table4", heading="caps", heading_look="merged_row",
      boxes="jah_ei", multi="table_jah_ei", factors="grid", phones=("+372 plain",),
      email="mixed", widths=(5.0, 11.0)),
    S("r14_stacked_per_child_tables", scalars="stacked", heading_look="h2",
      groups="per_item_table", network="header", multi="lines_after", language="lines",
      dates=("words",), municipality=1),
    S("r15_table2_wide_labels_transposed", widths=(7.5, 8.5), heading_look="merged_row",
      groups="transposed", network="header", multi="lines_unicode", children=2,
      font="Arial"),
    S("r16_paragraphs_jah_ei_typos", scalars="para", heading="caps", groups="per_item_para",
      boxes="jah_ei", multi="listed", notes=True, labels="typos", dates=("dd.mm.yyyy",)),
    S("r17_table2_h1_abbrev_x", heading="number", heading_look="h1", boxes="x_cell",
      multi="table_x", labels="both", dates=("dd.mm.yy",), children=3, widths=(4.5, 11.5)),
    S("r18_table4_no_network", scalars="table4", heading="plain", heading_look="h2",
      groups="per_item_table", boxes="brackets", multi="lines_brackets", language="inline",
      drop_empty=True, network_rows=0, municipality=2),
    S("r19_table3_caps_blank_rows", scalars="table3m", heading="caps",
      heading_look="merged_row", blank_rows=True, multi="table_box_first", dates=("iso",),
      font="Times New Roman"),
    S("r20_stacked_listed_abbrev", scalars="stacked", heading="number", boxes="brackets",
      multi="listed", labels="abbrev", notes=True, phones=("national",)),
    S("r21_paragraphs_transposed", scalars="para", heading_look="h1", groups="transposed",
      network="per_item_para", multi="lines_unicode", children=2, email="shouting"),
    S("r22_table2_per_child_paras", widths=(4.5, 11.5), groups="per_item_para",
      boxes="jah_ei", multi="table_jah_ei", language="inline", dates=("Words", "iso")),
    S("r23_table4_merged_lines_after", scalars="table4", heading="number",
      heading_look="merged_row", boxes="x_cell", multi="lines_after", factors="grid",
      widths=(6.5, 9.5)),
    S("r24_paragraphs_table_x_typos", scalars="para", heading="plain", boxes="brackets",
      multi="table_x", labels="typos", dates=("d.m.yyyy", "dd.mm.yy"), municipality=3),
    # printed to PDF by LibreOffice from such a DOCX
    S("p25_print_table2_header", out="soffice", blank_rows=True, font="Liberation Sans"),
    S("p26_print_table4_per_child", out="soffice", scalars="table4", heading="caps",
      heading_look="merged_row", groups="per_item_table", network="header",
      boxes="x_cell", multi="table_x", labels="abbrev", phones=("national",),
      email="mixed"),
    S("p27_print_paragraphs_one_child", out="soffice", scalars="para", heading="number",
      heading_look="h1", groups="per_item_para", boxes="brackets", multi="lines_brackets",
      notes=True, children=1, network_rows=0, dates=("iso",)),
    S("p28_print_stacked_jah_ei", out="soffice", scalars="stacked", heading_look="h2",
      boxes="jah_ei", multi="table_jah_ei", dates=("words",), labels="typos"),
    S("p29_print_table3_transposed", out="soffice", scalars="table3m",
      heading_look="merged_row", groups="transposed", network="header",
      multi="table_box_first", dates=("dd.mm.yy",), children=2),
    S("p30_print_narrow_grid_listed", out="soffice", widths=(3.5, 12.5), heading="caps",
      boxes="x_cell", multi="listed", language="lines", factors="grid",
      phones=ALL_PHONES, municipality=1),
    S("p31_print_paragraphs_per_child", out="soffice", scalars="para", heading="plain",
      groups="per_item_table", multi="lines_after", language="inline", drop_empty=True,
      dates=("iso", "Words")),
    S("p32_print_table4_brackets", out="soffice", scalars="table4", heading="number",
      heading_look="h2", boxes="brackets", multi="lines_brackets", inline_other=True,
      labels="both", widths=(6.0, 10.0)),
    # drawn directly with reportlab, ruled tables, e-mail addresses wrapped after "@"
    S("q33_drawn_table2_wrapped_mail", out="reportlab", widths=(6.0, 10.0),
      multi="table_x", wrap_email=True, email="mixed", dates=("dd.mm.yyyy",)),
    S("q34_drawn_table4_merged", out="reportlab", scalars="table4",
      heading_look="merged_row", groups="per_item_table", network="header",
      boxes="x_cell", multi="table_jah_ei", wrap_email=True, children=2),
    S("q35_drawn_paragraphs", out="reportlab", scalars="para", boxes="brackets",
      multi="lines_brackets", notes=True, dates=("words",), phones=("+372 spaced",)),
    S("q36_drawn_stacked_grid", out="reportlab", scalars="stacked", heading="caps",
      groups="transposed", network="header", boxes="jah_ei", multi="listed",
      factors="grid", dates=("dd.mm.yy",), labels="abbrev"),
]


def check_formats(case: Case) -> None:
    """Every way this corpus prints a value must read back as the canonical value."""
    d = case.data
    dates = [d["referral_date"], d["consent"]["date"]] + [c["birth_date"] for c in d["children"]]
    for iso in dates:
        for st in ALL_DATES:
            got = normalize.parse_date(fmt_date(iso, st))
            assert got is not None and got.isoformat() == iso, (iso, st)
    phones = [d["referrer"]["phone"]] + [p["phone"] for p in d["caregivers"] + d["network"]]
    for e164 in filter(None, phones):
        for st in ALL_PHONES:
            assert normalize.phone(fmt_phone(e164, st)) == (e164, True), (e164, st)
    mails = [d["referrer"]["email"]] + [c["email"] for c in d["caregivers"]]
    for mail in filter(None, mails):
        for st in ("lower", "mixed", "shouting"):
            assert normalize.email(fmt_email(mail, st)) == (mail, True), (mail, st)
    for form in case.municipality_forms:
        assert municipalities.canonical(form) == d["referrer"]["municipality"], form


def main(out: Path = HERE, *, print_pdfs: bool = True) -> None:
    """Write the corpus into `out`; without `print_pdfs` the LibreOffice prints are skipped."""
    previous = {p.stem: p.read_bytes() for p in out.glob("p[0-9][0-9]_*.pdf")}
    for old in out.glob("[rpq][0-9][0-9]_*"):
        if print_pdfs or not old.name.endswith(".pdf"):
            old.unlink()
    names = [s.name for s in STYLES]
    assert len(set(names)) == len(names)
    printed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="plr-corpus-") as tmp:
        for index, style in enumerate(STYLES):
            rng = random.Random(SEED * 100 + index)
            if style.municipality == 0:  # rotate how the municipality is written
                style = replace(style, municipality=index)
            case = make_case(rng, children=style.children, network=style.network_rows)
            check_formats(case)
            blocks = build(case, style, rng)
            if style.out == "reportlab":
                (out / f"{style.name}.pdf").write_bytes(corpus_pdf.render(blocks, style))
            elif style.out == "soffice":
                (Path(tmp) / f"{style.name}.docx").write_bytes(corpus_docx.render(blocks, style))
                printed.append(style.name)
            else:
                (out / f"{style.name}.docx").write_bytes(corpus_docx.render(blocks, style))
            text = json.dumps(expected(case), ensure_ascii=False, indent=2) + "\n"
            (out / f"{style.name}.expected.json").write_text(text, encoding="utf-8")
        if printed and print_pdfs:
            _print_to_pdf(Path(tmp), out, printed, previous)
    print(f"{len(STYLES)} referrals written to {out}")


def _print_to_pdf(tmp: Path, out: Path, names: list[str],
                  previous: dict[str, bytes]) -> None:
    """LibreOffice prints the DOCX files, as a referrer's 'Save as PDF' would."""
    profile = tmp / "lo-profile"  # own profile: other soffice runs may share the machine
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp)]
        + [str(tmp / f"{n}.docx") for n in names],
        check=True, capture_output=True, timeout=600,
    )
    for n in names:
        new = (tmp / f"{n}.pdf").read_bytes()
        if _undated(previous.get(n, b"")) != _undated(new):
            previous[n] = new
        (out / f"{n}.pdf").write_bytes(previous[n])


def _undated(pdf: bytes) -> bytes:
    """A printed PDF without its clock stamps, to keep an unchanged print unchanged."""
    pdf = re.sub(rb"/CreationDate\(D:[^)]*\)", b"", pdf)
    pdf = re.sub(rb"/DocChecksum /[0-9A-F]+", b"", pdf)
    return re.sub(rb"/ID \[[^\]]*\]", b"", pdf)


if __name__ == "__main__":
    main()
