// Clinic mode, giving packs out: a scanned pack is given out from its line that expires first, or a
// line is chosen with a quantity set by − ＋. Anonymous: a count and a day, never a patient.
#include <imgui.h>

#include <algorithm>
#include <map>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawClinicGiveOutScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-give-out")) {
        ImGui::End();
        return;
    }
    auto& clinic = *ui.clinic;
    const float em = ImGui::GetFontSize();
    const std::string today = kiosk::clinic_today();
    if (DrawClinicHeading(ui, ui.tr("clinic.give_out_heading"))) clinic.home(today, ui.now);
    TextWrappedColoured(colours::muted_text, ui.tr("clinic.give_out_how"));
    DrawClinicMessage(ui);
    // The quantity chosen per line, kept while the screen is open (a line is arrival uuid and number).
    static std::map<std::string, int> chosen;
    const auto& view = clinic.overview();
    if (!view) {
        chosen.clear();
        ImGui::TextUnformatted(ui.tr("clinic.loading").c_str());
        ImGui::End();
        return;
    }
    int shown = 0;
    const float give_width = em * 6.0f;
    ImGui::BeginChild("give-out-lines", ImVec2(0, 0), false);
    if (ImGui::BeginTable("give-out", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn(ui.tr("clinic.col_product").c_str(), ImGuiTableColumnFlags_WidthStretch);
        // Only the name stretches (ImGui's default stretched all five alike: the stepper's ＋ lay on
        // the Give out button, which ran past the window at 1024x600).
        SetupFittedColumn(ui.tr("clinic.col_expiry"), "! 0000-00-00");  // the warning and date on one line
        SetupFittedColumn(ui.tr("clinic.col_on_hand"), "999");
        SetupStepperColumn(ui.tr("clinic.col_quantity"));
        ImGui::TableSetupColumn("##give", ImGuiTableColumnFlags_WidthFixed, give_width);
        ImGui::TableHeadersRow();
        for (const auto& line : view->stock) {
            if (line.expired || line.on_hand <= 0) continue;  // expired packs are never given out
            // Buttons are named by row (give-0, more-quantity-0 …); the chosen quantity by line.
            const std::string id = std::to_string(shown++);
            int& quantity =
                chosen.try_emplace(line.arrival_uuid + "-" + std::to_string(line.line), 1).first->second;
            quantity = std::clamp(quantity, 1, line.on_hand);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            TextInCell(ClinicProductName(ui, {line.name_zh, line.name_en}, line.product));
            ImGui::TableNextColumn();
            if (line.expiring_soon)
                TextWrappedColoured(colours::review, "! " + line.expiry);
            else
                ImGui::TextUnformatted(line.expiry.empty() ? "–" : line.expiry.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", line.on_hand);
            ImGui::TableNextColumn();
            if (auto v = DrawStepper("quantity-" + id, quantity, line.on_hand)) {
                quantity = std::max(1, *v);
                clinic.touch(ui.now);
            }
            ImGui::TableNextColumn();
            if (BigButton(ui.tr("clinic.give_out_button") + "##give-" + id, ImVec2(give_width, 0),
                          clinic.busy() ? colours::neutral : colours::accept))
                clinic.give_out(line.arrival_uuid, line.line, quantity, today, ui.now);
        }
        ImGui::EndTable();
    }
    if (shown == 0) ImGui::TextUnformatted(ui.tr("clinic.give_out_nothing").c_str());
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace medkiosk::ui
