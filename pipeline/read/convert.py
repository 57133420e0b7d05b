"""`.doc`, `.rtf` and `.odt` forms: converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice runs headless in a child process with the reader's time limit and
an address-space limit, its own throw-away profile (so a broken or hostile
file never touches another conversion's state), macros switched off in that
profile (security level "very high", macro execution disabled, no trusted
locations) and links never updated. Where `unshare` may make a network
namespace, the child has no network at all; elsewhere link updating being off
is what keeps it off the network. A file is never opened with macros run.

Without LibreOffice such a file cannot be read: `ConverterMissing` says
what to install.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import ResourceLimit, UnreadableFile
from pipeline.read.base import ReadResult

_NAMES = {"doc": "Word 97–2003 (.doc)", "rtf": "RTF", "odt": "OpenDocument (.odt)"}

# LibreOffice's own virtual size is far beyond its resident memory (it maps its
# libraries and a large heap reservation up front), so its address-space limit
# is the reader's budget on top of what a bare start needs.
_SOFFICE_BASE_MB = 2048

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">
 <prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class ConverterMissing(UnreadableFile):
    code = "converter_missing"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=1)
def _can_unshare() -> bool:
    """Whether this process may start a child in a fresh network namespace."""
    tool = shutil.which("unshare")
    if tool is None:
        return False
    try:
        return subprocess.run([tool, "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def to_docx(data: bytes, kind: str, limits: Limits) -> bytes:
    """The DOCX LibreOffice makes of `data` (a `kind` file), within `limits`."""
    exe = soffice()
    if exe is None:
        raise ConverterMissing(
            f"Fail on vormingus {_NAMES.get(kind, kind)}; selle lugemiseks peab serverisse "
            "olema paigaldatud LibreOffice (Debianis: apt-get install libreoffice-writer-nogui). "
            "Teine võimalus: salvestage vorm DOCX- või PDF-failina ja pange see "
            "sisendkausta uuesti.",
        )
    with tempfile.TemporaryDirectory(prefix="plr-convert-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        src = work / f"form.{kind}"
        src.write_bytes(data)
        out = work / "out"
        out.mkdir()
        cmd = [
            exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--nofirststartwizard", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src),
        ]
        if _can_unshare():
            cmd = [shutil.which("unshare") or "unshare", "-n", *cmd]
        _run(cmd, work, limits)
        result = out / "form.docx"
        if not result.exists():
            raise UnreadableFile(
                f"{kind.upper()}-faili ei saa lugeda: see on katki või vigane; "
                "palun salvestage vorm DOCX- või PDF-failina ja saatke uuesti.",
                code="corrupt",
            )
        return result.read_bytes()


def _run(cmd: list[str], home: Path, limits: Limits) -> None:
    memory = (_SOFFICE_BASE_MB + limits.read_memory_mb) * 1024 * 1024

    def limit() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),  # nothing of the service user's own home is read or written
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",
    }
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, cwd=home, preexec_fn=limit, start_new_session=True,
        )
    except OSError as exc:
        raise ConverterMissing(
            "LibreOffice'i ei saanud käivitada; palun kontrollige selle paigaldust.",
        ) from exc
    try:
        proc.wait(timeout=limits.read_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ResourceLimit(
            f"Faili teisendamine võttis liiga kaua aega (üle {limits.read_seconds:g} s); "
            "faili ei loeta.",
            code="timeout",
        ) from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # any helper process it left behind


class ConvertingReader:
    """A reader for `kind` files: LibreOffice to DOCX, then the DOCX reader."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def read(self, data: bytes, limits: Limits) -> ReadResult:
        from pipeline.read.docx_reader import DocxReader

        return DocxReader().read(to_docx(data, self.kind, limits), limits)
