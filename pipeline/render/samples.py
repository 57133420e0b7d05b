"""Synthetic cases for previews, tests and benchmarks (invented people only).

`sample_case(lang)` builds a whole case around `pipeline.samples.sample_referral()`:
a coordinator, the participants from the form plus the referrer and a teacher,
the conference, the follow-up and an agreed plan. For `ru` and `en` the family
and their plan are written in that language, as such a family would write them.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from pipeline.model.case import (
    ActionPlan,
    Agreement,
    CaseView,
    Coordinator,
    Meeting,
    MeetingKind,
    Participant,
    Role,
    State,
)
from pipeline.model.issues import warning
from pipeline.model.referral import Referral
from pipeline.render.dates import follow_up_date
from pipeline.samples import sample_referral

CONFERENCE_START = dt.datetime(2026, 12, 3, 17, 0)
PLACE = "Türi Kultuurimaja, Viljandi tn 13, Türi, väike saal"

class _Family(TypedDict):
    caregivers: list[tuple[str, str]]
    network: list[tuple[str, str]]
    children: list[str]
    child_views: str
    agreements: list[tuple[str, str, str, str]]
    contingency: str


_FAMILY: dict[str, _Family] = {
    "ru": {
        "caregivers": [("Светлана Иванова", "мать"), ("Галина Петрова", "бабушка")],
        "network": [("Андрей Иванов", "дядя"), ("Ольга Смирнова", "соседка")],
        "children": ["Алиса Иванова", "Юрий Иванов"],
        "child_views": "Алиса хочет, чтобы мама и бабушка не ссорились.\n"
        "Юрий говорит: «Хочу остаться в своей школе & с друзьями».",
        "agreements": [
            ("Юрий каждое утро выходит в школу в 7:40, бабушка провожает его до автобуса.",
             "Галина Петрова", "каждый учебный день", "Светлана Иванова"),
            ("Взрослые не выясняют отношения при детях; если спор начинается, "
             "один из взрослых выходит на улицу.", "Светлана Иванова, Галина Петрова",
             "с 4 декабря", "Андрей Иванов"),
            ("Дядя Андрей забирает детей к себе по субботам.", "Андрей Иванов",
             "каждую субботу", "Светлана Иванова"),
        ],
        "contingency": "Если Юрий пропустит больше двух дней подряд, мама сразу звонит "
        "классному руководителю и координатору.",
    },
    "en": {
        "caregivers": [("Emily Carter", "mother"), ("Margaret Carter", "grandmother")],
        "network": [("Thomas Carter", "uncle"), ("Sarah Hughes", "neighbour")],
        "children": ["Lily Carter", "George Carter"],
        "child_views": "Lily wants Mum and Grandma to stop arguing.\n"
        'George says: "I want to stay at my school & with my friends."',
        "agreements": [
            ("George leaves for school at 7:40 every morning; Grandma walks him to the bus.",
             "Margaret Carter", "every school day", "Emily Carter"),
            ("The adults do not argue in front of the children; if an argument starts, "
             "one of them goes outside.", "Emily Carter, Margaret Carter",
             "from 4 December", "Thomas Carter"),
            ("Uncle Thomas has the children at his place on Saturdays.", "Thomas Carter",
             "every Saturday", "Emily Carter"),
        ],
        "contingency": "If George misses more than two days in a row, Mum calls the class "
        "teacher and the coordinator straight away.",
    },
}
_ET_AGREEMENTS = [
    ("Jüri läheb igal hommikul kell 7.40 kooli; vanaema saadab ta bussini.",
     "Ööbik Šmidt", "iga koolipäev", "Helju Tamm"),
    ('Täiskasvanud ei klaari suhteid laste nähes; kui tüli algab, läheb üks "välja jalutama".',
     "Helju Tamm, Ööbik Šmidt", "alates 4.12.2026", "Toomas Tamm"),
    ("Onu Toomas võtab lapsed laupäeviti enda juurde.", "Toomas Tamm", "iga laupäev",
     "Helju Tamm"),
    ("Ema käib perenõustaja juures <kord nädalas> & räägib sellest Toomasele.",
     "Helju Tamm", "15.01.2027", "Küllike Õunapuu-Žukovskaja"),
]
_ET_CONTINGENCY = (
    "Kui Jüri puudub koolist üle kahe päeva järjest, helistab ema kohe klassijuhatajale "
    "ja koordinaatorile.\nKui tülid jätkuvad, kutsub koordinaator kokku uue lahendusringi."
)


def sample_coordinator() -> Coordinator:
    return Coordinator(id=1, name="Kadri Lepik", email="kadri.lepik@example.ee",
                       phone="+37256001122", languages=["et", "ru", "en"])


def sample_family_referral(lang: str = "et") -> Referral:
    """The sample referral; for ru/en with that family's names and words."""
    r = sample_referral()
    fam = _FAMILY.get(lang)
    if fam is None:
        return r
    data = r.model_dump()
    data["family_language"] = lang
    for row, (name, rel) in zip(data["caregivers"], fam["caregivers"], strict=True):
        row["name"], row["relation"] = name, rel
    for row, (name, rel) in zip(data["network"], fam["network"], strict=True):
        row["name"], row["relation"] = name, rel
    for row, name in zip(data["children"], fam["children"], strict=True):
        row["name"] = name
    data["child_views"] = fam["child_views"]
    data["consent"]["by"] = fam["caregivers"][0][0]
    return Referral.model_validate(data)


