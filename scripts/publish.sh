#!/usr/bin/env bash
# Builds the release binaries: flepimop2 as one self-contained Native AOT executable per platform, packed as
# artifacts/release/flepimop2-VERSION-RID.tar.gz (the binary, README.md, LICENSE, BENCHMARKS.md and the manual's pages
# in docs/) with a .sha256 file beside it that `sha256sum -c` checks.
#
#   scripts/publish.sh                        linux-x64 and linux-arm64 (each where this machine can build it)
#   scripts/publish.sh linux-x64              only the given platforms
#   scripts/publish.sh --install-toolchain    first install Debian's cross toolchain when it is missing (root)
#
# The platform of this machine always builds. The other one needs a cross toolchain (clang, lld, and the other
# platform's C library and GCC runtime: on Debian `apt-get install clang lld gcc-aarch64-linux-gnu
# libc6-dev-arm64-cross` for arm64, `gcc-x86-64-linux-gnu libc6-dev-amd64-cross` for x64); without one that platform
# is skipped with a message saying so. Exits non-zero when a platform that was tried fails, or when nothing was built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

install_toolchain=false
rids=()
for arg in "$@"; do
  case "$arg" in
    --install-toolchain) install_toolchain=true ;;
    linux-x64 | linux-arm64) rids+=("$arg") ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$arg' (platforms: linux-x64, linux-arm64; option: --install-toolchain)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)

case "$(uname -m)" in
  x86_64) host=linux-x64 ;;
  aarch64 | arm64) host=linux-arm64 ;;
  *) host="" ;;
esac

# The GNU triplet and Debian's package names of a platform's cross toolchain.
triplet() { case "$1" in linux-x64) echo x86_64-linux-gnu ;; linux-arm64) echo aarch64-linux-gnu ;; esac; }
cross_packages() {
  case "$1" in
    linux-x64) echo clang lld gcc-x86-64-linux-gnu binutils-x86-64-linux-gnu libc6-dev-amd64-cross ;;
    linux-arm64) echo clang lld gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross ;;
  esac
}

# What is missing to cross-compile for a platform, or nothing. The Native AOT compiler links with clang and lld
# against the target's C library and GCC runtime, which Debian's cross packages put under /usr/TRIPLET and
# /usr/lib/gcc-cross/TRIPLET.
cross_missing() {
  local t missing=()
  t=$(triplet "$1")
  command -v clang >/dev/null 2>&1 || missing+=("clang")
  command -v ld.lld >/dev/null 2>&1 || missing+=("lld")
  [ -e "/usr/$t/lib/libc.so.6" ] || missing+=("the $t C library (/usr/$t)")
  compgen -G "/usr/lib/gcc-cross/$t/*/crtbegin.o" >/dev/null || missing+=("the $t GCC runtime (/usr/lib/gcc-cross/$t)")
  echo "${missing[*]}"
}

version=$(dotnet msbuild src/Flepimop2.Cli -getProperty:Version)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# Archive members get the commit's time, so the same commit gives the same archive.
stamp=$(git log -1 --format=%ct 2>/dev/null || date +%s)
out="$root/artifacts/release"
mkdir -p "$out"
echo "flepimop2 $version ($commit)" >&2

built=() skipped=() failed=()
for rid in "${rids[@]}"; do
  name="flepimop2-$version-$rid"
  # An archive of this version from an earlier run is never left to pass for this one's.
  rm -f "$out/$name.tar.gz" "$out/$name.tar.gz.sha256"
  if [ "$rid" != "$host" ]; then
    lacking=$(cross_missing "$rid")
    if [ -n "$lacking" ] && [ "$install_toolchain" = true ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing the cross toolchain for $rid: $(cross_packages "$rid")" >&2
      # shellcheck disable=SC2046
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(cross_packages "$rid") >/dev/null \
        || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(cross_packages "$rid") >/dev/null; } \
        || true
      lacking=$(cross_missing "$rid")
    fi
    if [ -n "$lacking" ]; then
      echo "skipped $rid: this machine ($host) cannot cross-compile Native AOT for it; missing: $lacking." >&2
      echo "  On Debian: apt-get install $(cross_packages "$rid")   (or run this script with --install-toolchain as root)" >&2
      skipped+=("$rid")
      continue
    fi
  fi

  stage=$(mktemp -d)
  echo "publishing $name ..." >&2
  # Release, self-contained, Native AOT, warnings as errors; a CI build, so paths in the binary are not this machine's.
  if ! dotnet publish src/Flepimop2.Cli -c Release -r "$rid" --self-contained -p:PublishAot=true \
    -p:ContinuousIntegrationBuild=true -warnaserror --nologo -v quiet -o "$stage/publish" >"$stage/log" 2>&1; then
    cat "$stage/log" >&2
    echo "error: publishing $rid failed" >&2
    failed+=("$rid")
    rm -rf "$stage"
    continue
  fi

  mkdir "$stage/$name"
  install -m 755 "$stage/publish/flepimop2" "$stage/$name/flepimop2"
  # The manual's pages go along, so that the README's links into docs/ work in the unpacked archive too.
  install -m 644 README.md LICENSE BENCHMARKS.md "$stage/$name/"
  install -d "$stage/$name/docs"
  install -m 644 docs/*.md "$stage/$name/docs/"
  # Flat, so that `tar -xzf ARCHIVE -C ~/bin flepimop2` puts the binary straight into ~/bin.
  tar -C "$stage/$name" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" -cf - \
    flepimop2 README.md LICENSE BENCHMARKS.md docs | gzip -n -9 >"$out/$name.tar.gz"
  (cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
  rm -rf "$stage"
  echo "  $out/$name.tar.gz" >&2
  echo "  $out/$name.tar.gz.sha256" >&2
  built+=("$rid")
done

echo "built: ${built[*]:-none}; skipped: ${skipped[*]:-none}; failed: ${failed[*]:-none}" >&2
[ ${#failed[@]} -eq 0 ] && [ ${#built[@]} -gt 0 ]
