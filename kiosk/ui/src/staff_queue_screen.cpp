// The pharmacist's scan queue: filters (state, decision, day, category), selection, review actions
// one by one or in bulk (re-classify through a category picker), the way to dispatch and charts, and
// the hub sync's state as a bar.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

// The sync footer's height as last drawn (with its spacing): the list takes the rest.
float g_footer_height = 0.0f;

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
        std::string error =
            kiosk::mask_conninfo_password(sync->last_error.substr(0, sync->last_error.find('\n')));
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

// The sync state in a few words, for the control row of a short screen (the whole footer shows with
// the filters): how much is uploaded, and × when the last round failed.
void DrawSyncShort(UiContext& ui) {
    const auto sync = ui.back_office.staff.sync_state();
    std::string text = ui.tr("staff.sync_short_no_hub");
    bool failed = false;
    if (sync) {
        const double total = static_cast<double>(sync->acknowledged + sync->backlog);
        const int percent =
            static_cast<int>(total > 0 ? static_cast<double>(sync->acknowledged) / total * 100.0 : 100.0);
        failed = !sync->last_error.empty();
        text = (failed ? "× " : "") +
               kiosk::fill(ui.tr("staff.sync_short"), {{"percent", std::to_string(percent)}});
    }
    SameLineIfFits(text, false);
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, failed ? colours::refuse : colours::muted_text);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
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

