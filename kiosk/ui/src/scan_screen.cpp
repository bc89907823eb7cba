#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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
            const float band = std::min(shown.y, std::max(em * 2.2f, OneBoxNoticeHeight(ui, shown.x)));
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
    const char* source_key = current.expiry_source == kiosk::ExpirySource::Picker ? "field.expiry_from_picker"
                             : current.expiry_source == kiosk::ExpirySource::OcrConfirmed
                                 ? "field.expiry_from_ocr"
                                 : nullptr;
    if (source_key == nullptr) return text;
    return kiosk::fill(ui.tr("field.expiry_with_source"), {{"date", text}, {"source", ui.tr(source_key)}});
}

struct PackField {
    const char* key;
    std::string value;
};

// What the code says about the pack, in reading order (two to a row).
std::vector<PackField> PackFields(UiContext& ui, const kiosk::CurrentPack& current) {
    const auto& pack = *current.pack;
    std::vector<PackField> fields = {{"field.product", current.product ? ProductName(ui, *current.product)
                                                                       : ui.tr("field.unknown_product")},
                                     {"field.expiry", ExpiryText(ui, current)},
                                     {pack.gtin.empty() ? "field.product_id" : "field.gtin",
                                      pack.gtin.empty() ? pack.product_id : pack.gtin}};
    if (!pack.batch.empty()) fields.push_back({"field.batch", pack.batch});
    return fields;
}

// How a field sits in its cell of `width`: the value after its muted label when both fit on the line,
// else on the lines under it, wrapped at spaces.
struct FieldLayout {
    bool value_below = false;
    float height = 0;
};

const std::string& FieldValue(UiContext& ui, const PackField& field) {
    return field.value.empty() ? ui.tr("field.not_on_code") : field.value;
}

FieldLayout LayOutField(UiContext& ui, const PackField& field, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const std::string& value = FieldValue(ui, field);
    const float label = ImGui::CalcTextSize(ui.tr(field.key).c_str()).x;
    if (label + style.ItemSpacing.x + ImGui::CalcTextSize(value.c_str()).x <= width)
        return {false, ImGui::GetTextLineHeight()};
    return {true, ImGui::GetTextLineHeight() + style.ItemSpacing.y +
                      ImGui::CalcTextSize(value.c_str(), nullptr, false, std::max(1.0f, width)).y};
}

// Two fields to a row when each fits its half without breaking a word (a 14-digit GTIN at a 7" panel's
// text size does not fit half of the picture's column), else one to a row.
int FieldColumns(UiContext& ui, const std::vector<PackField>& fields, float width) {
    const float cell = (width - ImGui::GetStyle().CellPadding.x * 4) * 0.5f;
    for (const auto& field : fields) {
        const std::string& value = FieldValue(ui, field);
        for (std::size_t at = 0; at <= value.size();) {
            const std::size_t end = std::min(value.find(' ', at), value.size());
            if (ImGui::CalcTextSize(value.c_str() + at, value.c_str() + end).x > cell) return 1;
            at = end + 1;
        }
        if (ImGui::CalcTextSize(ui.tr(field.key).c_str()).x > cell) return 1;
    }
    return 2;
}

float CellWidth(float width, int columns) {
    const float padding = ImGui::GetStyle().CellPadding.x * 2 * static_cast<float>(columns);
    return (width - padding) / static_cast<float>(columns);
}

// The height DrawPackFields takes in `width`, so the picture above it leaves the room.
float PackFieldsHeight(UiContext& ui, const kiosk::CurrentPack& current, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    if (!current.pack) return ImGui::CalcTextSize(current.parse_error.c_str(), nullptr, false, width).y;
    const auto fields = PackFields(ui, current);
    const auto columns = static_cast<std::size_t>(FieldColumns(ui, fields, width));
    const float cell = CellWidth(width, static_cast<int>(columns));
    float height = 0;
    for (std::size_t row = 0; row < fields.size(); row += columns) {
        float row_height = 0;
        for (std::size_t i = row; i < std::min(row + columns, fields.size()); ++i)
            row_height = std::max(row_height, LayOutField(ui, fields[i], cell).height);
        height += row_height + style.CellPadding.y * 2;
    }
    return height + style.ItemSpacing.y;  // the table's own spacing under its last row
}

