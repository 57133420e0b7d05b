"""The register's refusals in the user's language: English under PLR_LANG=en, Estonian by
default, through the real `plr` commands."""

from __future__ import annotations

from pathlib import Path

from test_cli_cases import home, plr
from test_render_helpers import fill_sdts

from pipeline.config import Settings

__all__ = ["home"]  # the fixture, shared with test_cli_cases

PLAN = {"agreements[0].what": "Jüri läheb iga päev kooli.", "agreements[0].who": "ema",
        "agreements[0].by_when": "iga koolipäev", "agreements[0].checks": "klassijuhataja"}


def refused(home: Path, args: list[str], en: str, et: str, code: int = 4) -> None:
    """The command fails with `code`: in English under PLR_LANG=en, with no Estonian of
    the same message left; in Estonian by default."""
    got, out_en = plr(home, *args, lang="en")
    assert got == code and "Error:" in out_en and en in " ".join(out_en.split()), out_en
    assert et not in " ".join(out_en.split())
    got, out_et = plr(home, *args)
    assert got == code and "Viga:" in out_et and et in " ".join(out_et.split()), out_et
    assert en not in " ".join(out_et.split())


def test_cli_lang_every_refusal_kind_in_english_and_estonian(home: Path) -> None:
    # The referrer's own name (the fixture's referral) as a coordinator: never independent.
    assert plr(home, "coordinator", "add", "--name", "Küllike Õunapuu-Žukovskaja",
               "--email", "k@example.ee")[0] == 0
    assert plr(home, "coordinator", "add", "--name", "Kati Karu", "--email", "kati@example.ee",
               "--capacity", "1")[0] == 0
    n = "PLR-2026-0001"
    # Input and lookups.
    refused(home, ["case", "show", "PLR-2026-0999"], "There is no case PLR-2026-0999",
            "Juhtumit PLR-2026-0999 ei ole", code=3)
    refused(home, ["case", "show", "nonsense"], "“nonsense” is not a case number",
            "„nonsense“ ei ole juhtumi number", code=2)
    refused(home, ["case", "schedule", n, "--at", "homme", "--place", "x"],
            "Write the time as", "Aeg peab olema kujul", code=2)
    refused(home, ["coordinator", "add", "--name", "Kati Teine", "--email", "kati@example.ee"],
            "A coordinator with this e-mail address already exists",
            "Selle e-posti aadressiga koordinaator on juba olemas")
    # The independent coordinator, the order of states, closing.
    refused(home, ["case", "assign", n, "1"], "must be independent of the child's case manager",
            "peab olema lapse juhtumikorraldajast ja suunajast sõltumatu")
    refused(home, ["case", "followup", n, "--outcome", "continue"],
            "Case PLR-2026-0001 cannot move from “registered” to “followed up”",
            "Juhtumit PLR-2026-0001 ei saa viia olekust „registreeritud“ olekusse "
            "„järelkohtumine peetud“")
    refused(home, ["case", "close", n, "--reason", "plan_working"],
            "cannot be closed as “plan working” before the follow-up",
            "ei saa sulgeda põhjusel „plaan toimib“ enne järelkohtumist")
    assert plr(home, "case", "assign", n, "2")[0] == 0
    refused(home, ["case", "assign", n, "2"], "This coordinator is already assigned",
            "See koordinaator on juhtumile PLR-2026-0001 juba määratud")
    refused(home, ["case", "assign", "PLR-2026-0002", "2"],
            "already has 1 open cases and their limit is 1", "on juba 1 avatud juhtumit")
    # Participants.
    add = ["case", "participant", "add", n, "--role", "information_giver"]
    refused(home, [*add, "--name", "Olga", "--email", "olga@example.ee"],
            "needs a first and a last name", "peab sisaldama ees- ja perekonnanime", code=2)
    refused(home, [*add, "--name", "Olga Õpetaja"],
            "needs an e-mail address or a phone number", "peab olema e-post või telefon",
            code=2)
    # Booking problems: a public holiday, a weekend outside the hours, the past.
    refused(home, ["case", "schedule", n, "--at", "2099-12-24 17:00", "--place", "Türi"],
            "The conference was not booked: 24 December 2099 is a public holiday "
            "(Christmas Eve)",
            "Lahendusringi ei broneeritud: 24. detsember 2099 on riigipüha (jõululaupäev)")
    refused(home, ["case", "schedule", n, "--at", "2099-12-05 06.00", "--place", "Türi"],
            "5 December 2099 is a Saturday; a meeting at 06:00–09:00 does not fit within "
            "08:00–21:00",
            "5. detsember 2099 on laupäev; kohtumine kell 06.00–09.00 ei mahu ajavahemikku "
            "08.00–21.00")
    refused(home, ["case", "schedule", n, "--at", "04.03.2020 17.00", "--place", "Türi"],
            "4 March 2020 17:00 is in the past", "aeg 4. märts 2020 kell 17.00 on möödas")
    # A plan before its conference, a plan of another case, a follow-up before its meeting.
    assert plr(home, "case", "schedule", n, "--at", "2099-12-03 17:00", "--place", "Türi")[0] == 0
    folder = Settings(home=home).outbox / n
    blank = next(folder.glob("*tegevusplaani vorm*.docx")).read_bytes()
    plan = home / "plaan.docx"
    plan.write_bytes(fill_sdts(blank, PLAN))
    refused(home, ["case", "plan", n, str(plan)],
            "The conference does not start until Thursday, 3 December 2099, 17:00",
            "Lahendusring algab alles 3. detsember 2099, neljapäev, kell 17.00")
    other = home / "teine.docx"
    other.write_bytes(fill_sdts(blank, {**PLAN, "case_number": "PLR-2026-0002"}))
    refused(home, ["case", "plan", n, str(other)],
            "The action plan belongs to case PLR-2026-0002, not PLR-2026-0001",
            "Tegevusplaan on juhtumi PLR-2026-0002 oma, mitte PLR-2026-0001")
    assert plr(home, "case", "plan", n, str(plan), "--force", "--reason", "peeti varem")[0] == 0
    refused(home, ["case", "followup", n, "--outcome", "continue"],
            "The follow-up meeting does not start until",
            "Järelkohtumine algab alles")


