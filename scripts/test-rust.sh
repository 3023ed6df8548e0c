#!/usr/bin/env bash
# Rust suites: the core (unit, fixtures, integration against the sandbox),
# the sandbox, the CLI and the uniffi crate's own checks.
# The pyo3 and napi crates are not linkable as test binaries (their symbols
# come from the host runtime); their suites run through Python and Node.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
cargo test --workspace --exclude cmr-python --exclude cmr-node --no-fail-fast
# Generated files (spec/openapi.json, docs/routes.md, ...) are fresh; the spec is valid OpenAPI 3.1.
scripts/check-generated.sh
# Lints, every crate and target (benches and examples included, so they keep
# compiling although they are run by hand): no clippy warning lands.
cargo clippy --workspace --all-targets --quiet -- -D warnings
