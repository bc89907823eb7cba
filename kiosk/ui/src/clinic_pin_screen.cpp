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

    DrawPinStatusAndKeys(ui, clinic, {left, pad_width, key, key_height});
    ImGui::SetCursorPosX(left);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(pad_width, 0), colours::neutral) || ui.keys.escape)
        clinic.sign_out();
    ImGui::End();
}

}  // namespace medkiosk::ui
