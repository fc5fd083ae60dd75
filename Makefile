# Two entry points, both self-contained on a machine with Python 3.11+:
#   make example   set up .venv from the lock and judge the shipped Terraform examples
#   make test      set up .venv from the lock and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock

export CKV_SKIP_PACKAGE_UPDATE_CHECK := true

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

.PHONY: setup example test lint
setup: $(STAMP)

# Exit code 1 means "findings": that is what the example is for, so only 2 fails.
example: $(STAMP)
	$(BIN)/ai-cost-policy scan terraform_fixtures || [ $$? -eq 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check ai_cost_policy checks pulumi_policies tests scripts benchmarks
	$(BIN)/ruff format --check ai_cost_policy checks pulumi_policies tests scripts benchmarks
