#!/usr/bin/env bash
# Swift package (bindings/uniffi/swift): builds the uniffi library, generates
# the Swift bindings from it (always: generation runs in Rust), places the
# sources, headers and the module map in the package's gitignored paths, then
# builds the package and runs its XCTest suite against a cmr-sandbox process the
# tests start.
#
# A `swift` on the PATH is used directly. Without one (Linux), the script
# provisions a toolchain itself: a Debian trixie root (debootstrap, minbase)
# with Debian's `swiftlang` package, cached in
# ${CMR_SWIFT_CACHE:-$HOME/.cache/cmr/swift-trixie}, and runs swift inside it
# (chroot in a private mount namespace, the repository and target dir
# bind-mounted at their host paths). Needs root for that; see docs/swift.md.
# Timings of every phase go to stderr as `test-swift: time <phase> <seconds>s`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
root="$(pwd)"
pkg="bindings/uniffi/swift"

cargo build -p cmr-uniffi -p cmr-sandbox -p uniffi-bindgen
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
lib="$target_dir/debug/libcmr_uniffi.so"
[ "$(uname -s)" = Darwin ] && lib="$target_dir/debug/libcmr_uniffi.dylib"

gen="$(mktemp -d)"
trap 'rm -rf "$gen"' EXIT
# uniffi-bindgen-swift: one Swift file and one header per uniffi component
# (`cmr`, the core's records; `cmr_uniffi`, the client), and ONE module map
# over both headers, so the package has one C module, CmrFFI (the
# ffi_module_name of both uniffi.toml files).
"$target_dir/debug/uniffi-bindgen-swift" "$lib" "$gen" --swift-sources --headers --modulemap \
  --module-name CmrFFI --modulemap-filename module.modulemap
# Copies only what changed: an unchanged file keeps its mtime, so SwiftPM does
# not recompile the module (a minute here) when the Rust API did not move.
place() { cmp -s "$1" "$2" || cp "$1" "$2"; }
mkdir -p "$pkg/Sources/CmrFFI/include"
for f in cmr.swift cmr_uniffi.swift cmrFFI.h cmr_uniffiFFI.h module.modulemap; do
  [ -s "$gen/$f" ] || { echo "test-swift: bindgen did not produce $f" >&2; exit 1; }
  case "$f" in
    *.swift) place "$gen/$f" "$pkg/Sources/Cmr/$f" ;;
    *) place "$gen/$f" "$pkg/Sources/CmrFFI/include/$f" ;;
  esac
done
grep -q '^#if canImport(CmrFFI)' "$pkg/Sources/Cmr/cmr.swift" \
  || { echo "test-swift: the generated Swift does not import CmrFFI (uniffi.toml not read?)" >&2; exit 1; }
# Every operation of the route table (docs/routes.md, generated from it) has
# its method in the generated Swift API, in lowerCamelCase.
python3 - docs/routes.md "$pkg/Sources/Cmr/cmr_uniffi.swift" <<'PY'
import re, sys
routes, swift = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
ops = re.findall(r"^\| `([a-z_.]*)` \|", routes, re.M)
if not ops:
    sys.exit("test-swift: no operation found in docs/routes.md")
missing = 0
for op in ops:
    words = op.split(".")[-1].split("_")
    method = words[0] + "".join(w.title() for w in words[1:])
    if f"open func {method}(" not in swift:
        print(f"test-swift: no Swift method for {op} ({method})", file=sys.stderr)
        missing = 1
sys.exit(missing)
PY
echo "test-swift: generated Swift bindings into $pkg/Sources" >&2

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
export CMR_LIB_DIR="$target_dir/debug"
export LD_LIBRARY_PATH="$target_dir/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset CMR_API_KEY CMR_BASE_URL

phase_start=0
phase() { phase_start=$(date +%s); echo "test-swift: $1" >&2; }
phase_done() { echo "test-swift: time $1 $(( $(date +%s) - phase_start ))s" >&2; }

if command -v swift >/dev/null 2>&1; then
  # A toolchain on the PATH (macOS, a Linux with swift): used as is.
  cd "$pkg"
  phase "swift build"
  swift build --build-tests
  phase_done "swift-build"
  # Swift 6 toolchains also run swift-testing after XCTest; the suite is XCTest
  # only, so XCTest's summary stays the last lines of the output.
  no_st=()
  swift test --help 2>/dev/null | grep -q -- --disable-swift-testing && no_st=(--disable-swift-testing)
  echo "test-swift: swift test" >&2
  exec swift test --skip-build ${no_st[@]+"${no_st[@]}"}
fi

# ---------------------------------------------------------------------------
# No swift on the PATH: provision Debian trixie's swiftlang in a cached root.
# ---------------------------------------------------------------------------
[ "$(uname -s)" = Linux ] || { echo "test-swift: no swift toolchain on the PATH (install Xcode or swift.org's toolchain)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || {
  echo "test-swift: no swift toolchain on the PATH; provisioning one (a trixie root, chroot) needs root." >&2
  echo "test-swift: run as root, or install Swift 5.7+ (swift.org or Debian trixie's swiftlang) and retry." >&2
  exit 1
}

