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
        # The provider's letterhead (settings PLR_PROVIDER_*): logo and name, then the
        # contact line; `header` names the document for the coordinators' own copies.
        hp = sec.header.paragraphs[0]
        hp.add_run("{{ provider_logo }}")
        name = hp.add_run("{{ provider.name }}")
        name.bold = True
        name.font.size = Pt(11)
        name.font.color.rgb = ACCENT
        hp.paragraph_format.space_after = Pt(0)
        self._small(sec.header.add_paragraph(), "{{ provider.line }}")
        if header:
            self._small(sec.header.add_paragraph(), header)
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

    def by_kind(self, parts: dict[str, Callable[[], None]]) -> None:
        """One block per recipient kind (`recipient.kind`); "family" is the fallback."""
        first = True
        for kind, fn in parts.items():
            if kind == "family":
                continue
            self.tag(f'{{%p {"if" if first else "elif"} recipient.kind == "{kind}" %}}')
            fn()
            first = False
        self.tag("{%p else %}")
        parts["family"]()
        self.tag("{%p endif %}")

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
COORD = "{{ coordinator.contact }}"
# The recipient kinds a letter is written for (context.reader_kind).
KINDS = ("child", "teen", "referrer", "info", "family")


def address(b: Builder) -> None:
    """The referrer's name, position and organisation, each only when given."""
    b.p("{{ referrer.name }}", after=0)
    for key in ("position", "organisation"):
        b.tag(f"{{%p if referrer.{key} %}}")
        b.p(f"{{{{ referrer.{key} }}}}", after=0)
        b.tag("{%p endif %}")
    b.p(after=6)


def acknowledgement() -> None:
    b = Builder("", CASE_FOOTER["et"])
    b.p("{{ today }}", right=True)
    address(b)
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
    b.lines("Lugupidamisega", "{{ provider.name }}")
    b.save("acknowledgement.et.docx")


def return_letter() -> None:
    b = Builder("", "Pere lahendusring · suunamise tagastamine")
    b.p("{{ today }}", right=True)
    b.tag("{%p if referrer.name %}")
    address(b)
    b.tag("{%p endif %}")
    b.title("Suunamise tagastamine")
    b.p("{% if referrer.name %}Hea {{ referrer.name }}!{% else %}Tere!{% endif %}")
    b.p("Täname Teid suunamise eest. Kahjuks ei saa me seda praegu registreerida, sest "
        "suunamisvormis on puudusi. Palun parandage allpool nimetatud kohad ja saatke vorm meile "
        "uuesti. Muu võib jääda nii, nagu see oli.")
    b.facts([("Fail", "{{ source_file }}"),
             ("Suunamise kuupäev", '{{ referral_date or "ei ole märgitud" }}'),
             (CHILDREN["et"], '{{ children_names or "ei ole märgitud" }}')])
    b.h("Mida parandada")
    b.table(["Lahter vormil", "Mida teha"], ["{{ i.label }}", "{{ i.message }}"],
            [5.2, 11.4], loop=("i", "issues"))
    b.p("Parandatud vormi saatke palun {% if send_to %}aadressile {{ send_to }}{% else %}"
        "vastusena sellele kirjale{% endif %}. Saadetud fail on meie juures alles muutmata "
        "kujul. Kui Teil on küsimusi, vastame meelsasti.")
    b.lines("Lugupidamisega", "{{ provider.name }}")
    b.save("return_letter.et.docx")


