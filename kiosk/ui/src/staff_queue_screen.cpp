// The pharmacist's scan queue: filters (state, decision, day, category), selection, review actions
// one by one or in bulk (re-classify through a category picker), the way to dispatch and charts, and
// the hub sync's state as a bar.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

// Continues the row when the button fits beside the last item, else starts a new row: the filters
// wrap at 1024 px instead of running off the screen.
void SameLineIfFits(const std::string& label, bool chosen) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width = ImGui::CalcTextSize(((chosen ? "✓ " : "") + label).c_str(), nullptr, true).x +
                        style.FramePadding.x * 2.0f;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + std::max(width, MinTouchPx()) <= right)
        ImGui::SameLine();
}

bool Choice(const std::string& label, bool chosen) {
    SameLineIfFits(label, chosen);
    return ChoiceButton(label, chosen, ImVec2(0, ImGui::GetFrameHeight()));
}

bool Button(const std::string& label, const ImVec4& colour) {
    SameLineIfFits(label, false);
    return BigButton(label, ImVec2(0, ImGui::GetFrameHeight()), colour);
}

// The sync worker's figures: a bar of what has been uploaded, the counts, last success and error.
void DrawSyncState(UiContext& ui) {
    const auto sync = ui.back_office.staff.sync_state();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ui.tr("staff.sync").c_str());
    ImGui::SameLine();
    if (!sync) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.sync_no_hub"));
        return;
    }
    const double total = static_cast<double>(sync->acknowledged + sync->backlog);
    const double fraction = total > 0 ? static_cast<double>(sync->acknowledged) / total : 1.0;
    const std::string bar = kiosk::fill(ui.tr("staff.sync_bar"),
                                        {{"percent", std::to_string(static_cast<int>(fraction * 100.0))}});
    const float em = ImGui::GetFontSize();
    ImGui::ProgressBar(static_cast<float>(fraction), ImVec2(em * 9.0f, 0), bar.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(kiosk::fill(ui.tr("staff.sync_figures"),
                                       {{"sent", std::to_string(sync->acknowledged)},
                                        {"backlog", std::to_string(sync->backlog)},
                                        {"bytes", std::to_string((sync->bytes_sent + 1023) / 1024)}})
                               .c_str());
    std::string when =
        sync->last_success_at.empty() ? ui.tr("staff.sync_never") : LocalTimeLabel(sync->last_success_at);
    std::string line = kiosk::fill(ui.tr("staff.sync_last_success"), {{"at", when}});
    if (!sync->last_error.empty()) {
        // One line of the error (libpq's run over several): the technician's screen has the rest.
        std::string error = sync->last_error.substr(0, sync->last_error.find('\n'));
        if (error.size() > 120) {
            std::size_t cut = 120;
            while (cut > 0 && (static_cast<unsigned char>(error[cut]) & 0xC0) == 0x80)
                --cut;  // whole UTF-8 characters
            error = error.substr(0, cut) + "…";
        }
        line += "   × " + kiosk::fill(ui.tr("staff.sync_last_error"), {{"error", error}});
    }
    TextWrappedColoured(sync->last_error.empty() ? colours::muted_text : colours::refuse, line);
}

void DrawCategoryPicker(UiContext& ui) {
    auto& staff = ui.back_office.staff;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(
        kiosk::fill(ui.tr("staff.pick_category"), {{"count", std::to_string(staff.selected().size())}})
            .c_str());
    for (const auto& category : staff.categories()) {
        if (Button(CategoryLabel(ui, category) + "##to-" + category, colours::primary))
            staff.reclassify(category, ui.now);
    }
    if (Button(ui.tr("staff.cancel") + "##cancel-reclassify", colours::neutral))
        staff.cancel_reclassify(ui.now);
}

}  // namespace

