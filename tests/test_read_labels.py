"""The label parser on layout blocks: tables, lines, checkbox styles, tolerant labels."""

from __future__ import annotations

import pytest

from pipeline.errors import NotAReferral
from pipeline.model.assemble import assemble
from pipeline.model.referral import Referral
from pipeline.read.base import Block, Line, Table
from pipeline.read.labels import parse_blocks

# Enough other labels that a block list is taken for a referral form.
FILLER: list[Block] = [
    Line("H. Nõusolek"),
    Line("Nõusoleku andja nimi: Helju Tamm"),
    Line("Nõusoleku kuupäev: 28.10.2026"),
    Line("G. Lahendusringi küsimus"),
    Line("Küsimus, millele pere plaan peab vastama: Kuidas edasi?"),
    Line("Tingimused, mis peavad plaanis olema tagatud: Rahu."),
]


def read(*blocks: Block) -> Referral:
    return assemble(parse_blocks([*blocks, *FILLER])).referral


def test_parse_blocks_label_value_table_with_two_pairs_per_row() -> None:
    r = read(
        Line("A. Suunaja andmed"),
        Table([
            ["Suunaja nimi*", "Küllike Õunapuu-Žukovskaja", "Ametikoht:", "lastekaitsespetsialist"],
            ["Asutus", "Türi Vallavalitsus", "Kohalik omavalitsus", "Türi vallavalitsus"],
            ["Telefon", "5123 4567", "E-post", "Kyllike@Example.EE"],
        ]),
    )
    assert r.referrer.name == "Küllike Õunapuu-Žukovskaja"
    assert r.referrer.position == "lastekaitsespetsialist"
    assert r.referrer.municipality == "Türi vald"
    assert r.referrer.phone == "+37251234567"
    assert r.referrer.email == "kyllike@example.ee"


def test_parse_blocks_section_decides_between_repeated_labels() -> None:
    r = read(
        Line("Suunaja andmed"),
        Line("Telefon: 5123 4567"),
        Line("C. PERE JA VÕRGUSTIK"),
        Line("Vanema / hooldaja nimi: Helju Tamm"),
        Line("Telefon: 5551 2345"),
        Line("Võrgustiku liikme nimi: Toomas Tamm"),
        Line("Telefon: 5667 7889"),
    )
    assert r.referrer.phone == "+37251234567"
    assert [c.phone for c in r.caregivers] == ["+37255512345"]
    assert [(m.name, m.phone) for m in r.network] == [("Toomas Tamm", "+37256677889")]


def test_parse_blocks_header_row_table_maps_columns_and_drops_empty_rows() -> None:
    r = read(
        Line("B. Lapse andmed"),
        Table([
            ["Lapsed"],
            ["Nr", "Nimi", "Isikukood", "Sünniaeg", "Kellega laps elab", "Kool / lasteaed"],
            ["1.", "Säde Tamm", "61811230128", "", "ema & vanaema", "Lasteaed <Ümarik>"],
            ["2.", "", "", "", "", ""],
            ["3.", "Jüri Tamm", "", "5. märts 2015", "ema", 'Kool "Päike"'],
        ]),
    )
    assert [(c.name, c.id_code, str(c.birth_date)) for c in r.children] == [
        ("Säde Tamm", "61811230128", "2018-11-23"),
        ("Jüri Tamm", None, "2015-03-05"),
    ]
    assert [c.lives_with for c in r.children] == ["ema & vanaema", "ema"]
    assert [c.school for c in r.children] == ["Lasteaed <Ümarik>", 'Kool "Päike"']


def test_parse_blocks_network_table_told_from_caregivers_by_its_heading() -> None:
    r = read(
        Line("C. Pere ja võrgustik"),
        Line("Võrgustik"),
        Table([["Nimi", "Seos", "Telefon"], ["Maire Kõiv", "naaber", "+372 5333 4444"]]),
    )
    assert r.caregivers == []
    assert [(m.name, m.relation, m.phone) for m in r.network] == [
        ("Maire Kõiv", "naaber", "+37253334444")
    ]


def test_parse_blocks_one_table_per_child_and_one_column_per_child() -> None:
    per_table = read(
        Line("Lapse andmed"),
        Table([["Lapse ees- ja perekonnanimi", "Säde Tamm"], ["Isikukood", "61811230128"]]),
        Table([["Lapse ees- ja perekonnanimi", "Jüri Tamm"], ["Sünniaeg", "05.03.15"]]),
    )
    per_column = read(
        Line("Lapse andmed"),
        Table([
            ["", "1. laps", "2. laps"],
            ["Lapse ees- ja perekonnanimi", "Säde Tamm", "Jüri Tamm"],
            ["Isikukood", "61811230128", ""],
            ["Sünniaeg", "", "2015-03-05"],
        ]),
    )
    for r in (per_table, per_column):
        assert [(c.name, str(c.birth_date)) for c in r.children] == [
            ("Säde Tamm", "2018-11-23"),
            ("Jüri Tamm", "2015-03-05"),
        ]


