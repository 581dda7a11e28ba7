#!/bin/sh
# Submits a detached sweep of N tasks and waits for it, as one command to time against `xargs -P 8`:
#   bench/sweep-detached.sh N run       # job run -- true
#   bench/sweep-detached.sh N process   # job process -t t of a config.yaml whose step t runs true
# Run it from a directory whose config.yaml has a detached shell entry `bg` (see BENCHMARKS.md).
set -eu
if [ "$2" = run ]; then
  k=$(flepimop2 job run -j bg --repeat "$1" --max-parallel 8 -- true)
else
  k=$(flepimop2 job process config.yaml -j bg -t t --repeat "$1" --max-parallel 8)
fi
exec flepimop2 job wait "${k%% *}"
