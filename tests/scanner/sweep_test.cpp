// Rotation sweeps on generated stills: every pack format at every 5° from 0° to 355°, away from the
// frame's centre lines (where plain zxing-cpp 1.4 looks for a DataMatrix), read by the still decoder and
// by the live one; and DataBar at every degree, which drives zxing-cpp 1.4 into an assertion when a
// symbol is found twice in one scan, through both decoders in a child process.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <random>

#include "medkiosk/scanner/decoder.hpp"
#include "sample_expectations.hpp"
#include "scene_generator.hpp"

using namespace medkiosk::scanner;
using namespace medkiosk::test;

namespace {

constexpr int kWidth = 1280, kHeight = 720;

struct Sweep {
    const char* symbology;
    double module;  // pixels: near the smallest the issue asks for (2 px linear, 3 px matrix)
    bool full_hd;   // 1920x1080 instead of 1280x720: a long linear symbol turned upright needs the height
    int min_still;  // of 72 angles: what the decoders achieve, forward only
    int min_live;
};

void PrintTo(const Sweep& sweep, std::ostream* os) {
    *os << sweep.symbology;
}

bool reads(const std::vector<DecodedSymbol>& symbols, const SyntheticCode& code, int& misreads) {
    bool ok = false;
    for (const auto& symbol : symbols) {
        if (same_code_text(code.expected_text, symbol.text))
            ok = true;
        else
            ++misreads;
    }
    return ok;
}

class scannerSweep : public ::testing::TestWithParam<Sweep> {};

TEST_P(scannerSweep, EveryFiveDegreesReadStillAndLive) {
    const Sweep& sweep = GetParam();
    std::mt19937_64 random(std::hash<std::string>{}(sweep.symbology));
    const SyntheticCode code = random_code(sweep.symbology, random);
    const Decoder still;
    int still_read = 0, live_read = 0, misreads = 0;
    std::string missed_still, missed_live;
    for (int angle = 0; angle < 360; angle += 5) {
        // Upper left of the frame, off both centre lines (moved inward where it would not fit whole).
        const int width = sweep.full_hd ? 1920 : kWidth, height = sweep.full_hd ? 1080 : kHeight;
        const cv::Mat frame =
            make_still(code, angle, sweep.module, width, height, static_cast<std::uint64_t>(angle),
                       {0.33f * static_cast<float>(width), 0.3f * static_cast<float>(height)});
        const int stride = static_cast<int>(frame.step);
        if (reads(still.decode_grey(frame.data, frame.cols, frame.rows, stride), code, misreads))
            ++still_read;
        else
            missed_still.append(" ").append(std::to_string(angle));
        // The live decoder sees it twice, as two frames of a code held still.
        TrackingDecoder live;
        bool live_ok = reads(live.decode_grey(frame.data, frame.cols, frame.rows, stride), code, misreads);
        live_ok =
            reads(live.decode_grey(frame.data, frame.cols, frame.rows, stride), code, misreads) || live_ok;
        if (live_ok)
            ++live_read;
        else
            missed_live.append(" ").append(std::to_string(angle));
    }
    std::cout << "[sweep] " << sweep.symbology << " at " << sweep.module << " px: still " << still_read
              << "/72, live " << live_read << "/72 missed" << missed_still << " /" << missed_live << "\n";
    if (still_read > sweep.min_still || live_read > sweep.min_live)
        std::cout << "[sweep] UNEXPECTED SUCCESS: raise the thresholds of " << sweep.symbology << "\n";
    EXPECT_GE(still_read, sweep.min_still) << "missed at" << missed_still;
    EXPECT_GE(live_read, sweep.min_live) << "missed at" << missed_live;
    EXPECT_EQ(misreads, 0);
}

INSTANTIATE_TEST_SUITE_P(
    PackFormats, scannerSweep,
    // GS1 DataMatrix at 320 degrees and DataBar Expanded at 45 are missed, by main's decoder as by this one,
    // since each still's noise is drawn from its own seed: it used to come from OpenCV's shared generator,
    // so each angle's image depended on the angles drawn before it, and these two happened to read.
    ::testing::Values(Sweep{"gs1-datamatrix", 3.5, false, 71, 71}, Sweep{"qr", 3.5, false, 72, 72},
                      Sweep{"ean13", 2.5, false, 72, 72}, Sweep{"upca", 2.5, false, 72, 72},
                      Sweep{"ean8", 2.5, false, 72, 72}, Sweep{"code128", 2.5, true, 72, 72},
                      Sweep{"gs1-128", 2.5, true, 72, 72}, Sweep{"databar", 2.5, false, 72, 72},
                      Sweep{"databar-expanded", 2.0, true, 71, 71},
                      // Stacked DataBar, which small packs carry: read only cut at the height of all its
                      // rows. The still decoder reads few DataBar Expanded Stacked: its first region read is
                      // often the symbol taken for a matrix one, and its whole-image passes leave DataBar
                      // out. DataBar Stacked at 135 degrees went from read to unread (69 -> 68) when that cut
                      // took 24 lines a row instead of all of them: the cut had cost 1.8 ms in the live
                      // decoder's slowest frames, on print beside bars as much as on stacked symbols; the
                      // live decoder's full-frame passes still read it when nothing else is in view.
                      Sweep{"databar-stacked", 3.0, false, 69, 71},
                      Sweep{"databar-expanded-stacked", 3.0, true, 24, 66}),
    [](const ::testing::TestParamInfo<Sweep>& param_info) {
        std::string name = param_info.param.symbology;
        for (char& c : name)
            if (c == '-') c = '_';
        return name;
    });

// zxing-cpp 1.4 aborts the process (assert in Result::operator==) when it finds the same DataBar twice in
// one scan before the required line count is reached; the decoders read DataBar in a pass of their own
// that stops at the first find. Every degree, 2 or 3 px modules, both decoders, in a child process so
// an abort fails this test instead of ending the test runner.
TEST(scannerSweepNoAbort, DataBarAtEveryDegreeNeverTripsTheLibraryAssertion) {
    const pid_t child = fork();
    if (child == 0) {
        std::mt19937_64 random(13);
        const Decoder still;
        for (const char* symbology : {"databar-expanded", "databar"}) {
            const SyntheticCode code = random_code(symbology, random);
            // Every degree, 2 px modules at even ones and 3 px at odd ones (both everywhere would double
            // this test's two minutes for little more).
            for (int angle = 0; angle < 180; ++angle) {
                const double module = angle % 2 == 0 ? 2.0 : 3.0;
                const cv::Mat frame = make_still(code, angle, module, kWidth, kHeight,
                                                 static_cast<std::uint64_t>(angle * 7 + 1));
                const int stride = static_cast<int>(frame.step);
                still.decode_grey(frame.data, frame.cols, frame.rows, stride);
                TrackingDecoder live;
                live.decode_grey(frame.data, frame.cols, frame.rows, stride);
                live.decode_grey(frame.data, frame.cols, frame.rows, stride);
            }
        }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status)) << "a decoder killed the process with signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
