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
Fonts load_fonts(const std::string& configured_file, const std::string& text, float body_px);

}  // namespace medkiosk::ui
