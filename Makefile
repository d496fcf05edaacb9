# Two commands do the whole set-up on a fresh machine:
#   make run    -> installs into .venv, then reconciles the bundled sample feed into out/sample
#   make test   -> installs into .venv (with test extras), then runs the test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m reconcile run data/sample_claims.csv --rules rules/ --out out/sample --as-of 2021-07-07T23:59:59Z
	@echo "report: out/sample/report.md"

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf out .pytest_cache
