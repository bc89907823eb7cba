// The technician's settings: camera, resolution, diagnostics, kiosk identity, hub, catalogue, language.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

void FieldError(UiContext& ui, const char* field) {
    const auto& errors = ui.back_office.technician.errors();
    if (auto it = errors.find(field); it != errors.end()) TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

}  // namespace

void DrawTechnicianScreen(UiContext& ui) {
    if (!BeginFullscreen("technician")) {
        ImGui::End();
        return;
    }
    auto& tech = ui.back_office.technician;
    auto& draft = tech.draft();
    const auto& meter = ui.back_office.diagnostics;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float column = std::min(em * 9.0f, area.x * 0.4f);
    const float field = area.x - column - spacing;

    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("tech.heading").c_str());
    ImGui::PopFont();
    ImGui::SameLine(area.x - em * 5.0f);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(em * 5.0f, 0), colours::neutral) || ui.keys.escape) {
        ui.back_office.staff.close();
        ImGui::End();
        return;
    }
    ImGui::BeginChild("settings", ImVec2(0, 0), false);
    TextWrappedColoured(colours::primary, ui.tr("tech.diagnostics"));
    char line[160];
    std::snprintf(line, sizeof line, "%s %.1f   ·   %s %.1f   ·   %s %.0f", ui.tr("tech.fps").c_str(), meter.fps(),
                  ui.tr("tech.decode_ms").c_str(), meter.decode_ms(), ui.tr("tech.codes_per_minute").c_str(), meter.codes_per_minute());
    ImGui::TextWrapped("%s", line);
    ImGui::Separator();

    RowLabel(ui.tr("tech.camera"), column);
    InputString("##camera", draft.camera, field);
    FieldError(ui, "camera");
    RowLabel(ui.tr("tech.resolution"), column);
    static const std::pair<int, int> kResolutions[] = {{640, 480}, {1280, 720}, {1920, 1080}};
    for (const auto& [w, h] : kResolutions) {
        const std::string label = std::to_string(w) + "×" + std::to_string(h) + "##res" + std::to_string(w);
        if (ChoiceButton(label, draft.width == w && draft.height == h, ImVec2(0, 0))) {
            draft.width = w;
            draft.height = h;
        }
        ImGui::SameLine(0, spacing);
    }
    ImGui::NewLine();
    FieldError(ui, "resolution");
    RowLabel(ui.tr("tech.idle_timeout"), column);
    if (BigButton("−##idle-less", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds -= 15;
    ImGui::SameLine(0, spacing);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%d", draft.idle_timeout_seconds);
    ImGui::SameLine(0, spacing);
    if (BigButton("＋##idle-more", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds += 15;
    FieldError(ui, "idle_timeout");
    RowLabel(ui.tr("tech.language"), column);
    if (ChoiceButton("中文##lang-zh", draft.language == kiosk::Language::Chinese, ImVec2(0, 0))) draft.language = kiosk::Language::Chinese;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton("English##lang-en", draft.language == kiosk::Language::English, ImVec2(0, 0))) draft.language = kiosk::Language::English;
    RowLabel(ui.tr("tech.kiosk_id"), column);
    InputString("##kiosk-id", draft.kiosk_id, field);
    FieldError(ui, "kiosk_id");
    RowLabel(ui.tr("tech.location"), column);
    InputString("##location", draft.location, field);
    FieldError(ui, "location");
    RowLabel(ui.tr("tech.hub_url"), column);
    InputString("##hub", draft.hub_url, field - em * 8.0f - spacing);
    ImGui::SameLine(0, spacing);
    ImGui::BeginDisabled(tech.hub_test().running);
    if (BigButton(ui.tr("tech.test_hub") + "##test-hub", ImVec2(em * 8.0f, 0), colours::primary)) tech.test_hub();
    ImGui::EndDisabled();
    FieldError(ui, "hub_url");
    if (tech.hub_test().running) TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    if (const auto& result = tech.hub_test().result) {
        TextWrappedColoured(result->ok ? colours::accept : colours::refuse, (result->ok ? "✓ " : "× ") + result->message);
    }
    RowLabel(ui.tr("tech.catalogue_file"), column);
    InputString("##catalogue", draft.catalogue_file, field - em * 8.0f - spacing);
    ImGui::SameLine(0, spacing);
    ImGui::BeginDisabled(tech.catalogue_import().running);
    if (BigButton(ui.tr("tech.import") + "##import", ImVec2(em * 8.0f, 0), colours::primary)) tech.import_catalogue();
    ImGui::EndDisabled();
    const kiosk::TaskProgress progress = ui.back_office.office.import_progress();
    if (tech.catalogue_import().running) {
        if (progress.known) ImGui::ProgressBar(static_cast<float>(progress.fraction), ImVec2(-1, 0), progress.label.c_str());
        else TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    }
    if (const auto& result = tech.catalogue_import().result) {
        TextWrappedColoured(result->ok ? colours::accept : colours::refuse, (result->ok ? "✓ " : "× ") + result->message);
    }
    ImGui::Separator();
    if (BigButton("✓ " + ui.tr("tech.save") + "##save", ImVec2(em * 8.0f, 0), colours::accept)) {
        if (tech.save()) {
            ui.flow.set_language(draft.language, ui.now);
        }
    }
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("tech.revert") + "##revert", ImVec2(em * 8.0f, 0), colours::neutral)) tech.revert();
    if (!tech.dirty() && tech.errors().empty()) TextWrappedColoured(colours::muted_text, ui.tr("tech.saved"));
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace medkiosk::ui
