#!/usr/bin/env bash
# Node suite: installs the npm devDependencies (registry only), builds the
# napi-rs addon (debug, workspace target/), compiles the TypeScript layer,
# checks the generated files did not drift, proves the public types with
# tsc --noEmit, then runs node --test against the in-process sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

cd node
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

echo "--- native addon (napi build, debug)"
committed_dts="$(mktemp)"
trap 'rm -f "$committed_dts"' EXIT
# The committed version (git), else the file as found before the build.
if ! git show HEAD:node/native/index.d.ts > "$committed_dts" 2>/dev/null; then
  cp native/index.d.ts "$committed_dts"
fi
npx napi build --manifest-path ../bindings/node/Cargo.toml --platform \
  --output-dir native --js index.js --dts index.d.ts
if ! diff -u "$committed_dts" native/index.d.ts; then
  echo "node/native/index.d.ts drifted from the Rust addon: commit the regenerated file" >&2
  exit 1
fi

echo "--- TypeScript layer"
npx tsc -p tsconfig.json

echo "--- types test (tsc --noEmit)"
npx tsc -p test/tsconfig.json

echo "--- node --test"
node --test --test-reporter=spec test/*.test.js
