"""Tesseract 5 through tesserocr: word boxes with confidences, and the page's orientation.

One `Engine` (one loaded Tesseract) reads every page of a file; the
Estonian, English and (when installed) Russian models read together, since
forms mix Estonian labels with Russian names and e-mail addresses. The
language data is Debian's (`tesseract-ocr-est`, `-eng`, `-rus`), found at
`$TESSDATA_PREFIX` or Debian's path.

The mixed reading prefers plain letters where a scan has blurred a mark
(Šmidt -> Smidt, Pärna -> Parna), so each word's marks are counted in its ink
(`images.word_ink`) against what was read; a word that does not match, or was
read poorly, is read again by the Estonian model alone, and what still does
not match is repaired from the ink where the letter is certain and left
doubtful for a person either way (`Engine._refine`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UnreadableFile
from pipeline.read import images

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
    # Each letter with its box (Tesseract's own, approximate), for the ink checks.
    symbols: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)


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
        self._langs = langs
        # Single-line readers for doubtful words, by language string (made lazily), and
        # the page each was given.
        self._line: dict[str, Any] = {}
        self._line_image: dict[str, Any] = {}

    def close(self) -> None:
        self.api.End()
        for api in self._line.values():
            api.End()

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
        words = self._refine(gray, dpi, words)
        _small_capitals(words)
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

    def _refine(self, ocr: Any, dpi: float, words: list[Word]) -> list[Word]:
        """Check each word's small marks against its ink. Scans lose or blur the dots and
        carons first, and the mixed Estonian+English reading prefers the plain letter
        (Šmidt -> Smidt, Pärna -> Parna): a word of letters whose marks do not match its
        ink, or that was read poorly, is read again by the Estonian model alone; when
        that does not match the ink either, the marks the ink shows are put back where
        the letter is certain (a caron can only be on š/ž) and the word is left doubtful,
        for a person to confirm. A dash between digits is told by its length."""
        out: list[Word] = []
        reread: list[Word] = []
        for w in words:
            box = (w.x0, w.y0, w.x1, w.y1)
            if _DIGIT_DASH.search(w.text):
                ink = images.word_ink(ocr, box)
                w.text, sure = _dash(w.text, ink.dashes)
                if not sure:
                    w.conf = min(w.conf, DOUBTFUL)
                out.append(w)
                continue
            if not _is_word(w.text):
                if w.conf < REREAD and _MIXED.search(w.text):
                    # An address, an e-mail, a code: read on the page among its
                    # neighbours, its `@` or full stop may be lost ("heljutammGexample.ee");
                    # read alone as one line, it comes out whole, and surer.
                    again = self._reread(ocr, dpi, w, self._langs)
                    if len(again) == 1 and again[0].conf > w.conf:
                        out.append(again[0])
                        continue
                out.append(w)
                continue
            ink = images.word_ink(ocr, box)
            matches = marks_of(w.text) == len(ink.marks)
            if matches and w.conf >= REREAD:
                out.append(w)
                continue
            again = self._reread(ocr, dpi, w)
            if again and all(_is_word(a.text) for a in again) and all(
                    marks_of(a.text) == len(images.word_ink(ocr, (a.x0, a.y0, a.x1, a.y1)).marks)
                    for a in again) and _better(w, matches, again):
                out.extend(again)
                reread.extend(again)
                continue
            if not matches:
                restored = _restore_marks(w, ink.marks)
                if restored is not None:
                    w.text = restored
                    w.conf = min(w.conf, INKED)
                else:
                    w.conf = min(w.conf, DOUBTFUL)
            out.append(w)
        # A word box Tesseract stretched over its neighbour ("ema" over "ema ja"), read
        # again, brings the neighbour along: the neighbour's own reading then goes.
        return [w for w in out if w in reread or not any(
            r.line == w.line and _overlap(w, r) >= 0.6 for r in reread)]

    def _reread(self, ocr: Any, dpi: float, w: Word, lang: str = "est") -> list[Word]:
        """The word's box read again as one line of text, by the Estonian model alone
        unless `lang` says otherwise."""
        from PIL import Image

        t = self._t
        if lang == "est" and self._langs == "est":
            return []
        api = self._line.get(lang)
        if api is None:
            api = self._line[lang] = t.PyTessBaseAPI(path=self._folder + "/", lang=lang,
                                                     psm=t.PSM.SINGLE_LINE)
        if self._line_image.get(lang) is not ocr:
            api.SetImage(Image.fromarray(ocr))
            api.SetSourceResolution(round(dpi))
            self._line_image[lang] = ocr
        h = w.y1 - w.y0
        pad_x, pad_y = max(3, h // 6), max(3, h // 4)
        height, width = ocr.shape[:2]
        x0, y0 = max(w.x0 - pad_x, 0), max(w.y0 - pad_y, 0)
        x1, y1 = min(w.x1 + pad_x, width), min(w.y1 + pad_y, height)
        api.SetRectangle(x0, y0, x1 - x0, y1 - y0)
        if api.Recognize() is False:
            return []
        it = api.GetIterator()
        found: list[Word] = []
        if it is None:
            return found
        level, sym = t.RIL.WORD, t.RIL.SYMBOL
        current: Word | None = None
        while True:
            if it.IsAtBeginningOf(level):
                try:
                    text = (it.GetUTF8Text(level) or "").strip()
                except RuntimeError:
                    text = ""
                box = it.BoundingBox(level)
                current = None
                if text and box is not None:
                    bx0, by0, bx1, by1 = box
                    current = Word(text, float(it.Confidence(level)), bx0, by0, bx1, by1,
                                   line=w.line, baseline=w.baseline)
                    found.append(current)
            if current is not None:
                current.conf = min(current.conf, float(it.Confidence(sym)))
                sbox = it.BoundingBox(sym)
                if sbox is not None:
                    current.symbols.append((it.GetUTF8Text(sym) or "", tuple(sbox)))
            if not it.Next(sym):
                break
        # The padding may take in a neighbour's edge: only words within this word's box.
        return [a for a in found if w.x0 <= (a.x0 + a.x1) / 2 <= w.x1]

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
                sbox = it.BoundingBox(level)
                if sbox is not None:
                    current.symbols.append((it.GetUTF8Text(level) or "", tuple(sbox)))
                if _diacritic_doubt(it, level):
                    current.conf = min(current.conf, DOUBTFUL)
            if not it.Next(level):
                break


# --- the small marks: what the ink says against what was read ------------------------------------

HANDWRITING_LIKE = 45.0  # a re-reading this poor is no reading
REREAD = 90.0  # a word of letters below this confidence is read again by the Estonian model
INKED = 70.0  # a letter whose mark was restored from the ink: right most often, confirmed always
DASH_SURE = (0.41, 0.46)  # dash ink width / digit height: below a hyphen, above an en dash
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*-?")  # "Õunapuu-" before a line break
_EDGES = ".,;:!?()[]\"'„“”«»*"
_CARON = {"S": "Š", "Z": "Ž", "s": "š", "z": "ž"}
_DOTS = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}
_TILDE = {"o": "õ", "O": "Õ"}
# Letters with `@`, `.` or digits in one token: an e-mail, a web address, a code.
_MIXED = re.compile(r"[^\W\d_].*[@.\d]|[@.\d].*[^\W\d_]")
_DIGIT_DASH = re.compile(r"(?<=\d)[-\u2010-\u2015](?=\d)")


def marks_of(text: str) -> int:
    """How many floating marks the letters of `text` have in print: a dot over i and j,
    two over ä/ö/ü, one (tilde, caron, accent) over õ, š, ž, é."""
    n = 0
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        if parts in ("i", "j"):
            n += 1
        n += sum(2 if m == "\u0308" else 1 for m in parts[1:] if unicodedata.combining(m))
    return n


def _overlap(a: Word, b: Word) -> float:
    """The share of `a`'s box that `b`'s covers."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    area = max((a.x1 - a.x0) * (a.y1 - a.y0), 1)
    return max(w, 0) * max(h, 0) / area


