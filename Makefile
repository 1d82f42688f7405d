# The two commands a newcomer needs: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: venv demo test lint bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/python -m newscrawl.demo

test: venv
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/state.py
	$(BIN)/python bench/discovery.py
	$(BIN)/python bench/scale.py --repeat 3 --json output/bench-scale.json

clean:
	rm -rf $(VENV) output .newscrawl .pytest_cache build *.egg-info
