#pragma once
// Small building blocks shared by the screens; sizes are multiples of the font size.

#include <imgui.h>

#include <optional>
#include <string>

namespace medkiosk::ui {

// Palette: every text pair at least 7:1 (WCAG AAA), a disabled button's label at least 4.5:1 on its
// face (tests/ui/palette_test.cpp); colour is never the only signal (icon + word, ✓ on a chosen button).
namespace colours {
inline const ImVec4 background{0.97f, 0.97f, 0.95f, 1.0f};
inline const ImVec4 text{0.10f, 0.10f, 0.12f, 1.0f};
inline const ImVec4 muted_text{0.30f, 0.30f, 0.33f, 1.0f};
inline const ImVec4 primary{0.04f, 0.32f, 0.55f, 1.0f};  // white text on it: 8.1:1
inline const ImVec4 accept{0.02f, 0.36f, 0.15f, 1.0f};   // white text on it: 8.2:1
inline const ImVec4 refuse{0.62f, 0.06f, 0.06f, 1.0f};   // white text on it: 8.3:1
inline const ImVec4 review{0.45f, 0.27f, 0.00f, 1.0f};   // white text on it: 8.2:1
inline const ImVec4 neutral{0.30f, 0.30f, 0.33f, 1.0f};  // secondary buttons; white text on it: 8.4:1
inline const ImVec4 preview_bg{0.12f, 0.12f, 0.13f, 1.0f};
inline const ImVec4 panel{1.0f, 1.0f, 1.0f, 1.0f};             // cards and unchosen choice buttons
inline const ImVec4 chosen_choice{0.85f, 0.91f, 0.97f, 1.0f};  // a chosen ChoiceButton's face
inline const ImVec4 on_colour_text{1.0f, 1.0f, 1.0f, 1.0f};    // labels on coloured buttons
// A button that cannot be pressed now: a light face with a dark grey label (5.5:1) and a frame, instead
// of ImGui's faded alpha (2:1).
inline const ImVec4 disabled_face{0.82f, 0.82f, 0.80f, 1.0f};
inline const ImVec4 disabled_text{0.30f, 0.30f, 0.32f, 1.0f};
}  // namespace colours

void ApplyKioskStyle(float font_px);

// Begins a window that covers the whole viewport without decoration.
bool BeginFullscreen(const char* id);
// In a window or child that scrolls when its content is taller than it: a drag anywhere but on a button
// moves it (a finger cannot aim at a thin scroll bar).
void ScrollByDrag();

// Touch targets are at least 11 mm on their short side: the window computes the pixels once from the
// screen's physical size (kiosk::DisplayMetrics) and sets them before the first frame. Buttons are
// sized in font units and never below this.
float MinTouchPx();
void SetMinTouchPx(float px);

// A large touch button; `colour` is its background. Returns true when pressed. With
// MEDKIOSK_LOG_BUTTONS=1 its screen rectangle is logged (tests click the real buttons).
bool BigButton(const std::string& label, const ImVec2& size, const ImVec4& colour);

// A button that shows whether it is chosen by a ✓ and a frame, not by colour alone.
bool ChoiceButton(const std::string& label, bool chosen, const ImVec2& size);
// A ChoiceButton (at least a touch target high) that stays on the current row when it fits, else
// starts the next: lists of townships, clinics and orders.
bool WrappingChoiceButton(const std::string& label, const std::string& id, bool chosen, bool first);

// Called once per frame by the app: logs button rectangles that changed since the last frame.
void FlushButtonLog(const char* screen);

void TextCentered(const std::string& text);
// Centred, wrapped into lines no wider than the region left (kiosk::wrap_lines): a long clinic name
// breaks onto a second line instead of running past the window's edge.
void TextCenteredWrapped(const std::string& text);
// Continues the row when a button labelled `label` (with "✓ " when `chosen`) fits beside the last
// item, else starts a new row.
void SameLineIfFits(const std::string& label, bool chosen);
// A label aligned with the controls beside it; the next item starts at `column` (0 = right after it),
// on the next line when the label is longer than the column.
void RowLabel(const std::string& text, float column);
// A one-line text field editing `value`; true when it changed this frame. A tap on it opens the
// on-screen keyboard (touch_keyboard.cpp) for it; the keyboard's Done changes it like typing does.
bool InputString(const char* id, std::string& value, float width);
// The on-screen keyboard's link to the fields (touch_keyboard.cpp): opened for one field at a time;
// kept in step with what a physical keyboard types into that field; its text, once Done, goes back
// to the field on a later frame.
void OpenTouchKeyboard(const std::string& field, const std::string& text);
void SyncTouchKeyboard(const std::string& field, const std::string& text);
bool TouchKeyboardOpenFor(const std::string& field);
// Closes it without a result (the field it edits is no longer shown, e.g. another tab was chosen).
void CloseTouchKeyboard();
// Escape while it is open: closes it and puts the field's text back as it was when it opened; false
// when it was not open (Escape is then the screen's).
bool CancelTouchKeyboard();
std::optional<std::string> TakeTouchKeyboardResult(const std::string& field);
// InputString for a value with a secret in it (the hub address's password): shows `shown` (the value
// masked) until tapped; then the real value, while it is being edited (the field active or its
// on-screen keyboard open), and `shown` again once it is not.
bool InputStringMasked(const char* id, std::string& value, const std::string& shown, float width);
// A PIN field: digits only, shown as dots.
bool InputPin(const char* id, std::string& value, float width);
void TextWrappedColoured(const ImVec4& colour, const std::string& text);
// Text in a table cell, wrapped to the cell's width at spaces and between CJK characters, never inside
// a word that fits the cell (kiosk::wrap_lines; ImGui's own wrapping keeps a Chinese run whole).
void TextInCell(const std::string& text);
// The widest word (or CJK character) of `text` in the current font: a column this wide breaks none.
float WidestWord(const std::string& text);
// Two stretch columns of a table share `room` (what its fixed columns and the cells' padding leave),
// the first `share` of it: the width the first must be given (fixed) so that it holds its widest word
// `first_word` while the second keeps its `second_word`; 0 when the share already holds it, or when
// both cannot (then they stretch as they are and the longer words break).
float WidenedColumn(float room, float share, float first_word, float second_word);
// What a table `outer` wide with `columns` columns and a vertical scroll bar leaves its columns after
// their padding and borders.
float TableColumnsRoom(float outer, int columns);
// A table's column `label` as wide as `width` (WidenedColumn's answer), or stretching with `weight`
// when that is 0.
void SetupWidenedOrStretchedColumn(const std::string& label, float width, float weight);

// Draws `text` as a QR code (libqrencode) with its top-left at the cursor, `size` pixels wide.
void DrawQrCode(const std::string& text, float size);

}  // namespace medkiosk::ui
