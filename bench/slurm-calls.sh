#!/usr/bin/env bash
# Counts the scheduler commands `flepimop2 job list` runs over many live Slurm jobs: shims on PATH
# count every squeue/sacct/scontrol call before handing it to the real tool. Needs the test cluster
# (scripts/slurm/start-cluster.sh, as root).  Usage: bench/slurm-calls.sh [JOBS]   (default 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${1:-1000}
work=$(mktemp -d /tmp/flepimop2-slurm-calls.XXXXXX)
cleanup() {
  [ -s "$work/ids" ] && xargs -r scancel < "$work/ids" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/slurm/start-cluster.sh"
echo "building flepimop2 ..." >&2
dotnet publish "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$work/bin" >/dev/null
cli="$work/bin/flepimop2"

mkdir -p "$work/project" "$work/shims"
cat > "$work/project/config.yaml" <<YAML
jobs:
  hpc:
    module: slurm
    memory: 10M
    time: "10"
    chdir: $work/project
    sbatch-directory: $work/project/scripts
    executable: /bin/true
    pre-commands: ["sleep 300"]
process:
  wait:
    module: shell
    command: "true"
YAML
for tool in squeue sacct scontrol sbatch scancel; do
  real=$(command -v "$tool")
  printf '#!/bin/sh\necho %s >> "%s/calls"\nexec "%s" "$@"\n' "$tool" "$work" "$real" > "$work/shims/$tool"
  chmod +x "$work/shims/$tool"
done

echo "submitting $jobs jobs that each sleep 300 s, so they are live (running or pending) when listed ..." >&2
cd "$work/project"
for _ in $(seq "$jobs"); do
  "$cli" job process config.yaml -j hpc | cut -d' ' -f1 | sed 's/^slurm-//' >> "$work/ids"
done

: > "$work/calls"
start=$(date +%s%N)
PATH="$work/shims:$PATH" "$cli" job list > "$work/list.txt"
end=$(date +%s%N)
listed=$(wc -l < "$work/list.txt")
echo "job list over $listed Slurm jobs: $(wc -l < "$work/calls") scheduler calls ($(sort "$work/calls" | uniq -c | awk '{printf "%s %s, ", $1, $2}' | sed 's/, $//')) in $(( (end - start) / 1000000 )) ms"
awk '{print $NF}' "$work/list.txt" | sort | uniq -c
