# FactoryOps. `make run` and `make test` are the two commands a newcomer needs; both
# install what is missing first and skip what is up to date.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: help install run test test-backend test-telemetry test-frontend test-e2e services \
        services-stop lint api-types bench bench-ingest bench-api bench-alerts bench-analytics up down \
        compose-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install: ## Python venv, npm packages and the built web app
	@scripts/bootstrap.sh python node spa

run: ## the whole platform on embedded defaults, with a demo factory and simulated machines
	@scripts/bootstrap.sh python spa
	@$(PY) scripts/run_platform.py

test: ## every suite against real servers started on loopback (MariaDB, Redis, InfluxDB, ...)
	@scripts/test.sh all

test-backend: ## backend suites only (servers started as for `make test`)
	@scripts/test.sh backend

test-telemetry: ## ingester suites only
	@scripts/test.sh telemetry

test-frontend: ## lint, unit tests and build of the web app
	@scripts/test.sh frontend

test-e2e: ## browser tests in Chromium against a running platform
	@scripts/test.sh e2e

services: ## start the project's own test servers (idempotent)
	@scripts/bootstrap.sh python s3
	@scripts/services.sh install
	@scripts/services.sh start

services-stop: ## stop the project's own test servers
	@scripts/services.sh stop

api-types: ## regenerate the web app's API types from the backend's OpenAPI document
	@scripts/bootstrap.sh python node
	@scripts/api_types.sh

lint: ## static checks
	@scripts/bootstrap.sh python node
	@$(VENV)/bin/ruff check backend telemetry scripts
	@cd backend && ../$(VENV)/bin/lint-imports --no-cache
	@cd frontend && npm run -s lint

bench: bench-ingest bench-api bench-alerts bench-analytics ## every benchmark

bench-ingest: ## ingest throughput vs a bare subscriber, loss and latency
	@scripts/bench.sh ingest

bench-api: ## API latency under 20 concurrent clients
	@scripts/bench.sh api

bench-alerts: ## publish-to-alert latency
	@scripts/bench.sh alerts

bench-analytics: ## analytics and report job durations
	@scripts/bench.sh analytics

# Images are tagged with the commit they are built from.
FACTORYOPS_VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)

up: ## production stack with docker compose (images tagged FACTORYOPS_VERSION)
	FACTORYOPS_VERSION=$(FACTORYOPS_VERSION) docker compose -f docker/docker-compose.yml --env-file .env up -d --build

down: ## stop the production stack
	FACTORYOPS_VERSION=$(FACTORYOPS_VERSION) docker compose -f docker/docker-compose.yml --env-file .env down

compose-check: ## validate the compose file and nginx configuration offline
	@scripts/bootstrap.sh python deploy node browser
	@cd backend && ../$(VENV)/bin/pytest -q -p no:cacheprovider tests/deploy

clean: ## remove build output and local data (not the test servers' data)
	rm -rf .stamps frontend/dist data
