"""Synthetic referral data (invented people, valid isikukoods).

Used by `plr preview`, by the tests and by the benchmarks, so that nobody
needs a real family's data to see a document.
"""

from __future__ import annotations

import datetime as dt

from pipeline.model.referral import Referral


def sample_referral() -> Referral:
    """A complete, valid referral with Estonian letters and markup characters."""
    return Referral.model_validate(
        {
            "referrer": {
                "name": "Küllike Õunapuu-Žukovskaja",
                "position": "lastekaitsespetsialist",
                "organisation": "Türi Vallavalitsus",
                "municipality": "Türi vald",
                "phone": "+37251234567",
                "email": "kyllike.ounapuu@example.ee",
            },
            "referral_date": "2026-11-02",
            "guardianship_agreement": False,
            "children": [
                {
                    "name": "Säde Tamm",
                    "id_code": "61811230128",
                    "birth_date": "2018-11-23",
                    "lives_with": "ema ja vanaema",
                    "school": "Türi Lasteaed Ümarik",
                },
                {
                    "name": "Jüri Tamm",
                    "id_code": "51503050017",
                    "birth_date": "2015-03-05",
                    "lives_with": "ema ja vanaema",
                    "school": "Türi Põhikool",
                },
            ],
            "child_views": "Säde tahab, et ema ja vanaema ei tülitseks.\n"
            'Jüri ütleb: "Tahan jääda oma kooli & sõprade juurde."',
            "caregivers": [
                {
                    "name": "Helju Tamm",
                    "relation": "ema",
                    "phone": "+37255512345",
                    "email": "helju.tamm@example.ee",
                    "address": "Pärna tn 3–5, Türi",
                },
                {
                    "name": "Ööbik Šmidt",
                    "relation": "vanaema",
                    "phone": "+37253398765",
                    "email": None,
                    "address": "Pärna tn 3–5, Türi",
                },
            ],
            "family_language": "et",
            "interpreter_needed": False,
            "network": [
                {"name": "Toomas Tamm", "relation": "onu", "phone": "+37256677889"},
                {"name": "Maire Kõiv", "relation": "naaber", "phone": None},
            ],
            "grounds": ["prevent_separation"],
            "problem_areas": ["family_conflict", "behaviour"],
            "problem_other": None,
            "situation": "Ema ja vanaema vahel on sagedased tülid, mis toimuvad laste nähes.\n"
            "Jüri on koolist puudunud ja õpetaja on mures <väga> tema meeleolu pärast.",
            "acute_danger": False,
            "factors": {
                "development": {
                    "risk": "Jüri on viimasel kuul 9 päeva koolist puudunud.",
                    "protective": "Säde käib meelsasti lasteaias.",
                },
                "parenting": {
                    "risk": "Ema on väsinud ja ei jõua alati piire seada.",
                    "protective": "Ema hoolib lastest ja on valmis abi vastu võtma.",
                },
                "environment": {
                    "risk": "Pere elab kitsastes tingimustes.",
                    "protective": "Onu Toomas elab lähedal ja aitab vajadusel.",
                },
            },
            "question": "Kuidas pere tagab, et Jüri käib iga päev koolis ja lapsed "
            "ei pea pealt nägema täiskasvanute tülisid?",
            "bottom_lines": "Lapsed ei tohi viibida tülide juures.\nJüri käib koolis.",
            "consent": {"given": True, "by": "Helju Tamm", "date": "2026-10-28"},
        }
    )


SAMPLE_TODAY = dt.date(2026, 11, 24)
