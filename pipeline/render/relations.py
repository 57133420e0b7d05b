"""The family's and network's relations to the child, in Russian and English.

Referral forms are filled in Estonian ("ema", "vanaema", "klassijuhataja"); a
letter in Russian or English would otherwise mix in Estonian words. A relation
is matched as a whole, after case and spacing are normalised; several relations
("ema / vanaema") are translated one by one. One not in the vocabulary stays as
written, and `unknown()` names it so that the coordinator can be told.
"""

from __future__ import annotations

import re

# Estonian -> (Russian, English). Genitive forms a referrer often writes
# ("lapse ema", "Jüri vanaema") are reduced to the word itself by `_key`.
VOCABULARY: dict[str, tuple[str, str]] = {
    "ema": ("мать", "mother"),
    "isa": ("отец", "father"),
    "vanem": ("родитель", "parent"),
    "lapsevanem": ("родитель", "parent"),
    "kasuema": ("приёмная мать", "foster mother"),
    "kasuisa": ("приёмный отец", "foster father"),
    "kasuvanem": ("приёмный родитель", "foster parent"),
    "võõrasema": ("мачеха", "stepmother"),
    "võõrasisa": ("отчим", "stepfather"),
    "eestkostja": ("опекун", "guardian"),
    "hooldaja": ("попечитель", "carer"),
    "hoolduspere": ("приёмная семья", "foster family"),
    "vanaema": ("бабушка", "grandmother"),
    "vanaisa": ("дедушка", "grandfather"),
    "vanavanem": ("бабушка или дедушка", "grandparent"),
    "vanavanaema": ("прабабушка", "great-grandmother"),
    "vanavanaisa": ("прадедушка", "great-grandfather"),
    "tädi": ("тётя", "aunt"),
    "onu": ("дядя", "uncle"),
    "õde": ("сестра", "sister"),
    "vend": ("брат", "brother"),
    "poolõde": ("сводная сестра", "half-sister"),
    "poolvend": ("сводный брат", "half-brother"),
    "täditütar": ("двоюродная сестра", "cousin"),
    "tädipoeg": ("двоюродный брат", "cousin"),
    "onutütar": ("двоюродная сестра", "cousin"),
    "onupoeg": ("двоюродный брат", "cousin"),
    "nõbu": ("двоюродный брат или сестра", "cousin"),
    "ristiema": ("крёстная мать", "godmother"),
    "ristiisa": ("крёстный отец", "godfather"),
    "elukaaslane": ("сожитель", "partner"),
    "ema elukaaslane": ("сожитель матери", "mother's partner"),
    "isa elukaaslane": ("сожительница отца", "father's partner"),
    "sugulane": ("родственник", "relative"),
    "pereliige": ("член семьи", "family member"),
    "naaber": ("сосед", "neighbour"),
    "sõber": ("друг", "friend"),
    "sõbranna": ("подруга", "friend"),
    "pere sõber": ("друг семьи", "family friend"),
    "perekonnasõber": ("друг семьи", "family friend"),
    "tugiisik": ("сопровождающее лицо", "support person"),
    "treener": ("тренер", "coach"),
    "klassijuhataja": ("классный руководитель", "class teacher"),
    "õpetaja": ("учитель", "teacher"),
    "rühmaõpetaja": ("воспитатель группы", "kindergarten teacher"),
    "lasteaiaõpetaja": ("воспитатель детского сада", "kindergarten teacher"),
    "sotsiaalpedagoog": ("социальный педагог", "social pedagogue"),
    "koolipsühholoog": ("школьный психолог", "school psychologist"),
    "psühholoog": ("психолог", "psychologist"),
    "eripedagoog": ("специальный педагог", "special needs teacher"),
    "tugispetsialist": ("специалист поддержки", "support specialist"),
    "lastekaitsespetsialist": ("специалист по защите детей", "child protection worker"),
    "lastekaitsetöötaja": ("специалист по защите детей", "child protection worker"),
    "juhtumikorraldaja": ("координатор случая", "case manager"),
    "sotsiaaltöötaja": ("социальный работник", "social worker"),
    "perearst": ("семейный врач", "family doctor"),
    "pereõde": ("семейная медсестра", "family nurse"),
    "kooliõde": ("школьная медсестра", "school nurse"),
    "arst": ("врач", "doctor"),
    "politseinik": ("полицейский", "police officer"),
    "noorsoopolitseinik": ("полицейский по делам молодёжи", "youth police officer"),
    "piirkonnapolitseinik": ("участковый полицейский", "community police officer"),
    "ohvriabitöötaja": ("работник службы помощи жертвам", "victim support worker"),
    "noorsootöötaja": ("работник по делам молодёжи", "youth worker"),
    "pereterapeut": ("семейный терапевт", "family therapist"),
    "kohtutäitur": ("судебный исполнитель", "bailiff"),
}
# Roles the system itself prints as a relation (`participants[].relation` falls back to it).
_LANG_INDEX = {"ru": 0, "en": 1}
_SPLIT = re.compile(r"(\s*[/,;]\s*|\s+ja\s+|\s+või\s+)")


def _key(word: str) -> str:
    key = " ".join(word.split()).casefold()
    if key in VOCABULARY:
        return key
    # "lapse ema", "Jüri vanaema", "ema (Mari)" -> the relation word.
    bare = re.sub(r"\(.*?\)", "", key).strip()
    last = bare.split(" ")[-1] if bare else bare
    return bare if bare in VOCABULARY else last


def _one(word: str, lang: str) -> str | None:
    if not word.strip():
        return word
    found = VOCABULARY.get(_key(word))
    return None if found is None else found[_LANG_INDEX[lang]]


_JOINERS = {"ru": {" ja ": " и ", " või ": " или "}, "en": {" ja ": " and ", " või ": " or "}}


def translate(relation: str, lang: str) -> str:
    """The relation in `lang` (ru, en); Estonian, or an unknown word, as written."""
    if lang not in _LANG_INDEX or not relation.strip():
        return relation
    out: list[str] = []
    for piece in _SPLIT.split(relation.strip()):
        if _SPLIT.fullmatch(piece):
            out.append(_JOINERS[lang].get(f" {piece.strip()} ", piece))
            continue
        word = _one(piece, lang)
        out.append(piece if word is None else word)
    return "".join(out)


def unknown(relation: str | None) -> list[str]:
    """The parts of a relation the vocabulary does not cover (told to the coordinator)."""
    if not relation or not relation.strip():
        return []
    return [p.strip() for p in _SPLIT.split(relation.strip())
            if p.strip() and not _SPLIT.fullmatch(p) and _one(p, "en") is None]