@pytest.mark.parametrize(
    ("line", "ticked"),
    [
        ("☒ Perekonflikt", True),
        ("[X] Perekonflikt", True),
        ("X Perekonflikt", True),
        ("Perekonflikt: X", True),
        ("Perekonflikt ☒", True),
        ("Perekonflikt: jah", True),
        ("☐ Perekonflikt", False),
        ("[ ] Perekonflikt", False),
        ("Perekonflikt:", False),
        ("Perekonflikt", False),
    ],
)
def test_parse_blocks_checkbox_styles_in_lines(line: str, ticked: bool) -> None:
    r = read(Line("D. Suunamise alus ja valdkond"), Line("☒ Muu"), Line(line))
    assert r.problem_areas == (["family_conflict", "other"] if ticked else ["other"])


@pytest.mark.parametrize("tick", ["X", "☒", "[X]", "jah"])
def test_parse_blocks_label_tick_table_and_bools(tick: str) -> None:
    r = read(
        Line("D. Suunamise alus ja valdkond"),
        Table([
            ["Lapse heaolu tagamine ja perest eraldamise ennetamine", tick],
            ["Perest eraldamise korral lähiringist võimaliku hooldaja leidmine", ""],
            ["Muu asendushooldusel oleva lapse juhtum", "☐"],
        ]),
        Line("E. Pere olukord"),
        Table([["Lapse elu või tervis on vahetus ohus", tick]]),
        Table([["☒", "Pere on teenusele suunamisega nõus"]]),
    )
    assert r.grounds == ["prevent_separation"]
    assert r.acute_danger is True
    assert r.consent.given is True


def test_parse_blocks_multi_as_list_and_muu_with_its_description() -> None:
    r = read(
        Line("Suunamise alus: Perest eraldamise korral lähiringist võimaliku hooldaja "
             "leidmine; Muu asendushooldusel oleva lapse juhtum"),
        Line("Probleemi valdkond: Vanemate lahutus ja vaidlused (elukoht, suhtluskord); Muu"),
        Line("☒ Muu, täpsustage: kiusamine & <tõrjumine>"),
    )
    assert r.grounds == ["kinship_care", "other_substitute_care"]
    assert r.problem_areas == ["separation_dispute", "other"]
    assert r.problem_other == "kiusamine & <tõrjumine>"


@pytest.mark.parametrize(
    "blocks",
    [
        [Line("Pere suhtluskeel: vene")],
        [Line("Pere suhtluskeel: ☐ eesti ☒ vene ☐ inglise ☐ muu")],
        [Line("Pere suhtluskeel"), Line("☐ eesti"), Line("☒ vene")],
        [Table([["Pere suhtluskeel", "☐ eesti  ☒ vene"]])],
    ],
)
def test_parse_blocks_family_language_styles(blocks: list[Block]) -> None:
    r = read(Line("C. Pere ja võrgustik"), *blocks, Line("Vajab tõlki: ☒"))
    assert r.family_language == "ru"
    assert r.interpreter_needed is True


def test_parse_blocks_long_value_on_following_lines_until_next_label() -> None:
    r = read(
        Line("E. Pere olukord"),
        Line("Pere olukorra kirjeldus:"),
        Line("Ema ja vanaema vahel on tülid."),
        Line('Jüri ütleb: "Tahan jääda oma kooli & sõprade juurde."'),
        Line(""),
        Line("Lapse elu või tervis on vahetus ohus"),
        Line("ei"),
        Line("Lapse arvamus ja soovid"),
        Line("Säde tahab rahu."),
    )
    assert r.situation == (
        'Ema ja vanaema vahel on tülid.\nJüri ütleb: "Tahan jääda oma kooli & sõprade juurde."'
    )
    assert r.acute_danger is False
    assert r.child_views == "Säde tahab rahu."


def test_parse_blocks_tolerates_typos_dashes_case_and_abbreviations() -> None:
    r = read(
        Line("suunaja andmed"),
        Line("SUUNAJA NIMI: Küllike Õunapuu"),
        Line("Ametikoh: lastekaitsespetsialist"),  # a typo
        Line("KOV: Tallinna Linnavalitsus"),
        Line("Tel.: 5123 4567"),
        Line("E-mail: k@example.ee"),
        Line("Suunamise kp: 02.11.2026"),
        Line("Lapse arenguvajadused - riskitegurid: Puudub koolist."),
        Line("Pere ja keskkond — kaitsetegurid*: Onu aitab."),
    )
    assert r.referrer.name == "Küllike Õunapuu"
    assert r.referrer.position == "lastekaitsespetsialist"
    assert r.referrer.municipality == "Tallinn"
    assert r.referrer.phone == "+37251234567"
    assert r.referrer.email == "k@example.ee"
    assert str(r.referral_date) == "2026-11-02"
    assert r.factors.development.risk == "Puudub koolist."
    assert r.factors.environment.protective == "Onu aitab."