cache="${CMR_SWIFT_CACHE:-$HOME/.cache/cmr/swift-trixie}"
sysroot="$cache/root"
marker="$sysroot/.cmr-swift-ready"
staging="$cache/root.partial"
mkdir -p "$cache"

# The Debian mirror the host's apt uses (only Debian's package hosts are
# reachable): the first URI of a non-security Debian source, deb822 or one-line.
debian_mirror() {
  if [ -n "${CMR_SWIFT_MIRROR:-}" ]; then echo "$CMR_SWIFT_MIRROR"; return; fi
  local f uris=()
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources) mapfile -t -O "${#uris[@]}" uris < <(sed -n 's/^[[:space:]]*URIs:[[:space:]]*//p' "$f" | tr ' \t' '\n\n') ;;
      *) mapfile -t -O "${#uris[@]}" uris < <(sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f") ;;
    esac
  done
  local u
  for u in "${uris[@]}"; do
    case "$u" in
      *-security|*-security/|*debian-security*) ;;
      http://*/debian|http://*/debian/|https://*/debian|https://*/debian/) echo "${u%/}"; return ;;
    esac
  done
  echo "http://deb.debian.org/debian"
}

# Refuses to delete a directory something is still mounted under (a bind mount
# of the repository there would be deleted with it).
remove_tree() {
  local dir="$1"
  [ -e "$dir" ] || return 0
  if awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo "test-swift: something is still mounted under $dir; not removing it (unmount it by hand)" >&2
    exit 1
  fi
  rm -rf --one-file-system "$dir"
}

# Runs a command chrooted into $1 inside a private mount namespace: every mount
# made for it (proc, dev, sys, tmp, the repository) disappears with the process,
# whatever way it ends. Extra bind mounts (same path inside and out) follow `--`.
in_root() {
  local dir="$1"; shift
  local binds=()
  while [ "$1" != -- ]; do binds+=("$1"); shift; done
  shift
  unshare --mount --propagation private -- /bin/bash -euo pipefail -c '
    dir="$1"; nb="$2"; shift 2
    mount -t proc proc "$dir/proc"
    for d in /dev /sys; do mkdir -p "$dir$d"; mount --rbind "$d" "$dir$d"; done
    mkdir -p "$dir/tmp"; mount --bind /tmp "$dir/tmp"
    for ((i = 0; i < nb; i++)); do mkdir -p "$dir$1"; mount --bind "$1" "$dir$1"; shift; done
    [ -f /etc/resolv.conf ] && cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
  ' in_root "$dir" "${#binds[@]}" "${binds[@]}" "$@"
}

provision() {
  remove_tree "$staging"   # left by an interrupted run: never trusted
  if ! command -v debootstrap >/dev/null 2>&1; then
    phase "installing debootstrap on the host"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends debootstrap >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y --no-install-recommends debootstrap >/dev/null; }
    phase_done "host-debootstrap-install"
  fi
  local mirror; mirror="$(debian_mirror)"
  phase "debootstrap --variant=minbase trixie from $mirror (into $staging)"
  # In its own mount namespace too: the proc/sys mounts debootstrap makes in
  # the target never outlive it.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase trixie "$staging" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log" >&2; echo "test-swift: debootstrap failed (log: $cache/debootstrap.log)" >&2; exit 1; }
  phase_done "debootstrap"
  phase "apt-get install swiftlang (inside the trixie root)"
  in_root "$staging" -- /bin/sh -c 'apt-get update -qq && apt-get install -y -q swiftlang && apt-get clean' \
    > "$cache/apt.log" 2>&1 \
    || { tail -n 30 "$cache/apt.log" >&2; echo "test-swift: apt-get install swiftlang failed (log: $cache/apt.log)" >&2; exit 1; }
  in_root "$staging" -- swift --version >&2
  phase_done "apt-install"
  touch "$staging/.cmr-swift-ready"
  remove_tree "$sysroot"
  mv "$staging" "$sysroot"
}

# One provisioning at a time (exclusive lock); runs share the finished root
# (shared lock, held until this script exits, so nobody replaces it meanwhile).
exec 9>"$cache/.lock"
flock 9
[ -f "$marker" ] || provision
flock -s 9

binds=("$root")
case "$target_dir/" in "$root"/*) ;; *) binds+=("$target_dir") ;; esac
scratch="$target_dir/swift-trixie"   # SwiftPM's build dir, in the cargo target dir
run_env=(CMR_REPO_ROOT="$CMR_REPO_ROOT" CMR_SANDBOX_BIN="$CMR_SANDBOX_BIN" CMR_LIB_DIR="$CMR_LIB_DIR"
         LD_LIBRARY_PATH="$LD_LIBRARY_PATH")
phase "swift build (trixie root $sysroot)"
in_root "$sysroot" "${binds[@]}" -- env "${run_env[@]}" \
  swift build --package-path "$root/$pkg" --scratch-path "$scratch" --build-tests
phase_done "swift-build"
# swift test last, untimed here: XCTest's summary lines end the output (CI
# reads them) and its exit status is the script's.
echo "test-swift: swift test" >&2
in_root "$sysroot" "${binds[@]}" -- env "${run_env[@]}" \
  swift test --package-path "$root/$pkg" --scratch-path "$scratch" --skip-build --disable-swift-testing
