#!/usr/bin/env bash
# Installs the shells whose completion scripts the tests run (zsh, fish) from Debian's packages; does nothing when both
# are there already. bash and script(1) come with the base system.
set -euo pipefail
missing=()
for shell in zsh fish; do
  command -v "$shell" >/dev/null 2>&1 || missing+=("$shell")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "[test-shells] installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
