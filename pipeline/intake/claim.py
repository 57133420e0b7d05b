"""Taking files from the inbox: what to ignore, when a file is complete, the claim, the placing.

Folder layout under the home folder (all created readable by the owner only):

    inbox/                       office staff drop files here
    processing/<owner>/          files claimed by one running watcher (`.lock` held while alive)
    archive/<case number>/       the file a case came from
    archive/duplicates/          the same content a second time
    returned/                    referrals returned to the referrer with a letter
    quarantine/                  unreadable or hostile files, each with `<name>.reason.txt`
    outbox/<case number>/        the documents

A claim is one atomic rename from inbox/ into the watcher's own processing
folder, so of several watchers (on several hosts sharing the folder) exactly
one wins. Claimed files are named `<claim id>__<original name>`. Nothing here
deletes a file that arrived, and a placement never overwrites: a taken name
gets ` (2)`, ` (3)`….

Odd arrivals (see `kind_of`): a name that is not valid UTF-8 keeps its bytes on
disk and is stored and shown escaped (`readable`); a name too long to carry the
claim prefix is shortened on disk (`short_name`), the ledger keeps it whole; a
symbolic link, FIFO, socket or device is never opened or followed, only moved
(the entry itself) to quarantine/; a hard-linked file is copied at the claim, so
that the archived evidence cannot change when the other link is edited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.config import DIR_MODE, Layout

SEP = "__"
WORK_SUFFIX = ".work"  # `<claim id>.work`: a claimed file's rendered documents
# A work folder's marks: its documents are whole (`COMPLETE`), and who each goes to.
COMPLETE = ".complete"
MANIFEST = ".manifest.json"

_IGNORED_PREFIXES = ("~$", ".~lock", ".")
_IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".download", ".swp")
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


def is_ignored(name: str) -> bool:
    """Temporary and system files that office programs and browsers leave behind."""
    low = name.lower()
    return (
        low in _IGNORED_NAMES
        or name.startswith(_IGNORED_PREFIXES)
        or low.endswith(_IGNORED_SUFFIXES)
        or low.endswith(".reason.txt")
    )


# --- completeness -------------------------------------------------------------------


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time when this (size, mtime) was first observed
    first: float  # monotonic time the file was first seen at all
    complete: bool = False  # this size and time was checked to open as its format
    closed: bool = False  # and found open for writing by no process on this host


@dataclass
class Stability:
    """Which inbox files have kept their size and time for `seconds` (pure bookkeeping)."""

    seconds: float
    seen: dict[str, _Seen] = field(default_factory=dict)

    def observe(self, name: str, size: int, mtime_ns: int, now: float,
                unchanged_for: float = 0.0) -> bool:
        """Record one observation; True when the file has been unchanged long enough.

        `unchanged_for`, at a file's first sighting: how long ago its inode last changed
        (the age of its ctime). A file that was already lying still for the whole wait,
        such as a backlog found at start, is ready at once instead of being watched for
        that long again. The ctime, unlike the mtime, cannot be set back by a copying
        tool, and every write, rename or chmod renews it; a ctime in the future (a clock
        out of step) counts as no age at all."""
        old = self.seen.get(name)
        if old is None:
            if self.seconds > 0 and unchanged_for >= self.seconds:
                # Counted as watched for exactly the wait, not for its whole age: the
                # grace for a file that never opens as its format starts from there.
                self.seen[name] = _Seen(size, mtime_ns, now - self.seconds, now)
                return True
            self.seen[name] = _Seen(size, mtime_ns, now, now)
            return self.seconds <= 0
        if (old.size, old.mtime_ns) != (size, mtime_ns):
            self.seen[name] = _Seen(size, mtime_ns, now, old.first)
            return self.seconds <= 0
        return now - old.since >= self.seconds

    def complete(self, name: str, check: Callable[[], bool]) -> bool:
        """Whether the file, as last observed, opens as its format: `check` runs once per
        size and time, not on every scan (a large backlog would be re-read each time)."""
        s = self.seen.get(name)
        if s is None:
            return check()
        if not s.complete:
            s.complete = check()
        return s.complete

    def closed(self, name: str, written: Callable[[], bool]) -> bool:
        """Whether no local process has the file open for writing. A "no" is remembered
        for this size and time (a backlog is not re-opened every scan); a "yes" is asked
        again each time, since the writer may close the file without changing it."""
        s = self.seen.get(name)
        if s is None:
            return not written()
        if not s.closed:
            s.closed = not written()
        return s.closed

    def waited(self, name: str, now: float) -> float:
        """How long the file has stood unchanged: a slow copy that pauses between chunks
        starts its wait again with every chunk, however long the whole copy takes."""
        s = self.seen.get(name)
        return 0.0 if s is None else now - s.since

    def forget(self, name: str) -> None:
        self.seen.pop(name, None)

    def keep_only(self, names: set[str]) -> None:
        for gone in set(self.seen) - names:
            del self.seen[gone]


def looks_complete(path: Path) -> bool:
    """Whether the file opens as what its content says it is (not cut off mid-copy).

    A copy in progress may already have its full size (Windows preallocates on
    SMB); the formats' trailers are written last, so they tell a finished file.
    Content we do not recognise counts as complete: reading it will say why not.
    """
    from pipeline.read.registry import TNEF_SIGNATURE

    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if not head:
                return False
            size = fh.seek(0, os.SEEK_END)
            if head.startswith(b"%PDF-") or b"%PDF-" in head:
                # The last cross-reference is written before the final %%EOF.
                fh.seek(max(0, size - 2048))
                tail = fh.read()
                eof = tail.rfind(b"%%EOF")
                return eof != -1 and tail.rfind(b"startxref", 0, eof) != -1
            if head.startswith(b"PK\x03\x04"):
                fh.seek(0)
                try:
                    with zipfile.ZipFile(fh) as zf:
                        zf.infolist()
                except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                    return False
                return True
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                return size % 512 == 0  # OLE files are whole sectors
            if head.startswith(TNEF_SIGNATURE):
                return _tnef_complete(fh, size)
            fh.seek(0)
            return _mail_complete(fh, size)
    except OSError:
        return False


def _tnef_complete(fh: BinaryIO, size: int) -> bool:
    """A winmail.dat whose last attribute (level, id, type, 4-byte length, data, checksum)
    ends where the file does: a copy cut short ends inside one."""
    offset = 6  # signature and key
    while offset + 11 <= size:
        fh.seek(offset + 5)
        offset += 11 + int.from_bytes(fh.read(4), "little")
    return offset == size


_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))', re.IGNORECASE)


def _mail_complete(fh: BinaryIO, size: int) -> bool:
    """An e-mail whose top-level MIME multipart has its closing boundary (`--b--`);
    other content counts as complete (reading it says what it is)."""
    from pipeline.read.registry import MAIL_HEAD_BYTES, looks_like_mail

    head = fh.read(MAIL_HEAD_BYTES)
    if not looks_like_mail(head):
        return True
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    m = _BOUNDARY.search(block)
    if m is None:
        return True  # a single-part mail: nothing marks its end
    closing = b"--" + (m.group(1) or m.group(2)) + b"--"
    fh.seek(max(0, size - 64 * 1024))
    return closing in fh.read()


def being_written(path: Path) -> bool:
    """Whether some process on this host has the file open for writing (a copy that
    pauses between chunks): a read lease is refused then. Unknown (another owner's file,
    a network share without leases) counts as not being written."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        return exc.errno in (errno.EAGAIN, errno.EBUSY)
    else:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return False
    finally:
        os.close(fd)


