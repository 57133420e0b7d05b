"""The one description of a referral (spec: shared/spec/referral-form.md).

The pydantic models below are the single source of truth for the referral
form: the form builder, the readers and the validator all walk them through
`pipeline.model.spec`. Each field carries a `Form` marker in its
`Annotated` metadata with the printed Estonian label, the value kind and the
form section; repeating groups carry `Rows`; multi groups name their codes
and labels in `Options`.

These models describe what comes in after normalisation: values that could
not be normalised (an invalid e-mail, an unknown municipality) are kept as the
referrer typed them so that the validator can name them in its message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

FORM_VERSION = "PLR-2026.1"
FORM_TITLE = "Pere lahendusringi teenusele suunamise vorm"


class Kind(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"
    IDCODE = "idcode"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI = "multi"
    MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Form:
    """Form metadata of one field: printed label, kind, section letter."""

    label: str
    kind: Kind
    section: str
    required: bool = False


@dataclass(frozen=True)
class Rows:
    """A repeating group: how many rows the blank form prints."""

    label: str
    rows: int
    section: str


@dataclass(frozen=True)
class Options:
    """Codes of a choice/multi field with their printed labels, in order."""

    items: tuple[tuple[str, str], ...]


SECTIONS: dict[str, str] = {
    "A": "Suunaja andmed",
    "B": "Lapse andmed",
    "C": "Pere ja võrgustik",
    "D": "Suunamise alus ja valdkond",
    "E": "Pere olukord",
    "F": "Kaitse- ja riskitegurid",
    "G": "Lahendusringi küsimus",
    "H": "Nõusolek",
}

GROUNDS = Options(
    (
        ("prevent_separation", "Lapse heaolu tagamine ja perest eraldamise ennetamine"),
        ("kinship_care", "Perest eraldamise korral lähiringist võimaliku hooldaja leidmine"),
        (
            "birth_parent_contact",
            "Asendushooldusel oleva lapse ja bioloogiliste vanemate suhtluse korraldamine",
        ),
        ("other_substitute_care", "Muu asendushooldusel oleva lapse juhtum"),
    )
)
PROBLEM_AREAS = Options(
    (
        ("behaviour", "Lapse käitumis- ja emotsionaalsed probleemid"),
        ("infant_care", "Lapse sünni ja väikelapse hooldamisega seotud riskid"),
        ("family_conflict", "Perekonflikt"),
        ("separation_dispute", "Vanemate lahutus ja vaidlused (elukoht, suhtluskord)"),
        ("foster_adjustment", "Lapse kohanemisraskused kasuperes"),
        ("other", "Muu"),
    )
)
LANGUAGES = Options((("et", "eesti"), ("ru", "vene"), ("en", "inglise"), ("other", "muu")))

SUBSTITUTE_CARE_GROUNDS = frozenset({"birth_parent_contact", "other_substitute_care"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Referrer(_Model):
    name: Annotated[str | None, Form("Suunaja nimi", Kind.TEXT, "A", required=True)] = None
    position: Annotated[str | None, Form("Ametikoht", Kind.TEXT, "A", required=True)] = None
    organisation: Annotated[str | None, Form("Asutus", Kind.TEXT, "A", required=True)] = None
    municipality: Annotated[
        str | None, Form("Kohalik omavalitsus", Kind.MUNICIPALITY, "A", required=True)
    ] = None
    phone: Annotated[str | None, Form("Telefon", Kind.PHONE, "A")] = None
    email: Annotated[str | None, Form("E-post", Kind.EMAIL, "A", required=True)] = None


class Child(_Model):
    name: Annotated[
        str | None, Form("Lapse ees- ja perekonnanimi", Kind.TEXT, "B", required=True)
    ] = None
    id_code: Annotated[str | None, Form("Isikukood", Kind.IDCODE, "B")] = None
    birth_date: Annotated[dt.date | None, Form("Sünniaeg", Kind.DATE, "B")] = None
    lives_with: Annotated[str | None, Form("Kellega laps elab", Kind.TEXT, "B")] = None
    school: Annotated[str | None, Form("Lasteaed / kool", Kind.TEXT, "B")] = None


class Caregiver(_Model):
    name: Annotated[str | None, Form("Vanema / hooldaja nimi", Kind.TEXT, "C", required=True)] = (
        None
    )
    relation: Annotated[str | None, Form("Seos lapsega", Kind.TEXT, "C")] = None
    phone: Annotated[str | None, Form("Telefon", Kind.PHONE, "C")] = None
    email: Annotated[str | None, Form("E-post", Kind.EMAIL, "C")] = None
    address: Annotated[str | None, Form("Aadress", Kind.TEXT, "C")] = None


class NetworkMember(_Model):
    name: Annotated[str | None, Form("Võrgustiku liikme nimi", Kind.TEXT, "C", required=True)] = (
        None
    )
    relation: Annotated[str | None, Form("Seos perega", Kind.TEXT, "C")] = None
    phone: Annotated[str | None, Form("Telefon", Kind.PHONE, "C")] = None


class DevelopmentSide(_Model):
    risk: Annotated[
        str | None, Form("Lapse arenguvajadused – riskitegurid", Kind.LONGTEXT, "F")
    ] = None
    protective: Annotated[
        str | None, Form("Lapse arenguvajadused – kaitsetegurid", Kind.LONGTEXT, "F")
    ] = None


class ParentingSide(_Model):
    risk: Annotated[str | None, Form("Vanemlus – riskitegurid", Kind.LONGTEXT, "F")] = None
    protective: Annotated[str | None, Form("Vanemlus – kaitsetegurid", Kind.LONGTEXT, "F")] = None


class EnvironmentSide(_Model):
    risk: Annotated[str | None, Form("Pere ja keskkond – riskitegurid", Kind.LONGTEXT, "F")] = None
    protective: Annotated[
        str | None, Form("Pere ja keskkond – kaitsetegurid", Kind.LONGTEXT, "F")
    ] = None


class Factors(_Model):
    """The three sides of the child-welfare triangle (lapse heaolu kolmnurk)."""

    development: DevelopmentSide = Field(default_factory=DevelopmentSide)
    parenting: ParentingSide = Field(default_factory=ParentingSide)
    environment: EnvironmentSide = Field(default_factory=EnvironmentSide)


class Consent(_Model):
    given: Annotated[bool, Form("Pere on teenusele suunamisega nõus", Kind.BOOL, "H")] = False
    by: Annotated[str | None, Form("Nõusoleku andja nimi", Kind.TEXT, "H", required=True)] = None
    date: Annotated[dt.date | None, Form("Nõusoleku kuupäev", Kind.DATE, "H", required=True)] = None


class Referral(_Model):
    """A referral as read from a form, normalised (spec: 'Normalised values')."""

    referrer: Referrer = Field(default_factory=Referrer)
    referral_date: Annotated[
        dt.date | None, Form("Suunamise kuupäev", Kind.DATE, "A", required=True)
    ] = None
    guardianship_agreement: Annotated[
        bool, Form("Suunamine on kooskõlastatud eestkosteasutusega", Kind.BOOL, "A")
    ] = False
    children: Annotated[list[Child], Rows("Lapsed", 4, "B")] = Field(default_factory=list)
    child_views: Annotated[str | None, Form("Lapse arvamus ja soovid", Kind.LONGTEXT, "B")] = None
    caregivers: Annotated[list[Caregiver], Rows("Vanemad / hooldajad", 3, "C")] = Field(
        default_factory=list
    )
    family_language: Annotated[str, Form("Pere suhtluskeel", Kind.CHOICE, "C"), LANGUAGES] = "et"
    interpreter_needed: Annotated[bool, Form("Vajab tõlki", Kind.BOOL, "C")] = False
    network: Annotated[list[NetworkMember], Rows("Võrgustik", 8, "C")] = Field(default_factory=list)
    grounds: Annotated[
        list[str], Form("Suunamise alus", Kind.MULTI, "D", required=True), GROUNDS
    ] = Field(default_factory=list)
    problem_areas: Annotated[
        list[str], Form("Probleemi valdkond", Kind.MULTI, "D"), PROBLEM_AREAS
    ] = Field(default_factory=list)
    problem_other: Annotated[str | None, Form("Muu, täpsustage", Kind.TEXT, "D")] = None
    situation: Annotated[
        str | None, Form("Pere olukorra kirjeldus", Kind.LONGTEXT, "E", required=True)
    ] = None
    acute_danger: Annotated[bool, Form("Lapse elu või tervis on vahetus ohus", Kind.BOOL, "E")] = (
        False
    )
    factors: Factors = Field(default_factory=Factors)
    question: Annotated[
        str | None,
        Form("Küsimus, millele pere plaan peab vastama", Kind.LONGTEXT, "G", required=True),
    ] = None
    bottom_lines: Annotated[
        str | None, Form("Tingimused, mis peavad plaanis olema tagatud", Kind.LONGTEXT, "G")
    ] = None
    consent: Consent = Field(default_factory=Consent)
