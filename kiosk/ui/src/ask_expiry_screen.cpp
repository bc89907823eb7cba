// The expiry picker: the pack's code carries no expiry (a trace code, an EAN-13), so the donor picks
// the month and year printed on the box. Never assumed.

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

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
    const ImGuiStyle& style = ImGui::GetStyle();
    const float spacing = style.ItemSpacing.x;
    DrawDonorLanguageAndBack(ui);
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const bool landscape = area.x >= area.y;

    // On a 7" 1024x600 panel with 3 mm capitals the question and the picker sit side by side: the
    // words and "use" on the left, the year stepper and the twelve months on the right. Portrait
    // stacks them. No typing, and 11 mm targets.
    const float row_height = std::max(MinTouchPx(), em * 1.9f);
    const float text_width = landscape ? std::floor((area.x - spacing) * 0.4f) : area.x;
    const float picker_width = landscape ? area.x - text_width - spacing : area.x;
    const float picker_height = row_height * 4 + style.ItemSpacing.y * 3;
    const std::string use_label =
        picker.month == 0
            ? std::string()
            : "✓ " + kiosk::fill(
                         ui.tr("expiry.use"),
                         {{"date",
                           kiosk::fill(ui.tr("expiry.date_month"),
                                       {{"year", std::to_string(picker.year)},
                                        {"month", std::to_string(picker.month)},
                                        {"month_name", ui.tr("month." + std::to_string(picker.month))}})}});
    // "Use this date: September 2027" may need two lines in the narrow column: the button grows.
    const float use_height = std::max(
        row_height,
        ImGui::CalcTextSize(use_label.c_str(), nullptr, false, text_width - style.FramePadding.x * 2).y +
            style.FramePadding.y * 2);

    const ImVec2 start = ImGui::GetCursorPos();
    const float words_height = landscape ? area.y - use_height - style.ItemSpacing.y
                                         : area.y - picker_height - use_height - style.ItemSpacing.y * 2;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, colours::background);
    // Scrolls only if the donor's larger text does not fit the column.
    ImGui::BeginChild("words", ImVec2(text_width, words_height), false);
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("expiry.heading"));
    ImGui::PopFont();
    if (current) DrawThisBox(ui, *current);
    TextWrappedColoured(colours::muted_text, ui.tr("expiry.instruction"));
    ImGui::EndChild();
    ImGui::PopStyleColor();
    const auto draw_use = [&] {
        if (picker.month == 0) {
            ImGui::Dummy(ImVec2(text_width, use_height));  // its place stays: nothing moves when it comes
            return;
        }
        // The label wraps inside the button (ImGui draws a "\n" as a second line).
        std::string wrapped = use_label;
        if (ImGui::CalcTextSize(use_label.c_str()).x > text_width - style.FramePadding.x * 2) {
            const std::size_t full_width = use_label.find("：");
            const std::size_t ascii = use_label.find(':');
            const std::size_t after = full_width != std::string::npos
                                          ? full_width + std::string_view("：").size()
                                      : ascii != std::string::npos ? ascii + 1
                                                                   : std::string::npos;
            if (after != std::string::npos) {
                wrapped = use_label.substr(0, after);
                wrapped += '\n';
                wrapped += use_label.substr(after);
            }
        }
        if (BigButton(wrapped + "##use", ImVec2(text_width, use_height), colours::accept) || ui.keys.enter)
            ui.donor.picked_expiry = std::pair{picker.year, picker.month};
    };
    if (landscape) {
        draw_use();  // at the foot of the words' column; the picker beside them
        ImGui::SetCursorPos(ImVec2(start.x + text_width + spacing, start.y));
    }

    // The year: a stepper from this year to the last one the settings allow.
    ImGui::BeginGroup();
    const int last_year = this_year + ui.flow.settings().picker_years_ahead;
    const float step_width = std::max(MinTouchPx(), em * 2.5f);
    ImGui::BeginDisabled(picker.year <= this_year);
    if (BigButton("−##year-less", ImVec2(step_width, row_height), colours::primary)) {
        picker.year = std::max(this_year, picker.year - 1);
        ui.donor.touched = true;
    }
    ImGui::EndDisabled();
    ImGui::SameLine(0, spacing);
    const float year_box = picker_width - step_width * 2 - spacing * 2;
    const std::string year_text =
        kiosk::fill(ui.tr("expiry.year_value"), {{"year", std::to_string(picker.year)}});
    const ImVec2 at = ImGui::GetCursorPos();
    ImGui::PushFont(ui.fonts.title);
    ImGui::SetCursorPos(
        ImVec2(at.x + std::max(0.0f, (year_box - ImGui::CalcTextSize(year_text.c_str()).x) * 0.5f),
               at.y + (row_height - ImGui::GetFontSize()) * 0.5f));
    ImGui::TextUnformatted(year_text.c_str());
    ImGui::PopFont();
    ImGui::SetCursorPos(ImVec2(at.x + year_box + spacing, at.y));  // the group's own coordinates
    ImGui::BeginDisabled(picker.year >= last_year);
    if (BigButton("＋##year-more", ImVec2(step_width, row_height), colours::primary)) {
        picker.year = std::min(last_year, picker.year + 1);
        ui.donor.touched = true;
    }
    ImGui::EndDisabled();

    // The months in a 4 x 3 grid, short names so each fits its button.
    constexpr int kMonthColumns = 4;
    const float month_width = (picker_width - spacing * (kMonthColumns - 1)) / kMonthColumns;
    for (int month = 1; month <= 12; ++month) {
        if ((month - 1) % kMonthColumns != 0) ImGui::SameLine(0, spacing);
        const std::string label =
            ui.tr("month_short." + std::to_string(month)) + "##month" + std::to_string(month);
        if (ChoiceButton(label, picker.month == month, ImVec2(month_width, row_height))) {
            picker.month = month;
            ui.donor.touched = true;
        }
    }
    ImGui::EndGroup();
    if (!landscape) draw_use();
    ImGui::End();
}

}  // namespace medkiosk::ui
