""".doc, .rtf and .odt forms: converted by LibreOffice, read exactly like their DOCX sources.

The files are made here by LibreOffice itself from the official DOCX form (filled
by key) and from the retyped layouts in tests/fixtures/layout, as an office that
saves in an older format would make them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from layout_fixtures import LAYOUT
from test_extract_mail_kinds import form_bytes
from test_intake_mail import eml

from pipeline.config import Limits
from pipeline.extract import extract_bytes
from pipeline.read.base import Format
from pipeline.read.registry import sniff

TODAY = dt.date(2026, 11, 24)
SOURCES = ["controls.docx", "tables.docx", "lines.docx", "tables-variant.docx",
           "lines-variant.docx"]
KINDS = ["doc", "rtf", "odt"]

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed")


def _source(name: str) -> bytes:
    return form_bytes(name) if name == "controls.docx" else (LAYOUT / name).read_bytes()


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    """Every source saved as every kind, one LibreOffice run per kind."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    work = tmp_path_factory.mktemp("convert")
    for name in SOURCES:
        (work / name).write_bytes(_source(name))
    out: dict[tuple[str, str], bytes] = {}
    for kind in KINDS:
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
             "--convert-to", kind, "--outdir", str(work / kind), *(str(work / n) for n in SOURCES)],
            check=True, capture_output=True, timeout=300,
        )
        for name in SOURCES:
            out[(name, kind)] = (work / kind / f"{name.rsplit('.', 1)[0]}.{kind}").read_bytes()
    return out


@needs_soffice
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SOURCES)
def test_convert_reads_like_the_docx_source(
    name: str, kind: str, converted: dict[tuple[str, str], bytes], limits: Limits
) -> None:
    data = converted[(name, kind)]
    assert sniff(data) is Format(kind)
    (docx,) = extract_bytes(_source(name), name=name, limits=limits, today=TODAY)
    (other,) = extract_bytes(data, name=f"vorm.{kind}", limits=limits, today=TODAY)
    assert other.error is None, other.error
    assert other.source.format == kind
    assert other.source.method == "docx-text"  # the older formats have no content controls
    assert other.referral == docx.referral
    assert other.issues == docx.issues


@needs_soffice
def test_convert_odt_attached_to_an_email_reads_like_alone(
    converted: dict[tuple[str, str], bytes], limits: Limits
) -> None:
    data = converted[("tables.docx", "odt")]
    (alone,) = extract_bytes(data, name="vorm.odt", limits=limits, today=TODAY)
    assert alone.referral is not None
    mail = eml([("vorm.odt", data, ("application", "vnd.oasis.opendocument.text"))],
               sender=f"<{alone.referral.referrer.email}>")
    (inside,) = extract_bytes(mail.as_bytes(), name="kiri.eml", limits=limits, today=TODAY)
    assert (inside.source.attachment, inside.source.format) == ("vorm.odt", "odt")
    assert inside.referral == alone.referral and inside.issues == alone.issues


def test_convert_without_libreoffice_quarantines_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, limits: Limits
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH on which there is no soffice
    rtf = b"{\\rtf1\\ansi Suunaja nimi: Mari Maasikas\\par}"
    (x,) = extract_bytes(rtf, name="vorm.rtf", limits=limits, today=TODAY)
    assert x.source.format == "rtf"
    assert x.error is not None and x.error.code == "converter_missing"
    assert "LibreOffice" in x.error.message and "apt-get install" in x.error.message


@needs_soffice
def test_convert_past_the_time_limit_is_stopped(
    converted: dict[tuple[str, str], bytes]
) -> None:
    (x,) = extract_bytes(converted[("lines.docx", "doc")], name="vorm.doc",
                         limits=Limits(read_seconds=0.2), today=TODAY)
    assert x.error is not None and x.error.code == "timeout"


@needs_soffice
def test_convert_broken_file_is_unreadable_not_a_crash(limits: Limits) -> None:
    broken = b"{\\rtf1" + b"{" * 5000  # an RTF that opens and never closes
    (x,) = extract_bytes(broken, name="vorm.rtf", limits=limits, today=TODAY)
    assert x.error is not None
    assert x.error.code == "corrupt"


def test_sniff_tells_word_97_from_outlook_msg() -> None:
    import msgforge

    msg = msgforge.Message(subject="Suunamine", text_body="Tere!", sender="a@example.ee",
                           sent=True)
    assert sniff(msg.as_bytes()) is Format.MSG


def _odt_with_load_macro(marker: Path) -> bytes:
    """An ODT whose on-load event runs a Basic macro that would write `marker`."""
    import zipfile
    from io import BytesIO

    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"><office:scripts>'
        '<office:event-listeners><script:event-listener script:language="ooo:script"'
        ' script:event-name="dom:load" xlink:type="simple" xlink:href="vnd.sun.star.script:'
        'Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners>'
        '</office:scripts><office:body><office:text><text:p>Suunaja nimi: Mari Maasikas'
        '</text:p></office:text></office:body></office:document-content>'
    )
    module = (
        '<?xml version="1.0" encoding="UTF-8"?><script:module'
        ' xmlns:script="http://openoffice.org/2000/script" script:name="Module1"'
        ' script:language="StarBasic">Sub Main\n  Dim n As Integer\n  n = FreeFile\n'
        f'  Open &quot;{marker}&quot; For Output As #n\n  Print #n, &quot;ran&quot;\n'
        '  Close #n\nEnd Sub\n</script:module>'
    )
    lib = ('<?xml version="1.0" encoding="UTF-8"?><library:library'
           ' xmlns:library="http://openoffice.org/2000/library" library:name="Standard"'
           ' library:readonly="false" library:passwordprotected="false">'
           '<library:element library:name="Module1"/></library:library>')
    libs = ('<?xml version="1.0" encoding="UTF-8"?><library:libraries'
            ' xmlns:library="http://openoffice.org/2000/library"'
            ' xmlns:xlink="http://www.w3.org/1999/xlink"><library:library'
            ' library:name="Standard" library:link="false"/></library:libraries>')
    entries = {"content.xml": content, "Basic/script-lc.xml": libs,
               "Basic/Standard/script-lb.xml": lib, "Basic/Standard/Module1.xml": module}
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.text"/>'
        + "".join(f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type='
                  '"text/xml"/>' for n in entries)
        + "</manifest:manifest>"
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        for name, body in {**entries, "META-INF/manifest.xml": manifest}.items():
            zf.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@needs_soffice
def test_convert_never_runs_a_macro_in_the_file(tmp_path: Path, limits: Limits) -> None:
    marker = tmp_path / "macro-ran.txt"
    data = _odt_with_load_macro(marker)
    assert sniff(data) is Format.ODT
    (x,) = extract_bytes(data, name="vorm.odt", limits=limits, today=TODAY)
    assert x.source.format == "odt"
    assert x.error is not None and x.error.code == "not_a_referral"  # converted and read
    assert not marker.exists()
