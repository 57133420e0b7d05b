"""Hostile-file safety: bounded unpacking of DOCX zips, PDF screening, child processes.

Every check raises `UnreadableFile` (broken) or `ResourceLimit` (too big, too
slow) with a plain Estonian message and a stable code. Messages name sizes and
limits only, never anything read from the file, so nothing personal can leak.

The libraries we read with trust their input: python-docx inflates whole zip
members, pdfminer inflates streams without a limit. So every DOCX is inflated
here first, entry by entry with a byte budget (declared sizes can lie), and
every PDF's Flate streams are inflated and counted here before pdfplumber sees
them. `run_limited` adds a last line of defence: a forked child with an
address-space limit and a wall-clock timeout.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import re
import resource
import select
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from typing import Any, ParamSpec, TypeVar

from pipeline import logging as log
from pipeline.config import Limits
from pipeline.errors import NotAReferral, PipelineError, ResourceLimit, UnreadableFile

P = ParamSpec("P")
R = TypeVar("R")

_CHUNK = 64 * 1024


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


# --- DOCX (zip) -----------------------------------------------------------------------------


def inflate_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
                   too_big: Callable[[int], ResourceLimit] | None = None) -> bytes:
    """One zip member's bytes, stopping as soon as more than `budget` bytes come out
    (`too_big(budget)` names the container in the error; a DOCX by default)."""
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > budget:
                if too_big is not None:
                    raise too_big(budget)
                raise ResourceLimit(
                    "DOCX-faili sisu on lahtipakituna lubatust suurem "
                    f"(üle {_mb(budget)}); faili ei loeta.",
                    code="zip_bomb",
                )
    return bytes(out)


def inflate_members(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], budget: int, *,
                    corrupt: str,
                    too_big: Callable[[int], ResourceLimit] | None = None) -> dict[str, bytes]:
    """Every file member by name, all of them within one `budget` of inflated bytes (a
    member's declared size can lie, so it is never trusted). A damaged, encrypted or oddly
    compressed member raises `UnreadableFile` with the message `corrupt`."""
    members: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.is_dir():
                continue
            body = inflate_member(zf, info, budget, too_big)
            budget -= len(body)
            members[info.filename] = body
    except ResourceLimit:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted zip member; NotImplementedError: odd compression.
        raise UnreadableFile(corrupt, code="corrupt") from exc
    return members


def unpack_docx(data: bytes, limits: Limits) -> dict[str, bytes]:
    """Every member of a DOCX zip, inflated within `limits`; raises on bombs and damage.

    The result is what a reader may parse; python-docx opens the same bytes
    only after this returned, so it never inflates more than we counted.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            "DOCX-fail on katki (ZIP-struktuur puudub või on poolik); palun saatke fail uuesti.",
            code="corrupt",
        ) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise ResourceLimit(
                f"DOCX-failis on liiga palju osi ({len(infos)}, lubatud "
                f"{limits.max_zip_entries}); faili ei loeta.",
                code="zip_entries",
            )
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_zip_uncompressed:
            raise ResourceLimit(
                f"DOCX-fail oleks lahtipakituna liiga suur ({_mb(declared)}, lubatud "
                f"{_mb(limits.max_zip_uncompressed)}); faili ei loeta.",
                code="zip_bomb",
            )
        for info in infos:
            # A tiny member may legitimately compress well; only ratios of real size count.
            if info.file_size > 1024 * 1024 and (
                info.file_size > limits.max_zip_ratio * max(info.compress_size, 1)
            ):
                raise ResourceLimit(
                    "DOCX-faili osa pakkimissuhe on kahtlaselt suur "
                    f"(üle {limits.max_zip_ratio}:1); faili ei loeta.",
                    code="zip_bomb",
                )
        members = inflate_members(
            zf, infos, limits.max_zip_uncompressed,
            corrupt="DOCX-fail on katki või krüpteeritud; palun saatke fail uuesti.")
    if "word/document.xml" not in members:
        raise UnreadableFile(
            "Fail ei ole Wordi dokument (word/document.xml puudub).", code="corrupt"
        )
    return members


