// Parser vectors for the rules beyond the walking skeleton: the whole GS1 AI table, the dictionary's
// requisite and exclusion rules, Digital Link order and escapes, NDC, IFA checks.

#include <gtest/gtest.h>

#include <set>

#include "medkiosk/scanner/parse.hpp"

using namespace medkiosk::scanner;

namespace {

constexpr Date kToday{2025, 6, 1};
const std::string GS = "\x1d";
const std::string kGtin = "0109520123456788";

ParseResult parse(const std::string& data, std::string_view symbology = "]d2") {
    return parse_scan(data, symbology, kToday);
}

ParseErrorKind kind_of(const ParseResult& result) {
    EXPECT_FALSE(result.ok()) << "unexpectedly parsed";
    return result.ok() ? ParseErrorKind::Empty : result.error().kind;
}

void expect_ok(const ParseResult& result, const std::string& what) {
    EXPECT_TRUE(result.ok()) << what << ": " << (result.ok() ? "" : result.error().message);
}

TEST(scannerParseAiTable, ValidButUnusedAisDoNotMakeAPackUnreadable) {
    const std::vector<std::string> vectors = {
        kGtin +
            "17260531"
            "10ABC" +
            GS + "240XYZ-1" + GS + "91internal" + GS + "99more",
        kGtin +
            "3103000123"
            "17260531"
            "10ABC",  // net weight: predefined length, no GS
        kGtin +
            "11250101"
            "13250102"
            "15260101"
            "16260101"
            "20"
            "07"
            "22VAR" +
            GS +
            "30"
            "12",
        kGtin + "422156" + GS + "7006250101" + GS + "8200http://www.gs1.org/demo/",
        kGtin +
            "4330012345"
            "C" +
            GS + "7007250101250131" + GS + "7240PROTO",
        kGtin + "7030156ABC" + GS + "7230ABCERT",
        kGtin +
            "7003"
            "2605311200" +
            GS +
            "715"
            "0777123456" +
            GS + "21SER",
        "00"
        "106141411234567897" +
            GS + "4300ACME",  // SSCC + ship-to name
    };
    for (const auto& data : vectors) expect_ok(parse(data), data);
}

TEST(scannerParseAiTable, AisThatDoNotExistAreRejected) {
    for (const std::string& data : {kGtin + "14ABC", kGtin + "23ABC",
                                    kGtin + "04"
                                            "1234567890123456",
                                    kGtin + "3106000100", kGtin + "7000ABC",
                                    kGtin + "396"
                                            "1"
                                            "1234",
                                    std::string("18ABC")}) {
        const auto result = parse(data);
        EXPECT_EQ(kind_of(result), ParseErrorKind::UnknownAi) << data;
    }
    EXPECT_EQ(kind_of(parse("(01)09520123456788(23)ABC", {})), ParseErrorKind::UnknownAi);
    EXPECT_EQ(kind_of(parse("(01)09520123456788(7000)ABC", {})), ParseErrorKind::UnknownAi);
}

TEST(scannerParseAiTable, FormatsOfOtherAisAreChecked) {
    EXPECT_EQ(kind_of(parse(kGtin + "10AB#C")), ParseErrorKind::BadCharacter);  // '#' is not in set 82
    EXPECT_EQ(kind_of(parse(kGtin + "10AB C")), ParseErrorKind::BadCharacter);
    EXPECT_EQ(kind_of(parse(kGtin + "422ABC")), ParseErrorKind::BadCharacter);  // country is N3
    EXPECT_EQ(kind_of(parse(kGtin + "4221")), ParseErrorKind::TruncatedField);
    EXPECT_EQ(kind_of(parse(kGtin + "7007250101"
                                    "2501")),
              ParseErrorKind::BadLength);  // N6 [N6]
    EXPECT_EQ(kind_of(parse(kGtin + "7006250230")), ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(kind_of(parse(kGtin + "11251301")), ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(kind_of(parse("00"
                            "106141411234567898")),
              ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(kind_of(parse(kGtin + "8010abc")), ParseErrorKind::BadCharacter);  // CPID is set 39
}

TEST(scannerParseAiTable, LostSeparatorRunsFieldsTogetherAndIsCaught) {
    // Without the GS after the batch, "21…" is read as part of it and the batch grows past 20.
    const auto result = parse(kGtin +
                              "17260531"
                              "10ABC123456789"
                              "21XYZ987654");
    EXPECT_EQ(kind_of(result), ParseErrorKind::BadLength);
    EXPECT_NE(result.error().message.find("separator"), std::string::npos) << result.error().message;
}

TEST(scannerParseRules, RequisitesOfTheDictionary) {
    EXPECT_EQ(kind_of(parse("17260531")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("10ABC")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("21XYZ")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("22VAR")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("7003"
                            "2605311200")),
              ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("710"
                            "12345678")),
              ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("235ABC")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("251REF")), ParseErrorKind::MissingGtin);
    const auto no_serial = parse(kGtin + "250SEC");
    EXPECT_EQ(kind_of(no_serial), ParseErrorKind::MissingRequisite);
    EXPECT_NE(no_serial.error().message.find("(21)"), std::string::npos);
    expect_ok(parse(kGtin + "21SER" + GS + "250SEC"), "250 with 21");
    EXPECT_EQ(kind_of(parse("02"
                            "09520123456788"
                            "17260531")),
              ParseErrorKind::MissingRequisite);  // 02 needs 37
    const auto shipper = parse(
        "02"
        "09520123456788"
        "37"
        "12" +
        GS +
        "17260531"
        "10LOT");
    expect_ok(shipper, "02 + 37 + 17 + 10");
    if (shipper.ok()) {
        EXPECT_TRUE(shipper.code().gtin.empty());
    }  // the contained GTIN is not the pack's own
    EXPECT_EQ(kind_of(parse("37"
                            "12")),
              ParseErrorKind::MissingRequisite);
}

TEST(scannerParseRules, MutuallyExclusiveAis) {
    EXPECT_EQ(kind_of(parse(kGtin + "02"
                                    "09520123456788"
                                    "37"
                                    "1")),
              ParseErrorKind::ExclusiveAi);
    EXPECT_EQ(kind_of(parse(kGtin + "37"
                                    "5")),
              ParseErrorKind::MissingRequisite);  // 37 needs 02, checked first
    EXPECT_EQ(kind_of(parse(kGtin + "21SER" + GS + "235TPX")), ParseErrorKind::ExclusiveAi);
    EXPECT_EQ(kind_of(parse(kGtin + "3102000100"
                                    "3103000010")),
              ParseErrorKind::ExclusiveAi);
    expect_ok(parse(kGtin + "3102000100"
                            "3202000220"),
              "kg and lb are different measures");
    expect_ok(parse(kGtin + "235TPX"), "235 alone with 01");
}

TEST(scannerParseRules, SymbologyIdentifiers) {
    const std::string data = kGtin +
                             "17260531"
                             "10ABC" +
                             GS + "21S1";
    for (std::string_view id : {"]d2", "]C1", "]e0", "]Q3"}) {
        const auto result = parse(data, id);
        expect_ok(result, std::string(id));
        if (result.ok()) {
            EXPECT_EQ(result.code().scheme, Scheme::Gs1);
        }
    }
    // DataBar Expanded as zxing 1.4 returns it: bracketed.
    expect_ok(parse("(01)09520123456788(17)260531", "]e0"), "]e0 bracketed");
    // Plain DataMatrix / QR may carry a Digital Link or IFA data but not an FNC1 element string.
    expect_ok(parse("https://id.gs1.org/01/09520123456788/10/ABC", "]d1"), "]d1 link");
    expect_ok(parse("https://id.gs1.org/01/09520123456788/10/ABC", "]Q1"), "]Q1 link");
    // A leading GS (some readers send FNC1 as GS) and doubled separators are tolerated.
    expect_ok(parse(GS + kGtin + "10ABC" + GS + GS + "21S1" + GS), "leading and doubled GS");
}

TEST(scannerParseDigitalLink, QualifiersPercentEscapesAndQuery) {
    auto result = parse(
        "https://id.gs1.org/01/09520123456788/22/V%2D1/10/AB%2F12/21/"
        "S%25X?17=260500&3103=000500&linkType=gs1:pip#x",
        "]Q1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().batch, "AB/12");
    EXPECT_EQ(result.code().serial, "S%X");
    EXPECT_EQ(to_iso(*result.code().expiry), "2026-05-31");
    EXPECT_EQ(result.code().expiry_precision, ExpiryPrecision::Month);
    ASSERT_EQ(result.code().ais.size(), 6u);
    EXPECT_EQ(result.code().ais[1], (std::pair<std::string, std::string>{"22", "V-1"}));
    EXPECT_EQ(result.code().ais[5].first, "3103");

    result =
        parse("HTTPS://example.com/some/prefix/01/09520123456788/", {});  // resolver prefix, trailing slash
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().gtin, "09520123456788");

    result = parse("https://example.com/gtin/09520123456788/lot/L1/ser/S2?exp=270131", {});  // DL 1.0 names
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().serial, "S2");
    EXPECT_EQ(to_iso(*result.code().expiry), "2027-01-31");
}

TEST(scannerParseDigitalLink, InvalidLinks) {
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/21/S/10/L", "]Q1")),
              ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/10/L/22/V", "]Q1")),
              ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/17/260531", "]Q1")),
              ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/10", "]Q1")),
              ParseErrorKind::TruncatedField);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/10/A%G1", "]Q1")),
              ParseErrorKind::BadCharacter);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456789", "]Q1")), ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788?14=1", "]Q1")), ParseErrorKind::UnknownAi);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788/10/A?10=B", "]Q1")),
              ParseErrorKind::UnsupportedFormat);  // a qualifier in the query, whatever its value
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/00/106141411234567897", "]Q1")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/", "]Q1")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788?17=261301", "]Q1")),
              ParseErrorKind::ImpossibleDate);
}

