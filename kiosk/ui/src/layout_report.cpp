#include "layout_report.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // ImGuiWindow: which panel drew a draw list, its clip rect and scroll range

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::ui {
namespace {

struct Box {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float w() const { return x1 - x0; }
    float h() const { return y1 - y0; }
};

// How far `a` and `b` overlap along each axis (negative: apart).
ImVec2 overlap(const Box& a, const Box& b) {
    return {std::min(a.x1, b.x1) - std::max(a.x0, b.x0), std::min(a.y1, b.y1) - std::max(a.y0, b.y0)};
}

// What of `a` shows through the clip rectangle `clip` (empty when nothing does).
Box visible_part(const Box& a, const Box& clip) {
    return {std::max(a.x0, clip.x0), std::max(a.y0, clip.y0), std::min(a.x1, clip.x1),
            std::min(a.y1, clip.y1)};
}

bool inside(const Box& inner, const Box& outer, float slack) {
    return inner.x0 >= outer.x0 - slack && inner.y0 >= outer.y0 - slack && inner.x1 <= outer.x1 + slack &&
           inner.y1 <= outer.y1 + slack;
}

std::string describe(const Box& b) {
    std::ostringstream out;
    out << static_cast<int>(std::lround(b.x0)) << ',' << static_cast<int>(std::lround(b.y0)) << ','
        << static_cast<int>(std::lround(b.w())) << ',' << static_cast<int>(std::lround(b.h()));
    return out.str();
}

void append_utf8(std::string& out, unsigned c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// A button or field as the widgets drew it.
struct Item {
    std::string kind;
    std::string label;
    Box rect;
    Box clip;  // its panel's visible area
    ImGuiWindow* window = nullptr;
    bool label_cut = false;
};

// One glyph found in the draw data.
struct Glyph {
    unsigned codepoint = 0;
    Box quad;                       // what was drawn (a partial glyph: only its visible part)
    Box clip;                       // its draw command's clip rectangle
    ImGuiWindow* window = nullptr;  // null: the foreground draw list
    bool partial_x = false;         // cut by the CPU's fine clipping (a button's or column's edge)
    bool partial_y = false;
    float font_size = 0;
    float line_y = 0;  // the pen's y: glyphs on one line share it
    float pen_start = 0, pen_end = 0;
    int run = 0;  // glyphs drawn one after another on one line
};

struct AtlasGlyph {
    ImFontGlyph glyph;
    float font_size = 0;
};

struct State {
    bool enabled = false;
    std::set<std::string> data_words;
    std::vector<Item> items;          // noted since the last report
    std::vector<Box> other_language;  // noted since the last report: NoteLatinOnPurpose
    std::uint64_t previous_frame_hash = 0;
    // What the last frame drew, to say what changed when a state never settles.
    std::vector<std::string> previous_frame_drawing;
    int unsettled_frames = 0;
    // The atlas's glyphs by the top-left corner of their UV rectangle.
    std::unordered_map<std::uint64_t, AtlasGlyph> by_uv;
    std::vector<AtlasGlyph> all_glyphs;
    const void* atlas_seen = nullptr;
    std::size_t atlas_glyphs_seen = 0;
    float atlas_font_size = 0;
    int atlas_width = 0;
    int atlas_height = 0;
    std::uint64_t last_hash = 0;
};

State& state() {
    static State s;
    return s;
}

std::uint64_t uv_key(float u, float v) {
    std::uint32_t ub = 0;
    std::uint32_t vb = 0;
    std::memcpy(&ub, &u, sizeof ub);
    std::memcpy(&vb, &v, sizeof vb);
    return (static_cast<std::uint64_t>(ub) << 32) | vb;
}

void index_atlas(State& s) {
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    std::size_t count = 0;
    for (const ImFont* font : atlas->Fonts) count += static_cast<std::size_t>(font->Glyphs.Size);
    const void* identity = atlas->Fonts.Size > 0 ? atlas->Fonts[0]->Glyphs.Data : nullptr;
    // A donor's larger text rebuilds the atlas with the same glyphs at another size: the same count and,
    // as often as not, the same allocation, but every UV rectangle elsewhere. An index kept from the
    // other size matched almost no glyph (the text went unchecked) and the odd one wrongly (a CJK glyph
    // reported cut on an English receipt), so the size and the texture's layout are part of it too.
    const float font_size = atlas->Fonts.Size > 0 ? atlas->Fonts[0]->FontSize : 0.0f;
    if (identity == s.atlas_seen && count == s.atlas_glyphs_seen && font_size == s.atlas_font_size &&
        atlas->TexWidth == s.atlas_width && atlas->TexHeight == s.atlas_height)
        return;
    s.atlas_seen = identity;
    s.atlas_glyphs_seen = count;
    s.atlas_font_size = font_size;
    s.atlas_width = atlas->TexWidth;
    s.atlas_height = atlas->TexHeight;
    s.by_uv.clear();
    s.all_glyphs.clear();
    for (const ImFont* font : atlas->Fonts) {
        for (const ImFontGlyph& glyph : font->Glyphs) {
            if (!glyph.Visible) continue;
            const AtlasGlyph found{glyph, font->FontSize};
            s.by_uv.emplace(uv_key(glyph.U0, glyph.V0), found);
            s.all_glyphs.push_back(found);
        }
    }
}

// A UV rectangle that is part of one glyph's: that glyph, cut by fine clipping.
const AtlasGlyph* glyph_containing(const State& s, const ImVec2& uv0, const ImVec2& uv1) {
    constexpr float e = 1e-6f;
    for (const AtlasGlyph& g : s.all_glyphs) {
        if (uv0.x >= g.glyph.U0 - e && uv1.x <= g.glyph.U1 + e && uv0.y >= g.glyph.V0 - e &&
            uv1.y <= g.glyph.V1 + e)
            return &g;
    }
    return nullptr;
}

std::unordered_map<const ImDrawList*, ImGuiWindow*> windows_by_draw_list() {
    std::unordered_map<const ImDrawList*, ImGuiWindow*> found;
    for (ImGuiWindow* window : GImGui->Windows) {
        if (window->Active) found[window->DrawList] = window;
    }
    return found;
}

Box clip_of(const ImGuiWindow* window) {
    return {window->InnerClipRect.Min.x, window->InnerClipRect.Min.y, window->InnerClipRect.Max.x,
            window->InnerClipRect.Max.y};
}

// A panel with a scrollbar may hide what is scrolled away; one without must show all it holds.
bool scrolls_y(const ImGuiWindow* window) {
    return window != nullptr && !(window->Flags & ImGuiWindowFlags_NoScrollbar) && window->ScrollMax.y > 0;
}
bool scrolls_x(const ImGuiWindow* window) {
    return window != nullptr && (window->Flags & ImGuiWindowFlags_HorizontalScrollbar) &&
           window->ScrollMax.x > 0;
}

const ImGuiWindow* root_of(const ImGuiWindow* window) {
    return window != nullptr ? window->RootWindow : nullptr;
}

std::vector<Glyph> glyphs_drawn(State& s) {
    std::vector<Glyph> glyphs;
    const ImDrawData* data = ImGui::GetDrawData();
    if (data == nullptr) return glyphs;
    const ImTextureID atlas_texture = ImGui::GetIO().Fonts->TexID;
    const auto windows = windows_by_draw_list();
    for (int n = 0; n < data->CmdListsCount; ++n) {
        const ImDrawList* list = data->CmdLists[n];
        const auto owner = windows.find(list);
        ImGuiWindow* window = owner != windows.end() ? owner->second : nullptr;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback != nullptr || cmd.TextureId != atlas_texture) continue;
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            for (unsigned i = 0; i + 6 <= cmd.ElemCount;) {
                const unsigned a = idx[i];
                // ImDrawList::PrimRectUV, which every glyph is drawn with.
                const bool quad = idx[i + 1] == a + 1 && idx[i + 2] == a + 2 && idx[i + 3] == a &&
                                  idx[i + 4] == a + 2 && idx[i + 5] == a + 3;
                if (!quad) {
                    i += 3;
                    continue;
                }
                i += 6;
                const ImDrawVert& top_left = vtx[a];
                const ImDrawVert& bottom_right = vtx[a + 2];
                const ImVec2 uv0 = top_left.uv;
                const ImVec2 uv1 = bottom_right.uv;
                if (uv0.x >= uv1.x || uv0.y >= uv1.y) continue;  // a filled shape (the white pixel)
                const AtlasGlyph* atlas_glyph = nullptr;
                if (auto it = s.by_uv.find(uv_key(uv0.x, uv0.y));
                    it != s.by_uv.end() && it->second.glyph.U1 == uv1.x && it->second.glyph.V1 == uv1.y) {
                    atlas_glyph = &it->second;
                } else if ((atlas_glyph = glyph_containing(s, uv0, uv1)) == nullptr) {
                    continue;  // an anti-aliased line's texture, not text
                }
                const ImFontGlyph& g = atlas_glyph->glyph;
                Glyph found;
                found.codepoint = g.Codepoint;
                found.quad = {top_left.pos.x, top_left.pos.y, bottom_right.pos.x, bottom_right.pos.y};
                found.clip = {cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w};
                found.window = window;
                constexpr float e = 1e-6f;
                found.partial_x = std::fabs((uv1.x - uv0.x) - (g.U1 - g.U0)) > e;
                found.partial_y = std::fabs((uv1.y - uv0.y) - (g.V1 - g.V0)) > e;
                found.font_size = atlas_glyph->font_size;
                // Where the whole glyph would be: pixels per UV unit from the part drawn.
                const float px_per_u = found.quad.w() / (uv1.x - uv0.x);
                const float px_per_v = found.quad.h() / (uv1.y - uv0.y);
                const float full_x0 = found.quad.x0 - (uv0.x - g.U0) * px_per_u;
                const float full_y0 = found.quad.y0 - (uv0.y - g.V0) * px_per_v;
                const float scale = g.X1 > g.X0 ? (g.U1 - g.U0) * px_per_u / (g.X1 - g.X0) : 1.0f;
                found.line_y = full_y0 - g.Y0 * scale;
                found.pen_start = full_x0 - g.X0 * scale;
                found.pen_end = found.pen_start + g.AdvanceX * scale;
                glyphs.push_back(found);
            }
        }
    }
    return glyphs;
}

// Glyphs drawn one after another along one line belong to one run (one text item, or several laid
// side by side); a new line, a jump backwards or a wide gap starts another.
void split_into_runs(std::vector<Glyph>& glyphs) {
    int run = 0;
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        if (i > 0) {
            const Glyph& before = glyphs[i - 1];
            const Glyph& g = glyphs[i];
            const bool same_line = before.window == g.window && before.font_size == g.font_size &&
                                   std::fabs(before.line_y - g.line_y) < 1.0f;
            const bool onwards =
                g.pen_start >= before.pen_end - 1.0f && g.pen_start <= before.pen_end + g.font_size * 1.5f;
            if (!same_line || !onwards) ++run;
        }
        glyphs[i].run = run;
    }
}

