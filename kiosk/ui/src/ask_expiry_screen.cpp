// The expiry picker: the pack's code carries no expiry (a trace code, an EAN-13), so the donor picks
// the month and year printed on the box. Never assumed.

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
    DrawDonorLanguageAndBack(ui);
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("expiry.heading"));
    ImGui::PopFont();
    if (current) DrawThisBox(ui, *current);
    TextWrappedColoured(colours::muted_text, ui.tr("expiry.instruction"));
    ImGui::Spacing();

    // Years in one row (or two on narrow screens), months in a grid: big targets, no typing.
    const int years = ui.flow.settings().picker_years_ahead + 1;
    const int year_columns = area.x >= em * 30 ? years : (years + 1) / 2;
    const float year_width =
        (area.x - spacing * static_cast<float>(year_columns - 1)) / static_cast<float>(year_columns);
    const float row_height = std::max(em * 2.4f, MinTouchPx());
    ImGui::TextUnformatted(ui.tr("expiry.year").c_str());
    for (int i = 0; i < years; ++i) {
        const int year = this_year + i;
        if (i % year_columns != 0) ImGui::SameLine(0, spacing);
        if (ChoiceButton(std::to_string(year) + "##year" + std::to_string(year), picker.year == year,
                         ImVec2(year_width, row_height))) {
            picker.year = year;
            ui.donor.touched = true;
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
            ui.donor.touched = true;
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
            ui.donor.picked_expiry = std::pair{picker.year, picker.month};
        }
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
