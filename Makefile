# divergence — developer entry points. `make demo` and `make test` create/refresh .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# pytest workers: 2 cores on the reference machine
PYTEST_WORKERS ?= 2

.PHONY: all venv demo test lint types unit examples docs package bench bench-scaling bench-docs clean

all: test

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/python -m divergence report

# docs before unit: tests/test_docs_offline.py checks the freshly built site
test: venv lint types docs unit examples package

lint: venv
	$(BIN)/ruff check src tests benchmarks examples docs
	$(BIN)/ruff format --check src tests benchmarks examples docs

types: venv
	$(BIN)/mypy --strict src/divergence

unit: venv
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -p no:cacheprovider

examples: venv
	@set -e; for f in examples/*.py; do \
		echo "running $$f"; MPLBACKEND=Agg $(BIN)/python -W error $$f > /dev/null; \
	done

# a clean output directory: no page left over from an earlier build is checked or shipped
docs: venv
	rm -rf docs/_build/html
	MPLBACKEND=Agg $(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

# sdist + wheel into dist/, then twine's metadata and README check
package: venv
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

# sizes: make bench BENCH_ARGS="--scale 0.5"; make bench-scaling SCALING_ARGS="--scale 2 --points 6"
BENCH_ARGS ?=
SCALING_ARGS ?=

bench: venv
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# growth curves (log-log slopes) and the Dask speed-up -> docs/_data/performance.json
bench-scaling: venv
	$(BIN)/python -m benchmarks.scaling $(SCALING_ARGS)

# refresh everything the Performance docs page reads (docs/_data/*.json)
bench-docs: venv
	$(BIN)/python -m benchmarks --save-docs $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.scaling $(SCALING_ARGS)

clean:
	rm -rf docs/_build docs/api/generated docs/auto_examples .pytest_cache .mypy_cache .ruff_cache \
		dist build
