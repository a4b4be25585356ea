# Parley: `make run` starts the local stack, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
PORT   ?= 8000
INFRA_VENV ?= .venv-infra
INFRA_PY   := $(INFRA_VENV)/bin/python
# The browser tests drive Debian's Chromium (tests/browser); installed as the README tells a user to.
CHROMIUM   ?= /usr/bin/chromium
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test load lint-imports test-unit test-e2e test-browser test-infra fuzz bench clean-data lock lock-infra

$(VENV)/.local-installed: requirements.txt requirements-local.txt infra/layers/media/requirements.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements-local.txt -c constraints.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.local-installed requirements-dev.txt
	$(PIP) install -r requirements-dev.txt -c constraints.txt
	@touch $@

# The CDK app and its checks live in their own venv: aws-cdk-lib is large and never deployed.
$(INFRA_VENV)/.installed: requirements.txt requirements-infra.txt constraints-infra.txt
	@test -x $(INFRA_PY) || $(PYTHON) -m venv $(INFRA_VENV)
	$(INFRA_PY) -m pip --disable-pip-version-check -q install -r requirements-infra.txt -c constraints-infra.txt
	@touch $@

## Install (first time) and run the local stack on http://127.0.0.1:$(PORT). FRESH=1 starts empty.
run: $(VENV)/.local-installed
	PORT=$(PORT) FRESH=$(FRESH) $(PY) -m local

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

## Install what tests need and run the whole suite (app, local stack, browsers, and the CDK app offline).
test: $(VENV)/.dev-installed $(INFRA_VENV)/.installed $(CHROMIUM)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest --ignore=tests/infra
	$(INFRA_PY) -m pytest tests/infra

## The import contracts of .importlinter (the layers; see docs/architecture.md).
lint-imports: $(VENV)/.dev-installed
	$(VENV)/bin/lint-imports

test-unit: $(VENV)/.dev-installed
	$(PY) -m pytest tests/unit

test-e2e: $(VENV)/.dev-installed
	$(PY) -m pytest tests/e2e

## Every operation of every OpenAPI document, fuzzed by schemathesis against a local stack: more
## examples than `make test`, new random data each run (docs/openapi.md). FUZZ_EXAMPLES=200 for more.
FUZZ_EXAMPLES ?= 50
fuzz: $(VENV)/.dev-installed
	PARLEY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PARLEY_FUZZ_RANDOM=1 $(PY) -m pytest tests/e2e/test_openapi_conformance.py

## The widget and the console in headless Chromium (Playwright for Python, Debian's chromium).
test-browser: $(VENV)/.dev-installed $(CHROMIUM)
	$(PY) -m pytest tests/browser

## cdk synth of dev and prod, assertions on the template, cfn-lint (no AWS account needed).
test-infra: $(INFRA_VENV)/.installed
	$(INFRA_PY) -m pytest tests/infra

## Print the benchmarks' figures (see bench/README.md).
bench: $(VENV)/.dev-installed
	$(PY) bench/coldstart.py
	$(PY) bench/import_profile.py
	$(PY) bench/startup.py
	$(PY) bench/ws_echo.py
	$(PY) bench/dynamodb_requests.py
	$(PY) bench/fanout.py
	$(PY) bench/send_profile.py
	$(PY) bench/cost.py
	$(PY) bench/throughput.py
	$(PY) bench/analysis_accuracy.py
	$(PY) bench/webhooks.py

## Load with a checker (bench/load.py) on a stack of its own: nothing lost, duplicated or reordered, or exit 1.
VISITORS ?= 200
MESSAGES ?= 50
load: $(VENV)/.dev-installed
	$(PY) bench/load.py --visitors $(VISITORS) --messages $(MESSAGES)

## Delete the local stack's saved data (.parley/).
clean-data:
	rm -rf .parley

## Re-pin every transitive dependency after changing a requirements file.
lock:
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip --disable-pip-version-check -q install -r requirements-dev.txt
	{ echo "# Full pin of every package the venv holds (pip freeze of requirements-dev.txt). Regenerate: make lock"; \
	  $(VENV).lock/bin/pip freeze --exclude-editable; } > constraints.txt
	rm -rf $(VENV).lock

## Re-pin the infra venv after changing requirements-infra.txt.
lock-infra:
	rm -rf $(INFRA_VENV).lock && $(PYTHON) -m venv $(INFRA_VENV).lock
	$(INFRA_VENV).lock/bin/pip --disable-pip-version-check -q install -r requirements-infra.txt
	{ echo "# Full pin of the infra venv (pip freeze of requirements-infra.txt). Regenerate: make lock-infra"; \
	  $(INFRA_VENV).lock/bin/pip freeze --exclude-editable; } > constraints-infra.txt
	rm -rf $(INFRA_VENV).lock
