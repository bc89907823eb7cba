#pragma once
// The PIN pad's status line and keys, shared by the staff/technician sign-in (pin_screen.cpp) and the
// clinic sign-in (clinic_pin_screen.cpp): any flow with pin_length, checking, locked, locked_seconds,
// last_check, press_digit, erase and submit.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

struct PinPadLayout {
    float left = 0;   // x of the pad's left edge
    float width = 0;  // the pad's width
    float key = 0;    // one key's width
    float key_height = 0;
};

// A PIN screen's two parts: the words (heading, dots, status, Close) and the 4 x 3 keys. Four rows of
// 11 mm keys under the words do not fit a 7" 1024x600 panel with 3 mm capitals: in landscape the keys
// take the full height beside the words.
struct PinScreenLayout {
    bool side_by_side = false;
    ImVec2 start;  // the cursor where both parts begin
    float words_left = 0;
    float words_width = 0;
    PinPadLayout pad;
};

inline PinScreenLayout LayOutPinScreen() {
    const float em = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = style.ItemSpacing.x;
    PinScreenLayout layout;
    layout.start = ImGui::GetCursorPos();
    layout.side_by_side = area.x >= area.y;
    if (layout.side_by_side) {
        layout.words_width = std::floor((area.x - spacing) * 0.45f);
        layout.words_left = layout.start.x;
        layout.pad.width = std::min(area.x - layout.words_width - spacing, em * 16.0f);
        layout.pad.left = layout.start.x + area.x - layout.pad.width;
        layout.pad.key = (layout.pad.width - 2 * spacing) / 3.0f;
        layout.pad.key_height = std::max(
            MinTouchPx(), std::min(layout.pad.key * 0.8f, (area.y - style.ItemSpacing.y * 3) / 4.0f));
    } else {
        layout.words_width = std::min(area.x, em * 16.0f);
        layout.words_left = layout.start.x + (area.x - layout.words_width) * 0.5f;
        layout.pad = {layout.words_left, layout.words_width, (layout.words_width - 2 * spacing) / 3.0f, 0};
        layout.pad.key_height = std::max(MinTouchPx(), layout.pad.key * 0.6f);
    }
    return layout;
}

// `text` centred in the words' column.
inline void PinWordsCentred(const PinScreenLayout& layout, const std::string& text) {
    const float width = std::min(layout.words_width, ImGui::CalcTextSize(text.c_str()).x);
    ImGui::SetCursorPosX(layout.words_left + (layout.words_width - width) * 0.5f);
    ImGui::PushTextWrapPos(layout.words_left + layout.words_width);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
}

// `locked_by_technician_key`: shown instead of the countdown when a lockout came with a message (the
// technician's own PIN locked); null where that cannot happen.
template <typename PinFlow>
void DrawPinStatus(UiContext& ui, PinFlow& pin, float left, float width,
                   const char* locked_by_technician_key = nullptr) {
    std::string status = ui.tr("staff.pin_hint");
    ImVec4 status_colour = colours::muted_text;
    if (pin.checking()) {
        status = ui.tr("staff.pin_checking");
    } else if (locked_by_technician_key != nullptr && pin.locked(ui.now) && pin.last_check() &&
               !pin.last_check()->message.empty()) {
        status = "× " + ui.tr(locked_by_technician_key);
        status_colour = colours::refuse;
    } else if (pin.locked(ui.now) && pin.last_check() &&
               pin.last_check()->outcome == kiosk::PinCheck::Outcome::Wrong) {
        status = "× " + kiosk::fill(ui.tr("staff.pin_wrong_wait"),
                                    {{"attempts", std::to_string(pin.last_check()->attempts_left)},
                                     {"seconds", std::to_string(pin.locked_seconds(ui.now))}});
        status_colour = colours::refuse;
    } else if (pin.locked(ui.now)) {
        status = "× " + kiosk::fill(ui.tr("staff.pin_locked"),
                                    {{"seconds", std::to_string(pin.locked_seconds(ui.now))}});
        status_colour = colours::refuse;
    } else if (const auto& check = pin.last_check()) {
        if (check->outcome == kiosk::PinCheck::Outcome::Wrong) {
            status = "× " + kiosk::fill(ui.tr("staff.pin_wrong"),
                                        {{"attempts", std::to_string(check->attempts_left)}});
            status_colour = colours::refuse;
        } else if (check->outcome == kiosk::PinCheck::Outcome::Unavailable) {
            status = "× " + ui.tr("staff.pin_unavailable") + " " + check->message;
            status_colour = colours::refuse;
        }
    }
    ImGui::SetCursorPosX(left);
    ImGui::PushTextWrapPos(left + width);
    ImGui::PushStyleColor(ImGuiCol_Text, status_colour);
    ImGui::TextUnformatted(status.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
}

// The keys, from the cursor's line down; digits and Backspace typed on a keyboard count too.
template <typename PinFlow>
void DrawPinKeys(UiContext& ui, PinFlow& pin, const PinPadLayout& pad) {
    for (const char digit : ui.keys.digits) pin.press_digit(digit - '0', ui.now);
    if (ui.keys.backspace) pin.erase(ui.now);
    static const char* kKeys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"};
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    for (int i = 0; i < 12; ++i) {
        if (i % 3 == 0)
            ImGui::SetCursorPosX(pad.left);
        else
            ImGui::SameLine(0, spacing);
        const std::string name = kKeys[i];
        const ImVec2 size(pad.key, pad.key_height);
        if (name == "erase") {
            if (BigButton(ui.tr("staff.erase") + "##erase", size, colours::neutral)) pin.erase(ui.now);
        } else if (name == "ok") {
            if (BigButton(ui.tr("staff.ok") + "##ok", size, colours::accept) || ui.keys.enter)
                pin.submit(ui.now);
        } else if (BigButton(name + "##digit" + name, size, colours::primary)) {
            pin.press_digit(name[0] - '0', ui.now);
        }
    }
}

// The whole PIN screen below its top line: heading, dots, status and Close (`close` returns true when
// tapped) beside or above the keys.
template <typename PinFlow, typename CloseButton>
void DrawPinScreenBody(UiContext& ui, PinFlow& pin, const PinScreenLayout& layout, const std::string& heading,
                       CloseButton close, const char* locked_by_technician_key = nullptr) {
    ImGui::PushFont(ui.fonts.title);
    PinWordsCentred(layout, heading);
    std::string dots;
    for (std::size_t i = 0; i < pin.pin_length(); ++i) dots += "● ";
    PinWordsCentred(layout, dots.empty() ? std::string("–") : dots);
    ImGui::PopFont();
    DrawPinStatus(ui, pin, layout.words_left, layout.words_width, locked_by_technician_key);
    if (layout.side_by_side) {
        const float close_height = std::max(MinTouchPx(), ImGui::GetFrameHeight());
        ImGui::SetCursorPos(
            ImVec2(layout.words_left,
                   std::max(ImGui::GetCursorPosY(), ImGui::GetWindowContentRegionMax().y - close_height)));
        close(layout.words_width, close_height);
        ImGui::SetCursorPos(ImVec2(layout.pad.left, layout.start.y));
        DrawPinKeys(ui, pin, layout.pad);
    } else {
        DrawPinKeys(ui, pin, layout.pad);
        ImGui::SetCursorPosX(layout.words_left);
        close(layout.words_width, 0.0f);
    }
}

}  // namespace medkiosk::ui
