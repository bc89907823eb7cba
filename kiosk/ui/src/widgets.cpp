#include "widgets.hpp"

#include <imgui_internal.h>  // ImGuiItemFlags_Disabled: disabled buttons are drawn in the kiosk's colours
#include <qrencode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>

#include "layout_report.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/text_wrap.hpp"

namespace medkiosk::ui {
namespace {

struct ButtonRect {
    int x = 0, y = 0, w = 0, h = 0;
    // "below" or "above" when a scrolling area shows the button only in part, or not at all: the
    // rectangle is then the part shown (0x0 at the area's edge when none is), and a test scrolls first.
    std::string hidden;
    friend bool operator==(const ButtonRect&, const ButtonRect&) = default;
};

bool button_log_enabled() {
    static const bool enabled = [] {
        const char* value = std::getenv("MEDKIOSK_LOG_BUTTONS");
        return value != nullptr && std::string_view(value) == "1";
    }();
    return enabled;
}

std::map<std::string, ButtonRect> g_frame_buttons;
std::map<std::string, ButtonRect> g_logged_buttons;
std::string g_logged_screen;
std::string g_logged_keys;  // the keys held in the last frame, as logged

// `shown`: what the button shows (the ChoiceButton's ✓ included), for the layout check.
void note_button(const std::string& label, std::string_view kind = "button", std::string_view shown = {}) {
    if (LayoutReportEnabled()) {
        const std::string_view text = shown.empty() ? std::string_view(label) : shown;
        NoteLayoutItem(kind, text.substr(0, text.find("##")));
    }
    if (!button_log_enabled()) return;
    const auto id_at = label.find("##");
    if (id_at == std::string::npos) return;  // only buttons with a stable id are clickable by tests
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    // What a finger can reach: the part inside the window's (or scrolling child's) clip rectangle.
    const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
    const ImVec2 shown_min(std::max(min.x, clip.Min.x), std::max(min.y, clip.Min.y));
    const ImVec2 shown_max(std::min(max.x, clip.Max.x), std::min(max.y, clip.Max.y));
    ButtonRect rect;
    if (shown_max.x <= shown_min.x || shown_max.y <= shown_min.y) {
        rect.x = static_cast<int>(std::clamp(min.x, clip.Min.x, clip.Max.x));
        rect.y = static_cast<int>(std::clamp(min.y, clip.Min.y, clip.Max.y));
    } else {
        // Sizes rounded, not truncated: a 74 px target laid out at a fractional x is still 74 px.
        rect = {static_cast<int>(shown_min.x), static_cast<int>(shown_min.y),
                static_cast<int>(std::lround(shown_max.x - shown_min.x)),
                static_cast<int>(std::lround(shown_max.y - shown_min.y)), ""};
    }
    if (max.y > clip.Max.y + 0.5f) rect.hidden = "below";
    if (min.y < clip.Min.y - 0.5f) rect.hidden = "above";
    g_frame_buttons[label.substr(id_at + 2)] = rect;
}

float g_min_touch_px = 42.0f;  // 11 mm at 96 dpi, until the window has measured the screen

}  // namespace

float MinTouchPx() {
    return g_min_touch_px;
}

void SetMinTouchPx(float px) {
    g_min_touch_px = px;
}

void FlushButtonLog(const char* screen) {
    if (!button_log_enabled()) return;
    if (g_logged_screen != screen) {
        g_logged_screen = screen;
        g_logged_buttons.clear();
        kiosk::log_event("screen", {{"name", screen}});
    }
    // A test's click is a press and a release sent at once. On a loaded machine two clicks can reach one
    // frame, and Dear ImGui 1.86 (no input queue) then sees one press: the second tap is lost. Tests wait
    // for this before the next click.
    const ImGuiIO& input = ImGui::GetIO();
    if (input.MouseClicked[0]) kiosk::log_event("pointer", {{"screen", screen}, {"phase", "down"}});
    if (input.MouseReleased[0]) kiosk::log_event("pointer", {{"screen", screen}, {"phase", "up"}});
    // The same for keys a text field sees only as held in a frame (Ctrl+A, Backspace): the keys held,
    // whenever they change.
    std::string held;
    for (int key = 0; key < IM_ARRAYSIZE(input.KeysDown); ++key)
        if (input.KeysDown[key]) {
            if (!held.empty()) held += ',';
            held += std::to_string(key);
        }
    if (held != g_logged_keys) {
        g_logged_keys = held;
        kiosk::log_event("keys", {{"screen", screen}, {"held", held}});
    }
    for (const auto& [id, rect] : g_frame_buttons) {
        auto it = g_logged_buttons.find(id);
        if (it != g_logged_buttons.end() && it->second == rect) continue;
        g_logged_buttons[id] = rect;
        if (rect.hidden.empty()) {
            kiosk::log_event("button", {{"screen", screen},
                                        {"id", id},
                                        {"x", std::to_string(rect.x)},
                                        {"y", std::to_string(rect.y)},
                                        {"w", std::to_string(rect.w)},
                                        {"h", std::to_string(rect.h)}});
        } else {
            kiosk::log_event("button", {{"screen", screen},
                                        {"id", id},
                                        {"x", std::to_string(rect.x)},
                                        {"y", std::to_string(rect.y)},
                                        {"w", std::to_string(rect.w)},
                                        {"h", std::to_string(rect.h)},
                                        {"hidden", rect.hidden}});
        }
    }
    g_frame_buttons.clear();
}

namespace {
float MeasureText(std::string_view text) {
    return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x;
}
}  // namespace

void TextInCell(const std::string& text) {
    const std::string wrapped = kiosk::wrap_text(text, ImGui::GetContentRegionAvail().x, MeasureText);
    ImGui::TextUnformatted(wrapped.c_str());
}

float WidestWord(const std::string& text) {
    return kiosk::widest_unbreakable(text, MeasureText);
}

float WidenedColumn(float room, float share, float first_word, float second_word) {
    if (room * share >= first_word || first_word + second_word > room) return 0;
    // Each its word, and what is left shared as the weights share it.
    return first_word + (room - first_word - second_word) * share;
}

float TableColumnsRoom(float outer, int columns) {
    const ImGuiStyle& style = ImGui::GetStyle();
    // Each column has the cell padding on both sides and a 1 px inner border (ImGui 1.86 tables).
    return outer - style.ScrollbarSize - static_cast<float>(columns) * (style.CellPadding.x * 2 + 1);
}

void SetupWidenedOrStretchedColumn(const std::string& label, float width, float weight) {
    if (width > 0)
        ImGui::TableSetupColumn(label.c_str(), ImGuiTableColumnFlags_WidthFixed, width);
    else
        ImGui::TableSetupColumn(label.c_str(), ImGuiTableColumnFlags_WidthStretch, weight);
}

void ApplyKioskStyle(float font_px) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0;
    style.FrameRounding = font_px * 0.4f;
    style.FramePadding = ImVec2(font_px * 0.6f, font_px * 0.4f);
    // Text big enough for 3 mm capitals fills a 7" screen: margins and gaps of half a letter, not a
    // whole one, leave the room to the text and the buttons.
    style.ItemSpacing = ImVec2(font_px * 0.5f, font_px * 0.4f);
    style.WindowPadding = ImVec2(font_px * 0.5f, font_px * 0.5f);
    style.ScrollbarSize = std::max(14.0f, font_px * 0.6f);  // a finger can hold it
    style.Colors[ImGuiCol_WindowBg] = colours::background;
    style.Colors[ImGuiCol_Text] = colours::text;
    style.Colors[ImGuiCol_ChildBg] = colours::panel;
    // Text fields must be visible as fields on the white panels: a grey face and a border.
    style.Colors[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.92f, 0.92f, 1.0f);
    style.Colors[ImGuiCol_Border] = colours::neutral;
    // ImGui fades disabled items to 60 % alpha (about 2:1 for a label); the buttons draw their own
    // disabled colours instead, and disabled text stays readable.
    style.DisabledAlpha = 1.0f;
    style.Colors[ImGuiCol_TextDisabled] = colours::muted_text;
}

