"""How referrers print values: dates, phones, e-mails, ticks, labels.

Every printed form here must normalise back to the canonical value under the
spec's rules ("Normalised values" in shared/spec/referral-form.md).
"""

from __future__ import annotations

import datetime as dt

MONTHS = ["jaanuar", "veebruar", "märts", "aprill", "mai", "juuni", "juuli", "august",
          "september", "oktoober", "november", "detsember"]


def fmt_date(iso: str | None, style: str) -> str:
    if iso is None:
        return ""
    d = dt.date.fromisoformat(iso)
    if style == "d.m.yyyy":
        return f"{d.day}.{d.month}.{d.year}"
    if style == "dd.mm.yyyy":
        return f"{d:%d.%m.%Y}"
    if style == "dd.mm.yy":
        return f"{d:%d.%m.%y}"
    if style == "iso":
        return d.isoformat()
    if style == "words":
        return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    if style == "Words":
        return f"{d.day}. {MONTHS[d.month - 1].capitalize()} {d.year}"
    raise ValueError(style)


def fmt_phone(e164: str | None, style: str) -> str:
    if e164 is None:
        return ""
    national = e164.removeprefix("+372")
    split = 4 if len(national) == 8 else 3
    spaced = f"{national[:split]} {national[split:]}"
    if style == "e164":
        return e164
    if style == "+372 spaced":
        return f"+372 {spaced}"
    if style == "+372 plain":
        return f"+372 {national}"
    if style == "national":
        return national
    if style == "national spaced":
        return spaced
    raise ValueError(style)


def fmt_email(addr: str | None, style: str) -> str:
    if addr is None:
        return ""
    if style == "lower":
        return addr
    local, domain = addr.split("@")
    if style == "mixed":
        local = ".".join(p.capitalize() for p in local.split("."))
        return f"{local}@{domain}"
    if style == "shouting":
        return f"{local.upper()}@{domain.capitalize()}"
    raise ValueError(style)


BOX = {
    "unicode": ("☒", "☐"),
    "brackets": ("[X]", "[ ]"),
    "x_cell": ("X", ""),
    "jah_ei": ("jah", "ei"),
}


def tick(value: bool, style: str) -> str:
    on, off = BOX[style]
    return on if value else off


# Labels a person retyping the form might use instead of the printed ones.
ABBREVIATIONS = {
    "referrer.municipality": "KOV",
    "referrer.phone": "Tel",
    "referrer.email": "E-mail",
    "caregivers[].phone": "Tel.",
    "caregivers[].email": "E-mail",
    "network[].phone": "Tel",
    "referral_date": "Suunamise kp",
    "children[].school": "Lasteaed/kool",
    "caregivers[].name": "Vanema/hooldaja nimi",
}
TYPOS = {
    "referrer.municipality": "Kohalik omavalitus",
    "children[].name": "Lapse ees ja perekonnanimi",
    "children[].birth_date": "Sünnikuupäev",
    "children[].lives_with": "Kellega laps elab?",
    "child_views": "Lapse arvamused ja soovid",
    "situation": "Pere olukorra kirjedus",
    "question": "Küsimus millele pere plaan peab vastama",
    "factors.parenting.risk": "Vanemlus - riskitegurid",
    "factors.parenting.protective": "Vanemlus - kaitsetegurid",
    "network[].name": "Võrgustikuliikme nimi",
    "referrer.email": "E-posti aadress",
    "consent.by": "Nõusoleku andja",
}
