# Switchboard: the two commands are `make dev` and `make test`. `make help` lists the rest.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
PORT ?= 3000

.PHONY: help setup dev web test lint rust-test web-test infra-test api-fuzz openapi bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install what the tests need (Python tools, Debian's Chromium, npm packages); safe to run again
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r infra/requirements-test.txt
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's Chromium first: sudo apt-get install chromium" >&2; exit 1; fi; }
	@test -d web/node_modules || npm --prefix web ci --no-audit --no-fund --loglevel=error

web/node_modules: web/package-lock.json
	npm --prefix web ci --no-audit --no-fund --loglevel=error
	@touch web/node_modules

web: web/node_modules ## build the portal into web/dist (served by make dev)
	npm --prefix web run --silent build

dev: web ## run the whole portal on http://localhost:$(PORT) with demo data (embedded backends)
	PORT=$(PORT) cargo run -p portal-local

test: setup lint rust-test web-test infra-test api-fuzz ## every test: lints, Rust (incl. moto), Lambda binaries, web (unit, Chromium), cfn-lint, schemathesis
	@awk '/^test result:/ {p += $$4; f += $$6} \
	  /^ *Tests +[0-9]/ {for (i = 1; i < NF; i++) {if ($$(i+1) ~ /^passed/) p += $$i; if ($$(i+1) ~ /^failed/) f += $$i}} \
	  END {printf "tests: %d passed, %d failed\n", p, f}' target/test-output.log target/web-test-output.log

lint: ## rustfmt and clippy, warnings are errors
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

rust-test: ## unit, contract (embedded and moto), handler, API and Lambda-binary tests
	cargo build --workspace --bins
	cargo test --workspace --no-fail-fast 2>&1 | tee target/test-output.log

web-test: web ## API types current, TypeScript strict, unit tests (Vitest), end-to-end in Debian's Chromium (Playwright)
	cd web && npm run --silent types:check
	cd web && npx tsc --noEmit
	cd web && NO_COLOR=1 npx vitest run --config vitest.config.ts 2>&1 | tee ../target/web-test-output.log
	cd web && NO_COLOR=1 npx vitest run --config vitest.e2e.config.ts 2>&1 | tee -a ../target/web-test-output.log

infra-test: ## the template passes cfn-lint; the deploy scripts parse
	cfn-lint template.yaml
	for f in infra/scripts/*.sh; do bash -n "$$f"; done

api-fuzz: ## schemathesis over /api/openapi.json as a customer and as staff: no server error, no schema-valid request refused (about 5 minutes)
	cargo build -p portal-local
	$(PYTHON) infra/scripts/fuzz-api.py

openapi: ## regenerate infra/openapi.json from the code, and the web's API types from it
	cargo run -q -p portal-local -- openapi > infra/openapi.json
	cd web && npm run --silent types

bench: web ## budgets of DESIGN.md §9: cold start, sizes, latency, requests/s, a photo against sharp, JS size, Lighthouse (release builds; slow)
	npm --prefix infra/bench/sharp ci --no-audit --no-fund --loglevel=error
	cargo build --release --workspace --bins
	cargo run --release -p portal-tests --bin bench
	infra/scripts/bench-web.sh

clean: ## remove build output and local data
	cargo clean
	rm -rf .data
