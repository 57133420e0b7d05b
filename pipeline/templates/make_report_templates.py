"""Builds the templates of issue 14: the monthly statement and the overview of work done.

Run: python templates/make_report_templates.py  (uses make_templates.py's Builder, so the
documents look like the rest of the set).
"""

from __future__ import annotations

import sys

from pipeline.templates.make_templates import HEADER, Builder


def statement() -> None:
    b = Builder(HEADER["et"], "Teenuse osutamise aruanne {{ number }} · {{ period }}")
    b.p("{% if draft %}KAVAND — ei ole väljastatud{% else %}Väljastatud: {{ issued }}{% endif %}",
        right=True)
    b.lines("{{ payer }}")
    b.title("Teenuse osutamise aruanne")
    b.facts([("Aruande number", "{{ number }}"), ("Periood", "{{ period }} ({{ period_dates }})"),
             ("Maksja", "{{ payer }}"), ("Leping", "{{ contracts }}"),
             ("Teenuse osutaja", "{{ provider.name }}"), ("Juhtumeid", "{{ cases }}")])
    b.p("Aruandes on iga juhtumi kohta ainult juhtumi number, tegevuste kaupa kulunud aeg, "
        "arvestatud aeg, hind ja summa. Isikuandmeid aruandes ei ole.", small=True)
    b.table(["Juhtum", "Tegevused (h)", "Arvestatud (h)", "Hind", "Summa (€)"],
            ["{{ r.case }}", "{{ r.activities }}", "{{ r.hours }}", "{{ r.rate }}",
             "{{ r.sum }}"], [3.3, 5.4, 2.8, 2.7, 2.4], loop=("r", "lines"))
    b.facts([("Arvestatud aeg kokku", "{{ total_hours }} h"), ("Summa kokku", "{{ total }} €")])
    b.p("Arvestatud aeg on lepingus tasustatavaks loetud tegevuste aeg, ümardatud lepingu "
        "järgi. Väljastatud aruannet ei muudeta. Hiljem lisatud või parandatud tööaeg kajastub "
        "järgmise kuu aruandes.", small=True)
    b.lines("Lugupidamisega", "{{ provider.name }}")
    b.save("statement.et.docx")


def work_overview() -> None:
    b = Builder(HEADER["et"],
                "Pere lahendusring · juhtum {{ case_number }} · ülevaade tehtud tööst")
    b.p("{{ today }}", right=True)
    b.lines("{{ referrer.name }}", "{{ referrer.position }}", "{{ referrer.organisation }}")
    b.title("Ülevaade tehtud tööst")
    b.p("{% if referrer.name %}Hea {{ referrer.name }}!{% else %}Tere!{% endif %}")
    b.p("Täname Teid pere suunamise eest. Pere lahendusringi juhtum {{ case_number }} on "
        "lõpetatud ja saadame Teile ülevaate tehtud tööst.")
    b.facts([("Juhtumi number", "{{ case_number }}"),
             ("{% if one_child %}Laps{% else %}Lapsed{% endif %}", "{{ children_names }}"),
             ("Suunamise kuupäev", "{{ referral_date }}"), ("Registreeritud", "{{ received }}"),
             ("Koordinaator", "{{ coordinator }}"), ("Lõpetatud", "{{ closed }}"),
             ("Lõpetamise põhjus", "{{ close_reason }}")])
    b.h("Mis tehti ja millal")
    b.table(["Kuupäev", "Tegevus"], ["{{ e.date }}", "{{ e.what }}"], [3.0, 13.6],
            loop=("e", "events"))
    b.h("Lahendusring ja tegevusplaan")
    b.p("{% if conference_held %}Lahendusring toimus {{ conference_when }}. {% else %}"
        "Lahendusringini juhtumi käigus ei jõutud. {% endif %}"
        "Juhtumi osalejate nimekirjas oli {{ people }}: {{ family }} ning {{ professionals }}.")
    b.p("{% if plan_agreed %}Pere ja võrgustik leppisid kokku tegevusplaani, milles on "
        "{{ agreements }}.{% else %}Tegevusplaani kokku ei lepitud.{% endif %} "
        "Järelkohtumise tulemus: {{ follow_up }}.")
    b.h("Kulunud aeg")
    b.p("{% if hours %}Juhtumile kulus kokku {{ hours_total }} tundi "
        "({% for h in hours %}{{ h.activity }} {{ h.hours }} h{% if not loop.last %}; "
        "{% endif %}{% endfor %}).{% else %}Juhtumile ei ole tööaega märgitud.{% endif %}")
    b.p("Kui Teil on küsimusi, vastame meelsasti.")
    b.lines("Lugupidamisega", "{{ provider.name }}")
    b.save("work_overview.et.docx")


def main() -> int:
    statement()
    work_overview()
    print("statement.et.docx and work_overview.et.docx written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
