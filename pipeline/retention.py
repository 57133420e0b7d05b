"""`plr purge`: after the retention period, personal data leaves the register and the disk.

The register part (what is scrubbed, what stays for statistics) is in
`pipeline.register.purge`; this module asks for the confirmation and deletes
the files that belonged to the purged data:

- a closed case: its archived form (`archive/<number>/`), its documents
  (`outbox/<number>/`), the e-mails queued or sent for it;
- a file that made no case of its own: the returned referral and its return
  letter, the quarantined file and its reason file, a duplicate copy, and the
  e-mails queued or sent for it (keyed by its claim id).

This is the one place where the pipeline deletes files, and only after the
confirmation. A placed file is deleted only when its bytes still have the
recorded hash (a quarantine slot may hold another file since), and only
inside the home folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline import logging as log
from pipeline.casework import in_register
from pipeline.config import Layout, Settings
from pipeline.extract import sha256_file
from pipeline.register import purge
from pipeline.register.cases import now
from pipeline.register.ledger import Outcome


@dataclass(frozen=True)
class Report:
    cases: list[str]  # closed cases old enough
    files: int  # ledger entries of files that made no case, old enough
    purged: list[str]  # cases purged (empty on a dry run or when not confirmed)
    purged_files: int
    removed: int  # files deleted from the disk

    @property
    def found(self) -> bool:
        return bool(self.cases or self.files)


def purge_old(settings: Settings, *, older_than: str, dry_run: bool,
              confirm: Callable[[list[str], int], bool]) -> Report:
    """Purge what is older than the period; `confirm(cases, files)` is asked first."""
    before = purge.cutoff(older_than, today=now())
    cases, files = in_register(settings, lambda s: (
        [c.number for c in purge.purgeable(session=s, before=before)],
        len(purge.stale_entries(session=s, before=before))))
    if dry_run or not (cases or files) or not confirm(cases, files):
        return Report(cases, files, [], 0, 0)
    done = in_register(settings, lambda s: purge.purge(session=s, before=before, only=cases))
    layout = settings.layout
    removed = sum(remove_case_files(layout, number) for number in done.cases)
    removed += sum(remove_leftover(layout, left) for left in done.files)
    log.event("purged", cases=len(done.cases), entries=done.others, files=removed)
    return Report(cases, files, done.cases, done.others, removed)


def remove_case_files(layout: Layout, number: str) -> int:
    """Delete a purged case's folders and the e-mails keyed by its number."""
    removed = 0
    for folder in (layout.archive / number, layout.outbox / number):
        if folder.is_dir():
            removed += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder, ignore_errors=True)
    return removed + _remove_mail(layout, number)


def remove_leftover(layout: Layout, left: purge.Leftover) -> int:
    """Delete the files of one purged ledger entry; returns how many were deleted."""
    removed = _remove_mail(layout, left.claim) if left.claim else 0
    for doc in left.documents:
        removed += _unlink(layout, layout.home / doc)
        if doc.endswith(".docx"):  # the PDF copy made beside it (`--pdf`)
            removed += _unlink(layout, (layout.home / doc).with_suffix(".pdf"))
    placed = layout.home / left.placed if left.placed else _find(layout, left)
    if placed is not None and _inside(layout, placed) and _sha256(placed) == left.sha256:
        removed += _unlink(layout, placed)
        if left.outcome == Outcome.QUARANTINED.value:
            removed += _unlink(layout, placed.with_name(placed.name + ".reason.txt"))
    return removed


def _find(layout: Layout, left: purge.Leftover) -> Path | None:
    """An entry from before places were recorded: its file by hash in its folder."""
    folder = {
        Outcome.RETURNED.value: layout.returned,
        Outcome.QUARANTINED.value: layout.quarantine,
        Outcome.DUPLICATE.value: layout.duplicates,
    }.get(left.outcome)
    if folder is None or not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.endswith(".reason.txt") and (
                _sha256(path) == left.sha256):
            return path
    return None


def _remove_mail(layout: Layout, key: str) -> int:
    removed = 0
    spool = layout.mail_spool
    for folder in (spool, spool / "sent", spool / "failed"):
        if folder.is_dir():
            for f in folder.glob(f"{key}-*"):
                removed += _unlink(layout, f)
    return removed


def _inside(layout: Layout, path: Path) -> bool:
    return path.resolve().is_relative_to(layout.home.resolve())


def _unlink(layout: Layout, path: Path) -> int:
    if not _inside(layout, path) or not path.is_file():
        return 0
    path.unlink(missing_ok=True)
    return 1


def _sha256(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None
