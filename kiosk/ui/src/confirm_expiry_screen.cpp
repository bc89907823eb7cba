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
    if (current && current->proposal) {
        // Yes and No are a bar at the foot that never scrolls: the donor always sees them. What is above
        // scrolls when it does not fit (a worked-out date's longer hint, larger text on a 7" panel).
        const float button_height = std::max(MinTouchPx() * 1.2f, em * 2.2f);
        const float foot = button_height + ImGui::GetStyle().ItemSpacing.y * 2;
        ImGui::BeginChild("confirm-body", ImVec2(area.x, std::max(em * 3.0f, area.y - foot)), false);
        ScrollByDrag();
        DrawDonorLanguageAndBack(ui);
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
        // The picture gets what is left of the body, and is left out when that is too little.
        const ImVec2 body = ImGui::GetContentRegionAvail();
        const float room = body.y - ImGui::GetTextLineHeightWithSpacing();
        if (room > em * 1.5f) DrawReadLine(ui, *current, ImVec2(body.x, room));
        ImGui::EndChild();
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
    } else {
        DrawDonorLanguageAndBack(ui);
    }
    ImGui::End();
}

}  // namespace medkiosk::ui
