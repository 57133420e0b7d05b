"""Tesseract 5 through tesserocr: word boxes with confidences, and the page's orientation.

One `Engine` (one loaded Tesseract) reads every page of a file; the
Estonian, English and (when installed) Russian models read together, since
forms mix Estonian labels with Russian names and e-mail addresses. The
language data is Debian's (`tesseract-ocr-est`, `-eng`, `-rus`), found at
`$TESSDATA_PREFIX` or Debian's path.
"""

from __future__ import annotations

import os
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
            if not it.Next(level):
                break
