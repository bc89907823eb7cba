// The PIN pad behind the hidden entry: staff or technician, digits shown as dots, lockout shown.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawPinScreen(UiContext& ui) {
    if (!BeginFullscreen("pin")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float pad_width = std::min(area.x, em * 16.0f);
    const float key = (pad_width - 2 * spacing) / 3.0f;
    const float key_height = std::min(key * 0.6f, (area.y - em * 9.0f) / 4.0f - spacing);
    const float left = (area.x - pad_width) * 0.5f + ImGui::GetStyle().WindowPadding.x;

    ImGui::SetCursorPosX(left);
    if (ChoiceButton(ui.tr("staff.as_staff") + "##role-staff", staff.role() == kiosk::Role::Staff,
                     ImVec2((pad_width - spacing) * 0.5f, 0))) {
        staff.switch_role(kiosk::Role::Staff, ui.now);
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("staff.as_technician") + "##role-technician",
                     staff.role() == kiosk::Role::Technician, ImVec2((pad_width - spacing) * 0.5f, 0))) {
        staff.switch_role(kiosk::Role::Technician, ui.now);
    }
    ImGui::PushFont(ui.fonts.title);
    TextCentered(ui.tr(staff.role() == kiosk::Role::Staff ? "staff.pin_heading_staff"
                                                          : "staff.pin_heading_technician"));
    std::string dots;
    for (std::size_t i = 0; i < staff.pin_length(); ++i) dots += "● ";
    TextCentered(dots.empty() ? std::string("–") : dots);
    ImGui::PopFont();

    std::string status = ui.tr("staff.pin_hint");
    ImVec4 status_colour = colours::muted_text;
    if (staff.checking()) {
        status = ui.tr("staff.pin_checking");
    } else if (staff.locked(ui.now) && staff.last_check() && !staff.last_check()->message.empty()) {
        status = "× " + ui.tr("staff.pin_locked_technician");
        status_colour = colours::refuse;
    } else if (staff.locked(ui.now)) {
        status = "× " + kiosk::fill(ui.tr("staff.pin_locked"),
                                    {{"seconds", std::to_string(staff.locked_seconds(ui.now))}});
        status_colour = colours::refuse;
    } else if (const auto& check = staff.last_check()) {
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
    ImGui::PushTextWrapPos(left + pad_width);
    ImGui::PushStyleColor(ImGuiCol_Text, status_colour);
    ImGui::TextUnformatted(status.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();

    for (const char digit : ui.keys.digits) staff.press_digit(digit - '0', ui.now);
    if (ui.keys.backspace) staff.erase(ui.now);
    static const char* kKeys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"};
    for (int i = 0; i < 12; ++i) {
        if (i % 3 == 0)
            ImGui::SetCursorPosX(left);
        else
            ImGui::SameLine(0, spacing);
        const std::string name = kKeys[i];
        if (name == "erase") {
            if (BigButton(ui.tr("staff.erase") + "##erase", ImVec2(key, key_height), colours::neutral))
                staff.erase(ui.now);
        } else if (name == "ok") {
            if (BigButton(ui.tr("staff.ok") + "##ok", ImVec2(key, key_height), colours::accept) ||
                ui.keys.enter)
                staff.submit(ui.now);
        } else if (BigButton(name + "##digit" + name, ImVec2(key, key_height), colours::primary)) {
            staff.press_digit(name[0] - '0', ui.now);
        }
    }
    ImGui::SetCursorPosX(left);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(pad_width, 0), colours::neutral) || ui.keys.escape)
        staff.close();
    ImGui::End();
}

}  // namespace medkiosk::ui
