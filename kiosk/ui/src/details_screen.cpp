// The pack's details before it goes into the bin: sealed or opened, how many; "I put it in the
// donation bin" records the drop-off.

#include <imgui.h>

#include <algorithm>
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
    if (!current) {
        DrawDonorLanguageAndBack(ui);
        ImGui::End();
        return;
    }
    // The instruction and "I put it in the bin" are a bar at the foot that never scrolls: the donor
    // always sees it. What is above it scrolls when it does not fit (larger text on a 7" panel).
    const std::string instruction = "→ " + ui.tr("result.do_donation_bin");
    ImGui::PushFont(ui.fonts.title);
    const float put_height = std::max(MinTouchPx(), ImGui::GetFontSize() * 1.4f);
    ImGui::PopFont();
    const float foot = ImGui::CalcTextSize(instruction.c_str(), nullptr, false, area.x).y +
                       ImGui::GetStyle().ItemSpacing.y * 2 + put_height;
    ImGui::BeginChild("details-body", ImVec2(area.x, std::max(em * 3.0f, area.y - foot)), false);
    ScrollByDrag();
    const float body_width = ImGui::GetContentRegionAvail().x;  // less a scroll bar when it has one
    DrawDonorLanguageAndBack(ui);
    // Laid out for a 7" 1024x600 panel with 3 mm capitals: the product beside the heading, the count's
    // question beside its stepper when the line has room, "I put it in the bin" at the foot.
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("details.heading").c_str());
    ImGui::PopFont();
    if (current->product) {
        const std::string& name = ui.flow.language() == kiosk::Language::Chinese ? current->product->name_zh
                                                                                 : current->product->name_en;
        if (ImGui::CalcTextSize(name.c_str()).x + spacing <
            ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x)
            ImGui::SameLine(0, spacing * 2);
        TextWrappedColoured(colours::muted_text, name);
    }
    ImGui::TextUnformatted(ui.tr("details.condition").c_str());
    const float half = (body_width - spacing) * 0.5f;
    const float row_height = std::max(MinTouchPx(), em * 1.9f);
    if (ChoiceButton(ui.tr("details.sealed") + "##sealed", current->condition == kiosk::PackCondition::Sealed,
                     ImVec2(half, row_height))) {
        ui.donor.condition = kiosk::PackCondition::Sealed;
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("details.opened") + "##opened",
                     current->condition == kiosk::PackCondition::OpenedUsable, ImVec2(half, row_height))) {
        ui.donor.condition = kiosk::PackCondition::OpenedUsable;
    }

    const std::string& question = ui.tr("details.quantity");
    const float step_width = std::max(MinTouchPx(), em * 2.5f);
    const float number_width = em * 2.5f;
    const float stepper_width = step_width * 2 + number_width + spacing * 2;
    if (ImGui::CalcTextSize(question.c_str()).x + spacing * 2 + stepper_width <= body_width) {
        const float row_y = ImGui::GetCursorPosY();
        ImGui::SetCursorPosY(row_y + (row_height - ImGui::GetTextLineHeight()) * 0.5f);
        ImGui::TextUnformatted(question.c_str());
        ImGui::SameLine(0, spacing * 2);
        ImGui::SetCursorPosY(row_y);
    } else {
        ImGui::TextUnformatted(question.c_str());
    }
    if (BigButton("−##fewer", ImVec2(step_width, row_height), colours::primary))
        ui.donor.quantity_change = -1;
    ImGui::SameLine(0, spacing);
    ImGui::PushFont(ui.fonts.title);
    const std::string quantity = std::to_string(current->quantity);
    const ImVec2 at = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(at.x + (number_width - ImGui::CalcTextSize(quantity.c_str()).x) * 0.5f,
                               at.y + (row_height - ImGui::GetFontSize()) * 0.5f));
    ImGui::TextUnformatted(quantity.c_str());
    ImGui::PopFont();
    ImGui::SameLine(at.x + number_width + spacing);
    ImGui::SetCursorPosY(at.y);
    if (BigButton("＋##more", ImVec2(step_width, row_height), colours::primary)) ui.donor.quantity_change = 1;

    ImGui::EndChild();

    // The one instruction, then the button that says it was done, at the foot of the screen.
    TextWrappedColoured(colours::accept, instruction);
    ImGui::PushFont(ui.fonts.title);
    if (BigButton("✓ " + ui.tr("details.put_in_bin") + "##put", ImVec2(area.x, put_height),
                  colours::accept) ||
        ui.keys.enter) {
        ui.donor.confirm = true;
    }
    ImGui::PopFont();
    ImGui::End();
}

}  // namespace medkiosk::ui
