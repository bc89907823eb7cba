#include "medkiosk/kiosk/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace medkiosk::kiosk {
namespace {

std::filesystem::path env_path(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::filesystem::path(value) : std::filesystem::path();
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::filesystem::path default_data_dir() {
    constexpr const char* kAppliance = "/var/lib/medkiosk";
    if (auto dir = env_path("MEDKIOSK_DATA_DIR"); !dir.empty()) return dir;
    if (geteuid() == 0) return kAppliance;
    // The kiosk's own user (`sudo -u medkiosk medkioskctl …`, as the appliance's files want): its data
    // directory is the appliance's, not one under its home.
    if (struct stat info{};
        ::stat(kAppliance, &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == geteuid())
        return kAppliance;
    if (auto xdg = env_path("XDG_DATA_HOME"); !xdg.empty()) return xdg / "medkiosk";
    if (auto home = env_path("HOME"); !home.empty()) return home / ".local/share/medkiosk";
    return std::filesystem::current_path() / "medkiosk-data";
}

std::filesystem::path ledger_file(const std::filesystem::path& data_dir) {
    return data_dir / "ledger.db";
}
std::filesystem::path county_key_file(const std::filesystem::path& data_dir) {
    return data_dir / "county.key";
}

std::filesystem::path default_assets_dir() {
    if (auto dir = env_path("MEDKIOSK_ASSETS_DIR"); !dir.empty()) return dir;
    std::error_code ec;
    if (auto installed = executable_dir() / "../share/medkiosk/assets";
        std::filesystem::is_directory(installed, ec)) {
        return installed.lexically_normal();
    }
    return MEDKIOSK_SOURCE_ASSETS_DIR;
}

}  // namespace medkiosk::kiosk