def case_summary() -> None:
    b = Builder(HEADER["et"] + " · juhtumi ülevaade koordinaatorile",
                "Konfidentsiaalne · juhtum {{ case_number }}")
    b.title("Juhtumi ülevaade {{ case_number }}")
    b.facts([
        ("Suunamine saabus", "{{ received }}"),
        ("Suunamise kuupäev", '{{ referral_date or "—" }}'),
        ("Fail", '{{ source_file or "—" }}'),
        ("Pere suhtluskeel", "{{ family_language }}"),
        ("Tõlk", "{% if interpreter_needed %}vajalik{% else %}ei ole vaja{% endif %}"),
        ("Nõusolek", '{{ consent or "—" }}'),
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
    b.facts([(label, f'{{{{ referrer.{key} or "—" }}}}') for label, key in (
        ("Nimi", "name"), ("Ametikoht", "position"), ("Asutus", "organisation"),
        ("Kohalik omavalitsus", "municipality"), ("Telefon", "phone"), ("E-post", "email"))])
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
    b.p('{{ situation or "(ei ole märgitud)" }}')
    b.h("Kaitse- ja riskitegurid")
    b.table(["Lapse heaolu kolmnurga külg", "Riskitegurid", "Kaitsetegurid"],
            ["{{ s.title }}", "{{ s.risk }}", "{{ s.protective }}"], [4.0, 6.3, 6.3],
            loop=("s", "sides"))
    b.h("Lahendusringi küsimus")
    b.p('{{ question or "(ei ole märgitud)" }}')
    b.p("Tingimused, mis peavad plaanis olema tagatud", bold=True, after=2)
    b.p("{% if bottom_lines %}{{ bottom_lines }}{% else %}(ei ole märgitud){% endif %}")
    b.save("case_summary.et.docx")


# Each reader gets a letter written for them: a child under 12 a short, warm one
# (Estonian "sina", Russian "ты"), a 12–17-year-old a direct one, the referrer what
# is asked of them (parts 1 and 3), an information giver part 1 only, the family
# and network the full invitation (formal "Teie" / "Вы").
INVITE: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Kutse pere lahendusringile",
        "child": {
            "hello": "Hea {{ recipient.first_name }}!",
            "body": [
                "Sinu pere saab varsti kokku, et rääkida sellest, kuidas sul kodus ja mujal "
                "hästi läheks. Seda kohtumist nimetatakse pere lahendusringiks. Sinna tulevad "
                "sinu pere ja teised inimesed, kes sinust hoolivad. Ka sind oodatakse!",
            ],
            "facts": [("Millal", "{{ conference.span }}"), ("Kus", "{{ conference.place }}"),
                      ("Kes aitab", "{{ coordinator.name }}, koordinaator")],
            "after": [
                "Sinu mõtted on tähtsad. Mõtle enne kohtumist, mis sulle meeldib, mis teeb "
                "sind kurvaks ja mida sa sooviksid. Kui tahad, joonista või kirjuta see üles "
                "ja võta kohtumisele kaasa.",
                "Sa ei pea kogu aeg kohtumisel olema ega kõigi ees rääkima. Kui sul on "
                "küsimusi, küsi julgesti oma vanematelt või koordinaatorilt.",
            ],
            "sign": ["Ootame sind!", "{{ coordinator.name }}"],
        },
        "teen": {
            "hello": "Tere, {{ recipient.first_name }}!",
            "body": [
                "Kutsume sind pere lahendusringile. See on kohtumine, kus sinu pere, "
                "sugulased ja teised lähedased teevad koos plaani, et sinul ja su perel "
                "läheks paremini. Plaan puudutab sind, nii et sinu arvamus on selles väga "
                "oluline.",
            ],
            "facts": [("Aeg", "{{ conference.span }}"), ("Koht", "{{ conference.place }}"),
                      ("Koordinaator", COORD)],
            "after": [
                "Mõtle enne kohtumist, mis praegu hästi läheb, mis on raske ja mida sa "
                "sooviksid, et muutuks. Kui sa ei taha kõike ise kõigi ees öelda, võid oma "
                "mõtted enne koordinaatoriga läbi rääkida või kirja panna. Kui soovid, et "
                "keegi oleks kohtumisel sulle toeks, ütle seda koordinaatorile.",
                "Kui sul on küsimusi või sa ei saa tulla, anna koordinaatorile teada. Kirjale "
                "on lisatud kalendrifail: ava see telefonis ja kohtumine salvestub su "
                "kalendrisse.",
            ],
            "sign": ["Kohtumiseni!", "{{ coordinator.name }}", "koordinaator"],
        },
        "referrer": {
            "hello": "Hea {{ recipient.name }}!",
            "body": [
                "Kutsume Teid pere lahendusringile, kuhu suunasite pere (juhtum "
                "{{ case_number }}).",
            ],
            "facts": [("Aeg", "{{ conference.span }}"), ("Koht", "{{ conference.place }}"),
                      (CHILDREN["et"], "{{ children_names }}"), ("Koordinaator", COORD)],
            "after": [
                "Palume Teil osaleda lahendusringi esimeses ja kolmandas osas. Infojagamisel "
                "kell {{ part1.start }}–{{ part1.end }} tutvustate oma muret, küsimust, "
                "millele pere plaan peab vastama, ja tingimusi, mis peavad plaanis olema "
                "tagatud. Kell {{ part2.start }}–{{ part2.end }} teeb pere oma plaani "
                "omaette; sel ajal Te ei osale. Plaani kokkuleppimisel kell "
                "{{ part3.start }}–{{ part3.end }} tutvustab pere oma plaani ja Teie "
                "hindate, kas see tagab lapse turvalisuse.",
            ],
            "referrer_texts": ("Teie küsimus suunamises", "Teie tingimused suunamises"),
            "cant": "Kui Te ei saa tulla, andke palun koordinaatorile võimalikult varakult "
                    "teada. Kirjale on lisatud kalendrifail.",
            "sign": ["Lugupidamisega", "{{ coordinator.name }}", "koordinaator"],
        },
        "info": {
            "hello": "Hea {{ recipient.name }}!",
            "body": [
                "Kutsume Teid pere lahendusringile spetsialistina. Lahendusring on kohtumine, "
                "kus pere, sugulased ja sõbrad teevad koos plaani, et {% if one_child %}laps "
                "saaks{% else %}lapsed saaksid{% endif %} kasvada turvaliselt ja hästi.",
            ],
            "facts": [("Teie osa", "{{ conference.date }}, kell "
                       "{{ part1.start }}–{{ part1.end }} (infojagamine)"),
                      ("Koht", "{{ conference.place }}"),
                      (CHILDREN["et"], "{{ children_names }}"), ("Koordinaator", COORD)],
            "after": [
                "Palume Teil osaleda lahendusringi esimeses osas, infojagamisel. Selles osas "
                "räägib suunaja oma murest ja spetsialistid jagavad teavet, mis aitab perel "
                "plaani teha. Palun rääkige lühidalt ja arusaadavalt sellest, mida Te lapse "
                "ja pere kohta teate, ning ka sellest, mis pere juures hästi on. Seejärel "
                "jääb pere omaette oma plaani koostama.",
            ],
            "cant": "Kui Te ei saa tulla, andke palun koordinaatorile teada; võite oma teabe "
                    "saata ka kirjalikult. Kirjale on lisatud kalendrifail, mis hõlmab "
                    "ainult Teie osa.",
            "sign": ["Lugupidamisega", "{{ coordinator.name }}", "koordinaator"],
        },
        "family": {
            "hello": "Hea {{ recipient.name }}!",
            "body": [
                "Kutsume Teid pere lahendusringile. Lahendusring on kohtumine, kus pere, "
                "sugulased ja sõbrad teevad koos plaani, et {% if one_child %}laps saaks"
                "{% else %}lapsed saaksid{% endif %} kasvada turvaliselt ja hästi.",
            ],
            "facts": [("Aeg", "{{ conference.span }}"), ("Koht", "{{ conference.place }}"),
                      (CHILDREN["et"], "{{ children_names }}"), ("Koordinaator", COORD)],
            "after": [
                "Lahendusringil on kolm osa: kõigepealt jagame teavet, siis teeb pere omaette "
                "oma plaani ja lõpuks lepime plaani koos kokku. Päevakord on kirjale lisatud.",
                "Mõelge enne kohtumist, kuidas Teie saaksite {% if one_child %}last"
                "{% else %}lapsi{% endif %} toetada. Iga abi, mida oskate ja saate pakkuda, "
                "on oluline.",
            ],
            "cant": "Kui Te ei saa tulla, andke palun koordinaatorile teada. Kirjale on lisatud "
                    "kalendrifail: avage see telefonis või arvutis, et kohtumine oma "
                    "kalendrisse salvestada.",
            "sign": ["Ootame Teid!", "{{ coordinator.name }}", "koordinaator"],
        },
    },
    "ru": {
        "title": "Приглашение на семейную конференцию",
        "child": {
            "hello": "Привет, {{ recipient.first_name }}!",
            "body": [
                "Скоро твоя семья соберётся, чтобы поговорить о том, как сделать так, чтобы "
                "тебе дома и везде было хорошо. Такая встреча называется семейной "
                "конференцией. На неё придут твоя семья и другие люди, которые о тебе "
                "заботятся. Мы ждём и тебя!",
            ],
            "facts": [("Когда", "{{ conference.span }}"), ("Где", "{{ conference.place }}"),
                      ("Кто поможет", "{{ coordinator.name }}, координатор")],
            "after": [
                "Твои мысли очень важны. Подумай перед встречей, что тебе нравится, что тебя "
                "огорчает и чего тебе хочется. Если хочешь, нарисуй или напиши это и возьми "
                "с собой.",
                "Тебе не нужно быть на встрече всё время или говорить при всех. Если у тебя "
                "есть вопросы, смело спроси родителей или координатора.",
            ],
            "sign": ["Ждём тебя!", "{{ coordinator.name }}"],
        },
        "teen": {
            "hello": "Привет, {{ recipient.first_name }}!",
            "body": [
                "Приглашаем тебя на семейную конференцию. Это встреча, на которой твоя семья, "
                "родственники и другие близкие вместе составляют план, чтобы тебе и твоей "
                "семье жилось лучше. План касается тебя, поэтому твоё мнение в нём очень "
                "важно.",
            ],
            "facts": [("Время", "{{ conference.span }}"), ("Место", "{{ conference.place }}"),
                      ("Координатор", COORD)],
            "after": [
                "Подумай перед встречей, что сейчас получается хорошо, что трудно и что тебе "
                "хотелось бы изменить. Если не хочешь говорить обо всём при всех, можешь заранее "
                "обсудить свои мысли с координатором или записать их. Если хочешь, чтобы "
                "кто-то поддержал тебя на встрече, скажи об этом координатору.",
                "Если у тебя есть вопросы или ты не сможешь прийти, сообщи координатору. К "
                "письму приложен файл календаря: открой его в телефоне, и встреча сохранится "
                "в твоём календаре.",
            ],
            "sign": ["До встречи!", "{{ coordinator.name }}", "координатор"],
        },
        "referrer": {
            "hello": "Здравствуйте, {{ recipient.name }}!",
            "body": ["Приглашаем Вас на семейную конференцию семьи, которую Вы направили "
                     "(дело {{ case_number }})."],
            "facts": [("Время", "{{ conference.span }}"), ("Место", "{{ conference.place }}"),
                      (CHILDREN["ru"], "{{ children_names }}"), ("Координатор", COORD)],
            "after": [
                "Просим Вас принять участие в первой и третьей частях конференции. В первой "
                "части ({{ part1.start }}–{{ part1.end }}) Вы рассказываете о своих "
                "опасениях, о вопросе, на который должен ответить план семьи, и об условиях, "
                "которые план должен обеспечить. С {{ part2.start }} до {{ part2.end }} семья "
                "составляет свой план наедине; в это время Вы не участвуете. В третьей части "
                "({{ part3.start }}–{{ part3.end }}) семья представляет свой план, и Вы "
                "оцениваете, обеспечивает ли он безопасность ребёнка.",
            ],
            "referrer_texts": ("Ваш вопрос в направлении", "Ваши условия в направлении"),
            "cant": "Если Вы не сможете прийти, пожалуйста, как можно раньше сообщите "
                    "координатору. К письму приложен файл календаря.",
            "sign": ["С уважением,", "{{ coordinator.name }}", "координатор"],
        },
        "info": {
            "hello": "Здравствуйте, {{ recipient.name }}!",
            "body": ["Приглашаем Вас на семейную конференцию как специалиста. Это встреча, на "
                     "которой семья, родственники и друзья вместе составляют план, чтобы "
                     "{% if one_child %}ребёнок мог{% else %}дети могли{% endif %} расти в "
                     "безопасности и благополучии."],
            "facts": [("Ваша часть", "{{ conference.date }}, {{ part1.start }}–{{ part1.end }} "
                       "(обмен информацией)"),
                      ("Место", "{{ conference.place }}"),
                      (CHILDREN["ru"], "{{ children_names }}"), ("Координатор", COORD)],
            "after": [
                "Просим Вас принять участие в первой части конференции — обмене информацией. "
                "В этой части направивший специалист рассказывает о своих опасениях, а "
                "специалисты делятся сведениями, которые помогут семье составить план. "
                "Пожалуйста, расскажите коротко и понятно, что Вы знаете о ребёнке и семье, "
                "в том числе о том, что у семьи получается хорошо. После этого семья "
                "продолжает работу одна.",
            ],
            "cant": "Если Вы не сможете прийти, пожалуйста, сообщите координатору; свои "
                    "сведения можно передать и письменно. Приложенный файл календаря "
                    "охватывает только Вашу часть.",
            "sign": ["С уважением,", "{{ coordinator.name }}", "координатор"],
        },
        "family": {
            "hello": "Здравствуйте, {{ recipient.name }}!",
            "body": ["Приглашаем Вас на семейную конференцию. Это встреча, на которой семья, "
                     "родственники и друзья вместе составляют план, чтобы {% if one_child %}"
                     "ребёнок мог{% else %}дети могли{% endif %} расти в безопасности и "
                     "благополучии."],
            "facts": [("Время", "{{ conference.span }}"), ("Место", "{{ conference.place }}"),
                      (CHILDREN["ru"], "{{ children_names }}"), ("Координатор", COORD)],
            "after": [
                "Конференция состоит из трёх частей: сначала мы обмениваемся информацией, "
                "затем семья наедине составляет свой план, и в конце мы вместе его "
                "согласовываем. Повестка дня приложена к письму.",
                "Подумайте заранее, чем Вы могли бы поддержать {% if one_child %}ребёнка"
                "{% else %}детей{% endif %}. Важна любая помощь, которую Вы можете "
                "предложить.",
            ],
            "cant": "Если Вы не сможете прийти, пожалуйста, сообщите координатору. К письму "
                    "приложен файл календаря: откройте его на телефоне или компьютере, чтобы "
                    "сохранить встречу в своём календаре.",
            "sign": ["Ждём Вас!", "{{ coordinator.name }}", "координатор"],
        },
    },
    "en": {
        "title": "Invitation to a family group conference",
        "child": {
            "hello": "Dear {{ recipient.first_name }},",
            "body": [
                "Soon your family will meet to talk about how things can go well for you at "
                "home and everywhere else. This meeting is called a family group conference. "
                "Your family and other people who care about you will be there. We would "
                "love you to come too!",
            ],
            "facts": [("When", "{{ conference.span }}"), ("Where", "{{ conference.place }}"),
                      ("Who helps", "{{ coordinator.name }}, the coordinator")],
            "after": [
                "What you think matters. Before the meeting, think about what you like, what "
                "makes you sad and what you would wish for. If you like, draw it or write it "
                "down and bring it with you.",
                "You don't have to stay the whole time or speak in front of everyone. If you "
                "have any questions, just ask your parents or the coordinator.",
            ],
            "sign": ["See you soon!", "{{ coordinator.name }}"],
        },
        "teen": {
            "hello": "Hi {{ recipient.first_name }},",
            "body": [
                "We'd like to invite you to a family group conference. It's a meeting where "
                "your family, relatives and other people close to you make a plan together "
                "so that things get better for you and your family. The plan is about you, "
                "so what you think really matters.",
            ],
            "facts": [("Time", "{{ conference.span }}"), ("Place", "{{ conference.place }}"),
                      ("Coordinator", COORD)],
            "after": [
                "Before the meeting, think about what is going well, what is hard and what "
                "you would like to change. If you don't want to say everything yourself in "
                "front of everyone, you can talk it through with the coordinator first or "
                "write it down. If you'd like someone to be there to support you, tell the "
                "coordinator.",
                "If you have questions or can't come, let the coordinator know. A calendar "
                "file is attached: open it on your phone to save the meeting in your "
                "calendar.",
            ],
            "sign": ["See you there,", "{{ coordinator.name }}", "Coordinator"],
        },
        "referrer": {
            "hello": "Dear {{ recipient.name }},",
            "body": ["We would like to invite you to the family group conference of the "
                     "family you referred (case {{ case_number }})."],
            "facts": [("Time", "{{ conference.span }}"), ("Place", "{{ conference.place }}"),
                      (CHILDREN["en"], "{{ children_names }}"), ("Coordinator", COORD)],
            "after": [
                "We ask you to take part in the first and third parts of the conference. In "
                "information sharing ({{ part1.start }}–{{ part1.end }}) you present your "
                "concerns, the question the family's plan must answer and the bottom lines "
                "the plan must ensure. From {{ part2.start }} to {{ part2.end }} the family "
                "makes its plan in private; you do not take part then. In agreeing the plan "
                "({{ part3.start }}–{{ part3.end }}) the family presents its plan and you "
                "judge whether it keeps the child safe.",
            ],
            "referrer_texts": ("Your question in the referral",
                               "Your bottom lines in the referral"),
            "cant": "If you cannot come, please let the coordinator know as early as "
                    "possible. A calendar file is attached.",
            "sign": ["Kind regards,", "{{ coordinator.name }}", "Coordinator"],
        },
        "info": {
            "hello": "Dear {{ recipient.name }},",
            "body": ["We would like to invite you to a family group conference as a "
                     "professional. It is a meeting where the family, relatives and friends "
                     "make a plan together so that {% if one_child %}the child can"
                     "{% else %}the children can{% endif %} grow up safe and well."],
            "facts": [("Your part", "{{ conference.date }}, {{ part1.start }}–{{ part1.end }} "
                       "(information sharing)"),
                      ("Place", "{{ conference.place }}"),
                      (CHILDREN["en"], "{{ children_names }}"), ("Coordinator", COORD)],
            "after": [
                "We ask you to take part in the first part of the conference, information "
                "sharing. In this part the referrer explains their concerns and "
                "professionals share information that helps the family make its plan. "
                "Please say briefly and clearly what you know about the child and the "
                "family, including what is going well. The family then carries on by itself.",
            ],
            "cant": "If you cannot come, please let the coordinator know; you may also send "
                    "your information in writing. The attached calendar file covers your "
                    "part only.",
            "sign": ["Kind regards,", "{{ coordinator.name }}", "Coordinator"],
        },
        "family": {
            "hello": "Dear {{ recipient.name }},",
            "body": ["We would like to invite you to a family group conference. It is a "
                     "meeting where the family, relatives and friends make a plan together so "
                     "that {% if one_child %}the child can{% else %}the children can"
                     "{% endif %} grow up safe and well."],
            "facts": [("Time", "{{ conference.span }}"), ("Place", "{{ conference.place }}"),
                      (CHILDREN["en"], "{{ children_names }}"), ("Coordinator", COORD)],
            "after": [
                "The conference has three parts: first we share information, then the family "
                "makes its own plan in private, and finally we agree the plan together. The "
                "agenda is attached.",
                "Before the meeting, please think about how you could support "
                "{% if one_child %}the child{% else %}the children{% endif %}. Any help you "
                "can offer matters.",
            ],
            "cant": "If you cannot come, please let the coordinator know. A calendar file is "
                    "attached: open it on your phone or computer to save the meeting in your "
                    "calendar.",
            "sign": ["We look forward to seeing you.", "{{ coordinator.name }}", "Coordinator"],
        },
    },
}


