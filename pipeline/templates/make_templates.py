"""Generate the first version of every document template (run once, by hand).

    .venv/bin/python pipeline/templates/make_templates.py

The DOCX files it writes are committed and are the source of truth from then
on: offices edit them in Word. Jinja tags stay simple (`{{ recipient.name }}`,
`{%p if ... %}`, `{%tr for ... %}`) so that a non-programmer can move them.
Running this again overwrites every template in this folder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
ACCENT = RGBColor(0x1F, 0x5C, 0x63)
GREY = RGBColor(0x55, 0x5F, 0x61)
PLAN_ROWS = 10


class Builder:
    def __init__(self, header: str, footer: str) -> None:
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1
        for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
            st = styles[name]
            st.font.name = "Calibri"
            st.font.size = Pt(size)
            st.font.color.rgb = ACCENT
            st.font.bold = name != "Title"
            st.paragraph_format.space_before = Pt(14 if name != "Title" else 0)
            st.paragraph_format.space_after = Pt(6)
            rpr = st.element.get_or_add_rPr()
            for el in rpr.findall(qn("w:rFonts")):
                rpr.remove(el)
            rpr.insert(0, parse_xml(
                f'<w:rFonts {nsdecls("w")} w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>'
            ))
        # The default Title style draws a border line; a plain title reads calmer.
        tppr = styles["Title"].element.pPr
        if tppr is not None:
            for el in tppr.findall(qn("w:pBdr")):
                tppr.remove(el)
        hp = sec.header.paragraphs[0]
        self._small(hp, header)
        fp = sec.footer.paragraphs[0]
        self._small(fp, footer)
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER

    @staticmethod
    def _small(p: Any, text: str) -> None:
        r = p.add_run(text)
        r.font.size = Pt(9)
        r.font.color.rgb = GREY

    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Title")

    def h(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Heading 1")

    def p(self, text: str = "", *, bold: bool = False, italic: bool = False,
          right: bool = False, small: bool = False, after: int | None = None) -> Any:
        para = self.doc.add_paragraph()
        if text:
            r = para.add_run(text)
            r.bold, r.italic = bold, italic
            if small:
                r.font.size = Pt(9)
                r.font.color.rgb = GREY
        if right:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if after is not None:
            para.paragraph_format.space_after = Pt(after)
        return para

    def lines(self, *texts: str) -> None:
        """Several short lines as one block (address, signature)."""
        for i, t in enumerate(texts):
            self.p(t, after=0 if i < len(texts) - 1 else 10)

    def tag(self, text: str) -> None:
        """A paragraph that holds only a `{%p ... %}` tag (removed when rendered)."""
        self.doc.add_paragraph(text)

    def bullets(self, var: str, items: str) -> None:
        self.tag(f"{{%p for {var} in {items} %}}")
        self.doc.add_paragraph(f"{{{{ {var} }}}}", style="List Bullet")
        self.tag("{%p endfor %}")

    def facts(self, rows: list[tuple[str, str]]) -> None:
        """Label | value pairs without borders."""
        t = self.doc.add_table(rows=0, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.LEFT
        for label, value in rows:
            cells = t.add_row().cells
            cells[0].width, cells[1].width = Cm(4.6), Cm(12)
            r = cells[0].paragraphs[0].add_run(label)
            r.bold = True
            r.font.color.rgb = GREY
            cells[1].paragraphs[0].add_run(value)
            for c in cells:
                c.paragraphs[0].paragraph_format.space_after = Pt(2)
        self.widths(t, [4.4, 12.2])
        self.p(after=2)

    def table(self, headers: list[str], cells: list[str], widths: list[float],
              loop: tuple[str, str] | None = None) -> Any:
        """A grid with a shaded header; with `loop`, one row per item of a list."""
        t = self.doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for i, h in enumerate(headers):
            c = t.rows[0].cells[i]
            c.width = Cm(widths[i])
            run = c.paragraphs[0].add_run(h)
            run.bold = True
            c._tc.get_or_add_tcPr().append(
                parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="E3EEEF"/>')
            )
        head = t.rows[0]._tr
        head.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        if loop:
            t.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {loop[0]} in {loop[1]} %}}")
        row = t.add_row().cells
        for i, text in enumerate(cells):
            row[i].width = Cm(widths[i])
            row[i].paragraphs[0].add_run(text).font.size = Pt(10)
        if loop:
            t.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
        self.widths(t, widths)
        self.p(after=2)
        return t

    @staticmethod
    def widths(t: Any, widths: list[float]) -> None:
        """Fixed column widths (grid and every cell): Word and LibreOffice both honour them."""
        t.autofit = False
        for i, col in enumerate(t.columns):
            col.width = Cm(widths[i])
        for row in t.rows:
            for i, c in enumerate(row.cells):
                c.width = Cm(widths[min(i, len(widths) - 1)])

    def save(self, name: str) -> None:
        self.doc.save(str(HERE / name))


# ---------------------------------------------------------------- content controls

def _sdt_run(tag: str, alias: str, text: str = "", locked: bool = False) -> Any:
    lock = '<w:lock w:val="sdtContentLocked"/>' if locked else ""
    t = f'<w:t xml:space="preserve">{text}</w:t>' if text else "<w:t></w:t>"
    return parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/>'
        f'{lock}<w:text w:multiLine="1"/></w:sdtPr>'
        f"<w:sdtContent><w:r>{t}</w:r></w:sdtContent></w:sdt>"
    )


# ---------------------------------------------------------------- documents

HEADER = {"et": "Pere lahendusring", "ru": "Семейная конференция (Pere lahendusring)",
          "en": "Family group conference (Pere lahendusring)"}
CASE_FOOTER = {"et": "Pere lahendusring · juhtum {{ case_number }}",
               "ru": "Семейная конференция · дело {{ case_number }}",
               "en": "Family group conference · case {{ case_number }}"}
CHILDREN = {
    "et": "{% if one_child %}Laps{% else %}Lapsed{% endif %}",
    "ru": "{% if one_child %}Ребёнок{% else %}Дети{% endif %}",
    "en": "{% if one_child %}Child{% else %}Children{% endif %}",
}
COORD = "{{ coordinator.name }}, {{ coordinator.phone }}, {{ coordinator.email }}"


def acknowledgement() -> None:
    b = Builder(HEADER["et"], CASE_FOOTER["et"])
    b.p("{{ today }}", right=True)
    b.lines("{{ referrer.name }}", "{{ referrer.position }}", "{{ referrer.organisation }}")
    b.title("Suunamise kinnitus")
    b.p("Hea {{ referrer.name }}!")
    b.p("Täname Teid suunamise eest. Võtsime pere lahendusringi teenusele suunamise vastu "
        "ja registreerisime selle juhtumi numbriga {{ case_number }}. Palun märkige see number, "
        "kui kirjutate meile selle pere asjus.")
    b.facts([("Juhtumi number", "{{ case_number }}"), ("Suunamise kuupäev", "{{ referral_date }}"),
             ("Registreeritud", "{{ received }}"), (CHILDREN["et"], "{{ children_names }}")])
    b.h("Mis edasi saab")
    b.p("Määrame juhtumile koordinaatori, kes ei ole seotud lapse juhtumi korraldamisega. "
        "Koordinaator võtab Teiega ühendust, et leppida kokku, kuidas lahendusringi ette "
        "valmistada, ning aitab perel "
        "kutsuda kokku lähedased ja võrgustiku.")
    b.p("Lahendusringil palume Teil rääkida oma murest, küsimusest, millele pere plaan peab "
        "vastama, ja tingimustest, mis peavad plaanis olema tagatud. Kõik osalejad saavad kutse "
        "ja päevakorra aegsasti.")
    b.p("Kui pere olukord vahepeal muutub nii, et lapse elu või tervis on vahetus ohus, ei ole "
        "lahendusring õige abi. Sel juhul tegutsege palun viivitamata lastekaitseseaduse järgi "
        "ja andke meile sellest teada.")
    b.lines("Lugupidamisega", "Pere lahendusringi meeskond")
    b.save("acknowledgement.et.docx")


def return_letter() -> None:
    b = Builder(HEADER["et"], "Pere lahendusring · suunamise tagastamine")
    b.p("{{ today }}", right=True)
    b.lines("{{ referrer.name }}", "{{ referrer.position }}", "{{ referrer.organisation }}")
    b.title("Suunamise tagastamine")
    b.p("{% if referrer.name %}Hea {{ referrer.name }}!{% else %}Tere!{% endif %}")
    b.p("Täname Teid suunamise eest. Kahjuks ei saa me seda praegu registreerida, sest "
        "suunamisvormis on puudusi. Palun parandage allpool nimetatud kohad ja saatke vorm meile "
        "uuesti. Muu võib jääda nii, nagu see oli.")
    b.facts([("Fail", "{{ source_file }}"), ("Suunamise kuupäev", "{{ referral_date }}"),
             (CHILDREN["et"], "{{ children_names }}")])
    b.h("Mida parandada")
    b.table(["Lahter vormil", "Mida teha"], ["{{ i.label }}", "{{ i.message }}"],
            [5.2, 11.4], loop=("i", "issues"))
    b.p("Saadetud fail on meie juures alles muutmata kujul. Kui Teil on küsimusi, vastame "
        "meelsasti.")
    b.lines("Lugupidamisega", "Pere lahendusringi meeskond")
    b.save("return_letter.et.docx")


def case_summary() -> None:
    b = Builder(HEADER["et"] + " · juhtumi ülevaade koordinaatorile",
                "Konfidentsiaalne · juhtum {{ case_number }}")
    b.title("Juhtumi ülevaade {{ case_number }}")
    b.facts([
        ("Suunamine saabus", "{{ received }}"),
        ("Suunamise kuupäev", "{{ referral_date }}"),
        ("Fail", "{{ source_file }}"),
        ("Pere suhtluskeel", "{{ family_language }}"),
        ("Tõlk", "{% if interpreter_needed %}vajalik{% else %}ei ole vaja{% endif %}"),
        ("Nõusolek", "{{ consent_by }}, {{ consent_date }}"),
    ])
    # Issue 12: who signed the form digitally, and whether the signature holds.
    b.tag("{%p for s in signatures %}")
    b.p("{{ s }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if warnings %}")
    b.h("Tähelepanu")
    b.table(["Lahter", "Hoiatus"], ["{{ w.label }}", "{{ w.message }}"], [5.2, 11.4],
            loop=("w", "warnings"))
    b.tag("{%p endif %}")
    b.h("Suunaja")
    b.facts([("Nimi", "{{ referrer.name }}"), ("Ametikoht", "{{ referrer.position }}"),
             ("Asutus", "{{ referrer.organisation }}"),
             ("Kohalik omavalitsus", "{{ referrer.municipality }}"),
             ("Telefon", "{{ referrer.phone }}"), ("E-post", "{{ referrer.email }}")])
    b.h(CHILDREN["et"])
    b.table(["Nimi", "Isikukood", "Sünniaeg", "Kellega elab", "Lasteaed / kool"],
            ["{{ c.name }}", "{{ c.id_code }}", "{{ c.birth_date }}",
             "{{ c.lives_with }}", "{{ c.school }}"],
            [3.4, 3.2, 2.6, 3.2, 4.2], loop=("c", "children"))
    b.p("Lapse arvamus ja soovid", bold=True, after=2)
    b.p("{{ child_views }}")
    b.h("Pere ja võrgustik")
    b.table(["Vanem / hooldaja", "Seos lapsega", "Telefon", "E-post", "Aadress"],
            ["{{ cg.name }}", "{{ cg.relation }}", "{{ cg.phone }}", "{{ cg.email }}",
             "{{ cg.address }}"], [3.2, 2.2, 3.4, 4.4, 3.4], loop=("cg", "caregivers"))
    b.tag("{%p if network %}")
    b.table(["Võrgustiku liige", "Seos perega", "Telefon"],
            ["{{ n.name }}", "{{ n.relation }}", "{{ n.phone }}"], [6.0, 5.0, 5.6],
            loop=("n", "network"))
    b.tag("{%p endif %}")
    b.h("Suunamise alus ja probleemi valdkond")
    b.bullets("g", "grounds")
    b.bullets("a", "problem_areas")
    b.h("Pere olukord")
    b.p("{{ situation }}")
    b.h("Kaitse- ja riskitegurid")
    b.table(["Lapse heaolu kolmnurga külg", "Riskitegurid", "Kaitsetegurid"],
            ["{{ s.title }}", "{{ s.risk }}", "{{ s.protective }}"], [4.0, 6.3, 6.3],
            loop=("s", "sides"))
    b.h("Lahendusringi küsimus")
    b.p("{{ question }}")
    b.p("Tingimused, mis peavad plaanis olema tagatud", bold=True, after=2)
    b.p("{% if bottom_lines %}{{ bottom_lines }}{% else %}(ei ole märgitud){% endif %}")
    b.save("case_summary.et.docx")


INVITE: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Kutse pere lahendusringile",
        "hello": "Hea {{ recipient.name }}!",
        "intro": "Kutsume Teid pere lahendusringile. Lahendusring on kohtumine, kus pere, "
                 "sugulased ja sõbrad teevad koos plaani, et {% if one_child %}laps saaks"
                 "{% else %}lapsed saaksid{% endif %} kasvada turvaliselt ja hästi.",
        "facts": [("Aeg", "{{ conference.when }}–{{ conference.end }}"),
                  ("Koht", "{{ conference.place }}"), (CHILDREN["et"], "{{ children_names }}"),
                  ("Koordinaator", COORD)],
        "info": "Palume Teil osaleda lahendusringi esimeses osas, infojagamisel, kell "
                "{{ part1.start }}–{{ part1.end }}. Selles osas räägib suunaja oma murest ja "
                "spetsialistid jagavad teavet, mis aitab perel plaani teha. Seejärel jääb pere "
                "omaette oma plaani koostama.",
        "family": "Lahendusringil on kolm osa: kõigepealt jagame teavet, siis teeb pere "
                  "omaette oma plaani ja lõpuks lepime plaani koos kokku. Päevakord on "
                  "kirjale lisatud.",
        "prepare": "Mõelge enne kohtumist, kuidas Teie saaksite {% if one_child %}last"
                   "{% else %}lapsi{% endif %} toetada. Iga abi, mida oskate ja saate "
                   "pakkuda, on oluline.",
        "cant": "Kui Te ei saa tulla, andke palun koordinaatorile teada. Kirjale on lisatud "
                "kalendrifail: avage see telefonis või arvutis, et kohtumine oma kalendrisse "
                "salvestada.",
        "sign": ["Ootame Teid!", "{{ coordinator.name }}", "koordinaator"],
    },
    "ru": {
        "title": "Приглашение на семейную конференцию",
        "hello": "Здравствуйте, {{ recipient.name }}!",
        "intro": "Приглашаем вас на семейную конференцию. Это встреча, на которой семья, "
                 "родственники и друзья вместе составляют план, чтобы {% if one_child %}"
                 "ребёнок мог{% else %}дети могли{% endif %} расти в безопасности и "
                 "благополучии.",
        "facts": [("Время", "{{ conference.when }}–{{ conference.end }}"),
                  ("Место", "{{ conference.place }}"), (CHILDREN["ru"], "{{ children_names }}"),
                  ("Координатор", COORD)],
        "info": "Просим вас принять участие в первой части конференции — обмене информацией — "
                "с {{ part1.start }} до {{ part1.end }}. В этой части направивший специалист "
                "рассказывает о своих опасениях, а специалисты делятся сведениями, которые "
                "помогут семье составить план. После этого семья продолжает работу одна.",
        "family": "Конференция состоит из трёх частей: сначала мы обмениваемся информацией, "
                  "затем семья наедине составляет свой план, и в конце мы вместе его "
                  "согласовываем. Повестка дня приложена к письму.",
        "prepare": "Подумайте заранее, чем вы могли бы поддержать {% if one_child %}ребёнка"
                   "{% else %}детей{% endif %}. Важна любая помощь, которую вы можете "
                   "предложить.",
        "cant": "Если вы не сможете прийти, пожалуйста, сообщите координатору. К письму "
                "приложен файл календаря: откройте его на телефоне или компьютере, чтобы "
                "сохранить встречу в своём календаре.",
        "sign": ["Ждём вас!", "{{ coordinator.name }}", "координатор"],
    },
    "en": {
        "title": "Invitation to a family group conference",
        "hello": "Dear {{ recipient.name }},",
        "intro": "We would like to invite you to a family group conference. It is a meeting "
                 "where the family, relatives and friends make a plan together so that "
                 "{% if one_child %}the child can{% else %}the children can{% endif %} grow "
                 "up safe and well.",
        "facts": [("Time", "{{ conference.when }}–{{ conference.end }}"),
                  ("Place", "{{ conference.place }}"), (CHILDREN["en"], "{{ children_names }}"),
                  ("Coordinator", COORD)],
        "info": "We ask you to take part in the first part of the conference, information "
                "sharing, from {{ part1.start }} to {{ part1.end }}. In this part the referrer "
                "explains their concerns and professionals share information that helps the "
                "family make its plan. The family then carries on by itself.",
        "family": "The conference has three parts: first we share information, then the family "
                  "makes its own plan in private, and finally we agree the plan together. The "
                  "agenda is attached.",
        "prepare": "Before the meeting, please think about how you could support "
                   "{% if one_child %}the child{% else %}the children{% endif %}. Any help "
                   "you can offer matters.",
        "cant": "If you cannot come, please let the coordinator know. A calendar file is "
                "attached: open it on your phone or computer to save the meeting in your "
                "calendar.",
        "sign": ["We look forward to seeing you.", "{{ coordinator.name }}", "Coordinator"],
    },
}


def invitation(lang: str) -> None:
    t = INVITE[lang]
    b = Builder(HEADER[lang], CASE_FOOTER[lang])
    b.p("{{ today }}", right=True)
    b.title(t["title"])
    b.p(t["hello"])
    b.p(t["intro"])
    b.facts(t["facts"])
    b.tag("{%p if recipient.info_only %}")
    b.p(t["info"])
    b.tag("{%p else %}")
    b.p(t["family"])
    b.p(t["prepare"])
    b.tag("{%p endif %}")
    b.p(t["cant"])
    b.lines(*t["sign"])
    b.save(f"invitation.{lang}.docx")


AGENDA: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Pere lahendusringi päevakord",
        "facts": [("Aeg", "{{ conference.when }}–{{ conference.end }}"),
                  ("Koht", "{{ conference.place }}"), (CHILDREN["et"], "{{ children_names }}"),
                  ("Koordinaator", COORD)],
        "head": ["Aeg", "Osa", "Mis toimub"],
        "parts": [
            ("1. Infojagamine",
             "Tervitus ja tutvustus. Koordinaator selgitab kohtumise eesmärki ja käiku ning "
             "lepime kokku ühised reeglid. Suunaja räägib oma murest, küsimusest, millele plaan "
             "peab vastama, ja tingimustest, mis peavad plaanis olema tagatud. Spetsialistid "
             "jagavad teavet ja pere saab esitada küsimusi. Seejärel spetsialistid lahkuvad."),
            ("2. Pere omaette aeg",
             "Pere ja lähedased teevad oma plaani omavahel. Koordinaator on lähedal ja tuleb "
             "appi, kui teda vajatakse."),
            ("3. Plaani kokkuleppimine",
             "Pere tutvustab oma plaani. Suunaja nõustub plaaniga, kui see tagab lapse "
             "turvalisuse. Lepime kokku, mida on plaani täitmiseks vaja, kes jälgib selle "
             "toimimist ja millal toimub järelkohtumine."),
        ],
        "question": "Küsimus, millele pere plaan peab vastama",
        "bottom": "Tingimused, mis peavad plaanis olema tagatud",
        "who": "Osalejad", "who_head": ["Nimi", "Seos"],
    },
    "ru": {
        "title": "Повестка дня семейной конференции",
        "facts": [("Время", "{{ conference.when }}–{{ conference.end }}"),
                  ("Место", "{{ conference.place }}"), (CHILDREN["ru"], "{{ children_names }}"),
                  ("Координатор", COORD)],
        "head": ["Время", "Часть", "Что происходит"],
        "parts": [
            ("1. Обмен информацией",
             "Приветствие и знакомство. Координатор объясняет цель и ход встречи, и мы "
             "договариваемся об общих правилах. Направивший специалист рассказывает о своих "
             "опасениях, о вопросе, на который должен ответить план, и об условиях, которые "
             "план должен обеспечить. Специалисты делятся информацией, семья может задать "
             "вопросы. После этого специалисты уходят."),
            ("2. Время семьи наедине",
             "Семья и близкие составляют свой план без посторонних. Координатор находится "
             "рядом и придёт на помощь, если понадобится."),
            ("3. Согласование плана",
             "Семья представляет свой план. Направивший специалист принимает план, если он "
             "обеспечивает безопасность ребёнка. Мы договариваемся, что нужно для выполнения "
             "плана, кто следит за ним и когда состоится повторная встреча."),
        ],
        "question": "Вопрос, на который должен ответить план семьи",
        "bottom": "Условия, которые должны быть обеспечены в плане",
        "who": "Участники", "who_head": ["Имя", "Кем приходится"],
    },
    "en": {
        "title": "Family group conference agenda",
        "facts": [("Time", "{{ conference.when }}–{{ conference.end }}"),
                  ("Place", "{{ conference.place }}"), (CHILDREN["en"], "{{ children_names }}"),
                  ("Coordinator", COORD)],
        "head": ["Time", "Part", "What happens"],
        "parts": [
            ("1. Information sharing",
             "Welcome and introductions. The coordinator explains the purpose and course of the "
             "meeting, and we agree on shared rules. The referrer explains their concerns, the "
             "question the plan must answer and the conditions the plan must ensure. "
             "Professionals share information and the family can ask questions. The "
             "professionals then leave."),
            ("2. Private family time",
             "The family and those close to them make their plan on their own. The coordinator "
             "stays nearby and comes to help if needed."),
            ("3. Agreeing the plan",
             "The family presents its plan. The referrer accepts the plan if it keeps the child "
             "safe. We agree what is needed to carry out the plan, who monitors it and when the "
             "follow-up meeting takes place."),
        ],
        "question": "The question the family's plan must answer",
        "bottom": "Conditions the plan must ensure",
        "who": "Participants", "who_head": ["Name", "Relationship"],
    },
}


def agenda(lang: str) -> None:
    t = AGENDA[lang]
    b = Builder(HEADER[lang], CASE_FOOTER[lang])
    b.title(t["title"])
    b.facts(t["facts"])
    tbl = b.table(t["head"], ["{{ part1.start }}–{{ part1.end }}", *t["parts"][0]],
                  [2.6, 4.2, 9.8])
    for i, (name, what) in enumerate(t["parts"][1:], start=2):
        cells = tbl.add_row().cells
        for c, v in zip(cells, (f"{{{{ part{i}.start }}}}–{{{{ part{i}.end }}}}", name, what),
                        strict=True):
            c.paragraphs[0].add_run(v).font.size = Pt(10)  # as the first row's cells
    for row in tbl.rows[1:]:
        row.cells[1].paragraphs[0].runs[0].bold = True
    b.widths(tbl, [2.6, 4.2, 9.8])
    b.h(t["question"])
    b.p("{{ question }}")
    b.tag("{%p if bottom_lines %}")
    b.h(t["bottom"])
    b.p("{{ bottom_lines }}")
    b.tag("{%p endif %}")
    b.h(t["who"])
    b.table(t["who_head"], ["{{ p.name }}", "{{ p.relation }}"], [8.3, 8.3],
            loop=("p", "participants"))
    b.save(f"agenda.{lang}.docx")


PLAN: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Tegevusplaan",
        "facts": [("Juhtum", "{{ case_number }}"), (CHILDREN["et"], "{{ children_names }}"),
                  ("Lahendusring", "{{ conference.when }}, {{ conference.place }}"),
                  ("Koordinaator", COORD)],
        "question": "Küsimus, millele plaan vastab",
        "agreements": "Kokkulepped",
        "head": ["Nr", "Mida teeme", "Kes teeb", "Mis ajaks", "Kes jälgib"],
        "bottom": "Kuidas plaan tagab suunaja tingimused",
        "contingency": "Kui plaan ei toimi",
        "notes": "Märkused",
        "follow": "Järelkohtumine",
        "follow_text": "{{ follow_up.when }}, {{ follow_up.place }}. Järelkohtumisel vaatame "
                       "koos üle, kuidas kokkulepped toimivad ja kas plaanis on vaja midagi "
                       "muuta.",
        "copies": "Plaani koopia saavad kõik lahendusringil osalejad:",
        "who_head": ["Nimi", "Seos"],
    },
    "ru": {
        "title": "План действий",
        "facts": [("Дело", "{{ case_number }}"), (CHILDREN["ru"], "{{ children_names }}"),
                  ("Конференция", "{{ conference.when }}, {{ conference.place }}"),
                  ("Координатор", COORD)],
        "question": "Вопрос, на который отвечает план",
        "agreements": "Договорённости",
        "head": ["№", "Что делаем", "Кто делает", "К какому сроку", "Кто проверяет"],
        "bottom": "Как план обеспечивает условия направившего специалиста",
        "contingency": "Если план не работает",
        "notes": "Примечания",
        "follow": "Повторная встреча",
        "follow_text": "{{ follow_up.when }}, {{ follow_up.place }}. На повторной встрече мы "
                       "вместе посмотрим, как выполняются договорённости и нужно ли что-то "
                       "изменить в плане.",
        "copies": "Копию плана получают все участники конференции:",
        "who_head": ["Имя", "Кем приходится"],
    },
    "en": {
        "title": "Action plan",
        "facts": [("Case", "{{ case_number }}"), (CHILDREN["en"], "{{ children_names }}"),
                  ("Conference", "{{ conference.when }}, {{ conference.place }}"),
                  ("Coordinator", COORD)],
        "question": "The question this plan answers",
        "agreements": "Agreements",
        "head": ["No.", "What we will do", "Who does it", "By when", "Who checks"],
        "bottom": "How the plan meets the referrer's conditions",
        "contingency": "If the plan does not work",
        "notes": "Notes",
        "follow": "Follow-up meeting",
        "follow_text": "{{ follow_up.when }}, {{ follow_up.place }}. At the follow-up meeting we "
                       "will look together at how the agreements are working and whether "
                       "anything in the plan needs to change.",
        "copies": "Every participant of the conference receives a copy of the plan:",
        "who_head": ["Name", "Relationship"],
    },
}
WIDTHS = [1.1, 6.5, 3.3, 2.8, 2.9]


def plan(lang: str) -> None:
    t = PLAN[lang]
    b = Builder(HEADER[lang], CASE_FOOTER[lang])
    b.title(t["title"])
    b.facts(t["facts"])
    b.h(t["question"])
    b.p("{{ question }}")
    b.h(t["agreements"])
    b.table(t["head"], ["{{ a.number }}", "{{ a.what }}", "{{ a.who }}", "{{ a.by_when }}",
                        "{{ a.checks }}"], WIDTHS, loop=("a", "agreements"))
    for key, var in (("bottom", "bottom_lines_met"), ("contingency", "contingency"),
                     ("notes", "notes")):
        b.tag(f"{{%p if {var} %}}")
        b.h(t[key])
        b.p(f"{{{{ {var} }}}}")
        b.tag("{%p endif %}")
    b.h(t["follow"])
    b.p(t["follow_text"])
    b.p(t["copies"])
    b.table(t["who_head"], ["{{ p.name }}", "{{ p.relation }}"], [8.3, 8.3],
            loop=("p", "participants"))
    b.save(f"plan.{lang}.docx")


def blank_plan() -> None:
    t = PLAN["et"]
    b = Builder(HEADER["et"] + " · tegevusplaani vorm",
                "Tegevusplaani vorm · juhtum {{ case_number }}")
    b.title("Tegevusplaani vorm")
    para = b.p("Juhtum: ", bold=True)
    para._p.append(_sdt_run("case_number", "Juhtumi number", "{{ case_number }}", locked=True))
    b.p("Täitke kokkulepped lahendusringil otse selles failis ja salvestage see Wordi "
        "(DOCX) vormingus. Seejärel pange fail sisendkausta või andke see kontorile. "
        "Juhtumi numbrit ärge muutke: selle järgi jõuab plaan õige juhtumi juurde. Kui ridu "
        "jääb puudu, lisage tabelisse uusi ridu.", italic=True, small=True)
    b.facts([(CHILDREN["et"], "{{ children_names }}"),
             ("Lahendusring", "{{ conference.when }}, {{ conference.place }}"),
             ("Koordinaator", COORD),
             ("Järelkohtumine", "{{ follow_up.when }} (ettepanek)")])
    b.h("Küsimus, millele plaan vastab")
    b.p("{{ question }}")
    b.tag("{%p if bottom_lines %}")
    b.h("Suunaja tingimused")
    b.p("{{ bottom_lines }}")
    b.tag("{%p endif %}")
    b.h(t["agreements"])
    tbl = b.doc.add_table(rows=1, cols=5)
    tbl.style = "Table Grid"
    for i, h in enumerate(t["head"]):
        c = tbl.rows[0].cells[i]
        c.width = Cm(WIDTHS[i])
        c.paragraphs[0].add_run(h).bold = True
        c._tc.get_or_add_tcPr().append(
            parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="E3EEEF"/>'))
    cols = (("what", "Mida teeme"), ("who", "Kes teeb"), ("by_when", "Mis ajaks"),
            ("checks", "Kes jälgib"))
    for r in range(PLAN_ROWS):
        cells = tbl.add_row().cells
        cells[0].paragraphs[0].add_run(str(r + 1))
        for i, (key, alias) in enumerate(cols, start=1):
            cells[i].width = Cm(WIDTHS[i])
            cells[i].paragraphs[0]._p.append(_sdt_run(f"agreements[{r}].{key}", alias))
        tr = tbl.rows[-1]._tr
        tr.get_or_add_trPr().append(
            parse_xml(f'<w:trHeight {nsdecls("w")} w:val="640" w:hRule="atLeast"/>'))
    b.widths(tbl, WIDTHS)
    b.p(after=2)
    for tag, title in (("bottom_lines_met", t["bottom"]), ("contingency", t["contingency"]),
                       ("notes", t["notes"])):
        b.h(title)
        # A framed box with room to write; the field inside it carries the tag.
        box = b.doc.add_table(rows=1, cols=1)
        box.style = "Table Grid"
        box.rows[0].cells[0].paragraphs[0]._p.append(_sdt_run(tag, title))
        box.rows[0]._tr.get_or_add_trPr().append(
            parse_xml(f'<w:trHeight {nsdecls("w")} w:val="1700" w:hRule="atLeast"/>'))
        b.widths(box, [16.6])
    # python-docx keeps sectPr last only for its own additions; move it back to the end.
    body = b.doc.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        body.remove(sect)
        body.append(sect)
    b.save("blank_plan.et.docx")


FOLLOW: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Kutse järelkohtumisele",
        "hello": "Hea {{ recipient.name }}!",
        "intro": "Pere lahendusringil ({{ conference.date }}) leppisite kokku tegevusplaani. "
                 "Kutsume Teid järelkohtumisele, kus vaatame koos üle, kuidas kokkulepped on "
                 "toiminud ja kas plaanis on vaja midagi muuta.",
        "facts": [("Aeg", "{{ follow_up.when }}–{{ follow_up.end }}"),
                  ("Koht", "{{ follow_up.place }}"),
                  (CHILDREN["et"], "{{ children_names }}"), ("Koordinaator", COORD)],
        "bring": "Võtke palun kaasa oma tegevusplaan. Kui Te ei saa tulla, andke "
                 "koordinaatorile teada. Kirjale on lisatud kalendrifail, et saaksite kohtumise "
                 "oma kalendrisse salvestada.",
        "sign": ["Kohtumiseni!", "{{ coordinator.name }}", "koordinaator"],
    },
    "ru": {
        "title": "Приглашение на повторную встречу",
        "hello": "Здравствуйте, {{ recipient.name }}!",
        "intro": "На семейной конференции ({{ conference.date }}) вы договорились о плане "
                 "действий. Приглашаем вас на повторную встречу, где мы вместе посмотрим, как "
                 "выполняются договорённости и нужно ли что-то изменить в плане.",
        "facts": [("Время", "{{ follow_up.when }}–{{ follow_up.end }}"),
                  ("Место", "{{ follow_up.place }}"),
                  (CHILDREN["ru"], "{{ children_names }}"), ("Координатор", COORD)],
        "bring": "Пожалуйста, возьмите с собой свой план действий. Если вы не сможете прийти, "
                 "сообщите координатору. К письму приложен файл календаря, чтобы вы могли "
                 "сохранить встречу в своём календаре.",
        "sign": ["До встречи!", "{{ coordinator.name }}", "координатор"],
    },
    "en": {
        "title": "Invitation to the follow-up meeting",
        "hello": "Dear {{ recipient.name }},",
        "intro": "At the family group conference ({{ conference.date }}) you agreed an action "
                 "plan. We would like to invite you to a follow-up meeting where we will look "
                 "together at how the agreements have worked and whether anything in the plan "
                 "needs to change.",
        "facts": [("Time", "{{ follow_up.when }}–{{ follow_up.end }}"),
                  ("Place", "{{ follow_up.place }}"),
                  (CHILDREN["en"], "{{ children_names }}"), ("Coordinator", COORD)],
        "bring": "Please bring your action plan with you. If you cannot come, please let the "
                 "coordinator know. A calendar file is attached so that you can save the "
                 "meeting in your calendar.",
        "sign": ["See you there.", "{{ coordinator.name }}", "Coordinator"],
    },
}


def follow_up_invitation(lang: str) -> None:
    t = FOLLOW[lang]
    b = Builder(HEADER[lang], CASE_FOOTER[lang])
    b.p("{{ today }}", right=True)
    b.title(t["title"])
    b.p(t["hello"])
    b.p(t["intro"])
    b.facts(t["facts"])
    b.p(t["bring"])
    b.lines(*t["sign"])
    b.save(f"follow_up_invitation.{lang}.docx")


BUILDERS: list[Callable[[], None]] = [acknowledgement, return_letter, case_summary, blank_plan]


def main() -> int:
    for fn in BUILDERS:
        fn()
    for lang in ("et", "ru", "en"):
        invitation(lang)
        agenda(lang)
        plan(lang)
        follow_up_invitation(lang)
    print(f"templates written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
