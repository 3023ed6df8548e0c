#!/usr/bin/env bash
# Kotlin suite, run against the jar AS A USER GETS IT (issue #12):
#  1. builds libcmr_uniffi in release mode (on Linux for glibc 2.17 via
#     cargo-zigbuild, the same floor as the wheel and the npm addon), and the
#     debug cmr-sandbox, uniffi-bindgen and libcmr_uniffi the tests and the
#     generator need,
#  2. generates the Kotlin bindings into the gitignored
#     bindings/uniffi/kotlin/src/main/kotlin/generated and puts the library
#     where JNA finds it inside the jar (src/main/resources/<os>-<arch>, gitignored),
#  3. `mvn install` of bindings/uniffi/kotlin (tests skipped there) and checks
#     that the jar carries the native library and the classes,
#  4. copies the consumer project (bindings/uniffi/kotlin/consumer/pom.xml, a
#     user's POM whose only dependency on us is io.github.cmr-sdk:coldmailreseller)
#     and the JUnit 5 suite (bindings/uniffi/kotlin/src/test/kotlin) into a
#     fresh directory OUTSIDE the repository and runs `mvn test` there, against
#     cmr-sandbox processes the tests start themselves.
# Maven's local repository is target/m2 of this checkout (not ~/.m2), so two
# checkouts testing at once never swap each other's jar. Timings go to stderr
# as `test-kotlin: time <phase> <seconds>s`.
# Needs: cargo, JDK 17+, Maven (downloads from Maven Central on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
root="$(pwd)"
kt="bindings/uniffi/kotlin"
# shellcheck source=lib/pkg-tools.sh
source scripts/lib/pkg-tools.sh

command -v mvn >/dev/null || { echo "test-kotlin: mvn not found (install Maven and a JDK 17+)" >&2; exit 1; }

phase_start=0
phase() { phase_start=$(date +%s); echo "--- test-kotlin: $1" >&2; }
phase_done() { echo "test-kotlin: time $1 $(( $(date +%s) - phase_start ))s" >&2; }

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cargo build -p cmr-sandbox -p uniffi-bindgen -p cmr-uniffi
pkg_tools
phase "release build of libcmr_uniffi"
if [ -n "$PKG_TARGET" ]; then
  cargo zigbuild --release -p cmr-uniffi --target "$PKG_TARGET"
  libdir="$target_dir/${PKG_TARGET%%.*}/release"
else
  cargo build --release -p cmr-uniffi
  libdir="$target_dir/release"
fi
phase_done "release-lib"
lib="$libdir/libcmr_uniffi.so"
case "$(uname -s)" in
  Darwin) lib="$libdir/libcmr_uniffi.dylib"; jna_dir="darwin-$(uname -m | sed 's/arm64/aarch64/')" ;;
  *) jna_dir="linux-$(uname -m | sed 's/x86_64/x86-64/')" ;;
esac
if [ -n "$PKG_TARGET" ]; then
  glibc="$(max_glibc "$lib")"
  echo "test-kotlin: $(basename "$lib") needs glibc $glibc" >&2
  if [ "$glibc" != unknown ] && [ "$(printf '%s\n2.17\n' "$glibc" | sort -V | tail -1)" != 2.17 ]; then
    echo "test-kotlin: the library needs glibc $glibc, more than 2.17" >&2
    exit 1
  fi
fi

# Generate into a scratch dir and replace only the files that changed, so that
# Maven's incremental Kotlin compile skips unchanged generated sources on reruns.
gen="$(mktemp -d)"
consumer="$(mktemp -d "${TMPDIR:-/tmp}/cmr-kotlin-consumer.XXXXXX")"
trap 'rm -rf "$gen" "$consumer"' EXIT
# From the debug library: uniffi reads its metadata from the ELF symbol table
# (.symtab), which the zig-linked release library does not keep (the symbols
# are in .dynsym only, where uniffi 0.32 does not look). Same sources, same
# metadata and checksums; the generated code checks every checksum against
# the release library when it loads it, so a mismatch fails the suite.
"$target_dir/debug/uniffi-bindgen" generate --library "$target_dir/debug/$(basename "$lib")" \
  --language kotlin --no-format --out-dir "$gen"
for f in io/github/cmrsdk/coldmailreseller/cmr_uniffi.kt io/github/cmrsdk/coldmailreseller/models/cmr.kt; do
  [ -s "$gen/$f" ] || { echo "test-kotlin: bindgen did not produce $f (uniffi.toml not read?)" >&2; exit 1; }
done
dest="$kt/src/main/kotlin/generated"
mkdir -p "$dest"
(cd "$gen" && find . -type f) | while read -r f; do
  if ! cmp -s "$gen/$f" "$dest/$f"; then mkdir -p "$(dirname "$dest/$f")"; cp "$gen/$f" "$dest/$f"; fi
done
(cd "$dest" && find . -type f) | while read -r f; do [ -e "$gen/$f" ] || rm -f "$dest/$f"; done
find "$dest" -type d -empty -delete
# Only this platform's library goes into the jar (a release jar carries every
# platform's: docs/RELEASING.md).
rm -rf "$kt/src/main/resources"
mkdir -p "$kt/src/main/resources/$jna_dir"
cp "$lib" "$kt/src/main/resources/$jna_dir/"

m2="$root/target/m2"
mvn_() { mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$m2" "$@"; }

phase "mvn install (the jar)"
(cd "$kt" && mvn_ -Dmaven.test.skip=true install)
phase_done "jar"
version="$(bash scripts/version.sh)"
jar="$m2/io/github/cmr-sdk/coldmailreseller/$version/coldmailreseller-$version.jar"
echo "test-kotlin: jar $(basename "$jar"): $(du -k "$jar" | cut -f1) KiB (native library $(du -k "$lib" | cut -f1) KiB)" >&2
python3 - "$jar" "$jna_dir/$(basename "$lib")" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = {
    sys.argv[2]: sys.argv[2] in names,
    "io/github/cmrsdk/coldmailreseller/CmrClient.class": "io/github/cmrsdk/coldmailreseller/CmrClient.class" in names,
    "io/github/cmrsdk/coldmailreseller/IdiomsKt.class": "io/github/cmrsdk/coldmailreseller/IdiomsKt.class" in names,
    "io/github/cmrsdk/coldmailreseller/models/User.class": "io/github/cmrsdk/coldmailreseller/models/User.class" in names,
}
missing = [n for n, ok in need.items() if not ok]
if missing:
    sys.exit("test-kotlin: the jar lacks: " + ", ".join(missing))
print(f"test-kotlin: jar ok: {len(names)} entries, native library {sys.argv[2]}", file=sys.stderr)
PY

# The consumer project, outside the repository: its POM, the suite, the JVM flags.
cp "$kt/consumer/pom.xml" "$consumer/pom.xml"
mkdir -p "$consumer/src/test" "$consumer/.mvn"
cp -r "$kt/src/test/kotlin" "$consumer/src/test/kotlin"
cp "$kt/consumer/.mvn/jvm.config" "$consumer/.mvn/jvm.config"

export CMR_REPO_ROOT="$root"
export CMR_SANDBOX_BIN="$target_dir/debug/cmr-sandbox"
unset CMR_API_KEY CMR_BASE_URL
cd "$consumer"
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
trap 'summary; rm -rf "$gen" "$consumer"' EXIT
phase "consumer project $consumer: JUnit suite against the installed jar"
mvn_ test
phase_done "consumer-tests"
