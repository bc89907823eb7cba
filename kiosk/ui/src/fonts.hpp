#pragma once

#include <string>

struct ImFont;

namespace medkiosk::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* title = nullptr;
    std::string file;  // the font file used, empty when ImGui's built-in font is the fallback
};

// Finds a font that covers Chinese through fontconfig (or `configured_file`) and builds the atlas for
// exactly the glyphs in `text` plus Latin. A missing font is logged and falls back to the built-in one.
// The title font is `title_px` (the donor's larger text makes the body bigger, not the titles).
Fonts load_fonts(const std::string& configured_file, const std::string& text, float body_px, float title_px);

// load_fonts, then uploads the atlas as the GL texture (replacing an earlier one) and frees what only
// building needed: the font file's bytes (about 20 MB per size for Noto CJK) and the atlas pixels.
// Call between frames, after the ImGui OpenGL3 backend was initialised.
Fonts build_font_texture(const std::string& configured_file, const std::string& text, float body_px,
                         float title_px);

// The capital height ('H') of the font load_fonts would use, per pixel of font size (Noto Sans CJK SC:
// about 0.51). 0 when it cannot be measured.
double measure_cap_height_per_px(const std::string& configured_file);

// True when `font` has a glyph for every character of the UTF-8 `text`.
bool covers(const ImFont* font, const std::string& text);

}  // namespace medkiosk::ui
