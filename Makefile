# Quick start targets; see README.md.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test check bench soak forms

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	# Tests build ASiC-E containers with pyasice; its lxml<5 cap would downgrade the project's
	# lxml, so it comes without dependencies (the ones it uses are ours already, oscrypto
	# aside; oscrypto 1.3.0 is patched at import by pipeline/read/oscrypto_fix.py).
	$(PY) -m pip install -q --no-deps 'pyasice>=1.2,<1.3' 'oscrypto>=1.3,<1.4'
	touch $(STAMP)

# Set up and run the main job on the bundled defaults (SQLite, ./inbox, ./outbox):
# the watcher and the web app together.
run: $(STAMP)
	$(VENV)/bin/plr run

# Set up and run the whole test suite, with the lint and type checks; the tests run on
# every core (pytest-xdist; JOBS=0 runs them in this one process), the watcher end-to-end tests one
# after another on one of them (see tests/conftest.py).
test: $(STAMP)
	$(MAKE) check
	# The package compiled once: the suite starts a few hundred plr processes, and where
	# PYTHONDONTWRITEBYTECODE is set (as on CI) each compiled it again (a third of a second
	# of a watcher's start). Python ignores a .pyc older than its source.
	$(PY) -m compileall -q -j 0 pipeline
	$(PY) -m pytest -n $(or $(JOBS),auto) --dist loadgroup

# ruff and mypy --strict in one command.
check: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests benchmarks
	$(VENV)/bin/mypy

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do [ $$b = benchmarks/bench_soak.py ] || $(PY) $$b || exit 1; done

# A long run of the real watcher under a steady feed (default 10 minutes; MINUTES=60 …).
soak: $(STAMP)
	$(PY) benchmarks/bench_soak.py --minutes $(or $(MINUTES),10)

forms: $(STAMP)
	$(VENV)/bin/plr forms build
