# Everything a fresh machine needs: Python 3.11+ and make. The virtual environment is built on demand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the embedded demo data. Until the batch runner lands, a short tour of what works.
run: $(STAMP)
	@echo "== What could these identifiers be? =="
	$(BIN)/credverify identify 91110000600037341L
	$(BIN)/credverify identify 1234567893
	$(BIN)/credverify identify 1234567890
	$(BIN)/credverify identify DEAEOF1234
	@echo "== A scheme whose rules changed over time =="
	$(BIN)/credverify schemes show cn.aeo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
