#!/usr/bin/env bash
# Builds flepimop2 and runs the quickstart example on the shell runner: a blocking step, a detached
# step, then `job list` and `job status`. The store is written to examples/quickstart/.flepimop2_cache.
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
echo >&2
echo "flepimop2 is at $bin/flepimop2; add it to PATH with: export PATH=\"$bin:\$PATH\"" >&2
