#!/usr/bin/env bash
# Mutation testing (Stryker.NET, a local dotnet tool) of the library's pure parts: Configuration/, Store/,
# Jobs/Slurm/Internal/ and the shell runner's state table and liveness rule, against the library's unit tests
# (the tests that need the Slurm cluster or run many processes are left out: they test other things).
# Prints the mutation score; the report is written under artifacts/mutation/. Not part of CI (it takes long).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
out="$root/artifacts/mutation"
mkdir -p "$out"
cd "$root/src/Flepimop2"
dotnet tool run dotnet-stryker --config-file "$root/eng/stryker-config.json" --output "$out" "$@"
