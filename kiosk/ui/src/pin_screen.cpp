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
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const PinScreenLayout layout = LayOutPinScreen();
    const float half = (layout.words_width - spacing) * 0.5f;
    ImGui::SetCursorPosX(layout.words_left);
    if (ChoiceButton(ui.tr("staff.as_staff") + "##role-staff", staff.role() == kiosk::Role::Staff,
                     ImVec2(half, 0))) {
        staff.switch_role(kiosk::Role::Staff, ui.now);
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("staff.as_technician") + "##role-technician",
                     staff.role() == kiosk::Role::Technician, ImVec2(half, 0))) {
        staff.switch_role(kiosk::Role::Technician, ui.now);
    }
    const std::string heading = ui.tr(staff.role() == kiosk::Role::Staff ? "staff.pin_heading_staff"
                                                                         : "staff.pin_heading_technician");
    DrawPinScreenBody(
        ui, staff, layout, heading,
        [&](float width, float height) {
            if (BigButton(ui.tr("staff.close") + "##close", ImVec2(width, height), colours::neutral) ||
                ui.keys.escape)
                staff.close();
        },
        "staff.pin_locked_technician");
    ImGui::End();
}

}  // namespace medkiosk::ui