def referrer_texts(b: Builder, headings: tuple[str, str]) -> None:
    """The referrer's question and bottom lines; in ru/en under a note that they are the
    referrer's own Estonian words (unless the coordinator gave a translation)."""
    for heading, var in zip(headings, ("question", "bottom_lines"), strict=True):
        b.tag(f"{{%p if {var} %}}")
        b.doc.add_paragraph(heading, style="Heading 2")
        b.tag("{%p if referrer_text_note %}")
        b.p("{{ referrer_text_note }}", italic=True, small=True, after=2)
        b.tag("{%p endif %}")
        b.p(f"{{{{ {var} }}}}")
        b.tag("{%p endif %}")


def letter_part(b: Builder, part: dict[str, Any]) -> Callable[[], None]:
    def write() -> None:
        b.p(part["hello"])
        for text in part["body"]:
            b.p(text)
        b.facts(part["facts"])
        for text in part["after"]:
            b.p(text)
        if "referrer_texts" in part:
            referrer_texts(b, part["referrer_texts"])
        if "cant" in part:
            b.p(part["cant"])
        b.lines(*part["sign"])
    return write


def invitation(lang: str) -> None:
    t = INVITE[lang]
    b = Builder("", CASE_FOOTER[lang])
    b.p("{{ today }}", right=True)
    b.title(t["title"])
    b.by_kind({k: letter_part(b, t[k]) for k in KINDS})
    b.save(f"invitation.{lang}.docx")


