// The clinic staff's PIN pad (users of the role "clinic"): digits as dots, lockout and why the
// sign-in is unavailable (no clinic user, a clinic id the county does not know) shown.
#include <imgui.h>

#include <algorithm>

#include "pin_pad.hpp"
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
    const PinScreenLayout layout = LayOutPinScreen();
    const float switch_width = std::min(layout.words_width, em * 5.0f);
    ImGui::SetCursorPosX(layout.words_left + layout.words_width - switch_width);
    DrawLanguageSwitch(ui, switch_width);
    DrawPinScreenBody(ui, clinic, layout, ui.tr("clinic.pin_heading"), [&](float width, float height) {
        if (BigButton(ui.tr("staff.close") + "##close", ImVec2(width, height), colours::neutral) ||
            ui.keys.escape)
            clinic.sign_out();
    });
    ImGui::End();
}

}  // namespace medkiosk::ui
