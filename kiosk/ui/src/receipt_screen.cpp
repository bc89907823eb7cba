#include <imgui.h>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawReceiptScreen(UiContext& ui) {
    if (!BeginFullscreen("receipt")) {
        ImGui::End();
        return;
    }
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const std::string code = ui.flow.session() ? ui.flow.session()->receipt_code : std::string();

    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine();
    DrawLargerTextSwitch(ui, 0, em * 1.8f);
    ImGui::PushFont(ui.fonts.title);
    TextCentered("✓ " + ui.tr("receipt.heading"));
    ImGui::PopFont();
    TextCentered(kiosk::fill(ui.tr("receipt.count"), {{"count", std::to_string(ui.flow.recorded_boxes())}}));
    ImGui::Spacing();
    TextCentered(ui.tr("receipt.code_label"));
    ImGui::PushFont(ui.fonts.title);
    TextCentered(code);
    ImGui::PopFont();

    const float qr_size = std::min(area.y * 0.38f, em * 12.0f);
    ImGui::SetCursorPosX((area.x - qr_size) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    DrawQrCode(code, qr_size);
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    TextCentered(ui.tr("receipt.hint"));
    ImGui::PopTextWrapPos();
    ImGui::Spacing();

    const float button_width = std::min(area.x * 0.6f, em * 14.0f);
    ImGui::SetCursorPosX((area.x - button_width) * 0.5f + ImGui::GetStyle().WindowPadding.x);
    if (BigButton(ui.tr("receipt.done") + "##done", ImVec2(button_width, em * 3.0f), colours::primary) ||
        ui.keys.enter) {
        ui.donor.finish = true;
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
