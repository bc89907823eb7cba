// A dispatch to a clinic: an order the bureau published for this collection point (its packs here and
// its clinic), or a clinic chosen from the county's list — no typing — with the accepted items
// earliest expiry first, each kept or left with its quantity. Once recorded, the manifest's QR for the
// clinic to scan and where the packing list was saved. Reached from the queue.
#include <imgui.h>

#include <algorithm>

#include "medkiosk/kiosk/event_log.hpp"
#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

// The confirm row's height as last drawn (with its spacing): the list takes the rest.
float g_confirm_height = 0.0f;

void DrawClinicPicker(UiContext& ui);
void DrawDispatchList(UiContext& ui, float row_height);

std::string clinic_label(const UiContext& ui, const storage::ClinicChoice& clinic) {
    return ui.flow.language() == kiosk::Language::Chinese ? clinic.name_zh : clinic.name_en;
}

std::string township_label(const UiContext& ui, const storage::ClinicChoice& clinic) {
    return ui.flow.language() == kiosk::Language::Chinese ? clinic.township_zh : clinic.township_en;
}

void DrawDispatched(UiContext& ui, const kiosk::DispatchDone& done) {
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float footer = std::max(em * 2.0f, MinTouchPx()) + em;
    const float qr = std::min(area.y - footer, area.x * 0.45f);
    ImGui::BeginGroup();
    DrawQrCode(done.record.manifest_code, qr);
    ImGui::EndGroup();
    ImGui::SameLine(0, em);
    ImGui::BeginGroup();
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::accept, "✓ " + ui.tr("staff.dispatched_heading"));
    ImGui::PopFont();
    const std::string clinic =
        staff.clinic() != nullptr ? clinic_label(ui, *staff.clinic()) : done.record.dispatch.clinic;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(kiosk::fill(ui.tr("staff.dispatched_summary"),
                                       {{"packs", std::to_string(done.record.manifest.packs())},
                                        {"lines", std::to_string(done.record.manifest.lines.size())},
                                        {"clinic", clinic}})
                               .c_str());
    ImGui::PopTextWrapPos();
    TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatched_show_qr"));
    if (!done.packing_list.empty())
        TextWrappedColoured(colours::muted_text, kiosk::fill(ui.tr("staff.dispatched_packing_list"),
                                                             {{"file", done.packing_list.string()}}));
    if (!done.message.empty()) TextWrappedColoured(colours::refuse, "! " + done.message);
    ImGui::EndGroup();
    ImGui::SetCursorPosY(ImGui::GetWindowHeight() - footer);
    if (BigButton("✓ " + ui.tr("staff.dispatch_done") + "##done",
                  ImVec2(0, std::max(em * 2.0f, MinTouchPx())), colours::accept) ||
        ui.keys.enter)
        staff.finish_dispatch(ui.now);
}

}  // namespace

