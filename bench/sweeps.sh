#!/usr/bin/env bash
# Sweeps side by side with separate submissions. Local (shell runner): 1,000 tasks of `true` at most 8
# at once, blocking, against 1,000 separate blocking submissions; the detached supervisor's peak
# memory. Slurm (the test cluster, MaxArraySize 50; skipped with --no-slurm): a 10,000-task sweep's
# scheduler calls, wall time, and the tool's own time (the same command run again with the scheduler's
# recorded answers replayed at once), the status of all its tasks, `job list` over 50 live sweeps of
# 1,000 tasks, and one 1,000-task sweep against 1,000 separate submissions.
#   Usage: bench/sweeps.sh [--no-slurm]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slurm=true
[ "${1:-}" = "--no-slurm" ] && slurm=false
work=$(mktemp -d /tmp/flepimop2-sweeps.XXXXXX)
cleanup() {
  if [ -s "$work/arrays" ]; then xargs -r scancel < "$work/arrays" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building flepimop2 (Native AOT) ..." >&2
dotnet publish "$root/src/Flepimop2.Cli" -c Release --nologo -v quiet -o "$work/bin" >/dev/null
cli="$work/bin/flepimop2"
ms() { echo $(( ($2 - $1) / 1000000 )); }

# --- local --------------------------------------------------------------------------------------
mkdir -p "$work/local"
cat > "$work/local/config.yaml" <<'YAML'
jobs:
  blocking: {module: shell, detach: false, executable: "true"}
  detached: {module: shell, detach: true, executable: "true"}
process:
  t: {module: shell, command: "true"}
YAML
cd "$work/local"
start=$(date +%s%N)
"$cli" job process -j blocking -t t --repeat 1000 --max-parallel 8 >/dev/null
end=$(date +%s%N)
echo "local sweep, 1,000 tasks of true, at most 8 at once (blocking): $(ms "$start" "$end") ms; $("$cli" job list | tail -n 1 | grep -o 'tasks=.*')"
start=$(date +%s%N)
for _ in $(seq 1000); do "$cli" job process -j blocking -t t >/dev/null; done
end=$(date +%s%N)
echo "1,000 separate blocking submissions of true: $(ms "$start" "$end") ms"
key=$("$cli" job process -j detached -t t --repeat 1000 --max-parallel 8 | cut -d' ' -f1)
pid=${key#shell-}
peak=0
while [ -r "/proc/$pid/status" ] && grep -q '^State:.*[RSD]' "/proc/$pid/status" 2>/dev/null; do
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
  sleep 0.05
done
"$cli" job wait "$key" >/dev/null || true
echo "detached sweep supervisor (bash), peak resident memory: $(( peak / 1024 )) MB ($peak kB); $("$cli" job list | tail -n 1 | grep -o 'tasks=.*')"

$slurm || exit 0

# --- Slurm --------------------------------------------------------------------------------------
"$root/scripts/slurm/start-cluster.sh"
mkdir -p "$work/slurm" "$work/shims" "$work/replay-shims"
# Recording shims run the real tool and keep its answer; replaying shims (dash, builtins and one cat) give the same
# answers again at once, so a second run of the same command measures the tool's own time without the scheduler's.
for tool in squeue sacct scontrol sbatch scancel; do
  real=$(command -v "$tool")
  cat > "$work/shims/$tool" <<SHIM
#!/bin/sh
read n < "$work/rec/counter"; n=\$((n + 1)); echo \$n > "$work/rec/counter"
"$real" "\$@" > "$work/rec/\$n.out" 2> "$work/rec/\$n.err"
rc=\$?
echo \$rc > "$work/rec/\$n.rc"; echo "$tool" >> "$work/calls"
cat "$work/rec/\$n.out"; cat "$work/rec/\$n.err" >&2
exit \$rc
SHIM
  cat > "$work/replay-shims/$tool" <<SHIM
#!/bin/sh
read n < "$work/rec/replayed"; n=\$((n + 1)); echo \$n > "$work/rec/replayed"
cat "$work/rec/\$n.out" "$work/rec/\$n.err" 2>/dev/null
read rc < "$work/rec/\$n.rc"
exit \$rc
SHIM
  chmod +x "$work/shims/$tool" "$work/replay-shims/$tool"
done
cat > "$work/slurm/config.yaml" <<YAML
jobs:
  hpc:
    module: slurm
    memory: 10M
    time: "10"
    chdir: $work/slurm
    sbatch-directory: $work/slurm/scripts
    executable: /bin/true
    pre-commands: ["sleep 300"]
process:
  t: {module: shell, command: "true"}
YAML
cd "$work/slurm"
# Runs a flepimop2 command against the cluster through recording shims, then again in a copy of the project against the
# replaying shims. Prints "<calls> calls (<per tool>), <wall> ms wall; <replay> ms with the scheduler's answers replayed
# (<shims> ms of it in the replaying shims themselves)".
measured() {
  rm -rf "$work/rec" "$work/replay"; mkdir -p "$work/rec"; echo 0 > "$work/rec/counter"; : > "$work/calls"
  cp -a "$work/slurm" "$work/replay"
  local start end replay_start replay_end shim_start shim_end calls
  start=$(date +%s%N)
  PATH="$work/shims:$PATH" "$cli" "$@" > "$work/out"
  end=$(date +%s%N)
  calls=$(wc -l < "$work/calls")
  echo 0 > "$work/rec/replayed"
  replay_start=$(date +%s%N)
  (cd "$work/replay" && PATH="$work/replay-shims:$PATH" "$cli" "$@" > /dev/null)
  replay_end=$(date +%s%N)
  echo 0 > "$work/rec/replayed"
  shim_start=$(date +%s%N)
  for tool in $(cat "$work/calls"); do "$work/replay-shims/$tool" > /dev/null 2>&1 || true; done
  shim_end=$(date +%s%N)
  echo "$calls calls ($(sort "$work/calls" | uniq -c | awk '{printf "%s %s, ", $1, $2}' | sed 's/, $//')), $(ms "$start" "$end") ms wall; $(ms "$replay_start" "$replay_end") ms with the scheduler's answers replayed ($(ms "$shim_start" "$shim_end") ms of it in the replaying shims)"
}
arrays_of() { "$cli" job status "$1" --json | tr -d ' \n' | grep -o '"arrays":\[[^]]*\]' | grep -o '"job_id":"[0-9]*"' | grep -o '[0-9]*' >> "$work/arrays"; }

echo "10,000-task Slurm sweep, submit: $(measured job process -j hpc -t t --repeat 10000)"
key=$(cut -d' ' -f1 < "$work/out"); arrays_of "$key"
echo "10,000-task Slurm sweep, status of every task: $(measured job status "$key")"
grep '^  tasks:' "$work/out"
xargs -r scancel < "$work/arrays"; : > "$work/arrays"
rm -rf .flepimop2_cache

start=$(date +%s%N)
for _ in $(seq 50); do
  key=$("$cli" job process -j hpc -t t --repeat 1000 | cut -d' ' -f1); arrays_of "$key"
done
end=$(date +%s%N)
echo "50 sweeps of 1,000 tasks submitted in $(ms "$start" "$end") ms ($(wc -l < "$work/arrays") arrays)"
echo "job list over 50 live sweeps of 1,000 tasks: $(measured job list)"
head -n 2 "$work/out"
xargs -r scancel < "$work/arrays"; : > "$work/arrays"
rm -rf .flepimop2_cache

echo "one 1,000-task sweep: $(measured job process -j hpc -t t --repeat 1000)"
arrays_of "$(cut -d' ' -f1 < "$work/out")"
start=$(date +%s%N)
for _ in $(seq 1000); do "$cli" job process -j hpc -t t | cut -d' ' -f1 | sed 's/^slurm-//' >> "$work/arrays"; done
end=$(date +%s%N)
echo "1,000 separate Slurm submissions: 1000 sbatch calls, $(ms "$start" "$end") ms wall"
echo "job list over the sweep and the 1,000 jobs: $(measured job list)"