TEST(scannerParseNdc, UsDrugGtinsCarryTheirNdc) {
    auto result = parse("(01)00301234567896(17)270101(10)L(21)S", {});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ndc, "0123456789");
    result = parse("301234567896", "]E0");  // UPC-A: "3" + NDC10 + check
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().scheme, Scheme::Gtin);
    EXPECT_EQ(result.code().ndc, "0123456789");
    result = parse("(01)10301234567893", {});  // case indicator 1
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ndc, "0123456789");
    EXPECT_TRUE(parse("6901234567892", "]E0").code().ndc.empty());
    EXPECT_TRUE(parse(kGtin, "]d2").code().ndc.empty());
}

TEST(scannerParseIfa, PznAndPpnChecksAndConflicts) {
    const std::string header = std::string(
                                   "[)>\x1e"
                                   "06") +
                               GS;
    // PPN check characters right, but the PZN inside fails its own check.
    EXPECT_EQ(kind_of(parse(header + "9N111234567051" + GS + "SX\x1e\x04", "]d1")),
              ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(kind_of(parse(header + "9N1112345678" + GS + "D270600\x1e\x04", "]d1")),
              ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(kind_of(parse(header + "1TLOT" + GS + "D270600\x1e\x04", "]d1")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(kind_of(parse(header + "9N111234567842" + GS + "D271301\x1e\x04", "]d1")),
              ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(kind_of(parse(header + "9N111234567842" + GS + "1TA" + GS + "1TB\x1e\x04", "]d1")),
              ParseErrorKind::ConflictingAi);
    EXPECT_EQ(kind_of(parse(header + "9N11abc\x1e\x04", "]d1")), ParseErrorKind::BadCharacter);
    EXPECT_EQ(kind_of(parse(std::string("[)>\x1e"
                                        "05") +
                                GS + "9N111234567842\x1e\x04",
                            "]d1")),
              ParseErrorKind::UnsupportedFormat);
    // 8P GTIN and 16D production date; no symbology identifier (keyboard wedge).
    const auto result = parse(header + "9N111234567842" + GS + "8P09520123456788" + GS + "16D20240131" + GS +
                                  "D270131" + GS + "1TLOT" + GS + "SSER\x1e\x04",
                              {});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().gtin, "09520123456788");
    EXPECT_EQ(to_iso(*result.code().production), "2024-01-31");
    EXPECT_EQ(result.code().expiry_precision, ExpiryPrecision::Day);
}

TEST(scannerParseChina, TraceCodeStructure) {
    EXPECT_EQ(kind_of(parse("8123456000012345678A", "]C0")), ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(kind_of(parse("812345600001234567890", {})), ParseErrorKind::UnsupportedFormat);
    const auto result = parse("81234560000123456789", "]C0");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(to_string(result.code().scheme), "cn-trace");
    EXPECT_FALSE(result.code().expiry);
}

TEST(scannerParseRules, ErrorKindNamesAreDistinct) {
    std::set<std::string_view> names;
    for (int k = 0; k <= static_cast<int>(ParseErrorKind::ExclusiveAi); ++k) {
        const auto name = to_string(static_cast<ParseErrorKind>(k));
        EXPECT_NE(name, "unknown");
        EXPECT_TRUE(names.insert(name).second) << name;
    }
    EXPECT_EQ(to_string(Scheme::Gtin), "gtin");
}

}  // namespace

// Three rules of GS1's Digital Link and element string syntax, in our words:
// 1. In a Digital Link URI, the values that qualify a GTIN (22 consumer product variant, 10 batch or
//    lot, 21 serial number) are path segments after /01/{gtin}, in that order. Only data attributes
//    (dates, measures, …) go in the query string; a qualifier there makes the URI invalid, even when
//    the qualifiers in the query come in their proper order.
// 2. The value after /01/ is the AI 01 element value, a fixed 14 digits. GTIN-8, GTIN-12 and GTIN-13
//    are written padded with leading zeros; an unpadded shorter value is invalid, not padded for it.
// 3. An AI may occur more than once in one code only with identical values each time; both
//    occurrences stay in the data in the order given. Different values contradict each other.
namespace {

using Ais = std::vector<std::pair<std::string, std::string>>;

TEST(scannerParseGs1Syntax, QualifiersInTheLinkQueryAreInvalid) {
    const std::string link = "https://id.gs1.org/01/09520123456788";
    for (const std::string query : {"?10=ABC", "?21=S1", "?22=2A", "?22=2A&10=ABC&21=S1", "?17=270101&10=ABC",
                                    "?lot=ABC", "?ser=S1", "?cpv=2A"}) {
        const ParseResult result = parse(link + query, "]Q1");
        EXPECT_EQ(kind_of(result), ParseErrorKind::UnsupportedFormat) << query;
        if (!result.ok()) {
            EXPECT_NE(result.error().message.find("link path"), std::string::npos) << query;
        }
    }
    EXPECT_EQ(kind_of(parse(link + "/10/ABC?21=S1", "]Q1")), ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(kind_of(parse(link + "/22/2A?10=ABC", "]Q1")), ParseErrorKind::UnsupportedFormat);
    // The same data with the qualifiers in the path, attributes in the query: valid.
    const ParseResult valid = parse(link + "/22/2A/10/ABC/21/S1?17=270101&3103=000500", "]Q1");
    ASSERT_TRUE(valid.ok()) << valid.error().message;
    EXPECT_EQ(valid.code().ais, (Ais{{"01", "09520123456788"},
                                     {"22", "2A"},
                                     {"10", "ABC"},
                                     {"21", "S1"},
                                     {"17", "270101"},
                                     {"3103", "000500"}}));
    expect_ok(parse(link + "?17=270101", "]Q1"), "attribute only");
    expect_ok(parse(link + "/10/ABC?linkType=gs1:pip", "]Q1"), "a non-AI query key is not GS1 data");
}

TEST(scannerParseGs1Syntax, TheLinkGtinIsFourteenDigitsNeverPadded) {
    for (const std::string gtin : {"9520123456788" /* GTIN-13 */, "614141000036" /* GTIN-12 */,
                                   "96385074" /* GTIN-8 */, "009520123456788" /* 15 */}) {
        for (const std::string key : {"01", "gtin"}) {
            const ParseResult result = parse("https://id.gs1.org/" + key + "/" + gtin + "/10/ABC", "]Q1");
            EXPECT_EQ(kind_of(result), ParseErrorKind::BadLength) << key << "/" << gtin;
            if (!result.ok()) {
                EXPECT_NE(result.error().message.find("14 digits"), std::string::npos);
            }
        }
    }
    // The same GTINs padded to 14 digits are valid, and the pack's GTIN is that value as written.
    for (const std::string gtin : {"09520123456788", "00614141000036", "00000096385074"}) {
        const ParseResult result = parse("https://id.gs1.org/01/" + gtin + "/10/ABC", "]Q1");
        ASSERT_TRUE(result.ok()) << gtin << ": " << result.error().message;
        EXPECT_EQ(result.code().gtin, gtin);
        EXPECT_EQ(result.code().ais.front(), (std::pair<std::string, std::string>{"01", gtin}));
    }
}

TEST(scannerParseGs1Syntax, AnAiRepeatedWithTheSameValueIsListedEachTime) {
    ParseResult result = parse(kGtin + "10ABC" + GS + "17270101" + "10ABC", "]d2");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ais,
              (Ais{{"01", "09520123456788"}, {"10", "ABC"}, {"17", "270101"}, {"10", "ABC"}}));
    EXPECT_EQ(result.code().batch, "ABC");
    EXPECT_EQ(to_iso(*result.code().expiry), "2027-01-01");

    result = parse("(01)09520123456788(17)270101(01)09520123456788(17)270101", {});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ais,
              (Ais{{"01", "09520123456788"}, {"17", "270101"}, {"01", "09520123456788"}, {"17", "270101"}}));

    result = parse("https://id.gs1.org/01/09520123456788?17=270101&17=270101", "]Q1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ais, (Ais{{"01", "09520123456788"}, {"17", "270101"}, {"17", "270101"}}));

    // Different values: the code contradicts itself, wherever the two occurrences are.
    EXPECT_EQ(kind_of(parse(kGtin + "10ABC" + GS + "17270101" + "10ABD", "]d2")),
              ParseErrorKind::ConflictingAi);
    EXPECT_EQ(kind_of(parse("(01)09520123456788(17)270101(17)270102", {})), ParseErrorKind::ConflictingAi);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788?17=270101&17=270102", "]Q1")),
              ParseErrorKind::ConflictingAi);
}

// Input floods (issue 12): refused before they are read, with a reason.
TEST(scannerParseLimits, AFloodOfDataIsRefusedUnread) {
    std::string flood = kGtin;
    while (flood.size() < 10u * 1024 * 1024) flood += "10ABC" + GS;
    ParseResult result = parse(flood, "]d2");
    EXPECT_EQ(kind_of(result), ParseErrorKind::TooLong);
    if (!result.ok()) {
        EXPECT_NE(result.error().message.find(std::to_string(kMaxScanBytes)), std::string::npos);
    }
    EXPECT_EQ(kind_of(parse(std::string(100000, '\x1d'), "]d2")), ParseErrorKind::TooLong);
    EXPECT_EQ(kind_of(parse(kGtin + std::string(100000, '\x1d') + "10ABC", "]d2")), ParseErrorKind::TooLong);
    EXPECT_EQ(kind_of(parse("https://id.gs1.org/01/09520123456788?" + std::string(20000, '&'), "]Q1")),
              ParseErrorKind::TooLong);
    EXPECT_EQ(kind_of(parse(std::string(8000, '8'), {})), ParseErrorKind::TooLong);
    // Exactly as much as the largest symbol holds is still read (and judged on its content).
    EXPECT_NE(kind_of(parse(std::string(kMaxScanBytes, '8'), {})), ParseErrorKind::TooLong);
}

TEST(scannerParseLimits, AtMostSixtyFourElementStrings) {
    std::string data = kGtin;  // 1 element
    for (std::size_t i = 1; i < kMaxGs1Elements; ++i) data += "10ABC" + GS;
    ParseResult result = parse(data, "]d2");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().ais.size(), kMaxGs1Elements);
    result = parse(data + "10ABC", "]d2");
    EXPECT_EQ(kind_of(result), ParseErrorKind::TooLong);
    if (!result.ok()) {
        EXPECT_NE(result.error().message.find("64"), std::string::npos);
    }

    std::string bracketed = "(01)09520123456788";
    for (std::size_t i = 1; i <= kMaxGs1Elements; ++i) bracketed += "(17)270101";
    EXPECT_EQ(kind_of(parse(bracketed, {})), ParseErrorKind::TooLong);
    std::string link = "https://id.gs1.org/01/09520123456788?17=270101";
    for (std::size_t i = 1; i < kMaxGs1Elements; ++i) link += "&17=270101";
    EXPECT_EQ(kind_of(parse(link, "]Q1")), ParseErrorKind::TooLong);
    // A run of separators inside the limit is tolerated as before and adds no element.
    expect_ok(parse(kGtin + "10ABC" + std::string(1000, '\x1d') + "21S1", "]d2"), "long separator run");
}

}  // namespace