void DrawDispatchScreen(UiContext& ui) {
    if (!BeginFullscreen("dispatch")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("staff.dispatch_heading").c_str());
    ImGui::PopFont();
    if (DrawLanguageAndBack(ui)) {
        if (staff.dispatched())
            staff.finish_dispatch(ui.now);
        else
            staff.back_to_queue(ui.now);
        ImGui::End();
        return;
    }
    if (const auto& done = staff.dispatched()) {
        DrawDispatched(ui, *done);
        ImGui::End();
        return;
    }

    // On a short screen (a 7" 1024x600 panel) the orders, the clinic picker and the hint would leave
    // no room for the list: they fold into one button naming the clinic, and open in the list's place
    // until a clinic is chosen. Unfolded when they and three rows fit (last frame's heights).
    static bool picker_open = false;
    static float picker_height = em * 12.0f;  // folded from the first frame on a small screen
    const float row_height = std::max({em * 1.9f, MinTouchPx() + 4.0f, ImGui::GetFrameHeight() + 4.0f});
    const bool fold_picker =
        ImGui::GetContentRegionAvail().y <
        picker_height + g_confirm_height + ImGui::GetTextLineHeightWithSpacing() * 1.5f + row_height * 3.0f;
    static int logged_fold = -1;  // the tests read whether the picker is folded from the log
    if (logged_fold != (fold_picker ? 1 : 0)) {
        logged_fold = fold_picker ? 1 : 0;
        kiosk::log_event("dispatch-picker", {{"state", fold_picker && !picker_open ? "folded" : "unfolded"}});
    }
    if (fold_picker) {
        const auto* chosen = staff.clinic();
        std::string name =
            chosen != nullptr ? clinic_label(ui, *chosen) : ui.tr("staff.dispatch_pick_clinic");
        // One line: a long name is cut with "…" here and shown whole in the picker.
        const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(" ▲").x -
                           ImGui::CalcTextSize(ui.tr("staff.dispatch_clinic").c_str()).x - em * 3.0f;
        if (ImGui::CalcTextSize(name.c_str()).x > room) {
            while (!name.empty() && ImGui::CalcTextSize((name + "…").c_str()).x > room) {
                name.pop_back();
                while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80)
                    name.pop_back();
                if (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0xC0)
                    name.pop_back();
            }
            name += "…";
        }
        RowLabel(ui.tr("staff.dispatch_clinic"), 0);
        ImGui::SameLine();
        if (ChoiceButton(name + (picker_open ? " ▲" : " ▼") + "##pick-clinic", picker_open,
                         ImVec2(0, ImGui::GetFrameHeight()))) {
            picker_open = !picker_open;
            kiosk::log_event("dispatch-picker", {{"state", picker_open ? "open" : "closed"}});
        }
    }
    const float picker_top = ImGui::GetCursorPosY();
    const std::string clinic_before = staff.clinic_id();
    if (!fold_picker || picker_open) DrawClinicPicker(ui);
    if (!fold_picker || picker_open) picker_height = ImGui::GetCursorPosY() - picker_top;
    if (fold_picker && picker_open) {
        if (staff.clinic_id() != clinic_before && !staff.clinic_id().empty()) {
            picker_open = false;
            kiosk::log_event("dispatch-picker", {{"state", "closed"}, {"by", "clinic-chosen"}});
        }
        ImGui::End();
        return;
    }
    DrawDispatchList(ui, row_height);
    ImGui::End();
}

