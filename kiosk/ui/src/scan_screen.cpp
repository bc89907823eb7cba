#include <imgui.h>

#include <algorithm>

#include "medkiosk/kiosk/donor_verdict.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

struct PreviewPlacement {
    ImVec2 origin;
    float scale = 1;
};

// Fits the frame into `size` keeping its aspect ratio; returns where it was drawn.
PreviewPlacement DrawPreview(UiContext& ui, const ImVec2& size) {
    const ImVec2 top_left = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(top_left, ImVec2(top_left.x + size.x, top_left.y + size.y),
                        ImGui::GetColorU32(colours::preview_bg));
    PreviewPlacement placement{top_left, 1};
    if (ui.preview.id() != nullptr) {
        const float frame_w = static_cast<float>(ui.preview.width());
        const float frame_h = static_cast<float>(ui.preview.height());
        placement.scale = std::min(size.x / frame_w, size.y / frame_h);
        const ImVec2 shown(frame_w * placement.scale, frame_h * placement.scale);
        placement.origin =
            ImVec2(top_left.x + (size.x - shown.x) * 0.5f, top_left.y + (size.y - shown.y) * 0.5f);
        draw->AddImage(ui.preview.id(), placement.origin,
                       ImVec2(placement.origin.x + shown.x, placement.origin.y + shown.y));

        // Aiming guide: corner brackets around the middle of the picture.
        const float em = ImGui::GetFontSize();
        const ImVec2 c(placement.origin.x + shown.x * 0.5f, placement.origin.y + shown.y * 0.5f);
        const ImVec2 half(shown.x * 0.3f, shown.y * 0.3f);
        const float arm = std::min(half.x, half.y) * 0.35f;
        const ImU32 guide = IM_COL32(255, 255, 255, 220);
        const float thickness = std::max(3.0f, em * 0.15f);
        for (int sx : {-1, 1}) {
            for (int sy : {-1, 1}) {
                const ImVec2 corner(c.x + static_cast<float>(sx) * half.x,
                                    c.y + static_cast<float>(sy) * half.y);
                draw->AddLine(corner, ImVec2(corner.x - static_cast<float>(sx) * arm, corner.y), guide,
                              thickness);
                draw->AddLine(corner, ImVec2(corner.x, corner.y - static_cast<float>(sy) * arm), guide,
                              thickness);
            }
        }
        // The codes the decoder sees right now, outlined: the box being shown in green, any other in
        // amber (it waits its turn).
        for (const auto& symbol : ui.pipeline.latest_symbols()) {
            ImVec2 points[4];
            for (int i = 0; i < 4; ++i) {
                points[i] = ImVec2(placement.origin.x + symbol.corners[i].x * placement.scale,
                                   placement.origin.y + symbol.corners[i].y * placement.scale);
            }
            const bool this_box = ui.flow.current() && kiosk::code_key(symbol) == ui.flow.current_code();
            const bool other = ui.flow.current() && !this_box;
            draw->AddPolyline(points, 4, other ? IM_COL32(245, 170, 30, 255) : IM_COL32(40, 220, 90, 255),
                              ImDrawFlags_Closed, thickness);
        }
        // Over the picture, so nothing on the panel moves under the donor's finger.
        if (ui.flow.waiting_box()) {
            const float band = em * 2.2f;
            DrawOneBoxNotice(ui, ImVec2(placement.origin.x, placement.origin.y + shown.y - band),
                             ImVec2(placement.origin.x + shown.x, placement.origin.y + shown.y));
        }
    } else {
        const auto stats = ui.pipeline.stats();
        const std::string& message =
            stats.source_error.empty() ? ui.tr("scan.starting_camera") : ui.tr("scan.camera_unavailable");
        const ImVec2 text_size = ImGui::CalcTextSize(message.c_str());
        draw->AddText(
            ImVec2(top_left.x + (size.x - text_size.x) * 0.5f, top_left.y + (size.y - text_size.y) * 0.5f),
            IM_COL32_WHITE, message.c_str());
    }
    ImGui::Dummy(size);
    return placement;
}

