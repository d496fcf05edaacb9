# Two commands do the whole set-up on a fresh machine:
#   make run    -> installs into .venv, then reconciles the bundled seed articles into out/seed
#   make test   -> installs into .venv (with the test and spark extras), then runs the test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install run test bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

install: $(STAMP)

# The main job: the raw seed articles (two reports of 7 July 2021, with repeats) -> claims -> verdicts,
# contradictions and report. The Reuters article carries no date in its text, hence --published-at.
run: $(STAMP)
	$(PY) -m reconcile run data/seed_articles.txt --rules rules/ --out out/seed \
		--as-of 2021-07-07T23:59:59Z --published-at 2021-07-07
	$(PY) -m reconcile run data/sample_claims.csv --rules rules/ --out out/sample --as-of 2021-07-07T23:59:59Z
	@echo "reports: out/seed/report.html and report.md (from the raw articles), out/sample/ (hand-typed claims)"

test: $(STAMP)
	$(PY) -m pytest -q

# Benchmarks: ours vs peers on ../shared/datasets + synthetic 1M/10M -> docs/benchmarks.md, bench/results.csv
# (~15 min; `make bench BENCH_ARGS=--quick` skips the 10M-claim feed). Builds the peers' venv first.
bench: $(STAMP)
	bash bench/peers/setup_venv.sh
	$(PY) -m bench.run $(BENCH_ARGS)

# the JSON Schema of the rules, for editors (generated from the model; a test checks it has not drifted)
schema: $(STAMP)
	$(PY) -m reconcile schema --out docs/rules.schema.json
	$(PY) -m reconcile schema --decisions --out docs/decisions.schema.json

clean:
	rm -rf out .pytest_cache
