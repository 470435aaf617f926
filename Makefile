# Two commands on a fresh machine (Python >= 3.10, git, make):
#   make demo   creates .venv, installs concdemo, runs the main demo
#   make test   installs concdemo with its test tools and the cluster extra (Dask),
#               runs ruff, mypy, the import layers (lint-imports, .importlinter) and pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test install lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet .

demo: install
	$(BIN)/concdemo tour

# A plain (non-editable) install: the tests exercise exactly what users get.
# The --html report's browser tests use the system's chromium (never `playwright
# install`): installed with apt when missing and when we may (root with apt), with
# fonts-dejavu-core, the font of the reference screenshots (tests/golden/html/).
test: $(BIN)/python
	@{ command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; } \
		|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq \
		&& apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; } \
		|| echo "chromium or fonts-dejavu-core is missing: browser tests will be skipped (apt-get install chromium fonts-dejavu-core)"
	$(BIN)/python -m pip install --quiet ".[test,cluster]"
	$(BIN)/ruff check concdemo scenarios tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo
	CONCDEMO_TEST_INSTALLED=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .venv-3.* build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