# --- PDF ------------------------------------------------------------------------------------


_FLATE = ("/FlateDecode", "/Fl")


def _first_filter(stream: Any) -> str | None:
    f = stream.get("/Filter")
    if f is None:
        return None
    f = f.get_object()
    if isinstance(f, list):
        return str(f[0].get_object()) if f else None
    return str(f)


def _inflated_size(raw: bytes, budget: int) -> int:
    """Inflated length of a Flate stream, giving up just past `budget` bytes."""
    d = zlib.decompressobj()
    total = 0
    pos = 0
    try:
        while pos < len(raw) and total <= budget:
            total += len(d.decompress(raw[pos : pos + _CHUNK], budget + 1 - total))
            pos += _CHUNK
            while d.unconsumed_tail and total <= budget:
                total += len(d.decompress(d.unconsumed_tail, budget + 1 - total))
    except zlib.error:
        pass  # a broken stream inflates to nothing here; pdfminer will skip it too
    return total


def screen_pdf(reader: Any, limits: Limits) -> None:
    """Refuse a PDF with too many pages or whose Flate streams inflate past the budget.

    `reader` is an opened (and, if needed, decrypted) `pypdf.PdfReader`.
    """
    from pypdf.generic import IndirectObject, StreamObject

    pages = len(reader.pages)
    if pages > limits.max_pdf_pages:
        raise ResourceLimit(
            f"PDF-failis on liiga palju lehekülgi ({pages}, lubatud {limits.max_pdf_pages}).",
            code="too_many_pages",
        )
    budget = limits.max_pdf_stream_bytes
    seen = 0
    # Streams are never inside object streams (PDF 1.7, 7.5.7), so the xref table has them all.
    for gen, objs in list(reader.xref.items()):
        for num in list(objs):
            seen += 1
            if seen > 20 * limits.max_zip_entries:
                raise ResourceLimit("PDF-failis on liiga palju objekte.", code="pdf_objects")
            try:
                obj = reader.get_object(IndirectObject(num, gen, reader))
            except Exception:  # a broken object is pdfminer's to skip
                continue
            budget = _charge(obj, budget, limits, StreamObject)


def _charge(obj: Any, budget: int, limits: Limits, stream_type: type) -> int:
    if not isinstance(obj, stream_type):
        return budget
    if _first_filter(obj) not in _FLATE:
        return budget
    raw = getattr(obj, "_data", b"") or b""
    used = _inflated_size(raw, budget)
    if used > budget:
        raise ResourceLimit(
            "PDF-faili sisu on lahtipakituna lubatust suurem "
            f"(üle {_mb(limits.max_pdf_stream_bytes)}); faili ei loeta.",
            code="pdf_bomb",
        )
    return budget - used


# --- child process ----------------------------------------------------------------------------


def _status_bytes(key: str) -> int:
    """A size line of this process's /proc status (`VmSize`, `VmRSS`) in bytes; 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _payload(fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> tuple[str, Any]:
    """Run `fn(*args)` under a soft address-space limit of the current size + `memory_mb`;
    the outcome as (kind, value). The limit is lifted again afterwards (a kept worker sets
    it anew for its next call)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        limit = _status_bytes("VmSize") + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return ("ok", fn(*args))
    except MemoryError:
        return ("memory", None)
    except PipelineError as exc:
        return ("pipeline", (type(exc).__name__, exc.message, exc.code, exc.field))
    except BaseException as exc:  # anything else is a broken file
        # Only the class name: a library's message may quote the file's text.
        return ("crash", type(exc).__name__)
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _pickle_payload(payload: tuple[str, Any]) -> bytes:
    try:
        return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps(("crash", "unpicklable result"))


def _child(fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int, wfd: int) -> None:
    blob = _pickle_payload(_payload(fn, args, memory_mb))
    with os.fdopen(wfd, "wb") as fh:
        fh.write(blob)


_KINDS: dict[str, type[PipelineError]] = {
    "UnreadableFile": UnreadableFile,
    "NotAReferral": NotAReferral,
    "ResourceLimit": ResourceLimit,
}


