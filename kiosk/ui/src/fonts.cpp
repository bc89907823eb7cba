#include "fonts.hpp"

#include <backends/imgui_impl_opengl3.h>
#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <filesystem>
#include <optional>
#include <string>

#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::ui {
namespace {

struct FontFile {
    std::string path;
    int index = 0;
};

// Asks fontconfig for a Simplified Chinese sans face that really has the glyph 捐 (U+6350).
FontFile find_cjk_font() {
    FontFile found;
    if (!FcInit()) return found;
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>("Noto Sans CJK SC:lang=zh-cn"));
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    if (match != nullptr) {
        FcChar8* file = nullptr;
        FcCharSet* charset = nullptr;
        int index = 0;
        const bool has_chinese = FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) == FcResultMatch &&
                                 FcCharSetHasChar(charset, 0x6350);
        if (has_chinese && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
            found.path = reinterpret_cast<const char*>(file);
            if (FcPatternGetInteger(match, FC_INDEX, 0, &index) == FcResultMatch) found.index = index;
        }
        FcPatternDestroy(match);
    }
    FcPatternDestroy(pattern);
    // Nothing else in the kiosk uses fontconfig: its configuration and font list (several MB) go.
    FcFini();
    return found;
}

// The font file for `configured_file` ("" = fontconfig's), looked up once: fontconfig takes tens of
// milliseconds, and the atlas is rebuilt when the donor asks for larger text.
FontFile resolve_font(const std::string& configured_file) {
    static std::string resolved_for;
    static std::optional<FontFile> resolved;
    if (!resolved || resolved_for != configured_file) {
        resolved = configured_file.empty() ? find_cjk_font() : FontFile{configured_file, 0};
        resolved_for = configured_file;
    }
    return *resolved;
}

}  // namespace

double measure_cap_height_per_px(const std::string& configured_file) {
    // A private atlas with one glyph at a large size, so the glyph's pixel box is the letter's height
    // to within half a percent; the kiosk's atlas is built afterwards at the size this gives.
    constexpr float kReferencePx = 200.0f;
    static const ImWchar kCapitalH[] = {'H', 'H', 0};
    ImFontAtlas atlas;
    const FontFile file = resolve_font(configured_file);
    std::error_code ec;
    ImFont* font = nullptr;
    if (!file.path.empty() && std::filesystem::is_regular_file(file.path, ec)) {
        ImFontConfig config;
        config.FontNo = file.index;
        font = atlas.AddFontFromFileTTF(file.path.c_str(), kReferencePx, &config, kCapitalH);
    }
    if (font == nullptr) {
        ImFontConfig config;
        config.SizePixels = kReferencePx;
        font = atlas.AddFontDefault(&config);
    }
    if (font == nullptr || !atlas.Build()) return 0;
    const ImFontGlyph* glyph = font->FindGlyphNoFallback('H');
    if (glyph == nullptr) return 0;
    return (glyph->Y1 - glyph->Y0) / font->FontSize;
}

Fonts load_fonts(const std::string& configured_file, const std::string& text, float body_px, float title_px) {
    ImGuiIO& io = ImGui::GetIO();
    Fonts fonts;
    FontFile file = resolve_font(configured_file);
    std::error_code ec;
    if (file.path.empty() || !std::filesystem::is_regular_file(file.path, ec)) {
        kiosk::log_event(
            "font-missing",
            {{"wanted", configured_file.empty() ? "Noto Sans CJK SC (fontconfig)" : configured_file},
             {"fix", "install fonts-noto-cjk or pass --font FILE; Chinese text will show as '?'"}});
        ImFontConfig config;
        config.SizePixels = body_px;
        fonts.body = io.Fonts->AddFontDefault(&config);
        config.SizePixels = title_px;
        fonts.title = io.Fonts->AddFontDefault(&config);
        return fonts;
    }

    // Only the glyphs the strings use: the full CJK range would cost tens of MB and seconds at start.
    static ImVector<ImWchar> ranges;
    ranges.clear();
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
    builder.AddText(text.c_str());
    builder.AddText("✓×…·—→←−＋●–▲▼年月日0123456789");
    builder.AddText(std::string(kiosk::kMaskedPassword).c_str());  // a hub password as shown
    builder.BuildRanges(&ranges);

    ImFontConfig config;
    config.FontNo = file.index;
    config.OversampleH = 1;  // CJK strokes gain nothing from horizontal oversampling; it doubles the atlas
    config.PixelSnapH = true;
    fonts.body = io.Fonts->AddFontFromFileTTF(file.path.c_str(), body_px, &config, ranges.Data);
    fonts.title = io.Fonts->AddFontFromFileTTF(file.path.c_str(), title_px, &config, ranges.Data);
    if (fonts.body == nullptr || fonts.title == nullptr) {
        kiosk::log_event("font-unreadable",
                         {{"file", file.path}, {"fix", "reinstall fonts-noto-cjk or pass --font"}});
        io.Fonts->Clear();
        return load_fonts("/nonexistent-fallback", text, body_px, title_px);
    }
    fonts.file = file.path;
    kiosk::log_event("font-loaded", {{"file", file.path},
                                     {"index", std::to_string(file.index)},
                                     {"body_px", std::to_string(static_cast<int>(body_px))}});
    return fonts;
}

Fonts build_font_texture(const std::string& configured_file, const std::string& text, float body_px,
                         float title_px) {
    ImGuiIO& io = ImGui::GetIO();
    // The backend sets the texture id once it has made its device objects (shaders and the atlas).
    const bool uploaded_before = io.Fonts->TexID != nullptr;
    if (uploaded_before) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        io.Fonts->Clear();
    }
    Fonts fonts = load_fonts(configured_file, text, body_px, title_px);
    if (uploaded_before)
        ImGui_ImplOpenGL3_CreateFontsTexture();
    else
        ImGui_ImplOpenGL3_CreateDeviceObjects();  // shaders and the font texture, once
    io.Fonts->ClearInputData();
    io.Fonts->ClearTexData();
    return fonts;
}

bool covers(const ImFont* font, const std::string& text) {
    if (font == nullptr) return false;
    for (const char* at = text.c_str(); *at != '\0';) {
        unsigned int c = 0;
        at += ImTextCharFromUtf8(&c, at, nullptr);
        if (c == 0) break;
        if (c < 0x20 || c > 0xFFFF) continue;  // controls; ImWchar is 16-bit in Debian's build
        if (font->FindGlyphNoFallback(static_cast<ImWchar>(c)) == nullptr) return false;
    }
    return true;
}

}  // namespace medkiosk::ui
