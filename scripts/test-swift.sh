#!/usr/bin/env bash
# Swift package (bindings/uniffi/swift): builds the uniffi library, generates
# the Swift bindings in library mode (always: generation runs in Rust, so it is
# exercised even without a Swift toolchain), places the sources, headers and
# module maps in the package's gitignored paths, then, where `swift` exists,
# runs the XCTest suite against a cmr-sandbox process the tests start.
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
"$target_dir/debug/uniffi-bindgen" generate --library "$lib" --language swift --no-format --out-dir "$gen"
for component in cmr cmr_uniffi; do
  for f in "$component.swift" "${component}FFI.h" "${component}FFI.modulemap"; do
    [ -s "$gen/$f" ] || { echo "test-swift: bindgen did not produce $f" >&2; exit 1; }
  done
  cp "$gen/$component.swift" "$pkg/Sources/Cmr/$component.swift"
  mkdir -p "$pkg/Sources/${component}FFI/include"
  cp "$gen/${component}FFI.h" "$pkg/Sources/${component}FFI/include/${component}FFI.h"
  cp "$gen/${component}FFI.modulemap" "$pkg/Sources/${component}FFI/include/module.modulemap"
done
# Every operation of the route table (docs/routes.md, generated from it) has
# its method in the generated Swift API, in lowerCamelCase.
missing=0
for op in $(sed -n 's/^| `\([a-z_.]*\)` |.*/\1/p' docs/routes.md); do
  method="$(python3 -c 'import sys; m=sys.argv[1].split(".")[-1].split("_"); print(m[0]+"".join(w.title() for w in m[1:]))' "$op")"
  grep -q "open func $method(" "$pkg/Sources/Cmr/cmr_uniffi.swift" || { echo "test-swift: no Swift method for $op ($method)" >&2; missing=1; }
done
[ "$missing" = 0 ]
echo "test-swift: generated Swift bindings into $pkg/Sources" >&2

if ! command -v swift >/dev/null 2>&1; then
  echo "skipped: no swift toolchain"
  exit 0
fi

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
export CMR_LIB_DIR="$target_dir/debug"
export LD_LIBRARY_PATH="$target_dir/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset CMR_API_KEY CMR_BASE_URL
cd "$pkg"
swift test
