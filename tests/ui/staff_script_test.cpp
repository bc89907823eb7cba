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

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

class StaffDriver {
public:
    StaffDriver(const Xvfb& x, BackgroundProcess& kiosk, std::string shots) : x_(x), kiosk_(kiosk), shots_(std::move(shots)) {}

    std::string screen() const {
        const std::string out = kiosk_.output();
        const std::regex pattern("event=screen name=([a-z-]+)");
        std::string last;
        for (std::sregex_iterator it(out.begin(), out.end(), pattern), end; it != end; ++it) last = (*it)[1].str();
        return last;
    }

    bool wait_screen(const std::string& name, std::chrono::milliseconds timeout = 10s) const {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (screen() == name) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    std::optional<Rect> button(const std::string& screen_name, const std::string& id) const {
        const std::string out = kiosk_.output();
        const std::regex pattern("event=button screen=" + screen_name + " id=" + id +
                                 " x=(-?\\d+) y=(-?\\d+) w=(\\d+) h=(\\d+)");
        std::optional<Rect> found;
        for (std::sregex_iterator it(out.begin(), out.end(), pattern), end; it != end; ++it) {
            found = Rect{std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])};
        }
        return found;
    }

    ::testing::AssertionResult click(const std::string& screen_name, const std::string& id) {
        if (!wait_screen(screen_name)) {
            return ::testing::AssertionFailure() << "screen " << screen_name << " never came; at " << screen() << "\n"
                                                 << kiosk_.output();
        }
        std::optional<Rect> rect;
        for (int i = 0; i < 100 && !(rect = button(screen_name, id)); ++i) std::this_thread::sleep_for(50ms);
        if (!rect) return ::testing::AssertionFailure() << "no button " << id << " on " << screen_name << "\n" << kiosk_.output();
        if (rect->w < 38 || rect->h < 38) {  // touch targets of at least 10 mm at ~96 dpi
            return ::testing::AssertionFailure() << "button " << id << " is only " << rect->w << "x" << rect->h << " px";
        }
        x_.run({"/usr/bin/xdotool", "mousemove", std::to_string(rect->x + rect->w / 2),
                std::to_string(rect->y + rect->h / 2), "click", "1"});
        std::this_thread::sleep_for(300ms);
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult click_to(const std::string& screen_name, const std::string& id, const std::string& next) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            if (screen() != screen_name && attempt > 0) break;
            auto clicked = click(screen_name, id);
            if (!clicked) return clicked;
            if (wait_screen(next, 4s)) return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << id << " on " << screen_name << " did not lead to " << next << "; at "
                                             << screen() << "\n" << kiosk_.output();
    }

    void focus() const { x_.run({"/usr/bin/xdotool", "search", "--sync", "--name", "medkiosk", "windowfocus", "--sync"}); }
    void key(const std::string& name) {
        x_.run({"/usr/bin/xdotool", "key", name});
        std::this_thread::sleep_for(150ms);
    }
    void type(const std::string& text) { x_.run({"/usr/bin/xdotool", "type", "--delay", "40", text}); }

    void shot(const std::string& name) {
        // Move the pointer off the buttons (a hover colour is not what a screenshot should show),
        // which also wakes the kiosk for a fresh frame.
        x_.run({"/usr/bin/xdotool", "mousemove", "2", "790"});
        std::this_thread::sleep_for(400ms);
        EXPECT_TRUE(x_.screenshot(shots_ + "/" + name + ".png")) << name;
    }

    // This screen in English, then in Chinese with the screen's own switch, then back to English.
    void shots_both_languages(const std::string& name) {
        const std::string screen_name = screen();
        shot(name + "-en");
        ASSERT_TRUE(click(screen_name, "language"));
        shot(name + "-zh");
        ASSERT_TRUE(click(screen_name, "language"));
    }

