#!/usr/bin/env bash
# Installs headless Chromium from Debian's package for the tests that look at `job report` as a person does (a screenshot
# of the HTML); does nothing when it is there already.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "[test-browser] installing chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends chromium >/dev/null
}
