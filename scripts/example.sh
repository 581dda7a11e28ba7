#!/usr/bin/env bash
# Builds flepimop2 and runs the examples on the shell runner: the quickstart (a blocking step, a
# detached step, `job list`, `job status`, `job wait`, `job logs`), then a sweep of 20 tasks (its
# status with the failed tasks, and one task's output). The stores are written under examples/*/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/artifacts/flepimop2"

echo "building flepimop2 ..." >&2
dotnet build "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$bin" >/dev/null
flepimop2() { "$bin/flepimop2" "$@"; }

cd "$root/examples/quickstart"
echo "\$ flepimop2 job process config.yaml -t hello" >&2
key=$(flepimop2 job process config.yaml -t hello | tee /dev/stderr | tail -n 1 | cut -d' ' -f1)
echo "\$ flepimop2 job process config.yaml -j background -t count" >&2
bg=$(flepimop2 job process config.yaml -j background -t count | cut -d' ' -f1)
echo "$bg (detached)" >&2
echo "\$ flepimop2 job list" >&2
flepimop2 job list
echo "\$ flepimop2 job status $key" >&2
flepimop2 job status "$key"
echo "\$ flepimop2 job wait $bg" >&2
flepimop2 job wait "$bg"
echo "\$ flepimop2 job logs $bg" >&2
flepimop2 job logs "$bg"

cd "$root/examples/sweep"
echo "\$ flepimop2 job process config.yaml -t simulate --repeat 20     # in examples/sweep" >&2
sweep=$(flepimop2 job process config.yaml -t simulate --repeat 20 | tee /dev/stderr | cut -d' ' -f1)
echo "\$ flepimop2 job wait $sweep" >&2
flepimop2 job wait "$sweep" || true
echo "\$ flepimop2 job status $sweep" >&2
flepimop2 job status "$sweep"
echo "\$ flepimop2 job logs $sweep --task 3" >&2
flepimop2 job logs "$sweep" --task 3
echo >&2
echo "flepimop2 is at $bin/flepimop2; add it to PATH with: export PATH=\"$bin:\$PATH\"" >&2
