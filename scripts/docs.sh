#!/usr/bin/env bash
# Builds the manual: the pages of docs/ and the API reference generated from the library's XML documentation, into
# artifacts/docs/ (open artifacts/docs/index.html). docfx runs as a local .NET tool (its version is in
# .config/dotnet-tools.json) with warnings as errors, so a broken link or anchor fails the build; a page of docs/ that
# docs/toc.yml leaves out, which docfx would build without a word, fails it here. Nothing is fetched but the tool itself
# (from the NuGet cache when it is there).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for page in docs/*.md; do
  name=${page#docs/}
  if ! grep -Eq "^[[:space:]]*-?[[:space:]]*href:[[:space:]]*${name//./\\.}[[:space:]]*$" docs/toc.yml; then
    missing+=("$page")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "error: docs/toc.yml does not list ${missing[*]}; add each under the heading it belongs to" >&2
  exit 1
fi

dotnet tool restore >/dev/null
# The reference is generated afresh, so a type removed from the library leaves no page behind.
rm -rf docs/api artifacts/docs
dotnet docfx metadata docs/docfx.json --warningsAsErrors
dotnet docfx build docs/docfx.json --warningsAsErrors
echo "the manual is in artifacts/docs/index.html" >&2
