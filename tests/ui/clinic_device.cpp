#include "clinic_device.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>

#include "support/process.hpp"
#include "synthetic_codes.hpp"

namespace medkiosk::test {

std::string local_day(int days) {
    std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
    std::tm local{};
    localtime_r(&when, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
}

std::filesystem::path clinic_config(const std::filesystem::path& dir) {
    return dir / "kiosk.toml";
}

void prepare_clinic_device(const std::filesystem::path& dir, const std::string& pepper,
                           const ClinicDevice& device) {
    const std::string data_dir = dir.string();
    const auto added = run_ctl(
        {"users", "add", device.login, "--role", "clinic", "--data-dir", data_dir, "--pepper-file", pepper},
        device.pin + "\n");
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    const auto catalogue = dir / "catalogue.csv";
    {
        std::ifstream sample(std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv");
        ASSERT_TRUE(sample) << "no sample catalogue in " << MEDKIOSK_ASSETS_DIR;
        std::ofstream(catalogue) << std::string(std::istreambuf_iterator<char>(sample), {})
                                 << device.extra_catalogue_rows;
    }
    const auto imported = run_ctl({"catalog", "import", catalogue.string(), "--data-dir", data_dir});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    const auto clinics_csv = dir / "clinics.csv";
    std::ofstream(clinics_csv) << "clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
                               << device.clinic_rows;
    const auto clinics =
        run_ctl({"dispatch", "clinics", "import", clinics_csv.string(), "--data-dir", data_dir});
    ASSERT_EQ(clinics.exit_code, 0) << clinics.out << clinics.err;
    std::ofstream(clinic_config(dir))
        << "[kiosk]\nmode = \"clinic\"\nclinic_id = \"" << device.clinic_id << "\"\n";
}

cv::Mat manifest_frame(const storage::Manifest& manifest) {
    const cv::Mat symbol = render_symbol(qr_code(storage::encode_manifest(manifest)));
    if (symbol.empty()) return {};
    const int module_pixels = std::max(2, 560 / symbol.cols);
    cv::Mat big;
    cv::resize(symbol, big, cv::Size(), module_pixels, module_pixels, cv::INTER_NEAREST);
    cv::Mat frame(720, 1280, CV_8UC1, cv::Scalar(235));
    big.copyTo(frame(cv::Rect((frame.cols - big.cols) / 2, (frame.rows - big.rows) / 2, big.cols, big.rows)));
    return frame;
}

}  // namespace medkiosk::test
