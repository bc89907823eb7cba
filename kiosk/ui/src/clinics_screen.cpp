// The technician screen's Clinics tab: the kiosk's clinic list by township (the hub's, read-only, and
// the kiosk's own, which can be renamed, retired and restored), how fresh the hub's part is, and a form
// to add a clinic the hub does not know (every field through the on-screen keyboard). Also the Settings
// tab's clinic-mode choice, which picks this kiosk's clinic from the same list instead of a typed id.
// Nothing here waits: each change goes to the back office, its answer shows on a later frame.
#include <imgui.h>

#include <algorithm>

#include "medkiosk/kiosk/translations.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

bool chinese(const UiContext& ui) {
    return ui.flow.language() == kiosk::Language::Chinese;
}

std::string name_of(const UiContext& ui, const storage::ClinicChoice& clinic) {
    const std::string& name = chinese(ui) ? clinic.name_zh : clinic.name_en;
    return name.empty() ? clinic.clinic_id : name;
}

std::string township_of(const UiContext& ui, const storage::ClinicChoice& clinic) {
    return chinese(ui) ? clinic.township_zh : clinic.township_en;
}

// "2026-12-03T07:41:02.123Z" as "2026-12-03 07:41 UTC".
std::string shown_time(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

void ClinicError(UiContext& ui, const char* field) {
    const auto& errors = ui.back_office.technician.clinic_errors();
    if (auto it = errors.find(field); it != errors.end())
        TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

void DrawFreshness(UiContext& ui, const kiosk::ClinicBook& book) {
    if (!book.updated_from_hub_at.empty())
        TextWrappedColoured(
            colours::muted_text,
            kiosk::fill(ui.tr("tech.clinics.updated_at"), {{"time", shown_time(book.updated_from_hub_at)}}));
    else if (book.hub_configured)
        TextWrappedColoured(colours::muted_text, ui.tr("tech.clinics.never_updated"));
    else
        TextWrappedColoured(colours::muted_text, ui.tr("tech.clinics.no_hub"));
    if (!book.hub_problem.empty()) {
        TextWrappedColoured(colours::review, "! " + kiosk::fill(ui.tr("tech.clinics.hub_unreachable"),
                                                                {{"time", shown_time(book.hub_problem_at)}}));
        TextWrappedColoured(colours::muted_text, book.hub_problem);
    }
}

void DrawClinicRow(UiContext& ui, const storage::ClinicChoice& clinic, float column, float field) {
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float action = em * 6.0f;
    const bool local = clinic.source == "local";
    // A name up to 200 characters wraps at the tab's edge; its id and kind follow on the same line only
    // when the name leaves room for them.
    const std::string name = name_of(ui, clinic);
    const float name_width = ImGui::CalcTextSize(name.c_str()).x;
    ImGui::AlignTextToFramePadding();
    TextWrappedColoured(colours::text, name);
    if (name_width < ImGui::GetContentRegionAvail().x * 0.6f) ImGui::SameLine(0, spacing * 2);
    TextWrappedColoured(colours::muted_text,
                        clinic.clinic_id + " · " +
                            ui.tr(clinic.kind == "township-health-centre" ? "tech.clinics.kind_centre"
                                                                          : "tech.clinics.kind_village") +
                            " · " + ui.tr(local ? "tech.clinics.local" : "tech.clinics.from_hub"));
    if (clinic.retired) TextWrappedColoured(colours::review, "! " + ui.tr("tech.clinics.retired"));
    if (!local) return;  // the hub's clinics are changed on the hub

    if (tech.clinic_editing() == clinic.clinic_id) {
        auto& names = tech.clinic_names();
        RowLabel(ui.tr("tech.clinics.name_zh"), column);
        InputString("##rename-zh", names.first, field);
        RowLabel(ui.tr("tech.clinics.name_en"), column);
        InputString("##rename-en", names.second, field);
        ClinicError(ui, "rename");
        ImGui::BeginDisabled(tech.clinic_action().running);
        if (BigButton(ui.tr("tech.clinics.save_names") + "##save-rename", ImVec2(action, 0), colours::accept))
            tech.save_clinic_names();
        ImGui::EndDisabled();
        ImGui::SameLine(0, spacing);
        if (BigButton(ui.tr("tech.clinics.cancel") + "##cancel-rename", ImVec2(action, 0), colours::neutral))
            tech.cancel_clinic_edit();
        return;
    }
    ImGui::BeginDisabled(tech.clinic_action().running);
    if (BigButton(ui.tr("tech.clinics.rename") + "##rename-" + clinic.clinic_id, ImVec2(action, 0),
                  colours::primary))
        tech.edit_clinic(clinic.clinic_id);
    ImGui::SameLine(0, spacing);
    if (clinic.retired) {
        if (BigButton(ui.tr("tech.clinics.restore") + "##restore-" + clinic.clinic_id, ImVec2(action, 0),
                      colours::primary))
            tech.restore_clinic(clinic.clinic_id);
    } else if (BigButton(ui.tr("tech.clinics.retire") + "##retire-" + clinic.clinic_id, ImVec2(action, 0),
                         colours::refuse)) {
        tech.retire_clinic(clinic.clinic_id);
    }
    ImGui::EndDisabled();
}

void DrawAddForm(UiContext& ui, float column, float field) {
    auto& tech = ui.back_office.technician;
    auto& draft = tech.clinic_draft();
    const float em = ImGui::GetFontSize();
    TextWrappedColoured(colours::primary, ui.tr("tech.clinics.add_heading"));
    RowLabel(ui.tr("tech.clinics.id"), column);
    InputString("##clinic-id", draft.clinic_id, field);
    ClinicError(ui, "clinic_id");
    RowLabel(ui.tr("tech.clinics.name_zh"), column);
    InputString("##clinic-name-zh", draft.name_zh, field);
    RowLabel(ui.tr("tech.clinics.name_en"), column);
    InputString("##clinic-name-en", draft.name_en, field);
    ClinicError(ui, "name");
    RowLabel(ui.tr("tech.clinics.township_zh"), column);
    InputString("##clinic-township-zh", draft.township_zh, field);
    RowLabel(ui.tr("tech.clinics.township_en"), column);
    InputString("##clinic-township-en", draft.township_en, field);
    ClinicError(ui, "township");
    RowLabel(ui.tr("tech.clinics.kind"), column);
    if (ChoiceButton(ui.tr("tech.clinics.kind_village") + "##kind-village", draft.kind == "village-clinic",
                     ImVec2(0, 0)))
        draft.kind = "village-clinic";
    SameLineIfFits(ui.tr("tech.clinics.kind_centre"), draft.kind == "township-health-centre");
    if (ImGui::GetCursorPosX() < column) ImGui::SetCursorPosX(column);  // wrapped: under the first
    if (ChoiceButton(ui.tr("tech.clinics.kind_centre") + "##kind-centre",
                     draft.kind == "township-health-centre", ImVec2(0, 0)))
        draft.kind = "township-health-centre";
    ImGui::BeginDisabled(tech.clinic_action().running);
    if (BigButton("+ " + ui.tr("tech.clinics.add") + "##add-clinic", ImVec2(em * 8.0f, 0), colours::accept))
        tech.add_clinic();
    ImGui::EndDisabled();
}

}  // namespace

void DrawTechnicianClinics(UiContext& ui) {
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = ImGui::GetContentRegionAvail().x;
    const float column = std::min(em * 8.0f, width * 0.3f);
    const float field = std::min(em * 16.0f, width - column - spacing);

    const auto& book = tech.clinics();
    if (!book) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    } else {
        DrawFreshness(ui, *book);
        if (book->clinics.empty()) TextWrappedColoured(colours::muted_text, ui.tr("tech.clinics.none"));
        // By township (the list comes sorted by it), each heading once.
        std::string township;
        bool first = true;
        for (const auto& clinic : book->clinics) {
            const std::string here = township_of(ui, clinic);
            if (first || here != township) {
                ImGui::Separator();
                TextWrappedColoured(colours::primary,
                                    here.empty() ? ui.tr("tech.clinics.no_township") : here);
                township = here;
                first = false;
            }
            ImGui::PushID(clinic.clinic_id.c_str());
            DrawClinicRow(ui, clinic, column, field);
            ImGui::PopID();
        }
    }
    ImGui::Separator();
    if (tech.clinic_action().running) TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    if (const auto& result = tech.clinic_action().result) {
        if (result->ok())
            TextWrappedColoured(colours::accept,
                                "✓ " + ui.tr("tech.clinics.done") + " " + result->value().detail);
        else
            TextWrappedColoured(colours::refuse,
                                "× " + ui.tr("tech.clinics.failed") + " " + kiosk::outcome_text(*result));
    }
    DrawAddForm(ui, column, field);
}

