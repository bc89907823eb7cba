#include <imgui.h>

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
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float button_width = std::min(area.x * 0.8f, em * 22.0f);

    // Both languages on the welcome screen: the donor has not chosen yet.
    const auto& zh = ui.translations;
    ImGui::SetCursorPosY(area.y * 0.12f);
    ImGui::PushFont(ui.fonts.title);
    TextCentered(zh.text(kiosk::Language::Chinese, "app.title") + "  ·  " +
                 zh.text(kiosk::Language::English, "app.title"));
    NoteLatinOnPurpose();
    ImGui::PopFont();
    TextCentered(ui.tr("app.subtitle"));
    ImGui::Spacing();

    ImGui::SetCursorPosX((area.x - button_width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    ImGui::PushFont(ui.fonts.title);
    const std::string start_label = ui.tr("welcome.start");
    if (BigButton(start_label + "##start", ImVec2(button_width, em * 4.5f), colours::primary) ||
        ui.keys.enter) {
        ui.donor.start = true;
    }
    ImGui::PopFont();

    ImGui::Spacing();
    ImGui::Spacing();
    const float half = (button_width - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::SetCursorPosX((area.x - button_width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    if (BigButton(std::string(chinese ? "✓ " : "") +
                      ui.translations.text(kiosk::Language::Chinese, "language.name") + "##zh",
                  ImVec2(half, em * 2.8f), chinese ? colours::primary : colours::muted_text)) {
        ui.donor.language = kiosk::Language::Chinese;
    }
    ImGui::SameLine();
    if (BigButton(std::string(!chinese ? "✓ " : "") +
                      ui.translations.text(kiosk::Language::English, "language.name") + "##en",
                  ImVec2(half, em * 2.8f), !chinese ? colours::primary : colours::muted_text)) {
        ui.donor.language = kiosk::Language::English;
    }
    NoteLatinOnPurpose();

    ImGui::Spacing();
    ImGui::Spacing();
    const float text_width = std::min(area.x * 0.8f, em * 30.0f);
    ImGui::SetCursorPosX((area.x - text_width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_width);
    ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
    ImGui::TextUnformatted(ui.tr("welcome.how").c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::End();
}

}  // namespace medkiosk::ui
