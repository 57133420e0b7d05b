"""The retyped-layout fixtures and their builder (`tests/fixtures/layout/make.py`),
shared by the DOCX and PDF layout-reader tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

LAYOUT = Path(__file__).parent / "fixtures" / "layout"


def _load() -> ModuleType:
    # make.py is a script beside its fixtures, not a package module: load it by path.
    spec = importlib.util.spec_from_file_location("layout_make", LAYOUT / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make = _load()
