// The clinic staff's PIN pad (users of the role "clinic"): digits as dots, lockout and why the
// sign-in is unavailable (no clinic user, a clinic id the county does not know) shown.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawClinicPinScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-pin")) {
        ImGui::End();
        return;
    }
    auto& clinic = *ui.clinic;
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float pad_width = std::min(area.x, em * 16.0f);
    const float key = (pad_width - 2 * spacing) / 3.0f;
    const float key_height = std::min(key * 0.6f, (area.y - em * 9.0f) / 4.0f - spacing);
    const float left = (area.x - pad_width) * 0.5f + ImGui::GetStyle().WindowPadding.x;

    ImGui::SetCursorPosX(left + pad_width - em * 5.0f);
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::PushFont(ui.fonts.title);
    TextCentered(ui.tr("clinic.pin_heading"));
    std::string dots;
    for (std::size_t i = 0; i < clinic.pin_length(); ++i) dots += "● ";
    TextCentered(dots.empty() ? std::string("–") : dots);
    ImGui::PopFont();

    std::string status = ui.tr("staff.pin_hint");
    ImVec4 status_colour = colours::muted_text;
    if (clinic.checking()) {
        status = ui.tr("staff.pin_checking");
    } else if (clinic.locked(ui.now)) {
        status = "× " + kiosk::fill(ui.tr("staff.pin_locked"),
                                    {{"seconds", std::to_string(clinic.locked_seconds(ui.now))}});
        status_colour = colours::refuse;
    } else if (const auto& check = clinic.last_check()) {
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

    for (const char digit : ui.keys.digits) clinic.press_digit(digit - '0', ui.now);
    if (ui.keys.backspace) clinic.erase(ui.now);
    static const char* kKeys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"};
    for (int i = 0; i < 12; ++i) {
        if (i % 3 == 0)
            ImGui::SetCursorPosX(left);
        else
            ImGui::SameLine(0, spacing);
        const std::string name = kKeys[i];
        if (name == "erase") {
            if (BigButton(ui.tr("staff.erase") + "##erase", ImVec2(key, key_height), colours::neutral))
                clinic.erase(ui.now);
        } else if (name == "ok") {
            if (BigButton(ui.tr("staff.ok") + "##ok", ImVec2(key, key_height), colours::accept) ||
                ui.keys.enter)
                clinic.submit(ui.now);
        } else if (BigButton(name + "##digit" + name, ImVec2(key, key_height), colours::primary)) {
            clinic.press_digit(name[0] - '0', ui.now);
        }
    }
    ImGui::SetCursorPosX(left);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(pad_width, 0), colours::neutral) || ui.keys.escape)
        clinic.sign_out();
    ImGui::End();
}

}  // namespace medkiosk::ui
