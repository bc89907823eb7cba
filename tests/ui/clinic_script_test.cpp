// A village clinic's day in the real kiosk in clinic mode under Xvfb, driven by real X input: the
// clinic sign-in (PIN on the on-screen pad), a delivery confirmed from its manifest QR (the camera is
// an images: folder holding the QR the product's own manifest code encodes, drawn by libzint) with one
// pack missing, one pack given out, the stock with its expiry warnings. The ledger is then read with
// medkioskctl clinic stock/arrivals; screenshots of every clinic screen in both languages at 1280x800
// go to build/screenshots/clinic/.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "kiosk_driver.hpp"
#include "medkiosk/storage/manifest.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"
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

// The local day `days` from today, YYYY-MM-DD (the clinic's "today" is local).
std::string local_day(int days) {
    std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
    std::tm local{};
    localtime_r(&when, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
}

// The manifest QR as a packing list shows it, on a white page in a 1280x720 camera frame.
void write_manifest_frame(const storage::Manifest& manifest, const std::filesystem::path& file) {
    const cv::Mat symbol = render_symbol(qr_code(storage::encode_manifest(manifest)));
    ASSERT_FALSE(symbol.empty()) << "libzint could not draw the manifest QR";
    const int module_pixels = std::max(2, 560 / symbol.cols);
    cv::Mat big;
    cv::resize(symbol, big, cv::Size(), module_pixels, module_pixels, cv::INTER_NEAREST);
    cv::Mat frame(720, 1280, CV_8UC1, cv::Scalar(235));
    big.copyTo(frame(cv::Rect((frame.cols - big.cols) / 2, (frame.rows - big.rows) / 2, big.cols, big.rows)));
    ASSERT_TRUE(cv::imwrite(file.string(), frame));
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
    const auto added = run_ctl(
        {"users", "add", "liu", "--role", "clinic", "--data-dir", dir, "--pepper-file", pepper}, "1357\n");
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    const auto imported =
        run_ctl({"catalog", "import", std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv",
                 "--data-dir", dir});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    const auto clinics_csv = data.path() / "clinics.csv";
    std::ofstream(clinics_csv)
        << ("clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
            "xinan-vc,西南村卫生室,Xinan Village Clinic,village-clinic,西镇,West Town\n"
            "hexi-vc,河西村卫生室,Hexi Village Clinic,village-clinic,西镇,West Town\n");
    const auto clinics = run_ctl({"dispatch", "clinics", "import", clinics_csv.string(), "--data-dir", dir});
    ASSERT_EQ(clinics.exit_code, 0) << clinics.out << clinics.err;
    const auto config = data.path() / "kiosk.toml";
    std::ofstream(config) << "[kiosk]\nmode = \"clinic\"\nclinic_id = \"xinan-vc\"\n";

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
    write_manifest_frame(manifest, frames / "manifest.png");

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
    ASSERT_TRUE(k.click("clinic-give-out", "give-0"));
    ASSERT_TRUE(eventually([&] {
        return kiosk.output().find("key=clinic.given_out_saved") != std::string::npos;
    })) << kiosk.output();

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
