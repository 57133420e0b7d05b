"""Validation rules E01–E11 and W01–W11 (spec: 'Validation').

Pure: a normalised referral (plus what could not be read) in, issues out.
Messages are plain Estonian for the referrer and say how to fix the
problem. They identify a row by its position ("2. laps"), never by a
person's name or isikukood, because the same texts reach the intake ledger
and the office's screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from pipeline.model import isikukood, municipalities, normalize
from pipeline.model.assemble import Assembled
from pipeline.model.issues import Issue, error, warning
from pipeline.model.referral import GROUNDS, SUBSTITUTE_CARE_GROUNDS, Kind, Referral
from pipeline.model.spec import by_key, field_for, fields

# How a row of a repeating group is named in a message ("2. laps").
_ROW_NAMES = {"children": "laps", "caregivers": "vanem või hooldaja", "network": "võrgustiku liige"}
_SECTION_NAMES = {"A": "suunaja andmed", "C": "pere ja võrgustik"}
_SIX_MONTHS = dt.timedelta(days=183)


class SignatureLike(Protocol):
    """What the W09–W11 rules read of a signature (`pipeline.read.signatures.SignatureInfo`)."""

    @property
    def signer(self) -> str | None: ...
    @property
    def valid(self) -> bool: ...
    @property
    def trusted(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...


def _where(key: str) -> str:
    """`children[1].id_code` -> `„Isikukood“ (2. laps)`.

    `Telefon` and `E-post` appear in two sections, so they name theirs.
    """
    spec = field_for(key)
    label = spec.label if spec else key
    if spec and spec.group:
        index = int(key.split("[", 1)[1].split("]", 1)[0])
        return f"„{label}“ ({index + 1}. {_ROW_NAMES[spec.group]})"
    if spec and label in ("Telefon", "E-post"):
        return f"„{label}“ ({_SECTION_NAMES.get(spec.section, spec.section)})"
    return f"„{label}“"


def _row(group: str, index: int) -> str:
    return f"{index + 1}. {_ROW_NAMES[group]}"


def _get(referral: Referral, dotted: str) -> object:
    value: object = referral
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _required(a: Assembled) -> list[Issue]:
    r = a.referral
    out: list[Issue] = []
    for spec in fields():
        if spec.group or not spec.required or spec.kind is Kind.MULTI:
            continue  # groups below; an empty multi group is E05
        if spec.key in a.unreadable:
            continue  # reported as unreadable instead
        if normalize.is_empty(_get(r, spec.key)):
            out.append(
                error("E01", spec.key, f"Väli {_where(spec.key)} on täitmata. Palun täitke see.")
            )
    if not r.children:
        out.append(
            error(
                "E01",
                "children[0].name",
                "Vormil ei ole ühegi lapse andmeid. Palun lisage vähemalt ühe lapse nimi "
                "ning isikukood või sünniaeg.",
            )
        )
    if not r.caregivers:
        out.append(
            error(
                "E01",
                "caregivers[0].name",
                "Vormil ei ole ühtegi vanemat ega hooldajat. Palun lisage vähemalt ühe vanema "
                "või hooldaja nimi ja seos lapsega.",
            )
        )
    for group in ("children", "caregivers", "network"):
        for i, row in enumerate(getattr(r, group)):
            if not row.name:
                out.append(
                    error(
                        "E01",
                        f"{group}[{i}].name",
                        f"Real „{_row(group, i)}“ on andmeid, kuid nimi puudub. "
                        "Palun lisage ees- ja perekonnanimi.",
                    )
                )
    for i, child in enumerate(r.children):
        if (
            not child.id_code
            and child.birth_date is None
            and (f"children[{i}].birth_date" not in a.unreadable)
        ):
            out.append(
                error(
                    "E01",
                    f"children[{i}].id_code",
                    f"{_row('children', i).capitalize()}: isikukood ja sünniaeg on mõlemad "
                    "täitmata. Palun lisage isikukood või, kui seda ei ole, sünniaeg.",
                )
            )
    for key in a.unreadable:
        out.append(
            error(
                "E01",
                key,
                f"Välja {_where(key)} väärtus ei ole loetav kuupäev. Palun kirjutage kuupäev "
                "kujul pp.kk.aaaa, näiteks 05.03.2026.",
            )
        )
    return out


_ID_PROBLEMS = {
    "format": "isikukood peab koosnema 11 numbrist",
    "century": "isikukoodi esimene number peab olema 1–8",
    "date": "isikukoodi numbrid 2–7 peavad olema sünniaeg kujul AAKKPP, "
    "kuid need ei moodusta võimalikku kuupäeva",
    "checksum": "isikukoodi viimane (kontroll-)number ei klapi ülejäänud numbritega, "
    "tõenäoliselt on mõni number valesti kirjutatud",
}


def _children(r: Referral, today: dt.date) -> list[Issue]:
    out: list[Issue] = []
    on_date = r.referral_date or today
    for i, child in enumerate(r.children):
        who = _row("children", i).capitalize()
        born = child.birth_date
        if child.id_code:
            check = isikukood.check(child.id_code)
            if not check.ok:
                out.append(
                    error(
                        "E02",
                        f"children[{i}].id_code",
                        f"{who}: {_ID_PROBLEMS[check.problem or 'format']}. "
                        "Palun kontrollige isikukoodi.",
                    )
                )
            elif born is not None and check.birth_date != born:
                out.append(
                    error(
                        "E03",
                        f"children[{i}].birth_date",
                        f"{who}: isikukoodist tulenev sünniaeg ja vormile kirjutatud sünniaeg "
                        "ei ole samad. Palun kontrollige, kumb on õige, ja parandage teine.",
                    )
                )
        if born is None:
            continue
        if born > today:
            out.append(
                error(
                    "E11",
                    f"children[{i}].birth_date",
                    f"{who}: sünniaeg on tulevikus. Palun kontrollige sünniaega.",
                )
            )
        elif _age(born, on_date) >= 18:
            out.append(
                error(
                    "E04",
                    f"children[{i}].birth_date",
                    f"{who} on suunamise kuupäeval 18-aastane või vanem. Pere lahendusringi "
                    "teenusele suunatakse alaealise lapse peret; palun kontrollige sünniaega "
                    "või jätke täisealine vormilt välja.",
                )
            )
    return out


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _content(r: Referral) -> list[Issue]:
    out: list[Issue] = []
    if not r.grounds:
        out.append(
            error(
                "E05",
                "grounds",
                "Suunamise alus on märkimata. Palun märkige vähemalt üks suunamise alus.",
            )
        )
    sides = (r.factors.development, r.factors.parenting, r.factors.environment)
    if not any(s.risk for s in sides):
        out.append(
            error(
                "E05",
                "factors.development.risk",
                "Ükski riskitegur ei ole kirjeldatud. Palun kirjeldage vähemalt ühel lapse "
                "heaolu kolmnurga küljel (lapse arenguvajadused, vanemlus või pere ja keskkond), "
                "mis lapse heaolu ohustab.",
            )
        )
    if not any(s.protective for s in sides):
        out.append(
            warning(
                "W02",
                "factors.development.protective",
                "Ühtegi kaitsetegurit ei ole kirjeldatud. Koordinaator uurib pere tugevusi "
                "ettevalmistuse käigus.",
            )
        )
    if not r.consent.given:
        out.append(
            error(
                "E06",
                "consent.given",
                "Pere nõusolek ei ole märgitud. Pere saab teenusele suunata ainult tema "
                "nõusolekul: palun küsige perelt nõusolek ja märkige ruut "
                f"„{by_key()['consent.given'].label}“.",
            )
        )
    substitute = [
        label
        for code, label in GROUNDS.items
        if code in r.grounds and code in SUBSTITUTE_CARE_GROUNDS
    ]
    if substitute and not r.guardianship_agreement:
        out.append(
            error(
                "E09",
                "guardianship_agreement",
                f"Suunamise alus „{substitute[0]}“ puudutab asendushooldusel olevat last, "
                "seetõttu peab suunamine olema kooskõlastatud eestkosteasutusega. Palun "
                "kooskõlastage suunamine ja märkige vastav ruut.",
            )
        )
    if r.acute_danger:
        out.append(
            error(
                "E10",
                "acute_danger",
                "Vormil on märgitud, et lapse elu või tervis on vahetus ohus. Sel juhul ei ole "
                "pere lahendusring õige esimene samm: palun tegutsege kohe lastekaitseseaduses "
                "hädaohus oleva lapse kohta sätestatud korras. Pere võib lahendusringi suunata "
                "uuesti, kui vahetu oht on möödas.",
            )
        )
    if "other" in r.problem_areas and not r.problem_other:
        out.append(
            warning(
                "W08",
                "problem_other",
                "Probleemi valdkonnana on märgitud „Muu“, kuid seda ei ole täpsustatud. "
                "Koordinaator täpsustab selle suunajaga.",
            )
        )
    return out


def _contacts(r: Referral) -> list[Issue]:
    out: list[Issue] = []
    if r.referrer.email:
        ok = normalize.email(r.referrer.email)[1]
        if not ok:
            out.append(
                error(
                    "E07",
                    "referrer.email",
                    "Suunaja e-posti aadress ei ole korrektne aadress. Palun kontrollige "
                    "aadressi (näiteks eesnimi.perenimi@vald.ee); sellele aadressile saadame "
                    "kinnituse.",
                )
            )
    if r.referrer.municipality and r.referrer.municipality not in municipalities.names():
        close = municipalities.suggestions(r.referrer.municipality)
        hint = (
            " Kas mõtlesite: " + _or_list(close) + "?"
            if close
            else " Palun kirjutage omavalitsuse nimi, näiteks „Türi vald“ või „Tallinn“."
        )
        out.append(
            error(
                "E08",
                "referrer.municipality",
                f"Kohalikku omavalitsust „{r.referrer.municipality}“ ei ole Eesti 79 "
                f"omavalitsuse hulgas.{hint}",
            )
        )
    phones = [("referrer.phone", r.referrer.phone)]
    phones += [(f"caregivers[{i}].phone", c.phone) for i, c in enumerate(r.caregivers)]
    phones += [(f"network[{i}].phone", n.phone) for i, n in enumerate(r.network)]
    for key, value in phones:
        if value and not normalize.phone(value)[1]:
            out.append(
                warning(
                    "W01",
                    key,
                    f"Telefoninumber väljal {_where(key)} ei ole korrektne number. "
                    "Palun kontrollige numbrit.",
                )
            )
    return out


def _or_list(items: list[str]) -> str:
    quoted = [f"„{x}“" for x in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " või " + quoted[-1]


def _dates(r: Referral, today: dt.date) -> list[Issue]:
    out: list[Issue] = []
    for key, value in (("referral_date", r.referral_date), ("consent.date", r.consent.date)):
        if value is not None and value > today:
            out.append(
                error(
                    "E11",
                    key,
                    f"Välja {_where(key)} kuupäev on tulevikus. Palun kontrollige kuupäeva.",
                )
            )
    given, referred = r.consent.date, r.referral_date
    if given is not None and referred is not None:
        if given > referred:
            out.append(
                warning(
                    "W05",
                    "consent.date",
                    "Nõusolek on antud pärast suunamise kuupäeva. Koordinaator kontrollib, "
                    "et pere nõusolek oli suunamise ajal olemas.",
                )
            )
        elif referred - given > _SIX_MONTHS:
            out.append(
                warning(
                    "W05",
                    "consent.date",
                    "Nõusolek on antud rohkem kui kuus kuud enne suunamist. Koordinaator "
                    "kontrollib, kas pere nõusolek kehtib endiselt.",
                )
            )
    return out


def _soft(r: Referral, sender: str | None) -> list[Issue]:
    out: list[Issue] = []
    if not r.network:
        out.append(
            warning(
                "W03",
                "network",
                "Vormil ei ole ühtegi võrgustiku liiget. Koordinaator aitab perel lähedased "
                "(sugulased, sõbrad, naabrid) üles leida.",
            )
        )
    if r.interpreter_needed:
        out.append(
            warning(
                "W04",
                "interpreter_needed",
                "Pere vajab tõlki: koordinaator peab korraldama kohtumistele tõlgi.",
            )
        )
    if sender and r.referrer.email and sender.strip().lower() != r.referrer.email:
        out.append(
            warning(
                "W06",
                "referrer.email",
                "E-kirja saatja aadress erineb vormil olevast suunaja e-posti aadressist. "
                "Palun veenduge, et vorm tuli suunajalt.",
            )
        )
    if not r.child_views:
        out.append(
            warning(
                "W07",
                "child_views",
                "Lapse arvamus ja soovid on kirjeldamata. Koordinaator küsib lapse arvamust "
                "ettevalmistuse käigus.",
            )
        )
    return out


def validate(assembled: Assembled, *, today: dt.date, sender: str | None = None) -> list[Issue]:
    """Every issue of a referral: errors first, then warnings, each in form order."""
    r = assembled.referral
    issues = (
        _required(assembled)
        + _children(r, today)
        + _content(r)
        + _contacts(r)
        + _dates(r, today)
        + _soft(r, sender)
    )
    order = {f.key: n for n, f in enumerate(fields())}

    def sort_key(i: Issue) -> tuple[bool, int, str]:
        spec = field_for(i.field)
        return (not i.is_error, order.get(spec.key, 999) if spec else 999, i.code)

    return sorted(issues, key=sort_key)


# --- digital signatures (issue 12): W09–W11 ----------------------------------------------------


def _name_tokens(name: str) -> list[str]:
    return sorted(t for t in name.replace("-", " ").casefold().split() if t)


def signature_issues(r: Referral, signatures: Sequence[SignatureLike]) -> list[Issue]:
    """Warnings about the signatures on a form; an unsigned form has none (not an error).

    W09: a signature does not match the bytes (changed after signing);
    W10: no valid signature is by the referrer named on the form;
    W11: a valid signature's certificate does not chain to a trusted authority.
    The messages never name the signer: they reach the ledger and the screens.
    """
    out: list[Issue] = []
    if any(not s.valid for s in signatures):
        out.append(
            warning(
                "W09",
                "source.signatures",
                "Vormi digitaalallkiri ei vasta dokumendile: dokumenti on pärast "
                "allkirjastamist muudetud. Palun küsige suunajalt uuesti allkirjastatud vorm.",
            )
        )
    valid = [s for s in signatures if s.valid]
    referrer = _name_tokens(r.referrer.name or "")
    if valid and referrer and not any(_name_tokens(s.signer or "") == referrer for s in valid):
        out.append(
            warning(
                "W10",
                "referrer.name",
                "Vormi on digitaalselt allkirjastanud keegi teine kui vormil nimetatud "
                "suunaja. Palun veenduge, et suunamine tuli suunajalt.",
            )
        )
    untrusted = [s for s in valid if not s.trusted]
    if untrusted:
        # Revoked, suspended or expired: the authority is known, the certificate was not good.
        lapsed = any(s.reason and ("tühistatud" in s.reason or "ei kehtinud" in s.reason)
                     for s in untrusted)
        out.append(
            warning(
                "W11",
                "source.signatures",
                "Vormi digitaalallkirja sertifikaat oli allkirjastamise ajal tühistatud, "
                "peatatud või aegunud, seega ei ole allkiri kehtiv."
                if lapsed else
                "Vormi digitaalallkirja sertifikaati ei ole väljastanud usaldusväärne "
                "sertifitseerija, seega ei ole allkirjastaja isik kinnitatud.",
            )
        )
    return out


# --- scans read by OCR (issue 13): W12, W13 ---------------------------------------------------
# W09–W11 are taken by the signature checks (issue 12's branch); these follow them.

# A failed check on a scan is most likely a misread: the field goes on the review list too.
_CHECKED = ("E02", "E03", "E07", "E11", "W01")
_REVIEW_TEXT = {
    "low_confidence": "Väli {where} loeti skannitud pildilt ebakindlalt (tuvastuse kindlus "
    "{pct} %). Palun võrrelge väärtust originaaliga ja parandage vajaduse korral.",
    "unsure_box": "Ruudu {where} märge on skannitud pildil ebaselge. Palun kontrollige "
    "originaalist, kas ruut on märgitud.",
    "handwriting": "Väli {where} on täidetud käsitsi ja jäeti lugemata (käekirja ei "
    "oletata). Palun sisestage väärtus originaali järgi.",
    "check_failed": "Välja {where} väärtus ei läbinud kontrolli ja võib olla skannilt "
    "valesti loetud. Palun võrrelge seda originaaliga.",
}


def _scan_where(key: str) -> str:
    """`grounds.kinship_care` -> the box's own label; other keys as `_where` names them."""
    spec = field_for(key)
    if spec is None:
        return f"„{key}“"
    code = key.rsplit(".", 1)[-1]
    label = dict(spec.options).get(code) if spec.options and key != spec.key else None
    return f"„{label}“ („{spec.label}“)" if label else _where(key)