AGENDA: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Pere lahendusringi päevakord",
        "facts": [("Aeg", "{{ conference.span }}"),
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
        "facts": [("Время", "{{ conference.span }}"),
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
        "facts": [("Time", "{{ conference.span }}"),
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
    b = Builder("", CASE_FOOTER[lang])
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
    referrer_texts(b, (t["question"], t["bottom"]))
    b.h(t["who"])
    b.table(t["who_head"], ["{{ p.name }}", "{{ p.relation }}"], [8.3, 8.3],
            loop=("p", "participants"))
    b.save(f"agenda.{lang}.docx")


PLAN: dict[str, dict[str, Any]] = {
    "et": {
        "title": "Tegevusplaan",
        "facts": [("Juhtum", "{{ case_number }}"), (CHILDREN["et"], "{{ children_names }}"),
                  ("Lahendusring", "{{ conference.where }}"),
                  ("Koordinaator", COORD)],
        "question": "Küsimus, millele plaan vastab",
        "agreements": "Kokkulepped",
        "head": ["Nr", "Mida teeme", "Kes teeb", "Mis ajaks", "Kes jälgib"],
        "bottom": "Kuidas plaan tagab suunaja tingimused",
        "contingency": "Kui plaan ei toimi",
        "notes": "Märkused",
        "follow": "Järelkohtumine",
        "follow_text": "{{ follow_up.where }}. Järelkohtumisel vaatame "
                       "koos üle, kuidas kokkulepped toimivad ja kas plaanis on vaja midagi "
                       "muuta.",
        "copies": "Plaani koopia saavad kõik lahendusringil osalejad:",
        "who_head": ["Nimi", "Seos"],
    },
    "ru": {
        "title": "План действий",
        "facts": [("Дело", "{{ case_number }}"), (CHILDREN["ru"], "{{ children_names }}"),
                  ("Конференция", "{{ conference.where }}"),
                  ("Координатор", COORD)],
        "question": "Вопрос, на который отвечает план",
        "agreements": "Договорённости",
        "head": ["№", "Что делаем", "Кто делает", "К какому сроку", "Кто проверяет"],
        "bottom": "Как план обеспечивает условия направившего специалиста",
        "contingency": "Если план не работает",
        "notes": "Примечания",
        "follow": "Повторная встреча",
        "follow_text": "{{ follow_up.where }}. На повторной встрече мы "
                       "вместе посмотрим, как выполняются договорённости и нужно ли что-то "
                       "изменить в плане.",
        "copies": "Копию плана получают все участники конференции:",
        "who_head": ["Имя", "Кем приходится"],
    },
    "en": {
        "title": "Action plan",
        "facts": [("Case", "{{ case_number }}"), (CHILDREN["en"], "{{ children_names }}"),
                  ("Conference", "{{ conference.where }}"),
                  ("Coordinator", COORD)],
        "question": "The question this plan answers",
        "agreements": "Agreements",
        "head": ["No.", "What we will do", "Who does it", "By when", "Who checks"],
        "bottom": "How the plan meets the referrer's conditions",
        "contingency": "If the plan does not work",
        "notes": "Notes",
        "follow": "Follow-up meeting",
        "follow_text": "{{ follow_up.where }}. At the follow-up meeting we "
                       "will look together at how the agreements are working and whether "
                       "anything in the plan needs to change.",
        "copies": "Every participant of the conference receives a copy of the plan:",
        "who_head": ["Name", "Relationship"],
    },
}
PLAN["et"]["bottom_question"] = "Suunaja tingimused"
PLAN["ru"]["bottom_question"] = "Условия направившего специалиста"
PLAN["en"]["bottom_question"] = "The referrer's bottom lines"
PLAN_FOR_CHILD = {
    "et": ("Hea {{ recipient.first_name }}!",
           "Siin on plaan, mille sinu pere ja lähedased lahendusringil kokku leppisid. Selles "
           "on kirjas, kes mida teeb, et sul oleks hea ja turvaline. Kui midagi jääb "
           "arusaamatuks või plaan ei toimi, räägi sellest oma vanematega või "
           "koordinaatoriga."),
    "ru": ("Привет, {{ recipient.first_name }}!",
           "Вот план, о котором договорились твоя семья и близкие на конференции. В нём "
           "написано, кто что делает, чтобы тебе было хорошо и безопасно. Если что-то "
           "непонятно или план не работает, расскажи об этом родителям или координатору."),
    "en": ("Dear {{ recipient.first_name }},",
           "Here is the plan your family and the people close to you agreed at the "
           "conference. It says who does what so that you are safe and well. If anything is "
           "unclear or the plan isn't working, tell your parents or the coordinator."),
}
WIDTHS = [1.1, 6.5, 3.3, 2.8, 2.9]


def plan(lang: str) -> None:
    t = PLAN[lang]
    b = Builder("", CASE_FOOTER[lang])
    b.title(t["title"])
    # A child reads a few words to them before the plan itself.
    b.tag('{%p if recipient.kind == "child" or recipient.kind == "teen" %}')
    b.p(PLAN_FOR_CHILD[lang][0], bold=True)
    b.p(PLAN_FOR_CHILD[lang][1])
    b.tag("{%p endif %}")
    b.facts(t["facts"])
    referrer_texts(b, (t["question"], t["bottom_question"]))
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
             ("Lahendusring", "{{ conference.where }}"),
             ("Koordinaator", COORD),
             ("Järelkohtumine", "{{ follow_up.when }} (ettepanek)")])
    referrer_texts(b, ("Küsimus, millele plaan vastab", "Suunaja tingimused"))
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
        "facts": [("Aeg", "{{ follow_up.span }}"),
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
        "facts": [("Время", "{{ follow_up.span }}"),
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
        "facts": [("Time", "{{ follow_up.span }}"),
                  ("Place", "{{ follow_up.place }}"),
                  (CHILDREN["en"], "{{ children_names }}"), ("Coordinator", COORD)],
        "bring": "Please bring your action plan with you. If you cannot come, please let the "
                 "coordinator know. A calendar file is attached so that you can save the "
                 "meeting in your calendar.",
        "sign": ["See you there.", "{{ coordinator.name }}", "Coordinator"],
    },
}


FOLLOW_CHILD: dict[str, dict[str, dict[str, Any]]] = {
    "et": {
        "child": {"hello": "Hea {{ recipient.first_name }}!",
                  "text": "Sinu pere leppis lahendusringil kokku plaani. Nüüd saame uuesti "
                          "kokku, et rääkida, kuidas plaan on toiminud ja kas sul on hea. Ka "
                          "sind oodatakse!",
                  "facts": [("Millal", "{{ follow_up.span }}"), ("Kus", "{{ follow_up.place }}")],
                  "sign": ["Ootame sind!", "{{ coordinator.name }}"]},
        "teen": {"hello": "Tere, {{ recipient.first_name }}!",
                 "text": "Lahendusringil lepiti kokku plaan. Järelkohtumisel vaatame koos üle, "
                         "kuidas see on toiminud ja kas midagi on vaja muuta. Sinu arvamus on "
                         "siingi tähtis: mõtle, mis on läinud hästi ja mis mitte.",
                 "facts": [("Aeg", "{{ follow_up.span }}"), ("Koht", "{{ follow_up.place }}"),
                           ("Koordinaator", COORD)],
                 "sign": ["Kohtumiseni!", "{{ coordinator.name }}", "koordinaator"]},
    },
    "ru": {
        "child": {"hello": "Привет, {{ recipient.first_name }}!",
                  "text": "Твоя семья договорилась на конференции о плане. Теперь мы снова "
                          "встретимся, чтобы поговорить, как работает план и хорошо ли тебе. "
                          "Мы ждём и тебя!",
                  "facts": [("Когда", "{{ follow_up.span }}"), ("Где", "{{ follow_up.place }}")],
                  "sign": ["Ждём тебя!", "{{ coordinator.name }}"]},
        "teen": {"hello": "Привет, {{ recipient.first_name }}!",
                 "text": "На конференции договорились о плане. На повторной встрече мы вместе "
                         "посмотрим, как он работает и нужно ли что-то изменить. Твоё мнение "
                         "и здесь важно: подумай, что получилось хорошо, а что нет.",
                 "facts": [("Время", "{{ follow_up.span }}"), ("Место", "{{ follow_up.place }}"),
                           ("Координатор", COORD)],
                 "sign": ["До встречи!", "{{ coordinator.name }}", "координатор"]},
    },
    "en": {
        "child": {"hello": "Dear {{ recipient.first_name }},",
                  "text": "Your family agreed a plan at the conference. Now we will meet "
                          "again to talk about how the plan is working and whether you are "
                          "doing well. We would love you to come too!",
                  "facts": [("When", "{{ follow_up.span }}"),
                            ("Where", "{{ follow_up.place }}")],
                  "sign": ["See you soon!", "{{ coordinator.name }}"]},
        "teen": {"hello": "Hi {{ recipient.first_name }},",
                 "text": "A plan was agreed at the conference. At the follow-up meeting we'll "
                         "look together at how it is working and whether anything needs to "
                         "change. What you think matters here too: think about what has gone "
                         "well and what hasn't.",
                 "facts": [("Time", "{{ follow_up.span }}"), ("Place", "{{ follow_up.place }}"),
                           ("Coordinator", COORD)],
                 "sign": ["See you there,", "{{ coordinator.name }}", "Coordinator"]},
    },
}


def follow_up_invitation(lang: str) -> None:
    t = FOLLOW[lang]
    b = Builder("", CASE_FOOTER[lang])
    b.p("{{ today }}", right=True)
    b.title(t["title"])

    def child(kind: str) -> Callable[[], None]:
        c = FOLLOW_CHILD[lang][kind]

        def write() -> None:
            b.p(c["hello"])
            b.p(c["text"])
            b.facts(c["facts"])
            b.lines(*c["sign"])
        return write

    def adult() -> None:
        b.p(t["hello"])
        b.p(t["intro"])
        b.facts(t["facts"])
        b.p(t["bring"])
        b.lines(*t["sign"])

    b.by_kind({"child": child("child"), "teen": child("teen"), "family": adult})
    b.save(f"follow_up_invitation.{lang}.docx")


# The cancellation notice (tühistamisteade) for a moved or called-off meeting. The
# times stand in a table of their own, so no sentence has to inflect a date.
CANCEL: dict[str, dict[str, Any]] = {
    "et": {
        "title": "{% if moved %}Lahendusringi aeg on muutunud{% elif cancelled_follow_up %}"
                 "Järelkohtumine jääb ära{% else %}Lahendusring jääb ära{% endif %}",
        "moved_facts": [("Varasem aeg", "{{ cancelled.span }}"),
                        ("Uus aeg", "{{ conference.span }}"), ("Koht", "{{ conference.place }}")],
        "off_facts": [("Tühistatud aeg", "{{ cancelled.span }}"),
                      ("Koht", "{{ cancelled.place }}")],
        "adult": {
            "hello": "Hea {{ recipient.name }}!",
            "moved": "Teatame, et pere lahendusring on viidud uuele ajale. Uue kutse saate "
                     "eraldi kirjaga.",
            "off": "Teatame, et {% if cancelled_follow_up %}järelkohtumine{% else %}pere "
                   "lahendusring{% endif %} jääb ära.",
            "calendar": "Kui salvestasite kohtumise oma kalendrisse, avage kirjale lisatud "
                        "kalendrifail: see eemaldab vana aja Teie kalendrist.",
            "ask": "Küsimuste korral võtke palun ühendust koordinaatoriga: "
                   "{{ coordinator.contact }}.",
            "sign": ["Lugupidamisega", "{{ coordinator.name }}", "koordinaator"],
        },
        "young": {
            "hello": "Hea {{ recipient.first_name }}!",
            "moved": "Kohtumise aeg on muutunud. Uue kutse saad eraldi.",
            "off": "Kohtumine, kuhu sind kutsuti, jääb ära.",
            "calendar": "Kui sul on küsimusi, küsi oma vanematelt või koordinaatorilt.",
            "sign": ["Kõike head!", "{{ coordinator.name }}"],
        },
    },
    "ru": {
        "title": "{% if moved %}Время конференции изменилось{% elif cancelled_follow_up %}"
                 "Повторная встреча отменяется{% else %}Семейная конференция отменяется"
                 "{% endif %}",
        "moved_facts": [("Прежнее время", "{{ cancelled.span }}"),
                        ("Новое время", "{{ conference.span }}"),
                        ("Место", "{{ conference.place }}")],
        "off_facts": [("Отменённое время", "{{ cancelled.span }}"),
                      ("Место", "{{ cancelled.place }}")],
        "adult": {
            "hello": "Здравствуйте, {{ recipient.name }}!",
            "moved": "Сообщаем, что семейная конференция перенесена на другое время. Новое "
                     "приглашение Вы получите отдельным письмом.",
            "off": "Сообщаем, что {% if cancelled_follow_up %}повторная встреча{% else %}"
                   "семейная конференция{% endif %} отменяется.",
            "calendar": "Если Вы сохранили встречу в своём календаре, откройте приложенный к "
                        "письму файл календаря: он удалит старое время из календаря.",
            "ask": "Если у Вас есть вопросы, пожалуйста, свяжитесь с координатором: "
                   "{{ coordinator.contact }}.",
            "sign": ["С уважением,", "{{ coordinator.name }}", "координатор"],
        },
        "young": {
            "hello": "Привет, {{ recipient.first_name }}!",
            "moved": "Время встречи изменилось. Новое приглашение ты получишь отдельно.",
            "off": "Встреча, на которую тебя пригласили, отменяется.",
            "calendar": "Если у тебя есть вопросы, спроси родителей или координатора.",
            "sign": ["Всего доброго!", "{{ coordinator.name }}"],
        },
    },
    "en": {
        "title": "{% if moved %}The conference has a new time{% elif cancelled_follow_up %}"
                 "The follow-up meeting is cancelled{% else %}The family group conference is "
                 "cancelled{% endif %}",
        "moved_facts": [("Earlier time", "{{ cancelled.span }}"),
                        ("New time", "{{ conference.span }}"),
                        ("Place", "{{ conference.place }}")],
        "off_facts": [("Cancelled time", "{{ cancelled.span }}"),
                      ("Place", "{{ cancelled.place }}")],
        "adult": {
            "hello": "Dear {{ recipient.name }},",
            "moved": "We are writing to let you know that the family group conference has "
                     "been moved to a new time. You will receive the new invitation "
                     "separately.",
            "off": "We are writing to let you know that the {% if cancelled_follow_up %}"
                   "follow-up meeting{% else %}family group conference{% endif %} is "
                   "cancelled.",
            "calendar": "If you saved the meeting in your calendar, open the calendar file "
                        "attached to this letter: it removes the old time from your calendar.",
            "ask": "If you have any questions, please contact the coordinator: "
                   "{{ coordinator.contact }}.",
            "sign": ["Kind regards,", "{{ coordinator.name }}", "Coordinator"],
        },
        "young": {
            "hello": "Dear {{ recipient.first_name }},",
            "moved": "The meeting has a new time. You will get a new invitation.",
            "off": "The meeting you were invited to is not happening.",
            "calendar": "If you have any questions, ask your parents or the coordinator.",
            "sign": ["All the best,", "{{ coordinator.name }}"],
        },
    },
}


def cancellation(lang: str) -> None:
    t = CANCEL[lang]
    b = Builder("", CASE_FOOTER[lang])
    b.p("{{ today }}", right=True)
    b.title(t["title"])

    def part(c: dict[str, Any]) -> Callable[[], None]:
        def write() -> None:
            b.p(c["hello"])
            b.tag("{%p if moved %}")
            b.p(c["moved"])
            b.facts(t["moved_facts"])
            b.tag("{%p else %}")
            b.p(c["off"])
            b.facts(t["off_facts"])
            b.tag("{%p endif %}")
            b.p(c["calendar"])
            if "ask" in c:
                b.p(c["ask"])
            b.lines(*c["sign"])
        return write

    b.by_kind({"child": part(t["young"]), "teen": part(t["young"]), "family": part(t["adult"])})
    b.save(f"cancellation.{lang}.docx")


BUILDERS: list[Callable[[], None]] = [acknowledgement, return_letter, case_summary, blank_plan]


def main() -> int:
    for fn in BUILDERS:
        fn()
    for lang in ("et", "ru", "en"):
        invitation(lang)
        agenda(lang)
        plan(lang)
        follow_up_invitation(lang)
        cancellation(lang)
    print(f"templates written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
