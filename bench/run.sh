#!/usr/bin/env bash
# Runs the BenchmarkDotNet suite (store save/list, Slurm status batching and script rendering, argv
# rendering) and prints its tables. Pass BenchmarkDotNet arguments to narrow it, e.g.
#   bench/run.sh --filter '*Store*'
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*' --job short)
dotnet run -c Release --project "$root/bench/Flepimop2.Benchmarks" -- "${args[@]}"
