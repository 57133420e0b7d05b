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

import os
import pickle
import resource
import select
import signal
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
        budget = limits.max_zip_uncompressed
        members: dict[str, bytes] = {}
        try:
            for info in infos:
                if info.is_dir():
                    continue
                # Never trust file_size: stream with the remaining total budget.
                body = inflate_member(zf, info, budget)
                budget -= len(body)
                members[info.filename] = body
        except ResourceLimit:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error,
                NotImplementedError, RuntimeError) as exc:
            # RuntimeError: an encrypted zip member; NotImplementedError: odd compression.
            raise UnreadableFile(
                "DOCX-fail on katki või krüpteeritud; palun saatke fail uuesti.",
                code="corrupt",
            ) from exc
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


def _vm_bytes() -> int:
    """This process's current virtual size, so the child's limit is headroom on top of it."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int, wfd: int) -> None:
    payload: tuple[str, Any]
    try:
        limit = _vm_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        payload = ("ok", fn(*args))
    except MemoryError:
        payload = ("memory", None)
    except PipelineError as exc:
        payload = ("pipeline", (type(exc).__name__, exc.message, exc.code, exc.field))
    except BaseException as exc:  # anything else is a broken file
        # Only the class name: a library's message may quote the file's text.
        payload = ("crash", type(exc).__name__)
    try:
        blob = pickle.dumps(payload)
    except Exception:
        blob = pickle.dumps(("crash", "unpicklable result"))
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
    """`fn(*args)` in a forked child with an address-space limit and a timeout.

    A `PipelineError` raised in the child is raised again here; running out of
    memory or time gives `ResourceLimit`, any other crash `UnreadableFile`.
    `fn` and its result must be picklable only as far as the result goes
    (the child is a fork, so `fn` itself is never pickled).
    os.fork rather than multiprocessing: workers that are daemonic processes
    may not start multiprocessing children, but may fork.
    """
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
    if timed_out:
        raise ResourceLimit(
            f"Faili lugemine võttis liiga kaua aega (üle {seconds:g} s); faili ei loeta.",
            code="timeout",
        )
    blob = b"".join(chunks)
    if not blob and os.WIFEXITED(status):
        raise UnreadableFile("Faili ei saa lugeda: see on katki või vigane.", code="corrupt")
    if not blob:
        # Killed by a signal without a word: the allocator gave up under the limit.
        raise ResourceLimit(
            f"Faili lugemiseks kuluks liiga palju mälu (üle {memory_mb} MB); faili ei loeta.",
            code="memory",
        )
    kind, value = pickle.loads(blob)
    if kind == "ok":
        return value  # type: ignore[no-any-return]
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
    from pypdf.generic import DictionaryObject, IndirectObject

    found: set[str] = set()
    try:
        reader = PdfReader(BytesIO(data), strict=False)
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
