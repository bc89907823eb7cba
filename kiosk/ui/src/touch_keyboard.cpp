// The on-screen keyboard for the staff and technician text fields: a panel along the bottom of the
// screen, opened by tapping a field (InputString), showing the text being typed above five rows of
// keys ≥ 11 mm. The key → text logic is kiosk::TouchKeyboard; this file only draws the keys and hands
// the result back to the field it was opened for.
#include "medkiosk/kiosk/touch_keyboard.hpp"

#include <imgui.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/kiosk/event_log.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

struct KeyboardState {
    std::string field;        // the field being edited ("" = closed)
    std::string opened_with;  // the field's text when the keyboard opened: Escape puts it back
    kiosk::TouchKeyboard keyboard;
    std::optional<std::pair<std::string, std::string>> result;  // field → its new text, taken next frame
};

KeyboardState& state() {
    static KeyboardState s;
    return s;
}

}  // namespace

void OpenTouchKeyboard(const std::string& field, const std::string& text) {
    auto& s = state();
    if (s.field == field) return;
    s.field = field;
    s.opened_with = text;
    s.keyboard.open(text);
    kiosk::log_event("keyboard", {{"field", field.substr(field.find("##") == 0 ? 2 : 0)}, {"state", "open"}});
}

bool TouchKeyboardOpenFor(const std::string& field) {
    return state().field == field;
}

void SyncTouchKeyboard(const std::string& field, const std::string& text) {
    auto& s = state();
    if (s.field == field && s.keyboard.text() != text) s.keyboard.follow(text);
}

void CloseTouchKeyboard() {
    auto& s = state();
    if (s.field.empty()) return;
    kiosk::log_event("keyboard",
                     {{"field", s.field.substr(s.field.find("##") == 0 ? 2 : 0)}, {"state", "closed"}});
    s.field.clear();
}

bool CancelTouchKeyboard() {
    auto& s = state();
    if (s.field.empty()) return false;
    kiosk::log_event("keyboard", {{"field", s.field.substr(s.field.find("##") == 0 ? 2 : 0)},
                                  {"state", "cancelled"},
                                  {"by", "escape"}});
    // Text a physical keyboard typed into the field goes too: the field is as it was when opened.
    s.result.emplace(s.field, s.opened_with);
    s.field.clear();
    return true;
}

std::optional<std::string> TakeTouchKeyboardResult(const std::string& field) {
    auto& s = state();
    if (!s.result || s.result->first != field) return std::nullopt;
    std::string text = std::move(s.result->second);
    s.result.reset();
    return text;
}

