#pragma once
// Runs the fullscreen kiosk until the window is closed.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "medkiosk/kiosk/translations.hpp"

namespace medkiosk::ui {

struct KioskOptions {
    bool windowed = false;
    int window_width = 1280;  // windowed size; fullscreen uses the monitor's mode
    int window_height = 800;
    std::string source;  // frame source spec; empty = camera if present, else demo
    std::filesystem::path data_dir;
    std::filesystem::path assets_dir;
    std::string kiosk_id = "kiosk-local";
    kiosk::Language language = kiosk::Language::Chinese;
    std::string font_file;  // overrides the fontconfig lookup
    // Appliance settings (kiosk.toml, see kiosk/core config.hpp); the defaults match deploy/kiosk.toml.
    int camera_width = 0;  // applied when the source spec names no size; 0 = device default
    int camera_height = 0;
    std::chrono::seconds idle_timeout{90};
    int min_shelf_life_days = 90;
    std::uint64_t min_free_disk_bytes = 64ull << 20;
    std::string hub_url;                     // county hub (libpq connection string); empty = no sync yet
    std::string config_origin = "defaults";  // "file" | "last-good" | "defaults", for the status file
    // The technician's screen saves its settings here (the kiosk.toml that was read, or would be).
    std::filesystem::path config_file;
    std::string location;
    std::string catalogue_file;
};

// Returns the process exit code. Errors that stop the kiosk from starting are printed with the fix.
int run_kiosk(const KioskOptions& options);

}  // namespace medkiosk::ui