struct Problem {
    std::string kind;
    std::string text;
    Box at;
    std::string other;
};

bool is_cjk(unsigned c) {
    return (c >= 0x3000 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

bool is_ascii_letter(unsigned c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Latin words a Chinese screen may show: units, and codes people read as letters in China too.
bool allowed_latin(const std::string& word, const std::set<std::string>& data_words) {
    static const std::set<std::string> allowed = {
        // Units: written in Latin letters in Chinese text as well.
        "mm", "ml", "mL", "mg", "kg", "g", "MB", "GB", "px", "dpi", "dB",
        // Codes, kinds of symbol and labels printed on the boxes, named as the box names them.
        "GS1", "EAN", "UPC", "QR", "GTIN", "DataMatrix", "EXP", "LOT",
        // Names of keys and protocols a technician types or reads as they are.
        "PIN", "ID", "USB", "TLS", "SSL", "PostgreSQL", "URL", "CSV", "ALSA", "OK"};
    return allowed.count(word) > 0 || data_words.count(word) > 0;
}

// A Chinese line's Latin words (letters not part of a code, number, path or key) and ASCII punctuation
// that should be full-width.
void check_chinese(const std::u32string& text, const std::string& utf8, const Box& at,
                   const std::set<std::string>& data_words, std::vector<Problem>& problems) {
    const auto is_code_char = [](char32_t c) {
        return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '_' || c == ':' ||
               c == '@' || c == '-' || c == '+' || c == '#' || c == '=' || c == '[' || c == ']';
    };
    for (std::size_t i = 0; i < text.size();) {
        if (!is_code_char(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        bool letters = false;
        while (end < text.size() && is_code_char(text[end])) {
            if (is_ascii_letter(text[end])) letters = true;
            ++end;
        }
        std::string token;
        for (std::size_t k = i; k < end; ++k) token += static_cast<char>(text[k]);
        // "word:" in a sentence is a word and its colon, not a key.
        std::string bare = token;
        while (!bare.empty() && (bare.back() == ':' || bare.back() == '.')) bare.pop_back();
        // A digit or a separator makes it a code, a number with its unit, a path or a setting's key.
        bool bare_code = false;
        for (char c : bare)
            if (!is_ascii_letter(static_cast<unsigned char>(c)) && c != '-') bare_code = true;
        if (letters && !bare_code && !allowed_latin(bare, data_words))
            problems.push_back({"latin-word", utf8, at, "word=" + bare});
        i = end;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        // A colon or full stop after a Chinese character ends a Chinese phrase; one after Latin letters
        // is part of a key or a path ("video:文件").
        const bool both_sides = std::u32string_view(U",;!?()").find(c) != std::u32string_view::npos;
        const bool after_only = c == U':' || c == U'.';
        if (!both_sides && !after_only) continue;
        const char32_t before = i > 0 ? text[i - 1] : 0;
        const char32_t after = i + 1 < text.size() ? text[i + 1] : 0;
        const bool next_to_chinese = after_only ? is_cjk(before) : (is_cjk(before) || is_cjk(after));
        if (next_to_chinese) {
            std::string mark(1, static_cast<char>(c));
            problems.push_back({"ascii-punctuation", utf8, at, "mark=" + mark});
        }
    }
}

std::vector<Problem> find_problems(const std::vector<Glyph>& glyphs, const std::vector<Item>& items,
                                   const std::vector<Box>& other_language, std::string_view lang,
                                   const State& s) {
    std::vector<Problem> problems;
    const ImVec2 size = ImGui::GetMainViewport()->Size;
    const Box screen{0, 0, size.x, size.y};

    const auto in_field = [&](const Glyph& g) {
        for (const Item& item : items)
            if (item.kind == "field" && g.window == item.window && inside(g.quad, item.rect, 1.0f))
                return true;
        return false;
    };

    // Each run's text and box, for the messages.
    const int runs = glyphs.empty() ? 0 : glyphs.back().run + 1;
    std::vector<std::u32string> run_text(static_cast<std::size_t>(runs));
    std::vector<std::string> run_utf8(static_cast<std::size_t>(runs));
    std::vector<Box> run_box(static_cast<std::size_t>(runs), Box{1e9f, 1e9f, -1e9f, -1e9f});
    std::vector<bool> run_is_field(static_cast<std::size_t>(runs), false);
    std::vector<bool> run_other_language(static_cast<std::size_t>(runs), false);
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        const Glyph& g = glyphs[i];
        const auto r = static_cast<std::size_t>(g.run);
        // Glyphs follow each other pen to pen (give or take a pixel of snapping): a wider gap is a
        // space, which draws nothing (ImGui's "font size" is the line height; a space is ~0.15 of it).
        if (i > 0 && glyphs[i - 1].run == g.run &&
            g.pen_start > glyphs[i - 1].pen_end + std::max(1.5f, g.font_size * 0.06f)) {
            run_text[r] += U' ';
            run_utf8[r] += ' ';
        }
        run_text[r] += static_cast<char32_t>(g.codepoint);
        append_utf8(run_utf8[r], g.codepoint);
        Box& b = run_box[r];
        b = {std::min(b.x0, g.quad.x0), std::min(b.y0, g.quad.y0), std::max(b.x1, g.quad.x1),
             std::max(b.y1, g.quad.y1)};
        if (in_field(g)) run_is_field[r] = true;
        for (const Box& exempt : other_language)
            if (inside(g.quad, exempt, 1.0f)) run_other_language[r] = true;
    }

    // Panels without a scrollbar that hold more than they show.
    std::set<const ImGuiWindow*> overflowing;
    for (ImGuiWindow* window : GImGui->Windows) {
        if (!window->Active || !(window->Flags & ImGuiWindowFlags_NoScrollbar)) continue;
        // Only downwards: a one-line box may scroll sideways on purpose (the keyboard's text keeps the
        // end of a long address in view).
        if (window->ScrollMax.y > 1.0f) {
            overflowing.insert(window);
            const Box w{window->Pos.x, window->Pos.y, window->Pos.x + window->Size.x,
                        window->Pos.y + window->Size.y};
            std::ostringstream by;
            by << "by=" << static_cast<int>(std::lround(window->ScrollMax.y)) << "px panel=" << window->Name;
            problems.push_back({"overflow", window->Name, w, by.str()});
        }
    }

    // Glyphs: outside the window, cut by their panel or a column, or over other text.
    std::set<int> reported_runs;
    for (const Glyph& g : glyphs) {
        const auto r = static_cast<std::size_t>(g.run);
        // Scrolled partly out of a panel with a scrollbar: below the screen's edge is no different.
        const bool scrolled_y =
            scrolls_y(g.window) && !g.partial_x && overlap(g.quad, g.clip).x >= g.quad.w() - 0.5f;
        if (!scrolled_y && !inside(g.quad, screen, 0.5f)) {
            if (reported_runs.insert(g.run).second)
                problems.push_back({"outside-window", run_utf8[r], run_box[r], ""});
            continue;
        }
        if (run_is_field[r]) continue;  // a field's text scrolls inside it
        const ImVec2 cut_by = overlap(g.quad, g.clip);
        const bool cut_x = g.partial_x || cut_by.x < g.quad.w() - 0.5f;
        const bool cut_y = g.partial_y || cut_by.y < g.quad.h() - 0.5f;
        // Scrolled partly out of a panel with a scrollbar: the reader scrolls to it. A panel that
        // overflows without one is reported once, above.
        const bool cut = cut_x || (cut_y && !scrolls_y(g.window) && overflowing.count(g.window) == 0);
        if (cut && reported_runs.insert(g.run).second)
            problems.push_back({"clipped", run_utf8[r], run_box[r], "clip=" + describe(g.clip)});
    }
    // Text on text: glyphs of different runs in one window (panels over others, the warning and the
    // keyboard, are drawn over on purpose).
    std::set<std::pair<int, int>> reported_pairs;
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        for (std::size_t j = i + 1; j < glyphs.size(); ++j) {
            const Glyph& a = glyphs[i];
            const Glyph& b = glyphs[j];
            if (a.run == b.run || root_of(a.window) != root_of(b.window)) continue;
            const float tolerance = std::max(2.0f, 0.1f * std::min(a.font_size, b.font_size));
            const ImVec2 o = overlap(visible_part(a.quad, a.clip), visible_part(b.quad, b.clip));
            if (o.x <= tolerance || o.y <= tolerance) continue;
            if (!reported_pairs.insert({a.run, b.run}).second) continue;
            problems.push_back({"overlap", run_utf8[static_cast<std::size_t>(a.run)],
                                run_box[static_cast<std::size_t>(a.run)],
                                "with=\"" + run_utf8[static_cast<std::size_t>(b.run)] + "\" at " +
                                    describe(run_box[static_cast<std::size_t>(b.run)])});
        }
    }

    // Buttons and fields.
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& item = items[i];
        const ImVec2 visible = overlap(item.rect, item.clip);
        const bool cut_x = visible.x < item.rect.w() - 0.5f;
        const bool cut_y = visible.y < item.rect.h() - 0.5f;
        // Partly or wholly scrolled out of a panel with a scrollbar: the reader scrolls to it.
        const bool scrolled = (cut_x && scrolls_x(item.window)) || (cut_y && scrolls_y(item.window));
        if (!scrolled && !inside(item.rect, screen, 0.5f)) {
            problems.push_back({"outside-window", item.label, item.rect, "kind=" + item.kind});
        } else if (!scrolled && (cut_x || cut_y)) {
            problems.push_back(
                {"clipped", item.label, item.rect, "kind=" + item.kind + " clip=" + describe(item.clip)});
        }
        if (visible.x <= 0 || visible.y <= 0) continue;
        if (item.label_cut) problems.push_back({"label-cut", item.label, item.rect, "kind=" + item.kind});
        for (std::size_t j = i + 1; j < items.size(); ++j) {
            const Item& other = items[j];
            if (root_of(item.window) != root_of(other.window)) continue;
            // What shows of each: a field scrolled under a panel's edge is not over the button beyond it.
            const ImVec2 o =
                overlap(visible_part(item.rect, item.clip), visible_part(other.rect, other.clip));
            if (o.x > 1.0f && o.y > 1.0f)
                problems.push_back({"overlap", item.label, item.rect,
                                    "with=\"" + other.label + "\" at " + describe(other.rect)});
        }
    }
    // Text across a button's edge: partly on it, partly off.
    std::set<std::pair<int, std::size_t>> reported_crossings;
    for (const Glyph& g : glyphs) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            const Item& item = items[i];
            if (root_of(item.window) != root_of(g.window)) continue;
            const Box shown = visible_part(g.quad, g.clip);
            const ImVec2 o = overlap(shown, visible_part(item.rect, item.clip));
            const float tolerance = std::max(2.0f, 0.1f * g.font_size);
            if (o.x <= tolerance || o.y <= tolerance || inside(shown, item.rect, 1.0f)) continue;
            if (!reported_crossings.insert({g.run, i}).second) continue;
            const auto r = static_cast<std::size_t>(g.run);
            problems.push_back({"overlap", run_utf8[r], run_box[r],
                                "with=\"" + item.label + "\" at " + describe(item.rect)});
        }
    }

    if (lang == "zh") {
        for (std::size_t r = 0; r < run_text.size(); ++r)
            // A lone letter is a key of the keyboard, not a word.
            if (!run_is_field[r] && !run_other_language[r] && run_text[r].size() > 1)
                check_chinese(run_text[r], run_utf8[r], run_box[r], s.data_words, problems);
    }
    return problems;
}

