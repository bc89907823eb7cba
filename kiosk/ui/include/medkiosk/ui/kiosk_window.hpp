#pragma once
// The fullscreen window: each frame it draws the screen the flows are on and turns taps and keys into
// flow actions. What runs behind it (the camera, the ledger, the back office, the sync) is built and
// driven by the composition root in kiosk/app, which hands the window its parts and the work to do
// once per frame.

#include <string>

#include "medkiosk/kiosk/clinic_flow.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/ledger_worker.hpp"
#include "medkiosk/kiosk/staff_flow.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::ui {

struct WindowOptions {
    bool windowed = false;
    int width = 1280;  // windowed size; fullscreen uses the monitor's mode
    int height = 800;
    std::string font_file;  // overrides the fontconfig lookup
    // kiosk.toml [display] diagonal_inches: the panel's size in inches, over what the monitor reports
    // (0 = the monitor's report when believable, else a typical panel for the resolution).
    double display_diagonal_inches = 0;
    // Test builds only (MEDKIOSK_BENCH_FRAMES): draw this many frames after the first camera frame,
    // log their times and return. 0: run until closed.
    int bench_frames = 0;
    // Test builds only (MEDKIOSK_LOG_LAYOUT=1): log what does not fit on each screen state drawn
    // (layout_report.hpp); the Latin words the test's own data holds are allowed on Chinese screens.
    bool layout_report = false;
    std::string layout_data_words;
};

// What the window draws and drives.
struct KioskParts {
    kiosk::DonationFlow& flow;
    kiosk::StaffFlow& staff;
    kiosk::TechnicianFlow& technician;
    kiosk::DiagnosticsMeter& diagnostics;
    const kiosk::Translations& translations;
    scanner::ScanPipeline& pipeline;    // the preview's frames and the camera's figures
    const kiosk::LedgerWorker& ledger;  // why the ledger is unavailable; product names for the font
    // Clinic mode: the clinic's screens instead of the donor's (the technician's entry stays).
    kiosk::ClinicFlow* clinic = nullptr;
    std::string clinic_id;
};

// The composition root's work once per frame, before the window draws: the workers' answers routed to
// the flows, scans fed to the donation flow, the sync started …
class FrameWork {
  public:
    virtual ~FrameWork() = default;
    // Returns why the kiosk cannot take donations now (OutOfOrder::None when it can).
    virtual kiosk::OutOfOrder before_frame(kiosk::Clock::time_point now) = 0;
    // How long the loop may wait for input before its next frame (the watchdog needs a ping).
    virtual double max_idle_wait_seconds(double wanted) = 0;
};

// Runs until the window is closed, SIGTERM or a technician's restart. Returns the process exit code;
// a window that cannot be opened is reported on stderr with the fix.
int run_kiosk_window(const WindowOptions& options, KioskParts parts, FrameWork& work);

}  // namespace medkiosk::ui
