// What the clinic-mode screens share: the heading row, the last outcome line
// and a − n ＋ stepper for counts typed with the finger.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

const std::string& ClinicProductName(const UiContext& ui, const kiosk::ProductNames& names,
                                     const std::string& product) {
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    const std::string& name = chinese ? names.name_zh : names.name_en;
    if (!name.empty()) return name;
    const std::string& other = chinese ? names.name_en : names.name_zh;
    return other.empty() ? product : other;
}

bool DrawClinicHeading(UiContext& ui, const std::string& heading) {
    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(heading.c_str());
    ImGui::PopFont();
    const bool back = DrawLanguageAndBack(ui);
    ImGui::Separator();
    return back;
}

// The outcome keeps the room of two lines whether one is shown or not: an outcome that comes late (the
// packing list still in the camera's view on the give-out screen) must not move the rows under a finger
// about to tap one (the clinic script's tap on give-0 landed where the row had been a frame before).
void DrawClinicMessage(UiContext& ui) {
    const float top = ImGui::GetCursorPosY();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float room = 2.0f * (ImGui::GetTextLineHeight() + spacing);
    if (const auto& message = ui.clinic->message()) {
        std::string filled = ui.tr(message->key);
        for (const auto& [name, value] : message->values) filled = kiosk::fill(filled, {{name, value}});
        std::string text = (message->ok ? "✓ " : "× ") + filled;
        if (!message->detail.empty()) text += " " + message->detail;
        TextWrappedColoured(message->ok ? colours::accept : colours::refuse, text);
    }
    const float used = ImGui::GetCursorPosY() - top;
    if (used + 0.5f < room) ImGui::Dummy(ImVec2(1.0f, std::max(0.0f, room - used - spacing)));
}

namespace {

ImVec2 StepperButton() {
    const float em = ImGui::GetFontSize();
    return ImVec2(std::max(MinTouchPx(), em * 1.8f), std::max(MinTouchPx(), em * 1.4f));
}

}  // namespace

void SetupStepperColumn(const std::string& label) {
    // − and ＋, the count (up to three digits) between them with a gap each side.
    const float stepper =
        2.0f * StepperButton().x + 2.0f * ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize("999").x;
    ImGui::TableSetupColumn(label.c_str(), ImGuiTableColumnFlags_WidthFixed,
                            std::max(stepper, ImGui::CalcTextSize(label.c_str()).x));
}

void SetupFittedColumn(const std::string& label, const char* widest) {
    ImGui::TableSetupColumn(label.c_str(), ImGuiTableColumnFlags_WidthFixed,
                            std::max(ImGui::CalcTextSize(widest).x, ImGui::CalcTextSize(label.c_str()).x));
}

std::optional<int> DrawStepper(const std::string& id, int value, int most) {
    const ImVec2 button = StepperButton();
    std::optional<int> changed;
    if (BigButton("−##less-" + id, button, colours::neutral) && value > 0) changed = value - 1;
    ImGui::SameLine();
    const std::string shown = std::to_string(value);
    // Beside a button ImGui already lowers text by the frame's padding (to the label's baseline): the
    // count is centred on the buttons only with that taken off.
    const float lower = (button.y - ImGui::GetTextLineHeight()) * 0.5f - ImGui::GetStyle().FramePadding.y;
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + lower);
    ImGui::TextUnformatted(shown.c_str());
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - lower);
    if (BigButton("＋##more-" + id, button, colours::neutral) && value < most) changed = value + 1;
    return changed;
}

}  // namespace medkiosk::ui
