"""Synthetic referral data for the robustness corpus (invented people only).

`make_case(rng)` draws one referral as canonical values in the shape of
`Referral.model_dump(mode="json")`; `expected(case)` passes it through the
pydantic model so the expected JSON cannot drift from the model. How a value
is *printed* (date style, phone spacing, e-mail case, municipality spelling)
is decided by the layout, not here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from pipeline.model.isikukood import make as make_idcode
from pipeline.model.referral import Referral

FEMALE = [
    "Mari", "Kadri", "Liis", "Kätlin", "Triin", "Ülle", "Õie", "Piret", "Eha", "Siiri",
    "Helina", "Maarja", "Anneli", "Žanna", "Reet", "Kristiina", "Merike", "Tiiu", "Sirje",
    "Anne-Liis", "Kärt", "Ene",
]
MALE = [
    "Jüri", "Tõnu", "Märt", "Peeter", "Andrus", "Rein", "Urmas", "Priit", "Ülo", "Tõnis",
    "Margus", "Kalle", "Siim", "Aivar", "Jaan", "Toomas", "Enn",
]
GIRLS = [
    "Säde", "Mia", "Emma", "Sofia", "Lisete", "Hanna-Liisa", "Mirtel", "Eliise", "Kätriin",
    "Õnne", "Grete", "Marta", "Loore",
]
BOYS = [
    "Oskar", "Robin", "Rasmus", "Kaspar", "Märten", "Artur", "Mihkel", "Sander", "Georg",
    "Jaagup", "Kevin", "Ülar", "Tõnn",
]
SURNAMES = [
    "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Põder", "Pärn", "Kõiv",
    "Lepik", "Lõhmus", "Jõgi", "Õunapuu", "Šmidt", "Kuusk", "Mölder", "Värk", "Käär",
    "Ülesoo", "Väljaots", "Tõnisson", "Žemaitis",
]
# Russian-speaking families: (male, female) surname forms.
RU_SURNAMES = [("Ivanov", "Ivanova"), ("Smirnov", "Smirnova"), ("Kuznetsov", "Kuznetsova"),
               ("Petrov", "Petrova"), ("Volkov", "Volkova"), ("Žukov", "Žukova")]
RU_FEMALE = ["Svetlana", "Jelena", "Natalja", "Olga", "Tatjana", "Irina"]
RU_MALE = ["Sergei", "Aleksandr", "Dmitri", "Andrei", "Nikolai", "Vladimir"]
RU_GIRLS = ["Aleksandra", "Maria", "Anastassia", "Darja", "Polina"]
RU_BOYS = ["Timur", "Maksim", "Artjom", "Danil", "Kirill"]

# (canonical name, what referrers write for it, the organisation they work at)
MUNICIPALITIES: list[tuple[str, list[str], str]] = [
    ("Türi vald", ["Türi vald", "Türi vallavalitsus", "Türi Vallavalitsus", "türi"],
     "Türi Vallavalitsus"),
    ("Tallinn", ["Tallinn", "Tallinna linn", "Tallinna Linnavalitsus"],
     "Tallinna Lasnamäe Linnaosa Valitsus"),
    ("Tartu linn", ["Tartu linn", "Tartu Linnavalitsus"], "Tartu Linnavalitsus"),
    ("Pärnu linn", ["Pärnu linn", "Pärnu Linnavalitsus"], "Pärnu Linnavalitsus"),
    ("Narva linn", ["Narva linn", "Narva Linnavalitsus"], "Narva Linnavalitsus"),
    ("Saaremaa vald", ["Saaremaa vald", "Saaremaa Vallavalitsus"], "Saaremaa Vallavalitsus"),
    ("Põltsamaa vald", ["Põltsamaa vald", "Põltsamaa vallavalitsus"],
     "Põltsamaa Vallavalitsus"),
    ("Võru linn", ["Võru linn", "Võru Linnavalitsus"], "Võru Linnavalitsus"),
    ("Kohtla-Järve linn", ["Kohtla-Järve linn", "Kohtla-Järve Linnavalitsus"],
     "Kohtla-Järve Linnavalitsus"),
    ("Rae vald", ["Rae vald", "Rae vallavalitsus"], "Rae Vallavalitsus"),
    ("Väike-Maarja vald", ["Väike-Maarja vald", "Väike-Maarja Vallavalitsus"],
     "Väike-Maarja Vallavalitsus"),
    ("Jõgeva vald", ["Jõgeva vald", "Jõgeva vallavalitsus"], "Jõgeva Vallavalitsus"),
    ("Häädemeeste vald", ["Häädemeeste vald", "Häädemeeste Vallavalitsus"],
     "Häädemeeste Vallavalitsus"),
    ("Haapsalu linn", ["Haapsalu linn", "Haapsalu Linnavalitsus"], "Haapsalu Linnavalitsus"),
]
POSITIONS = [
    "lastekaitsespetsialist", "lastekaitse juhtivspetsialist", "lastekaitsetöötaja",
    "juhtumikorraldaja", "sotsiaal- ja lastekaitse spetsialist", "lastekaitse peaspetsialist",
]
LIVES_WITH = ["ema", "ema ja isa", "vanaema", "isa ja tema elukaaslane", "ema ja vanaema",
              "kasupere", "ema, isa ja õed-vennad", "isa"]
SCHOOLS = ["Türi Põhikool", 'Lasteaed "Päikesejänku"', "Tallinna 21. Kool",
           "Pärnu Ülejõe Põhikool", "Lasteaed Mõmmik", "Narva Pähklimäe Gümnaasium",
           "Väike-Maarja Gümnaasium", "Tartu Kivilinna Kool", "Jõgeva Põhikool",
           "Kuressaare Vanalinna Kool", "lasteaed Õunake", "Haapsalu Põhikool"]
NETWORK_REL = ["onu", "tädi", "vanaisa", "vanaema", "naaber", "ristiema", "pereisa sõber",
               "treener", "ema sõbranna", "vanem vend", "klassijuhataja", "tädi mees"]
STREETS = ["Pärna tn", "Kase tn", "Tööstuse tn", "Jõe tn", "Õie tn", "Rüütli tn",
           "Männiku tee", "Kalda pst"]
TOWNS = ["Türi", "Tallinn", "Tartu", "Pärnu", "Narva", "Kuressaare", "Põltsamaa", "Võru",
         "Kohtla-Järve", "Jüri", "Väike-Maarja", "Jõgeva", "Häädemeeste", "Haapsalu"]

SITUATION = [
    "{carer} kasvatab lapsi üksi pärast seda, kui pere isa kolis välja. Kodus on sagedased "
    "tülid ja naabrid on kahel korral teatanud lärmist.",
    "{child} on viimase kuu jooksul 9 päeva koolist puudunud; õpetaja sõnul on ta tunnis "
    "endassetõmbunud & väsinud.",
    "Pere elab kahetoalises korteris, kus on niiske ja külm. Üür on võlgu < 2 kuud, "
    "kuid elekter lülitati välja > nädalaks.",
    'Ema ütles kohtumisel: "Ma ei jaksa enam, aga lapsi ma ära ei anna."',
    "Vanemad on lahutamas ja ei suuda kokku leppida, kellega lapsed elavad. Lapsed on "
    "olnud tunnistajaks vanemate karjumisele.",
    "Pere on lastekaitse vaateväljas alates 2024. aastast. Varasem toetus (pereteraapia, "
    "võlanõustamine) ei ole olukorda püsivalt parandanud.",
    "{carer} tarvitab nädalavahetustel alkoholi; sel ajal hoolitseb laste eest vanaema, "
    "kellel on endal terviseprobleemid.",
    "Laps paigutati ajutiselt kasuperre. Bioloogilised vanemad soovivad lapsega kohtuda, "
    "kuid kohtumised on seni katkenud.",
]
CHILD_VIEWS = [
    "{child} ütleb, et tahab elada koos emaga, aga ei taha, et kodus karjutakse.",
    '{child} joonistas oma pere ja ütles: "Siin on kõik koos & keegi ei tülitse."',
    "{child} soovib jääda oma kooli ja sõprade juurde.",
    "{child} igatseb isa ja tahaks teda näha vähemalt igal nädalavahetusel.",
    "Laps on väike (alla 3 a) ja oma arvamust sõnadega ei avalda; kasvataja sõnul on ta "
    "hommikuti rahutu.",
]
RISKS_DEV = ["{child} on koolist sageli puudunud.", "Kõne areng on eakohasest maas.",
             "{child} on agressiivne ja lööb teisi lapsi <eriti vahetundides>."]
PROT_DEV = ["{child} käib meelsasti trennis.", "{child} on uudishimulik ja sõbralik.",
            "Hea suhe klassijuhatajaga."]
RISKS_PAR = ["{carer} on väsinud ega jõua piire seada.",
             'Vanemad ei suhtle omavahel; sõnumid edastatakse lapse kaudu ("ütle isale, et …").',
             "Ema unustab lapse arsti juurde viia."]
PROT_PAR = ["{carer} hoolib lastest ja on valmis abi vastu võtma.",
            "Isa on valmis lapsi nädalavahetustel hoidma."]
RISKS_ENV = ["Pere elab kitsastes tingimustes & majanduslik olukord on raske.",
             "Suguvõsa elab kaugel ja peret ei toeta.", "Korteris on hallitus."]
PROT_ENV = ["{net} elab lähedal ja aitab vajadusel.", "Pere saab toimetulekutoetust.",
            "Naabrid on abivalmid."]
QUESTIONS = [
    "Kuidas pere tagab, et {child} käib iga päev koolis ja lapsed ei pea pealt nägema "
    "täiskasvanute tülisid?",
    "Kuidas pere ja lähedased korraldavad, et lapsel oleks turvaline kodu, kui ema on "
    "ravil?",
    "Kes lähedastest saaks lapse hooldajaks ja kuidas hoitakse lapse suhet vanematega?",
    "Kuidas korraldada lapse ja bioloogiliste vanemate kohtumised nii, et laps tunneks "
    "end turvaliselt?",
]
BOTTOM_LINES = ["Lapsed ei tohi viibida tülide juures.", "{child} käib koolis.",
                "Lapse juuresolekul ei tarvitata alkoholi.",
                "Kohtumised toimuvad ainult kokkulepitud ajal ja kohas."]
PROBLEM_OTHER = ["vanema vaimse tervise probleemid", 'lapse "koolifoobia"',
                 "võlad & eluaseme kaotamise oht"]

ASCII = str.maketrans({"õ": "o", "ä": "a", "ö": "o", "ü": "u", "š": "s", "ž": "z"})
MAIL_DOMAINS = ["gmail.com", "mail.ee", "hot.ee", "online.ee"]


@dataclass
class Case:
    """One referral: canonical values plus how its children's rows were filled."""

    data: dict[str, Any]
    # per child: the referrer typed the birth date beside the isikukood
    birth_shown: list[bool] = field(default_factory=list)
    municipality_forms: list[str] = field(default_factory=list)


