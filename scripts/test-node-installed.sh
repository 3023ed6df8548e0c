#!/usr/bin/env bash
# STATUS: written to replace scripts/test-node.sh (issue #12) but not yet run to completion
# on the project machine; scripts/test-all.sh still runs scripts/test-node.sh.
# Node suite, run against the package AS A USER INSTALLS IT:
#  1. npm ci (devDependencies, registry only), models.ts drift check,
#  2. the napi-rs addon in release mode for glibc 2.17 (`napi build -x`, i.e.
#     cargo-zigbuild; the same floor as the manylinux2014 wheel), index.d.ts
#     drift check, the TypeScript layer compiled,
#  3. `npm pack` into target/npm, the tarball's file list checked (CJS, ESM,
#     types, loader, the .node binary),
#  4. the tarball installed into a FRESH project outside the repository, where
#     tsc type-checks test/types.ts against the installed types and
#     node --test runs the whole suite (CJS and ESM) against the installed package.
# CMR_KEEP_PROJECT=1 keeps the scratch project.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TERM_COLOR=never
# shellcheck source=lib/pkg-tools.sh
source scripts/lib/pkg-tools.sh

cd node
NAME="$(node -p 'require("./package.json").name')"
echo "--- npm ci"
# `npm ci` refuses a lock file that lacks optional platform packages the
# registry in use does not serve (some mirrors only carry this platform's
# @napi-rs/lzma-*); then install from the same lock without rewriting it.
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci refused the lock file; installing from it with npm install --no-save" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

echo "--- models.ts (and every other generated file) is fresh: cmr-codegen check"
(cd .. && cargo run --quiet -p cmr-codegen -- check)

pkg_tools
echo "--- native addon (napi build, release${PKG_TARGET:+, $PKG_TARGET via zig})"
committed_dts="$(mktemp)"
trap 'rm -f "$committed_dts"' EXIT
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
  echo "$(basename "$addon"): needs glibc $glibc"
  if [ "$glibc" != unknown ] && [ "$(printf '%s\n2.17\n' "$glibc" | sort -V | tail -1)" != 2.17 ]; then
    echo "the addon needs glibc $glibc, more than 2.17" >&2
    exit 1
  fi
fi

echo "--- TypeScript layer"
rm -rf dist
npx tsc -p tsconfig.json

echo "--- npm pack"
mkdir -p "$ROOT/target/npm"
rm -f "$ROOT/target/npm/${NAME}"-*.tgz
tarball="$ROOT/target/npm/$(npm pack --silent --pack-destination "$ROOT/target/npm" | tail -1)"
echo "tarball: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
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

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmr-node-installed.XXXXXX")"
if [ "${CMR_KEEP_PROJECT:-0}" != 1 ]; then trap 'rm -rf "$WORK"; rm -f "$committed_dts"' EXIT; fi
echo "--- fresh project outside the repository: $WORK/app"
mkdir -p "$WORK/app" "$WORK/tests"
cp -r "$ROOT/tests/scenarios" "$WORK/tests/scenarios"
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

echo "--- types test against the installed types (tsc --noEmit)"
npx tsc -p test/tsconfig.json

echo "--- node --test (installed package, CJS and ESM)"
node --test --test-reporter=spec test/*.test.js
