# Switchboard: the two commands are `make dev` and `make test`. `make help` lists the rest.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
PORT ?= 3000

.PHONY: help setup dev test lint rust-test infra-test openapi bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install what the tests need (Python tools); safe to run again
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r infra/requirements-test.txt

dev: ## run the whole portal on http://localhost:$(PORT) with demo data (embedded backends)
	PORT=$(PORT) cargo run -p portal-local

test: setup lint rust-test infra-test ## every test: format, lints, Rust (incl. moto), Lambda binaries, cfn-lint
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "tests: %d passed, %d failed\n", p, f}' target/test-output.log

lint: ## rustfmt and clippy, warnings are errors
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

rust-test: ## unit, contract (embedded and moto), handler, API and Lambda-binary tests
	cargo build --workspace --bins
	cargo test --workspace --no-fail-fast 2>&1 | tee target/test-output.log

infra-test: ## the template passes cfn-lint
	cfn-lint template.yaml

openapi: ## regenerate infra/openapi.json from the code
	cargo run -q -p portal-local -- openapi > infra/openapi.json

bench: ## budgets of DESIGN.md §9: cold start, binary size, requests/s (release builds; slow)
	cargo build --release -p auth -p view-estimate -p approve-estimate -p hello-lambda -p portal-local -p portal-tests --bins
	cargo run --release -p portal-tests --bin bench

clean: ## remove build output and local data
	cargo clean
	rm -rf .data
