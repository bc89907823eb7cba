#include "widgets.hpp"

#include <qrencode.h>

namespace medkiosk::ui {

void ApplyKioskStyle(float font_px) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0;
    style.FrameRounding = font_px * 0.4f;
    style.FramePadding = ImVec2(font_px * 0.6f, font_px * 0.4f);
    style.ItemSpacing = ImVec2(font_px * 0.6f, font_px * 0.5f);
    style.WindowPadding = ImVec2(font_px, font_px);
    style.Colors[ImGuiCol_WindowBg] = colours::background;
    style.Colors[ImGuiCol_Text] = colours::text;
    style.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
}

bool BeginFullscreen(const char* id) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    return ImGui::Begin(id, nullptr, flags);
}

bool BigButton(const std::string& label, const ImVec2& size, const ImVec4& colour) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(colour.x * 1.15f, colour.y * 1.15f, colour.z * 1.15f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(colour.x * 0.8f, colour.y * 0.8f, colour.z * 0.8f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    const bool pressed = ImGui::Button(label.c_str(), size);
    ImGui::PopStyleColor(4);
    return pressed;
}

void TextCentered(const std::string& text) {
    const float width = ImGui::CalcTextSize(text.c_str()).x;
    const float available = ImGui::GetContentRegionAvail().x;
    if (width < available) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (available - width) * 0.5f);
    ImGui::TextUnformatted(text.c_str());
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
            const ImVec2 a(origin.x + static_cast<float>(x + quiet) * module, origin.y + static_cast<float>(y + quiet) * module);
            draw->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
        }
    }
    QRcode_free(code);
    ImGui::Dummy(ImVec2(size, size));
}

}  // namespace medkiosk::ui
