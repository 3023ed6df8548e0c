#!/usr/bin/env bash
# Node suite, run against the package AS A USER INSTALLS IT (issue #12):
#  1. npm ci (devDependencies, registry only), models.ts drift check,
#  2. the napi-rs addon in release mode; on Linux for glibc 2.17 (`napi build
#     -x --target <triple>.2.17`, i.e. cargo-zigbuild with zig from PyPI: the
#     same floor as the manylinux2014 wheel), its glibc need checked,
#     index.d.ts drift check, the TypeScript layer compiled,
#  3. `npm pack` into target/npm, the tarball's file list checked (CJS, ESM,
#     types, loader, the .node binary, LICENSE),
#  4. the tarball installed into a FRESH project outside the repository, where
#     tsc type-checks test/types.ts against the installed types and
#     node --test runs the whole suite against the installed package: the
#     CommonJS tests (test/*.test.js) and the ESM ones (test/*.test.mjs).
# CMR_KEEP_PROJECT=1 keeps the scratch project. Sizes and times:
# docs/benchmarks.md ("Node package").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TERM_COLOR=never
# shellcheck source=lib/pkg-tools.sh
source scripts/lib/pkg-tools.sh
t0=$(date +%s)
phase() { echo "--- $1 (+$(( $(date +%s) - t0 ))s)"; }

cd node
NAME="$(node -p 'require("./package.json").name')"
phase "npm ci"
# `npm ci` refuses a lock file that lacks optional platform packages the
# registry in use does not serve (some mirrors only carry this platform's
# @napi-rs/lzma-*); then install from the same lock without rewriting it.
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci refused the lock file; installing from it with npm install --no-save" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

phase "models.ts (and every other generated file) is fresh: cmr-codegen check"
(cd .. && cargo run --quiet -p cmr-codegen -- check)

pkg_tools
phase "native addon (napi build, release${PKG_TARGET:+, $PKG_TARGET via zig})"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmr-node-installed.XXXXXX")"
cleanup() { [ "${CMR_KEEP_PROJECT:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
committed_dts="$WORK/index.d.ts.committed"
# The committed version (git), else the file as found before the build.
if ! git show HEAD:node/native/index.d.ts > "$committed_dts" 2>/dev/null; then
  cp native/index.d.ts "$committed_dts"
fi
rm -f native/*.node
cross=()
[ -n "$PKG_TARGET" ] && cross=(-x --target "$PKG_TARGET")
start=$(date +%s)
npx napi build --release "${cross[@]}" --manifest-path ../bindings/node/Cargo.toml --platform \
  --output-dir native --js index.js --dts index.d.ts
echo "addon built in $(( $(date +%s) - start ))s"
if ! diff -u "$committed_dts" native/index.d.ts; then
  echo "node/native/index.d.ts drifted from the Rust addon: commit the regenerated file" >&2
  exit 1
fi
addon="$(ls native/*.node)"
if [ -n "$PKG_TARGET" ]; then
  glibc="$(max_glibc "$addon")"
  echo "$(basename "$addon"): $(du -k "$addon" | cut -f1) KiB, needs glibc $glibc"
  if [ "$glibc" != unknown ] && [ "$(printf '%s\n2.17\n' "$glibc" | sort -V | tail -1)" != 2.17 ]; then
    echo "the addon needs glibc $glibc, more than 2.17" >&2
    exit 1
  fi
fi

phase "TypeScript layer"
rm -rf dist
npx tsc -p tsconfig.json

phase "npm pack"
mkdir -p "$ROOT/target/npm"
rm -f "$ROOT/target/npm/${NAME}"-*.tgz
npm pack --json --pack-destination "$ROOT/target/npm" > "$WORK/pack.json"
tarball="$ROOT/target/npm/$(node -p "require('$WORK/pack.json')[0].filename")"
node -e '
const p = require(process.argv[1])[0];
const kib = (n) => (n / 1024).toFixed(0) + " KiB";
console.log(`tarball: ${p.filename} ${kib(p.size)}, unpacked ${kib(p.unpackedSize)}, ${p.entryCount} files`);
' "$WORK/pack.json"
tar -tzf "$tarball" | python3 -c '
import sys
names = {l.strip() for l in sys.stdin}
need = ["package/package.json", "package/README.md", "package/LICENSE",
        "package/dist/index.js", "package/dist/index.d.ts", "package/dist/testing.js",
        "package/dist/testing.d.ts", "package/esm/index.mjs", "package/esm/testing.mjs",
        "package/native/index.js", "package/native/index.d.ts"]
missing = [n for n in need if n not in names]
if not any(n.startswith("package/native/") and n.endswith(".node") for n in names):
    missing.append("package/native/*.node")
if missing:
    sys.exit("the tarball lacks: " + ", ".join(missing))
print(f"ok: {len(names)} files (CJS, ESM, types, loader, native addon, LICENSE)")
'

phase "fresh project outside the repository: $WORK/app"
mkdir -p "$WORK/app" "$WORK/tests"
cp -r "$ROOT/tests/scenarios" "$WORK/tests/scenarios"
mkdir -p "$WORK/spec" && cp "$ROOT/spec/openapi.json" "$WORK/spec/"
cp -r test "$WORK/app/test"
cd "$WORK/app"
echo '{ "name": "cmr-consumer-test", "version": "0.0.0", "private": true }' > package.json
start=$(date +%s)
# The tarball, plus the compiler and Node types the types test needs, at the
# versions the package itself is developed with.
ts="$(node -p "require('$ROOT/node/package.json').devDependencies.typescript")"
tn="$(node -p "require('$ROOT/node/package.json').devDependencies['@types/node']")"
npm install --no-audit --no-fund --loglevel=error "$tarball" "typescript@$ts" "@types/node@$tn"
echo "installed in $(( $(date +%s) - start ))s (tarball + typescript + @types/node)"
node -e '
const p = require.resolve(process.argv[1]);
if (!p.startsWith(process.cwd() + "/node_modules/")) { console.error("resolved to " + p); process.exit(1); }
console.log(process.argv[1] + " -> " + p);
' "$NAME"

phase "types test against the installed types (tsc --noEmit)"
npx tsc -p test/tsconfig.json

phase "node --test (installed package: CommonJS and ESM)"
node --test --test-reporter=spec test/*.test.js test/*.test.mjs
phase "done"
