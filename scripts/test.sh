#!/usr/bin/env bash
# Runs every test: unit, shell-runner, store, CLI, the Slurm integration tests against a real
# single-node cluster and the Grid Engine ones against a real single-node cell, which this script
# starts (installing each on first use) and stops again if it was not already running. Prints "N passed, N failed" last; exits non-zero on any failure.
#
# With --unit, only the tests that need no daemon, no root and no minutes of their own (the trait Needs, see
# tests/Common/Needs.cs): the scheduler contract runs against the scripted stand-ins of Slurm and Grid Engine
# instead of the real ones. Nothing is installed or started.
set -euo pipefail
cd "$(dirname "$0")/.."

unit=false
case "${1-}" in
  --unit) unit=true ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--unit]" >&2; exit 2 ;;
esac

# The shells of the completion tests, the cluster and the cell (each started, and stopped at the end, if it was not running).
start_everything() {
  scripts/install-test-shells.sh
  scripts/install-test-browser.sh

  cluster_was_running=false
  if command -v sinfo >/dev/null 2>&1 && timeout 5 sinfo -h >/dev/null 2>&1; then
    cluster_was_running=true
  fi
  scripts/slurm/start-cluster.sh
  if [ "$cluster_was_running" = false ]; then
    trap 'scripts/slurm/stop-cluster.sh >/dev/null 2>&1 || true' EXIT
  fi

  cell_was_running=false
  if command -v qstat >/dev/null 2>&1 && timeout 5 qstat -f >/dev/null 2>&1; then
    cell_was_running=true
  fi
  scripts/gridengine/start-cell.sh
  if [ "$cell_was_running" = false ]; then
    # Replaces the trap above, so both are stopped.
    if [ "$cluster_was_running" = false ]; then
      trap 'scripts/slurm/stop-cluster.sh >/dev/null 2>&1 || true; scripts/gridengine/stop-cell.sh >/dev/null 2>&1 || true' EXIT
    else
      trap 'scripts/gridengine/stop-cell.sh >/dev/null 2>&1 || true' EXIT
    fi
  fi
}

filter=()
if [ "$unit" = true ]; then
  filter=(--filter "Needs!=slurm&Needs!=gridengine&Needs!=root&Needs!=minutes")
else
  start_everything
fi

dotnet build Flepimop2.slnx -c Debug -warnaserror --nologo -v quiet

log=$(mktemp)
status=0
# A test that hangs fails (its host is stopped after 15 minutes without an end, longer than any one test takes) rather
# than holding the run until CI's limit.
hang=(--blame-hang-timeout 15m --blame-hang-dump-type none)
# A shell without job control starts a background command with SIGINT ignored, and a program keeps an ignored signal
# ignored: the signal specs (Ctrl-C ends a command with 130) would then test nothing but that. The tests get SIGINT back.
signals=(env --default-signal=INT)
assemblies=2 # tests/Flepimop2.Tests and tests/Flepimop2.Cli.Tests
if [ "$unit" = true ]; then
  # Nothing of the unit run touches a daemon, so the two test assemblies run side by side.
  "${signals[@]}" dotnet test Flepimop2.slnx --no-build --nologo "${hang[@]}" "${filter[@]}" 2>&1 | tee -a "$log" || status=$?
else
  # One test assembly after the other: the Slurm fault tests stop and restart the controller, which
  # must not happen while another assembly's Slurm tests are running.
  for project in tests/Flepimop2.Tests tests/Flepimop2.Cli.Tests; do
    "${signals[@]}" dotnet test "$project" --no-build --nologo "${hang[@]}" 2>&1 | tee -a "$log" || status=$?
  done
fi

# dotnet test prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 90, Skipped: 0, ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)!  - Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1) + 0
      if ($i == "Passed:") p += $(i + 1) + 0
      if ($i == "Skipped:") s += $(i + 1) + 0
    }
  }
  END { print p + 0, f + 0, s + 0 }' "$log")
# An assembly whose run was aborted (a hung test, a crashed host) prints no summary: it counts as a failure.
summaries=$(grep -cE '(Passed|Failed)!  - Failed:' "$log" || true)
if [ "$summaries" -lt "$assemblies" ]; then
  echo "error: $((assemblies - summaries)) test assembly run(s) ended without a summary (aborted: see 'blame' above)" >&2
  failed=$((failed + assemblies - summaries))
  status=1
fi
rm -f "$log"

if [ "$skipped" -gt 0 ]; then
  echo "error: $skipped test(s) were skipped; every test must run" >&2
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
