// The printed expiry the kiosk read off the box (OCR), or worked out from its production date and shelf
// life, put to the donor as a yes-or-no question: "yes" takes it, "no" (or Back) goes on to the picker.
// Beside the question: which box is meant (product and code) and the printed line the date was read from, so
// the donor can check it against the box.

#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

std::string DateText(UiContext& ui, const kiosk::ProposedExpiry& proposal) {
    const auto& expiry = proposal.expiry;
    if (proposal.precision != scanner::ExpiryPrecision::Month) return scanner::to_iso(expiry);
    return kiosk::fill(ui.tr("expiry.date_month"),
                       {{"year", std::to_string(expiry.year)},
                        {"month", std::to_string(expiry.month)},
                        {"month_name", ui.tr("month." + std::to_string(expiry.month))}});
}

// The printed line, as large as fits `room` (never enlarged past 2×, so it stays sharp enough to read).
void DrawReadLine(UiContext& ui, const kiosk::CurrentPack& current, const ImVec2& room) {
    const kiosk::ProposedExpiry& proposal = *current.proposal;
    void* texture =
        ui.preview.picture(current.id, proposal.picture_width, proposal.picture_height, proposal.picture);
    if (texture == nullptr) return;
    const float w = static_cast<float>(proposal.picture_width);
    const float h = static_cast<float>(proposal.picture_height);
    const float scale = std::min({room.x / w, room.y / h, 2.0f});
    TextWrappedColoured(colours::muted_text, ui.tr("expiry.read_here"));
    const float width = w * scale;
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), (room.x - width) * 0.5f));
    ImGui::Image(texture, ImVec2(width, h * scale), ImVec2(0, 0), ImVec2(1, 1), ImVec4(1, 1, 1, 1),
                 ImGui::GetStyleColorVec4(ImGuiCol_Border));
}

}  // namespace

void DrawConfirmExpiryScreen(UiContext& ui) {
    if (!BeginFullscreen("confirm-expiry")) {
        ImGui::End();
        return;
    }
    const auto& current = ui.flow.current();
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    DrawDonorLanguageAndBack(ui);
    if (current && current->proposal) {
        ImGui::Spacing();
        ImGui::PushFont(ui.fonts.title);
        ImGui::PushTextWrapPos(0.0f);
        TextCentered(
            kiosk::fill(ui.tr("expiry.confirm_question"), {{"date", DateText(ui, *current->proposal)}}));
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        // A date worked out from production + shelf life is wrong whenever the box also prints its expiry
        // and the kiosk missed it (covered, out of view, in print it could not read): the donor looks.
        if (current->proposal->derived) {
            TextCenteredWrapped(ui.tr("expiry.confirm_hint_derived"));
        } else {
            TextCentered(ui.tr("expiry.confirm_hint"));
        }
        DrawThisBox(ui, *current);
        // The buttons keep the bottom of the screen; the picture gets what is left above them.
        const float button_height = std::max(MinTouchPx() * 1.2f, em * 2.2f);
        const float buttons = button_height + ImGui::GetStyle().ItemSpacing.y * 3;
        const float room = area.y - ImGui::GetCursorPosY() - buttons - ImGui::GetTextLineHeightWithSpacing();
        if (room > em * 1.5f) DrawReadLine(ui, *current, ImVec2(area.x, room));
        ImGui::SetCursorPosY(
            std::max(ImGui::GetCursorPosY(), area.y - buttons + ImGui::GetStyle().WindowPadding.y));
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float half = (area.x - spacing) * 0.5f;
        ImGui::PushFont(ui.fonts.title);
        if (BigButton("✓ " + ui.tr("action.yes") + "##yes", ImVec2(half, button_height), colours::accept) ||
            ui.keys.enter) {
            ui.donor.proposal_answer = true;
        }
        ImGui::SameLine(0, spacing);
        if (BigButton("× " + ui.tr("action.no") + "##no", ImVec2(half, button_height), colours::refuse)) {
            ui.donor.proposal_answer = false;
        }
        ImGui::PopFont();
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
