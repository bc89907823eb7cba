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
    const bool editable = manifest && !clinic.already_confirmed() && !clinic.busy();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button_height = em * 2.4f;
    // The actions stay in view below a list that scrolls together with what is said above it: on a 7"
    // panel the delivery's message alone can fill the screen.
    const float footer = manifest ? button_height + style.ItemSpacing.y : 0.0f;
    ImGui::BeginChild("lines", ImVec2(0, -footer), false);
    const float preview_width = std::min(em * 10.0f, ImGui::GetContentRegionAvail().x * 0.3f);
    DrawPreview(ui, preview_width);
    ImGui::SameLine();
    ImGui::BeginGroup();
    if (!manifest) {
        TextWrappedColoured(colours::text, ui.tr("clinic.arrival_scan_manifest"));
    } else {
        TextWrappedColoured(colours::text, kiosk::fill(ui.tr("clinic.arrival_from"),
                                                       {{"kiosk", manifest->kiosk_id},
                                                        {"packs", std::to_string(manifest->packs())},
                                                        {"date", manifest->dispatched_on}}));
        TextWrappedColoured(colours::muted_text, ui.tr(clinic.counting_packs() ? "clinic.arrival_counting"
                                                                               : "clinic.arrival_as_listed"));
    }
    DrawClinicMessage(ui);
    ImGui::EndGroup();

    if (manifest &&
        ImGui::BeginTable("arrival-lines", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        // Only the product's name stretches; the counts are as wide as their heading, the two with
        // − n ＋ as wide as that (ImGui's default stretched all six alike and squeezed the steppers).
        const auto stepper_column = [&](const std::string& label) {
            if (editable)
                SetupStepperColumn(label);
            else
                SetupFittedColumn(label, "999");
        };
        ImGui::TableSetupColumn(ui.tr("clinic.col_product").c_str(), ImGuiTableColumnFlags_WidthStretch);
        SetupFittedColumn(ui.tr("clinic.col_expiry"), "0000-00-00");
        SetupFittedColumn(ui.tr("clinic.col_listed"), "999");
        stepper_column(ui.tr("clinic.col_received"));
        stepper_column(ui.tr("clinic.col_damaged"));
        SetupFittedColumn(ui.tr("clinic.col_missing"), "999");
        ImGui::TableHeadersRow();
        // A copy: a − may remove an extra line while the table is drawn.
        const auto lines = clinic.arrival_lines();
        for (const auto& line : lines) {
            const std::string id = std::to_string(line.line.line);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            std::string name = ClinicProductName(ui, line.names, line.line.product);
            if (line.extra) name = ui.tr("clinic.extra_mark") + name;
            TextInCell(name);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(line.line.expiry.empty() ? "–" : line.line.expiry.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(line.extra ? "–" : std::to_string(line.line.quantity).c_str());
            ImGui::TableNextColumn();
            if (editable) {
                if (auto v =
                        DrawStepper("received-" + id, line.received, line.extra ? 9999 : line.line.quantity))
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
    if (manifest) {
        // 12 and 10 letters wide, or less in the same proportion when a portrait panel has not the room.
        float confirm_width = editable ? em * 12.0f : 0.0f;
        float another_width = em * 10.0f;
        const float room = ImGui::GetContentRegionAvail().x - (editable ? style.ItemSpacing.x : 0.0f);
        if (confirm_width + another_width > room) {
            const float scale = room / (confirm_width + another_width);
            confirm_width *= scale;
            another_width *= scale;
        }
        if (editable) {
            if (BigButton(ui.tr("clinic.arrival_confirm") + "##confirm", ImVec2(confirm_width, button_height),
                          colours::accept))
                clinic.confirm_arrival(ui.now);
            ImGui::SameLine();
        }
        if (BigButton(ui.tr("clinic.arrival_another") + "##another", ImVec2(another_width, button_height),
                      colours::neutral))
            clinic.forget_manifest(ui.now);
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
