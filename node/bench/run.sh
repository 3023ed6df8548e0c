#!/usr/bin/env bash
# Builds what bench/external.mjs needs, then runs it (a benchmark, not a test):
#   - the release `cmr-sandbox` binary (target/release/cmr-sandbox),
#   - the release addon in node/native, built exactly as scripts/test-node.sh
#     builds the one `npm pack` ships (so after that suite this is a no-op),
#   - the TypeScript layer, and undici (a devDependency).
# Usage: node/bench/run.sh [external.mjs options...]   e.g. --rounds 9
# CMR_BENCH_SKIP_BUILD=1 reuses what is built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(cd .. && pwd)"
if [ "${CMR_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && cargo build --release -p cmr-sandbox --bin cmr-sandbox)
  [ -d node_modules/undici ] || npm install --no-save --no-audit --no-fund --loglevel=error
  # shellcheck source=../../scripts/lib/pkg-tools.sh
  source "$ROOT/scripts/lib/pkg-tools.sh"
  pkg_tools
  cross=()
  [ -n "$PKG_TARGET" ] && cross=(-x --target "$PKG_TARGET")
  npx napi build --release "${cross[@]}" --manifest-path ../bindings/node/Cargo.toml --platform \
    --output-dir native --js index.js --dts index.d.ts
  npx tsc -p tsconfig.json
fi
exec node bench/external.mjs --sandbox "$ROOT/target/release/cmr-sandbox" "$@"