void DrawStaffQueueScreen(UiContext& ui) {
    if (!BeginFullscreen("queue")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("staff.queue_heading").c_str());
    ImGui::PopFont();
    // Right-aligned: dispatch, charts, close.
    const std::string dispatch_label = "→ " + ui.tr("staff.open_dispatch") + "##dispatch";
    const std::string charts_label = ui.tr("staff.open_charts") + "##charts";
    const std::string close_label = ui.tr("staff.close") + "##close";
    const ImGuiStyle& style = ImGui::GetStyle();
    auto width_of = [&](const std::string& label) {
        return std::max(MinTouchPx(),
                        ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2);
    };
    const float language_width = em * 4.5f;
    const float right_block = language_width + width_of(dispatch_label) + width_of(charts_label) +
                              width_of(close_label) + spacing * 3;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - right_block));
    DrawLanguageSwitch(ui, language_width);
    ImGui::SameLine();
    if (BigButton(dispatch_label, ImVec2(0, ImGui::GetFrameHeight()), colours::accept))
        staff.open_dispatch(ui.now);
    ImGui::SameLine();
    if (BigButton(charts_label, ImVec2(0, ImGui::GetFrameHeight()), colours::primary))
        staff.open_charts(14, ui.now);
    ImGui::SameLine();
    if (BigButton(close_label, ImVec2(0, ImGui::GetFrameHeight()), colours::neutral) || ui.keys.escape) {
        staff.close();
        ImGui::End();
        return;
    }

    // Filters: each a row of choice buttons that wraps on narrow screens.
    kiosk::QueueFilter filter = staff.filter();
    bool changed = false;
    auto text_choice = [&](const std::string& label, std::string& field, const char* value) {
        if (Choice(label, field == value)) {
            field = value;
            changed = true;
        }
    };
    // On a short screen (a 7" 1024x600 panel with 3 mm capitals) the filter rows would leave no room
    // for the list: they fold into one button that says how many are set, and open in its place.
    static bool filters_open = false;
    const bool fold_filters = ImGui::GetContentRegionAvail().y < em * 18.0f;
    if (fold_filters) {
        const int set = (filter.review_state.empty() ? 0 : 1) + (filter.decision.empty() ? 0 : 1) +
                        (filter.days == 0 ? 0 : 1) + (filter.category.empty() ? 0 : 1);
        if (ChoiceButton(ui.tr("staff.filters") + " (" + std::to_string(set) + ") " +
                             (filters_open ? "▲" : "▼") + "##filters",
                         filters_open, ImVec2(0, ImGui::GetFrameHeight())))
            filters_open = !filters_open;
    }
    const bool show_filters = !fold_filters || filters_open;
    if (show_filters) {
        RowLabel(ui.tr("staff.filter_state"), 0);
        namespace state = kiosk::review_state;
        static constexpr std::pair<const char*, const char*> kStates[] = {
            {state::kPending, "staff.state_pending"},
            {state::kApproved, "staff.state_approved"},
            {state::kRejected, "staff.state_rejected"},
            {state::kDisposed, "staff.state_disposed"},
            {state::kDispatched, "staff.state_dispatched"}};
        for (const auto& [stored, key] : kStates)
            text_choice(ui.tr(key) + "##state-" + stored, filter.review_state, stored);
        text_choice(ui.tr("staff.any") + "##state-any", filter.review_state, "");

        RowLabel(ui.tr("staff.filter_decision"), 0);
        text_choice(ui.tr("staff.any") + "##decision-any", filter.decision, "");
        text_choice("✓ " + ui.tr("result.word_accepted") + "##decision-accept", filter.decision, "accept");
        text_choice("… " + ui.tr("result.word_review") + "##decision-review", filter.decision, "review");
        text_choice("× " + ui.tr("staff.decision_refused") + "##decision-refuse", filter.decision, "refuse");
        {
            // "Since" and its four choices wrap as one group, never leaving a choice alone on a row.
            const ImGuiStyle& group_style = ImGui::GetStyle();
            float group = ImGui::CalcTextSize(ui.tr("staff.filter_since").c_str()).x;
            for (const char* key : {"staff.any", "staff.today", "staff.last_7_days", "staff.last_30_days"})
                group += ImGui::CalcTextSize(("✓ " + ui.tr(key)).c_str()).x + group_style.FramePadding.x * 2 +
                         group_style.ItemSpacing.x;
            const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
            if (ImGui::GetItemRectMax().x + group_style.ItemSpacing.x + group <= right) ImGui::SameLine();
        }
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(ui.tr("staff.filter_since").c_str());
        for (const auto& [label, days, id] :
             {std::tuple{ui.tr("staff.any"), 0, "days-any"}, std::tuple{ui.tr("staff.today"), 1, "days-1"},
              std::tuple{ui.tr("staff.last_7_days"), 7, "days-7"},
              std::tuple{ui.tr("staff.last_30_days"), 30, "days-30"}}) {
            if (Choice(label + "##" + id, filter.days == days)) {
                filter.days = days;
                changed = true;
            }
        }

        RowLabel(ui.tr("staff.filter_category"), 0);
        text_choice(ui.tr("staff.any") + "##category-any", filter.category, "");
        for (const auto& category : staff.categories()) {
            text_choice(CategoryLabel(ui, category) + "##category-" + category, filter.category,
                        category.c_str());
        }
        text_choice(ui.tr("staff.no_category") + "##category-none", filter.category, storage::kNoCategory);
    }
    if (changed) staff.set_filter(filter, ui.now);
    if (fold_filters && filters_open) {  // the filters in the list's place until folded again
        ImGui::End();
        return;
    }

    // Selection and actions.
    if (fold_filters && !filters_open) SameLineIfFits(ui.tr("staff.refresh"), false);
    if (BigButton(ui.tr("staff.refresh") + "##refresh", ImVec2(0, ImGui::GetFrameHeight()), colours::primary))
        staff.refresh(ui.now);
    if (Button(ui.tr("staff.select_all") + "##select-all", colours::neutral)) staff.select_all(ui.now);
    if (Button(ui.tr("staff.clear_selection") + "##clear", colours::neutral)) staff.clear_selection(ui.now);
    const std::string selected =
        kiosk::fill(ui.tr("staff.selected"), {{"count", std::to_string(staff.selected().size())}});
    SameLineIfFits(selected, false);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(selected.c_str());

    if (staff.picking_category()) {
        DrawCategoryPicker(ui);
    } else {
        const bool any = !staff.selected().empty() && !staff.busy();
        ImGui::BeginDisabled(!any);
        if (Button("✓ " + ui.tr("staff.action_approve") + "##approve", colours::accept))
            staff.apply(kiosk::ReviewAction::Approve, ui.now);
        if (Button(ui.tr("staff.action_reclassify") + "##reclassify", colours::primary))
            staff.start_reclassify(ui.now);
        if (Button("× " + ui.tr("staff.action_reject") + "##reject", colours::refuse))
            staff.apply(kiosk::ReviewAction::Reject, ui.now);
        if (Button(ui.tr("staff.action_dispose") + "##dispose", colours::review))
            staff.apply(kiosk::ReviewAction::Dispose, ui.now);
        ImGui::EndDisabled();
    }
    if (const auto& held = staff.held()) {
        // The refusal or disposal just tapped, with its way back until the window closes.
        const bool refused = held->action == kiosk::ReviewAction::Reject;
        ImGui::AlignTextToFramePadding();
        const std::string what =
            (refused ? "× " : "") + kiosk::fill(ui.tr(refused ? "staff.held_reject" : "staff.held_dispose"),
                                                {{"count", std::to_string(held->uuids.size())}});
        ImGui::PushStyleColor(ImGuiCol_Text, refused ? colours::refuse : colours::review);
        ImGui::TextUnformatted(what.c_str());
        ImGui::PopStyleColor();
        const std::string undo =
            kiosk::fill(ui.tr("staff.undo"), {{"seconds", std::to_string(staff.undo_seconds_left(ui.now))}});
        if (Button(undo + "##undo", colours::primary)) staff.undo(ui.now);
    }
    if (!staff.notice().empty()) TextWrappedColoured(colours::refuse, "! " + ui.tr(staff.notice()));
    if (!staff.message().empty())
        TextWrappedColoured(
            staff.message_ok() ? colours::accept : colours::refuse,
            (staff.message_ok() ? "✓ " + ui.tr("staff.saved") : "× " + ui.tr("staff.not_saved")) + " — " +
                StaffMessage(ui));

    // The table takes what is left above the sync footer (the bar, then up to two lines of text).
    const float footer =
        ImGui::GetFrameHeightWithSpacing() + ImGui::GetTextLineHeightWithSpacing() * 2.0f + em * 0.3f;
    const float table_height = std::max(em * 3.0f, ImGui::GetContentRegionAvail().y - footer);
    const float row_height = std::max({em * 1.9f, MinTouchPx() + 4.0f, ImGui::GetFrameHeight() + 4.0f});
    if (staff.loading() && staff.items().empty()) {
        ImGui::BeginChild("queue-empty", ImVec2(0, table_height));
        TextWrappedColoured(colours::muted_text, ui.tr("staff.loading"));
        ImGui::EndChild();
    } else if (staff.items().empty()) {
        ImGui::BeginChild("queue-empty", ImVec2(0, table_height));
        TextWrappedColoured(colours::muted_text, ui.tr("staff.empty"));
        ImGui::EndChild();
    } else if (ImGui::BeginTable("queue", 6,
                                 ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_SizingStretchProp,
                                 ImVec2(0, table_height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(ui.tr("staff.column_time").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                em * 6.2f);
        ImGui::TableSetupColumn(ui.tr("staff.column_product").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                3.0f);
        ImGui::TableSetupColumn(ui.tr("staff.column_expiry").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                em * 5.2f);
        ImGui::TableSetupColumn(ui.tr("staff.column_quantity").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                em * 2.2f);
        ImGui::TableSetupColumn(ui.tr("staff.column_state").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.6f);
        ImGui::TableSetupColumn(ui.tr("staff.column_category").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.2f);
        ImGui::TableHeadersRow();
        int row = 0;
        for (const auto& item : staff.items()) {
            ImGui::TableNextRow(0, row_height);
            ImGui::TableNextColumn();
            const bool chosen = staff.selected().count(item.uuid) > 0;
            // The whole first cell is the row's touch target; ✓ and a frame show it is selected.
            if (ChoiceButton(LocalTimeLabel(item.recorded_at) + "##row" + std::to_string(row), chosen,
                             ImVec2(-1, row_height - 4)))
                staff.toggle(item.uuid, ui.now);
            // A long name wraps in its column (the row grows) rather than running under the next one.
            auto cell = [](const std::string& text) {
                ImGui::TableNextColumn();
                ImGui::AlignTextToFramePadding();
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(text.c_str());
                ImGui::PopTextWrapPos();
            };
            cell(ProductLabel(ui, item) +
                 (item.name_en.empty() && item.name_zh.empty() ? "" : "  · " + item.code));
            cell(item.expiry.empty() ? "—" : item.expiry);
            cell(std::to_string(item.quantity));
            cell(StateLabel(ui, item));
            cell(CategoryLabel(ui, item.category));
            ++row;
        }
        ImGui::EndTable();
    }
    DrawSyncState(ui);
    ImGui::End();
}

}  // namespace medkiosk::ui
