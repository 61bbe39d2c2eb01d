# Developer entry points. `make demo` and `make test` set up everything they need first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint check docs benchmarks soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall when pyproject.toml changes.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,production]"
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/ioc demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

docs: $(VENV)/.installed-test
	$(BIN)/ioc config-reference --write docs/configuration.md

benchmarks: $(VENV)/.installed-test
	for script in $(filter-out benchmarks/demo_data.py,$(wildcard benchmarks/*.py)); do $(BIN)/python $$script; done

# The soak test at full length: an hour of operation on the production rig (CI runs two minutes of it).
soak: $(VENV)/.installed-test
	IOC_SOAK_SECONDS=3600 CI=true $(BIN)/pytest tests/reliability/test_soak.py

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache .hypothesis
