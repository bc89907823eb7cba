#pragma once
// The PIN pad's status line and keys, shared by the staff/technician sign-in (pin_screen.cpp) and the
// clinic sign-in (clinic_pin_screen.cpp): any flow with pin_length, checking, locked, locked_seconds,
// last_check, press_digit, erase and submit.
#include <imgui.h>

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

// `locked_by_technician_key`: shown instead of the countdown when a lockout came with a message (the
// technician's own PIN locked); null where that cannot happen.
template <typename PinFlow>
void DrawPinStatusAndKeys(UiContext& ui, PinFlow& pin, const PinPadLayout& pad,
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
    ImGui::SetCursorPosX(pad.left);
    ImGui::PushTextWrapPos(pad.left + pad.width);
    ImGui::PushStyleColor(ImGuiCol_Text, status_colour);
    ImGui::TextUnformatted(status.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();

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

}  // namespace medkiosk::ui
