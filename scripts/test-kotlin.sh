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

# Generate into a scratch dir and replace only the files that changed, so that
# Maven's incremental Kotlin compile skips unchanged generated sources on reruns.
gen="$(mktemp -d)"
"$target_dir/debug/uniffi-bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$gen"
dest="$kt/src/main/kotlin/generated"
mkdir -p "$dest"
(cd "$gen" && find . -type f) | while read -r f; do
  if ! cmp -s "$gen/$f" "$dest/$f"; then mkdir -p "$(dirname "$dest/$f")"; cp "$gen/$f" "$dest/$f"; fi
done
(cd "$dest" && find . -type f) | while read -r f; do [ -e "$gen/$f" ] || rm -f "$dest/$f"; done
rm -rf "$gen"
mkdir -p "$kt/src/main/resources/$jna_dir"
cmp -s "$lib" "$kt/src/main/resources/$jna_dir/$(basename "$lib")" || cp "$lib" "$kt/src/main/resources/$jna_dir/"

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
unset CMR_API_KEY CMR_BASE_URL
cd "$kt"
rm -rf target/surefire-reports
summary() {
  python3 - <<'PY' || true
import glob, xml.etree.ElementTree as ET
n = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for p in glob.glob("target/surefire-reports/TEST-*.xml"):
    r = ET.parse(p).getroot()
    for k in n:
        n[k] += int(r.get(k, 0))
print("test-kotlin: {tests} tests, {failures} failures, {errors} errors, {skipped} skipped".format(**n))
PY
}
trap summary EXIT
mvn -B -q -Dstyle.color=never test
