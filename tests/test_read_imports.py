"""The reading stage's import structure: no circles, and intake and read kept apart.

`pipeline.read.base` holds the types every reader imports, so it must import no
reader; `pipeline.read.registry` is the only module that loads the readers.
Intake watches and claims; it may ask the registry what a file is, nothing else
of `pipeline.read`, and `pipeline.read` never imports intake. Checked two ways: by
walking each module's imports (function-level ones too, since a late import is
still a dependency), and by importing each read module alone in a fresh
interpreter (a circle that only bites in some import order shows up there).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READ = ROOT / "pipeline" / "read"
INTAKE = ROOT / "pipeline" / "intake"
# What intake may use of the reading stage: telling a file's kind from its content.
INTAKE_MAY_IMPORT = {"pipeline.read.registry"}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    """The pipeline modules a file imports at run time (type-checking-only imports left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from pipeline.read import labels` imports the submodule labels
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m.startswith("pipeline.") and _is_module(m)}


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").exists() or (ROOT / rel / "__init__.py").exists()


def _graph(folder: Path) -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in sorted(folder.glob("*.py"))}


READ_MODULES = sorted(_graph(READ))


def test_read_base_imports_no_reader() -> None:
    deps = _graph(READ)["pipeline.read.base"]
    assert not {d for d in deps if d.startswith("pipeline.read.")}, deps


def test_read_modules_import_no_circle() -> None:
    graph = _graph(READ)

    def visit(node: str, path: list[str]) -> None:
        for dep in sorted(graph.get(node, ())):
            if dep in path:
                cycle = [*path[path.index(dep):], dep]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if dep in graph:
                visit(dep, [*path, dep])

    for module in graph:
        visit(module, [module])


def test_read_does_not_import_intake() -> None:
    offenders = {m: sorted(d for d in deps if d.startswith("pipeline.intake"))
                 for m, deps in _graph(READ).items()}
    assert not {m: d for m, d in offenders.items() if d}


def test_intake_imports_only_the_registry_of_read() -> None:
    offenders = {m: sorted(d for d in deps if d.startswith("pipeline.read")
                           and d not in INTAKE_MAY_IMPORT)
                 for m, deps in _graph(INTAKE).items()}
    assert not {m: d for m, d in offenders.items() if d}


@pytest.mark.parametrize("module", READ_MODULES)
def test_read_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
