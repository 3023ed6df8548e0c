#!/usr/bin/env bash
# Python suite, run against the package AS A USER INSTALLS IT:
#  1. builds the release wheel (abi3, Python >= 3.10, manylinux2014 = glibc
#     2.17, via `maturin build --release --zig`) into target/wheels,
#  2. checks its contents (native module, stubs, py.typed, pytest plugin),
#  3. installs it into a FRESH virtualenv outside the repository,
#  4. runs stubtest and mypy --strict on the installed package, then the pytest
#     suite (python/tests, copied outside the repository with the shared
#     scenarios) against the installed package and its in-process sandbox.
# Extra arguments go to pytest. CMR_KEEP_VENV=1 keeps the scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TERM_COLOR=never
# shellcheck source=lib/pkg-tools.sh
source scripts/lib/pkg-tools.sh

PY="${PYTHON:-python3}"
# Pinned test tools, installed into the fresh venv beside the wheel.
TEST_REQS=(pytest==9.2.0 pytest-asyncio==1.5.0 mypy==2.4.1)
PKG="$(sed -n 's/^python-packages = \["\([^"]*\)"\]/\1/p' python/pyproject.toml)"
DIST="$(sed -n 's/^name = "\([^"]*\)"/\1/p' python/pyproject.toml | head -1)"

pkg_tools

echo "== source checks: the resources (sync and async) and every other generated file are fresh"
cargo run --quiet -p cmr-codegen -- check

echo "== building the wheel (release, abi3, manylinux2014 via zig)"
WHEELS="$ROOT/target/wheels"
rm -f "$WHEELS/${DIST}"-*.whl
start=$(date +%s)
(cd python && maturin build --release --zig --compatibility manylinux2014 \
    --interpreter "$PY" --out "$WHEELS")
echo "wheel built in $(( $(date +%s) - start ))s"
WHEEL="$(ls "$WHEELS/${DIST}"-*.whl)"
echo "wheel: $(basename "$WHEEL") ($(du -k "$WHEEL" | cut -f1) KiB)"
case "$(basename "$WHEEL")" in
    *-cp310-abi3-*) ;;
    *) echo "the wheel is not abi3 for CPython >= 3.10" >&2; exit 1 ;;
esac
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
    case "$(basename "$WHEEL")" in
        *manylinux_2_17_x86_64*|*manylinux2014_x86_64*) ;;
        *) echo "the wheel is not manylinux2014 (glibc 2.17)" >&2; exit 1 ;;
    esac
fi

echo "== wheel contents"
"$PY" - "$WHEEL" "$PKG" <<'PY'
import sys, zipfile
wheel, pkg = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
need = [f"{pkg}/__init__.py", f"{pkg}/py.typed", f"{pkg}/_native.pyi",
        f"{pkg}/testing/__init__.py", f"{pkg}/testing/pytest_plugin.py"]
missing = [n for n in need if n not in names]
if not any(n.startswith(f"{pkg}/_native.") and n.endswith((".so", ".pyd")) for n in names):
    missing.append(f"{pkg}/_native.*.so")
eps = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
if not eps or "pytest11" not in zipfile.ZipFile(wheel).read(eps[0]).decode():
    missing.append("entry_points.txt [pytest11]")
if missing:
    sys.exit("wheel lacks: " + ", ".join(missing))
print(f"ok: {len(names)} files, native module, stubs, py.typed, pytest plugin")
PY

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmr-python-installed.XXXXXX")"
if [ "${CMR_KEEP_VENV:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
echo "== fresh virtualenv outside the repository: $WORK/venv"
start=$(date +%s)
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL" "${TEST_REQS[@]}"
echo "installed in $(( $(date +%s) - start ))s (wheel + ${TEST_REQS[*]})"

# The suite, the shared scenarios and the spec, laid out as in the repository (the tests
# find tests/scenarios two levels up) but with no package sources beside them.
mkdir -p "$WORK/suite/python" "$WORK/suite/tests"
cp -r python/tests "$WORK/suite/python/tests"
cp -r tests/scenarios "$WORK/suite/tests/scenarios"
# The generated spec: test_spec_drift checks the Python surface against it.
mkdir -p "$WORK/suite/spec"
cp spec/openapi.json "$WORK/suite/spec/openapi.json"
# pytest's settings ([tool.pytest.ini_options]) only.
"$PY" - "$ROOT/python/pyproject.toml" "$WORK/suite/python/pytest.ini" <<'PY'
import sys, tomllib
opts = tomllib.load(open(sys.argv[1], "rb"))["tool"]["pytest"]["ini_options"]
with open(sys.argv[2], "w") as f:
    f.write("[pytest]\n")
    for k, v in opts.items():
        f.write(f"{k} = {' '.join(v) if isinstance(v, list) else v}\n")
PY

cd "$WORK/suite/python"
VPY="$WORK/venv/bin/python"
# Every import below must come from the venv, never from the repository.
"$VPY" - "$PKG" "$ROOT" <<'PY'
import importlib, sys
pkg, root = sys.argv[1], sys.argv[2]
m = importlib.import_module(pkg)
native = importlib.import_module(pkg + "._native")
for f in (m.__file__, native.__file__):
    if f.startswith(root) or "site-packages" not in f:
        sys.exit(f"{pkg} imported from {f}, not from the installed wheel")
print(f"import {pkg}: {m.__file__}")
PY

echo "== stubtest: ${PKG}/_native.pyi against the installed module"
"$VPY" -m mypy.stubtest "${PKG}._native"

echo "== mypy --strict -p ${PKG} (installed)"
"$VPY" -m mypy --strict --no-incremental -p "$PKG"

echo "== pytest (installed package)"
set +e
# `bin/pytest`, not `python -m pytest`: the latter would put the cwd on sys.path.
"$WORK/venv/bin/pytest" -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$rc"
