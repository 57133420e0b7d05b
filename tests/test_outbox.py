"""Outbox: atomic writes, readable names, never overwriting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.deliver.outbox import case_dir, write_atomic, write_documents
from pipeline.errors import PipelineError
from pipeline.render import documents as d
from pipeline.render.samples import sample_case


def _doc(name: str, data: bytes = b"x") -> d.RenderedDocument:
    return d.RenderedDocument("invitation", "et", "Helju Tamm", name, data, d.DOCX_MEDIA)


def test_outbox_writes_into_case_folder_with_readable_names(tmp_path: Path) -> None:
    docs = d.for_schedule(sample_case("et"), today=dt.date(2026, 11, 26))
    paths = write_documents(tmp_path, "PLR-2026-0042", docs)
    folder = tmp_path / "PLR-2026-0042"
    assert (folder / "2026-12-03 kutse – Helju Tamm.docx").read_bytes() == docs[0].data
    assert (folder / "2026-12-03 kutse – Helju Tamm.ics").is_file()
    assert len(paths) == len(docs) == len(list(folder.iterdir()))
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def test_outbox_never_overwrites(tmp_path: Path) -> None:
    first = write_atomic(tmp_path, "kiri.docx", b"1")
    second = write_atomic(tmp_path, "kiri.docx", b"2")
    third = write_atomic(tmp_path, "kiri.docx", b"3")
    assert [p.name for p in (first, second, third)] == ["kiri.docx", "kiri (2).docx",
                                                       "kiri (3).docx"]
    assert first.read_bytes() == b"1" and third.read_bytes() == b"3"


def test_outbox_calendar_file_follows_its_numbered_invitation(tmp_path: Path) -> None:
    docs = [_doc("a – B.docx"), _doc("a – B.ics")]
    write_documents(tmp_path, "PLR-2026-0001", docs)
    paths = write_documents(tmp_path, "PLR-2026-0001", docs)
    assert [p.name for p in paths] == ["a – B (2).docx", "a – B (2).ics"]


def test_outbox_names_with_slashes_stay_in_the_folder(tmp_path: Path) -> None:
    name = d.filename(dt.date(2026, 12, 3), "invitation", "../../etc/Mari/Kask: <x>")
    path = write_atomic(tmp_path / "PLR-2026-0001", name, b"x")
    assert path.parent == tmp_path / "PLR-2026-0001"
    assert path.name == "2026-12-03 kutse – ..-..-etc-Mari-Kask- -x.docx"


def test_outbox_return_letters_go_to_tagastatud(tmp_path: Path) -> None:
    assert case_dir(tmp_path, None) == tmp_path / "tagastatud"
    (path,) = write_documents(tmp_path, None, [_doc("2026-11-24 suunamise tagastamine.docx")])
    assert path.parent.name == "tagastatud"


def test_outbox_refuses_a_malformed_case_number(tmp_path: Path) -> None:
    with pytest.raises(PipelineError):
        case_dir(tmp_path, "../PLR-2026-0001")


def test_outbox_long_names_are_shortened_keeping_the_extension() -> None:
    name = d.safe_filename("Ä" * 400 + ".docx")
    assert name.endswith(".docx") and len(name.encode()) <= 200
