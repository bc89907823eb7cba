#pragma once
// What the medkiosk program is told: kiosk.toml first, the command line over it, and (test builds
// only) the test hooks from the environment.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/kiosk/sound_cues.hpp"
#include "medkiosk/kiosk/translations.hpp"

namespace medkiosk::app {

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
    // "collection-point" takes donations; "clinic" starts on the clinic sign-in (issue 17).
    std::string mode = "collection-point";
    std::string clinic_id;       // mode "clinic": the county clinic (hub.clinic_feed) this device belongs to
    kiosk::SoundSettings sound;  // the verdict chimes: on/off, volume, ALSA device
    double display_diagonal_inches = 0;  // [display]: the screen's size when the monitor's is not believable
    bool clinic_mode() const { return mode == "clinic"; }
};

struct CommandLine {
    KioskOptions options;
    std::optional<int> exit_now;  // --help or --version (0), or a usage error (2): already printed
};

// Never fails on kiosk.toml: a broken file is logged key by key and the last good copy or the
// defaults take over.
CommandLine read_command_line(int argc, char** argv);

// Hooks the tests use to drive the kiosk; a release build (MEDKIOSK_TEST_HOOKS off, the .deb) reads
// none of them and always gets the defaults.
struct TestHooks {
    int bench_frames = 0;        // MEDKIOSK_BENCH_FRAMES: draw N frames, log their times, exit
    std::string staff_pin;       // MEDKIOSK_STAFF_PIN: a first sign-in while no user exists
    std::string technician_pin;  // MEDKIOSK_TECHNICIAN_PIN
    // MEDKIOSK_TEST_EXPIRY_PROPOSAL=YYYY-MM[+derived][,…]: stands in for the OCR reader's proposals,
    // one per pack in turn (the last one again for later packs), so the confirm step can be driven;
    // "+derived" marks a date worked out from production + shelf life.
    struct ExpiryProposalHook {
        int year = 0;
        int month = 0;
        bool derived = false;
    };
    std::vector<ExpiryProposalHook> expiry_proposals;
    bool layout_report = false;     // MEDKIOSK_LOG_LAYOUT=1: the layout check (layout_report.hpp)
    std::string layout_data_words;  // MEDKIOSK_LAYOUT_DATA_WORDS=a,b: the test's Latin data words
};
TestHooks read_test_hooks();

}  // namespace medkiosk::app
