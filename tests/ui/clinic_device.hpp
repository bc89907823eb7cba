#pragma once
// What the clinic-mode UI tests share (the clinic script, the layout tour's clinic case): a clinic
// device's ledger and kiosk.toml seeded with medkioskctl, and the manifest QR a packing list shows,
// drawn by libzint, for an `images:` camera.

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

#include "medkiosk/storage/manifest.hpp"

namespace medkiosk::test {

// The local day `days` from today, YYYY-MM-DD (the clinic's "today" is local).
std::string local_day(int days);

struct ClinicDevice {
    std::string login = "liu";  // a user of the role "clinic"
    std::string pin = "1357";
    std::string clinic_id = "xinan-vc";  // the clinic this device serves (kiosk.toml)
    // The county's clinics, rows of clinic_id,name_zh,name_en,kind,township_zh,township_en.
    std::string clinic_rows =
        "xinan-vc,西南村卫生室,Xinan Village Clinic,village-clinic,西镇,West Town\n"
        "hexi-vc,河西村卫生室,Hexi Village Clinic,village-clinic,西镇,West Town\n";
    // Products added to the sample catalogue, rows in its columns.
    std::string extra_catalogue_rows;
};

// Seeds `dir` as a clinic device: the clinic user (PIN hashed with the pepper in `pepper`), the sample
// catalogue, the clinics and `dir`/kiosk.toml in clinic mode (clinic_config). Fails the test on error.
void prepare_clinic_device(const std::filesystem::path& dir, const std::string& pepper,
                           const ClinicDevice& device);
std::filesystem::path clinic_config(const std::filesystem::path& dir);

// The manifest QR as a packing list shows it, on a white page in a 1280x720 grey camera frame; empty
// when libzint could not draw it.
cv::Mat manifest_frame(const storage::Manifest& manifest);

}  // namespace medkiosk::test
