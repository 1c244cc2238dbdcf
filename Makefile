# 北京大工匠 publicity site. `make html` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
AS_OF  ?=
OUTPUT ?= output
PUBLISH_TARGET ?=
# the site's public address (canonical links, sitemap, feeds, QR codes, share cards, badges);
# empty: GONGJIANG_CANONICAL_BASE of pelican.conf.py. make publish needs a real one.
SITEURL ?=
PORT   ?= 8000
# npm tools of the quality tests (axe-core, vnu.jar): tests/package.json, installed by npm ci
NODE_TOOLS := tests/node_modules/.package-lock.json

export PYTHONHASHSEED := 0

.PHONY: html check test venv clean serve devserver results golden status new-candidate new-story new-mentorship new-lecture new-studio new-topic publish bench tools certificates

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## check: validate every data file (Chinese messages, file:line:column)
check: $(STAMP)
	$(PY) -m gongjiang_pipeline check

## html: validate, then build the site into $(OUTPUT)/ (AS_OF=YYYY-MM-DD builds it as of that date;
##       unchanged pages are kept from the last build; CLEAN=1 renders every page again;
##       TIMINGS=1 lists the time of each phase)
html: check
	$(PY) -m gongjiang_pipeline build --output $(OUTPUT) $(if $(AS_OF),--as-of $(AS_OF),) $(if $(SITEURL),--siteurl '$(SITEURL)',) $(if $(filter-out 0,$(CLEAN)),--clean,) $(if $(filter-out 0,$(TIMINGS)),--timings,)

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

## serve: serve the built site on http://127.0.0.1:$(PORT)/ (run make html first)
serve: $(STAMP)
	$(PY) -m gongjiang_pipeline serve --output $(OUTPUT) --port $(PORT)

## devserver: build, serve on http://127.0.0.1:$(PORT)/, rebuild and reload the browser on changes under content/, data/, theme/ (AS_OF=YYYY-MM-DD)
devserver: $(STAMP)
	$(PY) -m gongjiang_pipeline devserver --output $(OUTPUT) --port $(PORT) $(if $(AS_OF),--as-of $(AS_OF),)

## results: print an edition's results as JSON (EDITION=2016)
results: $(STAMP)
	$(PY) -m gongjiang_pipeline results $(or $(EDITION),2016)

## certificates: A4 landscape PDF certificates of an approved edition into certificates/<EDITION>/ (staff only, not the site)
certificates: $(STAMP)
	$(PY) -m gongjiang_pipeline certificates $(or $(EDITION),2016) $(if $(SITEURL),--siteurl '$(SITEURL)',)

## status: each edition's stage, public lists, next step and missing data (AS_OF=YYYY-MM-DD)
status: $(STAMP)
	$(PY) -m gongjiang_pipeline status $(if $(AS_OF),--as-of $(AS_OF),)

## new-candidate: write the next candidate file (asks on a terminal; EDITION=, NAME=, OCCUPATION= preset values)
new-candidate: $(STAMP)
	$(PY) -m gongjiang_pipeline new-candidate $(if $(EDITION),--edition '$(EDITION)',) $(if $(NAME),--name '$(NAME)',) $(if $(OCCUPATION),--occupation '$(OCCUPATION)',)

## new-lecture: write data/lectures/<id>.yaml for a 北京大工匠讲堂 lecture (ID=2030-hanjie, optional SPEAKER=2016-028)
new-lecture: $(STAMP)
	$(PY) -m gongjiang_pipeline new-lecture $(ID) $(if $(SPEAKER),--speaker '$(SPEAKER)',)

## new-studio: write data/studios/<id>.yaml for a 创新工作室 (ID=zhao-lidan-hanjie CRAFTSMAN=2016-028)
new-studio: $(STAMP)
	$(PY) -m gongjiang_pipeline new-studio $(ID) $(if $(CRAFTSMAN),--craftsman '$(CRAFTSMAN)',)

## new-story: write content/stories/<slug>.md for a candidate (ID=2016-003, optional SLUG=)
new-story: $(STAMP)
	$(PY) -m gongjiang_pipeline new-story $(ID) $(if $(SLUG),--slug '$(SLUG)',)

## new-topic: write data/topics/<id>.yaml for a 专题 (themed column; ID=2016-jiangxin)
new-topic: $(STAMP)
	$(PY) -m gongjiang_pipeline new-topic $(ID)

## new-mentorship: write data/mentorships/<id>.yaml (MASTER=2016-003 or FROM=<record id>, NAME=徒弟姓名, optional CANDIDATE=, ID=, START=)
new-mentorship: $(STAMP)
	$(PY) -m gongjiang_pipeline new-mentorship $(if $(MASTER),--master '$(MASTER)',) $(if $(FROM),--from '$(FROM)',) $(if $(NAME),--name '$(NAME)',) $(if $(CANDIDATE),--candidate '$(CANDIDATE)',) $(if $(ID),--id '$(ID)',) $(if $(START),--start '$(START)',)

## publish: build for SITEURL (the real address; required), then sync $(OUTPUT)/ to PUBLISH_TARGET
##          (dir:/path, rsync:host:/path or s3://bucket/prefix), changed files only
publish: html
	$(PY) -m gongjiang_pipeline publish --source $(OUTPUT) $(if $(PUBLISH_TARGET),--target '$(PUBLISH_TARGET)',) $(if $(SITEURL),--siteurl '$(SITEURL)',)

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
	rm -rf $(OUTPUT) .pytest_cache tests/node_modules
