#pragma once
// Runs the fullscreen kiosk until the window is closed.

#include <filesystem>
#include <string>

#include "medkiosk/kiosk/translations.hpp"

namespace medkiosk::ui {

struct KioskOptions {
    bool windowed = false;
    int window_width = 1280;   // windowed size; fullscreen uses the monitor's mode
    int window_height = 800;
    std::string source;        // frame source spec; empty = camera if present, else demo
    std::filesystem::path data_dir;
    std::filesystem::path assets_dir;
    std::string kiosk_id = "kiosk-local";
    kiosk::Language language = kiosk::Language::Chinese;
    std::string font_file;     // overrides the fontconfig lookup
};

// Returns the process exit code. Errors that stop the kiosk from starting are printed with the fix.
int run_kiosk(const KioskOptions& options);

}  // namespace medkiosk::ui