std::uint64_t hash_of(std::string_view screen, std::string_view lang, const std::vector<Glyph>& glyphs,
                      const std::vector<Item>& items) {
    std::uint64_t h = 1469598103934665603ull;
    const auto mix = [&h](std::uint64_t v) {
        h ^= v;
        h *= 1099511628211ull;
    };
    for (char c : screen) mix(static_cast<unsigned char>(c));
    for (char c : lang) mix(static_cast<unsigned char>(c));
    const ImVec2 size = ImGui::GetMainViewport()->Size;
    mix(static_cast<std::uint64_t>(size.x) << 20 | static_cast<std::uint64_t>(size.y));
    for (const Glyph& g : glyphs) {
        mix(g.codepoint);
        mix(static_cast<std::uint64_t>(std::lround(g.quad.x0)) << 32 |
            static_cast<std::uint32_t>(std::lround(g.quad.y0)));
    }
    for (const Item& item : items) {
        mix(static_cast<std::uint64_t>(std::lround(item.rect.x0)) << 32 |
            static_cast<std::uint32_t>(std::lround(item.rect.y0)));
        mix(static_cast<std::uint64_t>(std::lround(item.rect.x1)) << 32 |
            static_cast<std::uint32_t>(std::lround(item.rect.y1)));
    }
    return h;
}

}  // namespace

