// The pharmacist's scan queue: filters, selection, review actions one by one or in bulk, sync state.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawStaffQueueScreen(UiContext& ui) {
    if (!BeginFullscreen("queue")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 area = ImGui::GetContentRegionAvail();
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("staff.queue_heading").c_str());
    ImGui::PopFont();
    ImGui::SameLine(area.x - em * 5.0f);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(em * 5.0f, 0), colours::neutral) || ui.keys.escape) {
        staff.close();
        ImGui::End();
        return;
    }

    // Filters: state and decision as choice buttons, day as today/any.
    kiosk::QueueFilter filter = staff.filter();
    bool changed = false;
    auto choice = [&](const std::string& label, std::string& field, const char* value) {
        ImGui::SameLine(0, spacing);
        if (ChoiceButton(label, field == value, ImVec2(0, 0))) {
            field = value;
            changed = true;
        }
    };
    RowLabel(ui.tr("staff.filter_state"), 0);
    choice(ui.tr("staff.any") + "##state-any", filter.review_state, "");
    choice(ui.tr("staff.state_pending") + "##state-pending", filter.review_state, "pending");
    choice(ui.tr("staff.state_confirmed") + "##state-confirmed", filter.review_state, "confirmed");
    RowLabel(ui.tr("staff.filter_decision"), 0);
    choice(ui.tr("staff.any") + "##decision-any", filter.decision, "");
    choice(ui.tr("result.word_accepted") + "##decision-accept", filter.decision, "accept");
    choice(ui.tr("result.word_review") + "##decision-review", filter.decision, "review");
    if (changed) staff.set_filter(filter, ui.now);

    if (BigButton(ui.tr("staff.refresh") + "##refresh", ImVec2(0, 0), colours::primary)) staff.refresh(ui.now);
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("staff.select_all") + "##select-all", ImVec2(0, 0), colours::neutral)) staff.select_all(ui.now);
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("staff.clear_selection") + "##clear", ImVec2(0, 0), colours::neutral)) staff.clear_selection(ui.now);
    ImGui::SameLine(0, spacing);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(kiosk::fill(ui.tr("staff.selected"), {{"count", std::to_string(staff.selected().size())}}).c_str());

    const bool any = !staff.selected().empty();
    ImGui::BeginDisabled(!any);
    if (BigButton("✓ " + ui.tr("staff.action_confirm") + "##confirm", ImVec2(0, 0), colours::accept)) staff.apply(kiosk::ReviewAction::Confirm, ui.now);
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("staff.action_reclassify") + "##reclassify", ImVec2(0, 0), colours::primary)) staff.apply(kiosk::ReviewAction::Reclassify, ui.now);
    ImGui::SameLine(0, spacing);
    if (BigButton("× " + ui.tr("staff.action_refuse") + "##refuse", ImVec2(0, 0), colours::refuse)) staff.apply(kiosk::ReviewAction::Refuse, ui.now);
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("staff.action_disposal") + "##disposal", ImVec2(0, 0), colours::review)) staff.apply(kiosk::ReviewAction::Disposal, ui.now);
    ImGui::EndDisabled();
    if (!staff.message().empty()) TextWrappedColoured(staff.message_ok() ? colours::accept : colours::refuse, staff.message());

    const kiosk::TaskProgress sync = ui.back_office.office.sync_progress();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ui.tr("staff.sync").c_str());
    ImGui::SameLine(0, spacing);
    if (sync.known) {
        ImGui::ProgressBar(static_cast<float>(sync.fraction), ImVec2(-1, 0), sync.label.c_str());
    } else {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.sync_unknown"));
    }

    if (staff.loading()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.loading"));
    } else if (staff.items().empty()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.empty"));
    } else if (ImGui::BeginTable("queue", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(ui.tr("staff.column_time").c_str());
        ImGui::TableSetupColumn(ui.tr("staff.column_code").c_str());
        ImGui::TableSetupColumn(ui.tr("staff.column_expiry").c_str());
        ImGui::TableSetupColumn(ui.tr("staff.column_decision").c_str());
        ImGui::TableSetupColumn(ui.tr("staff.column_quantity").c_str());
        ImGui::TableHeadersRow();
        for (const auto& item : staff.items()) {
            ImGui::TableNextRow(0, std::max(em * 2.0f, kMinTouchPx));
            ImGui::TableNextColumn();
            const bool selected = staff.selected().count(item.uuid) > 0;
            const std::string label = std::string(selected ? "✓ " : "   ") + item.recorded_at.substr(0, 16) + "##" + item.uuid;
            if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, std::max(em * 2.0f, kMinTouchPx) - 4))) {
                staff.toggle(item.uuid, ui.now);
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(item.code.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(item.expiry.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted((item.decision + " / " + item.review_state).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::to_string(item.quantity).c_str());
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
