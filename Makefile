# Open Data Public Services Toolkit — the two commands:
#   make run    set up .venv, execute the whole collection for the sample council → outputs/<council>/
#   make test   set up .venv, run the full test suite (unit tests, nbval, papermill variants, browser)
# Other targets: make notebooks (re-execute committed notebooks in place), make samples
# (regenerate data/sample), make site (static HTML of the collection), make guide (the
# facilitator guide's notebook index), make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= councils/sample.yaml
JOBS   ?= 2
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.8

.PHONY: setup run test test-unit test-notebooks notebooks samples site guide bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/toolkit run --config $(CONFIG) --jobs $(JOBS)

test: test-unit test-notebooks

# Unit, integration and papermill-variant tests, two workers (one file per worker).
test-unit: setup
	$(BIN)/pytest -n 2 --dist loadfile tests

# nbval re-runs every committed notebook and compares each cell's output with the stored one.
# One process, in file order, so the business-case notebook sees the others' artefacts; they
# go to a fresh temporary folder, never into outputs/.
test-notebooks: setup
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	TOOLKIT_OUTPUT_ROOT="$$tmp" TOOLKIT_OFFLINE=1 MPLBACKEND=Agg \
	$(BIN)/pytest -p no:xdist -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-cell-timeout=300 --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

notebooks: setup
	$(BIN)/toolkit refresh

samples: setup
	$(BIN)/toolkit samples

site: setup
	$(BIN)/python -m toolkit_helpers.site

# Regenerate the notebook and exercise index in docs/facilitator-guide.md (a test checks it).
guide: setup
	$(BIN)/toolkit guide

bench: setup
	$(BIN)/python benchmarks/spend_scale.py --rows 1000000

clean:
	rm -rf outputs _site .pytest_cache
