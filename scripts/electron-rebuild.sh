#!/usr/bin/env bash
# Rebuilds native modules (better-sqlite3) for Electron's Node ABI, on a machine that has the
# Electron binary. Not run by tests or CI: the project's machines cannot download Electron or its
# headers, and there better-sqlite3 stays built for Node 20 (the CLI and the unit tests use it).
#
# better-sqlite3 uses V8/NAN, so its .node file is tied to one ABI: Node 20 (ABI 115) and Electron 45
# (its own ABI, see `node_modules/electron/abi_version`) need different builds. pkcs11js and
# sodium-native use N-API and need no rebuild.
#
# Usage: bash scripts/electron-rebuild.sh            (rebuild for the installed Electron)
#        bash scripts/electron-rebuild.sh --node     (go back to a build for this Node, e.g. for npm test)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--node" ]; then
  npm rebuild better-sqlite3
  exit 0
fi

version=$(node -p "require('./node_modules/electron/package.json').version")
if [ ! -f node_modules/electron/path.txt ]; then
  echo "electron-rebuild: the Electron $version binary is not installed (it is downloaded on first use," >&2
  echo "which needs network access to its release host). Install it first, then run this again." >&2
  exit 1
fi

disturl="${ELECTRON_HEADERS_URL:?set ELECTRON_HEADERS_URL to the Electron headers download URL (Electron docs: Native Node Modules)}"
echo "electron-rebuild: building better-sqlite3 for Electron $version (ABI $(cat node_modules/electron/abi_version 2>/dev/null || echo '?'))"
# npm hands these to node-gyp, which fetches Electron's headers (the step that needs the network)
# and compiles against them instead of this Node's.
npm_config_runtime=electron \
  npm_config_target="$version" \
  npm_config_disturl="$disturl" \
  npm_config_build_from_source=true \
  npm rebuild better-sqlite3
echo "electron-rebuild: done. Run 'bash scripts/electron-rebuild.sh --node' before running Node tests again."