void DrawField(UiContext& ui, const char* key, const std::string& value) {
    ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
    ImGui::TextUnformatted(ui.tr(key).c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine(ImGui::GetFontSize() * 8.0f);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(value.empty() ? ui.tr("field.not_on_code").c_str() : value.c_str());
    ImGui::PopTextWrapPos();
}

std::string ExpiryText(UiContext& ui, const kiosk::CurrentPack& current) {
    const auto& pack = *current.pack;
    if (!pack.expiry) return {};
    std::string text =
        pack.expiry_precision == scanner::ExpiryPrecision::Month
            ? kiosk::fill(ui.tr("expiry.date_month"),
                          {{"year", std::to_string(pack.expiry->year)},
                           {"month", std::to_string(pack.expiry->month)},
                           {"month_name", ui.tr("month." + std::to_string(pack.expiry->month))}})
            : scanner::to_iso(*pack.expiry);
    if (current.expiry_source == kiosk::ExpirySource::Picker)
        text += " (" + ui.tr("field.expiry_from_picker") + ")";
    if (current.expiry_source == kiosk::ExpirySource::OcrConfirmed)
        text += " (" + ui.tr("field.expiry_from_ocr") + ")";
    return text;
}

void DrawPackFields(UiContext& ui, const kiosk::CurrentPack& current) {
    if (current.pack) {
        const auto& pack = *current.pack;
        DrawField(ui, "field.product",
                  current.product ? ProductName(ui, *current.product) : ui.tr("field.unknown_product"));
        DrawField(ui, pack.gtin.empty() ? "field.product_id" : "field.gtin",
                  pack.gtin.empty() ? pack.product_id : pack.gtin);
        DrawField(ui, "field.expiry", ExpiryText(ui, current));
        if (!pack.batch.empty()) DrawField(ui, "field.batch", pack.batch);
    } else {
        TextWrappedColoured(colours::muted_text, current.parse_error);
    }
}

void DrawCurrentPack(UiContext& ui, const kiosk::CurrentPack& current, float width) {
    const float em = ImGui::GetFontSize();
    if (!ui.flow.verdict_ready()) {
        // The ledger's checks are on their way (milliseconds): no verdict until it cannot change.
        ImGui::PushFont(ui.fonts.title);
        TextWrappedColoured(colours::muted_text, "… " + ui.tr("scan.checking"));
        ImGui::PopFont();
        ImGui::Separator();
        DrawPackFields(ui, current);
        return;
    }
    const bool save_failed = current.state == kiosk::CurrentPack::State::SaveFailed;
    const kiosk::DonorVerdict verdict = kiosk::donor_verdict(current.assessment, save_failed);
    const ImVec4 colour = verdict.tone == kiosk::Decision::Accept   ? colours::accept
                          : verdict.tone == kiosk::Decision::Refuse ? colours::refuse
                                                                    : colours::review;
    const char* icon = verdict.tone == kiosk::Decision::Accept   ? "✓ "
                       : verdict.tone == kiosk::Decision::Refuse ? "× "
                                                                 : "… ";
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colour, icon + ui.tr(verdict.word_key));
    ImGui::PopFont();
    // The limit the policy applied: a drive or the product's category may set another than the kiosk's.
    const auto& assessment = current.assessment;
    const int days = assessment.minimum_shelf_life_days > 0
                         ? assessment.minimum_shelf_life_days
                         : ui.flow.settings().rules.minimum_shelf_life_days;
    TextWrappedColoured(colours::text, kiosk::fill(ui.tr(verdict.why_key), {{"days", std::to_string(days)}}));
    // Where the box goes, as its own line with an arrow: the one thing the donor must do.
    TextWrappedColoured(colour, "→ " + ui.tr(verdict.instruction_key));
    if (save_failed) TextWrappedColoured(colours::muted_text, current.save_error);
    ImGui::Separator();
    DrawPackFields(ui, current);
    ImGui::Spacing();

    switch (current.state) {
        case kiosk::CurrentPack::State::Shown:
            if (ui.flow.can_choose()) {
                if (BigButton("✓ " + ui.tr("action.donate") + "##donate", ImVec2(width, em * 3.0f),
                              colours::accept) ||
                    ui.keys.enter) {
                    ui.donor.choose = true;
                }
            }
            if (BigButton(ui.tr("action.scan_another") + "##another", ImVec2(width, em * 2.6f),
                          colours::primary) ||
                ui.keys.escape) {
                ui.donor.dismiss = true;
            }
            break;
        case kiosk::CurrentPack::State::Saving:
            TextWrappedColoured(colours::muted_text, ui.tr("status.saving"));
            break;
        case kiosk::CurrentPack::State::Saved:
            TextWrappedColoured(colours::accept, "✓ " + ui.tr("status.saved"));
            break;
        case kiosk::CurrentPack::State::SaveFailed:
            break;
    }
}

