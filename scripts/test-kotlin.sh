#!/usr/bin/env bash
# Kotlin package (bindings/uniffi/kotlin): builds the uniffi library and the
# sandbox (debug), generates the Kotlin bindings in library mode into the
# gitignored src/main/kotlin/generated, puts libcmr_uniffi.so where JNA finds
# it (src/main/resources/linux-x86-64, gitignored), then runs the JUnit 5
# suite with Maven against a cmr-sandbox process the tests start themselves.
# Needs: cargo, JDK 17+, Maven (downloads its plugins and dependencies from
# Maven Central into ~/.m2 on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
root="$(pwd)"
kt="bindings/uniffi/kotlin"

command -v mvn >/dev/null || { echo "test-kotlin: mvn not found (install Maven and a JDK 17+)" >&2; exit 1; }

cargo build -p cmr-uniffi -p cmr-sandbox -p uniffi-bindgen

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
lib="$target_dir/debug/libcmr_uniffi.so"
case "$(uname -s)" in
  Darwin) lib="$target_dir/debug/libcmr_uniffi.dylib"; jna_dir="darwin-$(uname -m | sed 's/arm64/aarch64/')" ;;
  *) jna_dir="linux-$(uname -m | sed 's/x86_64/x86-64/')" ;;
esac

rm -rf "$kt/src/main/kotlin/generated"
"$target_dir/debug/uniffi-bindgen" generate --library "$lib" --language kotlin --no-format \
  --out-dir "$kt/src/main/kotlin/generated"
mkdir -p "$kt/src/main/resources/$jna_dir"
cp "$lib" "$kt/src/main/resources/$jna_dir/"

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
unset CMR_API_KEY CMR_BASE_URL
cd "$kt"
mvn -B -q -Dstyle.color=never -Dsurefire.printSummary=true test
