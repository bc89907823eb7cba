// The on-screen keyboard's key → text logic without a window: letters with one-shot and locked
// shift, the symbol layer, backspace over whole characters, a length limit, done and cancel, and every
// character a hub address or a file path needs reachable.
#include "medkiosk/kiosk/touch_keyboard.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "medkiosk/kiosk/translations.hpp"

namespace medkiosk::kiosk {
namespace {

using Outcome = TouchKeyboard::Outcome;

// Presses the keys named by `ids` (as the screen logs them).
Outcome press(TouchKeyboard& keyboard, std::initializer_list<const char*> ids) {
    Outcome last = Outcome::Editing;
    for (const char* id : ids) {
        const auto* key = keyboard.find(id);
        EXPECT_NE(key, nullptr) << id << " is not on the shown layer";
        if (key != nullptr) last = keyboard.press(*key);
    }
    return last;
}

TEST(TouchKeyboard, LettersDigitsAndOneShotShift) {
    TouchKeyboard keyboard;
    keyboard.open("");
    press(keyboard, {"shift", "d", "o", "n", "g", "sym-minus", "2"});
    EXPECT_EQ(keyboard.text(), "Dong-2") << "shift applies to the next letter only";
    EXPECT_EQ(keyboard.shift(), TouchKeyboard::Shift::Off);
    press(keyboard, {"shift", "shift", "a", "b", "shift", "c"});
    EXPECT_EQ(keyboard.text(), "Dong-2ABc") << "a second tap locks shift, a third releases it";
    EXPECT_EQ(keyboard.face(*keyboard.find("q")), "q");
    press(keyboard, {"shift"});
    EXPECT_EQ(keyboard.face(*keyboard.find("q")), "Q") << "the keys show what they type";
    EXPECT_EQ(keyboard.face(*keyboard.find("shift")), "") << "a word from the language files instead";
}

TEST(TouchKeyboard, AHubAddressAndAPathCanBeTyped) {
    TouchKeyboard keyboard;
    keyboard.open("");
    press(keyboard, {"p",         "g",
                     "sym-colon", "sym-slash",
                     "sym-slash", "k",
                     "sym-at",    "h",
                     "u",         "b",
                     "sym-dot",   "c",
                     "n",         "sym-colon",
                     "5",         "4",
                     "3",         "2",
                     "sym-slash", "m",
                     "layer",     "sym-question",
                     "layer",     "s",
                     "s",         "l",
                     "m",         "o",
                     "d",         "e",
                     "layer",     "sym-equals"});
    EXPECT_EQ(keyboard.layer(), TouchKeyboard::Layer::Symbols);
    EXPECT_EQ(keyboard.text(), "pg://k@hub.cn:5432/m?sslmode=");
    press(keyboard, {"layer", "v", "layer", "sym-tilde", "sym-underscore", "space", "sym-percent"});
    EXPECT_EQ(keyboard.text(), "pg://k@hub.cn:5432/m?sslmode=v~_ %");
    // Every printable ASCII character is on some layer, so any address, password or path can be typed.
    std::set<char> reachable;
    for (const auto layer : {TouchKeyboard::Layer::Letters, TouchKeyboard::Layer::Symbols}) {
        if (keyboard.layer() != layer) press(keyboard, {"layer"});
        for (const auto& row : keyboard.rows())
            for (const auto& key : row)
                for (char c : key.text) {
                    reachable.insert(c);
                    if (c >= 'a' && c <= 'z') reachable.insert(static_cast<char>(c - 'a' + 'A'));
                }
    }
    for (char c = 32; c < 127; ++c) EXPECT_EQ(reachable.count(c), 1u) << "cannot type '" << c << "'";
}

TEST(TouchKeyboard, BackspaceRemovesWholeCharactersAndTheLimitHolds) {
    TouchKeyboard keyboard(8);
    keyboard.open("东镇");  // two 3-byte characters, as a field may already hold
    press(keyboard, {"backspace"});
    EXPECT_EQ(keyboard.text(), "东");
    press(keyboard, {"backspace", "backspace", "backspace"});
    EXPECT_EQ(keyboard.text(), "") << "nothing left to erase is fine";
    press(keyboard, {"1", "2", "3", "4", "5", "6", "7", "8", "9"});
    EXPECT_EQ(keyboard.text(), "12345678") << "the ninth byte does not fit";
    keyboard.open("too long for eight");
    EXPECT_EQ(keyboard.text(), "too long");
    keyboard.open("东镇卫生院");  // 15 bytes: the cut falls inside 卫
    EXPECT_EQ(keyboard.text(), "东镇") << "whole characters only";
    keyboard.open("ab东镇");  // 8 bytes: fits as it is
    EXPECT_EQ(keyboard.text(), "ab东镇");
}

TEST(TouchKeyboard, DoneKeepsTheTextCancelRestoresIt) {
    TouchKeyboard keyboard;
    keyboard.open("west");
    EXPECT_EQ(press(keyboard, {"backspace", "backspace", "backspace", "backspace", "e", "a", "s", "t"}),
              Outcome::Editing);
    EXPECT_EQ(press(keyboard, {"done"}), Outcome::Done);
    EXPECT_EQ(keyboard.text(), "east");
    keyboard.open("west");
    press(keyboard, {"layer", "sym-hash"});
    EXPECT_EQ(press(keyboard, {"cancel"}), Outcome::Cancelled);
    EXPECT_EQ(keyboard.text(), "west");
    keyboard.open("x");
    EXPECT_EQ(keyboard.layer(), TouchKeyboard::Layer::Letters) << "each field starts on the letters";
    EXPECT_EQ(keyboard.shift(), TouchKeyboard::Shift::Off);
}

// Text typed on a physical keyboard while the panel is open is followed, and Cancel still goes back
// to what the field held when the panel opened (a technician's Cancel kept the typed text).
TEST(TouchKeyboard, CancelAfterPhysicalTypingRestoresTheOpenedText) {
    TouchKeyboard keyboard;
    keyboard.open("Dongcheng");
    keyboard.follow("Dongcheng typed on USB");
    EXPECT_EQ(keyboard.text(), "Dongcheng typed on USB");
    EXPECT_EQ(press(keyboard, {"z"}), Outcome::Editing);
    EXPECT_EQ(keyboard.text(), "Dongcheng typed on USBz");
    EXPECT_EQ(press(keyboard, {"cancel"}), Outcome::Cancelled);
    EXPECT_EQ(keyboard.text(), "Dongcheng");
}

// The keys that are not characters show words: every one is in both language files.
TEST(TouchKeyboard, EveryWordKeyHasItsWordsInBothLanguages) {
    Translations translations;
    ASSERT_TRUE(translations.load(std::filesystem::path(MEDKIOSK_ASSETS_DIR) / "lang").ok());
    TouchKeyboard keyboard;
    int checked = 0;
    for (int layer = 0; layer < 2; ++layer) {
        for (const auto& row : keyboard.rows()) {
            for (const auto& key : row) {
                if (key.kind == TouchKeyboard::Key::Kind::Text || key.kind == TouchKeyboard::Key::Kind::Layer)
                    continue;
                ++checked;
                for (const auto language : {Language::Chinese, Language::English})
                    EXPECT_TRUE(translations.has(language, "kbd." + key.id)) << key.id;
            }
        }
        press(keyboard, {"layer"});
    }
    EXPECT_EQ(checked, 9) << "backspace, space, cancel and done on each layer, shift on the letters";
}

}  // namespace
}  // namespace medkiosk::kiosk
