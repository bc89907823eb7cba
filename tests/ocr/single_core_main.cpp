// main() for the OCR tests: caps Tesseract's OpenMP threads at one, as the benchmark does, so the
// suite's time on the 2-core CI machine is predictable and parallel ctest runs do not oversubscribe.
// libgomp reads OMP_THREAD_LIMIT only at start-up, hence the re-exec.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

int main(int argc, char** argv) {
    if (!std::getenv("OMP_THREAD_LIMIT")) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);  // on failure, carry on with the default thread count
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
