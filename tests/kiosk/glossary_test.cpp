// Issue 16: one instruction per verdict, from a glossary. Every outcome the donor can be shown says one
// outcome word, why, and exactly one thing to do; each bin and person has one name per language, and
// the donor's texts name them only through the glossary ("{term.…}").
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "medkiosk/kiosk/donor_verdict.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

const std::filesystem::path kLangDir = std::filesystem::path(MEDKIOSK_ASSETS_DIR) / "lang";

int occurrences(const std::string& text, const std::string& word) {
    int count = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++count;
    return count;
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The term each destination names, if any.
const char* term_of(Destination destination) {
    switch (destination) {
        case Destination::DonationBin:
            return "term.donation_bin";
        case Destination::DisposalBin:
            return "term.disposal_bin";
        case Destination::Staff:
            return "term.staff";
        case Destination::TakeBack:
        case Destination::AnotherSide:
            break;
    }
    return nullptr;
}

TEST(Glossary, EveryOutcomeSaysOneWordAndOneInstructionNamingOneBin) {
    Translations translations;
    ASSERT_TRUE(translations.load(kLangDir).ok());
    std::vector<DonorVerdict> verdicts;
    for (const Assessment& outcome : donor_outcomes()) verdicts.push_back(donor_verdict(outcome));
    verdicts.push_back(donor_verdict({}, /*save_failed=*/true));
    for (const Language language : {Language::Chinese, Language::English}) {
        const auto tr = [&](std::string_view key) {
            EXPECT_TRUE(translations.has(language, key)) << language_code(language) << " lacks " << key;
            return translations.text(language, key);
        };
        const std::vector<std::string> words = {tr("result.word_accepted"), tr("result.word_refused"),
                                                tr("result.word_review")};
        for (const DonorVerdict& verdict : verdicts) {
            const std::string why = fill(tr(verdict.why_key), {{"days", "90"}});
            const std::string instruction = tr(verdict.instruction_key);
            const std::string said = tr(verdict.word_key) + "\n" + why + "\n" + instruction;
            const std::string context =
                std::string(language_code(language)) + " " + verdict.why_key + ": " + said;
            // The destination's name once, and no other bin or person named anywhere in the verdict.
            for (const char* term : {"term.donation_bin", "term.disposal_bin", "term.staff"}) {
                const bool its_own = term_of(verdict.destination) != nullptr &&
                                     std::string_view(term) == term_of(verdict.destination);
                EXPECT_EQ(occurrences(said, tr(term)), its_own ? 1 : 0) << term << " in " << context;
            }
            // The reason and the instruction say no outcome word: the headline says it, once.
            for (const std::string& word : words)
                EXPECT_EQ(lower(why + instruction).find(lower(word)), std::string::npos)
                    << word << " in " << context;
            // The tone matches the decision the policy made.
            EXPECT_EQ(std::string(verdict.word_key), verdict.tone == Decision::Accept ? "result.word_accepted"
                                                     : verdict.tone == Decision::Refuse
                                                         ? "result.word_refused"
                                                         : "result.word_review");
        }
    }
}

TEST(Glossary, DestinationsFollowTheOutcome) {
    const auto where = [](const char* reason) {
        for (const Assessment& outcome : donor_outcomes())
            if (outcome.reason == reason) return donor_verdict(outcome).destination;
        ADD_FAILURE() << "no outcome " << reason;
        return Destination::Staff;
    };
    EXPECT_EQ(where("ok"), Destination::DonationBin);
    EXPECT_EQ(where("unclassified"), Destination::DonationBin);
    EXPECT_EQ(where("expired"), Destination::DisposalBin);
    EXPECT_EQ(where("short-shelf-life"), Destination::DisposalBin);
    EXPECT_EQ(where("duplicate"), Destination::Staff) << "a duplicate says one thing: hand it to the staff";
    EXPECT_EQ(where("recalled"), Destination::Staff);
    EXPECT_EQ(where("unknown-product"), Destination::TakeBack);
    EXPECT_EQ(where("unreadable"), Destination::AnotherSide);
}

// Whatever the policy can answer (but the expiry question) has a verdict in donor_outcomes().
TEST(Glossary, EveryReasonThePolicyGivesIsAnOutcome) {
    std::set<std::string> known;
    for (const Assessment& outcome : donor_outcomes()) known.insert(outcome.reason);
    const scanner::Date today{2026, 11, 29};
    std::set<std::string> given;
    ProductInfo medicine{"布洛芬", "Ibuprofen", "fever"};
    ProductInfo device{"体温计", "Thermometer", "device"};
    device.device = true;
    ProductInfo controlled{"x", "x", "sleep"};
    controlled.controlled = true;
    for (const std::optional<scanner::Date>& expiry :
         {std::optional<scanner::Date>{}, std::optional<scanner::Date>{scanner::Date{2026, 1, 31}},
          std::optional<scanner::Date>{scanner::Date{2026, 12, 31}},
          std::optional<scanner::Date>{scanner::Date{2028, 6, 30}}}) {
        scanner::PackCode pack;
        pack.gtin = "06900000000021";
        pack.expiry = expiry;
        for (const bool accept_unknown : {true, false}) {
            PolicyRules rules;
            rules.accept_unknown_for_review = accept_unknown;
            rules.excluded_categories = {"controlled"};
            given.insert(assess(pack, today, rules).reason);
            for (const std::optional<ProductInfo>& product :
                 {std::optional<ProductInfo>{}, std::optional<ProductInfo>{medicine},
                  std::optional<ProductInfo>{device}, std::optional<ProductInfo>{controlled}}) {
                for (const int flags : {0, 1, 2}) {
                    PolicyContext context;
                    context.product = product;
                    context.batch_recalled = flags == 1;
                    context.serial_already_recorded = flags == 2;
                    given.insert(assess(pack, today, rules, context).reason);
                }
            }
        }
    }
    given.erase("ask-expiry");  // a question, not a verdict
    EXPECT_GE(given.size(), 10u);
    for (const std::string& reason : given) EXPECT_EQ(known.count(reason), 1u) << reason << " has no verdict";
}

// The donor's texts name bins and people only through the glossary, so there is one name for each.
TEST(Glossary, DonorTextsNameBinsAndPeopleOnlyThroughTheGlossary) {
    for (const char* file : {"zh-CN.json", "en.json"}) {
        std::ifstream in(kLangDir / file);
        const auto doc = nlohmann::json::parse(in);
        const bool chinese = std::string(file) == "zh-CN.json";
        int terms = 0;
        for (const auto& [key, value] : doc.items()) {
            if (key.rfind("term.", 0) == 0) {
                ++terms;
                continue;
            }
            bool staff_side = false;
            for (const char* prefix : {"staff.", "tech.", "report.", "packing.", "clinic."})
                staff_side = staff_side || key.rfind(prefix, 0) == 0;
            if (staff_side) continue;
            // What the text says besides the glossary's placeholders.
            static const std::regex placeholder(R"(\{term\.[a-z_]+\})");
            const std::string text = std::regex_replace(value.get<std::string>(), placeholder, "");
            if (chinese) {
                for (const char* name : {"箱", "工作人员", "药师"})
                    EXPECT_EQ(text.find(name), std::string::npos) << file << " " << key << ": " << text;
            } else {
                static const std::regex named(R"(\b(bins?|staff|pharmacists?)\b)", std::regex::icase);
                EXPECT_FALSE(std::regex_search(text, named)) << file << " " << key << ": " << text;
            }
        }
        EXPECT_EQ(terms, 4) << file;
    }
}

TEST(Glossary, AnUndefinedTermIsRefusedWhenTheFilesAreLoaded) {
    test::TempDir dir;
    std::ofstream(dir.path() / "zh-CN.json") << R"({"term.bin": "捐赠箱", "a": "请放入{term.bin}"})";
    std::ofstream(dir.path() / "en.json")
        << R"({"term.bin": "donation bin", "a": "Put it in the {term.bim}"})";
    Translations translations;
    const auto loaded = translations.load(dir.path());
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().message.find("{term.bim}"), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find("en.json"), std::string::npos) << loaded.error().message;

    std::ofstream(dir.path() / "en.json")
        << R"({"term.bin": "donation bin", "a": "Put it in the {term.bin}"})";
    ASSERT_TRUE(translations.load(dir.path()).ok());
    EXPECT_EQ(translations.text(Language::Chinese, "a"), "请放入捐赠箱");
    EXPECT_EQ(translations.text(Language::English, "a"), "Put it in the donation bin");
}

}  // namespace
}  // namespace medkiosk::kiosk