bool BeginFullscreen(const char* id) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    // Scrolls only when its content is taller than the screen (the donor's larger text on a 7" panel,
    // a long technician form): a scroll bar, and a drag anywhere but on a button moves the page.
    constexpr ImGuiWindowFlags flags =
        ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
        ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    const bool shown = ImGui::Begin(id, nullptr, flags);
    if (shown) ScrollByDrag();
    return shown;
}

void ScrollByDrag() {
    // A press on a window's background makes ImGui 1.86 hold that window's move handle active (even
    // with NoMove): that is a drag on the page, not on an item.
    const ImGuiWindow* window = ImGui::GetCurrentWindow();
    const ImGuiID active = ImGui::GetActiveID();
    const bool on_background =
        active == 0 || active == window->MoveId || active == window->RootWindow->MoveId;
    if (ImGui::GetScrollMaxY() > 0 && ImGui::IsWindowHovered() && on_background &&
        ImGui::IsMouseDragging(ImGuiMouseButton_Left, MinTouchPx() * 0.2f))
        ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
}

namespace {
// A touch target's size: 0 means the label's own width or frame height, and neither side is ever
// under MinTouchPx() (a "−" or a short word would otherwise be a sliver). Negative widths keep
// ImGui's meaning (up to that far from the right edge).
// Inside ImGui::BeginDisabled: drawn with the kiosk's own disabled colours (style.DisabledAlpha is 1).
bool Disabled() {
    return (ImGui::GetCurrentContext()->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0;
}

ImVec2 TouchSize(const std::string& shown_label, const ImVec2& wanted) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float label_width =
        ImGui::CalcTextSize(shown_label.c_str(), nullptr, true).x + style.FramePadding.x * 2.0f;
    const float width = wanted.x > 0 ? wanted.x : wanted.x == 0 ? label_width : 0.0f;
    return ImVec2(wanted.x < 0 ? wanted.x : std::max(width, MinTouchPx()),
                  std::max(wanted.y > 0 ? wanted.y : ImGui::GetFrameHeight(), MinTouchPx()));
}
}  // namespace

