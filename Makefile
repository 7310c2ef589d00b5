# The README's two commands:
#   make lab   - set up .venv, build the exercise versions, start JupyterLab on them
#   make test  - set up .venv, then lint + unit tests + notebooks (nbval, FAST mode) + round trip
# Both are idempotent: a second run skips the set-up that is already done.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= 2
PORT   ?= 8888
# JupyterLab refuses to run as root without --allow-root (containers, CI); tests add loopback/token flags.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test install exercises lint unit notebooks outputs expected clean browser

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

exercises: $(STAMP)
	$(PY) -m course_utils release

lab: exercises
	$(VENV)/bin/jupyter lab --notebook-dir=exercises --port=$(PORT) $(LAB_FLAGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check course_utils tests

# Debian's Chromium for tests/browser/ (once, as root, from apt); elsewhere those tests skip and say why.
browser:
	@bash .ci/install-browser

test: exercises lint browser
	COURSE_FAST=1 $(PY) -m pytest -n $(JOBS) --dist loadfile tests notebooks \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=900 \
	  --nbval-sanitize-with tests/sanitize.cfg -q -ra

# Maintainers: regenerate committed outputs (full mode) and the checks' expected values.
outputs: $(STAMP)
	$(PY) -m course_utils execute $(NB)

expected: $(STAMP)
	$(PY) -m course_utils expected all

clean:
	rm -rf exercises data/cache .pytest_cache
