// One step through UTF-8 (kiosk/core utf8): the shared decoder of the line breaking and the staff
// screens' glyph check. Every ill-formed byte advances by one and says so.
#include "medkiosk/kiosk/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace medkiosk::kiosk {
namespace {

void expect_step(std::string_view text, std::size_t at, char32_t code_point, std::size_t length,
                 bool well_formed) {
    const Utf8Step step = utf8_next(text, at);
    EXPECT_EQ(static_cast<unsigned long>(step.code_point), static_cast<unsigned long>(code_point));
    EXPECT_EQ(step.length, length);
    EXPECT_EQ(step.well_formed, well_formed);
}

TEST(Utf8Test, AsciiIsOneByteEach) {
    expect_step("A", 0, U'A', 1, true);
    expect_step("a~", 1, U'~', 1, true);
    expect_step(std::string_view("\0x", 2), 0, 0, 1, true);
    expect_step("\x7F", 0, 0x7F, 1, true);
}

TEST(Utf8Test, TwoThreeAndFourByteSequencesGiveTheirCodePoint) {
    expect_step("\xC3\xA9", 0, 0xE9, 2, true);             // é
    expect_step("\xDF\xBF", 0, 0x7FF, 2, true);            // the last 2-byte code point
    expect_step("药", 0, 0x836F, 3, true);                 // a CJK character
    expect_step("\xEF\xBF\xBD", 0, 0xFFFD, 3, true);       // the replacement character
    expect_step("\xF0\x9F\x92\x8A", 0, 0x1F48A, 4, true);  // 💊
    expect_step("\xF4\x8F\xBF\xBF", 0, 0x10FFFF, 4, true);
    expect_step("x药", 1, 0x836F, 3, true);  // from the middle of a text
}

TEST(Utf8Test, ASequenceCutShortByTheEndIsOneStrayByte) {
    expect_step("\xC3", 0, 0xC3, 1, false);
    expect_step("\xE8\x8D", 0, 0xE8, 1, false);
    expect_step("\xF0\x9F\x92", 0, 0xF0, 1, false);
    expect_step("ab\xE8", 2, 0xE8, 1, false);
}

TEST(Utf8Test, ASequenceCutShortByAByteThatIsNoContinuationIsOneStrayByte) {
    // The next byte is a character of its own, not swallowed into the broken sequence.
    expect_step(
        "\xE8\x8D"
        "A",
        0, 0xE8, 1, false);
    expect_step(
        "\xC3"
        "A",
        0, 0xC3, 1, false);
    expect_step(
        "\xF0\x9F\x92"
        "A",
        0, 0xF0, 1, false);
    expect_step("\xE8\xE8\x8D\xAF", 0, 0xE8, 1, false);
    expect_step("\xE8\xE8\x8D\xAF", 1, 0x836F, 3, true);
}

TEST(Utf8Test, BytesThatStartNoSequenceAreOneStrayByte) {
    expect_step("\x80", 0, 0x80, 1, false);  // a continuation byte alone
    expect_step(
        "\xBF"
        "A",
        0, 0xBF, 1, false);
    expect_step("\xF8\x88\x80\x80\x80", 0, 0xF8, 1, false);  // 5-byte forms are not UTF-8
    expect_step("\xFF", 0, 0xFF, 1, false);
}

TEST(Utf8Test, WalkingAMixedTextVisitsEveryCharacterOnce) {
    const std::string text =
        "A药\x80é\xE8"
        "B💊";
    std::vector<char32_t> seen;
    for (std::size_t at = 0; at < text.size();) {
        const Utf8Step step = utf8_next(text, at);
        seen.push_back(step.code_point);
        at += step.length;
    }
    EXPECT_EQ(seen, (std::vector<char32_t>{U'A', 0x836F, 0x80, 0xE9, 0xE8, U'B', 0x1F48A}));
}

}  // namespace
}  // namespace medkiosk::kiosk
