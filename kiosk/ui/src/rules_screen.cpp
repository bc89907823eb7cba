// The technician's Rules tab: the county's acceptance rules (minimum shelf life, per category,
// excluded categories, unknown products) and the drives (name, dates, accepted categories). A wrong
// value is refused with the reason; a stored change makes the donation flow's policy reload.
#include <imgui.h>

#include <algorithm>

#include "layout_report.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

void RulesError(UiContext& ui, const char* field) {
    const auto& errors = ui.back_office.technician.rules_errors();
    if (auto it = errors.find(field); it != errors.end())
        TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

}  // namespace

void DrawTechnicianRules(UiContext& ui) {
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = ImGui::GetContentRegionAvail().x;
    const float column = std::min(em * 10.0f, width * 0.38f);
    const float field = width - column - spacing;
    const float action = em * 7.0f;

    if (!tech.rules()) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
        if (const auto& result = tech.rules_action().result; result && !result->ok())
            TextWrappedColoured(colours::refuse, "× " + kiosk::outcome_text(*result));
        return;
    }
    auto& draft = tech.rules_draft();
    TextWrappedColoured(colours::primary, ui.tr("tech.rules.heading"));
    RowLabel(ui.tr("tech.rules.min_days"), column);
    InputString("##min-days", draft.minimum_shelf_life_days, std::min(field, em * 6.0f));
    RulesError(ui, "minimum_shelf_life_days");
    RowLabel(ui.tr("tech.rules.by_category"), column);
    InputString("##by-category", draft.shelf_life_by_category, field);
    TextWrappedColoured(colours::muted_text, ui.tr("tech.rules.by_category_hint"));
    NoteLatinOnPurpose();  // category keys, typed as they are in every language
    RulesError(ui, "shelf_life_by_category");
    RowLabel(ui.tr("tech.rules.excluded"), column);
    InputString("##excluded", draft.excluded_categories, field);
    TextWrappedColoured(colours::muted_text, ui.tr("tech.rules.excluded_hint"));
    NoteLatinOnPurpose();
    RulesError(ui, "excluded_categories");
    RowLabel(ui.tr("tech.rules.unknown"), column);
    if (ChoiceButton(ui.tr("tech.rules.unknown_review") + "##unknown-review", draft.accept_unknown_for_review,
                     ImVec2(0, 0)))
        draft.accept_unknown_for_review = true;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("tech.rules.unknown_refuse") + "##unknown-refuse",
                     !draft.accept_unknown_for_review, ImVec2(0, 0)))
        draft.accept_unknown_for_review = false;
    ImGui::BeginDisabled(tech.rules_action().running);
    if (BigButton("✓ " + ui.tr("tech.rules.save") + "##save-rules", ImVec2(action, 0), colours::accept))
        tech.save_rules();
    ImGui::EndDisabled();
    if (tech.rules_action().running) TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    if (const auto& result = tech.rules_action().result) {
        if (result->ok())
            TextWrappedColoured(colours::accept, "✓ " + ui.tr("tech.rules.saved"));
        else
            TextWrappedColoured(colours::refuse,
                                "× " + ui.tr("tech.rules.failed") + " " + kiosk::outcome_text(*result));
    }
    ImGui::Separator();

    TextWrappedColoured(colours::primary, ui.tr("tech.drive.heading"));
    const auto& drives = tech.rules()->drives;
    if (drives.empty()) TextWrappedColoured(colours::muted_text, ui.tr("tech.drive.none"));
    for (const auto& drive : drives) {
        ImGui::PushID(static_cast<int>(drive.id));
        if (BigButton(ui.tr("tech.drive.edit") + "##edit-drive-" + std::to_string(drive.id),
                      ImVec2(em * 4.0f, 0), colours::primary))
            tech.edit_drive(drive);
        ImGui::SameLine(0, spacing);
        ImGui::AlignTextToFramePadding();
        const std::string categories = drive.accepted_categories.empty() ? ui.tr("tech.drive.all_categories")
                                                                         : join(drive.accepted_categories);
        ImGui::TextWrapped("%s  ·  %s … %s  ·  %s", drive.name.c_str(), drive.starts_on.c_str(),
                           drive.ends_on.c_str(), categories.c_str());
        ImGui::PopID();
    }
    auto& drive = tech.drive_draft();
    TextWrappedColoured(colours::primary,
                        ui.tr(drive.id == 0 ? "tech.drive.new_heading" : "tech.drive.edit_heading"));
    RowLabel(ui.tr("tech.drive.name"), column);
    InputString("##drive-name", drive.name, field);
    RulesError(ui, "drive_name");
    RowLabel(ui.tr("tech.drive.starts_on"), column);
    InputString("##drive-start", drive.starts_on, std::min(field, em * 8.0f));
    RulesError(ui, "drive_starts_on");
    RowLabel(ui.tr("tech.drive.ends_on"), column);
    InputString("##drive-end", drive.ends_on, std::min(field, em * 8.0f));
    RulesError(ui, "drive_ends_on");
    RowLabel(ui.tr("tech.drive.categories"), column);
    InputString("##drive-categories", drive.accepted_categories, field);
    RulesError(ui, "drive_categories");
    ImGui::BeginDisabled(tech.rules_action().running);
    if (BigButton("✓ " + ui.tr("tech.drive.save") + "##save-drive", ImVec2(action, 0), colours::accept))
        tech.save_drive();
    ImGui::EndDisabled();
    if (drive.id != 0) {
        ImGui::SameLine(0, spacing);
        if (BigButton(ui.tr("tech.drive.new") + "##new-drive", ImVec2(action, 0), colours::neutral))
            tech.new_drive();
    }
}

}  // namespace medkiosk::ui
