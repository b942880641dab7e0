#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that Q-Trust Desktop's tests and tools need, skipping
# those already present. Root runs apt-get directly; anyone else goes through sudo.
set -euo pipefail
packages=(softhsm2 opensc chromium xvfb xauth g++ make python3 ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present (${packages[*]})"
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