// The one line telling the donor what to do now.
const char* NextStepKey(UiContext& ui) {
    const auto& current = ui.flow.current();
    if (!current || !ui.flow.verdict_ready()) return "scan.next_step_none";
    if (current->state == kiosk::CurrentPack::State::Saved) return "scan.next_step_saved";
    if (current->state == kiosk::CurrentPack::State::SaveFailed ||
        current->assessment.decision == kiosk::Decision::Refuse)
        return "scan.next_step_refuse";
    return ui.flow.can_choose() ? "scan.next_step_accept" : "scan.next_step_none";
}

}  // namespace

void DrawScanScreen(UiContext& ui) {
    if (!BeginFullscreen("scan")) {
        ImGui::End();
        return;
    }
    const float em = ImGui::GetFontSize();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const bool landscape = area.x >= area.y;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 preview_size = landscape ? ImVec2(area.x * 0.6f, area.y) : ImVec2(area.x, area.y * 0.35f);
    DrawPreview(ui, preview_size);
    if (landscape) ImGui::SameLine(0, spacing);

    const ImVec2 panel_size = landscape
                                  ? ImVec2(area.x - preview_size.x - spacing, area.y)
                                  : ImVec2(area.x, area.y - preview_size.y - ImGui::GetStyle().ItemSpacing.y);
    ImGui::BeginChild("panel", panel_size, false, ImGuiWindowFlags_NoScrollbar);
    const float width = ImGui::GetContentRegionAvail().x;
    DrawLanguageSwitch(ui, em * 5.0f);
    ImGui::SameLine();
    DrawLargerTextSwitch(ui, 0, em * 1.8f);
    ImGui::PushFont(ui.fonts.title);
    TextWrappedColoured(colours::text, ui.tr("scan.heading"));
    ImGui::PopFont();
    TextWrappedColoured(colours::primary, "→ " + ui.tr(NextStepKey(ui)));

    if (const std::string ledger_error = ui.ledger.open_error(); !ledger_error.empty()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("status.ledger_unavailable"));
        TextWrappedColoured(colours::muted_text, ledger_error);
    } else if (!ui.flow.session_error().empty()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("status.ledger_unavailable"));
        TextWrappedColoured(colours::muted_text, ui.flow.session_error());
    } else if (const auto& current = ui.flow.current()) {
        DrawCurrentPack(ui, *current, width);
    } else {
        TextWrappedColoured(colours::muted_text, ui.tr("scan.instruction"));
        ImGui::Spacing();
        TextWrappedColoured(colours::muted_text, ui.tr("scan.looking"));
    }

    // Bottom of the panel: progress, idle countdown, finish.
    const float finish_height = em * 2.6f;
    const int status_lines = ui.flow.recorded_count() > 0 ? 1 : 0;
    const float bottom_height = finish_height +
                                static_cast<float>(status_lines) * ImGui::GetTextLineHeightWithSpacing() +
                                ImGui::GetStyle().ItemSpacing.y;
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), panel_size.y - bottom_height));
    if (ui.flow.recorded_count() > 0) {
        TextWrappedColoured(
            colours::text,
            kiosk::fill(ui.tr("scan.recorded_count"), {{"count", std::to_string(ui.flow.recorded_boxes())}}));
    }
    if (BigButton(ui.tr("scan.finish") + "##finish", ImVec2(width, finish_height), colours::neutral)) {
        ui.donor.finish = true;
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace medkiosk::ui
