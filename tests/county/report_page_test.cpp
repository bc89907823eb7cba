// The public page as the bureau publishes it: produced by the exact command of
// deploy/hub/medkiosk-report.service, as the report role, from a hub with clinics' use; rendered in
// headless Chromium at phone and desktop width — no console message, no request beyond the file, in
// Chinese and English. A deliberately bad page shows the checks can see what they look for.

#include <fstream>
#include <iterator>
#include <regex>

#include "browser.hpp"
#include "county_fixture.hpp"

namespace medkiosk::test {
namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The service's ExecStart with ${NAME} replaced from `values`, split into words.
std::vector<std::string> exec_start(const std::map<std::string, std::string>& values) {
    const std::string unit = read_text(MEDKIOSK_SOURCE_DIR "/deploy/hub/medkiosk-report.service");
    std::smatch found;
    if (!std::regex_search(unit, found, std::regex("\\nExecStart=([^\\n]+)"))) return {};
    std::string line = found[1];
    for (const auto& [name, value] : values)
        for (auto at = line.find("${" + name + "}"); at != std::string::npos;
             at = line.find("${" + name + "}"))
            line.replace(at, name.size() + 3, value);
    std::istringstream words(line);
    std::vector<std::string> argv;
    for (std::string word; words >> word;) argv.push_back(word);
    if (!argv.empty() && argv[0] == "/usr/bin/medkioskctl") argv[0] = MEDKIOSKCTL_PATH;
    return argv;
}

class ReportPageTest : public CountyFixture {
  protected:
    // A clinic that received 7 usable packs of a dispatch the hub holds, gave 5 out and disposed of 1
    // expired one.
    void clinic_use() {
        add_clinics();
        auto admin = pg.admin(database);
        ASSERT_TRUE(storage::add_kiosk(*admin, "cp-page", "pw").ok());
        auto device = make_clinic_device("page", "shitang-vc");
        ASSERT_TRUE(
            admin
                ->exec(
                    "INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
                    "VALUES "
                    "('cp-page', '11111111-1111-4111-8111-111111111111', 'x', now() - interval '10 days', 8, "
                    "'{\"clinic_id\":\"shitang-vc\",\"lines\":["
                    "{\"line\":1,\"product\":\"06901234567892\",\"expiry\":\"2027-06-30\","
                    "\"category\":\"fever\",\"quantity\":6},"
                    "{\"line\":2,\"product\":\"06901234567809\",\"expiry\":\"2027-03-31\","
                    "\"category\":\"cough\",\"quantity\":2}]}');"
                    "INSERT INTO hub.arrival VALUES ('" +
                    device.id +
                    "', '22222222-2222-4222-8222-222222222222', 'shitang-vc', 'cp-page', "
                    "'11111111-1111-4111-8111-111111111111', now() - interval '9 days', '{}');"
                    "INSERT INTO hub.arrival_line VALUES ('" +
                    device.id +
                    "', '22222222-2222-4222-8222-222222222222', 1, '06901234567892', '2027-06-30', 'fever', "
                    "6, 6, 1, false), ('" +
                    device.id +
                    "', '22222222-2222-4222-8222-222222222222', 2, '06901234567809', '2027-03-31', 'cough', "
                    "2, 2, 0, false);"
                    "INSERT INTO hub.given_out VALUES ('" +
                    device.id +
                    "', gen_random_uuid(), 'shitang-vc', '22222222-2222-4222-8222-222222222222', 1, 4, "
                    "current_date - 8, '{}'), ('" +
                    device.id +
                    "', gen_random_uuid(), 'shitang-vc', '22222222-2222-4222-8222-222222222222', 2, 1, "
                    "current_date - 2, '{}');"
                    "INSERT INTO hub.clinic_disposal VALUES ('" +
                    device.id +
                    "', gen_random_uuid(), 'shitang-vc', '22222222-2222-4222-8222-222222222222', 2, 1, "
                    "'expired', current_date, '{}')")
                .ok());
        ASSERT_TRUE(
            admin
                ->exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bureau_reports') "
                       "THEN CREATE ROLE bureau_reports LOGIN PASSWORD 'pw-reports' IN ROLE medkiosk_report; "
                       "END IF; END $$")
                .ok());
    }
};

