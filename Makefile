# Quick start targets; see README.md.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test check bench soak forms

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# tesserocr from source, linked to Debian's libtesseract and its language data.
	PIP_NO_BINARY=tesserocr $(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Set up and run the main job on the bundled defaults (SQLite, ./inbox, ./outbox).
run: $(STAMP)
	$(VENV)/bin/plr watch

# Set up and run the whole test suite, with the lint and type checks.
test: $(STAMP)
	$(MAKE) check
	$(PY) -m pytest

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