void EnableLayoutReport(std::string data_words) {
    State& s = state();
    s.enabled = true;
    std::istringstream words(data_words);
    for (std::string word; std::getline(words, word, ',');)
        if (!word.empty()) s.data_words.insert(word);
}

bool LayoutReportEnabled() {
    return state().enabled;
}

void NoteLayoutItem(std::string_view kind, std::string_view label) {
    State& s = state();
    if (!s.enabled) return;
    ImGuiWindow* window = ImGui::GetCurrentWindow();
    Item item;
    item.kind = kind;
    item.label = label;
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    item.rect = {min.x, min.y, max.x, max.y};
    item.clip = clip_of(window);
    item.window = window;
    if (kind == "button") {
        // ImGui draws a label too wide for its button cut at the button's edge; half the frame's
        // padding is the least margin left on each side.
        const ImVec2 text = ImGui::CalcTextSize(item.label.data(), item.label.data() + item.label.size());
        const ImVec2 padding = ImGui::GetStyle().FramePadding;
        item.label_cut = text.x > item.rect.w() - padding.x + 0.5f || text.y > item.rect.h() + 0.5f;
    }
    s.items.push_back(std::move(item));
}

void NoteLatinOnPurpose() {
    State& s = state();
    if (!s.enabled) return;
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    s.other_language.push_back({min.x, min.y, max.x, max.y});
}

