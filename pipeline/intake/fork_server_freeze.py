"""Imported only by the worker pool's fork server, as its last preload: everything the
server imported is moved out of the garbage collector's sight (`gc.freeze`) before it
forks the first worker.

A worker's full collection otherwise walks every object it inherited and writes to each
one's header, so the pages it shares with the server and the other workers become copies
of its own, all at once, some seconds into a backlog: the workers' and the server's private
memory each grew by about 20 MB at that moment while their resident size stayed the same
(issue 11). Frozen, those objects are never scanned, which also spares each full
collection the work.
"""

from __future__ import annotations

import gc

gc.collect()  # what the imports left as garbage goes first, not frozen with the rest
gc.freeze()