def test_parse_blocks_factor_grid_combines_row_and_column_headings() -> None:
    r = read(
        Line("F. Kaitse- ja riskitegurid"),
        Table([
            ["", "Riskitegurid", "Kaitsetegurid"],
            ["Lapse arenguvajadused", "Puudub koolist.", "Käib trennis."],
            ["Vanemlus", "Ema on väsinud.", ""],
        ]),
    )
    assert r.factors.development.risk == "Puudub koolist."
    assert r.factors.development.protective == "Käib trennis."
    assert r.factors.parenting.risk == "Ema on väsinud."
    assert r.factors.parenting.protective is None


def test_parse_blocks_empty_value_line_is_not_filled_with_the_next_heading() -> None:
    r = read(
        Line("Võrgustiku liige 1"),
        Line("Võrgustiku liikme nimi: Maire Kõiv"),
        Line("Telefon:"),
        Line("Võrgustiku liige 2"),
        Line("Võrgustiku liikme nimi: Toomas Tamm"),
    )
    assert [(m.name, m.phone) for m in r.network] == [("Maire Kõiv", None), ("Toomas Tamm", None)]


def test_parse_blocks_unrelated_document_is_not_a_referral() -> None:
    blocks: list[Block] = [
        Line("Arve nr 123"),
        Line("Telefon: 5123 4567"),
        Table([["Toode", "Hind"], ["Kohv", "3,50"]]),
    ]
    with pytest.raises(NotAReferral) as info:
        parse_blocks(blocks)
    assert info.value.code == "not_a_referral"


def _grounds() -> list[tuple[str, str]]:
    from pipeline.model.spec import by_key

    return list(by_key()["grounds"].options)


def test_parse_blocks_bare_options_among_marked_ones_are_not_ticked() -> None:
    """A print that marks only the chosen boxes ("X …") and leaves the rest unmarked; the
    chosen one comes last, after bare labels that first look like a list of choices."""
    opts = _grounds()
    lines = [Line("D. Suunamise alus ja valdkond"), Line("Suunamise alus")]
    lines += [Line(label) for _, label in opts[:-1]] + [Line(f"X {opts[-1][1]}")]
    assert read(*lines).grounds == [opts[-1][0]]
    first_marked = [Line("D. Suunamise alus ja valdkond"), Line("Suunamise alus"),
                    Line(f"X {opts[0][1]}")] + [Line(label) for _, label in opts[1:]]
    assert read(*first_marked).grounds == [opts[0][0]]


def test_parse_blocks_list_of_chosen_labels_without_marks_is_kept() -> None:
    opts = _grounds()
    r = read(Line("D. Suunamise alus ja valdkond"), Line("Suunamise alus"), Line(opts[1][1]))
    assert r.grounds == [opts[1][0]]


def test_parse_blocks_every_option_bare_means_the_marks_were_lost() -> None:
    opts = _grounds()
    r = read(Line("D. Suunamise alus ja valdkond"), Line("Suunamise alus"),
             *[Line(label) for _, label in opts])
    assert r.grounds == []


def test_label_vocabulary_exact_normalised_then_fuzzy_lookup() -> None:
    from pipeline.read.label_vocabulary import lookup, norm

    exact = lookup(norm("Ametikoht"))
    assert [t.spec.key for t in exact] == ["referrer.position"]
    assert lookup(norm("AMETIKOHT:")) == exact  # case, colon: the same index entry
    assert lookup(norm("Ametikoh")) == exact  # a typo: the fuzzy match
    assert lookup(norm("Ametikoht"), strict=True) == exact
    assert lookup(norm("Lemmikvärv")) == ()  # not a label of the form


def test_label_vocabulary_section_and_group_headings_with_typos() -> None:
    from pipeline.read.label_vocabulary import group_of, section_of, warm

    warm()
    assert section_of("A. Suunaja andmed") == "A"
    assert section_of("SUUNAJA ANDMED") == "A"
    assert section_of("3) Pere ja vorgustik") == "C"  # numbered, a letter without its mark
    assert section_of("Suunaja nimi") is None
    assert group_of("Vanemad/hooldajad") == "caregivers"
    assert group_of("Vorgustik") == "network"
    assert group_of("Lapse nimi") is None
