// Clinic mode, a dispatch arriving: the camera reads the manifest QR, its lines show as listed;
// scanning packs instead counts them (a pack not listed becomes an extra line); missing and damaged
// are set per line with − ＋; confirm records it once.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

void DrawPreview(UiContext& ui, float width) {
    if (ui.preview.id() == nullptr || ui.preview.width() <= 0) return;
    const float height =
        width * static_cast<float>(ui.preview.height()) / static_cast<float>(ui.preview.width());
    ImGui::Image(ui.preview.id(), ImVec2(width, height));
}

}  // namespace

void DrawClinicArrivalScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-arrival")) {
        ImGui::End();
        return;
    }
    auto& clinic = *ui.clinic;
    const float em = ImGui::GetFontSize();
    if (DrawClinicHeading(ui, ui.tr("clinic.arrival_heading"))) clinic.home(kiosk::clinic_today(), ui.now);
    const auto& manifest = clinic.manifest();
    const float preview_width = std::min(em * 10.0f, ImGui::GetContentRegionAvail().x * 0.3f);
    DrawPreview(ui, preview_width);
    ImGui::SameLine();
    ImGui::BeginGroup();
    if (!manifest) {
        TextWrappedColoured(colours::text, ui.tr("clinic.arrival_scan_manifest"));
    } else {
        ImGui::TextUnformatted(
            kiosk::fill(ui.tr("clinic.arrival_from"), {{"kiosk", manifest->kiosk_id},
                                                       {"packs", std::to_string(manifest->packs())},
                                                       {"date", manifest->dispatched_on}})
                .c_str());
        TextWrappedColoured(colours::muted_text, ui.tr(clinic.counting_packs() ? "clinic.arrival_counting"
                                                                               : "clinic.arrival_as_listed"));
    }
    DrawClinicMessage(ui);
    ImGui::EndGroup();

    if (manifest) {
        const bool editable = !clinic.already_confirmed() && !clinic.busy();
        const float footer = em * 3.2f;
        ImGui::BeginChild("lines", ImVec2(0, ImGui::GetContentRegionAvail().y - footer), false);
        if (ImGui::BeginTable("arrival-lines", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            ImGui::TableSetupColumn(ui.tr("clinic.col_product").c_str(), ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn(ui.tr("clinic.col_expiry").c_str());
            ImGui::TableSetupColumn(ui.tr("clinic.col_listed").c_str());
            ImGui::TableSetupColumn(ui.tr("clinic.col_received").c_str());
            ImGui::TableSetupColumn(ui.tr("clinic.col_damaged").c_str());
            ImGui::TableSetupColumn(ui.tr("clinic.col_missing").c_str());
            ImGui::TableHeadersRow();
            // A copy: a − may remove an extra line while the table is drawn.
            const auto lines = clinic.arrival_lines();
            for (const auto& line : lines) {
                const std::string id = std::to_string(line.line.line);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                std::string name = ClinicProductName(ui, line.names, line.line.product);
                if (line.extra) name = ui.tr("clinic.extra_mark") + name;
                ImGui::TextWrapped("%s", name.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(line.line.expiry.empty() ? "–" : line.line.expiry.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(line.extra ? "–" : std::to_string(line.line.quantity).c_str());
                ImGui::TableNextColumn();
                if (editable) {
                    if (auto v = DrawStepper("received-" + id, line.received,
                                             line.extra ? 9999 : line.line.quantity))
                        clinic.set_received(line.line.line, *v, ui.now);
                } else {
                    ImGui::Text("%d", line.received);
                }
                ImGui::TableNextColumn();
                if (editable) {
                    if (auto v = DrawStepper("damaged-" + id, line.damaged, line.received))
                        clinic.set_damaged(line.line.line, *v, ui.now);
                } else {
                    ImGui::Text("%d", line.damaged);
                }
                ImGui::TableNextColumn();
                if (line.missing() > 0)
                    TextWrappedColoured(colours::refuse, std::to_string(line.missing()));
                else
                    ImGui::TextUnformatted("0");
            }
            ImGui::EndTable();
        }
        ImGui::EndChild();
        if (editable) {
            if (BigButton(ui.tr("clinic.arrival_confirm") + "##confirm", ImVec2(em * 12.0f, em * 2.4f),
                          colours::accept))
                clinic.confirm_arrival(ui.now);
            ImGui::SameLine();
        }
        if (BigButton(ui.tr("clinic.arrival_another") + "##another", ImVec2(em * 10.0f, em * 2.4f),
                      colours::neutral))
            clinic.forget_manifest(ui.now);
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
