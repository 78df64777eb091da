# Two commands work on a fresh machine with python3, pip and make:
#   make seeds   build the graph of the seed articles into out/
#   make test    run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: seeds test install browser clean jupyter

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

install: $(BIN)/kg

seeds: $(BIN)/kg
	$(BIN)/kg build seeds --out out

# Debian's chromium for the browser tests (Playwright drives it; it cannot download its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

test: $(BIN)/kg browser
	$(BIN)/python -m pytest -q

# JupyterLab on the project's environment, opened on notebooks/
jupyter: $(BIN)/kg
	$(BIN)/pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf out $(VENV) .pytest_cache