private:
    const Xvfb& x_;
    BackgroundProcess& kiosk_;
    std::string shots_;
};

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
    const auto added = run_ctl({"users", "add", "wang", "--role", "staff", "--data-dir", dir, "--pepper-file", pepper}, "2468\n");
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    const auto imported = run_ctl({"catalog", "import", std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv",
                                   "--data-dir", dir});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    // Four packs as donors left them: three the kiosk accepted, one unknown product for review.
    for (const auto& [line, quantity] : {std::pair{"(01)06900000000014(17)270331(10)A1(21)SA", "2"},
                                         std::pair{"(01)06900000000069(17)270630(10)B1(21)SB", "1"},
                                         std::pair{"(01)06999999999997(17)290131(10)C1(21)SC", "1"},
                                         std::pair{"(01)06900000000021(17)280131(10)D1(21)SD", "1"}}) {
        const auto recorded = run_ctl({"record", "--data-dir", dir, "--quantity", quantity}, std::string(line) + "\n");
        ASSERT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
    }
    const auto uuid_of = [&](const std::string& batch) { return sql(ledger, "SELECT uuid FROM dropoff WHERE batch = '" + batch + "'"); };
    ASSERT_EQ(sql(ledger, "SELECT decision FROM dropoff WHERE batch = 'C1'"), "review");

    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "1280x800", "--source", "demo", "--data-dir", dir,
                             "--lang", "en"},
                            (data.path() / "kiosk").string(),
                            {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_PEPPER_FILE=" + pepper});
    StaffDriver k(x, kiosk, std::string(MEDKIOSK_SCREENSHOT_DIR) + "/staff");
    ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();

    // The hidden corner, the PIN typed on a keyboard.
    x.run({"/usr/bin/xdotool", "mousemove", "8", "8", "mousedown", "1", "sleep", "3.4", "mouseup", "1"});
    ASSERT_TRUE(k.wait_screen("pin")) << kiosk.output();
    k.focus();
    for (const char* digit : {"2", "4", "6", "8"}) k.key(digit);
    ASSERT_TRUE(k.click_to("pin", "ok", "queue"));
    ASSERT_TRUE(eventually([&] { return k.button("queue", "row3").has_value(); }))
        << "all four packs are in the queue\n" << kiosk.output();
    k.shots_both_languages("queue");

    // Filter to the packs waiting for the pharmacist's check: only the unknown product is left.
    ASSERT_TRUE(k.click("queue", "decision-review"));
    // The filtered list arrives from the back office within a few frames; its first row is the
    // unknown product (row0 of the full list would be pack A, which the count below would catch).
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(k.click("queue", "row0"));
    ASSERT_TRUE(k.click("queue", "confirm"));
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'C1'") == "approved"; }))
        << "the filtered row (the unknown product) was confirmed\n" << kiosk.output();
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM dropoff WHERE review_state = 'approved'"), "1") << "only that one";
    k.shot("queue-filtered-confirmed-en");
    ASSERT_TRUE(k.click("queue", "decision-any"));

    // A dispatch: the suggestion is earliest expiry first (A 2027-03, B 2027-06, D 2028-01, C 2029-01).
    ASSERT_TRUE(k.click_to("queue", "dispatch", "dispatch"));
    ASSERT_TRUE(eventually([&] { return k.button("dispatch", "keep3").has_value(); })) << kiosk.output();
    k.focus();
    k.type("Xinan clinic");  // the clinic field has the keyboard when the screen opens
    ASSERT_TRUE(k.click("dispatch", "less0"));  // A: one of its two boxes
    ASSERT_TRUE(k.click("dispatch", "keep1"));  // B stays here
    k.shots_both_languages("dispatch");
    ASSERT_TRUE(k.click_to("dispatch", "confirm", "queue"));
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT COUNT(*) FROM dispatch_item") == "3"; })) << kiosk.output();

    // What is left to review (pack B alone) is refused: the charts then show a refusal.
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(k.click("queue", "row0"));
    ASSERT_TRUE(k.click("queue", "refuse"));
    ASSERT_TRUE(eventually([&] { return sql(ledger, "SELECT review_state FROM dropoff WHERE batch = 'B1'") == "rejected"; }))
        << kiosk.output();
    k.shot("queue-after-dispatch-en");

    ASSERT_TRUE(k.click_to("queue", "charts", "charts"));
    std::this_thread::sleep_for(500ms);
    k.shots_both_languages("charts");
    ASSERT_TRUE(k.click_to("charts", "back", "queue"));
    ASSERT_TRUE(k.click_to("queue", "close", "welcome"));
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();

    // The ledger: one dispatch to the typed clinic with the kept items and quantities; the kiosk's
    // acceptances confirmed by wang on the way; B refused; the audit chain intact.
    EXPECT_EQ(sql(ledger, "SELECT clinic FROM dispatch"), "Xinan clinic");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("A1") + "'"), "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("D1") + "'"), "1");
    EXPECT_EQ(sql(ledger, "SELECT quantity FROM dispatch_item WHERE dropoff_uuid = '" + uuid_of("C1") + "'"), "1");
    EXPECT_EQ(sql(ledger, "SELECT batch || ':' || review_state FROM dropoff ORDER BY batch"),
              "A1:dispatched\nB1:rejected\nC1:dispatched\nD1:dispatched");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'approve'"), "3");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM review_action WHERE action = 'reject'"), "1");
    EXPECT_EQ(sql(ledger, "SELECT actor || ' ' || action FROM audit_log WHERE action = 'dispatch'"), "wang dispatch");
    EXPECT_EQ(sql(ledger, "SELECT COUNT(*) FROM outbox WHERE entity = 'dispatch'"), "1");
    const auto verified = run_ctl({"db", "verify-audit", "--data-dir", dir});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    for (const char* name : {"queue-en", "queue-zh", "dispatch-en", "dispatch-zh", "charts-en", "charts-zh"}) {
        EXPECT_TRUE(std::filesystem::exists(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/staff/" + name + ".png")) << name;
    }
}

}  // namespace
}  // namespace medkiosk::test
