#include <imgui.h>

#include <algorithm>

#include "layout_report.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawWelcomeScreen(UiContext& ui) {
    if (!BeginFullscreen("welcome")) {
        ImGui::End();
        return;
    }
    const float em = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float button_width = std::min(area.x * 0.9f, em * 22.0f);
    const float left = (area.x - button_width) * 0.5f + style.WindowPadding.x;
    const float text_width = std::min(area.x * 0.9f, em * 30.0f);
    const std::string& how = ui.tr("welcome.how");

    // Everything fits on a 7" 1024x600 panel with 3 mm capitals: the start button takes what the
    // text and the other rows leave, between one and a half touch targets and 3 title lines.
    const float row_height = std::max(MinTouchPx(), em * 1.8f);
    const float title_height = ui.fonts.title != nullptr ? ui.fonts.title->FontSize : em * 1.6f;
    const float how_height = ImGui::CalcTextSize(how.c_str(), nullptr, false, text_width).y;
    const float fixed = title_height + ImGui::GetTextLineHeight() + row_height * 2.0f + how_height +
                        style.ItemSpacing.y * 6.0f;
    const float start_height = std::clamp(area.y - fixed, MinTouchPx() * 1.5f, title_height * 3.0f);
    const float top_gap = std::max(0.0f, (area.y - fixed - start_height) * 0.4f);

    // Both languages on the welcome screen: the donor has not chosen yet.
    const auto& zh = ui.translations;
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + top_gap);
    ImGui::PushFont(ui.fonts.title);
    TextCentered(zh.text(kiosk::Language::Chinese, "app.title") + "  ·  " +
                 zh.text(kiosk::Language::English, "app.title"));
    NoteLatinOnPurpose();
    ImGui::PopFont();
    TextCentered(ui.tr("app.subtitle"));

    ImGui::SetCursorPosX(left);
    ImGui::PushFont(ui.fonts.title);
    const std::string start_label = ui.tr("welcome.start");
    if (BigButton(start_label + "##start", ImVec2(button_width, start_height), colours::primary) ||
        ui.keys.enter) {
        ui.donor.start = true;
    }
    ImGui::PopFont();

    const float half = (button_width - style.ItemSpacing.x) * 0.5f;
    ImGui::SetCursorPosX(left);
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    if (BigButton(std::string(chinese ? "✓ " : "") +
                      ui.translations.text(kiosk::Language::Chinese, "language.name") + "##zh",
                  ImVec2(half, row_height), chinese ? colours::primary : colours::muted_text)) {
        ui.donor.language = kiosk::Language::Chinese;
    }
    ImGui::SameLine();
    if (BigButton(std::string(!chinese ? "✓ " : "") +
                      ui.translations.text(kiosk::Language::English, "language.name") + "##en",
                  ImVec2(half, row_height), !chinese ? colours::primary : colours::muted_text)) {
        ui.donor.language = kiosk::Language::English;
    }
    NoteLatinOnPurpose();
    ImGui::SetCursorPosX(left + (button_width - half) * 0.5f);
    DrawLargerTextSwitch(ui, half, row_height);

    ImGui::SetCursorPosX((area.x - text_width) * 0.5f + style.WindowPadding.x);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_width);
    ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
    ImGui::TextUnformatted(how.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::End();
}

}  // namespace medkiosk::ui