def _plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch) and not ch.isspace())


def _better(w: Word, matches: bool, again: list[Word]) -> bool:
    """Is the Estonian re-reading (which matches the ink) to be taken over `w`? When only
    the marks differ and the first reading did not match the ink, yes; otherwise only
    when it is surer."""
    conf = min(a.conf for a in again)
    same_letters = _plain("".join(a.text for a in again)).lower() == _plain(w.text).lower()
    return (not matches and same_letters and conf >= HANDWRITING_LIKE) or conf > w.conf


def _is_word(text: str) -> bool:
    return bool(_WORD.fullmatch(text.strip(_EDGES)))


def _restore_marks(w: Word, marks: list[tuple[int, int, int, int]]) -> str | None:
    """`w.text` with the marks the ink shows over plain letters put back (Zukovskaja ->
    Žukovskaja: a caron over Z; two dots over a -> ä; one mark over o -> õ), or None when
    the ink does not say which letter, or the letters do not line up with the text."""
    if len(w.symbols) != len(w.text) or not marks:
        return None
    owners: dict[int, int] = {}
    for mx0, _, mx1, _ in marks:
        cx = (mx0 + mx1) / 2
        over = [i for i, (_, b) in enumerate(w.symbols) if b[0] - 1 <= cx <= b[2] + 1]
        if not over:
            return None
        i = min(over, key=lambda i: abs((w.symbols[i][1][0] + w.symbols[i][1][2]) / 2 - cx))
        owners[i] = owners.get(i, 0) + 1
    chars = list(w.text)
    for i, count in owners.items():
        ch = chars[i]
        if marks_of(ch) == count:
            continue
        if marks_of(ch) != 0:
            return None
        new = (_CARON.get(ch) if count == 1 else None) or (
            _TILDE.get(ch) if count == 1 else _DOTS.get(ch) if count == 2 else None)
        if new is None:
            return None
        chars[i] = new
    text = "".join(chars)
    return text if marks_of(text) == len(marks) else None


