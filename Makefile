# Every target builds its own virtual environment, so a fresh machine needs only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint run ask eval bench bench-live bench-long clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

# With no CONFIG: a throwaway local Synapse, the bot, and a terminal chat in an encrypted DM.
run: $(STAMP)
ifdef CONFIG
	$(BIN)/repere --config "$(CONFIG)" run
else
	$(BIN)/repere demo
endif

ask: $(STAMP)
	$(BIN)/repere ask "$(Q)"

eval: $(STAMP)
	$(BIN)/repere kb eval --baselines --set all

bench: $(STAMP)
	$(BIN)/repere bench

bench-live: $(STAMP)
	$(BIN)/repere bench-live

bench-long: $(STAMP)
	$(BIN)/repere bench-long

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