def run_limited(
    fn: Callable[P, R], *args: Any, seconds: float, memory_mb: int
) -> R:
    """`fn(*args)` in a child process with an address-space limit and a timeout.

    A `PipelineError` raised in the child is raised again here; running out of
    memory or time gives `ResourceLimit`, any other crash `UnreadableFile`.
    The child is a kept worker (`_Worker`, forked once and reused, so that a read
    does not pay for forking a large process) when `fn` and its arguments pickle;
    otherwise, and inside a worker, a fork of its own (`fn` never pickled then).
    os.fork rather than multiprocessing: workers that are daemonic processes
    may not start multiprocessing children, but may fork.
    """
    request = None if _IN_WORKER else _request(fn, args, memory_mb)
    if request is not None and _WORKER_LOCK.acquire(blocking=False):
        try:
            result: R = _decode(_worker().call(request, seconds), seconds, memory_mb)
            return result
        finally:
            _WORKER_LOCK.release()
    result = _decode(_run_forked(fn, args, memory_mb, seconds), seconds, memory_mb)
    return result


def _run_forked(fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int,
                seconds: float) -> tuple[bytes, bool, int]:
    """A fresh fork for one call: (reply, timed out, wait status)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — runs in the child
        os.close(rfd)
        code = 0
        try:
            _child(fn, args, memory_mb, wfd)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(wfd)
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    timed_out = False
    with os.fdopen(rfd, "rb", buffering=0) as fh:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([fh], [], [], left)
            if not ready:
                continue
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return b"".join(chunks), timed_out, status


def _decode(reply: tuple[bytes, bool, int], seconds: float, memory_mb: int) -> Any:
    blob, timed_out, status = reply
    if timed_out:
        raise ResourceLimit(
            f"Faili lugemine võttis liiga kaua aega (üle {seconds:g} s); faili ei loeta.",
            code="timeout",
        )
    if not blob and os.WIFEXITED(status):
        raise UnreadableFile("Faili ei saa lugeda: see on katki või vigane.", code="corrupt")
    # No reply and killed by a signal: the allocator gave up under the limit.
    payload: tuple[str, Any] = pickle.loads(blob) if blob else ("memory", None)
    kind, value = payload
    if kind == "ok":
        return value
    if kind == "memory":
        raise ResourceLimit(
            f"Faili lugemiseks kuluks liiga palju mälu (üle {memory_mb} MB); faili ei loeta.",
            code="memory",
        )
    if kind == "pipeline":
        cls_name, message, code, field = value
        raise _KINDS.get(cls_name, UnreadableFile)(message, code=code, field=field)
    # The class name tells a broken file (a parser's ValueError) from a bug of ours
    # (an ImportError) in the log; it carries no text of the file.
    log.warn("reader_crashed", error=str(value))
    raise UnreadableFile(
        "Faili ei saa lugeda: see on katki või vigane.", code="corrupt"
    )


# --- the kept worker (issue 11) ---------------------------------------------------------------
# Forking the pipeline process (a few hundred MB of libraries) costs 15-25 ms, as much as
# reading a fillable PDF; a kept worker pays it once. The limits hold per call as before:
# before each call the worker sets its address-space limit to its size then plus the call's
# `memory_mb` (a soft limit, so it can set the next call's; only our code calls setrlimit),
# and a call past its time is answered by killing the worker (the next call starts a new
# one). A worker that ran out of memory or crashed, grew by more than `_WORKER_GROWTH`, or served
# `_WORKER_CALLS` calls is retired, so no call inherits a damaged or bloated process.

_WORKER_CALLS = 200
_WORKER_GROWTH = 64 * 1024 * 1024  # resident growth that retires a worker (memory stays flat)
_HEADER = 8  # the length of each message, big-endian
_IN_WORKER = False
_WORKER_LOCK = threading.Lock()  # one call at a time; a second thread forks its own child
_WORKER: _Worker | None = None


def _request(fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> bytes | None:
    """The pickled call, or None when `fn` is not importable by name (a lambda, a closure)."""
    try:
        return pickle.dumps((fn, args, memory_mb), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


def _worker() -> _Worker:
    global _WORKER
    if _WORKER is None or not _WORKER.alive:
        _WORKER = _Worker()
    return _WORKER


def _forget_worker() -> None:
    """In a forked child: the parent's worker is the parent's (its pipes are closed here, so
    that the worker sees end of file when the parent goes, and the child never writes to
    it); the child starts its own when it needs one."""
    global _WORKER
    w, _WORKER = _WORKER, None
    if w is not None and w.alive:  # a retired worker's descriptors are closed (and reused)
        w.alive = False
        for fd in (w._req, w._rep):
            with contextlib.suppress(OSError):
                os.close(fd)


os.register_at_fork(after_in_child=_forget_worker)


def end_worker() -> None:
    """At exit (and when a pool's worker leaves, which skips atexit): the kept worker sees
    end of file and leaves, and is reaped here, so that no orphan outlives its parent and
    its CPU time counts to this process's tree (getrusage)."""
    if _WORKER is not None:
        _WORKER.close(kill=False)


atexit.register(end_worker)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int) -> bytes | None:
    """`n` bytes from a blocking descriptor, or None at end of file."""
    out = bytearray()
    while len(out) < n:
        chunk = os.read(fd, min(n - len(out), 1 << 20))
        if not chunk:
            return None
        out += chunk
    return bytes(out)