void DrawTouchKeyboard(UiContext& ui) {
    auto& s = state();
    if (s.field.empty()) return;
    if (!ui.back_office.staff.open()) {  // signed out (idle timeout, close): nothing to type into
        s.field.clear();
        return;
    }
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float em = ImGui::GetFontSize();
    float spacing = style.ItemSpacing.x;
    const float key_height = std::max(MinTouchPx(), em * 1.9f);
    const auto& rows = s.keyboard.rows();
    const float height =
        style.WindowPadding.y * 2 + (key_height + style.ItemSpacing.y) * static_cast<float>(rows.size() + 1);
    ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x, viewport->WorkPos.y + viewport->WorkSize.y - height));
    ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, colours::chosen_choice);
    // Not focused when it appears: the field keeps the focus, so a physical keyboard still types into it.
    constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;
    if (ImGui::Begin("##touch-keyboard", nullptr, flags)) {
        // What the field will hold, with a caret: the field itself may be under the panel.
        ImGui::PushStyleColor(ImGuiCol_FrameBg, colours::panel);
        const std::string shown = s.keyboard.text() + "|";
        // No vertical padding: the line is centred in the key's height, which a window padding of a whole
        // em above and below would overflow.
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(em * 0.5f, 0));
        ImGui::BeginChild("##keyboard-text", ImVec2(0, key_height), true, ImGuiWindowFlags_NoScrollbar);
        ImGui::PopStyleVar();
        ImGui::SetCursorPosY((key_height - ImGui::GetTextLineHeight()) *
                             0.5f);  // the kiosk's frame padding is tall
        ImGui::TextUnformatted(shown.c_str());
        ImGui::SetScrollHereX(1.0f);  // the end of a long address stays in view
        ImGui::EndChild();
        ImGui::PopStyleColor();

        // One key width for every row, from the widest row (in key widths). On a narrow screen the gaps
        // shrink before a key does: every key stays an 11 mm target.
        const float width = ImGui::GetContentRegionAvail().x;
        for (const auto& row : rows) {
            float units = 0;
            for (const auto& key : row) units += key.width;
            if (row.size() > 1)
                spacing = std::min(spacing, std::max(2.0f, (width - units * MinTouchPx()) /
                                                               static_cast<float>(row.size() - 1)));
        }
        float unit = width;
        for (const auto& row : rows) {
            float units = 0;
            for (const auto& key : row) units += key.width;
            unit = std::min(unit, (width - spacing * static_cast<float>(row.size() - 1)) / units);
        }
        using Kind = kiosk::TouchKeyboard::Key::Kind;
        // What a key shows: its character, or the word for what it does in the kiosk's language.
        const auto face_of = [&](const kiosk::TouchKeyboard::Key& key) {
            std::string face = s.keyboard.face(key);
            if (key.kind == Kind::Layer) {
                face = ui.tr(s.keyboard.layer() == kiosk::TouchKeyboard::Layer::Letters ? "kbd.symbols"
                                                                                        : "kbd.letters");
            } else if (key.kind != Kind::Text) {
                face = ui.tr("kbd." + key.id);
                if (key.kind == Kind::Shift && s.keyboard.shift() == kiosk::TouchKeyboard::Shift::Locked)
                    face = "● " + face;
            }
            return face;
        };
        std::optional<kiosk::TouchKeyboard::Key> pressed;
        for (const auto& row : rows) {
            // Each key as wide as its share of the row, but never narrower than its word ("Cancel" at a
            // 7" panel's text size is wider than 1.5 keys): what a word needs more comes off the row's
            // widest key (the space bar, Done), which has room to spare.
            std::vector<float> widths;
            std::vector<std::string> faces;
            float missing = 0;
            std::size_t widest = 0;
            for (std::size_t i = 0; i < row.size(); ++i) {
                faces.push_back(face_of(row[i]));
                widths.push_back(unit * row[i].width);
                const float needed = ImGui::CalcTextSize(faces[i].c_str()).x + style.FramePadding.x * 2;
                if (row[i].kind != Kind::Text && needed > widths[i]) {
                    missing += needed - widths[i];
                    widths[i] = needed;
                }
                if (row[i].width > row[widest].width) widest = i;
            }
            widths[widest] = std::max(MinTouchPx(), widths[widest] - missing);
            float row_width = spacing * static_cast<float>(row.size() - 1);
            for (const float w : widths) row_width += w;
            ImGui::SetCursorPosX(style.WindowPadding.x + std::max(0.0f, (width - row_width) * 0.5f));
            for (std::size_t i = 0; i < row.size(); ++i) {
                const auto& key = row[i];
                if (i > 0) ImGui::SameLine(0, spacing);
                std::string face = faces[i];
                ImVec4 colour = colours::primary;
                if (key.kind == Kind::Layer) {
                    colour = colours::neutral;
                } else if (key.kind != Kind::Text) {
                    colour = key.kind == Kind::Done     ? colours::accept
                             : key.kind == Kind::Cancel ? colours::refuse
                                                        : colours::neutral;
                    if (key.kind == Kind::Shift && s.keyboard.shift() != kiosk::TouchKeyboard::Shift::Off)
                        colour = colours::primary;
                }
                // "#" + "##id" would read as ImGui's "###" (an id with no label): keep them apart.
                if (!face.empty() && face.back() == '#') face += ' ';
                if (BigButton(face + "##kbd-" + key.id, ImVec2(widths[i], key_height), colour)) pressed = key;
            }
        }
        // Enter on a physical keyboard (a technician over a USB keyboard, the tests) is Done.
        if (!pressed && ui.keys.enter) pressed = *s.keyboard.find("done");
        if (pressed) {
            const auto outcome = s.keyboard.press(*pressed);
            if (outcome != kiosk::TouchKeyboard::Outcome::Editing) {
                kiosk::log_event(
                    "keyboard",
                    {{"field", s.field.substr(s.field.find("##") == 0 ? 2 : 0)},
                     {"state", outcome == kiosk::TouchKeyboard::Outcome::Done ? "done" : "cancelled"}});
                if (outcome == kiosk::TouchKeyboard::Outcome::Done)
                    s.result.emplace(s.field, s.keyboard.text());
                s.field.clear();
            }
        }
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace medkiosk::ui