// The status line under the controls: the last save's outcome, and what a tap made final (the save
// that outcome is about, so it is named once), or empty.
std::string StatusLine(UiContext& ui) {
    const auto& staff = ui.back_office.staff;
    std::string made_final;
    const std::size_t final_count = staff.made_final().rejected + staff.made_final().disposed;
    for (const auto& [count, key] : {std::pair{staff.made_final().rejected, "staff.held_reject"},
                                     std::pair{staff.made_final().disposed, "staff.held_dispose"}}) {
        if (count == 0 || !staff.held()) continue;
        if (!made_final.empty()) made_final += ui.tr("staff.list_separator");
        made_final += kiosk::fill(ui.tr(key), {{"count", std::to_string(count)}});
    }
    // Built by appending: GCC 12 warns (-Wrestrict) on `"literal" + temporary` here.
    std::string line;
    if (staff.message().empty()) {
        if (made_final.empty()) return line;
        line = "✓ ";
        line += kiosk::fill(ui.tr("staff.held_final"), {{"what", made_final}});
    } else if (!staff.message_ok()) {
        line = "× ";
        line += ui.tr("staff.not_saved") + " — " + StaffMessage(ui);
        if (!made_final.empty()) {
            line += ' ';
            line += kiosk::fill(ui.tr("staff.held_final"), {{"what", made_final}});
        }
    } else {
        line = "✓ ";
        // Short, to fit beside Undo, whose own line says what was refused or sent to disposal.
        line += made_final.empty()
                    ? ui.tr("staff.saved") + " — " + StaffMessage(ui)
                    : kiosk::fill(ui.tr("staff.saved_final"), {{"count", std::to_string(final_count)}});
    }
    return line;
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
    // Unless the screen is tall enough for the filter rows and five rows of the list (a 1920x1080
    // panel), the filters fold into one button that says how many are set, and open in the list's
    // place: at 1280x800 they left one to three rows, at 1024x600 none. The heights are last frame's.
    static bool filters_open = false;
    static float filters_height = em * 10.0f;  // the unfolded filter rows, measured when drawn
    const float row_height = std::max({em * 1.9f, MinTouchPx() + 4.0f, ImGui::GetFrameHeight() + 4.0f});
    // (The footer counted as the bar and a line, not as last drawn: it moves when the filters fold.)
    const float list_wanted = ImGui::GetFrameHeightWithSpacing() * 3.0f +
                              ImGui::GetTextLineHeightWithSpacing() +
                              ImGui::GetTextLineHeightWithSpacing() * 1.5f + row_height * 5.0f;
    const bool fold_filters = ImGui::GetContentRegionAvail().y < filters_height + list_wanted;
    if (fold_filters) {
        const int set = (filter.review_state.empty() ? 0 : 1) + (filter.decision.empty() ? 0 : 1) +
                        (filter.days == 0 ? 0 : 1) + (filter.category.empty() ? 0 : 1);
        if (ChoiceButton(ui.tr("staff.filters") + " (" + std::to_string(set) + ") " +
                             (filters_open ? "▲" : "▼") + "##filters",
                         filters_open, ImVec2(0, ImGui::GetFrameHeight()))) {
            filters_open = !filters_open;
            kiosk::log_event("queue-filters", {{"state", filters_open ? "open" : "closed"}});
        }
    }
    const bool show_filters = !fold_filters || filters_open;
    const float filters_top = ImGui::GetCursorPosY();
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
        filters_height = ImGui::GetCursorPosY() - filters_top;
    }
    if (changed) staff.set_filter(filter, ui.now);
    if (fold_filters && filters_open) {  // the filters in the list's place until folded again
        ImGui::Separator();
        DrawSyncState(ui);
        ImGui::End();
        return;
    }

    // Selection and actions. With the filters folded the list needs every row it can get: nothing
    // selected, the row has the filters, Refresh and Select all; once rows are selected, the same row
    // holds Clear and the actions on them (which could not be pressed before anyway).
    const bool one_row = fold_filters && !staff.picking_category();
    const bool any_selected = !staff.selected().empty();
    // A refusal or disposal just tapped with nothing selected: its undo bar takes the row's place of
    // Refresh and Select all until its window closes (a second line would leave the list too few rows).
    const bool held_in_row = one_row && !any_selected && staff.held().has_value();
    const std::string selected =
        kiosk::fill(ui.tr("staff.selected"), {{"count", std::to_string(staff.selected().size())}});
    if ((!one_row || !any_selected) && !held_in_row) {
        if (fold_filters) SameLineIfFits(ui.tr("staff.refresh"), false);
        if (BigButton(ui.tr("staff.refresh") + "##refresh", ImVec2(0, ImGui::GetFrameHeight()),
                      colours::primary))
            staff.refresh(ui.now);
        if (Button(ui.tr("staff.select_all") + "##select-all", colours::neutral)) staff.select_all(ui.now);
    }
    if (!one_row || any_selected) {
        const std::string clear = ui.tr("staff.clear_selection") +
                                  (one_row ? " (" + std::to_string(staff.selected().size()) + ")" : "");
        if (one_row) {
            if (BigButton(clear + "##clear", ImVec2(0, ImGui::GetFrameHeight()), colours::neutral))
                staff.clear_selection(ui.now);
        } else if (Button(clear + "##clear", colours::neutral)) {
            staff.clear_selection(ui.now);
        }
    }
    if ((!one_row || !any_selected) && !held_in_row) {
        SameLineIfFits(selected, false);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(selected.c_str());
    }
    if (fold_filters && !any_selected && !held_in_row) DrawSyncShort(ui);

    if (staff.picking_category()) {
        DrawCategoryPicker(ui);
    } else if (!one_row || any_selected) {
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
    // What the last taps did, in one line: saved or not, and what a refusal or disposal made final
    // when the next one closed its window (that is what was saved, so it is said once). Beside the
    // undo bar when it fits there: at 1024x600 the list keeps its whole rows.
    const std::string status = StatusLine(ui);
    const ImVec4 status_colour =
        staff.message().empty() || staff.message_ok() ? colours::accept : colours::refuse;
    if (const auto& held = staff.held()) {
        // The refusal or disposal just tapped, with its way back until the window closes.
        const bool refused = held->action == kiosk::ReviewAction::Reject;
        const std::string what =
            (refused ? "× " : "") + kiosk::fill(ui.tr(refused ? "staff.held_reject" : "staff.held_dispose"),
                                                {{"count", std::to_string(held->uuids.size())}});
        const std::string undo =
            kiosk::fill(ui.tr("staff.undo"), {{"seconds", std::to_string(staff.undo_seconds_left(ui.now))}});
        if (held_in_row) {
            const ImGuiStyle& row_style = ImGui::GetStyle();
            const float bar =
                ImGui::CalcTextSize(what.c_str()).x + row_style.ItemSpacing.x +
                std::max(MinTouchPx(), ImGui::CalcTextSize(undo.c_str()).x + row_style.FramePadding.x * 2);
            if (ImGui::GetItemRectMax().x + row_style.ItemSpacing.x + bar <=
                ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
                ImGui::SameLine();
        }
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, refused ? colours::refuse : colours::review);
        ImGui::TextUnformatted(what.c_str());
        ImGui::PopStyleColor();
        if (Button(undo + "##undo", colours::primary)) staff.undo(ui.now);
        if (!status.empty()) {
            // Beside Undo when it fits there in the button's height and the gap under it (two lines of
            // large text are a little taller than the button), centred on the button; else under it.
            const ImGuiStyle& row_style = ImGui::GetStyle();
            const float button_height = ImGui::GetItemRectSize().y;
            const float left = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + row_style.ItemSpacing.x;
            const float room = ImGui::GetWindowContentRegionMax().x - left;
            const float lines = ImGui::CalcTextSize(status.c_str(), nullptr, false, std::max(1.0f, room)).y;
            const float overhang = std::max(0.0f, (lines - button_height) * 0.5f);
            if (room > em * 5.0f && overhang * 2.0f <= row_style.ItemSpacing.y) {
                const float top = ImGui::GetItemRectMin().y - ImGui::GetWindowPos().y + ImGui::GetScrollY();
                ImGui::SameLine(left);
                // Less the frame padding: text on a row of buttons is lowered by it (its baseline offset).
                ImGui::SetCursorPosY(top + (button_height - lines) * 0.5f - row_style.FramePadding.y);
                TextWrappedColoured(status_colour, status);
                // The next item starts a gap under the button: the text's overhang stays in that gap.
                ImGui::SetCursorPosY(top + button_height + row_style.ItemSpacing.y);
            } else {
                TextWrappedColoured(status_colour, status);
            }
        }
    } else if (!status.empty()) {
        TextWrappedColoured(status_colour, status);
    }
    if (!staff.notice().empty()) TextWrappedColoured(colours::refuse, "! " + ui.tr(staff.notice()));

    // The table takes what is left above the sync footer, as tall as it was drawn last frame (one
    // line without a hub; the bar and up to two lines with one).
    const float table_height = std::max(em * 3.0f, ImGui::GetContentRegionAvail().y - g_footer_height);
    const float table_outer_width = ImGui::GetContentRegionAvail().x;
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
        // Fixed columns as wide as what they hold (a time button, a date, a count) or their heading,
        // so the product's name gets the rest and stays on one line where it can.
        const ImGuiStyle& cell_style = ImGui::GetStyle();
        const auto fixed = [&](const std::string& heading, const char* widest, float padding) {
            return std::max(ImGui::CalcTextSize(heading.c_str()).x, ImGui::CalcTextSize(widest).x + padding) +
                   cell_style.CellPadding.x;
        };
        const float time_width =
            fixed(ui.tr("staff.column_time"), "✓ 00-00 00:00", cell_style.FramePadding.x * 2);
        const float expiry_width = fixed(ui.tr("staff.column_expiry"), "0000-00-00", 0);
        const float quantity_width = fixed(ui.tr("staff.column_quantity"), "00", 0);
        // As wide as its heading or its widest category: ImGui would cut the heading with "…".
        float category_width = ImGui::CalcTextSize(ui.tr("staff.column_category").c_str()).x;
        // The product's name and the state wrap at spaces; each column holds its longest word when the
        // two can (a name broken inside a word reads badly).
        float product_word = 0;
        float state_word = 0;
        for (const auto& item : staff.items()) {
            category_width =
                std::max(category_width, ImGui::CalcTextSize(CategoryLabel(ui, item.category).c_str()).x);
            product_word = std::max(product_word, WidestWord(ProductLabel(ui, item)));
            state_word = std::max(state_word, WidestWord(StateLabel(ui, item)));
        }
        category_width += cell_style.CellPadding.x;
        const float product_width = WidenedColumn(TableColumnsRoom(table_outer_width, 6) - time_width -
                                                      expiry_width - quantity_width - category_width,
                                                  3.0f / 4.6f, product_word, state_word);
        ImGui::TableSetupColumn(ui.tr("staff.column_time").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                time_width);
        SetupWidenedOrStretchedColumn(ui.tr("staff.column_product"), product_width, 3.0f);
        ImGui::TableSetupColumn(ui.tr("staff.column_expiry").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                expiry_width);
        ImGui::TableSetupColumn(ui.tr("staff.column_quantity").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                quantity_width);
        ImGui::TableSetupColumn(ui.tr("staff.column_state").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.6f);
        ImGui::TableSetupColumn(ui.tr("staff.column_category").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                category_width);
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
                // Level with the row button's label when on one line; two lines fill the row as they are.
                if (ImGui::CalcTextSize(text.c_str()).x <= ImGui::GetContentRegionAvail().x)
                    ImGui::AlignTextToFramePadding();
                TextInCell(text);
            };
            // The code after the name when both fit on one line (a narrow screen keeps rows one line).
            const std::string product = ProductLabel(ui, item);
            const std::string with_code = product + "  · " + item.code;
            const bool named = !(item.name_en.empty() && item.name_zh.empty());
            ImGui::TableSetColumnIndex(1);
            const bool code_fits =
                ImGui::CalcTextSize(with_code.c_str()).x <= ImGui::GetContentRegionAvail().x;
            ImGui::TableSetColumnIndex(0);
            cell(named && code_fits ? with_code : product);
            cell(item.expiry.empty() ? "—" : item.expiry);
            cell(std::to_string(item.quantity));
            cell(StateLabel(ui, item));
            cell(CategoryLabel(ui, item.category));
            ++row;
        }
        ImGui::EndTable();
    }
    // Under the list unless the filters are folded: the control row has it in short then.
    const float footer_top = ImGui::GetCursorPosY();
    if (!fold_filters) DrawSyncState(ui);
    g_footer_height = ImGui::GetCursorPosY() - footer_top;
    ImGui::End();
}

}  // namespace medkiosk::ui
