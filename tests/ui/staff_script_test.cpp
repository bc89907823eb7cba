// A pharmacist's end of shift in the real kiosk under Xvfb, driven by real X input (xdotool clicks on
// the rectangles the kiosk logs, keys, typing): the hidden entry and PIN, a filter, a confirmation, a
// dispatch built from the earliest-expiry suggestion, the charts. The ledger rows are then read with
// SQLite; screenshots of queue, dispatch and charts in both languages at 1280x800 go to
// build/screenshots/staff/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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
    // The county's clinics, as a site without a network imports them from the hub's CSV.
    const auto clinics_csv = data.path() / "clinics.csv";
    std::ofstream(clinics_csv)
        << ("clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
            "east-thc,东镇卫生院,East Town Health Centre,township-health-centre,东镇,East Town\n"
            "west-thc,西镇卫生院,West Town Health Centre,township-health-centre,西镇,West Town\n"
            "xinan-vc,西南村卫生室,Xinan Village Clinic,village-clinic,西镇,West Town\n");
    const auto clinics = run_ctl({"dispatch", "clinics", "import", clinics_csv.string(), "--data-dir", dir});
    ASSERT_EQ(clinics.exit_code, 0) << clinics.out << clinics.err;
    // The bureau's order for West Town Health Centre holds pack D, as the hub's order feed stores it
    // when the kiosk syncs (the hub itself is exercised by the county end-to-end test).
    const std::string order = "a0000000-0000-4000-8000-0000000000d1";
    sql(ledger, "INSERT INTO hub_order (key, body, change_seq, deleted) VALUES ('" + order +
                    "', '{\"clinic_id\":\"west-thc\",\"request_id\":7,\"category\":\"fever\","
                    "\"needed_by\":\"2026-12-31\",\"items\":[{\"dropoff_uuid\":\"" +
                    uuid_of("D1") + "\",\"quantity\":1}]}', 1, 0)");

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

    // A dispatch: the free packs earliest expiry first (A 2027-03, B 2027-06, C 2029-01; D is held for
    // the order). The clinic is chosen from the list, one township at a time: West Town, then Xinan.
    ASSERT_TRUE(k.click_to("queue", "dispatch", "dispatch"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "keep2").has_value(); })) << kiosk.output();
    EXPECT_FALSE(k.button("dispatch", "keep3").has_value()) << "pack D is held for the bureau's order";
    ASSERT_TRUE(k.click("dispatch", "confirm"));
    ASSERT_TRUE(kiosk.wait_for_output("event=button screen=dispatch id=township1", 5s));
    ASSERT_TRUE(k.click("dispatch", "township1"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "clinic2").has_value(); })) << kiosk.output();
    ASSERT_TRUE(k.click("dispatch", "clinic2"));
    ASSERT_TRUE(k.click("dispatch", "less0"));  // A: one of its two boxes
    ASSERT_TRUE(k.click("dispatch", "keep1"));  // B stays here
    k.shots_both_languages("dispatch", "en", "zh");
    ASSERT_TRUE(k.click("dispatch", "confirm"));
    // Recorded: the manifest's QR for the clinic to scan, and the packing list written to print.
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "done").has_value(); }, 10s)) << kiosk.output();
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT COUNT(*) FROM dispatch_item") == "2"; }))
        << kiosk.output();
    k.shots_both_languages("dispatched", "en", "zh");
    ASSERT_TRUE(k.click_to("dispatch", "done", "queue"));

    // The bureau's order, fulfilled: its clinic and its pack come with it.
    ASSERT_TRUE(k.click_to("queue", "dispatch", "dispatch"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "order0").has_value(); })) << kiosk.output();
    // Pack A's second box is still here to send, shown as 1 of 2 dispatched.
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "keep0").has_value(); })) << kiosk.output();
    k.shots_both_languages("dispatch-rest", "en", "zh");
    ASSERT_TRUE(k.click("dispatch", "order0"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "close-order").has_value(); }))
        << kiosk.output();
    k.shot("dispatch-order-en");
    ASSERT_TRUE(k.click("dispatch", "confirm"));
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT COUNT(*) FROM dispatch") == "2"; }))
        << kiosk.output();
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "done").has_value(); }, 10s)) << kiosk.output();
    ASSERT_TRUE(k.click_to("dispatch", "done", "queue"));

    // What is left to review (pack B alone) is refused, taken back with Undo within its 10 s, then
    // refused again and left: the charts then show a refusal. Held, nothing reaches the ledger (or the
    // hub's outbox) until the window has passed; the undo is an audit row of its own.
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(k.click("queue", "row0"));
    ASSERT_TRUE(k.click("queue", "reject"));
    ASSERT_TRUE(eventually([&] { return k.button("queue", "undo").has_value(); })) << kiosk.output();
    k.shot("queue-undo-en");
    EXPECT_EQ(sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'B1'"), "pending");
    ASSERT_TRUE(k.click("queue", "undo"));
    // A tap a loaded machine dropped is tapped again, as the pharmacist would, well inside the window.
    if (!kiosk.wait_for_output("event=review-undone", 3s)) {
        ASSERT_TRUE(k.click("queue", "undo"));
        ASSERT_TRUE(kiosk.wait_for_output("event=review-undone", 3s)) << kiosk.output();
    }
    ASSERT_TRUE(eventually(
        [&] {
            return sql(ledger,
                       "SELECT COUNT(*) FROM audit_log WHERE action = 'review-undone' AND entity_id = '" +
                           uuid_of("B1") + "'") == "1";
        },
        10s))
        << kiosk.output();
    // Past the window: still pending, nothing recorded.
    std::this_thread::sleep_for(10500ms);
    EXPECT_EQ(sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'B1'"), "pending");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'reject'"), "0");
    // The undo selected B again, as it was: Refuse applies to it at once.
    ASSERT_TRUE(k.click("queue", "reject"));
    k.shots_both_languages("queue-undo", "en", "zh");
    ASSERT_TRUE(eventually(
        [&] { return sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'B1'") == "rejected"; },
        20s))
        << kiosk.output();
    k.shot("queue-after-dispatch-en");

    ASSERT_TRUE(k.click_to("queue", "charts", "charts"));
    std::this_thread::sleep_for(500ms);
    k.shots_both_languages("charts", "en", "zh");
    ASSERT_TRUE(k.click_to("charts", "back", "queue"));
    ASSERT_TRUE(k.click_to("queue", "close", "welcome"));
    // The sample catalogue's Chinese names use characters no translation has: the atlas was rebuilt
    // with them (queue-zh.png shows them) rather than drawing "?".
    EXPECT_NE(kiosk.output().find("event=font-glyphs-added"), std::string::npos) << kiosk.output();
    // So do the clinics' names (西南村卫生室 in dispatched-zh.png), once the dispatch screen has them.
    EXPECT_NE(kiosk.output().find("clinics=3"), std::string::npos) << kiosk.output();
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();

    // The ledger: a dispatch to the chosen clinic with the kept items and quantities, one for the order
    // with its pack; the kiosk's acceptances confirmed by wang on the way; B refused; the audit chain
    // intact; a packing list for each, to print.
    EXPECT_EQ(sql(ledger, "SELECT clinic_id || ' ' || coalesce(order_uuid, '-') FROM dispatch ORDER BY id"),
              "xinan-vc -\nwest-thc " + order);
    EXPECT_EQ(sql(ledger, "SELECT count(*) FROM dispatch WHERE manifest LIKE 'MKD2|%'"), "2") << "signed";
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("A1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("D1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("C1") + "'"),
              "1");
    EXPECT_EQ(sql(ledger, "SELECT batch || ':' || review_state FROM dropoff ORDER BY batch"),
              "A1:approved\nB1:rejected\nC1:dispatched\nD1:dispatched");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'approve'"), "3");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'reject'"), "1");
    EXPECT_EQ(sql(ledger,
                  "SELECT COUNT(*) FROM outbox WHERE entity = 'review_action' AND payload LIKE "
                  "'%\"action\":\"reject\"%'"),
              "1")
        << "the undone refusal never reached the outbox";
    EXPECT_EQ(sql(ledger,
                  "SELECT actor || ' ' || action FROM audit_log WHERE action LIKE 'review-%' AND "
                  "entity_id = '" +
                      uuid_of("B1") + "' ORDER BY seq"),
              "wang review-undone\nwang review-reject")
        << "the undo is its own audit row; nothing removed";
    EXPECT_EQ(sql(ledger, "SELECT actor || ' ' || action FROM audit_log WHERE action = 'dispatch'"),
              "wang dispatch\nwang dispatch");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM outbox WHERE entity = 'dispatch'"), "2");
    int packing_lists = 0;
    for (const auto& entry : std::filesystem::directory_iterator(data.path() / "packing-lists"))
        packing_lists += entry.path().extension() == ".html" ? 1 : 0;
    EXPECT_EQ(packing_lists, 2);
    const auto verified = run_ctl({"db", "verify-audit", "--data-dir", dir});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    for (const char* name :
         {"queue-en", "queue-zh", "dispatch-en", "dispatch-zh", "dispatched-en", "dispatched-zh",
          "dispatch-order-en", "charts-en", "charts-zh", "queue-undo-en", "queue-undo-zh"}) {
        EXPECT_TRUE(std::filesystem::exists(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/staff/" + name + ".png"))
            << name;
    }
}

}  // namespace
}  // namespace medkiosk::test
