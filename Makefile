# 北京大工匠 publicity site. `make html` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
AS_OF  ?=
OUTPUT ?= output

export PYTHONHASHSEED := 0

.PHONY: html check test venv clean serve results golden bench

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## check: validate every data file (Chinese messages, file:line:column)
check: $(STAMP)
	$(PY) -m gongjiang_pipeline check

## html: validate, then build the site into $(OUTPUT)/ (AS_OF=YYYY-MM-DD builds it as of that date)
html: check
	$(PY) -m gongjiang_pipeline build --output $(OUTPUT) $(if $(AS_OF),--as-of $(AS_OF),)

## test: run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## serve: serve the built site on http://127.0.0.1:8000
serve:
	$(PY) -m http.server --bind 127.0.0.1 --directory $(OUTPUT) 8000

## results: print an edition's results as JSON (EDITION=2016)
results: $(STAMP)
	$(PY) -m gongjiang_pipeline results $(or $(EDITION),2016)

## golden: regenerate the golden-site snapshot (tests/golden/) after an intended change; review the diff
golden: $(STAMP)
	GONGJIANG_REGEN_GOLDEN=1 $(PY) -m pytest -q tests/test_site_golden.py

## bench: build-performance benchmarks on synthetic data (bench/README.md); QUICK=1 for a smoke run.
## Knobs: SCALE EDITIONS CANDIDATES STORIES PHOTOS PHOTO_SIZE ENGINE_CANDIDATES ENGINE_BUDGET REBUILD PROFILE SKIP
bench: $(STAMP)
	$(PY) -m bench.run $(if $(filter-out 0,$(QUICK)),--quick,) $(if $(SCALE),--scale $(SCALE),) \
		$(if $(EDITIONS),--editions $(EDITIONS),) $(if $(CANDIDATES),--candidates $(CANDIDATES),) \
		$(if $(STORIES),--stories $(STORIES),) $(if $(PHOTOS),--photos $(PHOTOS),) \
		$(if $(PHOTO_SIZE),--photo-size $(PHOTO_SIZE),) $(if $(ENGINE_CANDIDATES),--engine-candidates $(ENGINE_CANDIDATES),) \
		$(if $(ENGINE_BUDGET),--engine-budget $(ENGINE_BUDGET),) $(if $(REBUILD),--rebuild $(REBUILD),) \
		$(if $(filter-out 0,$(PROFILE)),--profile,) $(if $(SKIP),--skip $(SKIP),)

clean:
	rm -rf $(OUTPUT) .pytest_cache
