#include "medkiosk/kiosk/utf8.hpp"

namespace medkiosk::kiosk {

Utf8Step utf8_next(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {lead, 1, true};
    const std::size_t length = (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    const Utf8Step stray{lead, 1, false};
    if (length == 0 || length > text.size() - at) return stray;
    char32_t c = lead & (0x7Fu >> length);
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0u) != 0x80u) return stray;
        c = (c << 6) | (next & 0x3Fu);
    }
    return {c, length, true};
}

}  // namespace medkiosk::kiosk
