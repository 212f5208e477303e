# Sunbeckn: `make run` runs the product, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA_DIR ?= $(CURDIR)/data
export PORT DATA_DIR

.PHONY: run test lint format bench screenshots clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_catalog
	$(BIN)/python manage.py beckn_keys --ensure
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/python -m config.serve

test: $(BIN)/.installed
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# PNGs of every homeowner page at 390 and 1280 px, in $(SCREENSHOTS_DIR) (Debian's chromium).
SCREENSHOTS_DIR ?= $(CURDIR)/artifacts/screenshots
screenshots: $(BIN)/.installed
	SCREENSHOTS_DIR=$(SCREENSHOTS_DIR) $(BIN)/pytest -q -p no:cacheprovider \
		tests/web/homeowner/test_any_phone.py::test_every_homeowner_page_fits_a_phone_and_a_desktop
	@echo "Screenshots in $(SCREENSHOTS_DIR)"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python bench/beckn_search.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
