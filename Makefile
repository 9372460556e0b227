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
	@echo "== The Rotterdam case: a General Certified Chinese supplier, goods bound for NL in 2019 =="
	$(BIN)/credverify assess --scheme cn.aeo --tier general --from CN --to NL --as-of 2019-06-01
	@echo "== The same supplier once Advanced Certified =="
	$(BIN)/credverify assess --scheme cn.aeo --tier advanced --from CN --to NL --as-of 2016-01-01
	@echo "== A US-licensed psychologist and a protected UK title =="
	$(BIN)/credverify assess --scheme us.licence.psychologist --from US-CA --to GB --activity title:clinical-psychologist

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
