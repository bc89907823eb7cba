#!/bin/sh
# The long SIGKILL loop by hand: ROUNDS (default 1000) kills of `medkioskctl record` at random moments.
# usage: tests/storage/crash_loop.sh [ROUNDS] [BUILD_DIR]
set -eu
rounds=${1:-1000}
build=${2:-build/ci}
MEDKIOSK_CRASH_ROUNDS=$rounds exec "$build/tests/storage/storage_tests" --gtest_filter='LedgerCrash.*'