def put_back(claimed: Path, inbox_path: Path) -> Path:
    """A claimed file that changed after the claim goes back where it came from, to be
    taken again once it is complete (never over a file of the same name)."""
    return move_no_overwrite(claimed, inbox_path.parent, inbox_path.name)


# --- odd names and odd files ------------------------------------------------------------

# The claimed part of a name is kept to this many bytes, so that the claim prefix,
# a placement's ` (12)` and a reason file's `.reason.txt` still fit in NAME_MAX (255).
NAME_BYTES = 200


def readable(name: str) -> str:
    """A name as text that can be stored and shown: bytes that are not UTF-8 (kept as
    surrogates by Python's file-system decoding) become `\\xff` escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def short_name(name: str, limit: int = NAME_BYTES) -> str:
    """`name`, or a shortened form of at most `limit` bytes that keeps its extension
    and ends in a hash of the whole name (two long names never shorten alike)."""
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    if len(os.fsencode(ext)) > 16:
        stem, ext = name, ""
    tail = "~" + hashlib.sha256(raw).hexdigest()[:8] + ext
    room = limit - len(os.fsencode(tail))
    return os.fsdecode(_whole_chars(os.fsencode(stem)[:room])) + tail


def _whole_chars(cut: bytes) -> bytes:
    """Drop a UTF-8 sequence cut in half at the end (other bytes stay as they are)."""
    for back in range(1, min(4, len(cut)) + 1):
        b = cut[-back]
        if b & 0xC0 == 0x80:
            continue  # a continuation byte: its lead byte is further back
        if b >= 0xC0 and (2 if b < 0xE0 else 3 if b < 0xF0 else 4) > back:
            return cut[:-back]
        break
    return cut


def kind_of(st: os.stat_result) -> str:
    """"file" for a regular file; otherwise what the entry is (never opened)."""
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "folder"
    return "other"


def entry_sha256(path: Path, kind: str) -> str:
    """The ledger's hash of an entry that is not a regular file: of what it is (and, for
    a link, where it points), never of anything read through it."""
    what = kind.encode()
    if kind == "symlink":
        with contextlib.suppress(OSError):
            what += b"\0" + os.fsencode(os.readlink(path))
    return hashlib.sha256(b"plr-not-a-file\0" + what).hexdigest()


def _unshare(path: Path) -> None:
    """Give a hard-linked claimed file its own inode: a copy replaces the link."""
    tmp = path.with_name(f".{claim_id_of(path)}.unshare.tmp")
    shutil.copy2(path, tmp, follow_symlinks=False)  # its time too: evidence, and the claim
    os.replace(tmp, path)  # check compares size and time


# --- claiming -------------------------------------------------------------------------


def new_claim_id() -> str:
    # The dash keeps the digits apart: an 11-digit run would look like an isikukood
    # to the log redaction.
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S-") + secrets.token_hex(4)


def disk_name(claimed: Path) -> str:
    """The name as it is on disk, without the claim prefix (placements keep its bytes)."""
    name = claimed.name
    return name.split(SEP, 1)[1] if SEP in name else name


def original_name(claimed: Path) -> str:
    """The arrival's name as text for the register, letters and reasons (`readable`)."""
    return readable(disk_name(claimed))


