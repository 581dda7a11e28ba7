#!/usr/bin/env bash
# Packed tasks on the test cluster: a sweep of N tasks of 0.2 s (`sleep 0.2`) submitted as N array tasks, against the
# same sweep packed M to an array task (--tasks-per-job M). Runs them in turn (unpacked, packed, unpacked, ...) and prints
# for each run the wall time from submission to the end of `job wait`, the scheduler jobs (array tasks) it created and
# the rows accounting holds for it (array tasks and their batch and extern steps); then each pair's wall-time ratio
# packed/unpacked and the median. Needs the test cluster (scripts/slurm/start-cluster.sh, as root).
#   Usage: bench/packed-sweep.sh [TASKS [TASKS_PER_JOB [PAIRS]]]   (default 2000 50 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tasks=${1:-2000}
per_job=${2:-50}
pairs=${3:-2}
work=$(mktemp -d /tmp/flepimop2-packed.XXXXXX)
cleanup() {
  if [ -s "$work/arrays" ]; then xargs -r scancel < "$work/arrays" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/slurm/start-cluster.sh" >&2
echo "building flepimop2 (Native AOT) ..." >&2
dotnet publish "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$work/bin" >/dev/null
cli="$work/bin/flepimop2"
mkdir -p "$work/project"
cat > "$work/project/config.yaml" <<YAML
jobs:
  hpc:
    module: slurm
    memory: 50M
    time: "5"
    chdir: $work/project
    sbatch-directory: $work/project/scripts
YAML
cd "$work/project"

# One run: submits, waits, and prints "WALL_SECONDS ARRAY_TASKS ACCOUNTING_ROWS".
run() {
  local start end key ids
  start=$(date +%s.%N)
  key=$("$cli" job run -j hpc --repeat "$tasks" "$@" -- sleep 0.2 | tail -1 | cut -d' ' -f1)
  "$cli" job status "$key" --json | python3 -c 'import json,sys; print("\n".join(a["job_id"] for a in json.load(sys.stdin)["metadata"]["arrays"]))' > ids
  cat ids >> "$work/arrays"
  "$cli" job wait "$key" --timeout 3600 >/dev/null
  end=$(date +%s.%N)
  ids=$(paste -sd, ids)
  # Accounting may lag the end by seconds: ask until two answers a second apart agree.
  local rows last=-1 jobs
  for _ in $(seq 60); do
    rows=$(sacct -n -P -o JobID -j "$ids" | wc -l)
    [ "$rows" = "$last" ] && break
    last=$rows
    sleep 1
  done
  jobs=$(sacct -X -n -P -o JobID -j "$ids" | wc -l)
  echo "$(python3 -c "print(f'{$end - $start:.1f}')") $jobs $rows"
}

ratios=()
for pair in $(seq "$pairs"); do
  read -r wa ja ra < <(run)
  echo "pair $pair unpacked:        wall ${wa} s, ${ja} array tasks, ${ra} accounting rows"
  read -r wb jb rb < <(run --tasks-per-job "$per_job")
  echo "pair $pair packed (M=$per_job): wall ${wb} s, ${jb} array tasks, ${rb} accounting rows"
  ratios+=("$(python3 -c "print(f'{$wb / $wa:.3f}')")")
  echo "pair $pair packed/unpacked wall: ${ratios[-1]}"
done
echo "median packed/unpacked wall over $pairs pairs: $(printf '%s\n' "${ratios[@]}" | python3 -c 'import statistics,sys; print(f"{statistics.median(float(l) for l in sys.stdin):.3f}")')"
