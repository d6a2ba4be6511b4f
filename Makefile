# Invoice-HUB: `make run` starts everything with demo data, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make run    - install what is missing, start all services with demo data"
	@echo "make test   - install what is missing, lint, run every test (unit, integration, browser)"
	@echo "make stop   - stop what make run started"
	@echo "make lint   - ruff + mypy"
	@echo "make bench  - sync throughput, API load and PDF benchmarks"

bootstrap:
	@bash scripts/bootstrap.sh

run:
	@bash scripts/run.sh

stop:
	@bash scripts/stop.sh

lint: bootstrap
	@source scripts/env.sh && ruff check invoicehub worker tests bench && ruff format --check invoicehub worker tests bench && mypy invoicehub worker

test: bootstrap
	@bash scripts/test.sh

bench: bootstrap
	@bash scripts/bench.sh

.PHONY: help bootstrap run stop lint test bench
