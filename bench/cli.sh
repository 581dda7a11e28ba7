#!/usr/bin/env bash
# Times the published (Native AOT) flepimop2 over stores of 0 / 1,000 / 10,000 / 100,000 jobs with
# hyperfine and prints a table of medians, the scaling ratios and the peak memory of `job list`.
# Usage: bench/cli.sh [RUNS]      (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
work=$(mktemp -d /tmp/flepimop2-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v hyperfine >/dev/null || { echo "installing hyperfine ..." >&2; apt-get install -y -qq hyperfine >/dev/null; }

echo "publishing flepimop2 (Native AOT) and the seeding tool ..." >&2
dotnet publish "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$work/bin" >/dev/null
dotnet build "$root/bench/Flepimop2.Benchmarks" -c Release --nologo -v quiet >/dev/null
seed="$root/artifacts/bin/Flepimop2.Benchmarks/release/Flepimop2.Benchmarks"
cli="$work/bin/flepimop2"

for n in 0 1000 10000 100000; do
  mkdir -p "$work/finished-$n"
  if [ "$n" -gt 0 ]; then "$seed" seed "$work/finished-$n" "$n" finished; fi
done
mkdir -p "$work/unfinished-1000"
"$seed" seed "$work/unfinished-1000" 1000 shell-unfinished

cat > "$work/config.yaml" <<'YAML'
jobs:
  local: {module: shell, detach: false}
process:
  ok: {module: shell, command: "true"}
YAML
for n in 0 10000; do
  mkdir -p "$work/submit-$n"
  if [ "$n" -gt 0 ]; then "$seed" seed "$work/submit-$n" "$n" finished; fi
done

median() { # NAME DIR COMMAND... -> prints the median in ms
  local json="$work/$1.json"
  (cd "$2" && hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" "${@:3}" >/dev/null 2>&1)
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
}
peak_kb() { (cd "$1" && /usr/bin/time -f %M "${@:2}" 2>&1 >/dev/null | tail -n 1); }

# The unfinished store asks about its jobs on every run (they stay unfinished: their pids do not exist,
# so each becomes finished_unknown); re-seed it before each run so every run does the same work.
help=$(median help "$work" "$cli --help")
l0=$(median list0 "$work/finished-0" "$cli job list")
l1k=$(median list1k "$work/finished-1000" "$cli job list")
l10k=$(median list10k "$work/finished-10000" "$cli job list")
l100k=$(median list100k "$work/finished-100000" "$cli job list")
printf '#!/bin/sh\nrm -rf "%s/.flepimop2_cache" && exec "%s" seed "%s" 1000 shell-unfinished\n' \
  "$work/unfinished-1000" "$seed" "$work/unfinished-1000" > "$work/reseed.sh"
chmod +x "$work/reseed.sh"
(cd "$work/unfinished-1000" && hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/unf.json" \
  --prepare "$work/reseed.sh" "$cli job list" >/dev/null 2>&1)
lunf=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/unf.json")
s0=$(median submit0 "$work/submit-0" "$cli job process $work/config.yaml")
s10k=$(median submit10k "$work/submit-10000" "$cli job process $work/config.yaml")
mem=$(peak_kb "$work/finished-100000" "$cli" job list)

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
cat <<TABLE
| command (median of $runs runs)                 | ms      |
|------------------------------------------------|---------|
| flepimop2 --help                               | $help |
| job list, empty store                          | $l0 |
| job list, 1,000 finished jobs                  | $l1k |
| job list, 10,000 finished jobs                 | $l10k |
| job list, 100,000 finished jobs                | $l100k |
| job list, 1,000 unfinished detached shell jobs | $lunf |
| job process (blocking 'true'), empty store     | $s0 |
| job process (blocking 'true'), 10,000 jobs     | $s10k |

ratios: list 10k / empty = $(ratio "$l10k" "$l0"), list 100k / 10k = $(ratio "$l100k" "$l10k"), submit 10k - empty = $(python3 -c "print('%.1f ms' % ($s10k - $s0))")
peak RSS of job list over 100,000 jobs: $((mem / 1024)) MB
TABLE

echo
echo "10,000 saves in one process (library):"
"$seed" saves "$work/saves" 10000
