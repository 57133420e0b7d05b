"""Make oscrypto 1.3.0 (pyasice needs it) importable against OpenSSL 3.0.10 and later.

The pipeline reads XAdES itself (`signatures.py`); pyasice builds the containers the
tests and benchmarks sign, as a signing service using it would, and imports oscrypto.

oscrypto 1.3.0 finds libcrypto's version with the pattern `\\d\\.\\d\\.\\d[a-z]*`
followed by a word boundary, so `OpenSSL 3.0.10` does not match and the import
raises `LibraryNotFoundError`. The fix (`\\d+\\.\\d+\\.\\d+`) is in oscrypto's
repository but in no release, and PyPI is all we install from. So the one
check is patched here, at import: the two modules that hold it are compiled
from their own source with the pattern widened. Nothing else changes; a
fixed oscrypto (a source without the old pattern) is left untouched.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

_MODULES = ("oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes")
_OLD = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b'"
_NEW = "'\\\\b(\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*)\\\\b'"


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.machinery.SourceFileLoader) -> None:
        self._inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        source = self._inner.get_source(module.__name__) or ""
        code = compile(source.replace(_OLD, _NEW), self._inner.path, "exec")
        exec(code, module.__dict__)  # oscrypto's own source, one pattern widened


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _MODULES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            if isinstance(spec.loader, importlib.machinery.SourceFileLoader):
                spec.loader = _Loader(spec.loader)
            return spec
        return None


_FINDER = _Finder()


def apply() -> None:
    """Install the patch (idempotent); call before the first `import oscrypto…`/`pyasice`."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def libcrypto_version() -> tuple[int, ...]:
    """The libcrypto version oscrypto detected (imports it, so `apply()` first)."""
    apply()
    from oscrypto._openssl._libcrypto import libcrypto_version_info

    return tuple(libcrypto_version_info)
