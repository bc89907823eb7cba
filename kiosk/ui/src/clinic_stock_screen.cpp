// Clinic mode, stock on hand: earliest expiry first, those within 30 days marked, those expired
// marked and sent to disposal in one touch.
#include <imgui.h>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawClinicStockScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-stock")) {
        ImGui::End();
        return;
    }
    auto& clinic = *ui.clinic;
    const float em = ImGui::GetFontSize();
    const std::string today = kiosk::clinic_today();
    if (DrawClinicHeading(ui, ui.tr("clinic.stock_heading"))) clinic.home(today, ui.now);
    DrawClinicMessage(ui);
    const auto& view = clinic.overview();
    if (!view) {
        ImGui::TextUnformatted(ui.tr("clinic.loading").c_str());
        ImGui::End();
        return;
    }
    if (clinic.expired() > 0) {
        TextWrappedColoured(colours::refuse, kiosk::fill(ui.tr("clinic.home_expired"),
                                                         {{"lines", std::to_string(clinic.expired())}}));
        if (BigButton(ui.tr("clinic.dispose_expired") + "##dispose", ImVec2(em * 14.0f, em * 2.2f),
                      clinic.busy() ? colours::neutral : colours::refuse))
            clinic.dispose_expired(today, ui.now);
    }
    if (view->stock.empty()) ImGui::TextUnformatted(ui.tr("clinic.stock_empty").c_str());
    ImGui::BeginChild("stock-lines", ImVec2(0, 0), false);
    if (!view->stock.empty() &&
        ImGui::BeginTable("stock", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        // The name takes two shares of the room, the state one; a date and a count only what they need
        // (all four stretched alike broke "Dextromethorphan" in two at 1024x600).
        ImGui::TableSetupColumn(ui.tr("clinic.col_product").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                2.0f);
        SetupFittedColumn(ui.tr("clinic.col_expiry"), "0000-00-00");
        SetupFittedColumn(ui.tr("clinic.col_on_hand"), "999");
        ImGui::TableSetupColumn(ui.tr("clinic.col_state").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (const auto& line : view->stock) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            TextInCell(ClinicProductName(ui, {line.name_zh, line.name_en}, line.product));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(line.expiry.empty() ? "–" : line.expiry.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", line.on_hand);
            ImGui::TableNextColumn();
            if (line.expired)
                TextWrappedColoured(colours::refuse, "× " + ui.tr("clinic.state_expired"));
            else if (line.expiring_soon)
                TextWrappedColoured(
                    colours::review,
                    "! " + kiosk::fill(ui.tr("clinic.state_soon"),
                                       {{"days", std::to_string(line.days_left.value_or(0))}}));
            else
                ImGui::TextUnformatted(ui.tr("clinic.state_ok").c_str());
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace medkiosk::ui
