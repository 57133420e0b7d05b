"""Scanned and photographed referral forms: OCR words -> the printed-PDF reader.

The printed-PDF reader (`pdf_layout.pdf_blocks` + `labels.parse_blocks`)
already knows the form: tables from their rulings, paragraphs from wrapped
lines, labels and their values, ticked boxes. So a scanned page is turned
into what that reader reads: a PDF page of the same size with the page's
rulings and bars drawn as vector lines, each OCR word placed as text over
its box (stretched to the box's width) and each check box as `☒`/`☐` by
the ink inside it. One description of the form drives every format.

Honesty about what was read: each value's confidence is the lowest OCR
confidence among the words it is made of (a word that occurs several times
on the page counts with its median reading); an unsure box is found by reading the
page again with that box flipped and seeing which key changes; a value whose
words are mostly unreadable ink (handwriting) is left empty. All of it goes
into `ScanReport`, which `extract` turns into the W12/W13 warnings.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.config import Limits
from pipeline.errors import NotAReferral, UnreadableFile
from pipeline.model import municipalities
from pipeline.model.assemble import RawValue
from pipeline.read import images, safety
from pipeline.read.base import ReadResult
from pipeline.read.ocr import Engine, TextLine, Word

METHOD = "ocr"
LOW_CONFIDENCE = 0.80  # a value below this goes to the coordinator to confirm
HANDWRITING = 45.0  # words below this OCR confidence are ink that could not be read
PDF_DPI = 300  # an image-only PDF page is rendered at this resolution
MAX_FLIPS = 8  # unsure boxes traced to their field, beyond this listed without one
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
_ON, _OFF = "☒", "☐"
_PUNCT = ".,;:!?()[]\"'„“”«»"
_MARKS = {"x", "jah", "ei", "☒", "☑", "✓", "✔"}
# A lone capital before a word in small letters ("J üri", "Š midt"): one name the printer
# spaced out after its first letter; initials are written with a full stop.
_AS_DIGIT = str.maketrans("OoDQlI|iSsB", "00001111558")
# Digits a scan's OCR confuses with one another (blurred strokes, broken loops).
_DIGIT_LOOKALIKE = {"0": "86", "1": "7", "3": "8", "5": "6", "6": "508", "7": "1",
                    "8": "3609", "9": "8"}
REPAIRED = 0.6  # put right by a checksum or a closed list: likely, but a person confirms it
_SPLIT_NAME = re.compile(r"(?<!\S)([A-ZÕÄÖÜŠŽ]) (?=[a-zõäöüšž]{2})")


@dataclass
class Review:
    """A value a person must check against the scan: why, how sure, and where it is."""

    field: str
    reason: str  # "low_confidence" | "unsure_box" | "handwriting" | "check_failed"
    confidence: float
    page: int | None = None
    box: tuple[int, int, int, int] | None = None  # px on the straightened page


@dataclass
class ScanReport:
    pages: int
    confidence: dict[str, float] = field(default_factory=dict)  # raw key -> 0..1
    review: list[Review] = field(default_factory=list)
    seconds: float = 0.0
    ocr_seconds: float = 0.0
    crops: list[bytes | None] = field(default_factory=list)  # JPEG per review entry (crops.py)


@dataclass
class _Read:
    """One page after OCR."""

    page: images.Page
    words: list[Word]
    lines: list[TextLine]


# --- the synthetic text-layer PDF ---------------------------------------------------------------


@cache
def _font() -> tuple[str, bool]:
    """A font with Estonian, Russian and box glyphs (DejaVu), else reportlab's Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in _FONTS:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("PlrScan", path))
            return "PlrScan", True
    return "Helvetica", False


def _size(line: TextLine, median_h: float) -> float:
    """A line's font size in px from its box: ascender to descender is ~1.2 em."""
    h = float(line.y1 - line.y0)
    descends = line.y1 - line.baseline > 0.12 * h
    size = h / (1.17 if descends else 0.93)
    return min(max(size, 0.7 * median_h), 1.6 * median_h)


def _printed_hints_out(words: list[Word]) -> list[Word]:
    """The form's printed date hint (`pp.kk.aaaa`) beside a date is not part of it."""
    from pipeline.forms_build.layout import DATE_HINT

    return [w for w in words if _clean(w.text) != DATE_HINT]


