// Boxes by day and by category — accepted, awaiting a pharmacist, refused — as bars drawn with ImGui's
// draw list. Colour is never the only signal: accepted bars are solid, awaiting ones are outlined with
// a dotted middle line, refused ones are hatched, and every bar has its number written.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

ImU32 colour_u32(const ImVec4& colour) {
    return ImGui::ColorConvertFloat4ToU32(colour);
}

enum class Outcome { Accepted, Awaiting, Refused };

// A refused bar: outlined, with diagonal hatching, so it differs from an accepted (solid) bar in shape.
void HatchedBar(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float step) {
    draw->AddRect(a, b, colour, 0, 0, 2.0f);
    draw->PushClipRect(a, b, true);
    for (float x = a.x - (b.y - a.y); x < b.x; x += step)
        draw->AddLine(ImVec2(x, b.y), ImVec2(x + (b.y - a.y), a.y), colour, 2.0f);
    draw->PopClipRect();
}

// An awaiting bar: outlined with a row of dots along its long middle — not decided yet.
void DottedBar(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float step) {
    draw->AddRect(a, b, colour, 0, 0, 2.0f);
    const bool upright = (b.y - a.y) >= (b.x - a.x);
    const float radius = std::max(1.5f, step * 0.18f);
    if (upright) {
        for (float y = b.y - step * 0.5f; y > a.y + radius; y -= step)
            draw->AddCircleFilled(ImVec2((a.x + b.x) * 0.5f, y), radius, colour);
    } else {
        for (float x = a.x + step * 0.5f; x < b.x - radius; x += step)
            draw->AddCircleFilled(ImVec2(x, (a.y + b.y) * 0.5f), radius, colour);
    }
}

void OutcomeBar(ImDrawList* draw, ImVec2 a, ImVec2 b, Outcome outcome, float em) {
    switch (outcome) {
        case Outcome::Accepted:
            draw->AddRectFilled(a, b, colour_u32(colours::accept));
            break;
        case Outcome::Awaiting:
            DottedBar(draw, a, b, colour_u32(colours::review), std::max(6.0f, em * 0.5f));
            break;
        case Outcome::Refused:
            HatchedBar(draw, a, b, colour_u32(colours::refuse), std::max(4.0f, em * 0.3f));
            break;
    }
}

struct Series {
    Outcome outcome;
    std::int64_t storage::DropOffCount::*boxes;
};
constexpr Series kSeries[] = {{Outcome::Accepted, &storage::DropOffCount::accepted},
                              {Outcome::Awaiting, &storage::DropOffCount::awaiting},
                              {Outcome::Refused, &storage::DropOffCount::refused}};

void Legend(UiContext& ui) {
    const float em = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    // Each swatch with its word stays on the row when it fits, else starts the next (a 1024 px screen).
    bool first = true;
    auto fits_here = [&](float width) {
        if (first) {
            first = false;
            return;
        }
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        if (ImGui::GetItemRectMax().x + em * 1.5f + width <= right) ImGui::SameLine(0, em * 1.5f);
    };
    auto swatch = [&](Outcome outcome, const std::string& label) {
        fits_here(em * 1.4f + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(label.c_str()).x);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        OutcomeBar(draw, ImVec2(at.x, at.y + em * 0.2f), ImVec2(at.x + em * 1.2f, at.y + em), outcome, em);
        ImGui::Dummy(ImVec2(em * 1.4f, em));
        ImGui::SameLine();
        ImGui::TextUnformatted(label.c_str());
    };
    swatch(Outcome::Accepted, ui.tr("staff.chart_accepted"));
    swatch(Outcome::Awaiting, ui.tr("staff.chart_awaiting"));
    swatch(Outcome::Refused, ui.tr("staff.chart_refused"));
    const std::string unit = ui.tr("staff.charts_unit");
    fits_here(ImGui::CalcTextSize(unit.c_str()).x);
    ImGui::TextColored(colours::muted_text, "%s", unit.c_str());
}

std::int64_t Peak(const std::vector<storage::DropOffCount>& counts) {
    std::int64_t peak = 1;
    for (const auto& count : counts)
        for (const auto& series : kSeries) peak = std::max(peak, count.*series.boxes);
    return peak;
}

