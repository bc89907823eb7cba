// The pack's details before it goes into the bin: sealed or opened, how many; "I put it in the
// donation bin" records the drop-off.

#include <imgui.h>

#include <string>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawDetailsScreen(UiContext& ui) {
    if (!BeginFullscreen("details")) {
        ImGui::End();
        return;
    }
    const auto& current = ui.flow.current();
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    DrawDonorLanguageAndBack(ui);
    if (!current) {
        ImGui::End();
        return;
    }
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("details.heading"));
    ImGui::PopFont();
    if (current->product) {
        TextWrappedColoured(colours::muted_text, ui.flow.language() == kiosk::Language::Chinese
                                                     ? current->product->name_zh
                                                     : current->product->name_en);
    }
    ImGui::Spacing();
    ImGui::TextUnformatted(ui.tr("details.condition").c_str());
    const float half = (area.x - spacing) * 0.5f;
    const float row_height = em * 3.0f;
    if (ChoiceButton(ui.tr("details.sealed") + "##sealed", current->condition == kiosk::PackCondition::Sealed,
                     ImVec2(half, row_height))) {
        ui.donor.condition = kiosk::PackCondition::Sealed;
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("details.opened") + "##opened",
                     current->condition == kiosk::PackCondition::OpenedUsable, ImVec2(half, row_height))) {
        ui.donor.condition = kiosk::PackCondition::OpenedUsable;
    }
    ImGui::Spacing();
    ImGui::TextUnformatted(ui.tr("details.quantity").c_str());
    const float step_width = em * 4.0f;
    if (BigButton("−##fewer", ImVec2(step_width, row_height), colours::primary))
        ui.donor.quantity_change = -1;
    ImGui::SameLine(0, spacing);
    ImGui::PushFont(ui.fonts.title);
    const std::string quantity = std::to_string(current->quantity);
    const float number_width = em * 3.0f;
    const ImVec2 at = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(at.x + (number_width - ImGui::CalcTextSize(quantity.c_str()).x) * 0.5f,
                               at.y + (row_height - ImGui::GetFontSize()) * 0.5f));
    ImGui::TextUnformatted(quantity.c_str());
    ImGui::PopFont();
    ImGui::SameLine(at.x + number_width + spacing);
    ImGui::SetCursorPosY(at.y);
    if (BigButton("＋##more", ImVec2(step_width, row_height), colours::primary)) ui.donor.quantity_change = 1;
    ImGui::Spacing();
    ImGui::Spacing();
    ImGui::PushFont(ui.fonts.title);
    if (BigButton("✓ " + ui.tr("details.put_in_bin") + "##put", ImVec2(area.x, em * 2.6f), colours::accept) ||
        ui.keys.enter) {
        ui.donor.confirm = true;
    }
    ImGui::PopFont();
    TextWrappedColoured(colours::accept, "→ " + ui.tr("result.do_donation_bin"));
    ImGui::End();
}

}  // namespace medkiosk::ui