def _glued(words: list[Word]) -> list[Word]:
    """Tesseract splits an e-mail address at its `@` (`mari @vald.ee`): join it back."""
    out: list[Word] = []
    for w in words:
        if out and out[-1].line == w.line and (w.text.startswith("@") or out[-1].text.endswith(
                "@")) and w.x0 - out[-1].x1 < 3 * (w.y1 - w.y0):
            p = out[-1]
            out[-1] = Word(p.text + w.text, min(p.conf, w.conf), p.x0, min(p.y0, w.y0), w.x1,
                           max(p.y1, w.y1), p.line, p.baseline)
        else:
            out.append(w)
    return out


def text_layer_pdf(reads: list[_Read], flip: int | None = None,
                   drop: set[tuple[int, int]] | None = None) -> bytes:
    """A PDF that the printed-PDF reader reads like the scanned pages (see module doc).

    `flip` is the (page-wide) index of a check box drawn the other way round;
    `drop` are (page, word index) pairs left out.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font, has_boxes = _font()
    out = io.BytesIO()
    canvas = Canvas(out)
    box_no = 0
    for pno, r in enumerate(reads):
        page = r.page
        k = 72.0 / page.dpi  # px -> pt
        h_px, w_px = page.gray.shape
        height = h_px * k
        canvas.setPageSize((w_px * k, height))
        canvas.setLineWidth(0.5)
        for ru in page.rulings:
            if ru.bar:
                canvas.rect(ru.x0 * k, height - ru.y1 * k, (ru.x1 - ru.x0) * k,
                            (ru.y1 - ru.y0) * k, stroke=1, fill=0)
            elif ru.x1 - ru.x0 >= ru.y1 - ru.y0:
                y = height - (ru.y0 + ru.y1) / 2 * k
                canvas.line(ru.x0 * k, y, ru.x1 * k, y)
            else:
                x = (ru.x0 + ru.x1) / 2 * k
                canvas.line(x, height - ru.y0 * k, x, height - ru.y1 * k)
        heights = sorted(ln.y1 - ln.y0 for ln in r.lines) or [20]
        median_h = float(heights[len(heights) // 2])
        sizes = {ln.number: _size(ln, median_h) for ln in r.lines}
        for i, w in enumerate(r.words):
            if drop and (pno, i) in drop:
                continue
            size = sizes.get(w.line, median_h) * k
            natural = stringWidth(w.text, font, size)
            if natural <= 0:
                continue
            width = (w.x1 - w.x0) * k
            nxt = r.words[i + 1] if i + 1 < len(r.words) else None
            if nxt is not None and nxt.line == w.line and nxt.x0 > w.x0:
                # Tesseract's word boxes are tight: keep a gap the layout reader takes
                # for a space (it needs 0.2 em, up to 3 pt) between two words.
                gap = max(3.2, 0.3 * size)
                width = max(min(width, (nxt.x0 - w.x0) * k - gap), 0.3 * width)
            text = canvas.beginText()
            text.setFont(font, size)
            text.setHorizScale(max(20.0, min(400.0, 100.0 * width / natural)))
            text.setTextOrigin(w.x0 * k, height - w.baseline * k)
            text.textOut(w.text)
            canvas.drawText(text)
        for b in page.boxes:
            ticked = b.state == "ticked" or (b.state == "unsure" and b.ink >= (
                images.BOX_EMPTY + images.BOX_TICKED) / 2)
            if flip == box_no:
                ticked = not ticked
            box_no += 1
            mark = (_ON if ticked else _OFF) if has_boxes else ("[X]" if ticked else "[ ]")
            # On the baseline of its label's line, so that the reader sees "☒ Perekonflikt".
            label = _line_beside(b, r.words)
            base = label.baseline if label is not None else b.y1 - 0.15 * (b.y1 - b.y0)
            size = (sizes.get(label.line, median_h) if label is not None else b.y1 - b.y0) * k
            canvas.setFont(font, size)
            canvas.drawString(b.x0 * k, height - base * k, mark)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _line_beside(b: images.CheckBox, words: list[Word]) -> Word | None:
    """The first word right of a box on the box's height (its label), if any."""
    mid = (b.y0 + b.y1) / 2
    near = [w for w in words if w.y0 <= mid <= w.y1 and 0 <= w.x0 - b.x1 < 6 * (b.x1 - b.x0)]
    return min(near, key=lambda w: w.x0, default=None)