// What the code says about the pack, under the picture (the panel beside it keeps the verdict and the
// buttons): in two columns when they fit, so four fields take two lines.
void DrawPackFields(UiContext& ui, const kiosk::CurrentPack& current, float width) {
    if (!current.pack) {
        TextWrappedColoured(colours::muted_text, current.parse_error);
        return;
    }
    const auto fields = PackFields(ui, current);
    const int columns = FieldColumns(ui, fields, width);
    if (!ImGui::BeginTable("fields", columns, ImGuiTableFlags_SizingStretchSame, ImVec2(width, 0))) return;
    for (const auto& field : fields) {
        ImGui::TableNextColumn();
        ImGui::PushStyleColor(ImGuiCol_Text, colours::muted_text);
        ImGui::TextUnformatted(ui.tr(field.key).c_str());
        ImGui::PopStyleColor();
        if (!LayOutField(ui, field, CellWidth(width, columns)).value_below) ImGui::SameLine();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(FieldValue(ui, field).c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::EndTable();
}

// The verdict on the shown pack and what to do with it; the buttons go to the panel's bottom.
void DrawVerdict(UiContext& ui, const kiosk::CurrentPack& current) {
    if (!ui.flow.verdict_ready()) {
        // The ledger's checks are on their way (milliseconds): no verdict until it cannot change.
        ImGui::PushFont(ui.fonts.title);
        TextWrappedColoured(colours::muted_text, "… " + ui.tr("scan.checking"));
        ImGui::PopFont();
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
    switch (current.state) {
        case kiosk::CurrentPack::State::Saving:
            TextWrappedColoured(colours::muted_text, ui.tr("status.saving"));
            break;
        case kiosk::CurrentPack::State::Saved:
            TextWrappedColoured(colours::accept, "✓ " + ui.tr("status.saved"));
            break;
        default:
            break;
    }
}

// "Donate this pack" and "Scan another" for a shown pack, at the bottom of the panel; their height.
float PackButtonsHeight(UiContext& ui) {
    const auto& current = ui.flow.current();
    if (!current || !ui.flow.verdict_ready() || current->state != kiosk::CurrentPack::State::Shown) return 0;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    float height = std::max(MinTouchPx(), em * 1.8f) + spacing;
    if (ui.flow.can_choose()) height += std::max(MinTouchPx() * 1.2f, em * 2.2f) + spacing;
    return height;
}

void DrawPackButtons(UiContext& ui, float width) {
    const float em = ImGui::GetFontSize();
    if (ui.flow.can_choose()) {
        if (BigButton("✓ " + ui.tr("action.donate") + "##donate",
                      ImVec2(width, std::max(MinTouchPx() * 1.2f, em * 2.2f)), colours::accept) ||
            ui.keys.enter) {
            ui.donor.choose = true;
        }
    }
    if (BigButton(ui.tr("action.scan_another") + "##another",
                  ImVec2(width, std::max(MinTouchPx(), em * 1.8f)), colours::primary) ||
        ui.keys.escape) {
        ui.donor.dismiss = true;
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
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const bool landscape = area.x >= area.y;
    const auto& current = ui.flow.current();
    const bool problem = !ui.ledger.open_error().empty() || !ui.flow.session_error().empty();

    // The picture's column: the camera, what the code says under it (in the letterbox a 16:9 frame
    // leaves anyway), and the donation's progress with "Finish" at its foot. The panel beside it (below
    // in portrait): the language and text size, the verdict and the pack's buttons. Sized so that
    // everything fits a 7" 1024x600 panel with 3 mm capitals, without scrolling.
    const float column_width = landscape ? std::floor(area.x * 0.58f) : area.x;
    const float finish_height = std::max(MinTouchPx(), em * 1.8f);
    const bool fields_shown = current && !problem;
    // The fields are laid out in the width left beside a scroll bar whether or not one is shown: a
    // layout that depended on it would switch between two every frame when it is just needed.
    const float fields_width = column_width - style.ScrollbarSize;
    const float fields_height = fields_shown ? PackFieldsHeight(ui, *current, fields_width) : 0;
    const float count_height = ui.flow.recorded_count() > 0 ? ImGui::GetTextLineHeightWithSpacing() : 0;
    const float column_height = landscape ? area.y : std::floor(area.y * 0.48f);
    // The picture takes what the fields leave, down to a third of the column (enough to aim a box);
    // fields that need more (English or larger text on a 7" panel) scroll in their own area above
    // "Finish", which stays in its place.
    const float fixed_below = count_height + finish_height + style.ItemSpacing.y * 2;
    const float preview_height = std::floor(
        std::max({em * 4.0f, column_height * 0.33f, column_height - fixed_below - fields_height - 2.0f}));
    const float fields_room = std::max(0.0f, column_height - fixed_below - preview_height);
    ImGui::BeginChild("picture", ImVec2(column_width, column_height), false, ImGuiWindowFlags_NoScrollbar);
    DrawPreview(ui, ImVec2(column_width, preview_height));
    if (fields_shown) {
        ImGui::BeginChild("fields", ImVec2(column_width, fields_room), false);
        ScrollByDrag();
        DrawPackFields(ui, *current, fields_width);
        ImGui::EndChild();
    }
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), column_height - finish_height - count_height));
    if (ui.flow.recorded_count() > 0) {
        TextWrappedColoured(
            colours::text,
            kiosk::fill(ui.tr("scan.recorded_count"), {{"count", std::to_string(ui.flow.recorded_boxes())}}));
    }
    if (BigButton(ui.tr("scan.finish") + "##finish", ImVec2(column_width, finish_height), colours::neutral)) {
        ui.donor.finish = true;
    }
    ImGui::EndChild();
    if (landscape) ImGui::SameLine(0, style.ItemSpacing.x);

    const ImVec2 panel_size = landscape ? ImVec2(area.x - column_width - style.ItemSpacing.x, area.y)
                                        : ImVec2(area.x, area.y - column_height - style.ItemSpacing.y);
    // The pack's buttons are a bar at the panel's foot that never scrolls: the donor always sees what
    // to do with the pack. What is above them scrolls when it does not fit (English or larger text on
    // a 7" panel).
    ImGui::BeginChild("panel", panel_size, false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    const float bar_width = ImGui::GetContentRegionAvail().x;
    const float buttons = current && !problem ? PackButtonsHeight(ui) : 0;
    ImGui::BeginChild("panel-body", ImVec2(bar_width, panel_size.y - buttons), false);
    ScrollByDrag();
    const float width = ImGui::GetContentRegionAvail().x;
    const float top_row_height = std::max(MinTouchPx(), em * 1.8f);
    // The larger-text switch goes beside the language when its label fits there. With larger text on
    // a 7" panel it does not; a row of its own would leave the verdict two lines above the pack's
    // buttons, so the two share the row and the switch, on and known to the donor who turned it on,
    // says just "A+".
    auto label_width = [&](const char* key) {
        return ImGui::CalcTextSize(("✓ " + ui.tr(key)).c_str()).x + style.FramePadding.x * 2;
    };
    float language_width = std::max(em * 4.0f, (width - style.ItemSpacing.x) * 0.4f);
    const bool full_fits_beside = width - language_width - style.ItemSpacing.x >= label_width("text.larger");
    const bool short_label = !full_fits_beside && ui.flow.larger_text();
    if (short_label) language_width = (width - style.ItemSpacing.x) * 0.5f;
    DrawLanguageSwitch(ui, language_width);
    if (full_fits_beside || short_label) ImGui::SameLine();
    DrawLargerTextSwitch(ui, ImGui::GetContentRegionAvail().x, top_row_height, short_label);

    if (const std::string ledger_error = ui.ledger.open_error(); !ledger_error.empty()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("status.ledger_unavailable"));
        TextWrappedColoured(colours::muted_text, ledger_error);
    } else if (!ui.flow.session_error().empty()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("status.ledger_unavailable"));
        TextWrappedColoured(colours::muted_text, ui.flow.session_error());
    } else if (current) {
        // The buttons say what to do with a pack that can be donated; otherwise one line says it.
        if (!ui.flow.can_choose()) TextWrappedColoured(colours::primary, "→ " + ui.tr(NextStepKey(ui)));
        DrawVerdict(ui, *current);
    } else {
        ImGui::PushFont(ui.fonts.title);
        TextWrappedColoured(colours::text, ui.tr("scan.heading"));
        ImGui::PopFont();
        TextWrappedColoured(colours::primary, "→ " + ui.tr(NextStepKey(ui)));
        TextWrappedColoured(colours::muted_text, ui.tr("scan.instruction"));
        ImGui::Spacing();
        TextWrappedColoured(colours::muted_text, ui.tr("scan.looking"));
    }
    ImGui::EndChild();
    if (buttons > 0) DrawPackButtons(ui, bar_width);
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace medkiosk::ui
