# The two commands a newcomer runs: `make demo` and `make test`.
# Both create (or reuse) a virtual environment in .venv with everything installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test system-tools lint types unit fixtures docs map-data bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m pipeline.demo --data data

test: system-tools lint types unit

# pywb replays our WARCs and WACZ files in the tests, and py-wacz (`wacz validate`) checks
# the WACZ, as tools of others; they pin versions of their own (warcio, jinja2, gevent,
# frictionless), so they live in a venv of their own.
PYWB := .venv-pywb
$(PYWB)/.installed: Makefile
	test -x $(PYWB)/bin/python || $(PYTHON) -m venv $(PYWB)
	$(PYWB)/bin/python -m pip install --quiet --disable-pip-version-check 'pywb>=2.8,<3' 'wacz>=0.5' 'frictionless[parquet]' pandas
	touch $(PYWB)/.installed

# ReplayWeb.page, as archivists open a WACZ: Webrecorder's viewer from the npm registry
# (its ui.js and service worker), which the tests serve on 127.0.0.1 to headless Chromium.
RWP := .rwp
RWP_VERSION := 2.5.3
$(RWP)/.installed: Makefile
	rm -rf $(RWP) && mkdir -p $(RWP)
	cd $(RWP) && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null && tar xzf replaywebpage-$(RWP_VERSION).tgz
	touch $(RWP)/.installed

# axe-core, the accessibility checker (WCAG 2.1 AA), from the npm registry: the browser
# tests run it on every page kind of the web app.
AXE := .axe
AXE_VERSION := 4.10.3
$(AXE)/.installed: Makefile
	rm -rf $(AXE) && mkdir -p $(AXE)
	cd $(AXE) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	touch $(AXE)/.installed

# The IATI Standard 2.03's own XSD schemas and codelists, as the pyIATI source distribution
# (PyPI, MIT) ships them: the tests validate `jparchive export --format iati` with them.
IATI := .iati
IATI_VERSION := 0.4.1
$(IATI)/.installed: Makefile $(STAMP)
	rm -rf $(IATI) && mkdir -p $(IATI)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: pyiati==$(IATI_VERSION) -d $(IATI)
	cd $(IATI) && tar xzf pyIATI-$(IATI_VERSION).tar.gz pyIATI-$(IATI_VERSION)/iati/resources/standard/2-03 && mv pyIATI-$(IATI_VERSION)/iati/resources/standard/2-03 2-03
	touch $(IATI)/.installed

# Debian packages the tests run as other tools (GNU wget writes WARCs of its own; Chromium is
# the browser the web app's tests drive through Playwright) and the readers of documents
# (antiword and catdoc read Word 97 and older files, tesseract reads scans with --ocr);
# installed with apt when missing, as root (CI runs as root on a fresh machine).
# Each is command:package.
SYSTEM_TOOLS := wget:wget chromium:chromium antiword:antiword catdoc:catdoc tesseract:tesseract-ocr
system-tools:
	@missing=""; for tool in $(SYSTEM_TOOLS); do command -v $${tool%%:*} >/dev/null || missing="$$missing $${tool#*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing (apt)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

# On every core, a test file to a worker (its module fixtures built once); then, alone,
# the tests that measure time (request gaps at the server, stops within two seconds).
unit: $(STAMP) $(PYWB)/.installed $(RWP)/.installed $(AXE)/.installed $(IATI)/.installed
	$(BIN)/pytest -q -n auto --dist loadfile -m "not serial"
	$(BIN)/pytest -q -m serial

# Re-render fixtures/site/ from pipeline/fixtures/spec.py (the golden JSON comes with it).
docs: $(STAMP)
	$(BIN)/python -m pipeline.build.dictionary

fixtures: $(STAMP)
	$(BIN)/python -m pipeline.fixtures.render fixtures/site

# The web app's map: Natural Earth's countries (1:50m) from the world-atlas npm package,
# projected and simplified into pipeline/web/data/europe.json (committed; rerun when the
# map's frame or the shapes change).
WORLD_ATLAS_VERSION := 2.0.2
map-data: $(STAMP)
	rm -rf .world-atlas && mkdir -p .world-atlas
	cd .world-atlas && npm pack --silent world-atlas@$(WORLD_ATLAS_VERSION) >/dev/null && tar xzf world-atlas-$(WORLD_ATLAS_VERSION).tgz
	$(BIN)/python -m pipeline.web.mapdata .world-atlas/package/countries-50m.json

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python benchmarks/parse_bench.py --write
	$(BIN)/python benchmarks/harvest_bench.py --write
	$(BIN)/python benchmarks/hostile_bench.py --write
	$(BIN)/python benchmarks/wayback_bench.py --write
	$(BIN)/python benchmarks/requisites_bench.py --write
	$(BIN)/python benchmarks/documents_bench.py --write
	$(BIN)/python benchmarks/entities_bench.py --write
	$(BIN)/python benchmarks/build_bench.py --write
	$(BIN)/python benchmarks/web_bench.py --write
	$(BIN)/python benchmarks/rehearsal.py --write  # about 20 minutes: 10,000 and 30,000 activities

clean:
	rm -rf $(VENV) $(PYWB) $(RWP) $(AXE) $(IATI) data/citations.* data/iati.xml data/raw data/parquet data/reports data/cache data/.parquet data/jparchive.db data/jparchive.wacz .mypy_cache .pytest_cache .ruff_cache
