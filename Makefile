# The two commands of the README's quick start: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The official DDI-L XSDs are never committed: use the verified copy beside the project when there is one
# (this machine has no internet); otherwise `ddicat schemas fetch` downloads and verifies them.
SHARED_SCHEMAS := $(abspath ../shared/ddi-schemas)
ifneq ($(wildcard $(SHARED_SCHEMAS)/3.3/instance.xsd),)
export DDICAT_DDI_SCHEMAS ?= $(SHARED_SCHEMAS)
endif

.PHONY: install run test demo clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/ddicat schemas verify || $(BIN)/ddicat schemas fetch
	$(BIN)/ddicat demo

run: demo
	$(BIN)/ddicat serve --host $(HOST) --port $(PORT)

test: install
	@# axe-core for the accessibility checks of the browser tests (they skip, saying why, without it)
	-command -v npm >/dev/null && npm ci --prefix tests/browser --no-audit --no-fund --silent
	$(BIN)/python -m pytest

clean:
	rm -rf var .pytest_cache
