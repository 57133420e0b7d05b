"""Scanned and photographed pages: loading, straightening, rulings and check boxes (OpenCV).

A page arrives as an image file (JPEG, PNG, TIFF, HEIC) or as a page of an
image-only PDF. Before OCR it is made to look like a flat scan: a photo's
page edges (when four are found) are warped to an A4 rectangle, uneven light
is divided out, the page is turned (when its reading was poor, see
`scan.ocr_pages`) and deskewed by the angle that makes its text rows and rulings sharpest.

Then the page's drawing is found the way the printed-PDF reader finds it in
vector PDFs: long thin rulings (table borders), dark bars (section headings)
and small squares (check boxes, whose ink inside tells empty / ticked /
unsure). Rulings and boxes are whited out of the image given to Tesseract,
which otherwise reads a box as `O` and a border as `|`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import UnreadableFile

A4_MM = (210.0, 297.0)
PHOTO_WIDTH = 1654  # A4 at 200 dpi: a photo's page is warped to this width
OCR_MAX_DPI = 300  # finer pages are scaled down first: no better reading, much slower
OCR_MIN_DPI = 250  # coarser pages are scaled up to OCR_MAX_DPI
# Ink share inside a check box (its border excluded): below EMPTY it is empty, above
# TICKED it is ticked, between is unsure and goes to a person.
BOX_EMPTY = 0.035
BOX_TICKED = 0.10

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_TIFF = (b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def is_image(head: bytes) -> bool:
    """JPEG, PNG, TIFF or HEIC/HEIF by their magic bytes."""
    if head.startswith((_JPEG, _PNG, *_TIFF)):
        return True
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


@dataclass
class Ruling:
    """A horizontal or vertical border line, or a dark bar (a filled heading), in px."""

    x0: int
    y0: int
    x1: int
    y1: int
    bar: bool = False


@dataclass
class CheckBox:
    x0: int
    y0: int
    x1: int
    y1: int
    ink: float  # share of dark pixels inside the border

    @property
    def state(self) -> str:
        if self.ink < BOX_EMPTY:
            return "empty"
        return "ticked" if self.ink > BOX_TICKED else "unsure"


@dataclass
class Page:
    """One straightened page: the grey image, its resolution and what was drawn on it."""

    gray: Any  # numpy uint8 array, the straightened page
    dpi: float
    ocr: Any = None  # the page with rulings and boxes whited out, for Tesseract
    rulings: list[Ruling] = field(default_factory=list)
    boxes: list[CheckBox] = field(default_factory=list)
    skew: float = 0.0
    warped: bool = False


# --- loading --------------------------------------------------------------------------------


def _pil_open(data: bytes) -> Any:
    from PIL import Image, ImageOps

    if data[4:8] == b"ftyp":
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError as exc:  # pragma: no cover — pillow-heif is a dependency
            raise UnreadableFile(
                "HEIC-pilti ei saa lugeda (tugi puudub); palun saatke foto JPEG-vormingus.",
                code="unsupported_format",
            ) from exc
    Image.MAX_IMAGE_PIXELS = 80_000_000  # a phone photo is 12–50 Mpx; beyond is a bomb
    try:
        img = Image.open(io.BytesIO(data))
        frames = []
        for i in range(min(getattr(img, "n_frames", 1), 50)):  # multi-page TIFF
            img.seek(i)
            frames.append(ImageOps.exif_transpose(img.copy()).convert("L"))
    except Image.DecompressionBombError as exc:
        from pipeline.errors import ResourceLimit

        raise ResourceLimit("Pilt on liiga suur; faili ei loeta.", code="image_bomb") from exc
    except Exception as exc:  # Pillow raises many kinds on broken files
        raise UnreadableFile(
            "Pildifail on katki või vigane; palun saatke fail uuesti.", code="corrupt"
        ) from exc
    return frames


def load_image(data: bytes) -> list[tuple[Any, float | None]]:
    """Grey pages (numpy) of an image file, each with its dpi when the file says it."""
    import numpy as np

    out: list[tuple[Any, float | None]] = []
    for frame in _pil_open(data):
        dpi = frame.info.get("dpi", (None,))[0]
        out.append((np.asarray(frame), float(dpi) if dpi and dpi > 50 else None))
    return out


def render_pdf_pages(data: bytes, pages: list[int], dpi: float) -> list[Any]:
    """Pages of a (scanned) PDF as grey numpy images at `dpi` (PDFium)."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for i in pages:
            page = pdf[i]
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            out.append(np.array(bitmap.to_pil().convert("L")))
            page.close()
        return out
    finally:
        pdf.close()