// Three bars per day with their counts above them; dates below, thinned out so they never overlap.
void DayChart(const std::vector<storage::DropOffCount>& days, ImVec2 size) {
    const float em = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    if (days.empty()) return;
    const std::int64_t peak = Peak(days);
    const float label_h = em * 1.2f;
    const float number_h = em * 1.1f;
    const float plot_h = size.y - label_h - number_h;
    const float group = size.x / static_cast<float>(days.size());
    const float bar = std::max(2.0f, group * 0.26f);
    const float base = origin.y + number_h + plot_h;
    draw->AddLine(ImVec2(origin.x, base), ImVec2(origin.x + size.x, base), colour_u32(colours::muted_text),
                  1.0f);
    const float date_w = ImGui::CalcTextSize("00-00").x + em * 0.4f;
    const int every = std::max(1, static_cast<int>(std::ceil(date_w / group)));
    // A count is written over its bar when it fits in its third of the day's slot (zeros are left out).
    for (std::size_t i = 0; i < days.size(); ++i) {
        float left = origin.x + group * static_cast<float>(i) + group * 0.5f - bar * 1.5f;
        for (const auto& series : kSeries) {
            const std::int64_t count = days[i].*series.boxes;
            const float h = plot_h * static_cast<float>(count) / static_cast<float>(peak);
            const ImVec2 a(left, base - h);
            const ImVec2 b(left + bar, base);
            if (count > 0) OutcomeBar(draw, a, b, series.outcome, em);
            const std::string text = std::to_string(count);
            const float w = ImGui::CalcTextSize(text.c_str()).x;
            if (count > 0 && w <= group / 3.0f)
                draw->AddText(ImVec2(left + bar * 0.5f - w * 0.5f, a.y - number_h), colour_u32(colours::text),
                              text.c_str());
            left += bar;
        }
        if (static_cast<int>(days.size() - 1 - i) % every == 0) {  // the newest day always labelled
            const std::string date = days[i].key.size() == 10 ? days[i].key.substr(5) : days[i].key;
            const float w = ImGui::CalcTextSize(date.c_str()).x;
            draw->AddText(
                ImVec2(origin.x + group * static_cast<float>(i) + group * 0.5f - w * 0.5f, base + em * 0.1f),
                colour_u32(colours::muted_text), date.c_str());
        }
    }
}

// One row per category: its name, then the accepted, awaiting and refused bars, each with its number.
void CategoryChart(UiContext& ui, const std::vector<storage::DropOffCount>& categories, ImVec2 size) {
    const float em = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGui::BeginChild("by-category", size);
    const std::int64_t peak = Peak(categories);
    float name_w = em * 4.0f;
    for (const auto& category : categories)
        name_w = std::max(name_w, ImGui::CalcTextSize(CategoryLabel(ui, category.key).c_str()).x + em);
    const float number_w = ImGui::CalcTextSize("0000").x + em * 0.4f;
    const float bar_room = std::max(em * 2.0f, ImGui::GetContentRegionAvail().x - name_w - number_w);
    const float bar_h = em * 0.8f;
    const float bar_gap = em * 0.15f;
    for (const auto& category : categories) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::TextUnformatted(CategoryLabel(ui, category.key).c_str());
        float y = at.y + em * 0.1f;
        for (const auto& series : kSeries) {
            const std::int64_t count = category.*series.boxes;
            const float w = bar_room * static_cast<float>(count) / static_cast<float>(peak);
            const ImVec2 a(at.x + name_w, y);
            const ImVec2 b(at.x + name_w + std::max(w, 1.0f), y + bar_h);
            OutcomeBar(draw, a, b, series.outcome, em);
            const std::string text = std::to_string(count);
            draw->AddText(ImVec2(b.x + em * 0.3f, y + bar_h * 0.5f - em * 0.5f), colour_u32(colours::text),
                          text.c_str());
            y += bar_h + bar_gap;
        }
        ImGui::SetCursorScreenPos(ImVec2(at.x, y + em * 0.5f));
        ImGui::Dummy(ImVec2(1, 1));
    }
    ImGui::EndChild();
}

}  // namespace

void DrawChartsScreen(UiContext& ui) {
    if (!BeginFullscreen("charts")) {
        ImGui::End();
        return;
    }
    auto& staff = ui.back_office.staff;
    const float em = ImGui::GetFontSize();
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("staff.charts_heading").c_str());
    ImGui::PopFont();
    const int days = staff.charts() ? staff.charts()->days : 14;
    ImGui::SameLine(0, em);
    for (const auto& [label, value, id] : {std::tuple{ui.tr("staff.days_14"), 14, "days14"},
                                           std::tuple{ui.tr("staff.days_30"), 30, "days30"}}) {
        if (value != 14) ImGui::SameLine();
        if (ChoiceButton(label + "##" + id, days == value, ImVec2(0, ImGui::GetFrameHeight())))
            staff.open_charts(value, ui.now);
    }
    if (DrawLanguageAndBack(ui)) {
        staff.back_to_queue(ui.now);
        ImGui::End();
        return;
    }
    Legend(ui);
    if (!staff.message().empty() && !staff.message_ok())
        TextWrappedColoured(colours::refuse, "× " + staff.message());
    if (!staff.charts()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.loading"));
        ImGui::End();
        return;
    }
    const kiosk::ChartData& data = *staff.charts();
    const std::string range = std::to_string(data.days);
    // Both charts share what is left below the two headings; neither pushes the screen into scrolling
    // (the category list scrolls inside its own box).
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float room = ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 2 - spacing;
    const float category_least = em * 2.5f;
    const float day_height = std::max(em * 4.0f, std::min(room * 0.5f, room - category_least));
    ImGui::TextUnformatted(kiosk::fill(ui.tr("staff.charts_by_day"), {{"days", range}}).c_str());
    DayChart(data.by_day, ImVec2(ImGui::GetContentRegionAvail().x, day_height));
    ImGui::TextUnformatted(kiosk::fill(ui.tr("staff.charts_by_category"), {{"days", range}}).c_str());
    if (data.by_category.empty()) {
        TextWrappedColoured(colours::muted_text, ui.tr("staff.empty"));
    } else {
        CategoryChart(ui, data.by_category,
                      ImVec2(0, std::max(category_least, ImGui::GetContentRegionAvail().y)));
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
