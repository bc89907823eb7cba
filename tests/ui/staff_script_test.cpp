// A pharmacist's end of shift in the real kiosk under Xvfb, driven by real X input (xdotool clicks on
// the rectangles the kiosk logs, keys, typing): the hidden entry and PIN, a filter, a confirmation, a
// dispatch built from the earliest-expiry suggestion, the charts. The ledger rows are then read with
// SQLite; screenshots of queue, dispatch and charts in both languages at 1280x800 go to
// build/screenshots/staff/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <thread>

#include "kiosk_driver.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

std::string sql(const std::filesystem::path& db, const std::string& query) {
    const auto result = run_process({"/usr/bin/sqlite3", db.string(), query});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::string out = result.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

TEST(StaffScript, FilterConfirmDispatchAndChartsFromTheRealKiosk) {
    Xvfb x(1280, 800);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    const std::string dir = data.path().string();
    const auto ledger = data.path() / "ledger.db";
    const std::string pepper = (data.path() / "pin-pepper").string();
    const auto added = run_ctl(
        {"users", "add", "wang", "--role", "staff", "--data-dir", dir, "--pepper-file", pepper}, "2468\n");
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    const auto imported =
        run_ctl({"catalog", "import", std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv",
                 "--data-dir", dir});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    // Four packs as donors left them: three the kiosk accepted, one unknown product for review.
    for (const auto& [line, quantity] : {std::pair{"(01)06900000000014(17)270331(10)A1(21)SA", "2"},
                                         std::pair{"(01)06900000000069(17)270630(10)B1(21)SB", "1"},
                                         std::pair{"(01)06999999999997(17)290131(10)C1(21)SC", "1"},
                                         std::pair{"(01)06900000000021(17)280131(10)D1(21)SD", "1"}}) {
        const auto recorded =
            run_ctl({"record", "--data-dir", dir, "--quantity", quantity}, std::string(line) + "\n");
        ASSERT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
    }
    const auto uuid_of = [&](const std::string& batch) {
        return sql(ledger, "SELECT uuid FROM dropoff WHERE batch = '" + batch + "'");
    };
    ASSERT_EQ(sql(ledger, "SELECT decision FROM dropoff WHERE batch = 'C1'"), "review");

    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "1280x800", "--source", "demo",
                             "--data-dir", dir, "--lang", "en"},
                            (data.path() / "kiosk").string(),
                            {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_PEPPER_FILE=" + pepper});
    KioskDriver k(x, kiosk, std::string(MEDKIOSK_SCREENSHOT_DIR) + "/staff", 300ms, 400ms);
    k.park_pointer_for_shots(2, 790);
    ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();

    // The hidden corner, the PIN typed on a keyboard.
    x.run({"/usr/bin/xdotool", "mousemove", "8", "8", "mousedown", "1", "sleep", "3.4", "mouseup", "1"});
    ASSERT_TRUE(k.wait_screen("pin")) << kiosk.output();
    k.focus();
    for (const char* digit : {"2", "4", "6", "8"}) k.key(digit);
    ASSERT_TRUE(k.click_to("pin", "ok", "queue"));
    ASSERT_TRUE(eventually([&] { return k.button("queue", "row3").has_value(); }))
        << "all four packs are in the queue\n"
        << kiosk.output();
    k.shots_both_languages("queue", "en", "zh");

    // Filter to the packs waiting for the pharmacist's check: only the unknown product is left.
    ASSERT_TRUE(k.click("queue", "decision-review"));
    // The filtered list arrives from the back office within a few frames; its first row is the
    // unknown product (row0 of the full list would be pack A, which the count below would catch).
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(k.click("queue", "row0"));
    ASSERT_TRUE(k.click("queue", "approve"));
    ASSERT_TRUE(eventually([&] {
        return sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'C1'") == "approved";
    })) << "the filtered row (the unknown product) was confirmed\n"
        << kiosk.output();
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM dropoff WHERE review_state = 'approved'"), "1")
        << "only that one";
    k.shot("queue-filtered-confirmed-en");
    ASSERT_TRUE(k.click("queue", "decision-any"));

    // A dispatch: the suggestion is earliest expiry first (A 2027-03, B 2027-06, D 2028-01, C 2029-01).
    ASSERT_TRUE(k.click_to("queue", "dispatch", "dispatch"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "keep3").has_value(); })) << kiosk.output();
    k.focus();
    k.type("Xinan clinic");                     // the clinic field has the keyboard when the screen opens
    ASSERT_TRUE(k.click("dispatch", "less0"));  // A: one of its two boxes
    ASSERT_TRUE(k.click("dispatch", "keep1"));  // B stays here
    k.shots_both_languages("dispatch", "en", "zh");
    ASSERT_TRUE(k.click_to("dispatch", "confirm", "queue"));
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT COUNT(*) FROM dispatch_item") == "3"; }))
        << kiosk.output();

    // What is left to review (pack B alone) is refused: the charts then show a refusal.
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(k.click("queue", "row0"));
    ASSERT_TRUE(k.click("queue", "reject"));
    ASSERT_TRUE(eventually([&] {
        return sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'B1'") == "rejected";
    })) << kiosk.output();
    k.shot("queue-after-dispatch-en");

    ASSERT_TRUE(k.click_to("queue", "charts", "charts"));
    std::this_thread::sleep_for(500ms);
    k.shots_both_languages("charts", "en", "zh");
    ASSERT_TRUE(k.click_to("charts", "back", "queue"));
    ASSERT_TRUE(k.click_to("queue", "close", "welcome"));
    // The sample catalogue's Chinese names use characters no translation has: the atlas was rebuilt
    // with them (queue-zh.png shows them) rather than drawing "?".
    EXPECT_NE(kiosk.output().find("event=font-glyphs-added"), std::string::npos) << kiosk.output();
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();

    // The ledger: one dispatch to the typed clinic with the kept items and quantities; the kiosk's
    // acceptances confirmed by wang on the way; B refused; the audit chain intact.
    EXPECT_EQ(sql(ledger, "SELECT clinic FROM dispatch"), "Xinan clinic");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("A1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("D1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("C1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT batch || ':' || review_state FROM dropoff ORDER BY batch"),
              "A1:dispatched\nB1:rejected\nC1:dispatched\nD1:dispatched");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'approve'"), "3");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'reject'"), "1");
    EXPECT_EQ(sql(ledger, "SELECT actor || ' ' || action FROM audit_log WHERE action = 'dispatch'"),
              "wang dispatch");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM outbox WHERE entity = 'dispatch'"), "1");
    const auto verified = run_ctl({"db", "verify-audit", "--data-dir", dir});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    for (const char* name :
         {"queue-en", "queue-zh", "dispatch-en", "dispatch-zh", "charts-en", "charts-zh"}) {
        EXPECT_TRUE(std::filesystem::exists(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/staff/" + name + ".png"))
            << name;
    }
}

}  // namespace
}  // namespace medkiosk::test
