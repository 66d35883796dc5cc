# Every target installs what it needs into .venv from nothing; run `make demo` then `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo emulators-up emulators-down test lint typecheck unit golden fuzz bench clean mutants

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m compileall -q src  # as pip does for an installed wheel (an editable install does not)
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest -q

test: lint typecheck unit

# Print each golden case's differences from its expected files; write only the cases accepted after review:
# make golden ACCEPT='case other' (or ACCEPT=all). Refused under CI.
golden: $(STAMP)
	$(PY) -m tests.golden.review $(ACCEPT)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist

# --- emulators and the main job (owned by the import work) ---
# `make demo`: install LocalStack (cached), start it and moto on 127.0.0.1, import SecurePets with its pool
# resolved by name, deploy, verify, print the table, and stop what it started (also on failure or Ctrl-C).
demo: $(STAMP)
	$(PY) scripts/emulators.py install
	$(PY) scripts/demo.py

# Start the emulators for a shell session: eval "$$(make -s emulators-up)"; stop them with emulators-down.
emulators-up: $(STAMP)
	@$(PY) scripts/emulators.py start

emulators-down:
	@$(PY) scripts/emulators.py stop

# --- benchmarks ---
# Synthetic documents (cached in benchmarks/.cache) plus any given: make bench ARGS="path/to/api.json ..."
# BENCH_FLAGS=--quick by default (about 10 minutes on 2 cores); BENCH_FLAGS= for the full matrix.
# Then a split document (GitHub's description, one file per path item, from ../shared/corpus when present)
# times apply --in-place, audit and bundle beside Redocly's bundle.
# With node and npm on PATH the peers (openapi-format, @redocly/cli, pinned) are installed into
# benchmarks/.cache/peers and measured in the same run; without them the run says they were skipped.
BENCH_FLAGS ?= --quick
bench: $(STAMP)
	$(PY) -m benchmarks.run $(BENCH_FLAGS) $(ARGS)
	$(PY) -m benchmarks.split --rounds 3
	$(PY) -m benchmarks.serving

# --- long fuzz run ---
# Thousands of hostile documents and selectors through the CLI, and the security property over thousands of
# generated documents (HYPOTHESIS_PROFILE=long; `make test` runs a short fixed-seed share of the same tests).
# Case counts go to the terminal and to .hypothesis/fuzz-stats.json.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q -p no:cacheprovider tests/properties/test_fuzz.py tests/properties/test_security_property.py tests/properties/test_untrusted_selectors.py tests/properties/test_split_property.py tests/properties/test_yaml_check.py tests/properties/test_json_check.py

# --- mutation testing (not part of `make test`) ---
# mutmut over the decision code, one module at a time (MODULES='core.transform selector.globs' for some),
# then the score table; survivors are explained in docs/robustness.md#mutation-testing.
mutants: $(STAMP)
	$(PY) scripts/mutants.py $(MODULES)
