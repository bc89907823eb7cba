// The table cells' line breaking (kiosk/core text_wrap), measured in characters: a Latin letter is 1
// wide, a CJK character 2, as on the kiosk's fonts roughly.
#include "medkiosk/kiosk/text_wrap.hpp"

#include <gtest/gtest.h>

namespace medkiosk::kiosk {
namespace {

float characters(std::string_view text) {
    float width = 0;
    for (std::size_t at = 0; at < text.size();) {
        const auto lead = static_cast<unsigned char>(text[at]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        width += length == 3 ? 2.0f : 1.0f;  // the CJK characters here are all 3 bytes
        at += length;
    }
    return width;
}

std::vector<std::string> wrap(std::string_view text, float width) {
    return wrap_lines(text, width, characters);
}

using Lines = std::vector<std::string>;

TEST(TextWrap, BreaksAtSpacesNotInsideAWordThatFitsALine) {
    // "Dextromethorphan" (16) fits a 16-wide column: it moves to a line of its own, whole.
    EXPECT_EQ(wrap("Dextromethorphan syrup", 16), (Lines{"Dextromethorphan", "syrup"}));
    EXPECT_EQ(wrap("Paracetamol tablets 500 mg", 20), (Lines{"Paracetamol tablets", "500 mg"}));
    EXPECT_EQ(wrap("Ibuprofen sustained-release capsules", 18),
              (Lines{"Ibuprofen", "sustained-release", "capsules"}));
    EXPECT_EQ(wrap("short", 40), (Lines{"short"}));
    // The space where a line broke is not carried to the next line.
    EXPECT_EQ(wrap("aa bb", 2), (Lines{"aa", "bb"}));
}

TEST(TextWrap, BreaksInsideAWordOnlyWhenItAloneIsWiderThanTheColumn) {
    EXPECT_EQ(wrap("Dextromethorphan syrup", 10), (Lines{"Dextrometh", "orphan", "syrup"}));
    EXPECT_EQ(wrap("Dextromethorphan", 8), (Lines{"Dextrome", "thorphan"}));
    // Nothing is lost, and a column narrower than a character still makes progress.
    EXPECT_EQ(wrap("abc", 0.5f), (Lines{"a", "b", "c"}));
}

TEST(TextWrap, BreaksBetweenChineseCharactersWhichHaveNoSpaces) {
    // 布洛芬缓释胶囊: 7 characters, 14 wide; 8 wide holds 4.
    EXPECT_EQ(wrap("布洛芬缓释胶囊", 8), (Lines{"布洛芬缓", "释胶囊"}));
    // A Latin word beside Chinese moves whole; the Chinese before it fills its line.
    EXPECT_EQ(wrap("右美沙芬Dextro", 10), (Lines{"右美沙芬", "Dextro"}));
    EXPECT_EQ(wrap("已拒收 12 件", 7), (Lines{"已拒收", "12 件"}));
}

TEST(TextWrap, KeepsPunctuationWithItsWords) {
    // Closing punctuation never starts a line; opening never ends one.
    EXPECT_EQ(wrap("退热，止咳", 4), (Lines{"退", "热，", "止咳"}));
    EXPECT_EQ(wrap("药品（片剂）", 6), (Lines{"药品", "（片", "剂）"}));
}

TEST(TextWrap, KeepsTheTextsOwnLineBreaksAndEmptyText) {
    EXPECT_EQ(wrap("one\ntwo three", 20), (Lines{"one", "two three"}));
    EXPECT_EQ(wrap("", 10), Lines{});
    EXPECT_EQ(wrap_text("Dextromethorphan syrup", 16, characters), "Dextromethorphan\nsyrup");
}

TEST(TextWrap, WidestUnbreakablePieceIsTheLongestWordOrCharacter) {
    EXPECT_EQ(widest_unbreakable("Dextromethorphan syrup", characters), 16.0f);
    EXPECT_EQ(widest_unbreakable("布洛芬缓释胶囊", characters), 2.0f);
    EXPECT_EQ(widest_unbreakable("热，", characters), 4.0f);
}

// The header's promise, '\n' always starts a line, holds for blank lines and for a leading or trailing
// newline too (red team F10).
TEST(TextWrap, KeepsBlankLinesAndLeadingAndTrailingNewlines) {
    EXPECT_EQ(wrap("a\n\n\nb", 10), (Lines{"a", "", "", "b"}));
    EXPECT_EQ(wrap("\na", 10), (Lines{"", "a"}));
    EXPECT_EQ(wrap("a\n", 10), (Lines{"a", ""}));
    EXPECT_EQ(wrap("\n", 10), (Lines{"", ""}));
    EXPECT_EQ(wrap("aa bb\n\ncc", 2), (Lines{"aa", "bb", "", "cc"}));
    EXPECT_EQ(wrap_text("a\n\nb\n", 10, characters), "a\n\nb\n");
}

// A combining mark, a variation selector or a zero-width joiner after a CJK character stays with it: a
// line never starts with one (red team F10).
TEST(TextWrap, KeepsCombiningMarksSelectorsAndJoinersWithTheirBase) {
    // "药\u0300" is 2 + 1 wide: with width 3 the mark stays on the first line.
    EXPECT_EQ(wrap("药\u0300品", 3), (Lines{"药\u0300", "品"}));
    EXPECT_EQ(wrap("药\uFE0F品", 3), (Lines{"药\uFE0F", "品"}));
    // A joiner joins the characters on both sides.
    EXPECT_EQ(wrap("药\u200D品片", 6), (Lines{"药\u200D品", "片"}));
    for (const char* text : {"布洛\u0301芬", "布\uFE0E洛芬", "布洛\u200D芬", "e\u0301\u0302"}) {
        for (const std::string& line : wrap(text, 2)) {
            const auto lead = static_cast<unsigned char>(line.empty() ? 0 : line[0]);
            EXPECT_TRUE(lead < 0xCC || lead > 0xCD) << text;  // U+0300–036F begin 0xCC/0xCD
            EXPECT_NE(line.rfind("\uFE0E", 0), 0u) << text;
            EXPECT_NE(line.rfind("\u200D", 0), 0u) << text;
        }
    }
}

}  // namespace
}  // namespace medkiosk::kiosk
