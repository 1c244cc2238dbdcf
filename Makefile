# 北京大工匠 publicity site. `make html` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
AS_OF  ?=
OUTPUT ?= output
# npm tools of the quality tests (axe-core, vnu.jar): tests/package.json, installed by npm ci
NODE_TOOLS := tests/node_modules/.package-lock.json

export PYTHONHASHSEED := 0

.PHONY: html check test venv clean serve results golden tools

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

## test: run the whole test suite (browser tests need /usr/bin/chromium; HTML validation needs java)
test: $(STAMP) tools
	$(PY) -m pytest

## tools: the npm packages of the quality tests (without npm they are skipped, with a notice)
tools: $(NODE_TOOLS)

$(NODE_TOOLS): tests/package.json tests/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests --ignore-scripts --no-audit --no-fund; \
	else \
	  echo "未找到 npm：无法安装 axe-core 和 vnu.jar，浏览器测试和 HTML 校验将跳过（Debian：apt-get install npm）"; \
	fi

## serve: serve the built site on http://127.0.0.1:8000
serve:
	$(PY) -m http.server --bind 127.0.0.1 --directory $(OUTPUT) 8000

## results: print an edition's results as JSON (EDITION=2016)
results: $(STAMP)
	$(PY) -m gongjiang_pipeline results $(or $(EDITION),2016)

## golden: regenerate the golden-site snapshot (tests/golden/) after an intended change; review the diff
golden: $(STAMP)
	GONGJIANG_REGEN_GOLDEN=1 $(PY) -m pytest -q tests/test_site_golden.py

clean:
	rm -rf $(OUTPUT) .pytest_cache tests/node_modules