def mail_for(name: str, domain: str) -> str:
    local = name.lower().translate(ASCII).replace(" ", ".")
    return f"{local}@{domain}"


def _person(rng: random.Random, female: bool, ru: bool, surname: str | None = None) -> str:
    if ru:
        first = rng.choice(RU_FEMALE if female else RU_MALE)
        pair = rng.choice(RU_SURNAMES)
        last = surname or pair[1 if female else 0]
    else:
        first = rng.choice(FEMALE if female else MALE)
        last = surname or rng.choice(SURNAMES)
    return f"{first} {last}"


def _paragraphs(rng: random.Random, pool: list[str], n: int, **names: str) -> str:
    return "\n".join(p.format(**names) for p in rng.sample(pool, n))


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def make_case(rng: random.Random, *, children: int | None = None,
              network: int | None = None) -> Case:
    """One synthetic referral; `children`/`network` force the number of rows."""
    lang = rng.choices(["et", "ru", "en", "other"], [70, 20, 5, 5])[0]
    ru = lang == "ru"
    family = rng.choice(RU_SURNAMES) if ru else (rng.choice(SURNAMES),) * 2
    muni, forms, org = rng.choice(MUNICIPALITIES)
    ref_female = rng.random() < 0.8
    ref_name = _person(rng, ref_female, False)
    while ref_name.split()[-1] in family:  # the referrer is not one of the family
        ref_name = _person(rng, ref_female, False)
    if rng.random() < 0.2:
        ref_name += "-" + rng.choice(SURNAMES)  # double surname
    referral_date = _date_between(rng, dt.date(2025, 1, 10), dt.date(2026, 11, 20))
    consent_date = referral_date - dt.timedelta(days=rng.randrange(0, 40))
    org_domain = muni.split()[0].lower().translate(ASCII) + ".ee"

    n_children = children or rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0]
    kids: list[dict[str, Any]] = []
    shown: list[bool] = []
    for i in range(n_children):
        female = rng.random() < 0.5
        first = rng.choice((RU_GIRLS if female else RU_BOYS) if ru else (GIRLS if female else BOYS))
        born = _date_between(rng, dt.date(2009, 1, 1), dt.date(2025, 12, 1))
        born = min(born, referral_date - dt.timedelta(days=60))
        has_id = rng.random() > 0.15
        kids.append({
            "name": f"{first} {family[1 if female else 0]}",
            "id_code": make_idcode(born, female, rng.randrange(1, 700)) if has_id else None,
            "birth_date": born.isoformat(),
            "lives_with": rng.choice(LIVES_WITH) if rng.random() > 0.15 else None,
            "school": rng.choice(SCHOOLS) if rng.random() > 0.2 else None,
        })
        shown.append(not has_id or rng.random() < 0.5)
        del i
    carers: list[dict[str, Any]] = []
    n_carers = rng.choices([1, 2, 3], [40, 45, 15])[0]
    relations = ["ema", "isa", rng.choice(["vanaema", "eestkostja", "kasuema", "vanaisa"])]
    for j in range(n_carers):
        female = relations[j] in ("ema", "vanaema", "kasuema") or (
            relations[j] == "eestkostja" and rng.random() < 0.5)
        name = _person(rng, female, ru, family[1 if female else 0] if j < 2 else None)
        carers.append({
            "name": name,
            "relation": relations[j],
            "phone": _mobile(rng) if rng.random() < 0.8 else None,
            "email": mail_for(name, rng.choice(MAIL_DOMAINS)) if rng.random() < 0.6 else None,
            "address": (f"{rng.choice(STREETS)} {rng.randrange(1, 60)}-{rng.randrange(1, 40)}, "
                        f"{rng.choice(TOWNS)}") if rng.random() < 0.7 else None,
        })
    n_net = network if network is not None else rng.choices(
        [0, 1, 2, 3, 4, 6, 8], [15, 15, 25, 20, 12, 8, 5])[0]
    net = [{
        "name": _person(rng, rng.random() < 0.6, ru),
        "relation": rng.choice(NETWORK_REL),
        "phone": _mobile(rng) if rng.random() < 0.7 else None,
    } for _ in range(n_net)]
    names = {"child": kids[0]["name"].split()[0], "carer": carers[0]["name"].split()[0],
             "net": net[0]["name"] if net else "Vanaema"}
    grounds = sorted(rng.sample(range(4), rng.choices([1, 2], [75, 25])[0]))
    ground_codes = [["prevent_separation", "kinship_care", "birth_parent_contact",
                     "other_substitute_care"][g] for g in grounds]
    problems = sorted(rng.sample(range(6), rng.choices([0, 1, 2, 3], [10, 35, 35, 20])[0]))
    problem_codes = [["behaviour", "infant_care", "family_conflict", "separation_dispute",
                      "foster_adjustment", "other"][p] for p in problems]
    data: dict[str, Any] = {
        "referrer": {
            "name": ref_name,
            "position": rng.choice(POSITIONS),
            "organisation": org,
            "municipality": muni,
            "phone": _mobile(rng) if rng.random() < 0.85 else None,
            "email": mail_for(ref_name, org_domain),
        },
        "referral_date": referral_date.isoformat(),
        "guardianship_agreement": bool(set(ground_codes) & {"birth_parent_contact",
                                                            "other_substitute_care"})
        or rng.random() < 0.15,
        "children": kids,
        "child_views": _paragraphs(rng, CHILD_VIEWS, rng.choice([1, 1, 2]), **names)
        if rng.random() > 0.1 else None,
        "caregivers": carers,
        "family_language": lang,
        "interpreter_needed": lang != "et" and rng.random() < 0.6,
        "network": net,
        "grounds": ground_codes,
        "problem_areas": problem_codes,
        "problem_other": rng.choice(PROBLEM_OTHER) if "other" in problem_codes else None,
        "situation": _paragraphs(rng, SITUATION, rng.choice([2, 3, 3]), **names),
        "acute_danger": rng.random() < 0.05,
        "factors": {
            "development": {"risk": _paragraphs(rng, RISKS_DEV, rng.choice([1, 2]), **names),
                            "protective": _opt(rng, PROT_DEV, names, 0.8)},
            "parenting": {"risk": _paragraphs(rng, RISKS_PAR, 1, **names),
                          "protective": _opt(rng, PROT_PAR, names, 0.8)},
            "environment": {"risk": _opt(rng, RISKS_ENV, names, 0.8),
                            "protective": _opt(rng, PROT_ENV, names, 0.7)},
        },
        "question": rng.choice(QUESTIONS).format(**names),
        "bottom_lines": _paragraphs(rng, BOTTOM_LINES, rng.choice([1, 2]), **names)
        if rng.random() < 0.7 else None,
        "consent": {"given": rng.random() > 0.05,
                    "by": carers[0]["name"],
                    "date": consent_date.isoformat()},
    }
    return Case(data=data, birth_shown=shown, municipality_forms=forms)


def _mobile(rng: random.Random) -> str:
    """A valid Estonian mobile number: 5 and six or seven digits."""
    while True:
        digits = rng.choice([6, 7, 7, 7])
        number = f"+3725{rng.randrange(10 ** (digits - 1), 10 ** digits)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _opt(rng: random.Random, pool: list[str], names: dict[str, str], p: float) -> str | None:
    return rng.choice(pool).format(**names) if rng.random() < p else None


def expected(case: Case) -> dict[str, Any]:
    """The referral as `plr extract --json` should report it, through the model."""
    return Referral.model_validate(case.data).model_dump(mode="json")