bool BigButton(const std::string& label, const ImVec2& size_wanted, const ImVec4& colour) {
    // Height 0 means the text's own frame height (never less than a touch target): a fixed 11 mm
    // would squeeze large text against the bottom edge.
    const ImVec2 size = TouchSize(label, size_wanted);
    if (Disabled()) {
        ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.0f);
        ImGui::PushStyleColor(ImGuiCol_Border, colours::neutral);
        ImGui::PushStyleColor(ImGuiCol_Button, colours::disabled_face);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, colours::disabled_face);
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, colours::disabled_face);
        ImGui::PushStyleColor(ImGuiCol_Text, colours::disabled_text);
        ImGui::Button(label.c_str(), size);
        note_button(label);
        ImGui::PopStyleColor(5);
        ImGui::PopStyleVar();
        return false;
    }
    // Darker, never lighter, when touched: a finger resting on a touch screen leaves it "hovered", and
    // the label must keep its contrast.
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                          ImVec4(colour.x * 0.9f, colour.y * 0.9f, colour.z * 0.9f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive,
                          ImVec4(colour.x * 0.8f, colour.y * 0.8f, colour.z * 0.8f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, colours::on_colour_text);
    const bool pressed = ImGui::Button(label.c_str(), size);
    note_button(label);
    ImGui::PopStyleColor(4);
    return pressed;
}

