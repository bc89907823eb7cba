#!/usr/bin/env bash
# Builds the parsers' libFuzzer targets with the `fuzz` preset (clang, ASan + UBSan) and runs each
# for a few seconds from its seed corpus, so CI fuzzes every change briefly. Longer runs by hand:
#   build/fuzz/tests/fuzz/fuzz_gs1_element -max_total_time=600 tests/fuzz/corpus/gs1_element
set -euo pipefail
cd "$1"
if ! command -v clang++ >/dev/null; then
  echo "fuzz_brief: clang++ is not installed; run 'bash deploy/setup.sh' (it installs clang)" >&2
  exit 1
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz
