#pragma once
// What every screen reads and the actions it may take. Screens are free functions, one file each
// (<name>_screen.cpp), chosen by kiosk_window.cpp's switch on the flows' screens. The donor's screens
// only draw and record what the donor asked for in DonorActions; the window applies those to the
// donation flow after drawing, so following a tap means reading kiosk_window.cpp, not every screen.

#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>

#include "fonts.hpp"
#include "medkiosk/kiosk/clinic_flow.hpp"
#include "medkiosk/kiosk/display_metrics.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/staff_flow.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "preview_texture.hpp"

namespace medkiosk::ui {

// Keys pressed since the last frame. Counted from GLFW's callback because ImGui 1.86 only sees key
// state per frame, and a press and release within one frame (a keypad, xdotool) would be lost.
struct KeyPresses {
    bool enter = false;   // the primary action on every screen
    bool escape = false;  // back / scan another
    std::string digits;   // 0-9 typed on a keyboard or keypad since the last frame (PIN pad)
    bool backspace = false;
    bool typed = false;  // any key at all: typing in a field keeps a staff screen open
};

// What the donor asked for on this frame. Each is one tap (or key) on one screen.
struct DonorActions {
    bool start = false;    // welcome: "Start donating"
    bool choose = false;   // scan: "Donate this pack" — on to the pack's details
    bool dismiss = false;  // scan: "Scan another"
    bool back = false;     // ask expiry, details: "← Back" (Escape)
    bool confirm = false;  // details: "I put it in the donation bin" — the drop-off is recorded
    bool finish = false;   // scan: "Finish"; receipt: "Done"
    std::optional<kiosk::Language> language;
    bool toggle_larger_text = false;                   // "A+ 大字": body text a quarter bigger, or back
    std::optional<std::pair<int, int>> picked_expiry;  // ask expiry: year and month chosen
    std::optional<bool> proposal_answer;               // confirm expiry: the printed date is right (or not)
    std::optional<kiosk::PackCondition> condition;     // details: sealed or opened
    int quantity_change = 0;                           // details: − or ＋
    bool touched = false;                              // anything else that keeps the donor's countdown off
};

// What staff and technician screens use besides the donation flow.
struct BackOfficeContext {
    kiosk::StaffFlow& staff;
    kiosk::TechnicianFlow& technician;
    kiosk::DiagnosticsMeter& diagnostics;
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
    BackOfficeContext back_office;
    DonorActions donor;  // filled by the donor's screens, applied by the window
    // Set by a screen: the kiosk exits cleanly after this frame, and the appliance's systemd unit
    // (Restart=always) starts it again with the saved settings.
    bool restart_requested = false;
    // Clinic mode (kiosk.mode = "clinic"): the clinic's flow and the clinic it serves; null otherwise.
    kiosk::ClinicFlow* clinic = nullptr;
    std::string clinic_id;
    // The sizes computed from the screen's physical size, shown to the technician.
    const kiosk::DisplayMetrics* display = nullptr;

    const std::string& tr(std::string_view key) const { return translations.text(flow.language(), key); }
};

void DrawWelcomeScreen(UiContext& ui);
void DrawScanScreen(UiContext& ui);
void DrawReceiptScreen(UiContext& ui);
// Instead of the donor's screens while the kiosk cannot take donations (camera lost, disk full).
void DrawOutOfOrderScreen(UiContext& ui, kiosk::OutOfOrder reason);
void DrawAskExpiryScreen(UiContext& ui);      // ask_expiry_screen.cpp
void DrawConfirmExpiryScreen(UiContext& ui);  // confirm_expiry_screen.cpp
void DrawDetailsScreen(UiContext& ui);        // details_screen.cpp
void DrawPinScreen(UiContext& ui);
void DrawStaffQueueScreen(UiContext& ui);
void DrawDispatchScreen(UiContext& ui);
void DrawChartsScreen(UiContext& ui);
void DrawTechnicianScreen(UiContext& ui);
// The on-screen keyboard, over the bottom of whatever staff or technician screen has a field open.
void DrawTouchKeyboard(UiContext& ui);
// The technician screen's Users and Rules tabs, drawn inside its scrolling child.
void DrawTechnicianUsers(UiContext& ui);
void DrawTechnicianRules(UiContext& ui);
// The Clinics tab, and the Settings tab's clinic-mode choice from the same list (clinics_screen.cpp).
void DrawTechnicianClinics(UiContext& ui);
void DrawClinicModeSetting(UiContext& ui, float column);

// Clinic mode's screens (clinic_<name>_screen.cpp), drawn instead of the donor's.
void DrawClinicWelcomeScreen(UiContext& ui);
void DrawClinicPinScreen(UiContext& ui);
void DrawClinicHomeScreen(UiContext& ui);
void DrawClinicArrivalScreen(UiContext& ui);
void DrawClinicGiveOutScreen(UiContext& ui);
void DrawClinicStockScreen(UiContext& ui);
// Their shared pieces (clinic_pieces.cpp).
const std::string& ClinicProductName(const UiContext& ui, const kiosk::ProductNames& names,
                                     const std::string& product);
bool DrawClinicHeading(UiContext& ui, const std::string& heading);  // true: Back (or Escape) chosen
void DrawClinicMessage(UiContext& ui);                              // the clinic flow's last outcome
// − n ＋ for a count between 0 and `most`; the new value when a button was tapped.
std::optional<int> DrawStepper(const std::string& id, int value, int most);
// A fixed table column for DrawStepper, as wide as the stepper or its heading `label`: a stretched one
// was squeezed at 1024x600 until its ＋ lay on the next column's button.
void SetupStepperColumn(const std::string& label);
// A fixed table column as wide as its heading `label` or as `widest` (the longest value it shows),
// given from the first frame: an auto-fitted one is measured in the frame after, and the buttons beside
// it moved under a tap aimed at where they were first drawn.
void SetupFittedColumn(const std::string& label, const char* widest);

// Shared pieces of the screens (screen_pieces.cpp).
// Over every donor screen while the kiosk is about to return to the start: "Still there? Tap to
// continue" with the seconds left; a tap anywhere keeps the donation (and presses nothing beneath).
// Called before the screen is drawn: it takes the keys of this frame when it is up.
void DrawStillThere(UiContext& ui);
// "One box at a time — finish this one first" (translation `key`) in a band over `min`..`max`, drawn
// without taking layout room: nothing moves under the donor's finger when it appears.
void DrawOneBoxNotice(UiContext& ui, const ImVec2& min, const ImVec2& max, const char* key = "scan.one_box");
// The height of that band when it is `width` wide: its wrapped lines and a margin.
float OneBoxNoticeHeight(UiContext& ui, float width, const char* key = "scan.one_box");
std::string ProductName(const UiContext& ui, const kiosk::ProductInfo& product);  // in the donor's language
// "This box: <product> · <code>" on the question steps, so the donor knows which box is meant.
void DrawThisBox(UiContext& ui, const kiosk::CurrentPack& current);
bool DrawLanguageSwitch(UiContext& ui, float width);  // one button that flips 中文 / English
// "A+ 大字" / "A+ Larger text", ✓ while on: the donor's text a quarter bigger until the next donor.
// `short_label`: "A+" alone, where the whole label leaves the donor too little room (the switch is on).
void DrawLargerTextSwitch(UiContext& ui, float width, float height, bool short_label = false);
// The top row of a donor's question step: the language switch and "← Back" (or Escape), which goes
// one step back.
void DrawDonorLanguageAndBack(UiContext& ui);
// At the right of a staff sub-screen's heading line: the language switch and "← Back"; true when
// Back (or Escape) was chosen.
bool DrawLanguageAndBack(UiContext& ui);

}  // namespace medkiosk::ui
