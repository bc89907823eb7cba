// The kiosk itself (a real window under Xvfb) shown a box at an angle that aborts Debian's zxing-cpp
// 1.4: the decoding helper dies, the kiosk logs what it skipped and why, and keeps running and
// decoding. A FIFO among the images is passed over with a word instead of hanging the source. The
// decoder no longer reads the way that aborts (issue 13), so the kiosk (the shipped program, copied)
// runs beside the test build of the helper, which makes that read on frames marked 'Z'
// (tests/scanner/linear_sweep.hpp).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <opencv2/imgcodecs.hpp>
#include <regex>
#include <thread>

#include "linear_sweep.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

TEST(KioskDecoderCrash, TheKioskLogsEachCrashAndKeepsGoing) {
    const auto aborting = zxing_aborting_frames(1);
    ASSERT_EQ(aborting.size(), 1u) << "no frame aborts zxing any more: this test proves nothing";
    TempDir images;
    for (int i = 0; i < 12; ++i)
        ASSERT_TRUE(cv::imwrite((images.path() / ("held" + std::to_string(10 + i) + ".png")).string(),
                                aborting[0].grey));
    ASSERT_EQ(::mkfifo((images.path() / "zz-fifo.png").c_str(), 0644), 0);

    Xvfb x(1280, 800);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    TempDir bin;
    const std::string kiosk_copy = beside_faulty_decoder(bin.path(), MEDKIOSK_PATH);
    BackgroundProcess kiosk({kiosk_copy, "--windowed", "--source", "images:" + images.path().string(),
                             "--data-dir", data.path().string()},
                            (data.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=decoder-error", 90s)) << kiosk.output();
    std::smatch crash;
    const std::string output = kiosk.output();
    ASSERT_TRUE(std::regex_search(output, crash, std::regex("event=decoder-error[^\n]*")));
    EXPECT_NE(crash.str().find("what=decoder-crashed"), std::string::npos) << crash.str();
    EXPECT_NE(crash.str().find("(1920x1080) from images " + images.path().string()), std::string::npos)
        << crash.str();
    EXPECT_NE(crash.str().find("SIGABRT"), std::string::npos) << crash.str();
    EXPECT_NE(crash.str().find("lineCount() == 1"), std::string::npos) << crash.str();
    EXPECT_NE(output.find("event=input-skipped"), std::string::npos) << output;
    EXPECT_NE(output.find("FIFO"), std::string::npos) << output;
    // Still up, still decoding: the box stays in view and the next helper crashes on it again.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (count_of(kiosk.output(), "event=decoder-error") < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(200ms);
    EXPECT_GE(count_of(kiosk.output(), "event=decoder-error"), 2u) << kiosk.output();
    EXPECT_TRUE(kiosk.running());
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

}  // namespace
}  // namespace medkiosk::test
