#include <imgui.h>

#include "layout_report.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

// Shown instead of the donor's screens while the kiosk cannot take donations; it disappears by itself
// when the reason clears. Calm on purpose: no red, no error codes (those go to the journal and to
// `medkioskctl status`), both languages because a donor walking up has not chosen one.
void DrawOutOfOrderScreen(UiContext& ui, kiosk::OutOfOrder reason) {
    if (!BeginFullscreen("out-of-order")) {
        ImGui::End();
        return;
    }
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float em = ImGui::GetFontSize();
    const char* reason_key =
        reason == kiosk::OutOfOrder::Camera ? "out_of_order.camera" : "out_of_order.storage";
    const float text_width = std::min(area.x * 0.85f, em * 32.0f);

    ImGui::SetCursorPosY(area.y * 0.15f);
    for (const kiosk::Language language : {kiosk::Language::Chinese, kiosk::Language::English}) {
        ImGui::PushFont(ui.fonts.title);
        TextCentered(ui.translations.text(language, "out_of_order.title"));
        if (language != ui.flow.language()) NoteLatinOnPurpose();
        ImGui::PopFont();
        ImGui::Spacing();
        for (const char* key : {reason_key, "out_of_order.help"}) {
            ImGui::SetCursorPosX((area.x - text_width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_width);
            ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
            ImGui::TextUnformatted(ui.translations.text(language, key).c_str());
            if (language != ui.flow.language()) NoteLatinOnPurpose();
            ImGui::PopStyleColor();
            ImGui::PopTextWrapPos();
        }
        ImGui::Dummy(ImVec2(0, em * 2.0f));
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
