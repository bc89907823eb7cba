// Pieces several screens share: the idle countdown line, the language switch, a donor step's
// language-and-back row, and a staff sub-screen's language-and-back header.

#include <imgui.h>

#include <algorithm>
#include <string>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawCountdown(UiContext& ui) {
    const auto countdown = ui.flow.countdown_seconds(ui.now);
    if (!countdown) return;
    TextWrappedColoured(colours::refuse,
                        kiosk::fill(ui.tr("scan.countdown"), {{"seconds", std::to_string(*countdown)}}));
}

bool DrawLanguageSwitch(UiContext& ui, float width) {
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    if (BigButton(ui.tr("scan.language_switch") + "##language", ImVec2(width, ImGui::GetFontSize() * 1.8f),
                  colours::neutral)) {
        ui.donor.language = chinese ? kiosk::Language::English : kiosk::Language::Chinese;
        return true;
    }
    return false;
}

void DrawDonorLanguageAndBack(UiContext& ui) {
    const float em = ImGui::GetFontSize();
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x);
    if (BigButton("← " + ui.tr("action.back") + "##back", ImVec2(em * 5.0f, em * 1.8f), colours::neutral) ||
        ui.keys.escape) {
        ui.donor.back = true;
    }
}

bool DrawLanguageAndBack(UiContext& ui) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const std::string back_label = "← " + ui.tr("staff.back") + "##back";
    const float back_width = std::max(
        kMinTouchPx, ImGui::CalcTextSize(back_label.c_str(), nullptr, true).x + style.FramePadding.x * 2);
    const float language_width = ImGui::GetFontSize() * 4.5f;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - back_width -
                                                         language_width - style.ItemSpacing.x));
    DrawLanguageSwitch(ui, language_width);
    ImGui::SameLine();
    return BigButton(back_label, ImVec2(0, ImGui::GetFrameHeight()), colours::neutral) || ui.keys.escape;
}

}  // namespace medkiosk::ui