def test_cli_lang_account_and_report_refusals_in_english(home: Path) -> None:
    # Accounts: an unknown user, the last administrator, a bad role.
    refused(home, ["user", "disable", "nobody@example.ee"], "There is no such user",
            "Sellist kasutajat ei ole", code=3)
    assert plr(home, "user", "add", "Ada Admin", "--email", "ada@example.ee",
               "--role", "admin")[0] == 0
    refused(home, ["user", "disable", "ada@example.ee"],
            "The last administrator cannot be disabled",
            "Viimast administraatorit ei saa välja lülitada")
    refused(home, ["user", "add", "Uno Uus", "--email", "uno@example.ee",
                   "--role", "boss"], "The role must be office, coordinator or admin",
            "Roll peab olema office, coordinator või admin", code=2)
    # Reports: a period backwards, a statement of a future month.
    refused(home, ["report", "--from", "2026-05-01", "--to", "2026-04-01"],
            "The end of the period is before its start", "Perioodi lõpp on enne algust",
            code=2)
    assert plr(home, "payer", "add", "--code", "turi", "--name", "Türi Vallavalitsus",
               "--default")[0] == 0
    refused(home, ["payer", "add", "--code", "turi", "--name", "Türi teine"],
            "Payer “turi” already exists", "Maksja „turi“ on juba olemas")
    refused(home, ["statement", "keegi", "2026-01"], "There is no payer “keegi”",
            "Maksjat „keegi“ ei ole", code=3)
    refused(home, ["statement", "turi", "2999-01"],
            "A statement cannot be made for a future month",
            "Tulevase kuu aruannet ei saa koostada")
    # The time log: a future date, an unknown activity, a note naming the case's people.
    n = "PLR-2026-0001"
    refused(home, ["case", "time", "add", n, "1h", "--activity", "preparation", "--date",
                   "2999-01-01"], "Time cannot be logged for a date in the future",
            "Tööaja kuupäev ei saa olla tulevikus", code=2)
    refused(home, ["case", "time", "add", n, "1h", "--activity", "dancing"],
            "Unknown activity “dancing”; possible: preparation, family,",
            "Tundmatu tegevus „dancing“; võimalikud on: preparation (ettevalmistus)", code=2)
    refused(home, ["case", "time", "add", n, "kaks tundi", "--activity", "preparation"],
            "The duration “kaks tundi” is not clear", "Kestus „kaks tundi“ ei ole arusaadav",
            code=2)
    # The payers' contracts: a bad rate unit, a rate that is no number.
    contract = ["contract", "add", "turi", "--number", "L-1", "--from", "2026-01-01"]
    refused(home, [*contract, "--rate", "25", "--per", "day"],
            "The rate unit must be hour (an hourly rate) or case (a price per case)",
            "Hinna ühik peab olema hour (tunnihind) või case (juhtumi hind)", code=2)
    refused(home, [*contract, "--rate", "palju"], "The amount “palju” is not a number",
            "Summa „palju“ ei ole arv", code=2)


def test_i18n_every_error_key_in_both_languages_with_the_same_fields() -> None:
    import re
    import string

    from pipeline import i18n

    et, en = i18n.CATALOGUES["et"], i18n.CATALOGUES["en"]
    root = Path(i18n.__file__).parent
    used = {m for p in root.rglob("*.py")
            for m in re.findall(r"\.of\(\s*f?\"(err\.[a-z_{}.]+)\"", p.read_text())}
    used = {k for k in used if "{" not in k} | {"err.too_early_conference",
                                                 "err.too_early_follow_up"}
    assert used and used <= {k for k in et if k.startswith("err.")}, used - set(et)

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key in (k for k in et if k.startswith("err.")):
        assert key in en and fields(en[key]) == fields(et[key]), key


def test_cli_lang_case_show_names_the_language_and_the_people(home: Path) -> None:
    import getpass

    assert plr(home, "coordinator", "add", "--name", "Kati Karu", "--email",
               "kati@example.ee")[0] == 0
    assert plr(home, "case", "assign", "PLR-2026-0002", "kati@example.ee")[0] == 0
    code, out = plr(home, "case", "show", "PLR-2026-0002")
    flat = " ".join(out.split())
    assert code == 0 and "Pere keel: vene" in flat and "Pere keel: ru" not in flat
    # History: the acting user and the coordinator by name, never an id.
    assert "koordinaator Kati Karu" in flat and getpass.getuser() in flat
    code, out = plr(home, "case", "show", "PLR-2026-0002", lang="en")
    assert code == 0 and "Family language: Russian" in " ".join(out.split())


def test_cli_lang_start_up_and_storage_refusals_in_english(home: Path, tmp_path: Path) -> None:
    # The retention period, and a working folder that cannot be made (its parent is a file).
    refused(home, ["purge", "--older-than", "0d"], "Invalid period; use for example 5y",
            "Vigane periood; kasutage näiteks 5y", code=2)
    blocker = tmp_path / "fail"
    blocker.write_text("not a folder")
    for lang, words in (("en", "cannot be created"), ("et", "ei saa luua")):
        got, out = plr(blocker / "kodu", "watch", "--once", lang=lang)
        assert got != 0 and words in " ".join(out.split()), out
