#!/usr/bin/env bash
# Mutation testing (Stryker.NET, a local dotnet tool) of the library's pure parts: Configuration/ and option reading, Store/,
# the batch core (Jobs/Batch/), Slurm's and Grid Engine's pieces, and the shell runner's state table and liveness rule, against the library's unit tests
# (those that need a daemon, root or minutes are left out, by their Needs trait; the scheduler contract runs on the scripted stand-ins).
# Prints the mutation score; the report is written under artifacts/mutation/. Not part of CI (it takes long).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
out="$root/artifacts/mutation"
mkdir -p "$out"
cd "$root/src/Flepimop2"
dotnet tool run dotnet-stryker --config-file "$root/eng/stryker-config.json" --output "$out" "$@"