TEST_F(ReportPageTest, ThePublishedPageRendersInChromiumWithNoScriptNoRequestInBothLanguages) {
    clinic_use();
    const auto state = temp.path() / "state";
    std::filesystem::create_directories(state);
    // The unit's own command line, run as the report role.
    const auto argv = exec_start({{"MEDKIOSK_REPORT_WEEKS", "4"}, {"STATE_DIRECTORY", state.string()}});
    ASSERT_GE(argv.size(), 4u) << "no ExecStart in medkiosk-report.service";
    const auto published =
        run_process(argv, {}, std::chrono::seconds(60),
                    {"MEDKIOSK_HUB_URL=" + pg.role_conninfo(database, "bureau_reports", "pw-reports")});
    ASSERT_EQ(published.exit_code, 0) << published.err;
    const auto page = state / "index.html";
    const std::string html = read_text(page);
    ASSERT_FALSE(html.empty());
    EXPECT_EQ(html.find("<script"), std::string::npos);
    for (const char* words :
         {"捐赠药品公示", "Donated medicine report", "石塘村卫生室", "Shitang Village Clinic", "石塘镇",
          "Given out free", "已免费发放", "过期未用", "<svg"})
        EXPECT_NE(html.find(words), std::string::npos) << words;
    // The figures: 7 received (6 - 1 damaged + 2), 5 given out, 1 expired, 1 in stock.
    EXPECT_NE(html.find("<b>7</b>"), std::string::npos);
    EXPECT_NE(html.find("<b>5</b>"), std::string::npos);

    const std::filesystem::path shots = MEDKIOSK_SCREENSHOT_DIR;
    for (const auto& [name, width, height] :
         {std::tuple<const char*, int, int>{"phone", 390, 3600}, {"desktop", 1280, 2600}}) {
        const auto visit = visit_in_chromium(
            page, width, height, shots / (std::string("county-report-") + name + ".png"), temp.path());
        ASSERT_TRUE(visit.ran) << visit.problem;
        EXPECT_TRUE(visit.console.empty()) << name << ": " << visit.console.front();
        EXPECT_TRUE(visit.requests.empty()) << name << ": " << visit.requests.front();
        EXPECT_GT(visit.unique_colours, 50) << name << ": the screenshot looks blank";
        std::printf("[ report page ] %s (%dx%d): %s\n", name, width, height, visit.screenshot.c_str());
    }

    // The same checks on a page that breaks both rules do see it.
    const auto bad = temp.path() / "bad.html";
    std::ofstream(bad) << "<!DOCTYPE html><html><body>x<img src=\"http://192.0.2.7/x.png\">"
                          "<script>console.error('boom')</script></body></html>";
    const auto caught = visit_in_chromium(bad, 400, 300, temp.path() / "bad.png", temp.path());
    ASSERT_TRUE(caught.ran) << caught.problem;
    EXPECT_FALSE(caught.console.empty());
    ASSERT_FALSE(caught.requests.empty());
    EXPECT_EQ(caught.requests.front(), "http://192.0.2.7/x.png");
}

TEST_F(ReportPageTest, TheTimerAndServiceUnitsAreValid) {
    // systemd checks the units' syntax; the binary's path is the one thing this build lacks.
    const auto verify = run_process({"/usr/bin/systemd-analyze", "verify",
                                     MEDKIOSK_SOURCE_DIR "/deploy/hub/medkiosk-report.service",
                                     MEDKIOSK_SOURCE_DIR "/deploy/hub/medkiosk-report.timer"});
    std::istringstream lines(verify.out + verify.err);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.find("/usr/bin/medkioskctl is not executable") != std::string::npos)
            continue;
        ADD_FAILURE() << "systemd-analyze: " << line;
    }
    const std::string timer = read_text(MEDKIOSK_SOURCE_DIR "/deploy/hub/medkiosk-report.timer");
    EXPECT_NE(timer.find("OnCalendar="), std::string::npos);
    EXPECT_NE(timer.find("Unit=medkiosk-report.service"), std::string::npos);
}

}  // namespace
}  // namespace medkiosk::test