class _Worker:
    """A forked process that runs calls sent to it over a pipe, one at a time."""

    def __init__(self) -> None:
        req_r, self._req = os.pipe()
        self._rep, rep_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover — runs in the worker
            code = 0
            try:
                os.close(self._req)
                os.close(self._rep)
                _serve(req_r, rep_w)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(req_r)
        os.close(rep_w)
        self.pid = pid
        self.alive = True

    def call(self, request: bytes, seconds: float) -> tuple[bytes, bool, int]:
        """(reply, timed out, wait status); the status only when the worker ended."""
        deadline = time.monotonic() + seconds
        try:
            _write_all(self._req, len(request).to_bytes(_HEADER, "big") + request)
        except OSError:  # the worker died between calls: one fresh fork answers
            self.close(kill=True)
            fn, args, memory_mb = pickle.loads(request)
            return _run_forked(fn, args, memory_mb, seconds)
        buf = bytearray()
        want = _HEADER
        while len(buf) < want:
            left = deadline - time.monotonic()
            if left <= 0:
                return b"", True, self.close(kill=True)
            ready, _, _ = select.select([self._rep], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._rep, _CHUNK)
            if not chunk:
                return b"", False, self.close(kill=False)
            buf += chunk
            if want == _HEADER and len(buf) >= _HEADER:
                want = _HEADER + int.from_bytes(buf[:_HEADER], "big")
        blob = bytes(buf[_HEADER:want])
        retire, blob = blob[:1] == b"R", blob[1:]
        if retire:
            self.close(kill=False)
        return blob, False, 0

    def close(self, *, kill: bool) -> int:
        """End the worker (SIGKILL, or wait for it to exit) and reap it; its wait status."""
        if not self.alive:
            return 0
        self.alive = False
        for fd in (self._req, self._rep):
            with contextlib.suppress(OSError):
                os.close(fd)
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = 0
        return status


def _serve(req_r: int, rep_w: int) -> None:  # pragma: no cover — runs in the worker
    global _IN_WORKER
    _IN_WORKER = True
    # What the parent holds is never garbage here: kept out of the collector's sight, each
    # full collection walks only what the reads make, and does not copy the shared pages.
    gc.freeze()
    # pdfminer makes an object per glyph and per token: at the default threshold (700) the
    # reads of 300 referrals set off 3,100 young collections and 25 full ones, 2.1 s of the
    # reads' 30 s; at these, 300 and 1, 0.6 s (with the freeze above; issue 11).
    gc.set_threshold(10_000, 10, 10)
    base = 0  # resident size after the first call (the libraries it loaded are no growth)
    for served in range(1, _WORKER_CALLS + 1):
        header = _read_exact(req_r, _HEADER)
        if header is None:
            return  # the parent went away
        body = _read_exact(req_r, int.from_bytes(header, "big"))
        if body is None:
            return
        fn, args, memory_mb = pickle.loads(body)
        payload = _payload(fn, args, memory_mb)
        blob = _pickle_payload(payload)
        retire = (payload[0] in ("memory", "crash") or served == _WORKER_CALLS
                  or (base and _status_bytes("VmRSS") - base > _WORKER_GROWTH))
        base = base or _status_bytes("VmRSS")
        reply = (b"R" if retire else b"K") + blob
        _write_all(rep_w, len(reply).to_bytes(_HEADER, "big") + reply)
        if retire:
            return


