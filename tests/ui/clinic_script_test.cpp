// A village clinic's day in the real kiosk in clinic mode under Xvfb, driven by real X input: the
// clinic sign-in (PIN on the on-screen pad), a delivery confirmed from its manifest QR (the camera is
// an images: folder holding the QR the product's own manifest code encodes, drawn by libzint) with one
// pack missing, one pack given out, the stock with its expiry warnings. The ledger is then read with
// medkioskctl clinic stock/arrivals; screenshots of every clinic screen in both languages at 1280x800
// go to build/screenshots/clinic/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "clinic_device.hpp"
#include "kiosk_driver.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

nlohmann::json ctl_json(const std::vector<std::string>& args) {
    const auto result = run_ctl(args);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
}

TEST(ClinicScript, SignInConfirmADeliveryWithAMissingPackAndGiveOneOut) {
    Xvfb x(1280, 800);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    const std::string dir = data.path().string();
    const std::string pepper = (data.path() / "pin-pepper").string();
    prepare_clinic_device(data.path(), pepper, ClinicDevice{});
    if (HasFatalFailure()) return;
    const auto config = clinic_config(data.path());

    // A delivery from a collection point: one line far from expiry, one expiring within 30 days, one
    // already expired (it arrived late), as the dispatch screen's manifest QR encodes it.
    storage::Manifest manifest;
    manifest.kiosk_id = "dongcheng-1";
    manifest.dispatch_uuid = "5f0c3b1e-8a4d-4c2e-9b7a-1d2e3f4a5b6c";
    manifest.clinic_id = "xinan-vc";
    manifest.dispatched_on = local_day(-2);
    manifest.lines = {{1, "06900000000014", local_day(400), "fever", 2},
                      {2, "06900000000069", local_day(12), "cough", 3},
                      {3, "06900000000021", local_day(-3), "fever", 1}};
    const auto frames = data.path() / "camera";
    std::filesystem::create_directories(frames);
    const cv::Mat frame = manifest_frame(manifest);
    ASSERT_FALSE(frame.empty()) << "libzint could not draw the manifest QR";
    ASSERT_TRUE(cv::imwrite((frames / "manifest.png").string(), frame));

    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "1280x800", "--config", config.string(),
                             "--source", "images:" + frames.string(), "--data-dir", dir, "--lang", "en"},
                            (data.path() / "kiosk").string(),
                            {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_PEPPER_FILE=" + pepper});
    KioskDriver k(x, kiosk, std::string(MEDKIOSK_SCREENSHOT_DIR) + "/clinic", 300ms, 400ms);
    k.park_pointer_for_shots(1270, 790);
    ASSERT_TRUE(k.wait_screen("clinic-welcome", 30s)) << kiosk.output();
    k.shots_both_languages("clinic-welcome", "en", "zh");

    // The clinic sign-in: a wrong PIN first, then the right one, on the on-screen pad.
    ASSERT_TRUE(k.click_to("clinic-welcome", "sign-in", "clinic-pin"));
    for (const char* digit : {"digit9", "digit9", "digit9", "digit9", "ok"}) ASSERT_TRUE(k.click(digit));
    ASSERT_TRUE(eventually([&] { return kiosk.output().find("outcome=wrong") != std::string::npos; }))
        << kiosk.output();
    for (const char* digit : {"digit1", "digit3", "digit5", "digit7"}) ASSERT_TRUE(k.click(digit));
    k.shots_both_languages("clinic-pin", "en", "zh");
    ASSERT_TRUE(k.click_to("clinic-pin", "ok", "clinic-home")) << kiosk.output();

    // The delivery: the camera reads the manifest; line 2 had only 2 of its 3 packs.
    ASSERT_TRUE(k.click_to("clinic-home", "arrival", "clinic-arrival"));
    ASSERT_TRUE(eventually([&] { return k.button("clinic-arrival", "less-received-2").has_value(); }))
        << "the manifest QR was read\n"
        << kiosk.output();
    ASSERT_TRUE(k.click("clinic-arrival", "less-received-2"));
    k.shots_both_languages("clinic-arrival", "en", "zh");
    ASSERT_TRUE(k.click("clinic-arrival", "confirm"));
    ASSERT_TRUE(eventually([&] {
        return kiosk.output().find("key=clinic.arrival_saved") != std::string::npos;
    })) << kiosk.output();
    EXPECT_NE(kiosk.output().find("missing=1"), std::string::npos) << kiosk.output();
    k.shot("clinic-arrival-saved-en");

    // One pack given out: row 0 is the line that expires first and is still usable (line 2).
    ASSERT_TRUE(k.click_to("clinic-arrival", "back", "clinic-home"));
    ASSERT_TRUE(k.click_to("clinic-home", "give-out", "clinic-give-out"));
    ASSERT_TRUE(eventually([&] { return k.button("clinic-give-out", "give-0").has_value(); }))
        << kiosk.output();
    k.shots_both_languages("clinic-give-out", "en", "zh");
    const std::size_t before_give = kiosk.output().size();
    const std::optional<Rect> row_before = k.button("clinic-give-out", "give-0");
    ASSERT_TRUE(row_before);
    ASSERT_TRUE(k.click("clinic-give-out", "give-0"));
    ASSERT_TRUE(eventually([&] {
        return kiosk.output().find("key=clinic.given_out_saved") != std::string::npos;
    })) << kiosk.output();
    // The outcome comes above the rows, which stay where they were: a notice that moved them (the packing
    // list still in view, said to be no pack) once put a tap meant for give-0 on nothing.
    std::this_thread::sleep_for(500ms);
    for (const Rect& row : k.buttons_logged_since(before_give, "clinic-give-out", "give-0"))
        EXPECT_EQ(row.y, row_before->y) << "give-0 moved as the outcome came";

    ASSERT_TRUE(k.click_to("clinic-give-out", "back", "clinic-home"));
    std::this_thread::sleep_for(800ms);  // the home figures come back from the office's queue
    k.shots_both_languages("clinic-home", "en", "zh");
    ASSERT_TRUE(k.click_to("clinic-home", "stock", "clinic-stock"));
    ASSERT_TRUE(eventually([&] { return k.button("clinic-stock", "dispose").has_value(); }))
        << kiosk.output();
    k.shots_both_languages("clinic-stock", "en", "zh");
    kiosk.stop();

    // What the ledger holds, read as a technician does.
    const std::vector<std::string> where = {"--data-dir", dir, "--clinic", "xinan-vc", "--json"};
    auto args = std::vector<std::string>{"clinic", "arrivals"};
    args.insert(args.end(), where.begin(), where.end());
    const nlohmann::json arrivals = ctl_json(args);
    ASSERT_TRUE(arrivals.is_array() && arrivals.size() == 1) << arrivals.dump();
    const auto& lines = arrivals[0]["lines"];
    ASSERT_EQ(lines.size(), 3u) << arrivals.dump();
    EXPECT_EQ(arrivals[0]["dispatch_uuid"], manifest.dispatch_uuid);
    EXPECT_EQ(lines[0]["received"], 2);
    EXPECT_EQ(lines[0]["missing"], 0);
    EXPECT_EQ(lines[1]["received"], 2) << "one pack of line 2 never came";
    EXPECT_EQ(lines[1]["missing"], 1);
    EXPECT_EQ(lines[2]["received"], 1);
    args = {"clinic", "stock"};
    args.insert(args.end(), where.begin(), where.end());
    const nlohmann::json stock = ctl_json(args);
    ASSERT_TRUE(stock.is_array() && stock.size() == 3u) << stock.dump();
    // Earliest expiry first: the expired line, the one given out from, the long-dated one.
    EXPECT_EQ(stock[0]["line"], 3);
    EXPECT_EQ(stock[0]["expired"], true);
    EXPECT_EQ(stock[1]["line"], 2);
    EXPECT_EQ(stock[1]["on_hand"], 1) << "2 received, 1 given out";
    EXPECT_EQ(stock[1]["expiring_soon"], true);
    EXPECT_EQ(stock[2]["line"], 1);
    EXPECT_EQ(stock[2]["on_hand"], 2);
}

}  // namespace
}  // namespace medkiosk::test