# --- straightening ----------------------------------------------------------------------------


def _order(pts: Any) -> Any:
    import numpy as np

    pts = pts.reshape(4, 2).astype("float32")
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]],
                    dtype="float32")  # top-left, top-right, bottom-right, bottom-left


def find_page_quad(gray: Any) -> Any | None:
    """The page's four corners in a photo (a light sheet on a darker ground), else None."""
    import cv2
    import numpy as np

    h, w = gray.shape
    scale = 800.0 / max(h, w)
    small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    blur = cv2.GaussianBlur(small, (7, 7), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(biggest)
    frame = small.shape[0] * small.shape[1]
    if not 0.2 * frame < area < 0.97 * frame:
        return None  # no sheet, or the sheet is the whole frame (a scan)
    quad = cv2.approxPolyDP(biggest, 0.02 * cv2.arcLength(biggest, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    x, y, qw, qh = cv2.boundingRect(quad)
    if x <= 2 and y <= 2 and x + qw >= small.shape[1] - 3 and y + qh >= small.shape[0] - 3:
        return None  # the frame's own border
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, quad.reshape(-1, 2), 255)
    sheet, ground = np.median(small[inside > 0]), np.median(small[inside == 0])
    if ground > sheet - 40:
        return None  # white around it too: a table's frame on a scan, not a sheet on a desk
    return _order(quad) / scale


def warp_page(gray: Any, quad: Any) -> Any:
    """The photographed sheet as a flat A4 page, PHOTO_WIDTH px wide."""
    import cv2
    import numpy as np

    height = round(PHOTO_WIDTH * A4_MM[1] / A4_MM[0])
    dst = np.array([[0, 0], [PHOTO_WIDTH - 1, 0], [PHOTO_WIDTH - 1, height - 1],
                    [0, height - 1]], dtype="float32")
    m = cv2.getPerspectiveTransform(quad.astype("float32"), dst)
    return cv2.warpPerspective(gray, m, (PHOTO_WIDTH, height), flags=cv2.INTER_CUBIC,
                               borderValue=255)


def flatten_light(gray: Any) -> Any:
    """Divide out uneven light (a lamp, a shadow): the page's background becomes white."""
    import cv2

    k = max(15, (gray.shape[1] // 40) | 1)
    background = cv2.medianBlur(cv2.dilate(gray, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k // 2 | 1, k // 2 | 1))), k)
    return cv2.divide(gray, background, scale=255)


def _rows_score(binary: Any, angle: float) -> float:
    import cv2
    import numpy as np

    h, w = binary.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def skew_angle(gray: Any, limit: float = 5.0) -> float:
    """The rotation (degrees) that makes text rows and rulings horizontal: the angle whose
    row profile is sharpest, searched coarse then fine on a reduced copy."""
    import cv2

    h, w = gray.shape
    scale = 900.0 / w
    small = cv2.resize(gray, (900, int(h * scale)), interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    best = max((a / 2 for a in range(int(-limit * 2), int(limit * 2) + 1)),
               key=lambda a: _rows_score(binary, a))
    fine = [best + d / 20 for d in range(-10, 11)]
    return max(fine, key=lambda a: _rows_score(binary, a))


def rotate(gray: Any, angle: float) -> Any:
    import cv2

    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def turn(gray: Any, degrees: int) -> Any:
    """Turn by a multiple of 90° (counter-clockwise), as Tesseract's orientation check says."""
    import numpy as np

    return np.ascontiguousarray(np.rot90(gray, k=(degrees // 90) % 4))


def straighten(gray: Any, dpi: float | None, degrees: int = 0) -> Page:
    """A page ready for OCR: warped (photos), lit evenly, turned by `degrees`, deskewed,
    at most 300 dpi."""
    import cv2

    warped = False
    quad = find_page_quad(gray)
    if quad is not None:
        gray, warped, dpi = warp_page(gray, quad), True, None
    h, w = gray.shape
    if dpi is None:  # assume A4, portrait or landscape
        dpi = max(h, w) / (A4_MM[1] / 25.4)
    if dpi > OCR_MAX_DPI or dpi < OCR_MIN_DPI:
        # Tesseract reads best at ~300 dpi: finer is slower for nothing, coarser loses
        # the diacritics (ü, õ, š) that Estonian names depend on.
        f = OCR_MAX_DPI / dpi
        gray = cv2.resize(gray, (round(w * f), round(h * f)),
                          interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        dpi = OCR_MAX_DPI
    gray = flatten_light(gray)
    if degrees:
        gray = turn(gray, degrees)
    angle = skew_angle(gray)
    page = Page(gray=rotate(gray, angle), dpi=dpi, skew=angle, warped=warped)
    find_drawing(page)
    return page


# --- rulings and boxes --------------------------------------------------------------------------


def _binary(gray: Any) -> Any:
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary


def _segments(mask: Any, horizontal: bool, dpi: float) -> list[Ruling]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    thin = max(2, round(0.6 * dpi / 25.4))  # up to 0.6 mm: a border; thicker: a bar
    out: list[Ruling] = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        across = h if horizontal else w
        out.append(Ruling(x, y, x + w, y + h, bar=across > thin))
    return out


def find_drawing(page: Page) -> None:
    """Rulings, bars and check boxes of a straightened page; the OCR copy without them."""
    import cv2
    import numpy as np

    binary = _binary(page.gray)
    mm = page.dpi / 25.4
    # A horizontal ruling is at least 12 mm long; a vertical one 4 mm (one table row:
    # a cell border between a label and its value), longer than any letter's stroke.
    hmask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(10, round(12 * mm)), 1)))
    vmask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, max(8, round(4 * mm)))))
    page.boxes = find_boxes(binary, page.dpi)

    def in_box(r: Ruling) -> bool:  # a check box's own side
        return any(b.x0 - 3 <= r.x0 and r.x1 <= b.x1 + 3 and b.y0 - 3 <= r.y0
                   and r.y1 <= b.y1 + 3 for b in page.boxes)

    page.rulings = _segments(hmask, True, page.dpi) + [
        r for r in _segments(vmask, False, page.dpi) if not r.bar and not in_box(r)]
    # Tesseract gets a clean black-on-white page: a light blur first closes JPEG's
    # ringing around letters, which otherwise eats the dots of ü, ä and ö.
    _, ocr = cv2.threshold(cv2.GaussianBlur(page.gray, (3, 3), 0.8), 0, 255,
                           cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    lines = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((3, 3), np.uint8))
    bars = np.zeros_like(binary)
    for r in page.rulings:
        if r.bar:
            bars[r.y0:r.y1, r.x0:r.x1] = 255
    # Thin rulings go; a bar (a white-on-dark heading) is inverted to dark-on-white.
    ocr[(lines > 0) & (bars == 0)] = 255
    for r in page.rulings:
        if r.bar:
            ocr[r.y0:r.y1, r.x0:r.x1] = 255 - ocr[r.y0:r.y1, r.x0:r.x1]
    pad = max(1, round(0.3 * mm))
    for b in page.boxes:
        ocr[max(b.y0 - pad, 0):b.y1 + pad, max(b.x0 - pad, 0):b.x1 + pad] = 255
    page.ocr = ocr


def find_boxes(binary: Any, dpi: float) -> list[CheckBox]:
    """Square outlines 2.5–7 mm wide, with the share of ink inside each."""
    import cv2

    mm = dpi / 25.4
    lo, hi = 2.5 * mm, 7.0 * mm
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[CheckBox] = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (lo <= w <= hi and lo <= h <= hi and 0.8 <= w / h <= 1.25):
            continue
        approx = cv2.approxPolyDP(c, 0.08 * cv2.arcLength(c, True), True)
        if len(approx) != 4:
            continue
        # A real outline: its border rows and columns are mostly ink.
        edge = max(1, round(0.25 * mm))
        ring = binary[y:y + h, x:x + w]
        top, bottom = ring[:edge].mean() / 255, ring[-edge:].mean() / 255
        left, right = ring[:, :edge].mean() / 255, ring[:, -edge:].mean() / 255
        if min(top, bottom, left, right) < 0.6:
            continue
        inset = max(edge + 1, round(0.18 * w))
        inner = binary[y + inset:y + h - inset, x + inset:x + w - inset]
        if inner.size == 0:
            continue
        box = CheckBox(x, y, x + w, y + h, float(inner.mean() / 255))
        # The outer and inner contour of one outline: keep one.
        if any(abs(b.x0 - box.x0) <= edge * 3 and abs(b.y0 - box.y0) <= edge * 3 for b in found):
            continue
        found.append(box)
    found.sort(key=lambda b: (b.y0, b.x0))
    return found


def is_page_sized(data: bytes) -> bool:
    """Could this image hold a readable form page? (Logos and signatures in e-mails
    are small; a scan or photo of a page is at least 800 px on its shorter side.)"""
    from PIL import Image

    if data[4:8] == b"ftyp":
        return True  # HEIC comes from phone cameras
    try:
        with Image.open(io.BytesIO(data)) as img:
            return min(img.size) >= 800
    except Exception:  # broken: in an e-mail beside a form, most likely a mangled logo
        return False


# --- the small marks of letters -----------------------------------------------------------------


@dataclass
class Ink:
    """A word's ink, from its binarised crop: the marks floating above letters (the dots of
    ä/ö/ü/i, the tilde of õ, the caron of š/ž) and its dashes, in page px."""

    marks: list[tuple[int, int, int, int]]  # x0, y0, x1, y1
    dashes: list[tuple[int, int]]  # (ink width, letter height) of each flat stroke, left first
    height: int  # the word's tallest letter (cap or ascender height)


def word_ink(ocr: Any, box: tuple[int, int, int, int]) -> Ink:
    """The ink of a word box on the OCR page (black on white). A mark is a small blob with a
    letter-sized blob below it; a dash is a flat blob at mid-height with nothing above or
    below. The box is widened upwards a little, since a caron read as nothing may lie
    just outside it."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    h = max(y1 - y0, 1)
    top = max(y0 - h // 4, 0)
    crop = ocr[top:y1 + 1, max(x0 - 1, 0):x1 + 2] < 128
    if crop.size == 0:
        return Ink([], [], 0)
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop.astype(np.uint8), connectivity=8)
    comps = [tuple(int(v) for v in stats[i][:5]) for i in range(1, n)]
    tall = max((c[3] for c in comps), default=0)
    if tall == 0:
        return Ink([], [], 0)
    big = [c for c in comps if c[3] >= 0.45 * tall]
    letter = sorted(b[3] for b in big)[len(big) // 2]  # a digit's height, in "3–5"
    marks: list[tuple[int, int, int, int]] = []
    dashes: list[tuple[int, int, int]] = []
    min_area = max(3.0, 0.008 * tall * tall)
    for x, y, w, hh, area in comps:
        if hh > 0.35 * tall or area < min_area or (y == 0 and top < y0):
            continue  # too big or small for a mark, or a descender of the line above
        below = [b for b in big if b[0] < x + w and x < b[0] + b[2] and b[1] >= y + hh - 1]
        above = [b for b in big if b[0] < x + w and x < b[0] + b[2] and b[1] + b[3] <= y + 1]
        if below:
            ox, oy = max(x0 - 1, 0), top
            marks.append((ox + x, oy + y, ox + x + w, oy + y + hh))
        elif not above and w >= 1.5 * hh and hh <= 0.2 * tall:
            dashes.append((x, w, letter))
    return Ink(marks, [(w, ref) for _, w, ref in sorted(dashes)], tall)
