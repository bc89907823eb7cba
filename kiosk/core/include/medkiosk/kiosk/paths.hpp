#pragma once
// Where the kiosk keeps its data and finds its assets, shared by medkiosk and medkioskctl.

#include <filesystem>

namespace medkiosk::kiosk {

// $MEDKIOSK_DATA_DIR, else /var/lib/medkiosk for root and for the user who owns it (the appliance and
// its kiosk user), else $XDG_DATA_HOME/medkiosk (default ~/.local/share/medkiosk).
std::filesystem::path default_data_dir();

std::filesystem::path ledger_file(const std::filesystem::path& data_dir);      // data_dir/ledger.db
std::filesystem::path county_key_file(const std::filesystem::path& data_dir);  // data_dir/county.key

// $MEDKIOSK_ASSETS_DIR, else ../share/medkiosk/assets beside the executable (installed), else the
// source tree's assets/ (a build tree run).
std::filesystem::path default_assets_dir();

}  // namespace medkiosk::kiosk
