"""PDF copies of DOCX documents through LibreOffice, in a small background pool.

Conversion takes a second or more per file, so it never runs on the intake
path: `PdfPool.submit(path)` returns a future at once and the PDF appears
beside the DOCX when LibreOffice is done. Each worker has its own LibreOffice
profile folder, because two `soffice` processes sharing one profile block each
other. A missing LibreOffice simply means no PDFs (`available()` is False).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pipeline import logging as log

TIMEOUT_SECONDS = 120.0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


class PdfPool:
    def __init__(self, workers: int = 1, timeout: float = TIMEOUT_SECONDS):
        self.timeout = timeout
        self._exe = soffice()
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers),
                                        thread_name_prefix="pdf")
        self._profiles = tempfile.TemporaryDirectory(prefix="plr-lo-")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._next = 0

    def _profile(self) -> str:
        prof = getattr(self._local, "profile", None)
        if prof is None:
            with self._lock:
                self._next += 1
                prof = Path(self._profiles.name, f"w{self._next}").as_uri()
            self._local.profile = prof
        return str(prof)

    def convert(self, docx: Path) -> Path | None:
        """Blocking: `x.docx` -> `x.pdf` in the same folder; None when it failed."""
        if self._exe is None:
            return None
        target = docx.with_suffix(".pdf")
        with tempfile.TemporaryDirectory(prefix="plr-pdf-") as tmp:
            try:
                subprocess.run(
                    [self._exe, f"-env:UserInstallation={self._profile()}", "--headless",
                     "--norestore", "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                    check=True, capture_output=True, timeout=self.timeout,
                )
            except (subprocess.SubprocessError, OSError) as exc:
                # The file name may carry a person's name: log the case folder only.
                log.warn("pdf_failed", case=docx.parent.name, error=type(exc).__name__)
                return None
            made = Path(tmp) / (docx.stem + ".pdf")
            if not made.is_file():
                return None
            # Same-folder temporary name, then rename: readers never see half a PDF.
            part = target.with_name(f".tmp-{os.getpid()}-{target.name}")
            shutil.copyfile(made, part)
            os.replace(part, target)
        return target

    def submit(self, docx: Path) -> Future[Path | None]:
        return self._pool.submit(self.convert, docx)

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
        self._profiles.cleanup()

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
