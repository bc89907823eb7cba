#include "medkiosk/kiosk/text_wrap.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "medkiosk/kiosk/utf8.hpp"

namespace medkiosk::kiosk {
namespace {

// One code point of UTF-8 at `at` and its length in bytes (a stray byte counts as one character).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at) {
    const Utf8Step step = utf8_next(text, at);
    return {step.code_point, step.length};
}

bool is_cjk(char32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

// Belongs to the character before it: a combining mark (a tone or accent), a variation selector, or
// a zero-width joiner (which also joins the character after it).
bool joins_previous(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xE0100 && c <= 0xE01EF) || c == 0x200D;
}

// Never at the start of a line.
bool is_closing(char32_t c) {
    static constexpr std::u32string_view kClosing = U"，。、；：？！）」』》〉】〕…,.;:?!)]}%";
    return kClosing.find(c) != std::u32string_view::npos;
}

// Never at the end of a line.
bool is_opening(char32_t c) {
    static constexpr std::u32string_view kOpening = U"（「『《〈【〔([{";
    return kOpening.find(c) != std::u32string_view::npos;
}

// A run no line break goes inside (unless it alone is too wide), and what separated it from the one
// before.
struct Piece {
    std::string_view text;
    bool space_before = false;
    bool newline_before = false;
};

std::vector<Piece> pieces(std::string_view text) {
    std::vector<Piece> found;
    Piece current;
    std::size_t start = std::string_view::npos;  // of `current`; npos between pieces
    bool space = false;
    bool newline = false;
    bool last_cjk = false;
    bool last_opening = false;
    bool after_joiner = false;  // the character before was a zero-width joiner
    const auto close = [&](std::size_t end) {
        if (start == std::string_view::npos) return;
        current.text = text.substr(start, end - start);
        found.push_back(current);
        start = std::string_view::npos;
    };
    for (std::size_t at = 0; at < text.size();) {
        const auto [c, length] = decode(text, at);
        if (c == ' ' || c == '\t' || c == '\n') {
            close(at);
            space = true;
            newline = newline || c == '\n';
            at += length;
            continue;
        }
        if (start != std::string_view::npos && (joins_previous(c) || after_joiner)) {
            // Stays with its base; the base's kind decides the break after it.
            after_joiner = c == 0x200D;
            at += length;
            continue;
        }
        after_joiner = false;
        const bool cjk = is_cjk(c);
        // Between a CJK character and what touches it a line may break, except before closing and
        // after opening punctuation.
        if (start != std::string_view::npos && (cjk || last_cjk) && !is_closing(c) && !last_opening)
            close(at);
        if (start == std::string_view::npos) {
            start = at;
            current = Piece{{}, space, newline};
            space = false;
            newline = false;
        }
        last_cjk = cjk;
        last_opening = is_opening(c);
        at += length;
    }
    close(text.size());
    return found;
}

// Where the character at `at` ends together with the marks, selectors and joined characters that
// belong to it: a part of a cut word never starts with one.
std::size_t cluster_end(std::string_view text, std::size_t at) {
    auto [c, length] = decode(text, at);
    at += length;
    while (at < text.size()) {
        const bool joined = c == 0x200D;
        std::tie(c, length) = decode(text, at);
        if (!joined && !joins_previous(c)) break;
        at += length;
    }
    return at;
}

// `piece` cut into parts no wider than `width` (at least one character each).
std::vector<std::string_view> cut(std::string_view piece, float width, const TextMeasure& measure) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    std::size_t end = 0;
    while (end < piece.size()) {
        const std::size_t next = cluster_end(piece, end);
        if (end > start && measure(piece.substr(start, next - start)) > width) {
            parts.push_back(piece.substr(start, end - start));
            start = end;
        }
        end = next;
    }
    if (end > start) parts.push_back(piece.substr(start, end - start));
    return parts;
}

// One paragraph (no '\n' in it) in lines.
std::vector<std::string> wrap_paragraph(std::string_view text, float width, const TextMeasure& measure) {
    std::vector<std::string> lines;
    std::string line;
    bool open = false;  // a line has been started
    for (const Piece& piece : pieces(text)) {
        const std::string candidate = line.empty()
                                          ? std::string(piece.text)
                                          : line + (piece.space_before ? " " : "") + std::string(piece.text);
        if (measure(candidate) <= width) {
            line = candidate;
            open = true;
            continue;
        }
        if (!line.empty()) lines.push_back(std::move(line));
        line.clear();
        open = true;
        if (measure(piece.text) <= width) {
            line = std::string(piece.text);
            continue;
        }
        // Wider than a whole line: the only case a word is broken inside.
        auto parts = cut(piece.text, width, measure);
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) lines.emplace_back(parts[i]);
        line = std::string(parts.back());
    }
    if (open) lines.push_back(std::move(line));
    return lines;
}

}  // namespace

std::vector<std::string> wrap_lines(std::string_view text, float width, const TextMeasure& measure) {
    // Each '\n' starts a line, so blank lines and leading or trailing newlines stay (a message's own
    // layout); each paragraph between them is wrapped on its own.
    std::vector<std::string> lines;
    if (text.empty()) return lines;
    while (true) {
        const std::size_t newline = text.find('\n');
        std::vector<std::string> paragraph = wrap_paragraph(text.substr(0, newline), width, measure);
        if (paragraph.empty()) paragraph.emplace_back();
        for (std::string& line : paragraph) lines.push_back(std::move(line));
        if (newline == std::string_view::npos) break;
        text.remove_prefix(newline + 1);
    }
    return lines;
}

std::string wrap_text(std::string_view text, float width, const TextMeasure& measure) {
    std::string joined;
    for (const auto& line : wrap_lines(text, width, measure)) {
        joined += line;
        joined += '\n';
    }
    if (!joined.empty()) joined.pop_back();
    return joined;
}

float widest_unbreakable(std::string_view text, const TextMeasure& measure) {
    float widest = 0;
    for (const Piece& piece : pieces(text)) widest = std::max(widest, measure(piece.text));
    return widest;
}

}  // namespace medkiosk::kiosk
