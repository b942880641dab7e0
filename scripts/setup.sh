#!/usr/bin/env bash
# One command to a working checkout: system packages, npm packages (exact lockfile), a build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
# The Electron binary is fetched lazily on first start; never during install.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci
npm run build
echo
echo "Set-up done. Run every test with: npm test"
