#!/usr/bin/env bash
# STATUS: written to replace scripts/test-kotlin.sh (issue #12) but not yet run to completion
# on the project machine; scripts/test-all.sh still runs scripts/test-kotlin.sh.
# Kotlin suite, run against the jar AS A USER GETS IT:
#  1. builds libcmr_uniffi in release mode (on Linux for glibc 2.17 via
#     cargo-zigbuild, the same floor as the wheel and the npm addon), and the
#     debug cmr-sandbox and uniffi-bindgen the tests and the generator need,
#  2. generates the Kotlin bindings (uniffi library mode) into the gitignored
#     src/main/kotlin/generated and puts the library where JNA finds it inside
#     the jar (src/main/resources/<os>-<arch>, gitignored),
#  3. `mvn install` of bindings/uniffi/kotlin (tests skipped there) and checks
#     the jar carries the native library,
#  4. runs the JUnit 5 suite (src/test/kotlin) from bindings/uniffi/kotlin/consumer,
#     a separate Maven project that depends only on the installed
#     io.github.cmr-sdk:coldmailreseller jar, against cmr-sandbox processes the
#     tests start themselves.
# Maven's local repository is target/m2 of this checkout (not ~/.m2), so two
# checkouts testing at once never swap each other's jar.
# Needs: cargo, JDK 17+, Maven (downloads from Maven Central on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
root="$(pwd)"
kt="bindings/uniffi/kotlin"
# shellcheck source=lib/pkg-tools.sh
source scripts/lib/pkg-tools.sh

command -v mvn >/dev/null || { echo "test-kotlin: mvn not found (install Maven and a JDK 17+)" >&2; exit 1; }

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cargo build -p cmr-sandbox -p uniffi-bindgen
pkg_tools
start=$(date +%s)
if [ -n "$PKG_TARGET" ]; then
  cargo zigbuild --release -p cmr-uniffi --target "$PKG_TARGET"
  libdir="$target_dir/${PKG_TARGET%%.*}/release"
else
  cargo build --release -p cmr-uniffi
  libdir="$target_dir/release"
fi
echo "libcmr_uniffi built in $(( $(date +%s) - start ))s"
lib="$libdir/libcmr_uniffi.so"
case "$(uname -s)" in
  Darwin) lib="$libdir/libcmr_uniffi.dylib"; jna_dir="darwin-$(uname -m | sed 's/arm64/aarch64/')" ;;
  *) jna_dir="linux-$(uname -m | sed 's/x86_64/x86-64/')" ;;
esac
if [ -n "$PKG_TARGET" ]; then
  glibc="$(max_glibc "$lib")"
  echo "$(basename "$lib"): needs glibc $glibc"
  if [ "$glibc" != unknown ] && [ "$(printf '%s\n2.17\n' "$glibc" | sort -V | tail -1)" != 2.17 ]; then
    echo "the library needs glibc $glibc, more than 2.17" >&2
    exit 1
  fi
fi

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
# Only this platform's library goes into the jar (a release jar carries every
# platform's: docs/RELEASING.md).
rm -rf "$kt/src/main/resources"
mkdir -p "$kt/src/main/resources/$jna_dir"
cp "$lib" "$kt/src/main/resources/$jna_dir/"

m2="$root/target/m2"
mvn_() { mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$m2" "$@"; }

echo "--- mvn install (the jar)"
start=$(date +%s)
(cd "$kt" && mvn_ -Dmaven.test.skip=true install)
version="$(bash scripts/version.sh)"
jar="$m2/io/github/cmr-sdk/coldmailreseller/$version/coldmailreseller-$version.jar"
echo "jar: $(basename "$jar") ($(du -k "$jar" | cut -f1) KiB), built and installed in $(( $(date +%s) - start ))s"
python3 - "$jar" "$jna_dir/$(basename "$lib")" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
missing = [] if sys.argv[2] in names else [sys.argv[2]]
if not any(n.startswith("cmr/") and n.endswith(".class") for n in names):
    missing.append("cmr/*.class")
if missing:
    sys.exit("the jar lacks: " + ", ".join(missing))
print(f"ok: {len(names)} entries, native library {sys.argv[2]}")
PY

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
unset CMR_API_KEY CMR_BASE_URL
cd "$kt/consumer"
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
echo "--- consumer project: JUnit suite against the installed jar"
mvn_ test
