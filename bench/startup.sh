#!/usr/bin/env bash
# Start-up of the published (Native AOT) flepimop2 against an older commit's: publishes this working tree and the given
# commit (in a temporary clone) the way scripts/publish.sh does, with the compiler's map file, then prints
#   - the two binaries' sizes and the size of each by assembly (bench/aot-size.py),
#   - for `--version`, `job list` on an empty store and `process` of a step that runs `true`: the median wall and CPU time
#     of each, and the median of the ratios new/old taken pair by pair, the two run in turn (bench/paired.py).
#
#   bench/startup.sh [COMMIT] [RUNS]     COMMIT defaults to 0540899 (before the binary grew), RUNS (pairs) to 40
#
# Needs python3. Quote medians and ratios: on a shared machine single runs vary by tens of per cent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:-0540899}
runs=${2:-40}
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "error: no Native AOT runtime for $(uname -m)" >&2; exit 2 ;;
esac
work=$(mktemp -d /tmp/flepimop2-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT

# publish SOURCE_DIR NAME: the binary and its map file under $work/NAME.
publish() {
  echo "publishing $2 ..." >&2
  dotnet publish "$1/src/Flepimop2.Cli" -c Release -r "$rid" --self-contained -p:PublishAot=true \
    -p:ContinuousIntegrationBuild=true -p:IlcGenerateMapFile=true --nologo -v quiet -o "$work/$2" >"$work/$2.log" 2>&1 \
    || { cat "$work/$2.log" >&2; exit 1; }
  local native="$1/artifacts/obj/Flepimop2.Cli/release_$rid/native"
  cp "$native/flepimop2.map.xml" "$work/$2.map.xml"
  cp "$native/flepimop2.ilc.rsp" "$work/$2.ilc.rsp"
}

git clone --quiet --no-checkout "$root" "$work/old-src"
git -C "$work/old-src" checkout --quiet "$commit"
publish "$work/old-src" old
publish "$root" new
old="$work/old/flepimop2"
new="$work/new/flepimop2"

mkdir -p "$work/empty" "$work/step"
# A step that runs `true` on the local shell, the work a sweep's task does when its own program takes no time.
printf '%s\n' 'jobs: {local: {module: shell, detach: false}}' 'process: {ok: {module: shell, command: "true"}}' >"$work/step/config.yaml"

echo "## $(git -C "$root" rev-parse --short HEAD) against $(git -C "$work/old-src" rev-parse --short HEAD), $rid, $(date -u +%F)"
echo
old_size=$(stat -c %s "$old")
new_size=$(stat -c %s "$new")
python3 -c 'import sys; o, n = int(sys.argv[1]), int(sys.argv[2]); print(f"binary: old {o / 1e6:.2f} MB, new {n / 1e6:.2f} MB, new/old {n / o:.3f}")' "$old_size" "$new_size"
echo
"$root/bench/paired.py" --runs "$runs" --cwd "$work/empty" --label="--version" -- "$new" --version --vs "$old" --version
"$root/bench/paired.py" --runs "$runs" --cwd "$work/empty" --label="job list, empty store" -- "$new" job list --vs "$old" job list
"$root/bench/paired.py" --runs "$runs" --cwd "$work/step" --label="process (a step: true)" -- "$new" process --vs "$old" process
echo "(A is this tree, B is $commit)"
echo
"$root/bench/aot-size.py" "$work/old.map.xml" "$work/new.map.xml"
