// The printed expiry the kiosk read off the box (OCR), put to the donor as a yes-or-no question: "yes"
// takes it, "no" goes on to the picker.

#include <imgui.h>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawConfirmExpiryScreen(UiContext& ui) {
    if (!BeginFullscreen("confirm-expiry")) {
        ImGui::End();
        return;
    }
    const auto& current = ui.flow.current();
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    DrawLanguageSwitch(ui, em * 5.0f);
    if (current && current->proposal) {
        const auto& expiry = current->proposal->expiry;
        const std::string date =
            current->proposal->precision == scanner::ExpiryPrecision::Month
                ? kiosk::fill(ui.tr("expiry.date_month"),
                              {{"year", std::to_string(expiry.year)},
                               {"month", std::to_string(expiry.month)},
                               {"month_name", ui.tr("month." + std::to_string(expiry.month))}})
                : scanner::to_iso(expiry);
        ImGui::SetCursorPosY(area.y * 0.15f);
        ImGui::PushFont(ui.fonts.title);
        ImGui::PushTextWrapPos(0.0f);
        TextCentered(kiosk::fill(ui.tr("expiry.confirm_question"), {{"date", date}}));
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        TextCentered(ui.tr("expiry.confirm_hint"));
        ImGui::Spacing();
        ImGui::Spacing();
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float half = (area.x - spacing) * 0.5f;
        ImGui::PushFont(ui.fonts.title);
        if (BigButton("✓ " + ui.tr("action.yes") + "##yes", ImVec2(half, em * 4.0f), colours::accept) ||
            ui.keys.enter) {
            ui.donor.proposal_answer = true;
        }
        ImGui::SameLine(0, spacing);
        if (BigButton("× " + ui.tr("action.no") + "##no", ImVec2(half, em * 4.0f), colours::refuse) ||
            ui.keys.escape) {
            ui.donor.proposal_answer = false;
        }
        ImGui::PopFont();
    }
    DrawCountdown(ui);
    ImGui::End();
}

}  // namespace medkiosk::ui
