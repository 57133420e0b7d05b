"""The robustness corpus of retyped referrals, and the readers' ACCEPTANCE TEST.

`test_corpus_acceptance_reads_98_percent_of_fields` is the acceptance test of
the printed/retyped-form readers: over the 36 referrals in `tests/corpus/`,
each laid out differently by an imagined referrer, at least 98 % of all fields
must be read exactly (`benchmarks/corpus_accuracy.py` prints the details).
The other tests keep the corpus itself honest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus import make_corpus
from corpus.compare import (
    CORPUS_DIR,
    TARGET,
    CorpusScore,
    FileScore,
    compare,
    corpus_files,
    expected_for,
    leaves,
    score_corpus,
)
from pypdf import PdfReader

from pipeline.model import municipalities
from pipeline.model.referral import Referral
from pipeline.samples import sample_referral


def _sample() -> dict[str, Any]:
    return sample_referral().model_dump(mode="json")


def _producer(path: Path) -> str:
    meta = PdfReader(path).metadata
    return str(meta.producer if meta else "").split(" ")[0]


def test_corpus_has_thirty_layouts_two_thirds_docx() -> None:
    files = corpus_files()
    docx = [p for p in files if p.suffix == ".docx"]
    producers = {_producer(p) for p in files if p.suffix == ".pdf"}
    assert len(files) >= 30
    assert 0.6 <= len(docx) / len(files) <= 0.75
    assert {"LibreOffice", "ReportLab"} <= producers


def test_corpus_expected_json_is_a_normalised_referral() -> None:
    for path in corpus_files():
        data = expected_for(path)
        # Round-tripping through the model changes nothing: the shapes cannot drift.
        assert Referral.model_validate(data).model_dump(mode="json") == data, path.name
        assert data["referrer"]["municipality"] in municipalities.names()
        mails = [data["referrer"]["email"]] + [c["email"] for c in data["caregivers"]]
        assert all(m == m.lower() for m in mails if m), path.name
        phones = [p["phone"] for p in data["caregivers"] + data["network"]]
        assert all(p.startswith("+372") for p in phones if p), path.name
        assert all(c["birth_date"] for c in data["children"]), path.name


def test_corpus_generator_reproduces_committed_files(tmp_path: Path) -> None:
    make_corpus.main(tmp_path, print_pdfs=False)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert len(made) == 2 * len(make_corpus.STYLES) - 8  # all but the 8 LibreOffice prints
    for name in made:
        assert (tmp_path / name).read_bytes() == (CORPUS_DIR / name).read_bytes(), name


def test_compare_leaves_count_each_multi_code_and_row_cell() -> None:
    flat = leaves(_sample())
    assert flat["grounds.prevent_separation"] is True
    assert flat["grounds.kinship_care"] is False
    assert flat["children[1].school"] == "Türi Põhikool"
    assert flat["consent.given"] is True
    assert "children[2].name" not in flat


def test_compare_extra_row_and_missed_tick_are_wrong() -> None:
    expected = _sample()
    actual = json.loads(json.dumps(expected))
    actual["network"].append({"name": "Keegi Muu", "relation": None, "phone": None})
    actual["grounds"] = []
    wrong = {r.key for r in compare(expected, actual, printed=False) if not r.ok}
    assert wrong == {"network[2].name", "grounds.prevent_separation"}


def test_compare_printed_long_text_ignores_line_wraps_only_in_pdf() -> None:
    expected = _sample()
    actual = json.loads(json.dumps(expected))
    actual["situation"] = actual["situation"].replace(" ", "\n", 3)
    assert all(r.ok for r in compare(expected, actual, printed=True))
    wrong = [r.key for r in compare(expected, actual, printed=False) if not r.ok]
    assert wrong == ["situation"]


def test_compare_unread_file_scores_every_expected_field_wrong() -> None:
    results = compare(_sample(), None, printed=False)
    score = CorpusScore([FileScore("x.docx", results, "corrupt")])
    assert score.total == len(leaves(_sample()))
    assert score.right == 0
    assert score.worst_fields(1) == [("caregivers[].address", 2, 2)]


@pytest.mark.slow
def test_corpus_acceptance_reads_98_percent_of_fields() -> None:
    score = score_corpus()
    worst_files = sorted(score.files, key=lambda f: f.share)[:5]
    detail = "; ".join(f"{f.name} {f.share:.0%} {f.error or ''}" for f in worst_files)
    fields = ", ".join(f"{k} {w}/{n}" for k, w, n in score.worst_fields(8))
    assert score.share >= TARGET, (
        f"{score.share:.2%} of {score.total} fields read exactly; worst files: {detail}; "
        f"worst fields: {fields}"
    )
