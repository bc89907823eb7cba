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
