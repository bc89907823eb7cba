#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

// The picker's own choice until the donor presses "use"; reset for each pack.
struct PickerState {
    std::uint64_t pack_id = 0;
    int year = 0;
    int month = 0;
};

}  // namespace

void DrawAskExpiryScreen(UiContext& ui) {
    if (!BeginFullscreen("ask-expiry")) {
        ImGui::End();
        return;
    }
    static PickerState picker;
    const auto& current = ui.flow.current();
    const int this_year = ui.flow.today().year > 0 ? ui.flow.today().year : 2026;
    if (current && current->id != picker.pack_id) picker = {current->id, this_year + 1, 0};

    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine(0, spacing);
    if (BigButton("← " + ui.tr("action.back") + "##back", ImVec2(em * 5.0f, em * 1.8f), colours::neutral) ||
        ui.keys.escape) {
        ui.flow.back(ui.now);
    }
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("expiry.heading"));
    ImGui::PopFont();
    TextWrappedColoured(colours::muted_text, ui.tr("expiry.instruction"));
    ImGui::Spacing();

    // Years in one row (or two on narrow screens), months in a grid: big targets, no typing.
    const int years = ui.flow.settings().picker_years_ahead + 1;
    const int year_columns = area.x >= em * 30 ? years : (years + 1) / 2;
    const float year_width =
        (area.x - spacing * static_cast<float>(year_columns - 1)) / static_cast<float>(year_columns);
    const float row_height = std::max(em * 2.4f, kMinTouchPx);
    ImGui::TextUnformatted(ui.tr("expiry.year").c_str());
    for (int i = 0; i < years; ++i) {
        const int year = this_year + i;
        if (i % year_columns != 0) ImGui::SameLine(0, spacing);
        if (ChoiceButton(std::to_string(year) + "##year" + std::to_string(year), picker.year == year,
                         ImVec2(year_width, row_height))) {
            picker.year = year;
            ui.flow.touch(ui.now);
        }
    }
    ImGui::Spacing();
    ImGui::TextUnformatted(ui.tr("expiry.month").c_str());
    const int month_columns = area.x >= area.y ? 6 : 4;
    const float month_width =
        (area.x - spacing * static_cast<float>(month_columns - 1)) / static_cast<float>(month_columns);
    for (int month = 1; month <= 12; ++month) {
        if ((month - 1) % month_columns != 0) ImGui::SameLine(0, spacing);
        const std::string label = ui.tr("month." + std::to_string(month)) + "##month" + std::to_string(month);
        if (ChoiceButton(label, picker.month == month, ImVec2(month_width, row_height))) {
            picker.month = month;
            ui.flow.touch(ui.now);
        }
    }
    ImGui::Spacing();
    if (picker.month != 0) {
        const std::string date = kiosk::fill(
            ui.tr("expiry.date_month"), {{"year", std::to_string(picker.year)},
                                         {"month", std::to_string(picker.month)},
                                         {"month_name", ui.tr("month." + std::to_string(picker.month))}});
        if (BigButton("✓ " + kiosk::fill(ui.tr("expiry.use"), {{"date", date}}) + "##use",
                      ImVec2(area.x, em * 3.0f), colours::accept) ||
            ui.keys.enter) {
            ui.flow.pick_expiry(picker.year, picker.month, ui.now);
        }
    }
    DrawCountdown(ui);
    ImGui::End();
}