def participants(r: Referral, lang: str) -> list[Participant]:
    out: list[Participant] = []
    pid = 1
    for c in r.caregivers:
        out.append(Participant(id=pid, name=c.name or "", role=Role.CAREGIVER,
                               relation=c.relation, phone=c.phone, email=c.email,
                               address=c.address, language=lang))
        pid += 1
    for n in r.network:
        out.append(Participant(id=pid, name=n.name or "", role=Role.NETWORK,
                               relation=n.relation, phone=n.phone, language=lang))
        pid += 1
    ref = r.referrer
    out.append(Participant(id=pid, name=ref.name or "", role=Role.REFERRER,
                           relation=ref.position, phone=ref.phone, email=ref.email))
    out.append(Participant(id=pid + 1, name="Mari-Liis Kask", role=Role.INFORMATION_GIVER,
                           relation="klassijuhataja", email="mari-liis.kask@example.ee",
                           parts=[1]))
    return out


def sample_plan(lang: str = "et") -> ActionPlan:
    fam = _FAMILY.get(lang)
    rows = fam["agreements"] if fam else _ET_AGREEMENTS
    contingency = fam["contingency"] if fam else _ET_CONTINGENCY
    return ActionPlan(
        agreements=[Agreement(what=w, who=o, by_when=b, checks=c) for w, o, b, c in rows],
        contingency=contingency,
        bottom_lines_met="Tülide ajal on lapsed onu juures; Jüri koolikäiku jälgib vanaema."
        if lang == "et" else None,
    )


def conference() -> Meeting:
    return Meeting(kind=MeetingKind.CONFERENCE, start=CONFERENCE_START,
                   end=CONFERENCE_START + dt.timedelta(hours=3), place=PLACE)


def follow_up(conf: Meeting) -> Meeting:
    day = follow_up_date(conf.start.date())
    start = dt.datetime.combine(day, conf.start.time())
    return Meeting(kind=MeetingKind.FOLLOW_UP, start=start,
                   end=start + dt.timedelta(hours=1, minutes=30), place=conf.place)


def sample_case(lang: str = "et", state: State = State.PLAN_AGREED) -> CaseView:
    r = sample_family_referral(lang)
    conf = conference()
    return CaseView(
        number="PLR-2026-0042",
        state=state,
        received_at=dt.datetime(2026, 11, 24, 10, 15),
        referral=r,
        warnings=[warning("W03", "network[0].phone",
                          "Võrgustiku liikme telefoninumber ei ole korrektne number.")],
        coordinator=sample_coordinator(),
        participants=participants(r, lang),
        conference=conf,
        follow_up=follow_up(conf),
        plan=sample_plan(lang),
        source_file="suunamine Tamm 2026-11.pdf",
    )
