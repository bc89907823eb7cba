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

}  // namespace
}  // namespace medkiosk::kiosk
