"""Imported only by the worker pool's fork server (as its first preload): the server
dies the moment the watcher that started it does, and every worker with it.

Without this the server would wait for its pipe from the watcher to close, and each
worker holds a copy of that pipe: a busy worker would live on after a SIGKILL of the
watcher and could finish a file a second time while the next watcher recovers it.
Never import this anywhere else: it ties the importing process's life to its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal

_PR_SET_PDEATHSIG = 1

# Not Linux (glibc): the server ends when its pipe from the watcher closes.
with contextlib.suppress(OSError):
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