bool ChoiceButton(const std::string& label, bool chosen, const ImVec2& size) {
    const float em = ImGui::GetFontSize();
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, chosen ? std::max(3.0f, em * 0.18f) : 1.0f);
    ImGui::PushStyleColor(ImGuiCol_Border, chosen ? colours::primary : colours::neutral);
    ImGui::PushStyleColor(ImGuiCol_Button, Disabled() ? colours::disabled_face
                                           : chosen   ? colours::chosen_choice
                                                      : colours::panel);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.90f, 0.94f, 0.98f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.80f, 0.87f, 0.95f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, Disabled() ? colours::disabled_text : colours::text);
    const std::string shown = (chosen ? "✓ " : "") + label;
    const bool pressed = ImGui::Button(shown.c_str(), TouchSize(shown, size));
    note_button(label, "button", shown);
    ImGui::PopStyleColor(5);
    ImGui::PopStyleVar();
    return pressed;
}

namespace {
// `text` broken into lines no wider than `width` at spaces (anywhere between Chinese characters):
// a button label can then grow taller instead of running off the screen.
std::string WrapToWidth(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    const ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    std::string wrapped;
    const char* at = text.c_str();
    const char* const end = at + text.size();
    while (at < end) {
        const char* cut = font->CalcWordWrapPositionA(scale, at, end, width);
        if (cut <= at) {  // not even one character fits: take one whole UTF-8 character anyway
            unsigned int c = 0;
            cut = at + std::max(1, ImTextCharFromUtf8(&c, at, end));
        }
        std::string_view line(at, static_cast<std::size_t>(cut - at));
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
        if (!wrapped.empty()) wrapped += '\n';
        wrapped += line;
        at = cut;
        while (at < end && *at == ' ') ++at;
    }
    return wrapped;
}
}  // namespace

bool WrappingChoiceButton(const std::string& label_wanted, const std::string& id, bool chosen, bool first) {
    const ImGuiStyle& style = ImGui::GetStyle();
    // A clinic's name may be 200 characters: wider than the row, it wraps inside its button (the ✓ of a
    // chosen one included, which the extra em leaves room for).
    const float row = first ? ImGui::GetContentRegionAvail().x
                            : ImGui::GetWindowContentRegionMax().x - ImGui::GetWindowContentRegionMin().x;
    const std::string label = WrapToWidth(
        label_wanted,
        std::max(ImGui::GetFontSize() * 4.0f, row - style.FramePadding.x * 2 - ImGui::GetFontSize()));
    const float width =
        ImGui::CalcTextSize(label.c_str()).x + style.FramePadding.x * 2 + ImGui::GetFontSize();
    if (!first && ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <=
                      ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
        ImGui::SameLine();
    const float height = std::max({ImGui::GetFrameHeight(), MinTouchPx(),
                                   ImGui::CalcTextSize(label.c_str()).y + style.FramePadding.y * 2});
    return ChoiceButton(label + "##" + id, chosen, ImVec2(0, height));
}

void TextCentered(const std::string& text) {
    const float width = ImGui::CalcTextSize(text.c_str()).x;
    const float available = ImGui::GetContentRegionAvail().x;
    if (width < available) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (available - width) * 0.5f);
    ImGui::TextUnformatted(text.c_str());
}

void TextCenteredWrapped(const std::string& text) {
    for (const auto& line : kiosk::wrap_lines(text, ImGui::GetContentRegionAvail().x, MeasureText))
        TextCentered(line);
}

// A row of choices wraps on a narrow screen instead of running off it.
void SameLineIfFits(const std::string& label, bool chosen) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width = ImGui::CalcTextSize(((chosen ? "✓ " : "") + label).c_str(), nullptr, true).x +
                        style.FramePadding.x * 2.0f;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + std::max(width, MinTouchPx()) <= right)
        ImGui::SameLine();
}

void RowLabel(const std::string& text, float column) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text.c_str());
    // A label longer than its column (a portrait screen) puts its field on the next line, at the column.
    const float label_end =
        ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x;
    if (column > 0 && label_end > column)
        ImGui::SetCursorPosX(column);
    else
        ImGui::SameLine(column);
}

