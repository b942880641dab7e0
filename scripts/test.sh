#!/usr/bin/env bash
# The README's test command: static checks, unit and integration tests with coverage gates,
# a production build, then the browser end-to-end tests against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }
step typecheck; npm run --silent typecheck
step lint; npm run --silent lint
step format; npm run --silent format:check
step "unit and integration tests (vitest, coverage gates)"; npx vitest run --coverage
step build; npm run --silent build
if [ -f playwright.config.ts ]; then
  step "end-to-end tests (playwright, Debian chromium)"; npx playwright test
fi
