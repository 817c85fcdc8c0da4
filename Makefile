# One command each: `make run TASK="..."` generates; `make test` checks everything.
PYTHON ?= $(shell scripts/find-python312)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run demo test test-quick lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	scripts/install-system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[mcp]" --group dev
	touch $(STAMP)

install: $(STAMP)

## make run TASK="a token-bucket rate limiter" ARGS="--out rate_limiter.py"
run: install
	$(BIN)/tta-codegen generate "$(TASK)" $(ARGS)

## make demo: a whole run on a scripted model, no key needed
demo: install
	$(BIN)/tta-codegen demo

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

## the suite in PYTEST_WORKERS processes (most tests wait on servers and
## subprocesses); a test file stays in one process, with its module fixtures
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15 $(PYTEST_ARGS)

## the README's test command: lint, strict types, then the whole suite
test: lint typecheck pytest

## the inner loop: the suite without its `slow` tests (worker fleets, viewers,
## servers, killed processes, whole edit runs); CI runs all through `make test`
test-quick: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not slow" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