namespace {
// A text field is a touch target too: at least MinTouchPx() tall on the smallest screens.
void PushTouchFramePadding() {
    const ImVec2 padding = ImGui::GetStyle().FramePadding;
    ImGui::PushStyleVar(
        ImGuiStyleVar_FramePadding,
        ImVec2(padding.x, std::max(padding.y, (MinTouchPx() - ImGui::GetFontSize()) * 0.5f + 1.0f)));
}
}  // namespace

bool InputString(const char* id, std::string& value, float width) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "%s", value.c_str());
    ImGui::SetNextItemWidth(width);
    PushTouchFramePadding();
    bool changed = ImGui::InputText(id, buffer, sizeof buffer);
    ImGui::PopStyleVar();
    note_button(id, "field");  // tests click into fields too
    if (ImGui::IsItemActivated()) OpenTouchKeyboard(id, value);
    if (changed) {
        value = buffer;
        SyncTouchKeyboard(id, value);
    }
    if (auto typed = TakeTouchKeyboardResult(id)) {
        // The field lets go of its own edit buffer: a key a busy machine delivers after Done or Escape
        // would otherwise write that buffer back over the keyboard's text.
        if (ImGui::IsItemActive()) ImGui::ClearActiveID();
        if (*typed != value) {
            value = std::move(*typed);
            changed = true;
        }
    }
    return changed;
}

bool InputStringMasked(const char* id, std::string& value, const std::string& shown, float width) {
    // The masked field being edited now, and whether it still has to take the keyboard's focus.
    static std::string editing;
    static bool focus_pending = false;
    if (shown == value || editing == id) {
        if (editing == id && focus_pending) {
            ImGui::SetKeyboardFocusHere();
            focus_pending = false;
            const bool changed = InputString(id, value, width);
            return changed;
        }
        const bool changed = InputString(id, value, width);
        if (editing == id && !ImGui::IsItemActive() && !TouchKeyboardOpenFor(id)) editing.clear();
        return changed;
    }
    // Not being edited: the masked text in the field's place, a tap on it opens the field for editing
    // (the real value, never the mask, goes into ImGui's edit buffer).
    bool changed = false;
    if (auto typed = TakeTouchKeyboardResult(id); typed && *typed != value) {
        value = std::move(*typed);
        changed = true;
    }
    PushTouchFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgActive));
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
    const std::string label = shown + "##" + std::string(id);
    if (ImGui::Button(label.c_str(), ImVec2(width, ImGui::GetFrameHeight()))) {
        editing = id;
        focus_pending = true;
    }
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(3);
    ImGui::PopStyleVar();
    note_button(std::string(id), "field");  // logged under the field's own id: tests click it the same way
    return changed;
}

bool InputPin(const char* id, std::string& value, float width) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%s", value.c_str());
    ImGui::SetNextItemWidth(width);
    PushTouchFramePadding();
    const bool changed = ImGui::InputText(id, buffer, sizeof buffer,
                                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    ImGui::PopStyleVar();
    note_button(id, "field");
    if (changed) value = buffer;
    std::fill(std::begin(buffer), std::end(buffer), '\0');  // no PIN left on the stack
    return changed;
}

void TextWrappedColoured(const ImVec4& colour, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

void DrawQrCode(const std::string& text, float size) {
    QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (code == nullptr) return;
    const int quiet = 2;  // modules of white margin so phone cameras find the symbol
    const float module = size / static_cast<float>(code->width + 2 * quiet);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, ImVec2(origin.x + size, origin.y + size), IM_COL32_WHITE);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            if ((code->data[y * code->width + x] & 1) == 0) continue;
            const ImVec2 a(origin.x + static_cast<float>(x + quiet) * module,
                           origin.y + static_cast<float>(y + quiet) * module);
            draw->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
        }
    }
    QRcode_free(code);
    ImGui::Dummy(ImVec2(size, size));
}

}  // namespace medkiosk::ui
