// Issue 16 items 5 and 8: every screen state at 1024x600, 1280x800, 1920x1080 and portrait 800x1280,
// in both languages, lies inside the window with nothing clipped or overlapping, and the Chinese screens
// hold no English word and no ASCII punctuation in a sentence. The real kiosk under Xvfb is driven
// through its screens by real X input; it checks each state it draws itself (MEDKIOSK_LOG_LAYOUT=1,
// kiosk/ui/src/layout_report.hpp: the glyphs read back from ImGui's draw data, the buttons and fields
// from the widgets) and logs every problem; this test fails listing them all. Screenshots of each state
// go to build/screenshots/layout/<size>/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>
#include <tuple>

#include "kiosk_driver.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

struct TourSize {
    int width;
    int height;
};

std::string size_name(const TourSize& size) {
    return std::to_string(size.width) + "x" + std::to_string(size.height);
}

// A ledger with something on every staff screen: users for both roles, the sample catalogue, packs
// accepted and one waiting for the pharmacist, the county's clinics.
void prepare_data(const std::filesystem::path& dir, const std::string& pepper) {
    for (const auto& [login, role, pin] :
         {std::tuple{"wang", "staff", "2468"}, std::tuple{"li", "technician", "1357"}}) {
        const auto added = run_ctl(
            {"users", "add", login, "--role", role, "--data-dir", dir.string(), "--pepper-file", pepper},
            std::string(pin) + "\n");
        ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    }
    const auto imported =
        run_ctl({"catalog", "import", std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv",
                 "--data-dir", dir.string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    for (const auto& [line, quantity] : {std::pair{"(01)06900000000014(17)270331(10)A1(21)SA", "2"},
                                         std::pair{"(01)06999999999997(17)290131(10)C1(21)SC", "1"},
                                         std::pair{"(01)06900000000021(17)280131(10)D1(21)SD", "1"}}) {
        const auto recorded =
            run_ctl({"record", "--data-dir", dir.string(), "--quantity", quantity}, std::string(line) + "\n");
        ASSERT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
    }
    const auto clinics_csv = dir / "clinics.csv";
    std::ofstream(clinics_csv)
        << ("clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
            "east-thc,东镇卫生院,East Town Health Centre,township-health-centre,东镇,East Town\n"
            "xinan-vc,西南村卫生室,Xinan Village Clinic,village-clinic,西镇,West Town\n");
    const auto clinics =
        run_ctl({"dispatch", "clinics", "import", clinics_csv.string(), "--data-dir", dir.string()});
    ASSERT_EQ(clinics.exit_code, 0) << clinics.out << clinics.err;
}

// Every problem the kiosk logged, once each (a state drawn again logs them again).
std::vector<std::string> problems_in(const std::string& log) {
    static const std::regex line("event=layout-problem ([^\n]*)");
    std::vector<std::string> found;
    std::set<std::string> seen;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
        std::string text = (*it)[1].str();
        const auto at = text.find(" at=");  // the same text at another place is the same problem
        const std::string key = text.substr(0, at);
        if (seen.insert(key).second) found.push_back(text);
    }
    return found;
}

// screen → the languages a layout check ran in.
std::map<std::string, std::set<std::string>> screens_checked(const std::string& log) {
    static const std::regex line("event=layout screen=([a-z-]+) size=\\S+ lang=([a-z]+)");
    std::map<std::string, std::set<std::string>> found;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it)
        found[(*it)[1].str()].insert((*it)[2].str());
    return found;
}

class LayoutTour : public ::testing::TestWithParam<TourSize> {
  protected:
    // Holds the hidden corner (top-left: staff, top-right: technician) and types the PIN.
    static void sign_in(const Xvfb& x, KioskDriver& k, const TourSize& size, bool technician) {
        x.run({"/usr/bin/xdotool", "mousemove", std::to_string(technician ? size.width - 8 : 8), "8",
               "mousedown", "1", "sleep", "3.4", "mouseup", "1"});
        ASSERT_TRUE(k.wait_screen("pin"));
        for (const char* digit :
             technician ? std::vector{"1", "3", "5", "7"} : std::vector{"2", "4", "6", "8"})
            k.key(digit);
        k.shot(std::string(technician ? "technician" : "staff") + "-pin");
        ASSERT_TRUE(k.click_to("pin", "ok", technician ? "technician" : "queue"));
    }

