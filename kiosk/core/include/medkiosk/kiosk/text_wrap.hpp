#pragma once
// Line breaking for text in narrow table columns, without a window: the caller measures.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace medkiosk::kiosk {

// How wide a piece of UTF-8 text is drawn (pixels for the UI, characters in tests).
using TextMeasure = std::function<float(std::string_view)>;

// `text` in lines no wider than `width`: broken at spaces, and between CJK characters (Chinese has no
// spaces between words); inside a word only when that word alone is wider than `width`. Closing
// punctuation (，。、）…) stays with what it follows, opening (（「《) with what comes next. A
// '\n' in `text` always starts a line (blank lines, and a leading or trailing '\n', give empty lines;
// "" gives none). A combining mark, variation selector or zero-width joiner stays with its character.
// The spaces where a line was broken are dropped.
std::vector<std::string> wrap_lines(std::string_view text, float width, const TextMeasure& measure);

// The same lines joined with '\n'.
std::string wrap_text(std::string_view text, float width, const TextMeasure& measure);

// The width of the widest piece `wrap_lines` never breaks (a word, a CJK character with the
// punctuation held to it): a column at least this wide never breaks a word.
float widest_unbreakable(std::string_view text, const TextMeasure& measure);

}  // namespace medkiosk::kiosk
