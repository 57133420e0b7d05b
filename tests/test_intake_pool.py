"""The worker pool: a slow, greedy or crashing job is stopped and the rest go on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.intake.pool import Failure, WorkerPool

TARGET = '''
import os, time

def run(job, state):
    kind, arg = job
    if kind == "sleep":
        time.sleep(arg)
    elif kind == "alloc":
        return len(bytearray(arg * 1024 * 1024))
    elif kind == "exit":
        os._exit(3)
    elif kind == "pid":
        return os.getpid()
    elif kind == "frozen":
        import gc
        return gc.get_freeze_count()
    return (kind, arg, state)
'''


@pytest.fixture
def pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WorkerPool:
    (tmp_path / "pooltarget_h7.py").write_text(TARGET)
    monkeypatch.syspath_prepend(str(tmp_path))
    p = WorkerPool(2, "pooltarget_h7:run", "S", time_limit=2.0, memory_mb=200)
    yield p  # type: ignore[misc]
    p.close()


def drain(pool: WorkerPool, jobs: list[tuple[str, int]]) -> dict[tuple[str, int], object]:
    out: dict[tuple[str, int], object] = {}
    jobs = list(jobs)
    deadline = time.monotonic() + 60
    while (jobs or pool.busy) and time.monotonic() < deadline:
        while jobs and pool.idle:
            pool.submit(jobs.pop(0))
        for job, result in pool.collect(0.2):
            out[job] = result
    return out


def test_intake_pool_limits_stop_bad_jobs_and_the_rest_finish(pool: WorkerPool) -> None:
    t = time.monotonic()
    out = drain(pool, [("sleep", 30), ("alloc", 600), ("ok", 1), ("exit", 0), ("ok", 2),
                       ("alloc", 20)])
    assert out[("sleep", 30)] == Failure("time_limit")
    assert isinstance(out[("alloc", 600)], Failure)
    assert out[("alloc", 600)].code == "memory_limit"  # type: ignore[union-attr]
    assert isinstance(out[("exit", 0)], Failure) and out[("exit", 0)].code == "crashed"
    assert out[("ok", 1)] == ("ok", 1, "S") and out[("ok", 2)] == ("ok", 2, "S")
    assert out[("alloc", 20)] == 20 * 1024 * 1024
    assert time.monotonic() - t < 20  # the slow job did not hold the others up
    assert pool.idle == 2  # killed workers were replaced


def test_intake_pool_retires_a_worker_after_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pooltarget_h7.py").write_text(TARGET)
    monkeypatch.syspath_prepend(str(tmp_path))
    pool = WorkerPool(1, "pooltarget_h7:run", "S", time_limit=10.0, memory_mb=200, max_jobs=3)
    try:
        out = drain(pool, [("pid", i) for i in range(7)])
    finally:
        pool.close()
    pids = [out[("pid", i)] for i in range(7)]
    # One worker at a time, each doing three files: 3 + 3 + 1.
    assert [pids.count(p) for p in dict.fromkeys(pids)] == [3, 3, 1]


SETUP_TARGET = '''
import os

class DatabaseError(Exception):
    pass

def run(job, state):
    return state

def _setup(init):
    # The "register" is down while the flag file exists.
    if os.path.exists(init):
        raise DatabaseError("down")
    return "ready"

run.setup = _setup
'''


def test_intake_pool_worker_started_while_register_down_reports_and_recovers(tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whose setup fails stays alive: each job comes back as a `setup` failure
    (the watcher defers it), and the first job after the register is back runs."""
    (tmp_path / "pooltarget_setup_k2.py").write_text(SETUP_TARGET)
    monkeypatch.syspath_prepend(str(tmp_path))
    down = tmp_path / "down"
    down.touch()
    pool = WorkerPool(1, "pooltarget_setup_k2:run", str(down), time_limit=10.0, memory_mb=200)
    try:
        pid = None
        for expected in (Failure("setup", "DatabaseError"), Failure("setup", "DatabaseError")):
            pool.submit(("job", 1))
            done: list[tuple[object, object]] = []
            while not done:
                done = pool.collect(1.0)
            assert done == [(("job", 1), expected)]
            worker_pid = pool._workers[0].proc.pid
            assert pid in (None, worker_pid)  # the same worker, not a crashed one replaced
            pid = worker_pid
        down.unlink()
        pool.submit(("job", 2))
        done = []
        while not done:
            done = pool.collect(1.0)
        assert done == [(("job", 2), "ready")]
    finally:
        pool.close()


TEARDOWN_TARGET = '''
import os, sys

def run(job, state):
    return os.getpid()

def _teardown():
    with open(os.path.join(os.environ["POOL_MARKS"], str(os.getpid())), "w") as fh:
        fh.write("left")

run.teardown = _teardown
'''


def test_intake_pool_starts_workers_only_when_asked_and_tears_each_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`start=False` spawns nothing until the first job; a worker that leaves (retired
    or at close) runs the target's teardown, which atexit would not (it is forked)."""
    (tmp_path / "pooltarget_td_q4.py").write_text(TEARDOWN_TARGET)
    monkeypatch.syspath_prepend(str(tmp_path))
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("POOL_MARKS", str(marks))
    pool = WorkerPool(1, "pooltarget_td_q4:run", None, time_limit=10.0, memory_mb=200,
                      max_jobs=2, start=False)
    try:
        assert pool._workers == [] and pool.idle == 1
        out = drain(pool, [("pid", i) for i in range(3)])
    finally:
        pool.close()
    pids = {str(out[("pid", i)]) for i in range(3)}
    assert len(pids) == 2  # retired after two files
    assert {p.name for p in marks.iterdir()} == pids


KILL_DRIVER = '''
import sys, time
sys.path.insert(0, sys.argv[1])
from pipeline.intake.pool import WorkerPool

if __name__ == "__main__":
    pool = WorkerPool(2, "pooltarget_h7:run", "S", time_limit=60.0, memory_mb=200)
    pool.submit(("pid", 0))
    pool.submit(("sleep", 60))
    got = []
    while not got:
        got = pool.collect(0.5)
    print(got[0][1], pool._workers[1].proc.pid, flush=True)
    time.sleep(60)
'''


def test_intake_pool_workers_die_when_the_watcher_is_killed(tmp_path: Path) -> None:
    """SIGKILL to the pool's owner ends its fork server and so every worker, busy or
    idle: none could go on to finish a file the next watcher recovers."""
    import os
    import signal
    import subprocess
    import sys

    (tmp_path / "pooltarget_h7.py").write_text(TARGET)
    driver = tmp_path / "driver.py"
    driver.write_text(KILL_DRIVER)
    root = str(Path(__file__).resolve().parents[1])
    proc = subprocess.Popen([sys.executable, str(driver), str(tmp_path)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": root})
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2
        for pid in pids:
            os.kill(pid, 0)  # both alive
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        alive = set(pids)
        while alive and time.monotonic() < deadline:
            for pid in list(alive):
                if _gone(pid):
                    alive.discard(pid)
            time.sleep(0.05)
        assert not alive
    finally:
        proc.kill()
        proc.wait()


def _gone(pid: int) -> bool:
    """Not running: gone, or a zombie waiting for init to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def test_intake_pool_workers_inherit_the_servers_imports_frozen(pool: WorkerPool) -> None:
    """What the fork server imported is out of the collector's sight in each worker, so
    that a worker's full collection does not turn the pages it shares into copies."""
    out = drain(pool, [("frozen", 0), ("frozen", 1)])
    assert all(isinstance(n, int) and n > 10_000 for n in out.values()), out
