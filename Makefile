PY ?= python

.PHONY: lint test bench format fuzz

lint:
	$(PY) -m ruff check xlcomp tests bench
	$(PY) -m ruff format --check xlcomp tests bench
	$(PY) -m mypy xlcomp

format:
	$(PY) -m ruff format xlcomp tests bench
	$(PY) -m ruff check --fix xlcomp tests bench

test:
	$(PY) -m pytest -q

bench:
	$(PY) bench/udf_bench.py
	$(PY) bench/refresh_bench.py
	$(PY) bench/command_bench.py

# Refresh against LibreOffice on random formulas (tests/differential.py), 40 workbooks.
fuzz:
	$(PY) -m tests.differential --examples 40
