#pragma once
// Stepping through UTF-8 one code point at a time, for code that measures or draws text (line breaking,
// the font's glyph check). Nothing here throws: a byte that starts no well-formed sequence is told as
// such, so each caller decides whether it is one stray character or text it cannot show.

#include <cstddef>
#include <string_view>

namespace medkiosk::kiosk {

struct Utf8Step {
    char32_t code_point = 0;  // for an ill-formed sequence: the byte at the position itself
    std::size_t length = 1;   // bytes taken, 1 to 4; 1 for an ill-formed sequence, so a loop always advances
    bool well_formed = true;  // false: a stray continuation byte, a lead byte no UTF-8 has, or a
                              // sequence cut short by the end of the text or by a byte that is no
                              // continuation
};

// The code point starting at byte `at` of `text` (`at` < text.size()). Overlong forms and surrogates
// are not refused: the callers only need to know where a character ends.
Utf8Step utf8_next(std::string_view text, std::size_t at);

}  // namespace medkiosk::kiosk
