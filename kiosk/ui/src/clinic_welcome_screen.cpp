// Clinic mode's first screen: which clinic this device serves, the sign-in and the language.
#include <imgui.h>

#include <algorithm>

#include "layout_report.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawClinicWelcomeScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-welcome")) {
        ImGui::End();
        return;
    }
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float button_width = std::min(area.x * 0.8f, em * 22.0f);
    const float left = (area.x - button_width) * 0.5f + ImGui::GetStyle().WindowPadding.x;
    ImGui::SetCursorPosY(area.y * 0.06f);
    ImGui::PushFont(ui.fonts.title);
    TextCentered(ui.translations.text(kiosk::Language::Chinese, "clinic.title") + "  ·  " +
                 ui.translations.text(kiosk::Language::English, "clinic.title"));
    NoteLatinOnPurpose();  // the title in both languages, as the donor's welcome shows it
    ImGui::PopFont();
    TextCenteredWrapped(kiosk::fill(ui.tr("clinic.device_of"),
                                    {{"clinic", ui.clinic->clinic_name(ui.flow.language(), ui.clinic_id)}}));
    ImGui::Spacing();
    ImGui::SetCursorPosX(left);
    ImGui::PushFont(ui.fonts.title);
    if (BigButton(ui.tr("clinic.sign_in") + "##sign-in",
                  ImVec2(button_width, std::max(MinTouchPx() * 1.5f, em * 3.0f)), colours::primary) ||
        ui.keys.enter)
        ui.clinic->open_pin(ui.now);
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::SetCursorPosX(left);
    DrawLanguageSwitch(ui, button_width);  // at least 11 mm tall (BigButton)
    ImGui::Spacing();
    ImGui::SetCursorPosX(left);
    ImGui::PushTextWrapPos(left + button_width);
    ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
    ImGui::TextUnformatted(ui.tr("clinic.welcome_how").c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::End();
}

}  // namespace medkiosk::ui
