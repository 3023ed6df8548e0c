#!/usr/bin/env bash
# Python package: build the pyo3 extension (debug, shared target/) into
# python/.venv, check the stubs against the compiled module, type-check the
# package, then run the pytest suite against the in-process sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TERM_COLOR=never

PY="${PYTHON:-python3}"
VENV="$ROOT/python/.venv"
# Pinned tools (bump together; the stamp makes a warm run skip pip).
REQS=(maturin==1.16.0 pytest==9.2.0 pytest-asyncio==1.5.0 mypy==2.4.1)

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PY" -m venv "$VENV"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
STAMP="$VENV/.cmr-requirements"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "${REQS[*]}" ]; then
    echo "== installing ${REQS[*]}"
    python -m pip install --quiet --disable-pip-version-check "${REQS[@]}"
    echo "${REQS[*]}" > "$STAMP"
fi

echo "== building cmr._native (debug) into the venv"
# maturin drives cargo in the workspace, so the build shares target/.
(cd python && maturin develop)
python -c "import cmr._native"

echo "== stubtest: cmr/_native.pyi against the compiled module"
(cd python && python -m mypy.stubtest cmr._native)

echo "== mypy --strict cmr"
(cd python && python -m mypy --strict cmr)

echo "== pytest"
set +e
(cd python && python -m pytest -q -p no:cacheprovider "$@")
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$rc"
