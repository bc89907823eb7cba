#pragma once
// What every screen reads and the actions it may take. Screens are free functions, one file each.

#include <string>
#include <string_view>

#include "fonts.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "preview_texture.hpp"

namespace medkiosk::ui {

// Keys pressed since the last frame. Counted from GLFW's callback because ImGui 1.86 only sees key
// state per frame, and a press and release within one frame (a keypad, xdotool) would be lost.
struct KeyPresses {
    bool enter = false;   // the primary action on every screen
    bool escape = false;  // back / scan another
};

struct UiContext {
    kiosk::DonationFlow& flow;
    const kiosk::Translations& translations;
    scanner::ScanPipeline& pipeline;
    const kiosk::LedgerWorker& ledger;
    PreviewTexture& preview;
    const Fonts& fonts;
    kiosk::Clock::time_point now;
    KeyPresses keys;

    const std::string& tr(std::string_view key) const { return translations.text(flow.language(), key); }
};

void DrawWelcomeScreen(UiContext& ui);
void DrawScanScreen(UiContext& ui);
void DrawReceiptScreen(UiContext& ui);
// Instead of the donor's screens while the kiosk cannot take donations (camera lost, disk full).
void DrawOutOfOrderScreen(UiContext& ui, kiosk::OutOfOrder reason);

}  // namespace medkiosk::ui
