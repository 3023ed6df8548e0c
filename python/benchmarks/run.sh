#!/usr/bin/env bash
# Build a release wheel of cmr, install it with httpx into python/.venv-bench,
# and run the benchmark (cmr vs pure-Python httpx against the same sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$PWD/.venv-bench"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check maturin==1.16.0 httpx==0.28.1
rm -rf ../target/wheels-bench
"$VENV/bin/maturin" build --release -i "$VENV/bin/python" -o ../target/wheels-bench
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps ../target/wheels-bench/coldmailreseller-*.whl
cd /tmp && "$VENV/bin/python" "$OLDPWD/benchmarks/bench.py" "$@"