void ReportLayout(std::string_view screen, std::string_view lang) {
    State& s = state();
    if (!s.enabled) return;
    std::vector<Item> items = std::move(s.items);
    s.items.clear();
    std::vector<Box> other_language = std::move(s.other_language);
    s.other_language.clear();
    index_atlas(s);
    std::vector<Glyph> glyphs = glyphs_drawn(s);
    const std::uint64_t hash = hash_of(screen, lang, glyphs, items);
    // A state is checked once it has stayed for two frames: a frame in between (a panel resized while
    // the keyboard opens, a tab's first frame before its scroll range is known) is not what anyone sees.
    const bool stable = hash == s.previous_frame_hash;
    s.previous_frame_hash = hash;
    // A state that changes every frame is never checked, and a person sees it flicker: after 60 frames
    // of it, say once what differs between the last two.
    std::vector<std::string> drawing;
    for (const Glyph& g : glyphs) {
        std::string line;
        append_utf8(line, g.codepoint);
        drawing.push_back(line + "@" + describe(g.quad));
    }
    for (const Item& item : items) drawing.push_back(item.label + "@" + describe(item.rect));
    s.unsettled_frames = stable ? 0 : s.unsettled_frames + 1;
    if (s.unsettled_frames == 60) {
        std::size_t first = 0;
        while (first < drawing.size() && first < s.previous_frame_drawing.size() &&
               drawing[first] == s.previous_frame_drawing[first])
            ++first;
        const auto at = [first](const std::vector<std::string>& d) {
            return first < d.size() ? d[first] : std::string("(nothing)");
        };
        kiosk::log_event("layout-problem",
                         {{"screen", std::string(screen)},
                          {"lang", std::string(lang)},
                          {"kind", "unsettled"},
                          {"text", "changes every frame"},
                          {"other", "now=" + at(drawing) + " before=" + at(s.previous_frame_drawing) +
                                        " drawn=" + std::to_string(drawing.size()) + "/" +
                                        std::to_string(s.previous_frame_drawing.size())}});
    }
    s.previous_frame_drawing = std::move(drawing);
    if (!stable || hash == s.last_hash) return;
    s.last_hash = hash;
    split_into_runs(glyphs);
    const std::vector<Problem> problems = find_problems(glyphs, items, other_language, lang, s);
    const ImVec2 size = ImGui::GetMainViewport()->Size;
    const std::string size_text =
        std::to_string(static_cast<int>(size.x)) + "x" + std::to_string(static_cast<int>(size.y));
    kiosk::log_event("layout", {{"screen", std::string(screen)},
                                {"size", size_text},
                                {"lang", std::string(lang)},
                                {"glyphs", std::to_string(glyphs.size())},
                                {"items", std::to_string(items.size())},
                                {"problems", std::to_string(problems.size())}});
    for (const Problem& p : problems) {
        kiosk::log_event("layout-problem", {{"screen", std::string(screen)},
                                            {"size", size_text},
                                            {"lang", std::string(lang)},
                                            {"kind", p.kind},
                                            {"text", p.text.substr(0, 160)},
                                            {"at", describe(p.at)},
                                            {"other", p.other}});
    }
}

}  // namespace medkiosk::ui