void DrawClinicModeSetting(UiContext& ui, float column) {
    auto& tech = ui.back_office.technician;
    auto& draft = tech.draft();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    RowLabel(ui.tr("tech.mode"), column);
    if (ChoiceButton(ui.tr("tech.mode_collection") + "##mode-collection", draft.mode != "clinic",
                     ImVec2(0, 0)))
        draft.mode = "collection-point";
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("tech.mode_clinic") + "##mode-clinic", draft.mode == "clinic", ImVec2(0, 0)))
        draft.mode = "clinic";
    const auto& errors = tech.errors();
    if (auto it = errors.find("mode"); it != errors.end())
        TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
    if (draft.mode != "clinic") return;
    RowLabel(ui.tr("tech.mode_which_clinic"), 0);
    const auto choices = tech.clinic_choices();
    if (!tech.clinics()) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    } else if (choices.empty()) {
        TextWrappedColoured(colours::review, "! " + ui.tr("tech.mode_no_clinics"));
    } else {
        bool first = true;
        for (const auto& clinic : choices) {
            if (first) ImGui::Dummy(ImVec2(0, 0));  // the clinics start on their own line
            const std::string label = name_of(ui, clinic) + " · " + township_of(ui, clinic);
            if (WrappingChoiceButton(label, "kiosk-clinic-" + clinic.clinic_id,
                                     draft.clinic_id == clinic.clinic_id, first))
                draft.clinic_id = clinic.clinic_id;
            first = false;
        }
    }
    if (auto it = errors.find("clinic_id"); it != errors.end())
        TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

}  // namespace medkiosk::ui
