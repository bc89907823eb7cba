// A decode must never take the kiosk down: Debian's zxing-cpp 1.4 keeps assertions on, and its
// multi-symbol ReadBarcodes can abort the process. Our decoders use only the single-symbol path; this
// runs generated frames through both of them in a child process, so an abort shows up as a failed test
// instead of a crashed test runner (the real photos: photo_test.cpp).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <opencv2/imgproc.hpp>

#include "medkiosk/scanner/decoder.hpp"
#include "synthetic_codes.hpp"

using namespace medkiosk::scanner;

namespace {

// Runs `body` in a forked child; returns the wait status.
template <typename Body>
int in_child(Body body) {
    const pid_t child = fork();
    if (child == 0) {
        const int code = body();
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

TEST(scannerNoAbort, GeneratedFramesWithSeveralSymbolsDecodeWithoutAborting) {
    // Several symbols per frame is what drives zxing into its result-merging code.
    const int status = in_child([] {
        using namespace medkiosk::test;
        const Decoder still;
        TrackingDecoder live;
        const std::vector<SyntheticCode> codes = {gs1_datamatrix_code("NA1"), ean13_code("690123456789"),
                                                  code128_code("81234560000123456789"),
                                                  ean13_code("400638133393")};
        for (unsigned seed = 0; seed < 12; ++seed) {
            cv::Mat frame = make_scene(960, 540, seed);
            for (std::size_t i = 0; i < codes.size(); ++i)
                place_symbol(frame, render_symbol(codes[i]),
                             Placement{{140.f + 220.f * static_cast<float>(i),
                                        120.f + 90.f * static_cast<float>((seed + i) % 4)},
                                       static_cast<double>(seed * 7 % 40) - 20,
                                       i == 0 ? 4.0 : 2.0,
                                       0.05 * (seed % 3),
                                       1});
            blur_and_noise(frame, 0.3 * (seed % 4), 3, seed);
            still.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
            live.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
        }
        return 0;
    });
    EXPECT_TRUE(WIFEXITED(status)) << "the decoder killed the process with signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