namespace {

void DrawClinicPicker(UiContext& ui) {
    auto& staff = ui.back_office.staff;
    // The bureau's orders first: fulfilling one decides the clinic and the packs.
    if (!staff.orders().empty()) {
        RowLabel(ui.tr("staff.dispatch_orders"), 0);
        ImGui::SameLine();
        bool first = true;
        if (WrappingChoiceButton(ui.tr("staff.dispatch_no_order"), "no-order", staff.order().empty(), first))
            staff.choose_order("", ui.now);
        first = false;
        int index = 0;
        for (const auto& order : staff.orders()) {
            std::string clinic = order.clinic_id;
            for (const auto& c : staff.clinics())
                if (c.clinic_id == order.clinic_id) clinic = clinic_label(ui, c);
            int here = 0;
            for (const auto& item : order.items) here += item.available;
            const std::string label =
                kiosk::fill(ui.tr("staff.dispatch_order_button"),
                            {{"clinic", clinic},
                             {"category", CategoryLabel(ui, order.category)},
                             {"here", std::to_string(here)},
                             {"wanted", std::to_string(order.ordered() - order.sent())}});
            if (WrappingChoiceButton(label, "order" + std::to_string(index++),
                                     staff.order() == order.order_uuid, first))
                staff.choose_order(order.order_uuid, ui.now);
        }
    }

    // The clinic: from the county's list, one township at a time.
    if (!staff.order().empty()) {
        RowLabel(ui.tr("staff.dispatch_order_clinic"), 0);
        ImGui::SameLine();
        const auto* clinic = staff.clinic();
        ImGui::PushTextWrapPos(0.0f);  // a clinic's name may be 200 characters
        ImGui::TextUnformatted(clinic != nullptr
                                   ? (clinic_label(ui, *clinic) + " · " + township_label(ui, *clinic)).c_str()
                                   : staff.clinic_id().c_str());
        ImGui::PopTextWrapPos();
    } else if (staff.clinics().empty() && !staff.dispatch_loading()) {
        TextWrappedColoured(colours::refuse, ui.tr("staff.dispatch_no_clinics_yet"));
    } else {
        RowLabel(ui.tr("staff.dispatch_clinic"), 0);
        ImGui::SameLine();
        int index = 0;
        for (const auto& township : staff.townships()) {
            std::string shown = township;
            for (const auto& c : staff.clinics())
                if (c.township_zh == township) shown = township_label(ui, c);
            if (WrappingChoiceButton(shown, "township" + std::to_string(index), staff.township() == township,
                                     index == 0))
                staff.choose_township(township, ui.now);
            ++index;
        }
        index = 0;
        bool first = true;
        for (const auto& c : staff.clinics()) {
            const std::string id = "clinic" + std::to_string(index++);
            if (c.township_zh != staff.township()) continue;
            if (first) ImGui::Dummy(ImVec2(0, 0));  // the clinics start on their own line
            if (WrappingChoiceButton(clinic_label(ui, c), id, staff.clinic_id() == c.clinic_id, first))
                staff.choose_clinic(c.clinic_id, ui.now);
            first = false;
        }
    }
    TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatch_hint"));
}

// The accepted items earliest expiry first, each kept or left with its quantity, down to the confirm
// row (as tall as it was drawn last frame).
void DrawDispatchList(UiContext& ui, float row_height) {
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float table_height = std::max(em * 3.0f, ImGui::GetContentRegionAvail().y - g_confirm_height);
    const float table_outer_width = ImGui::GetContentRegionAvail().x;
    if (staff.dispatch_loading()) {
        ImGui::BeginChild("dispatch-empty", ImVec2(0, table_height));
        TextWrappedColoured(colours::muted_text, ui.tr("staff.loading"));
        ImGui::EndChild();
    } else if (staff.dispatch_lines().empty()) {
        ImGui::BeginChild("dispatch-empty", ImVec2(0, table_height));
        TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatch_empty"));
        ImGui::EndChild();
    } else if (ImGui::BeginTable("dispatch", 5,
                                 ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp,
                                 ImVec2(0, table_height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        // The keep toggle as wide as "✓ 2027-03-31" and the category as its heading or widest name (ImGui
        // would cut the heading with "…"); the product and state share the rest.
        const float expiry_width =
            std::max(ImGui::CalcTextSize(ui.tr("staff.column_expiry").c_str()).x,
                     ImGui::CalcTextSize("✓ 0000-00-00").x + style.FramePadding.x * 2) +
            style.CellPadding.x * 2;
        float category_width = ImGui::CalcTextSize(ui.tr("staff.column_category").c_str()).x;
        for (const auto& line : staff.dispatch_lines())
            category_width = std::max(category_width,
                                      ImGui::CalcTextSize(CategoryLabel(ui, line.item.category).c_str()).x);
        // − n/m ＋: the buttons as wide as their sign needs (a full-width ＋ at large text is wider
        // than a touch target) and the widest count there is.
        const float step_width =
            std::max(MinTouchPx(), ImGui::CalcTextSize("＋").x + style.FramePadding.x * 2.0f);
        int most = 1;
        for (const auto& line : staff.dispatch_lines()) most = std::max(most, line.item.quantity);
        const std::string widest = std::to_string(most) + "/" + std::to_string(most);
        const float quantity_width = step_width * 2 + ImGui::CalcTextSize(widest.c_str()).x +
                                     style.ItemSpacing.x * 2 + style.CellPadding.x * 2;
        // The product's name and the state wrap at spaces; each column holds its longest word when the
        // two can (a name broken inside a word reads badly).
        float product_word = 0;
        float state_word = 0;
        for (const auto& line : staff.dispatch_lines()) {
            product_word = std::max(product_word, WidestWord(ProductLabel(ui, line.item)));
            state_word = std::max(state_word, WidestWord(StateLabel(ui, line.item)));
        }
        const float product_width =
            WidenedColumn(TableColumnsRoom(table_outer_width, 5) - expiry_width - category_width -
                              style.CellPadding.x * 2 - quantity_width,
                          3.0f / 4.4f, product_word, state_word);
        ImGui::TableSetupColumn(ui.tr("staff.column_expiry").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                expiry_width);
        SetupWidenedOrStretchedColumn(ui.tr("staff.column_product"), product_width, 3.0f);
        ImGui::TableSetupColumn(ui.tr("staff.column_category").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                category_width + style.CellPadding.x * 2);
        ImGui::TableSetupColumn(ui.tr("staff.column_state").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.4f);
        ImGui::TableSetupColumn(ui.tr("staff.column_quantity").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                quantity_width);
        ImGui::TableHeadersRow();
        int row = 0;
        for (const auto& line : staff.dispatch_lines()) {
            const std::string index = std::to_string(row++);
            ImGui::TableNextRow(0, row_height);
            ImGui::TableNextColumn();
            // The row's keep/leave toggle: ✓ and a frame when kept, the expiry as its label.
            const std::string expiry = line.item.expiry.empty() ? std::string("—") : line.item.expiry;
            if (ChoiceButton(expiry + "##keep" + index, line.included, ImVec2(-1, row_height - 4)))
                staff.set_included(line.item.uuid, !line.included, ui.now);
            auto cell = [&](const std::string& text) {
                ImGui::TableNextColumn();
                // Level with the row button's label when on one line; two lines fill the row as they are.
                if (ImGui::CalcTextSize(text.c_str()).x <= ImGui::GetContentRegionAvail().x)
                    ImGui::AlignTextToFramePadding();
                if (!line.included) ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
                TextInCell(text);  // a long name wraps in its column, at spaces
                if (!line.included) ImGui::PopStyleColor();
            };
            cell(ProductLabel(ui, line.item));
            cell(CategoryLabel(ui, line.item.category));
            cell(StateLabel(ui, line.item));
            ImGui::TableNextColumn();
            ImGui::BeginDisabled(!line.included || line.quantity <= 1);
            if (BigButton("−##less" + index, ImVec2(step_width, row_height - 4), colours::neutral))
                staff.set_quantity(line.item.uuid, line.quantity - 1, ui.now);
            ImGui::EndDisabled();
            ImGui::SameLine();
            const std::string count =
                std::to_string(line.quantity) + "/" + std::to_string(line.item.quantity);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(count.c_str());
            ImGui::SameLine();
            ImGui::BeginDisabled(!line.included || line.quantity >= line.item.quantity);
            if (BigButton("＋##more" + index, ImVec2(step_width, row_height - 4), colours::neutral))
                staff.set_quantity(line.item.uuid, line.quantity + 1, ui.now);
            ImGui::EndDisabled();
        }
        ImGui::EndTable();
    }

    const float confirm_top = ImGui::GetCursorPosY();
    const std::string confirm =
        "✓ " +
        kiosk::fill(ui.tr("staff.dispatch_confirm"), {{"count", std::to_string(staff.dispatch_count())},
                                                      {"packs", std::to_string(staff.dispatch_packs())}}) +
        "##confirm";
    ImGui::BeginDisabled(staff.busy() || staff.dispatch_loading() || staff.dispatch_count() == 0);
    if (BigButton(confirm, ImVec2(0, std::max(em * 2.0f, MinTouchPx())), colours::accept) || ui.keys.enter)
        staff.confirm_dispatch(ui.now);
    ImGui::EndDisabled();
    if (!staff.order().empty()) {
        ImGui::SameLine();
        if (ChoiceButton(ui.tr("staff.dispatch_close_order") + "##close-order", staff.closes_order(),
                         ImVec2(0, std::max(em * 2.0f, MinTouchPx()))))
            staff.set_closes_order(!staff.closes_order(), ui.now);
    }
    ImGui::SameLine();
    if (staff.busy()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatch_working"));
    } else if (!staff.notice().empty()) {
        TextWrappedColoured(colours::refuse, "! " + ui.tr(staff.notice()));
    } else if (!staff.message().empty()) {
        TextWrappedColoured(
            staff.message_ok() ? colours::accept : colours::refuse,
            (staff.message_ok() ? "✓ " + ui.tr("staff.saved") : "× " + ui.tr("staff.not_saved")) + " — " +
                StaffMessage(ui));
    }
    g_confirm_height = ImGui::GetCursorPosY() - confirm_top;
}

}  // namespace

}  // namespace medkiosk::ui