void DrawConfirmExpiryScreen(UiContext& ui) {
    if (!BeginFullscreen("confirm-expiry")) {
        ImGui::End();
        return;
    }
    const auto& current = ui.flow.current();
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    DrawLanguageSwitch(ui, em * 5.0f);
    if (current && current->proposal) {
        const auto& expiry = current->proposal->expiry;
        const std::string date =
            current->proposal->precision == scanner::ExpiryPrecision::Month
                ? kiosk::fill(ui.tr("expiry.date_month"),
                              {{"year", std::to_string(expiry.year)},
                               {"month", std::to_string(expiry.month)},
                               {"month_name", ui.tr("month." + std::to_string(expiry.month))}})
                : scanner::to_iso(expiry);
        ImGui::SetCursorPosY(area.y * 0.15f);
        ImGui::PushFont(ui.fonts.title);
        ImGui::PushTextWrapPos(0.0f);
        TextCentered(kiosk::fill(ui.tr("expiry.confirm_question"), {{"date", date}}));
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        TextCentered(ui.tr("expiry.confirm_hint"));
        ImGui::Spacing();
        ImGui::Spacing();
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float half = (area.x - spacing) * 0.5f;
        ImGui::PushFont(ui.fonts.title);
        if (BigButton("✓ " + ui.tr("action.yes") + "##yes", ImVec2(half, em * 4.0f), colours::accept) ||
            ui.keys.enter) {
            ui.flow.answer_proposal(true, ui.now);
        }
        ImGui::SameLine(0, spacing);
        if (BigButton("× " + ui.tr("action.no") + "##no", ImVec2(half, em * 4.0f), colours::refuse) ||
            ui.keys.escape) {
            ui.flow.answer_proposal(false, ui.now);
        }
        ImGui::PopFont();
    }
    DrawCountdown(ui);
    ImGui::End();
}

void DrawDetailsScreen(UiContext& ui) {
    if (!BeginFullscreen("details")) {
        ImGui::End();
        return;
    }
    const auto& current = ui.flow.current();
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine(0, spacing);
    if (BigButton("← " + ui.tr("action.back") + "##back", ImVec2(em * 5.0f, em * 1.8f), colours::neutral) ||
        ui.keys.escape) {
        ui.flow.back(ui.now);
    }
    if (!current) {
        ImGui::End();
        return;
    }
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("details.heading"));
    ImGui::PopFont();
    if (current->product) {
        TextWrappedColoured(colours::muted_text, ui.flow.language() == kiosk::Language::Chinese
                                                     ? current->product->name_zh
                                                     : current->product->name_en);
    }
    ImGui::Spacing();
    ImGui::TextUnformatted(ui.tr("details.condition").c_str());
    const float half = (area.x - spacing) * 0.5f;
    const float row_height = em * 3.0f;
    if (ChoiceButton(ui.tr("details.sealed") + "##sealed", current->condition == kiosk::PackCondition::Sealed,
                     ImVec2(half, row_height))) {
        ui.flow.set_condition(kiosk::PackCondition::Sealed, ui.now);
    }
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("details.opened") + "##opened",
                     current->condition == kiosk::PackCondition::OpenedUsable, ImVec2(half, row_height))) {
        ui.flow.set_condition(kiosk::PackCondition::OpenedUsable, ui.now);
    }
    ImGui::Spacing();
    ImGui::TextUnformatted(ui.tr("details.quantity").c_str());
    const float step_width = em * 4.0f;
    if (BigButton("−##fewer", ImVec2(step_width, row_height), colours::primary))
        ui.flow.change_quantity(-1, ui.now);
    ImGui::SameLine(0, spacing);
    ImGui::PushFont(ui.fonts.title);
    const std::string quantity = std::to_string(current->quantity);
    const float number_width = em * 3.0f;
    const ImVec2 at = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(at.x + (number_width - ImGui::CalcTextSize(quantity.c_str()).x) * 0.5f,
                               at.y + (row_height - ImGui::GetFontSize()) * 0.5f));
    ImGui::TextUnformatted(quantity.c_str());
    ImGui::PopFont();
    ImGui::SameLine(at.x + number_width + spacing);
    ImGui::SetCursorPosY(at.y);
    if (BigButton("＋##more", ImVec2(step_width, row_height), colours::primary))
        ui.flow.change_quantity(1, ui.now);
    ImGui::Spacing();
    ImGui::Spacing();
    ImGui::PushFont(ui.fonts.title);
    if (BigButton("✓ " + ui.tr("details.put_in_bin") + "##put", ImVec2(area.x, em * 2.6f), colours::accept) ||
        ui.keys.enter) {
        ui.flow.confirm(ui.now);
    }
    ImGui::PopFont();
    TextWrappedColoured(colours::accept, "→ " + ui.tr("result.where_donation"));
    DrawCountdown(ui);
    ImGui::End();
}

}  // namespace medkiosk::ui
