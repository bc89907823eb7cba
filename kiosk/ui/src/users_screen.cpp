// The technician's Users tab: who may sign in (role, locked, disabled), add a user with a PIN typed
// twice, set a new PIN, disable, unlock. The back office does each with the audit log; a PIN is never
// shown (dots) and never kept after it was sent.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawTechnicianUsers(UiContext& ui) {
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = ImGui::GetContentRegionAvail().x;
    const float column = std::min(em * 8.0f, width * 0.3f);
    const float field = std::min(em * 14.0f, width - column - spacing);
    const float action = em * 6.0f;

    const auto& users = tech.users();
    if (!users) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    } else if (users->users.empty()) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.users.none"));
    } else {
        // name · role · state, then the actions that fit the state, one row per user.
        for (const auto& user : users->users) {
            ImGui::PushID(user.login.c_str());
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(user.login.c_str());
            ImGui::SameLine(column);
            ImGui::TextUnformatted(
                ui.tr(user.role == "technician" ? "tech.users.role_technician" : "tech.users.role_staff")
                    .c_str());
            ImGui::SameLine(column + em * 5.0f);
            if (user.disabled)
                TextWrappedColoured(colours::refuse, "× " + ui.tr("tech.users.disabled"));
            else if (user.locked)
                TextWrappedColoured(colours::review, "! " + ui.tr("tech.users.locked"));
            else
                TextWrappedColoured(colours::accept, "✓ " + ui.tr("tech.users.active"));
            // Actions on their own line: long names and Chinese labels never push them off a small screen.
            ImGui::BeginDisabled(tech.user_action().running);
            if (user.locked && BigButton(ui.tr("tech.users.unlock") + "##unlock-" + user.login,
                                         ImVec2(action, 0), colours::primary))
                tech.unlock_user(user.login);
            if (user.locked) ImGui::SameLine(0, spacing);
            if (BigButton(ui.tr("tech.users.new_pin") + "##new-pin-" + user.login, ImVec2(action, 0),
                          colours::primary)) {
                tech.pin_reset() = kiosk::UserDraft{user.login, {}, {}, {}};
            }
            if (!user.disabled) {
                ImGui::SameLine(0, spacing);
                if (BigButton(ui.tr("tech.users.disable") + "##disable-" + user.login, ImVec2(action, 0),
                              colours::refuse))
                    tech.disable_user(user.login);
            }
            ImGui::EndDisabled();
            ImGui::Separator();
            ImGui::PopID();
        }
    }
    if (tech.user_action().running) TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    if (const auto& result = tech.user_action().result) {
        if (result->ok())
            TextWrappedColoured(colours::accept,
                                "✓ " + ui.tr("tech.users.done") + " " + kiosk::outcome_text(*result));
        else
            TextWrappedColoured(colours::refuse,
                                "× " + ui.tr("tech.users.failed") + " " + kiosk::outcome_text(*result));
    }
    if (!tech.user_error().empty()) TextWrappedColoured(colours::refuse, "× " + ui.tr(tech.user_error()));

    auto& reset = tech.pin_reset();
    if (!reset.login.empty()) {
        TextWrappedColoured(colours::primary, ui.tr("tech.users.new_pin_for") + " " + reset.login);
        RowLabel(ui.tr("tech.users.pin"), column);
        InputPin("##reset-pin", reset.pin, field);
        RowLabel(ui.tr("tech.users.pin_again"), column);
        InputPin("##reset-pin-again", reset.pin_again, field);
        if (BigButton(ui.tr("tech.users.set_pin") + "##set-pin", ImVec2(action, 0), colours::accept))
            tech.reset_pin();
        ImGui::SameLine(0, spacing);
        if (BigButton(ui.tr("tech.users.cancel") + "##cancel-pin", ImVec2(action, 0), colours::neutral))
            reset = {};
        ImGui::Separator();
    }

    auto& added = tech.new_user();
    TextWrappedColoured(colours::primary, ui.tr("tech.users.add_heading"));
    RowLabel(ui.tr("tech.users.name"), column);
    InputString("##user-name", added.login, field);
    RowLabel(ui.tr("tech.users.role"), column);
    if (ChoiceButton(ui.tr("tech.users.role_staff") + "##role-staff", added.role == kiosk::Role::Staff,
                     ImVec2(0, 0)))
        added.role = kiosk::Role::Staff;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("tech.users.role_technician") + "##role-technician",
                     added.role == kiosk::Role::Technician, ImVec2(0, 0)))
        added.role = kiosk::Role::Technician;
    RowLabel(ui.tr("tech.users.pin"), column);
    InputPin("##user-pin", added.pin, field);
    RowLabel(ui.tr("tech.users.pin_again"), column);
    InputPin("##user-pin-again", added.pin_again, field);
    ImGui::BeginDisabled(tech.user_action().running);
    if (BigButton("+ " + ui.tr("tech.users.add") + "##add-user", ImVec2(action, 0), colours::accept))
        tech.add_user();
    ImGui::EndDisabled();
}

}  // namespace medkiosk::ui
