#!/usr/bin/env bash
# Runs every test suite of the repository: Rust, Python, Node, Kotlin, Swift.
# Each suite script installs what it needs by itself (pip, npm, Maven).
# Usage: scripts/test-all.sh [suite ...]   (default: all suites)
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(rust python node kotlin swift)

failed=()
# One version for every artifact (crates, wheel, npm, jar, CHANGELOG).
echo "=================== version ==================="
bash scripts/version.sh check || failed+=(version)

for s in "${suites[@]}"; do
  echo
  echo "=================== ${s} ==================="
  start=$(date +%s)
  if bash "scripts/test-${s}.sh"; then
    echo "=================== ${s}: ok ($(( $(date +%s) - start ))s) ==================="
  else
    echo "=================== ${s}: FAILED ($(( $(date +%s) - start ))s) ==================="
    failed+=("$s")
  fi
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-all: failing suites: ${failed[*]}"
  exit 1
fi
echo "test-all: every suite passed (${suites[*]})"
