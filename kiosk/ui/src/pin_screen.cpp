// The PIN pad behind the hidden entry: staff or technician, digits shown as dots, lockout shown.
#include <imgui.h>

#include <algorithm>

#include "pin_pad.hpp"
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

    DrawPinStatusAndKeys(ui, staff, {left, pad_width, key, key_height}, "staff.pin_locked_technician");
    ImGui::SetCursorPosX(left);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(pad_width, 0), colours::neutral) || ui.keys.escape)
        staff.close();
    ImGui::End();
}

}  // namespace medkiosk::ui