def _parse(pdf: bytes, limits: Limits, labels: dict[str, str] | None = None
           ) -> dict[str, RawValue]:
    from pipeline.read.labels import parse_blocks
    from pipeline.read.pdf_layout import pdf_blocks

    return parse_blocks(pdf_blocks(pdf, limits), labels)


# --- confidence ---------------------------------------------------------------------------------


def _clean(s: str) -> str:
    return s.strip(_PUNCT).lower()


@dataclass
class _Seen:
    conf: float
    page: int
    word: Word


def _word_index(reads: list[_Read]) -> dict[str, list[_Seen]]:
    idx: dict[str, list[_Seen]] = {}
    for pno, r in enumerate(reads):
        for w in r.words:
            idx.setdefault(_clean(w.text), []).append(_Seen(w.conf, pno, w))
    return idx


def _token_seen(token: str, idx: dict[str, list[_Seen]]) -> list[_Seen]:
    t = _clean(token)
    if t in idx:
        return idx[t]
    # A token joined from words cut at a line end ("mari.tamm@" + "vald.ee").
    return [s for k, seen in idx.items() if len(k) >= 3 and k in t for s in seen]


def _value_confidence(value: str, idx: dict[str, list[_Seen]]) -> tuple[float, float, _Seen | None]:
    """(confidence 0..1, share of unreadable-ink tokens, the worst word seen)."""
    worst: _Seen | None = None
    low = 0
    tokens = [t for t in value.split() if _clean(t)]
    for token in tokens:
        seen = _token_seen(token, idx)
        if not seen:
            return 0.0, 0.0, worst
        # Which occurrence of a repeated word ("ema", "Tamm") this value's is, is not
        # known: the median reading stands for it (the worst one would flag every value
        # with a common word, the best one would hide a doubtful reading).
        ranked = sorted(seen, key=lambda s: s.conf)
        w = ranked[(len(ranked) - 1) // 2]
        if worst is None or w.conf < worst.conf:
            worst = w
        # Unreadable ink only when no reading of the token is good: a name that occurs
        # five times is not handwriting because one of its readings was poor.
        if max(s.conf for s in seen) < HANDWRITING:
            low += 1
    if worst is None:
        return 1.0, 0.0, None
    return worst.conf / 100.0, low / max(len(tokens), 1), worst


def repair_id_code(value: str) -> str | None:
    """An isikukood that fails its check, put right from what scans confuse: letters read
    for digits (O for 0, l for 1, S for 5, B for 8), or one digit for a look-alike when
    exactly one such change passes the checksum. None when there is no single answer."""
    from pipeline.model import isikukood

    code = value.replace(" ", "").translate(_AS_DIGIT)
    if len(code) != 11 or not code.isdigit() or isikukood.check(value).ok:
        return None
    if isikukood.check(code).ok:
        return code
    found = {code[:i] + alt + code[i + 1:] for i, ch in enumerate(code)
             for alt in _DIGIT_LOOKALIKE.get(ch, "")}
    valid = [c for c in found if isikukood.check(c).ok]
    return valid[0] if len(valid) == 1 else None


def _box_of(seen: _Seen | None) -> tuple[int | None, tuple[int, int, int, int] | None]:
    if seen is None:
        return None, None
    w = seen.word
    return seen.page, (w.x0, w.y0, w.x1, w.y1)


def assess(raw: dict[str, RawValue], reads: list[_Read], limits: Limits,
           report: ScanReport) -> dict[str, RawValue]:
    """Confidence of every read value; unsure boxes traced; handwriting emptied."""
    idx = _word_index(reads)
    for key, value in list(raw.items()):
        texts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        if not texts:
            report.confidence[key] = 1.0  # a tick from a clear box (unsure ones below)
            continue
        confs = [_value_confidence(t, idx) for t in texts]
        conf = min(c for c, _, _ in confs)
        ink = max(s for _, s, _ in confs)
        worst = min((w for _, _, w in confs if w is not None), key=lambda s: s.conf,
                    default=None)
        page, box = _box_of(worst)
        report.confidence[key] = round(conf, 2)
        if key.endswith(("name", ".by")) and isinstance(value, str):  # a person's name
            raw[key] = _SPLIT_NAME.sub(r"\1", value)
        if key.endswith("id_code") and isinstance(value, str) and ink < 0.5:
            repaired = repair_id_code(value)
            if repaired is not None:
                raw[key] = repaired
                conf = min(conf, REPAIRED)
                report.confidence[key] = conf
        if key.endswith("municipality") and isinstance(value, str) and ink < 0.5 and (
                municipalities.canonical(value) is None):
            # A closed list: one name a letter away is what was printed, most likely.
            near = municipalities.nearest(value)
            if near is not None:
                raw[key] = near
                conf = min(conf, REPAIRED)
                report.confidence[key] = conf
        if ink >= 0.5:
            # Mostly ink Tesseract could not read: handwriting, which is not guessed.
            raw[key] = None
            report.confidence[key] = 0.0
            report.review.append(Review(key, "handwriting", round(conf, 2), page, box))
        elif conf < LOW_CONFIDENCE:
            report.review.append(Review(key, "low_confidence", round(conf, 2), page, box))
    all_boxes = [(pno, b) for pno, r in enumerate(reads) for b in r.page.boxes]
    flips = 0
    for n, (pno, b) in enumerate(all_boxes):
        if b.state != "unsure":
            continue
        keys: list[str] = []
        if flips < MAX_FLIPS:
            flips += 1
            try:
                other = _parse(text_layer_pdf(reads, flip=n), limits)
            except UnreadableFile:
                other = {}
            keys = [k for k in set(raw) | set(other)
                    if isinstance(raw.get(k), bool | None) and raw.get(k) != other.get(k)
                    and isinstance(other.get(k), bool | None)]
        for key in sorted(keys) or ["?"]:
            report.confidence[key] = 0.5
            report.review.append(Review(key, "unsure_box", 0.5, pno,
                                        (b.x0, b.y0, b.x1, b.y1)))
    # Typed marks (`[X]`, `X`, `jah`) read with doubt: leave each out, see what changes.
    for pno, r in enumerate(reads):
        for i, w in enumerate(r.words):
            if _clean(w.text).strip("[]|") not in _MARKS or w.conf >= 90 or flips >= MAX_FLIPS:
                continue
            flips += 1
            try:
                other = _parse(text_layer_pdf(reads, drop={(pno, i)}), limits)
            except UnreadableFile:
                continue
            for key in sorted(k for k in set(raw) | set(other)
                              if isinstance(raw.get(k), bool) and raw.get(k) != other.get(k)):
                report.confidence[key] = round(w.conf / 100, 2)
                report.review.append(Review(key, "unsure_box", round(w.conf / 100, 2), pno,
                                            (w.x0, w.y0, w.x1, w.y1)))
    report.review = [r for r in report.review if r.field != "?"] + [
        r for r in report.review if r.field == "?"]
    return raw


# --- the read -------------------------------------------------------------------------------------


UPRIGHT = 70.0  # mean word confidence of a page read the right way up


def _quality(read: _Read) -> float:
    """Mean confidence over words of 3+ letters (noise reads as short junk)."""
    confs = [w.conf for w in read.words if sum(ch.isalnum() for ch in w.text) >= 3]
    return sum(confs) / len(confs) if len(confs) >= 10 else 0.0


def ocr_pages(grays: list[tuple[Any, float | None]], report: ScanReport) -> list[_Read]:
    engine = Engine()
    try:
        reads: list[_Read] = []
        for gray, dpi in grays:
            best: _Read | None = None
            # Upright first; a page read poorly is tried turned (upside down, or a quarter
            # turn when it lies on its side). Cheaper and surer on forms than Tesseract's
            # orientation check, which misjudges pages of boxes and short labels.
            h, w = gray.shape[:2]
            for degrees in (0, 180) if h >= w else (0, 90, 270):
                page = images.straighten(gray, dpi, degrees)
                t = time.monotonic()
                words, lines = engine.words(page.ocr, page.dpi)
                words += engine.lone_marks(page.ocr, words, lines)
                report.ocr_seconds += time.monotonic() - t
                read = _Read(page, _glued(_printed_hints_out(words)), lines)
                if best is None or _quality(read) > _quality(best):
                    best = read
                if _quality(best) >= UPRIGHT:
                    break
            assert best is not None
            reads.append(best)
        return reads
    finally:
        engine.close()


def read_scan(grays: list[tuple[Any, float | None]], limits: Limits) -> ReadResult:
    """Straightened, OCR-read pages -> the raw form with its `ScanReport` (in the child)."""
    start = time.monotonic()
    report = ScanReport(pages=len(grays))
    reads = ocr_pages(grays, report)
    if not any(r.words for r in reads):
        raise NotAReferral(
            "Pildilt ei leitud teksti: see ei paista olevat suunamisvorm.", code="not_a_referral"
        )
    try:
        labels: dict[str, str] = {}  # the OCR words go through the same label parser
        raw = _parse(text_layer_pdf(reads), limits, labels)
    except UnreadableFile:  # no form fields, or too little text (the layer is ours, not a PDF's)
        raise NotAReferral(
            "Skannitud pildilt ei leitud suunamisvormi välju: see ei paista olevat pere "
            "lahendusringi suunamisvorm või on pilt loetamatu.",
        ) from None
    raw = assess(raw, reads, limits, report)
    from pipeline.read.crops import review_crops

    report.crops = review_crops([r.page.gray for r in reads], report.review)
    report.seconds = time.monotonic() - start
    return ReadResult(raw=raw, method=METHOD, scan=report, labels=labels)


def read_pdf_pages(data: bytes, pages: list[int], limits: Limits) -> ReadResult:
    """The image-only pages of a PDF, OCR-read (called in the PDF reader's child)."""
    from pipeline.read import ocr

    ocr.preload()  # one OpenMP thread, set before Tesseract loads
    grays: list[tuple[Any, float | None]] = [
        (g, float(PDF_DPI)) for g in images.render_pdf_pages(data, pages, PDF_DPI)]
    return read_scan(grays, limits)


def image_only_pages(reader: Any, min_chars: int) -> list[int]:
    """Pages of an opened `pypdf` reader with an image and (almost) no text layer."""
    out: list[int] = []
    for i, page in enumerate(reader.pages):
        try:
            res = page.get("/Resources")
            xobjects = res.get_object().get("/XObject") if res is not None else None
            if not xobjects or not any(str(x.get_object().get("/Subtype")) == "/Image"
                                       for x in xobjects.get_object().values()):
                continue  # no picture on it: not a scan (the text reader decides)
            text = page.extract_text() or ""
        except Exception:  # a broken page: the text reader will say so
            continue
        if len(re.sub(r"\s", "", text)) < min_chars:
            out.append(i)
    return out


def _read_image(data: bytes, limits: Limits) -> ReadResult:
    return read_scan(images.load_image(data), limits)


def preload() -> None:
    """Import the heavy libraries before forking, so that no child pays for it."""
    import cv2  # noqa: F401
    import numpy  # noqa: F401
    import PIL.Image  # noqa: F401
    import pypdfium2  # noqa: F401

    import pipeline.read.labels
    import pipeline.read.pdf_layout  # noqa: F401
    from pipeline.read import ocr

    ocr.preload()
    _font()


class ImageReader:
    """`Reader` for photos and scans saved as images (JPEG, PNG, TIFF, HEIC)."""

    def read(self, data: bytes, limits: Limits) -> ReadResult:
        preload()
        return safety.run_limited(
            _read_image, data, limits, seconds=limits.read_seconds,
            memory_mb=limits.read_memory_mb,
        )


def report_json(report: ScanReport) -> dict[str, Any]:
    """The `ocr` object of `plr extract --json`: confidences and what to confirm."""
    return {
        "pages": report.pages,
        "seconds": round(report.seconds, 2),
        "confidence": dict(sorted(report.confidence.items())),
        "review": [
            {"field": r.field, "reason": r.reason, "confidence": r.confidence,
             "page": r.page, "box": list(r.box) if r.box else None}
            for r in report.review
        ],
    }

