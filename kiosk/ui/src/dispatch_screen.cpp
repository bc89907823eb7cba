// A dispatch to a clinic: accepted items earliest expiry first, each kept or left with its quantity,
// the clinic typed or chosen from those used before, then confirmed. Reached from the queue.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawDispatchScreen(UiContext& ui) {
    if (!BeginFullscreen("dispatch")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("staff.dispatch_heading").c_str());
    ImGui::PopFont();
    if (DrawLanguageAndBack(ui)) {
        staff.back_to_queue(ui.now);
        ImGui::End();
        return;
    }

    // The clinic: typed (a USB keyboard) or one used before, in one touch.
    RowLabel(ui.tr("staff.dispatch_clinic"), 0);
    std::string clinic = staff.clinic();
    const float field = std::min(em * 16.0f, ImGui::GetContentRegionAvail().x);
    ImGui::PushStyleVar(
        ImGuiStyleVar_FramePadding,
        ImVec2(style.FramePadding.x, std::max(style.FramePadding.y, (kMinTouchPx - em) * 0.5f)));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.0f);
    // Entering the screen puts the cursor in the field, so a keyboard types the clinic at once.
    static int last_drawn_frame = -10;
    if (ImGui::GetFrameCount() - last_drawn_frame > 1) ImGui::SetKeyboardFocusHere();
    last_drawn_frame = ImGui::GetFrameCount();
    if (InputString("##clinic", clinic, field)) staff.set_clinic(clinic, ui.now);
    ImGui::PopStyleVar(2);
    if (!staff.clinics().empty()) {
        const std::string before = ui.tr("staff.dispatch_clinics_before");
        if (ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(before.c_str()).x + em * 6)
            ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(before.c_str());
        int index = 0;
        for (const auto& name : staff.clinics()) {
            const std::string label = name + "##clinic" + std::to_string(index++);
            const float width =
                ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2 + em;
            if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <=
                ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
                ImGui::SameLine();
            if (ChoiceButton(label, staff.clinic() == name, ImVec2(0, ImGui::GetFrameHeight())))
                staff.set_clinic(name, ui.now);
        }
    }
    TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatch_hint"));

    const float footer = ImGui::GetFrameHeightWithSpacing() * 2.0f + em * 0.5f;
    const float table_height = std::max(em * 4.0f, ImGui::GetContentRegionAvail().y - footer);
    const float row_height = std::max({em * 1.9f, kMinTouchPx, ImGui::GetFrameHeight() + 4.0f});
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
        ImGui::TableSetupColumn(ui.tr("staff.column_expiry").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                em * 6.6f);
        ImGui::TableSetupColumn(ui.tr("staff.column_product").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                3.0f);
        ImGui::TableSetupColumn(ui.tr("staff.column_category").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.2f);
        ImGui::TableSetupColumn(ui.tr("staff.column_state").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                1.4f);
        ImGui::TableSetupColumn(ui.tr("staff.column_quantity").c_str(), ImGuiTableColumnFlags_WidthFixed,
                                kMinTouchPx * 2 + em * 2.2f + style.ItemSpacing.x * 2);
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
                ImGui::AlignTextToFramePadding();
                if (!line.included) ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
                ImGui::TextUnformatted(text.c_str());
                if (!line.included) ImGui::PopStyleColor();
            };
            cell(ProductLabel(ui, line.item));
            cell(CategoryLabel(ui, line.item.category));
            cell(StateLabel(ui, line.item));
            ImGui::TableNextColumn();
            ImGui::BeginDisabled(!line.included || line.quantity <= 1);
            if (BigButton("−##less" + index, ImVec2(kMinTouchPx, row_height - 4), colours::neutral))
                staff.set_quantity(line.item.uuid, line.quantity - 1, ui.now);
            ImGui::EndDisabled();
            ImGui::SameLine();
            const std::string count =
                std::to_string(line.quantity) + "/" + std::to_string(line.item.quantity);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(count.c_str());
            ImGui::SameLine();
            ImGui::BeginDisabled(!line.included || line.quantity >= line.item.quantity);
            if (BigButton("＋##more" + index, ImVec2(kMinTouchPx, row_height - 4), colours::neutral))
                staff.set_quantity(line.item.uuid, line.quantity + 1, ui.now);
            ImGui::EndDisabled();
        }
        ImGui::EndTable();
    }

    const std::string confirm =
        "✓ " +
        kiosk::fill(ui.tr("staff.dispatch_confirm"), {{"count", std::to_string(staff.dispatch_count())}}) +
        "##confirm";
    ImGui::BeginDisabled(staff.busy() || staff.dispatch_loading() || staff.dispatch_count() == 0);
    if (BigButton(confirm, ImVec2(0, std::max(em * 2.0f, kMinTouchPx)), colours::accept) || ui.keys.enter)
        staff.confirm_dispatch(ui.now);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (staff.busy()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.dispatch_working"));
    } else if (!staff.notice().empty()) {
        TextWrappedColoured(colours::refuse, "! " + ui.tr(staff.notice()));
    } else if (!staff.message().empty()) {
        TextWrappedColoured(
            staff.message_ok() ? colours::accept : colours::refuse,
            (staff.message_ok() ? "✓ " + ui.tr("staff.saved") : "× " + ui.tr("staff.not_saved")) + " — " +
                staff.message());
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
