#pragma once
// A test that cannot run on this machine. For an ordinary user (the root-only tests) it is skipped, and
// ctest says so. As root, where deploy/setup.sh has installed everything and every test must run (CI
// runs the suite as root), it fails instead: ctest reports any run that prints "[  SKIPPED ]" as
// skipped whatever its exit code, so a skip as root would pass CI unseen.
//
//     if (!fs::exists(tool)) MEDKIOSK_CANNOT_RUN_HERE() << tool << " is not installed";
//
// Tests never call GTEST_SKIP themselves (the ctest tests_never_skip_silently checks that).
#include <gtest/gtest.h>
#include <unistd.h>

namespace medkiosk::test {

inline bool every_test_must_run() {
    return ::geteuid() == 0;
}

inline ::testing::TestPartResult::Type cannot_run_here_result() {
    return every_test_must_run() ? ::testing::TestPartResult::kFatalFailure
                                 : ::testing::TestPartResult::kSkip;
}

inline const char* cannot_run_here_heading() {
    return every_test_must_run() ? "this test cannot run here, and as root every test must run (install what "
                                   "deploy/setup.sh installs; CI runs the suite as root)"
                                 : "";
}

}  // namespace medkiosk::test

#define MEDKIOSK_CANNOT_RUN_HERE()                                                            \
    return GTEST_MESSAGE_AT_(__FILE__, __LINE__, ::medkiosk::test::cannot_run_here_heading(), \
                             ::medkiosk::test::cannot_run_here_result())
