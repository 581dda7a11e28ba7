#!/usr/bin/env bash
# A longer, random search of the property tests (the [SeededProperty] tests, trait Category=Property) than CI's: ROUNDS
# rounds (default 10), each with a fresh seed and RUNS times each property's own count of cases (default 50). CI always
# checks the same cases (a fixed seed), so it never goes red by chance; this is where new counterexamples are found. A
# failing round prints the seed; replay it with the FLEPIMOP2_PROPERTY_SEED and FLEPIMOP2_PROPERTY_RUNS it shows, then
# keep the counterexample as a regular test. Extra arguments go to dotnet test (for example --filter to narrow it).
# Not part of CI (it takes long). Usage: scripts/properties.sh [ROUNDS [RUNS]] [-- DOTNET-TEST-ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

rounds=${1:-10}
runs=${2:-50}
shift $(( $# < 2 ? $# : 2 ))
[[ ${1-} == -- ]] && shift
filter="Category=Property"
extra=()
while (($#)); do
  if [[ $1 == --filter ]]; then filter="$filter&$2"; shift 2; else extra+=("$1"); shift; fi
done

dotnet build tests/Flepimop2.Tests -c Debug --nologo -v quiet >/dev/null

failed=0
for ((round = 1; round <= rounds; round++)); do
  # A seed and an odd gamma, as FsCheck takes them.
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  gamma=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') * 2 + 1 ))
  echo "round $round of $rounds: FLEPIMOP2_PROPERTY_SEED=$seed,$gamma FLEPIMOP2_PROPERTY_RUNS=$runs"
  log="$root/artifacts/properties/round-$round.log"
  mkdir -p "$(dirname "$log")"
  if ! FLEPIMOP2_PROPERTY_SEED="$seed,$gamma" FLEPIMOP2_PROPERTY_RUNS="$runs" \
      dotnet test tests/Flepimop2.Tests --no-build --filter "$filter" "${extra[@]}" >"$log" 2>&1; then
    failed=$((failed + 1))
    echo "  FAILED (replay: FLEPIMOP2_PROPERTY_SEED=$seed,$gamma FLEPIMOP2_PROPERTY_RUNS=$runs dotnet test tests/Flepimop2.Tests --filter '$filter'); $log:"
    grep -E '^\s+Failed |Falsifiable|Original:|Shrunk:' -A2 "$log" | sed 's/^/    /' | head -40
  fi
done

echo "$((rounds - failed)) rounds passed, $failed failed"
((failed == 0))
