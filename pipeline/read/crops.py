"""Image crops of the values a person must check on a scan, cut from the straightened
pages while they are in memory (in the reader's child): the chosen turn and deskew of
each page are not kept, so the archived original cannot be cut the same way later."""

from __future__ import annotations

from typing import Any

MAX_WIDTH = 800  # px of a crop as stored (the page is read at up to 300 dpi)
SIDE = 400  # px of context left and right of the word (3.4 cm at 300 dpi)


def crop_png(gray: Any, box: tuple[int, int, int, int]) -> bytes | None:
    """The band of the page around `box` (x0, y0, x1, y1 in px) as a grey JPEG (a PNG of
    a speckled scan is five times larger; these are kept in the register)."""
    import cv2

    h, w = gray.shape[:2]
    x0, y0, x1, y1 = box
    line = max(y1 - y0, 12)
    # A value may run on below its worst word (an address on two lines in a table cell).
    top, bottom = max(0, y0 - round(1.5 * line)), min(h, y1 + round(2.5 * line))
    left, right = max(0, x0 - SIDE), min(w, x1 + SIDE)
    if bottom <= top or right <= left:
        return None
    part = gray[top:bottom, left:right]
    if part.shape[1] > MAX_WIDTH:
        f = MAX_WIDTH / part.shape[1]
        part = cv2.resize(part, (MAX_WIDTH, max(1, round(part.shape[0] * f))),
                          interpolation=cv2.INTER_AREA)
    ok, jpg = cv2.imencode(".jpg", part, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return bytes(jpg) if ok else None


def review_crops(pages: list[Any], review: list[Any]) -> list[bytes | None]:
    """One crop per review entry (`scan.Review`) that names a page and a box."""
    out: list[bytes | None] = []
    for r in review:
        page, box = getattr(r, "page", None), getattr(r, "box", None)
        if isinstance(page, int) and box is not None and 0 <= page < len(pages):
            out.append(crop_png(pages[page], tuple(box)))
        else:
            out.append(None)
    return out