    static void technician_tabs(KioskDriver& k, const std::string& lang) {
        k.shot("technician-settings-" + lang);
        for (const char* tab : {"camera", "users", "rules"}) {
            ASSERT_TRUE(k.click("technician", std::string("tab-") + tab));
            k.shot(std::string("technician-") + tab + "-" + lang);
        }
        ASSERT_TRUE(k.click("technician", "tab-settings"));
        // The on-screen keyboard, opened by a tap on a field; Return closes it.
        ASSERT_TRUE(k.click("technician", "location"));
        k.shot("technician-keyboard-" + lang);
        k.key("Return");
        ASSERT_TRUE(k.click_to("technician", "close", "welcome"));
    }
};

TEST_P(LayoutTour, EveryScreenFitsAndSpeaksOneLanguage) {
    const TourSize size = GetParam();
    const auto started = std::chrono::steady_clock::now();
    const std::string shots = std::string(MEDKIOSK_SCREENSHOT_DIR) + "/layout/" + size_name(size);
    std::filesystem::create_directories(shots);
    Xvfb x(size.width, size.height);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    const std::string pepper = (data.path() / "pin-pepper").string();
    prepare_data(data.path(), pepper);
    if (HasFatalFailure()) return;
    const std::vector<std::string> env = {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_LOG_LAYOUT=1",
                                          "MEDKIOSK_TEST_EXPIRY_PROPOSAL=2027-06",
                                          "MEDKIOSK_PEPPER_FILE=" + pepper,
                                          // the logins this test made, shown on the Users tab
                                          "MEDKIOSK_LAYOUT_DATA_WORDS=wang,li"};
    std::string log;
    const auto phase = [&](const char* name) {
        std::cout << "  " << size_name(size) << " "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                           started)
                         .count()
                  << " ms: " << name << "\n";
    };

    {  // The donor's screens, the staff's and the technician's, from a kiosk on the demo camera.
        BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", size_name(size), "--source", "demo",
                                 "--data-dir", data.path().string(), "--lang", "zh"},
                                (data.path() / "kiosk").string(), env);
        KioskDriver k(x, kiosk, shots, 200ms, 150ms);
        k.park_pointer_for_shots(size.width / 2, size.height - 2);
        ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();
        k.shot("welcome-zh");
        ASSERT_TRUE(k.click("welcome", "en"));
        k.shot("welcome-en");
        ASSERT_TRUE(k.click("welcome", "zh"));
        phase("welcome");
        ASSERT_TRUE(k.click_to("welcome", "start", "scan"));
        k.shots_both_languages("scan-looking", "zh", "en");

        // The demo's GS1 box: accepted; its details; recorded.
        ASSERT_TRUE(kiosk.wait_for_output("event=pack-shown", 40s)) << kiosk.output();
        for (int i = 0; i < 100 && !k.button("scan", "donate"); ++i) std::this_thread::sleep_for(50ms);
        k.shots_both_languages("scan-accepted", "zh", "en");
        ASSERT_TRUE(k.click_to("scan", "donate", "details"));
        k.shots_both_languages("details", "zh", "en");
        ASSERT_TRUE(k.click_to("details", "put", "scan"));
        ASSERT_TRUE(kiosk.wait_for_output("event=dropoff-recorded", 20s)) << kiosk.output();
        k.shot("scan-recorded-zh");
        phase("first box");

        // The box without a date: the proposal, then the donor's own date.
        ASSERT_TRUE(k.wait_screen("confirm-expiry", 60s)) << kiosk.output();
        k.shots_both_languages("confirm-expiry", "zh", "en");
        ASSERT_TRUE(k.click_to("confirm-expiry", "no", "ask-expiry"));
        ASSERT_TRUE(k.click("ask-expiry", "year-more"));
        ASSERT_TRUE(k.click("ask-expiry", "month6"));
        k.shots_both_languages("ask-expiry", "zh", "en");
        ASSERT_TRUE(k.click_to("ask-expiry", "use", "scan"));
        k.shot("scan-picked-zh");
        for (int i = 0; i < 20 && k.screen() != "receipt"; ++i) {
            if (k.screen() == "scan") {
                if (k.button("scan", "finish")) k.click("scan", "finish");
            } else {
                k.key("Escape");
            }
            k.wait_screen("receipt", 1s);
        }
        ASSERT_TRUE(k.wait_screen("receipt")) << kiosk.output();
        k.shots_both_languages("receipt", "zh", "en");
        ASSERT_TRUE(k.click_to("receipt", "done", "welcome"));
        phase("second box and receipt");

        // Staff: queue (and a refusal's undo bar), dispatch, charts, each in both languages.
        sign_in(x, k, size, false);
        if (HasFatalFailure()) return;
        for (int i = 0; i < 100 && !k.button("queue", "row2"); ++i) std::this_thread::sleep_for(50ms);
        k.shots_both_languages("queue", "zh", "en");
        ASSERT_TRUE(k.click("queue", "row0"));
        ASSERT_TRUE(k.click("queue", "reject"));
        k.shots_both_languages("queue-undo", "zh", "en");
        ASSERT_TRUE(k.click("queue", "undo"));
        ASSERT_TRUE(k.click_to("queue", "dispatch", "dispatch"));
        k.shots_both_languages("dispatch", "zh", "en");
        ASSERT_TRUE(k.click_to("dispatch", "back", "queue"));
        ASSERT_TRUE(k.click_to("queue", "charts", "charts"));
        k.shots_both_languages("charts", "zh", "en");
        ASSERT_TRUE(k.click_to("charts", "back", "queue"));
        ASSERT_TRUE(k.click_to("queue", "close", "welcome"));
        phase("staff");

        // The technician's tabs and keyboard: its screen speaks the welcome screen's language.
        sign_in(x, k, size, true);
        if (HasFatalFailure()) return;
        technician_tabs(k, "zh");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click("welcome", "en"));
        sign_in(x, k, size, true);
        if (HasFatalFailure()) return;
        technician_tabs(k, "en");
        if (HasFatalFailure()) return;
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
        phase("technician");
    }

    {  // "Still there?" over the scan screen, 10 s after the last touch with the shortest idle time a
       // technician can set (30 s, the warning's 20 s before it).
        const auto config = data.path() / "kiosk.toml";
        std::ofstream(config) << "[kiosk]\nidle_timeout_seconds = 30\n";
        BackgroundProcess kiosk(
            {MEDKIOSK_PATH, "--windowed", "--size", size_name(size), "--config", config.string(), "--source",
             "demo", "--data-dir", data.path().string(), "--lang", "zh"},
            (data.path() / "kiosk-idle").string(), env);
        KioskDriver k(x, kiosk, shots, 200ms, 150ms);
        ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();
        ASSERT_TRUE(k.click_to("welcome", "start", "scan"));
        ASSERT_TRUE(kiosk.wait_for_output("id=continue", 20s)) << kiosk.output();
        k.shot("still-there-zh");
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
        phase("still there");
    }

    {  // The camera lost: the out-of-order screen.
        BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", size_name(size), "--source",
                                 "camera:/dev/video97", "--data-dir", data.path().string(), "--lang", "zh"},
                                (data.path() / "kiosk-lost").string(), env);
        KioskDriver k(x, kiosk, shots, 200ms, 150ms);
        ASSERT_TRUE(k.wait_screen("out-of-order", 30s)) << kiosk.output();
        k.shot("out-of-order-zh");
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
    }

    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    std::cout << "layout tour at " << size_name(size) << ": " << seconds << " s\n";
    const auto checked = screens_checked(log);
    for (const char* screen : {"welcome", "scan", "details", "confirm-expiry", "ask-expiry", "receipt", "pin",
                               "queue", "dispatch", "charts", "technician", "out-of-order"}) {
        ASSERT_TRUE(checked.count(screen)) << screen << " was never checked";
        EXPECT_TRUE(checked.at(screen).count("zh")) << screen << " was not checked in Chinese";
    }
    for (const char* screen : {"welcome", "scan", "details", "confirm-expiry", "ask-expiry", "receipt", "pin",
                               "queue", "dispatch", "charts", "technician"})
        EXPECT_TRUE(checked.at(screen).count("en")) << screen << " was not checked in English";
    const auto problems = problems_in(log);
    std::string listed;
    for (const auto& problem : problems) listed += "  " + problem + "\n";
    EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems at " << size_name(size) << ":\n"
                                  << listed;
}

INSTANTIATE_TEST_SUITE_P(FourSizes, LayoutTour,
                         ::testing::Values(TourSize{1024, 600}, TourSize{1280, 800}, TourSize{1920, 1080},
                                           TourSize{800, 1280}),
                         [](const auto& param_info) { return size_name(param_info.param); });

}  // namespace
}  // namespace medkiosk::test