def scan_issues(issues: list[Issue], report: Any, assembled: Assembled) -> list[Issue]:
    """`issues` plus W12 (read from a scan: confirm the values) and one W13 per field to
    check (`report` is a `pipeline.read.scan.ScanReport`; its review list gains the
    fields whose checks failed)."""
    from pipeline.read.scan import Review

    listed = {r.field for r in report.review}
    failed = [i.field for i in issues if i.code in _CHECKED]
    failed += list(assembled.unreadable)  # a date that could not be read as one
    # A caregiver's e-mail address too, not only the referrer's: on a scan a lost `@`
    # reads as a letter ("helju.tammeexample.ee").
    failed += [f"caregivers[{i}].email" for i, c in enumerate(assembled.referral.caregivers)
               if c.email and not normalize.email(c.email)[1]]
    for key in failed:
        if key not in listed:
            listed.add(key)
            report.review.append(Review(key, "check_failed", report.confidence.get(key, 1.0)))
    extra = [
        warning(
            "W12",
            "referral",
            f"Suunamine loeti skannitud või pildistatud vormilt ({report.pages} lk) "
            "tekstituvastusega. Koordinaator peab andmed originaaliga võrdlema ja "
            "kinnitama enne, kui neid kasutatakse.",
        )
    ]
    for r in report.review:
        if r.field == "?":
            continue
        where = _scan_where(r.field)
        extra.append(warning("W13", r.field, _REVIEW_TEXT[r.reason].format(
            where=where, pct=round(100 * r.confidence))))
    order = {f.key: n for n, f in enumerate(fields())}

    def sort_key(i: Issue) -> tuple[bool, int, str]:
        spec = field_for(i.field)
        return (not i.is_error, order.get(spec.key, 999) if spec else 999, i.code)

    return sorted(issues + extra, key=sort_key)
