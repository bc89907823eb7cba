// A whole donation as a donor does it: a real window under Xvfb, the demo camera, a real ledger,
// driven by real X input events (xdotool clicks on the buttons the kiosk reports, and keys). Every
// screen is saved as a screenshot in both languages, at two resolutions, under build/screenshots/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <thread>
#include <tuple>
#include <vector>

#include "kiosk_driver.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> grep_all(const std::string& text, const std::string& pattern) {
    std::vector<std::string> found;
    const std::regex re(pattern);
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
        found.push_back((*it)[1].str());
    return found;
}

struct ScriptRun {
    int width;
    int height;
    std::string lang;  // the donor's language: "en" or "zh"
    std::string other;
};

class ScriptedDonation : public ::testing::TestWithParam<ScriptRun> {};

TEST_P(ScriptedDonation, FromWelcomeToReceiptWithBothQuestions) {
    const ScriptRun run = GetParam();
    const std::string size = std::to_string(run.width) + "x" + std::to_string(run.height);
    Xvfb x(run.width, run.height);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    // Real users, as a technician sets them up: PINs on stdin, the pepper in the test's temp dir.
    const std::string pepper = (data.path() / "pin-pepper").string();
    for (const auto& [login, role, pin] :
         {std::tuple{"wang", "staff", "2468"}, std::tuple{"li", "technician", "1357"}}) {
        const auto added = run_ctl({"users", "add", login, "--role", role, "--data-dir", data.path().string(),
                                    "--pepper-file", pepper},
                                   std::string(pin) + "\n");
        ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    }
    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", size, "--source", "demo", "--data-dir",
                             data.path().string(), "--lang", run.lang == "en" ? "en" : "zh"},
                            (data.path() / "kiosk").string(),
                            {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_TEST_EXPIRY_PROPOSAL=2027-06",
                             "MEDKIOSK_PEPPER_FILE=" + pepper});
    const std::string shots = std::string(MEDKIOSK_SCREENSHOT_DIR) + "/" + size;
    KioskDriver k(x, kiosk, shots);

    // The demo shows its GS1 box first, then a box whose code has no date: the script keeps pace.
    ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();
    ASSERT_TRUE(k.click_to("welcome", "start", "scan"));

    // Pack 1, the GS1 DataMatrix with its expiry: accepted, opened, two boxes.
    ASSERT_TRUE(kiosk.wait_for_output("event=pack-shown", 40s)) << kiosk.output();
    ASSERT_TRUE(k.wait_screen("scan"));
    for (int i = 0; i < 100 && !k.button("scan", "donate"); ++i) std::this_thread::sleep_for(50ms);
    k.shots_both_languages("02-scan-result", run.lang, run.other);
    ASSERT_TRUE(k.click_to("scan", "donate", "details"));
    k.shots_both_languages("03-details", run.lang, run.other);
    ASSERT_TRUE(k.click("details", "opened"));
    ASSERT_TRUE(k.click("details", "more"));
    ASSERT_TRUE(k.click_to("details", "put", "scan"));
    ASSERT_TRUE(kiosk.wait_for_output("event=dropoff-recorded", 20s)) << kiosk.output();
    k.shot("04-scan-recorded-" + run.lang);

    // Pack 2 has no expiry in its code: the OCR stand-in proposes June 2027, the donor says no and
    // picks June 2028 instead.
    ASSERT_TRUE(k.wait_screen("confirm-expiry", 60s)) << kiosk.output();
    k.shots_both_languages("05-confirm-expiry", run.lang, run.other);
    ASSERT_TRUE(k.click_to("confirm-expiry", "no", "ask-expiry"));
    ASSERT_TRUE(k.click("ask-expiry", "year-more"));  // a year stepper: next year is shown first
    ASSERT_TRUE(k.click("ask-expiry", "month6"));
    k.shots_both_languages("06-ask-expiry", run.lang, run.other);
    ASSERT_TRUE(k.click_to("ask-expiry", "use", "scan"));
    k.shot("07-scan-picked-" + run.lang);  // the date picked is judged again: accepted
    k.key("Return");                       // donate this pack
    ASSERT_TRUE(k.wait_screen("details")) << kiosk.output();
    k.key("Return");  // I put it in the bin
    const auto recorded_twice = [&] {
        return grep_all(kiosk.output(), "event=dropoff-recorded uuid=([0-9a-f-]+)").size() == 2;
    };
    for (int i = 0; i < 200 && !recorded_twice(); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(recorded_twice()) << kiosk.output();
    // The demo keeps showing boxes; one without a date may start asking again: the donor steps
    // back from the question (keys) and finishes.
    for (int i = 0; i < 20 && k.screen() != "receipt"; ++i) {
        if (k.screen() == "scan") {
            if (k.button("scan", "finish")) k.click("scan", "finish");
        } else {
            k.key("Escape");
        }
        k.wait_screen("receipt", 1s);
    }
    ASSERT_TRUE(k.wait_screen("receipt")) << kiosk.output();
    k.shots_both_languages("08-receipt", run.lang, run.other);
    ASSERT_TRUE(k.click_to("receipt", "done", "welcome"));
    k.shot("01-welcome-" + run.lang);
    ASSERT_TRUE(k.click("welcome", run.other));
    k.shot("01-welcome-" + run.other);
    ASSERT_TRUE(k.click("welcome", run.lang));

    // Staff: the hidden corner, the PIN pad, the queue holding both packs.
    k.hold_corner(8, 8);
    ASSERT_TRUE(k.wait_screen("pin")) << kiosk.output();
    for (const char* digit : {"2", "4", "6", "8"}) k.key(digit);
    k.shot("09-pin-" + run.lang);
    ASSERT_TRUE(k.click_to("pin", "ok", "queue"));
    k.shot("10-queue-" + run.lang);
    ASSERT_TRUE(k.click_to("queue", "close", "welcome"));

    // The technician's corner is the top-right one.
    k.hold_corner(run.width - 8, 8);
    ASSERT_TRUE(k.wait_screen("pin")) << kiosk.output();
    for (const char* digit : {"1", "3", "5", "7"}) k.key(digit);
    ASSERT_TRUE(k.click_to("pin", "ok", "technician"));
    EXPECT_NE(kiosk.output().find("event=staff-signin role=technician outcome=accepted"), std::string::npos);
    k.shot("11-technician-" + run.lang);
    ASSERT_TRUE(k.click("technician", "test-hub"));
    k.shot("12-technician-hub-test-" + run.lang);
    ASSERT_TRUE(k.click_to("technician", "close", "welcome"));
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();

    // The ledger holds exactly the two confirmed packs, with the donor's answers.
    const std::string log = kiosk.output();
    EXPECT_NE(log.find("expiry_source=code condition=opened-usable quantity=2"), std::string::npos) << log;
    EXPECT_NE(log.find("expiry=2028-06-30 expiry_source=picker condition=sealed quantity=1"),
              std::string::npos)
        << log;
    const auto listed = run_ctl({"db", "list", "--json", "--data-dir", data.path().string()});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    for (const std::string& uuid : grep_all(log, "event=dropoff-recorded uuid=([0-9a-f-]+)")) {
        EXPECT_NE(listed.out.find(uuid), std::string::npos) << listed.out;
    }
    EXPECT_NE(listed.out.find("\"opened-usable\""), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("\"2028-06-30\""), std::string::npos) << listed.out;
    EXPECT_EQ(grep_all(listed.out, "(\"uuid\")").size(), 2u) << listed.out;
}

INSTANTIATE_TEST_SUITE_P(TwoSizesBothLanguages, ScriptedDonation,
                         ::testing::Values(ScriptRun{1280, 800, "en", "zh"},
                                           ScriptRun{1024, 600, "zh", "en"}),
                         [](const auto& param_info) {
                             return std::to_string(param_info.param.width) + "x" +
                                    std::to_string(param_info.param.height) + "_" + param_info.param.lang;
                         });

}  // namespace
}  // namespace medkiosk::test
