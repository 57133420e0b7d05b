"""The built wheel, installed into a fresh venv outside the checkout, runs a referral
through `plr watch --once` to its documents: templates, blank forms and data files ship
inside the package.

The fresh venv takes the *dependencies* from the project venv (one `.pth` line naming its
site-packages, so nothing is downloaded), but the `pipeline` package itself only from the
wheel: a `.pth` file in a directory named by another `.pth` line is not processed, so the
project's editable install cannot leak in, and the test checks where `pipeline` came from.
Runs in CI with the rest of the suite (`make test`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("PLR_", "PYTHON", "VIRTUAL_ENV"))}
    e.update(extra)
    return e


@pytest.mark.slow
def test_package_wheel_installs_and_runs_a_referral_outside_the_checkout(tmp_path: Path) -> None:
    from pipeline.forms_build.fill import fill_docx, referral_to_raw
    from pipeline.samples import sample_referral

    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
         "-q", "-w", str(dist)],
        cwd=tmp_path, env=_clean_env(), check=True, capture_output=True, timeout=120)
    (wheel,) = dist.glob("plr_pipeline-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "pipeline/templates/invitation.et.docx" in names
    assert "pipeline/forms/suunamisvorm.pdf" in names
    assert "pipeline/model/omavalitsused.csv" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site / "_project_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
         str(wheel)],
        cwd=tmp_path, env=_clean_env(), check=True, capture_output=True, timeout=120)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(py), "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=elsewhere, env=_clean_env(), check=True, capture_output=True,
                           text=True).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where  # from the wheel, not the source tree

    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    raw = {k: v for k, v in referral_to_raw(sample_referral()).items()
           if not k.startswith("children[1]")}
    blank = (ROOT / "forms" / "suunamisvorm.docx").read_bytes()
    (home / "inbox" / "suunamine.docx").write_bytes(fill_docx(blank, raw))

    run = subprocess.run(
        [str(env_dir / "bin" / "plr"), "watch", "--once", "--home", str(home)],
        cwd=elsewhere, env=_clean_env(PLR_STABLE_SECONDS="0.2"), capture_output=True,
        text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    assert not list((home / "quarantine").rglob("*.reason.txt")), run.stderr[-3000:]
    (case_dir,) = (home / "outbox").iterdir()
    assert case_dir.name.startswith("PLR-"), case_dir
    docs = sorted(p.name for p in case_dir.glob("*.docx"))
    assert len(docs) >= 2, docs  # the acknowledgement and the case summary, at least
    for p in (home / "outbox").rglob("*.docx"):
        with zipfile.ZipFile(p) as zf:
            assert zf.testzip() is None
    assert list((home / "archive").rglob("*.docx")), "the original is archived"
