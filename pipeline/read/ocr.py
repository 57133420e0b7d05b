"""Tesseract 5 through tesserocr: word boxes with confidences, and the page's orientation.

One `Engine` (one loaded Tesseract) reads every page of a file; the
Estonian, English and (when installed) Russian models read together, since
forms mix Estonian labels with Russian names and e-mail addresses. The
language data is Debian's (`tesseract-ocr-est`, `-eng`, `-rus`), found at
`$TESSDATA_PREFIX` or Debian's path.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import UnreadableFile

# Russian (`rus`) is left out by default: it doubles the time per page, and names on
# Estonian forms are written in Latin letters; `PLR_OCR_LANGUAGES=est+eng+rus` adds it.
LANGUAGES = ("est", "eng")
_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)


DOUBTFUL = 60.0  # a letter whose diacritic Tesseract itself was unsure of (S or Š)


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[:1].lower()


def _diacritic_doubt(it: Any, level: Any) -> bool:
    """Did Tesseract weigh the same letter with another diacritic (S/Š, U/Ü, O/Õ/Ö)?
    Scans lose the small marks first, so such a letter may be the other one."""
    try:
        chosen = it.GetUTF8Text(level) or ""
        alternatives = [c.GetUTF8Text() or "" for c in it.GetChoiceIterator()]
    except RuntimeError:
        return False
    if len(chosen) != 1:
        return False
    return any(len(a) == 1 and a != chosen and a.lower() != chosen.lower()
               and _base(a) == _base(chosen) for a in alternatives)


@dataclass
class Word:
    """One recognised word, in page pixels; `line` numbers the text line it is on."""

    text: str
    conf: float  # 0–100, Tesseract's word confidence
    x0: int
    y0: int
    x1: int
    y1: int
    line: int
    baseline: float  # y of the line's baseline at the word


@dataclass
class TextLine:
    number: int
    x0: int
    y0: int
    x1: int
    y1: int
    baseline: float


def tessdata() -> tuple[str, str]:
    """(tessdata folder, language string) or `UnreadableFile` when OCR is not installed."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA]
    for folder in candidates:
        if folder and (Path(folder) / "est.traineddata").is_file():
            wanted = os.environ.get("PLR_OCR_LANGUAGES", "+".join(LANGUAGES)).split("+")
            langs = [la for la in wanted if (Path(folder) / f"{la}.traineddata").is_file()]
            return folder, "+".join(langs)
    raise UnreadableFile(
        "Skannitud vormi ei saa lugeda: tekstituvastus (Tesseract, eesti keele andmed) ei ole "
        "paigaldatud. Palun sisestage vorm käsitsi või paigaldage tesseract-ocr-est.",
        code="ocr_unavailable",
    )


def preload() -> None:
    """Load tesserocr before the reader forks, with one OpenMP thread: the child is
    limited in memory, and the machine's cores belong to the other workers too."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tesserocr  # noqa: F401


class Engine:
    """A Tesseract instance for one file's pages (closed with `close`)."""

    def __init__(self) -> None:
        import tesserocr

        folder, langs = tessdata()
        self._t = tesserocr
        self.api = tesserocr.PyTessBaseAPI(path=folder + "/", lang=langs,
                                           psm=tesserocr.PSM.AUTO)
        self._folder = folder

    def close(self) -> None:
        self.api.End()

    def words(self, gray: Any, dpi: float) -> tuple[list[Word], list[TextLine]]:
        from PIL import Image

        t = self._t
        self.api.SetImage(Image.fromarray(gray))
        self.api.SetSourceResolution(round(dpi))
        self.api.Recognize()
        words: list[Word] = []
        lines: list[TextLine] = []
        it = self.api.GetIterator()
        if it is None:
            return words, lines
        level_line, level_word = t.RIL.TEXTLINE, t.RIL.WORD
        line_no = -1
        line: TextLine | None = None
        while True:
            if it.IsAtBeginningOf(level_line):
                box = it.BoundingBox(level_line)
                base = it.Baseline(level_line)
                if box is not None:
                    line_no += 1
                    y = float(base[0][1]) if base else float(box[3])
                    x0, y0, x1, y1 = box
                    line = TextLine(line_no, x0, y0, x1, y1, baseline=y)
                    lines.append(line)
            try:
                text = it.GetUTF8Text(level_word)
            except RuntimeError:  # an empty block (a picture) has no words
                text = ""
            box = it.BoundingBox(level_word)
            if text and text.strip() and box is not None and line is not None:
                x0, y0, x1, y1 = box
                words.append(Word(text.strip(), float(it.Confidence(level_word)), x0, y0, x1,
                                  y1, line=line.number, baseline=line.baseline))
            if not it.Next(level_word):
                break
        self._letters(words)
        return words, lines

    def lone_marks(self, ocr: Any, words: list[Word], lines: list[TextLine]) -> list[Word]:
        """Letter-sized ink that page segmentation passed over (a lone `X` typed in a table
        cell, the usual tick of a retyped form), each read as one character."""
        import cv2
        from PIL import Image

        t = self._t
        if not lines:
            return []
        heights = sorted(ln.y1 - ln.y0 for ln in lines)
        text_h = heights[len(heights) // 2]
        n, _, stats, _ = cv2.connectedComponentsWithStats(255 - ocr, connectivity=8)
        found: list[Word] = []
        api = self._t.PyTessBaseAPI(path=self._folder + "/", lang="eng",
                                    psm=t.PSM.SINGLE_CHAR)
        try:
            for i in range(1, n):
                x, y, w, h, _ = (int(v) for v in stats[i])
                if not (0.5 * text_h <= h <= 1.5 * text_h and 0.3 * text_h <= w <= 1.5 * text_h):
                    continue
                if any(wd.x0 - 2 <= x + w / 2 <= wd.x1 + 2 and wd.y0 - 2 <= y + h / 2 <= wd.y1 + 2
                       for wd in words):
                    continue
                pad = max(4, h // 2)
                crop = ocr[max(y - pad, 0):y + h + pad, max(x - pad, 0):x + w + pad]
                api.SetImage(Image.fromarray(crop))
                text = (api.GetUTF8Text() or "").strip()
                conf = float(api.MeanTextConf())
                if text.upper() == "X" and conf >= 50:
                    found.append(Word("X", conf, x, y, x + w, y + h, line=-1 - len(found),
                                      baseline=float(y + h)))
                if len(found) > 60:
                    break
        finally:
            api.End()
        return found

    def _letters(self, words: list[Word]) -> None:
        """A word is as sure as its least sure letter: `Smidt` read with a doubtful `S`
        (for `Š`) must not pass on the word's good average."""
        t = self._t
        it = self.api.GetIterator()
        if it is None:
            return
        by_box = {(w.x0, w.y0, w.x1, w.y1): w for w in words}
        level = t.RIL.SYMBOL
        current: Word | None = None
        while True:
            if it.IsAtBeginningOf(t.RIL.WORD):
                box = it.BoundingBox(t.RIL.WORD)
                current = by_box.get(tuple(box)) if box is not None else None
            if current is not None:
                current.conf = min(current.conf, float(it.Confidence(level)))
                if _diacritic_doubt(it, level):
                    current.conf = min(current.conf, DOUBTFUL)
            if not it.Next(level):
                break
