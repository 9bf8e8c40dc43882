# The two commands: `make run` (the local stack) and `make test` (every test).
# Both create .venv and install the pinned requirements when they are missing or changed.
# Python 3.13, as the Lambda functions run it (.python-version selects it under pyenv).
PYTHON ?= $(shell command -v python3.13 2>/dev/null || echo python3.13)
VENV   := .venv
PY     := $(VENV)/bin/python
DEPS   := $(VENV)/.deps-installed
CHECKOV := .venv-checkov/.installed

.PHONY: run test check lint unit integration e2e clean messages

# The gettext catalogs compiled to .mo (build output, gitignored; docs/console.md "Texts").
messages: $(DEPS)
	$(PY) -m devtools.catalogs

$(DEPS): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.13 is needed and python3.13 was not found."; \
	  echo "Install it (Debian/Ubuntu: apt-get install python3.13 python3.13-venv; pyenv: pyenv install 3.13.0)"; \
	  echo "or name one: make PYTHON=/path/to/python3.13 ..."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || { echo "$(PYTHON) is not Python 3.13"; exit 1; }
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(DEPS) messages
	$(PY) -m devtools.stack $(ARGS)

test: $(DEPS) $(CHECKOV) lint messages
	$(PY) -m pytest $(PYTEST_ARGS)

# checkov pins boto3 (and more) to other versions than ours: it gets a venv of its own, used by
# tests/deploy/test_package.py on the packaged template (docs/security.md "checkov").
$(CHECKOV): requirements-checkov.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || { echo "$(PYTHON) is not Python 3.13"; exit 1; }
	@.venv-checkov/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || \
	  { rm -rf .venv-checkov; $(PYTHON) -m venv .venv-checkov; }
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

# The fast loop: lint, the unit tests and the integration tests not marked slow, on two processes
# (each with its own moto server; a test file stays on one). ≤ 90 s on 2 cores: docs/measurements.md.
check: $(DEPS) lint
	$(PY) -m pytest -q -n 2 --dist loadfile tests/unit tests/integration -m "not slow" $(PYTEST_ARGS)

lint: $(DEPS)
	$(PY) -m ruff check .

unit: $(DEPS) messages
	$(PY) -m pytest tests/unit

integration: $(DEPS) messages
	$(PY) -m pytest tests/integration

e2e: $(DEPS) messages
	$(PY) -m pytest tests/e2e

# The reliability suite at full size (docs/operations.md "Reliability"); `make test` runs the same tests small.
.PHONY: reliability
reliability: $(DEPS) messages
	RELIABILITY=full $(PY) -m pytest tests/reliability $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-checkov .local build .pytest_cache .ruff_cache

# Deploying and measuring (docs/deployment.md, docs/measurements.md). No dev routes, no local endpoints.
.PHONY: package bench
# `make package STAGE=dev` (a make argument: STAGE in the environment is the app's own setting)
STAGE  := prod
REGION := ap-southeast-3
BUILD  := build
AWS_ENV := env -u DEV_ROUTES -u DEV_CLOCK_FILE -u DEV_OUTBOX_FILE -u AWS_ENDPOINT_URL \
	-u AWS_ENDPOINT_URL_DYNAMODB -u TABLE_PREFIX -u STAGE AWS_DEFAULT_REGION=$(REGION)

package: $(DEPS) messages
	rm -rf $(BUILD) && mkdir -p $(BUILD)
	$(AWS_ENV) $(PY) -m deploy.template --stage $(STAGE) > $(BUILD)/resources.json
	$(AWS_ENV) $(VENV)/bin/chalice package --stage $(STAGE) --merge-template $(BUILD)/resources.json $(BUILD)/
	$(PY) -m deploy.slim $(BUILD)/deployment.zip
	$(VENV)/bin/cfn-lint $(BUILD)/sam.json

bench: $(DEPS) messages
	$(PY) -m bench.run $(ARGS)