def _dash(text: str, dashes: list[tuple[int, int]]) -> tuple[str, bool]:
    """A dash between digits as the ink shows it: the hyphen is short, the en dash of a
    range (3–5) about two thirds of a digit's height. (text, whether the ink was clear)."""
    found = _DIGIT_DASH.findall(text)
    if len(dashes) != len(found):
        return text, False
    chars = iter("-" if w / h < DASH_SURE[0] else "\u2013" if w / h > DASH_SURE[1] else ""
                 for w, h in dashes)
    sure = True

    def pick(m: re.Match[str]) -> str:
        nonlocal sure
        ch = next(chars)
        if not ch:
            sure = False
            return m.group(0)
        return ch

    return _DIGIT_DASH.sub(pick, text), sure


def _small_capitals(words: list[Word]) -> None:
    """A word read in capitals whose letters stand no taller than small letters ("onu" alone
    in a table cell, read "ONU": without a line around it o, n, u have no case) is doubtful.
    It is not changed: a label printed small in capitals is the same shape."""
    caps = sorted(b[3] - b[1] for w in words if w.conf >= REREAD and len(w.text) >= 3
                  and w.text[0].isupper() and w.text[1:].islower() and w.symbols
                  for ch, b in w.symbols[:1] if ch.isupper())
    if len(caps) < 5:
        return
    cap = caps[len(caps) // 2]
    for w in words:
        letters = [b[3] - b[1] for ch, b in w.symbols if ch.isalpha()]
        if len(letters) >= 2 and all(ch.isupper() for ch, _ in w.symbols if ch.isalpha()) \
                and sorted(letters)[len(letters) // 2] < 0.85 * cap:
            w.conf = min(w.conf, DOUBTFUL)
