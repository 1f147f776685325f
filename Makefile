# Two set-up commands: `make run` and `make test`. Everything the project needs is installed here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test lint ingest bench fit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: 2.13.0 resolves to the CPU build here; anything else pulls CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/python -m assistant ingest corpus --prune

run: ingest
	$(BIN)/python ui.py

test: $(STAMP)
	$(BIN)/ruff check assistant ingest evals ui.py tests scripts
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check assistant ingest evals ui.py tests scripts

# Refit the answer scorer (assistant/data/scorer.json) on the development sets' fit split; see README.
fit: $(STAMP)
	$(BIN)/python -m evals.fit_scorer

bench: $(STAMP)
	$(BIN)/python -m assistant bench

clean:
	rm -rf .index .pytest_cache build *.egg-info
