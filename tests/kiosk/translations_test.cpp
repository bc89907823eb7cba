#include "medkiosk/kiosk/translations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

const std::filesystem::path kLangDir = std::filesystem::path(MEDKIOSK_ASSETS_DIR) / "lang";

TEST(Translations, BothLanguagesLoadWithTheSameKeys) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    const auto chinese = translations.keys(Language::Chinese);
    const auto english = translations.keys(Language::English);
    EXPECT_FALSE(chinese.empty());
    EXPECT_EQ(chinese, english);
    EXPECT_EQ(translations.text(Language::Chinese, "app.title"), "捐赠药品");
    EXPECT_EQ(translations.text(Language::English, "app.title"), "Donate medicine");
}

// Every key the screens and the policy use must exist in both files: a missing key would show the
// raw key to a donor.
TEST(Translations, EveryKeyUsedInTheCodeExists) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    const std::regex key_pattern(
        R"re("((?:app|language|welcome|scan|field|result|action|status|receipt|expiry|details|staff|tech|month|month_short|report|clinic|packing|kbd|text)(?:\.[a-z_0-9]+)+)")re");
    std::set<std::string> used;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(MEDKIOSK_KIOSK_SOURCE_DIR)) {
        if (entry.path().extension() != ".cpp" && entry.path().extension() != ".hpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), key_pattern), end; it != end; ++it) {
            used.insert((*it)[1].str());
        }
    }
    EXPECT_GT(used.size(), 20u) << "the key scan found too few keys; did the source layout change?";
    for (const auto& key : used) {
        EXPECT_TRUE(translations.has(Language::Chinese, key)) << "zh-CN.json lacks " << key;
        EXPECT_TRUE(translations.has(Language::English, key)) << "en.json lacks " << key;
    }
}

// Issue 16: Chinese sentences use full-width punctuation (，：；（）！？), ASCII marks stay only in codes,
// paths and keys ("camera:0", "postgresql://", "antiviral=180"). The layout tour checks what the screens
// show; this covers every string, error messages the tour does not reach included.
TEST(Translations, ChineseSentencesUseFullWidthPunctuation) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    const auto decode = [](const std::string& text) {
        std::u32string out;
        for (std::size_t i = 0; i < text.size();) {
            const auto c = static_cast<unsigned char>(text[i]);
            const int length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            char32_t code = length == 1 ? c : c & (0x3F >> (length - 1));
            for (int k = 1; k < length && i + k < text.size(); ++k)
                code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            out += code;
            i += static_cast<std::size_t>(length);
        }
        return out;
    };
    const auto chinese = [](char32_t c) {
        return (c >= 0x3000 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF);
    };
    for (const auto& key : translations.keys(Language::Chinese)) {
        // Placeholders ({count}) are filled with numbers and names, not punctuation.
        const std::string text =
            std::regex_replace(translations.text(Language::Chinese, key), std::regex(R"(\{[a-z_.]+\})"), "0");
        const std::u32string u = decode(text);
        for (std::size_t i = 0; i < u.size(); ++i) {
            const char32_t before = i > 0 ? u[i - 1] : 0;
            const char32_t after = i + 1 < u.size() ? u[i + 1] : 0;
            const bool both_sides = std::u32string_view(U",;!?()").find(u[i]) != std::u32string_view::npos;
            const bool after_only = u[i] == U':' || u[i] == U'.';
            EXPECT_FALSE((both_sides && (chinese(before) || chinese(after))) ||
                         (after_only && chinese(before)))
                << key << ": \"" << text << "\" has an ASCII '" << static_cast<char>(u[i])
                << "' in a Chinese sentence";
        }
    }
}

// Issue 16: the pharmacist's screens count boxes with the charts' word ("Counted in boxes." /
// 「单位：盒。」); the dispatch button said "2 pack(s)" while the charts beside it said boxes.
TEST(Translations, StaffScreensCountBoxesWithTheChartsWord) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    ASSERT_NE(translations.text(Language::English, "staff.charts_unit").find("boxes"), std::string::npos);
    ASSERT_NE(translations.text(Language::Chinese, "staff.charts_unit").find("盒"), std::string::npos);
    for (const char* key : {"staff.dispatch_confirm", "staff.dispatched_summary"}) {
        const std::string english = translations.text(Language::English, key);
        EXPECT_NE(english.find("{packs} box(es)"), std::string::npos) << key << ": " << english;
        EXPECT_EQ(english.find("pack("), std::string::npos) << key << ": " << english;
        EXPECT_NE(translations.text(Language::Chinese, key).find("{packs} 盒"), std::string::npos) << key;
    }
}

TEST(Translations, AMissingKeyShowsTheKeyItself) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    EXPECT_EQ(translations.text(Language::English, "no.such_key"), "no.such_key");
}

TEST(Translations, ABrokenFileIsReportedWithItsName) {
    test::TempDir dir;
    std::ofstream(dir.path() / "zh-CN.json") << R"({"app.title": "捐赠药品"})";
    std::ofstream(dir.path() / "en.json") << R"({"app.title": )";
    Translations translations;
    const std::string error = translations.load(dir.path()).error().message;
    EXPECT_NE(error.find("en.json"), std::string::npos) << error;

    std::ofstream(dir.path() / "en.json") << R"({"app.title": 5})";
    EXPECT_NE(translations.load(dir.path()).error().message.find("must be a string"), std::string::npos);

    std::filesystem::remove(dir.path() / "zh-CN.json");
    EXPECT_NE(translations.load(dir.path()).error().message.find("cannot read"), std::string::npos);
}

TEST(Translations, FillReplacesEveryPlaceholder) {
    EXPECT_EQ(fill("{n} of {n} in {s} s", {{"n", "3"}, {"s", "20"}}), "3 of 3 in 20 s");
    EXPECT_EQ(fill("no placeholder", {{"n", "3"}}), "no placeholder");
    EXPECT_EQ(fill("{n}", {{"n", "{n}"}}), "{n}");
}

}  // namespace
}  // namespace medkiosk::kiosk
