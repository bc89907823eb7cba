// Pieces several screens share: the idle countdown line, the language switch, a donor step's
// language-and-back row, and a staff sub-screen's language-and-back header.

#include <imgui.h>

#include <algorithm>
#include <string>

#include "layout_report.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawStillThere(UiContext& ui) {
    const auto countdown = ui.flow.countdown_seconds(ui.now);
    if (!countdown) return;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::SetNextWindowBgAlpha(0.9f);
    ImGui::SetNextWindowFocus();
    constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar;
    ImGui::Begin("still-there", nullptr, kFlags);
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    ImGui::SetCursorPosY(area.y * 0.2f);
    ImGui::PushFont(ui.fonts.title);
    TextCentered(ui.tr("scan.still_there"));
    ImGui::PopFont();
    TextCentered(kiosk::fill(ui.tr("scan.countdown"), {{"seconds", std::to_string(*countdown)}}));
    ImGui::Spacing();
    const float width = std::min(area.x * 0.8f, em * 18.0f);
    ImGui::SetCursorPosX((area.x - width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    ImGui::PushFont(ui.fonts.title);
    const bool pressed =
        BigButton(ui.tr("scan.tap_to_continue") + "##continue", ImVec2(width, em * 4.0f), colours::primary);
    ImGui::PopFont();
    // Anywhere on the warning counts as the tap, and so does a key, which the screen beneath (drawn
    // after this) then does not see.
    if (pressed || (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0)) || ui.keys.enter ||
        ui.keys.escape) {
        ui.donor.touched = true;
        ui.keys = {};
    }
    ImGui::End();
}

float OneBoxNoticeHeight(UiContext& ui, float width, const char* key) {
    const float em = ImGui::GetFontSize();
    return ImGui::CalcTextSize(ui.tr(key).c_str(), nullptr, false, std::max(1.0f, width - em)).y + em * 0.6f;
}

void DrawOneBoxNotice(UiContext& ui, const ImVec2& min, const ImVec2& max, const char* key) {
    ImDrawList* draw = ImGui::GetForegroundDrawList();
    draw->AddRectFilled(min, max, ImGui::GetColorU32(colours::review), ImGui::GetFontSize() * 0.3f);
    const std::string& text = ui.tr(key);
    const float wrap = max.x - min.x - ImGui::GetFontSize();
    const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    const ImVec2 at(min.x + std::max(ImGui::GetFontSize() * 0.5f, (max.x - min.x - size.x) * 0.5f),
                    min.y + std::max(0.0f, (max.y - min.y - size.y) * 0.5f));
    draw->PushClipRect(min, max, true);
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, IM_COL32_WHITE, text.c_str(), nullptr, wrap);
    draw->PopClipRect();
}

std::string ProductName(const UiContext& ui, const kiosk::ProductInfo& product) {
    return ui.flow.language() == kiosk::Language::Chinese ? product.name_zh : product.name_en;
}

void DrawThisBox(UiContext& ui, const kiosk::CurrentPack& current) {
    std::string what = current.product ? ProductName(ui, *current.product) : ui.tr("field.unknown_product");
    if (current.pack) {
        const std::string& code = current.pack->gtin.empty() ? current.pack->product_id : current.pack->gtin;
        if (!code.empty()) what += " · " + code;
    }
    TextWrappedColoured(colours::text, kiosk::fill(ui.tr("expiry.this_box"), {{"what", what}}));
}

bool DrawLanguageSwitch(UiContext& ui, float width) {
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    if (BigButton(ui.tr("scan.language_switch") + "##language", ImVec2(width, ImGui::GetFontSize() * 1.8f),
                  colours::neutral)) {
        ui.donor.language = chinese ? kiosk::Language::English : kiosk::Language::Chinese;
        NoteLatinOnPurpose();
        return true;
    }
    NoteLatinOnPurpose();  // it names the other language in that language
    return false;
}

void DrawLargerTextSwitch(UiContext& ui, float width, float height, bool short_label) {
    const std::string label = ui.tr(short_label ? "text.larger_short" : "text.larger");
    if (ChoiceButton(label + "##larger", ui.flow.larger_text(), ImVec2(width, height)))
        ui.donor.toggle_larger_text = true;
}

void DrawDonorLanguageAndBack(UiContext& ui) {
    const float em = ImGui::GetFontSize();
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x);
    DrawLargerTextSwitch(ui, 0, em * 1.8f);
    // Back on the next line when the row has no room for it (larger text on a portrait screen).
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + em * 5.0f <= right)
        ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x);
    if (BigButton("← " + ui.tr("action.back") + "##back", ImVec2(em * 5.0f, em * 1.8f), colours::neutral) ||
        ui.keys.escape) {
        ui.donor.back = true;
    }
    // Another box in view while the donor answers: said in the rest of this row, which is there anyway
    // (in short when the sentence does not fit it: larger text); else in a band of its own under the
    // row, as tall as its wrapped lines (the row then has no room: a portrait screen with larger text).
    if (ui.flow.waiting_box()) {
        const ImVec2 row_min(ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x,
                             ImGui::GetItemRectMin().y);
        const ImVec2 row_max(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x,
                             ImGui::GetItemRectMax().y);
        for (const char* key : {"scan.one_box", "scan.one_box_short", ""}) {
            if (*key == '\0') {
                const float width = ImGui::GetContentRegionAvail().x;
                const ImVec2 band_min = ImGui::GetCursorScreenPos();
                const ImVec2 band_size(width, OneBoxNoticeHeight(ui, width, "scan.one_box"));
                DrawOneBoxNotice(ui, band_min, ImVec2(band_min.x + band_size.x, band_min.y + band_size.y));
                ImGui::Dummy(band_size);
                break;
            }
            if (row_max.x - row_min.x > em * 4.0f &&
                OneBoxNoticeHeight(ui, row_max.x - row_min.x, key) <= row_max.y - row_min.y) {
                DrawOneBoxNotice(ui, row_min, row_max, key);
                break;
            }
        }
    }
}

bool DrawLanguageAndBack(UiContext& ui) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const std::string back_label = "← " + ui.tr("staff.back") + "##back";
    const float back_width = std::max(
        MinTouchPx(), ImGui::CalcTextSize(back_label.c_str(), nullptr, true).x + style.FramePadding.x * 2);
    const float language_width = ImGui::GetFontSize() * 4.5f;
    // Right-aligned beside what came before when both fit there, else right-aligned on their own line
    // (a portrait screen's long title).
    const float needed = language_width + style.ItemSpacing.x + back_width;
    const float right = ImGui::GetWindowContentRegionMax().x;
    const float after_last = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + style.ItemSpacing.x;
    if (after_last + needed <= right)
        ImGui::SameLine(right - needed);
    else
        ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), right - needed));
    DrawLanguageSwitch(ui, language_width);
    ImGui::SameLine();
    return BigButton(back_label, ImVec2(0, ImGui::GetFrameHeight()), colours::neutral) || ui.keys.escape;
}

}  // namespace medkiosk::ui
