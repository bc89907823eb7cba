// The kiosk as a donor meets it: a real window under Xvfb, the demo camera, a real ledger.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

// Gives the kiosk window keyboard focus (no window manager under Xvfb) and presses a key.
void press_key(const Xvfb& x, const std::string& key) {
    x.run({"/usr/bin/xdotool", "search", "--sync", "--name", "medkiosk", "windowfocus", "--sync"});
    x.run({"/usr/bin/xdotool", "key", key});
}

std::string grep_first(const std::string& text, const std::string& pattern) {
    std::smatch match;
    return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : std::string();
}

TEST(KioskSmoke, DemoPackIsDecodedShownAndRecorded) {
    Xvfb x(1280, 800);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "1280x800", "--source", "demo", "--data-dir",
                             data.path().string(), "--lang", "en"},
                            (data.path() / "kiosk").string(), {x.env()});

    ASSERT_TRUE(kiosk.wait_for_output("event=first-frame", 30s)) << kiosk.output();
    const std::string shots = MEDKIOSK_SCREENSHOT_DIR;
    EXPECT_TRUE(x.screenshot(shots + "/01-welcome.png"));

    press_key(x, "Return");  // "Start donation"
    ASSERT_TRUE(kiosk.wait_for_output("event=pack-shown", 60s)) << "the window never showed a decoded pack\n"
                                                                << kiosk.output();
    std::this_thread::sleep_for(300ms);  // let the result panel paint before the screenshot
    EXPECT_TRUE(x.screenshot(shots + "/02-pack-shown.png"));
    const std::string shown = kiosk.output();
    const std::string decision = grep_first(shown, "event=pack-shown .*decision=(\\w+)");
    ASSERT_TRUE(decision == "accept" || decision == "review") << "demo packs are all donatable:\n" << shown;

    press_key(x, "Return");  // "I put it in the bin"
    ASSERT_TRUE(kiosk.wait_for_output("event=dropoff-recorded", 30s)) << kiosk.output();
    EXPECT_TRUE(x.screenshot(shots + "/03-recorded.png"));
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();

    // The ledger holds the pack after the kiosk has exited.
    const auto listed = run_ctl({"db", "list", "--json", "--data-dir", data.path().string()});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const std::string uuid = grep_first(kiosk.output(), "event=dropoff-recorded uuid=([0-9a-f-]+)");
    ASSERT_FALSE(uuid.empty());
    EXPECT_NE(listed.out.find(uuid), std::string::npos) << listed.out;
}

TEST(KioskSmoke, ChineseWelcomeScreenRendersWithTheCjkFont) {
    Xvfb x(1024, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "1024x600", "--source", "demo", "--data-dir",
                             data.path().string()},
                            (data.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=first-frame", 30s)) << kiosk.output();
    EXPECT_NE(kiosk.output().find("event=font-loaded"), std::string::npos)
        << "Noto Sans CJK was not found through fontconfig:\n" << kiosk.output();
    EXPECT_TRUE(x.screenshot(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/04-welcome-zh-1024x600.png"));
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

TEST(KioskSmoke, AMissingCameraIsReportedWithTheDeviceAndTheFix) {
    Xvfb x(1280, 800);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--source", "camera:/dev/video77", "--data-dir",
                             data.path().string()},
                            (data.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=camera-error", 20s)) << kiosk.output();
    const std::string error_line = grep_first(kiosk.output(), "(event=camera-error[^\n]*)");
    EXPECT_NE(error_line.find("/dev/video77"), std::string::npos) << error_line;
    EXPECT_NE(error_line.find("video"), std::string::npos) << error_line;
    EXPECT_TRUE(kiosk.running()) << "the kiosk must stay up and keep retrying, not exit";
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

TEST(KioskSmoke, BadCommandLineIsRefusedWithUsage) {
    const auto result = run_process({MEDKIOSK_PATH, "--source", "floppy:0"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("--source"), std::string::npos) << result.err;
    const auto unknown = run_process({MEDKIOSK_PATH, "--frobnicate"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("usage"), std::string::npos);
    const auto help = run_process({MEDKIOSK_PATH, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--windowed"), std::string::npos);
}

}  // namespace
}  // namespace medkiosk::test