def claim_id_of(claimed: Path) -> str:
    name = claimed.name
    return name.split(SEP, 1)[0] if SEP in name else ""


class Owner:
    """This watcher's own processing folder, locked for as long as the process lives.

    The lock (flock, which NFS clients map to POSIX locks) is how a watcher that
    starts later knows this one is gone and may adopt its unfinished files.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        tag = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.dir = layout.processing / tag
        # Made under a dot name and renamed once locked, so that no other watcher
        # ever sees this folder without its lock and takes it for an orphan.
        staging = layout.processing / f".{tag}"
        staging.mkdir(parents=True, mode=DIR_MODE)
        self._lock_fd = os.open(staging / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(staging, self.dir)

    def claim(self, path: Path) -> Path | None:
        """Move one inbox entry into our folder; None when another watcher was first.

        A name too long for the claim prefix is shortened (the caller records the
        original); a regular file with other hard links is replaced by its own copy."""
        target = self.dir / f"{new_claim_id()}{SEP}{short_name(path.name)}"
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return None
        st = os.lstat(target)
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            _unshare(target)
        return target

    def files(self) -> list[Path]:
        """Claimed entries of every kind (links and FIFOs too: they are quarantined)."""
        return sorted(p for p in self.dir.iterdir() if SEP in p.name and _not_dir(p))

    def adopt_orphans(self) -> list[Path]:
        """Move files of watchers that died (their lock is free) into our folder."""
        adopted: list[Path] = []
        for other in sorted(self.layout.processing.iterdir()):
            if other == self.dir or other.name.startswith(".") or not other.is_dir():
                continue
            with _try_lock(other / ".lock") as free:
                if not free:
                    continue
                try:
                    orphans = sorted(other.iterdir())
                except FileNotFoundError:
                    continue  # another watcher adopted them first
                # A file's work folder (`<claim id>.work`: rendered documents, the mark
                # that they are complete) moves with it, first: without it a re-run would
                # render and publish the documents a second time.
                for f in orphans:
                    if f.is_dir() and f.name.endswith(WORK_SUFFIX):
                        with contextlib.suppress(FileNotFoundError):
                            os.rename(f, self.dir / f.name)
                for f in orphans:
                    if SEP in f.name and _not_dir(f):
                        target = self.dir / f.name
                        with contextlib.suppress(FileNotFoundError):
                            os.rename(f, target)
                            adopted.append(target)
                # The lock file and the empty folder are ours to tidy, not arrived files.
                with contextlib.suppress(OSError):
                    (other / ".lock").unlink()
                with contextlib.suppress(OSError):
                    other.rmdir()  # also when it never had a lock file
        self._tidy_finished_work()
        return adopted

    def _tidy_finished_work(self) -> None:
        """A work folder whose file is gone: a watcher killed after the file was placed
        and before it removed the folder. Nothing will claim it again, so it goes the
        way a finished file's does (`drop_work_dir`)."""
        ids = {claim_id_of(p) for p in self.files()}
        for d in self.dir.iterdir():
            if d.is_dir() and d.name.endswith(WORK_SUFFIX) and (
                    d.name[: -len(WORK_SUFFIX)] not in ids):
                drop_work_dir(d)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if not any(p for p in self.dir.iterdir() if p.name != ".lock"):
                (self.dir / ".lock").unlink()
                self.dir.rmdir()
        with contextlib.suppress(OSError):
            os.close(self._lock_fd)


