#!/usr/bin/env bash
# The generated files are fresh and spec/openapi.json is valid OpenAPI 3.1.
#   1. `cmr-codegen check`: every file cmr-codegen writes (spec/openapi.json,
#      docs/routes.md, ...) equals what it would write now; it lists the
#      stale ones (fix: `cargo run -p cmr-codegen -- write`).
#   2. openapi-spec-validator (PyPI, pinned, in a venv under target/spec-tools,
#      gitignored; a stamp file makes warm runs skip pip) validates the spec.
#   3. Every documented example of tests/fixtures (requests, answers, webhook
#      deliveries) validates against its schema in the spec.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
cargo run --quiet -p cmr-codegen -- check

SPEC_TOOLS_REQS=(openapi-spec-validator==0.9.0)
venv=target/spec-tools
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
if [ "$(cat "$venv/.stamp" 2>/dev/null || true)" != "${SPEC_TOOLS_REQS[*]}" ]; then
    echo "== installing ${SPEC_TOOLS_REQS[*]}"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${SPEC_TOOLS_REQS[@]}"
    echo "${SPEC_TOOLS_REQS[*]}" > "$venv/.stamp"
fi
"$venv/bin/openapi-spec-validator" spec/openapi.json
"$venv/bin/python" scripts/validate_spec_examples.py
