// The PIN pad, the staff scan queue and the technician's settings: the screens behind the hidden entry.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

bool InputString(const char* id, std::string& value, float width) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "%s", value.c_str());
    ImGui::SetNextItemWidth(width);
    if (ImGui::InputText(id, buffer, sizeof buffer)) {
        value = buffer;
        return true;
    }
    return false;
}

void FieldError(UiContext& ui, const char* field) {
    const auto& errors = ui.back_office.technician.errors();
    if (auto it = errors.find(field); it != errors.end()) TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

void Label(UiContext& ui, const char* key, float column) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ui.tr(key).c_str());
    ImGui::SameLine(column);
}

}  // namespace

void DrawPinScreen(UiContext& ui) {
    if (!BeginFullscreen("pin")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float pad_width = std::min(area.x, em * 16.0f);
    const float key = (pad_width - 2 * spacing) / 3.0f;
    const float key_height = std::min(key * 0.6f, (area.y - em * 9.0f) / 4.0f - spacing);
    const float left = (area.x - pad_width) * 0.5f + ImGui::GetStyle().WindowPadding.x;

    ImGui::SetCursorPosX(left);
    if (ChoiceButton(ui.tr("staff.as_staff") + "##role-staff", staff.role() == kiosk::Role::Staff, ImVec2((pad_width - spacing) * 0.5f, 0))) {
        staff.switch_role(kiosk::Role::Staff, ui.now);
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("staff.as_technician") + "##role-technician", staff.role() == kiosk::Role::Technician, ImVec2((pad_width - spacing) * 0.5f, 0))) {
        staff.switch_role(kiosk::Role::Technician, ui.now);
    }
    ImGui::PushFont(ui.fonts.title);
    TextCentered(ui.tr(staff.role() == kiosk::Role::Staff ? "staff.pin_heading_staff" : "staff.pin_heading_technician"));
    std::string dots;
    for (std::size_t i = 0; i < staff.pin_length(); ++i) dots += "● ";
    TextCentered(dots.empty() ? std::string("–") : dots);
    ImGui::PopFont();

    std::string status = ui.tr("staff.pin_hint");
    ImVec4 status_colour = colours::muted_text;
    if (staff.checking()) {
        status = ui.tr("staff.pin_checking");
    } else if (staff.locked(ui.now) && staff.last_check() && !staff.last_check()->message.empty()) {
        status = "× " + ui.tr("staff.pin_locked_technician");
        status_colour = colours::refuse;
    } else if (staff.locked(ui.now)) {
        status = "× " + kiosk::fill(ui.tr("staff.pin_locked"), {{"seconds", std::to_string(staff.locked_seconds(ui.now))}});
        status_colour = colours::refuse;
    } else if (const auto& check = staff.last_check()) {
        if (check->outcome == kiosk::PinCheck::Outcome::Wrong) {
            status = "× " + kiosk::fill(ui.tr("staff.pin_wrong"), {{"attempts", std::to_string(check->attempts_left)}});
            status_colour = colours::refuse;
        } else if (check->outcome == kiosk::PinCheck::Outcome::Unavailable) {
            status = "× " + ui.tr("staff.pin_unavailable") + " " + check->message;
            status_colour = colours::refuse;
        }
    }
    ImGui::SetCursorPosX(left);
    ImGui::PushTextWrapPos(left + pad_width);
    ImGui::PushStyleColor(ImGuiCol_Text, status_colour);
    ImGui::TextUnformatted(status.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();

    for (const char digit : ui.keys.digits) staff.press_digit(digit - '0', ui.now);
    if (ui.keys.backspace) staff.erase(ui.now);
    static const char* kKeys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"};
    for (int i = 0; i < 12; ++i) {
        if (i % 3 == 0) ImGui::SetCursorPosX(left);
        else ImGui::SameLine(0, spacing);
        const std::string name = kKeys[i];
        if (name == "erase") {
            if (BigButton(ui.tr("staff.erase") + "##erase", ImVec2(key, key_height), colours::neutral)) staff.erase(ui.now);
        } else if (name == "ok") {
            if (BigButton(ui.tr("staff.ok") + "##ok", ImVec2(key, key_height), colours::accept) || ui.keys.enter) staff.submit(ui.now);
        } else if (BigButton(name + "##digit" + name, ImVec2(key, key_height), colours::primary)) {
            staff.press_digit(name[0] - '0', ui.now);
        }
    }
    ImGui::SetCursorPosX(left);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(pad_width, 0), colours::neutral) || ui.keys.escape) staff.close();
    ImGui::End();
}

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
    Label(ui, "staff.filter_state", 0);
    choice(ui.tr("staff.any") + "##state-any", filter.review_state, "");
    choice(ui.tr("staff.state_pending") + "##state-pending", filter.review_state, "pending");
    choice(ui.tr("staff.state_confirmed") + "##state-confirmed", filter.review_state, "confirmed");
    Label(ui, "staff.filter_decision", 0);
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

    Label(ui, "tech.camera", column);
    InputString("##camera", draft.camera, field);
    FieldError(ui, "camera");
    Label(ui, "tech.resolution", column);
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
    Label(ui, "tech.idle_timeout", column);
    if (BigButton("−##idle-less", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds -= 15;
    ImGui::SameLine(0, spacing);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%d", draft.idle_timeout_seconds);
    ImGui::SameLine(0, spacing);
    if (BigButton("＋##idle-more", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds += 15;
    FieldError(ui, "idle_timeout");
    Label(ui, "tech.language", column);
    if (ChoiceButton("中文##lang-zh", draft.language == kiosk::Language::Chinese, ImVec2(0, 0))) draft.language = kiosk::Language::Chinese;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton("English##lang-en", draft.language == kiosk::Language::English, ImVec2(0, 0))) draft.language = kiosk::Language::English;
    Label(ui, "tech.kiosk_id", column);
    InputString("##kiosk-id", draft.kiosk_id, field);
    FieldError(ui, "kiosk_id");
    Label(ui, "tech.location", column);
    InputString("##location", draft.location, field);
    FieldError(ui, "location");
    Label(ui, "tech.hub_url", column);
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
    Label(ui, "tech.catalogue_file", column);
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
