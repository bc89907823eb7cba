#include <imgui.h>

#include <algorithm>

#include "layout_report.hpp"
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
    DrawLargerTextSwitch(ui, 0, std::max(MinTouchPx(), em * 1.8f));
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    const bool landscape = area.x >= area.y;
    const float done_height = std::max(MinTouchPx(), em * 2.2f);
    // Landscape (a 7" 1024x600 panel with 3 mm capitals): the words on the left; on the right the QR
    // code as large as the height leaves above "Done", which sits under it at the foot of the screen,
    // so the words never push it out of view (with larger text they scroll instead). Portrait: one
    // column, "Done" at the foot.
    const float qr_size =
        landscape ? std::min({rest.y - done_height - style.ItemSpacing.y, rest.x * 0.4f, em * 14.0f})
                  : std::min(rest.y * 0.3f, std::min(rest.x * 0.8f, em * 12.0f));
    const float words_width = landscape ? rest.x - qr_size - style.ItemSpacing.x : rest.x;
    const ImVec2 start = ImGui::GetCursorPos();

    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(start.x + words_width);
    const auto centred = [&](const std::string& text) {
        const float width = std::min(words_width, ImGui::CalcTextSize(text.c_str()).x);
        ImGui::SetCursorPosX(start.x + (words_width - width) * 0.5f);
        ImGui::TextUnformatted(text.c_str());
    };
    ImGui::PushFont(ui.fonts.title);
    centred("✓ " + ui.tr("receipt.heading"));
    ImGui::PopFont();
    centred(kiosk::fill(ui.tr("receipt.count"), {{"count", std::to_string(ui.flow.recorded_boxes())}}));
    centred(ui.tr("receipt.code_label"));
    ImGui::PushFont(ui.fonts.title);
    centred(code);
    // Read off as it is in every language; about one code in ninety has no digit and looks like a word.
    NoteLatinOnPurpose();
    ImGui::PopFont();
    if (!landscape) {
        ImGui::SetCursorPosX(start.x + (words_width - qr_size) * 0.5f);
        DrawQrCode(code, qr_size);
    }
    centred(ui.tr("receipt.hint"));
    ImGui::PopTextWrapPos();
    const auto done = [&](float width) {
        if (BigButton(ui.tr("receipt.done") + "##done", ImVec2(width, done_height), colours::primary) ||
            ui.keys.enter) {
            ui.donor.finish = true;
        }
    };
    if (!landscape) {
        const float button_width = std::min(words_width, std::max(em * 10.0f, words_width * 0.7f));
        ImGui::SetCursorPos(ImVec2(start.x + (words_width - button_width) * 0.5f,
                                   std::max(ImGui::GetCursorPosY(), start.y + rest.y - done_height)));
        done(button_width);
    }
    ImGui::EndGroup();
    if (landscape) {
        const float column_x = start.x + words_width + style.ItemSpacing.x;
        const float qr_top =
            start.y + std::max(0.0f, (rest.y - done_height - style.ItemSpacing.y - qr_size) * 0.5f);
        ImGui::SetCursorPos(ImVec2(column_x, qr_top));
        DrawQrCode(code, qr_size);
        ImGui::SetCursorPos(ImVec2(column_x, start.y + rest.y - done_height));
        done(qr_size);
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