# --- active content in a PDF (issue 8) ------------------------------------------------------

# Action types that run something, and keys that carry scripts, files or media.
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "Launch", "/SubmitForm": "SubmitForm",
                   "/ImportData": "ImportData", "/RichMediaExecute": "RichMedia"}
_ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "AA",
                "/EmbeddedFiles": "EmbeddedFile", "/EmbeddedFile": "EmbeddedFile",
                "/RichMedia": "RichMedia", "/XFA": "XFA"}


def pdf_active_content(data: bytes, max_objects: int = 40_000) -> list[str]:
    """The kinds of active content a PDF carries (JavaScript, Launch, automatic actions,
    embedded files, rich media, XFA), found in its objects (object streams included, names
    as pypdf decodes them, so `/J#61vaScript` counts). Nothing is run; [] when unreadable."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data), strict=False)
    except Exception:
        return []
    return active_content_in(reader, data, max_objects)


# Every name the walk below looks for, as it can be written in a file: each character
# plainly or as a #xx escape (`/J#61vaScript`). A key inside a compressed object stream is
# not in the plain bytes at all, so a file with object streams is always walked.


def _spelt(name: str) -> bytes:
    return b"/" + b"".join(
        b"(?:%s|#%s%s)" % (re.escape(c.encode()), f"{ord(c) >> 4:x}".encode(),
                           b"[%s%s]" % (f"{ord(c) & 15:x}".encode(),
                                        f"{ord(c) & 15:X}".encode()))
        for c in name.lstrip("/"))


_ACTIVE_NAME = re.compile(b"|".join(_spelt(n) for n in sorted({*_ACTIVE_KEYS, *_ACTIVE_ACTIONS})))


def _may_carry_active(reader: Any, data: bytes) -> bool:
    """False only when no object can hold an active-content name: none is written in the
    file's bytes (plainly or escaped) and no object lives in an object stream. Most forms
    are like that, and scanning the bytes costs far less than parsing every object (which
    costs about as much as reading the form)."""
    try:
        if getattr(reader, "xref_objStm", None):
            return True
    except Exception:
        return True
    return _ACTIVE_NAME.search(data) is not None


def active_content_in(reader: Any, data: bytes | None = None,
                      max_objects: int = 40_000) -> list[str]:
    """`pdf_active_content` of an opened `pypdf.PdfReader` (of `data`): the PDF reader looks
    in the file it has open, in its child, rather than the parent parsing it a second time.
    With `data`, a file whose bytes cannot carry any active content is not walked at all."""
    from pypdf.generic import DictionaryObject, IndirectObject

    if data is not None and not _may_carry_active(reader, data):
        return []
    found: set[str] = set()
    try:
        refs = [(num, gen) for gen, objs in reader.xref.items() for num in objs]
        refs += [(num, 0) for num in getattr(reader, "xref_objStm", {})]
    except Exception:
        return []
    for num, gen in refs[:max_objects]:
        try:
            obj = reader.get_object(IndirectObject(num, gen, reader))
        except Exception:
            continue
        if not isinstance(obj, DictionaryObject):
            continue
        for key in obj:
            if key in _ACTIVE_KEYS:
                found.add(_ACTIVE_KEYS[key])
        action = obj.get("/S")
        if isinstance(action, str) and action in _ACTIVE_ACTIONS:
            found.add(_ACTIVE_ACTIONS[action])
    return sorted(found)
