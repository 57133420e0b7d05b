"""Write rendered documents into the outbox, atomically and without overwriting.

    outbox/PLR-2026-0042/2026-12-03 kutse – Helju Tamm.docx
    outbox/tagastatud/2026-11-24 suunamise tagastamine – Küllike Õunapuu.docx

Each file is written under a temporary name in the same folder, flushed, then
hard-linked to its final name (which fails if that name exists, so two writers
never clobber each other) and the temporary name removed. An existing name gets
` (2)`, ` (3)`… before the extension.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.render.documents import RenderedDocument, safe_filename

RETURNED_DIR = "tagastatud"
SUPERSEDED_DIR = "asendatud"
_CASE = re.compile(r"PLR-\d{4}-\d{4,}")
MAX_COPIES = 1000


def case_dir(outbox: Path, case_number: str | None) -> Path:
    """`outbox/<case>/`, or `outbox/tagastatud/` for a letter without a case."""
    if case_number is None:
        return outbox / RETURNED_DIR
    if not _CASE.fullmatch(case_number):
        raise PipelineError.of("err.bad_case_folder", code="bad_case_number",
                               number=safe_filename(case_number)[:40])
    return outbox / case_number


def _numbered(name: str, n: int) -> str:
    if n == 1:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"


def write_atomic(folder: Path, name: str, data: bytes, *, sync: bool = True) -> Path:
    """Write `data` as `folder/name` (or `name (2)`…); never replaces a file.

    Written whole under a dot-name first (the watcher ignores dot-names, so this serves the
    inbox too), then linked to its name, so nobody ever sees a half-written file. With
    `sync=False` the caller makes it durable (`sync_files`) before anything relies on it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        return link_unique(Path(tmp), folder, name)
    finally:
        Path(tmp).unlink(missing_ok=True)


def link_unique(src: Path, folder: Path, name: str) -> Path:
    """Hard-link `src` as `folder/name` (or `name (2)`…, under a safe name); never replaces
    a file already there. `src` stays; the caller removes it."""
    name = safe_filename(name)
    for n in range(1, MAX_COPIES + 1):
        target = folder / _numbered(name, n)
        try:
            os.link(src, target)
        except FileExistsError:
            continue
        return target
    raise PipelineError.of("err.outbox_full", code="outbox_full", folder=folder.name)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_files(paths: Sequence[Path]) -> None:
    """fsync every file in `paths`, at once: the file system commits concurrent fsyncs
    together, so a few files cost about one commit (about 3 ms here) instead of one each
    (issue 11: four in a row per arrival were a tenth of a worker's time)."""
    if len(paths) <= 1:
        for path in paths:
            _fsync_path(path)
        return
    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(_fsync_path, paths))  # list(): an error is raised here


def write_documents(outbox: Path, case_number: str | None,
                    docs: Iterable[RenderedDocument], *, sync: bool = True) -> list[Path]:
    """Every document of one moment into its case folder; the paths in order.

    An .ics keeps the same stem as the invitation beside it even when the
    invitation needed a ` (2)`, so that the pair stays recognisable. With `sync=False` the
    caller fsyncs them (`sync_files`) before they count as written."""
    folder = case_dir(outbox, case_number)
    out: list[Path] = []
    stems: dict[str, str] = {}
    for doc in docs:
        stem, _, ext = doc.filename.rpartition(".")
        name = f"{stems[stem]}.{ext}" if stem in stems else doc.filename
        path = write_atomic(folder, name, doc.data, sync=False)
        stems.setdefault(stem, path.stem)
        out.append(path)
    if sync:
        sync_files(out)
    return out


def supersede(outbox: Path, case_number: str, prefixes: Iterable[str],
              recipient: str | None = None) -> list[Path]:
    """Move a case's documents whose names start with one of `prefixes` into
    `outbox/<case>/asendatud/` (kept, never deleted, never overwriting); the new paths.

    A moved meeting's invitations go there so that the plain names are the new ones.
    With `recipient`, only the documents addressed to them (`… – Name.docx`)."""
    folder = case_dir(outbox, case_number)
    wanted = tuple(prefixes)
    if not folder.is_dir() or not wanted:
        return []
    mark = f" – {safe_filename(recipient + '.x')[:-2]}" if recipient else None
    target = folder / SUPERSEDED_DIR
    moved: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not path.name.startswith(wanted):
            continue
        if mark is not None and not re.search(re.escape(mark) + r"( \(\d+\))?\.\w+$",
                                              path.name):
            continue
        target.mkdir(exist_ok=True)
        for n in range(1, MAX_COPIES + 1):
            dest = target / _numbered(path.name, n)
            try:
                os.link(path, dest)
            except FileExistsError:
                continue
            path.unlink()
            moved.append(dest)
            break
    return moved
