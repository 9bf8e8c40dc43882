# The two commands: `make run` (the local stack) and `make test` (every test).
# Both create .venv and install the pinned requirements when they are missing or changed.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
DEPS   := $(VENV)/.deps-installed

.PHONY: run test lint unit integration e2e clean

$(DEPS): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or PYTHON=python3 make ...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(DEPS)
	$(PY) -m devtools.stack $(ARGS)

test: $(DEPS) lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEPS)
	$(PY) -m ruff check .

unit: $(DEPS)
	$(PY) -m pytest tests/unit

integration: $(DEPS)
	$(PY) -m pytest tests/integration

e2e: $(DEPS)
	$(PY) -m pytest tests/e2e

clean:
	rm -rf $(VENV) .local build .pytest_cache .ruff_cache
