#!/usr/bin/env bash
# Counts the Slurm calls of `flepimop2 job watch` over one live 1,000-task sweep: one watcher for SECONDS, then eight
# side by side for the same SECONDS (all interrupted at one moment), with shims on PATH that count every squeue, sacct
# and scontrol call before handing it to the real tool. Needs the test cluster (scripts/slurm/start-cluster.sh, as root).
# Usage: bench/watchers.sh [SECONDS] [INTERVAL]   (default 60 and 2); FLEPIMOP2=path uses that binary instead of publishing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
interval=${2:-2}
work=$(mktemp -d /tmp/flepimop2-watchers.XXXXXX)
cleanup() {
  [ -s "$work/sweep" ] && (cd "$work/project" && "$cli" job cancel "$(cat "$work/sweep")" >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/slurm/start-cluster.sh" >/dev/null
if [ -n "${FLEPIMOP2:-}" ]; then
  cli=$FLEPIMOP2
else
  echo "building flepimop2 ..." >&2
  dotnet publish "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$work/bin" >/dev/null
  cli="$work/bin/flepimop2"
fi

mkdir -p "$work/project" "$work/shims"
cat > "$work/project/config.yaml" <<YAML
jobs:
  hpc:
    module: slurm
    memory: 1G
    time: "10"
    chdir: $work/project
    sbatch-directory: $work/project/scripts
YAML
for tool in squeue sacct scontrol; do
  real=$(command -v "$tool")
  printf '#!/bin/sh\necho %s >> "%s/calls"\nexec "%s" "$@"\n' "$tool" "$work" "$real" > "$work/shims/$tool"
  chmod +x "$work/shims/$tool"
done

cd "$work/project"
"$cli" job run -j hpc --repeat 1000 --max-parallel 2 -- sleep 300 | cut -d' ' -f1 > "$work/sweep"
sweep=$(cat "$work/sweep")
echo "sweep $sweep: 1,000 tasks of sleep 300, 2 at a time; watching for $seconds s at --interval $interval" >&2

watch() {
  local count=$1 deadline left
  : > "$work/calls"
  # Each phase starts without the other's shared answers and plans.
  rm -rf "$work/project/.flepimop2_cache/job/rounds"
  deadline=$(awk -v now="$(date +%s.%N)" -v s="$seconds" 'BEGIN { printf "%.3f", now + s }')
  for i in $(seq "$count"); do
    left=$(awk -v d="$deadline" -v now="$(date +%s.%N)" 'BEGIN { printf "%.3f", d - now }')
    PATH="$work/shims:$PATH" timeout -s INT "$left" "$cli" job watch "$sweep" --interval "$interval" --json > "$work/watch-$count-$i.out" 2>&1 &
  done
  wait || true
  echo "$count watcher(s): $(wc -l < "$work/calls") calls ($(sort "$work/calls" | uniq -c | awk '{printf "%s %s, ", $1, $2}' | sed 's/, $//'))"
}

one=$(watch 1)
echo "$one"
eight=$(watch 8)
echo "$eight"
awk -v a="$(echo "$one" | awk '{print $3}')" -v b="$(echo "$eight" | awk '{print $3}')" 'BEGIN { printf "eight against one: %.2f\n", b / a }'
