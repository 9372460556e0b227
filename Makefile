# Everything a fresh machine needs: Python 3.11+ and make. The virtual environment is built on demand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run tour test lint install bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job: the synthetic supplier list checked offline against the synthetic demo registry,
# assessed for the Netherlands, reported as HTML. The list holds blockers on purpose, which would
# exit 1: --fail-on never keeps a finished demo run a success for make.
run: $(STAMP)
	$(BIN)/credverify batch examples/suppliers.csv --to NL --demo --out report.html --fail-on never

# A short tour of single lookups and the rule engine.
tour: $(STAMP)
	$(BIN)/credverify identify 91110000600037341L
	$(BIN)/credverify assess --scheme cn.aeo --tier general --from CN --to NL --as-of 2019-06-01 --fail-on never
	$(BIN)/credverify assess --scheme us.licence.psychologist --from US-CA --to GB --activity title:clinical-psychologist --fail-on never

# Benchmarks (not part of make test): tables on stdout, JSON in bench/results/.
bench: $(STAMP)
	PYTHONPATH=. $(BIN)/python bench/run_all.py

# A longer fuzz run of the response parsers (FUZZ_SECONDS, default 60).
fuzz: $(STAMP)
	PYTHONPATH=. $(BIN)/python tests/fuzz/fuzz_parsers.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src

# Two workers: the suite waits on sockets and timers more than on the CPU.
test: lint
	$(BIN)/pytest -n 2

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
