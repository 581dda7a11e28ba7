#!/usr/bin/env bash
# Brings src/Flepimop2/PublicAPI.Unshipped.txt up to date with the library's public surface: builds the library, adds
# every symbol the analyzer says is public but undeclared (RS0016) and removes every declared one it cannot find (RS0017).
# Run it after a deliberate change to the public API, and review the diff of that file: it is the change to the surface.
set -euo pipefail
cd "$(dirname "$0")/.."
api=src/Flepimop2/PublicAPI.Unshipped.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build src/Flepimop2 -c Debug --nologo -v quiet --no-incremental >"$log" 2>&1 || true
symbols() { { grep -oE "error $1: Symbol '[^']+'" "$log" || true; } | sed -E "s/^error $1: Symbol '(.*)'$/\\1/" | sort -u; }
removed=$(symbols RS0017)
added=$(symbols RS0016)
{
  head -n 1 "$api"
  { tail -n +2 "$api" | grep -vxF -f <(printf '%s\n' "$removed" | sed '/^$/d') || true; printf '%s\n' "$added"; } | sed '/^$/d' | LC_ALL=C sort -u
} >"$api.new"
mv "$api.new" "$api"
git --no-pager diff --stat -- "$api"