def drop_work_dir(work_dir: Path) -> None:
    """Remove a work folder whose documents are published: its marks, a temporary file
    `write_atomic` left, the empty folders. A document still in it stays, and so does the
    folder, for a person to look at."""
    with contextlib.suppress(OSError):
        for f in work_dir.iterdir():
            if f.name in (COMPLETE, MANIFEST) or (
                    f.name.startswith(".") and f.name.endswith(".tmp")):
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
    with contextlib.suppress(OSError):
        for sub in work_dir.iterdir():
            sub.rmdir()
        work_dir.rmdir()


def _not_dir(path: Path) -> bool:
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def _try_lock(path: Path) -> Iterator[bool]:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        # No lock file: a folder from a watcher that died while creating it.
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                yield False
                return
            raise
        yield True
    finally:
        os.close(fd)


# --- placing --------------------------------------------------------------------------


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 2
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


def move_no_overwrite(src: Path, folder: Path, name: str) -> Path:
    """Move `src` into `folder` under `name` (or a free variant of it), never overwriting."""
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    while True:
        target = _free_name(folder, name)
        try:
            # link() fails when the target exists, which rename() would silently replace;
            # a symbolic link is moved as itself, never the file it points to.
            os.link(src, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            os.rename(src, target)  # file systems without hard links (some SMB mounts)
            return target
        os.unlink(src)
        return target


def place_archive(layout: Layout, claimed: Path, case_number: str) -> Path:
    return move_no_overwrite(claimed, layout.archive / case_number, disk_name(claimed))


def place_duplicate(layout: Layout, claimed: Path) -> Path:
    return move_no_overwrite(claimed, layout.duplicates, disk_name(claimed))


def place_returned(layout: Layout, claimed: Path) -> Path:
    return move_no_overwrite(claimed, layout.returned, disk_name(claimed))


def place_quarantine(layout: Layout, claimed: Path, reason: str) -> Path:
    """Quarantine with a reason file beside it; putting the file back in inbox/ retries it."""
    target = move_no_overwrite(claimed, layout.quarantine, disk_name(claimed))
    reason_path = target.with_name(target.name + ".reason.txt")
    text = (
        f"Faili {readable(target.name)} ei saanud töödelda.\n\n"
        f"Põhjus: {reason}\n\n"
        f"Aeg: {dt.datetime.now().strftime('%d.%m.%Y %H:%M')}\n\n"
        "Kui põhjus on kõrvaldatud (näiteks fail on parandatud või asendatud), tõsta fail "
        "tagasi kausta inbox/ ja seda töödeldakse uuesti. Seda selgitusfaili ei pea "
        "kaasa tõstma.\n"
    )
    write_atomic(reason_path, text.encode("utf-8"))
    return target


def write_atomic(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file. With
    `sync=False` the caller fsyncs it before anything relies on it."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
