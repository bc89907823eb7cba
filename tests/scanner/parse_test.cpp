// Parser vectors: the rules in shared/docs/codes.md, one behaviour per test.

#include "medkiosk/scanner/parse.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "medkiosk/scanner/calendar.hpp"

using namespace medkiosk::scanner;

namespace {

constexpr Date kToday{2025, 6, 1};
const std::string GS = "\x1d";

ParseResult parse(const std::string& data, std::string_view symbology = {}, Date today = kToday) {
    return parse_scan(data, symbology, today);
}

ParseErrorKind error_kind(const ParseResult& result) {
    EXPECT_FALSE(result.ok());
    return result.ok() ? ParseErrorKind::Empty : result.error().kind;
}

std::string iso(const std::optional<Date>& date) {
    return date ? to_iso(*date) : "none";
}

TEST(scannerParseGs1, BracketedExampleFromCodesMd) {
    const auto result = parse("(01)09520123456788(17)260531(10)ABC123(21)XYZ987");
    ASSERT_TRUE(result.ok()) << result.error().message;
    const PackCode& code = result.code();
    EXPECT_EQ(code.scheme, Scheme::Gs1);
    EXPECT_EQ(code.gtin, "09520123456788");
    EXPECT_EQ(iso(code.expiry), "2026-05-31");
    EXPECT_EQ(code.expiry_precision, ExpiryPrecision::Day);
    EXPECT_EQ(code.batch, "ABC123");
    EXPECT_EQ(code.serial, "XYZ987");
    ASSERT_EQ(code.ais.size(), 4u);
    EXPECT_EQ(code.ais[2], (std::pair<std::string, std::string>{"10", "ABC123"}));
}

TEST(scannerParseGs1, ElementStringWithGroupSeparators) {
    const std::string data = "01095201234567881726053110ABC123" + GS + "21XYZ987";
    for (std::string_view symbology : {"]d2", "]C1", "]Q3", "]e0", "]d8"}) {
        const auto result = parse(data, symbology);
        ASSERT_TRUE(result.ok()) << symbology << ": " << result.error().message;
        EXPECT_EQ(result.code().gtin, "09520123456788");
        EXPECT_EQ(result.code().batch, "ABC123");
        EXPECT_EQ(result.code().serial, "XYZ987");
        EXPECT_EQ(result.code().symbology, symbology);
        EXPECT_EQ(result.code().raw, data);
    }
}

// zxing 1.4 reports a plain (not Expanded) DataBar as the bare 14 digits of its GTIN under ]e0, with no
// AI: the symbol itself stands for AI (01). Refusing it refused every plain DataBar pack.
TEST(scannerParseGs1, PlainDataBarGivesItsBareGtin) {
    const auto result = parse("09520123456788", "]e0");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().scheme, Scheme::Gs1);
    EXPECT_EQ(result.code().gtin, "09520123456788");
    EXPECT_EQ(result.code().raw, "09520123456788");
    // Still checked as a GTIN: a wrong check digit is refused, not taken as some other AI.
    EXPECT_FALSE(parse("09520123456789", "]e0").ok());
}

TEST(scannerParseGs1, OrderDoesNotMatterAndTrailingGsIsTolerated) {
    const auto result =
        parse("21XYZ987" + GS + "10ABC123" + GS + "0109520123456788172605317003260531120" + "0" + GS, "]d2");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().serial, "XYZ987");
    EXPECT_EQ(result.code().batch, "ABC123");
    EXPECT_EQ(iso(result.code().expiry), "2026-05-31");
    ASSERT_EQ(result.code().ais.size(), 5u);
    EXPECT_EQ(result.code().ais[0].first, "21");
    EXPECT_EQ(result.code().ais[4], (std::pair<std::string, std::string>{"7003", "2605311200"}));
}

TEST(scannerParseGs1, DayZeroMeansLastDayOfMonthWithLeapYears) {
    auto result = parse("010952012345678817160200", "]d2");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(iso(result.code().expiry), "2016-02-29");
    EXPECT_EQ(result.code().expiry_precision, ExpiryPrecision::Month);
    result = parse("010952012345678817270200", "]d2");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(iso(result.code().expiry), "2027-02-28");
    result = parse("010952012345678817261100", "]d2");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(iso(result.code().expiry), "2026-11-30");
}

TEST(scannerParseGs1, CenturyWindowFollowsToday) {
    auto expiry_year = [](const std::string& yy, Date today) {
        const auto result = parse(
            "0109520123456788"
            "17" +
                yy + "0101",
            "]d2", today);
        return result.ok() && result.code().expiry ? result.code().expiry->year : -1;
    };
    EXPECT_EQ(expiry_year("75", {2025, 6, 1}), 2075);  // d = 50: current century
    EXPECT_EQ(expiry_year("76", {2025, 6, 1}), 1976);  // d = 51: previous century
    EXPECT_EQ(expiry_year("24", {2025, 6, 1}), 2024);
    EXPECT_EQ(expiry_year("10", {2060, 1, 1}), 2110);  // d = -50: next century
    EXPECT_EQ(expiry_year("11", {2060, 1, 1}), 2011);  // d = -49: current century
    EXPECT_EQ(expiry_year("99", {2000, 1, 1}), 1999);
}

TEST(scannerParseGs1, ImpossibleDatesAreRejected) {
    EXPECT_EQ(error_kind(parse("010952012345678817260230", "]d2")), ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(error_kind(parse("010952012345678817261301", "]d2")), ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(error_kind(parse("010952012345678817250229", "]d2")), ParseErrorKind::ImpossibleDate);
    // 7003 does not allow DD=00, nor hour 24.
    EXPECT_EQ(error_kind(parse("010952012345678870032605001200", "]d2")), ParseErrorKind::ImpossibleDate);
    EXPECT_EQ(error_kind(parse("010952012345678870032605312400", "]d2")), ParseErrorKind::ImpossibleDate);
    const auto only_7003 = parse("010952012345678870032605311200", "]d2");
    ASSERT_TRUE(only_7003.ok()) << only_7003.error().message;
    EXPECT_EQ(iso(only_7003.code().expiry), "2026-05-31");
}

TEST(scannerParseGs1, BadGtinCheckDigit) {
    EXPECT_EQ(error_kind(parse("0109520123456789172605311"
                               "0ABC",
                               "]d2")),
              ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(error_kind(parse("(01)09520123456789(17)260531")), ParseErrorKind::BadCheckDigit);
}

TEST(scannerParseGs1, BatchExpirySerialNeedGtin) {
    EXPECT_EQ(error_kind(parse("17260531"
                               "10ABC",
                               "]d2")),
              ParseErrorKind::MissingGtin);
    EXPECT_EQ(error_kind(parse("21XYZ", "]d2")), ParseErrorKind::MissingGtin);
    EXPECT_EQ(error_kind(parse("(17)260531(10)ABC")), ParseErrorKind::MissingGtin);
}

TEST(scannerParseGs1, SameAiTwice) {
    EXPECT_EQ(error_kind(parse("0109520123456788"
                               "10ABC" +
                                   GS + "10ABD",
                               "]d2")),
              ParseErrorKind::ConflictingAi);
    EXPECT_EQ(error_kind(parse("01095201234567880109501101530003", "]d2")), ParseErrorKind::ConflictingAi);
    const auto repeated = parse(
        "0109520123456788"
        "10ABC" +
            GS + "10ABC",
        "]d2");
    ASSERT_TRUE(repeated.ok());  // same value twice is harmless
    EXPECT_EQ(repeated.code().batch, "ABC");
}

TEST(scannerParseGs1, TruncatedFixedLengthField) {
    EXPECT_EQ(error_kind(parse("01095201234567", "]d2")), ParseErrorKind::TruncatedField);
    EXPECT_EQ(error_kind(parse("0109520123456788172605", "]d2")), ParseErrorKind::TruncatedField);
    EXPECT_EQ(error_kind(parse("0109520123456788172605" + GS + "10ABC", "]d2")),
              ParseErrorKind::TruncatedField);
    EXPECT_EQ(error_kind(parse("(01)0952012345678(17)260531")), ParseErrorKind::TruncatedField);
}

TEST(scannerParseGs1, UnknownAiIsRejected) {
    EXPECT_EQ(error_kind(parse("0109520123456788"
                               "14ABC",
                               "]d2")),
              ParseErrorKind::UnknownAi);
    EXPECT_EQ(error_kind(parse("(01)09520123456788(23)ABC")), ParseErrorKind::UnknownAi);
}

TEST(scannerParseGs1, LengthAndCharacterLimits) {
    EXPECT_EQ(error_kind(parse("0109520123456788"
                               "10" +
                                   std::string(21, 'A'),
                               "]d2")),
              ParseErrorKind::BadLength);
    EXPECT_EQ(error_kind(parse("0109520123456788"
                               "10AB C",
                               "]d2")),
              ParseErrorKind::BadCharacter);
    EXPECT_EQ(error_kind(parse("01095201234567A8", "]d2")), ParseErrorKind::BadCharacter);
}

TEST(scannerParseGs1, NationalNumbersAndOtherAis) {
    const auto result = parse(
        "0104150123456782"
        "71012345678" +
            GS +
            "30"
            "12" +
            GS + "11250101",
        "]d2");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().product_id, "12345678");
    EXPECT_EQ(iso(result.code().production), "2025-01-01");
}

TEST(scannerParseGs1, DigitalLink) {
    const auto result =
        parse("https://example.org/shop/01/09520123456788/10/AB%2F12/21/XYZ987?17=260531&x=1", "]Q1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().gtin, "09520123456788");
    EXPECT_EQ(result.code().batch, "AB/12");
    EXPECT_EQ(result.code().serial, "XYZ987");
    EXPECT_EQ(iso(result.code().expiry), "2026-05-31");
}

// Red team F11: a link whose scheme was typed in mixed case, and element strings typed without their
// symbology identifier, were refused as "not a medicine pack code".
TEST(scannerParseGs1, DigitalLinkSchemeAndHostInAnyCase) {
    for (const std::string link :
         {"HTTPS://ID.GS1.ORG/01/09520123456788/10/ABC1", "Https://Id.Gs1.Org/01/09520123456788/10/ABC1",
          "hTTp://id.gs1.org/01/09520123456788/10/ABC1"}) {
        for (const std::string_view symbology : {std::string_view{}, std::string_view{"]Q1"}}) {
            const auto result = parse(link, symbology);
            ASSERT_TRUE(result.ok()) << link << ": " << result.error().message;
            EXPECT_EQ(result.code().gtin, "09520123456788") << link;
            EXPECT_EQ(result.code().batch, "ABC1") << link << ": the path keeps its case";
        }
    }
    EXPECT_FALSE(parse("HTTPS:/ID.GS1.ORG/01/09520123456788").ok());
    EXPECT_EQ(error_kind(parse("Https://id.gs1.org/GTIN/09520123456788")), ParseErrorKind::MissingGtin)
        << "the path is case-sensitive: GTIN is not the gtin alias";
}

TEST(scannerParseGs1, ElementStringWithoutSymbologyIdentifier) {
    auto result = parse("0109520123456788");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(to_string(result.code().scheme), "gs1");
    EXPECT_EQ(result.code().gtin, "09520123456788");
    result = parse(
        "172605310109520123456788"
        "10ABC");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().gtin, "09520123456788");
    EXPECT_EQ(result.code().batch, "ABC");
    EXPECT_EQ(iso(result.code().expiry), "2026-05-31");
    // Garbage is still refused: a bad check digit, a GTIN cut short, digits that are no element string.
    EXPECT_EQ(error_kind(parse("0109520123456789")), ParseErrorKind::BadCheckDigit);
    EXPECT_FALSE(parse("010952012345678").ok());
    EXPECT_EQ(error_kind(parse("1726053109520123456788")), ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(error_kind(parse("9909520123456788")), ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(error_kind(parse("17260531")), ParseErrorKind::BadCheckDigit) << "an EAN-8 with a bad check";
}

TEST(scannerParseGtin, EanUpcNormaliseToGtin14) {
    auto result = parse("6901234567892", "]E0");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().scheme, Scheme::Gtin);
    EXPECT_EQ(result.code().gtin, "06901234567892");
    EXPECT_FALSE(result.code().expiry);

    result = parse("036000291452", "]E0");  // UPC-A as zxing reports an EAN-13 starting with 0
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.code().gtin, "00036000291452");
    EXPECT_EQ(parse("0036000291452", "]E0").code().gtin, "00036000291452");

    result = parse("96385074", "]E4");  // EAN-8
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.code().gtin, "00000096385074");

    result = parse("01234565", "]E0");  // UPC-E expands to UPC-A 012345000065
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().gtin, "00012345000065");

    result = parse("6901234567892");  // plain digits, no identifier
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.code().scheme, Scheme::Gtin);

    EXPECT_EQ(error_kind(parse("6901234567893", "]E0")), ParseErrorKind::BadCheckDigit);
    EXPECT_EQ(error_kind(parse("69012345678", "]E0")), ParseErrorKind::BadLength);
}

TEST(scannerParseChina, TwentyDigitTraceCode) {
    for (std::string_view symbology : {"]C0", ""}) {
        const auto result = parse("81234560000123456789", symbology);
        ASSERT_TRUE(result.ok()) << result.error().message;
        EXPECT_EQ(result.code().scheme, Scheme::ChinaTrace);
        EXPECT_EQ(result.code().product_id, "8123456");
        EXPECT_EQ(result.code().serial, "81234560000123456789");
        EXPECT_FALSE(result.code().expiry);
        EXPECT_TRUE(result.code().batch.empty());
        EXPECT_TRUE(result.code().gtin.empty());
    }
    EXPECT_FALSE(parse("8123456000012345678", "]C0").ok());
    EXPECT_FALSE(parse("71234560000123456789", "]C0").ok());
    EXPECT_FALSE(parse("HELLO", "]C0").ok());
}

TEST(scannerParseIfa, SecurPharmCode) {
    const std::string data = std::string(
                                 "[)>\x1e"
                                 "06\x1d") +
                             "9N111234567842\x1d"
                             "1TLOT42\x1d"
                             "D270600\x1d"
                             "SSER1AL\x1e\x04";
    const auto result = parse(data, "]d1");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.code().scheme, Scheme::Ifa);
    EXPECT_EQ(result.code().product_id, "12345678");
    EXPECT_EQ(result.code().gtin, "04150123456782");
    EXPECT_EQ(result.code().batch, "LOT42");
    EXPECT_EQ(result.code().serial, "SER1AL");
    EXPECT_EQ(iso(result.code().expiry), "2027-06-30");
    EXPECT_EQ(result.code().expiry_precision, ExpiryPrecision::Month);

    const std::string bad_ppn = std::string(
                                    "[)>\x1e"
                                    "06\x1d") +
                                "9N111234567843\x1d"
                                "SX\x1e\x04";
    EXPECT_EQ(error_kind(parse(bad_ppn, "]d1")), ParseErrorKind::BadCheckDigit);
}

TEST(scannerParse, EmptyAndUnsupported) {
    EXPECT_EQ(error_kind(parse("")), ParseErrorKind::Empty);
    EXPECT_EQ(error_kind(parse("hello world")), ParseErrorKind::UnsupportedFormat);
    EXPECT_EQ(error_kind(parse("ABC", "]A0")), ParseErrorKind::UnsupportedFormat);
    EXPECT_FALSE(parse("hello", "]d1").error().message.empty());
}

TEST(scannerParse, SplitSymbology) {
    auto split = split_symbology("]d2010952");
    EXPECT_EQ(split.symbology, "]d2");
    EXPECT_EQ(split.data, "010952");
    split = split_symbology("(01)0952");
    EXPECT_TRUE(split.symbology.empty());
    EXPECT_EQ(split.data, "(01)0952");
}

TEST(scannerParse, HelpersAndNames) {
    EXPECT_TRUE(gtin_check_digit_ok("09520123456788"));
    EXPECT_TRUE(gtin_check_digit_ok("96385074"));
    EXPECT_FALSE(gtin_check_digit_ok("09520123456787"));
    EXPECT_EQ(to_gtin14("96385074"), "00000096385074");
    EXPECT_EQ(last_day_of_month(2024, 2), (Date{2024, 2, 29}));
    EXPECT_EQ(last_day_of_month(2100, 2), (Date{2100, 2, 28}));
    EXPECT_EQ(last_day_of_month(2000, 2), (Date{2000, 2, 29}));
    EXPECT_EQ(parse_iso_date("2016-02-29"), (Date{2016, 2, 29}));
    EXPECT_FALSE(parse_iso_date("2015-02-29"));
    EXPECT_FALSE(parse_iso_date("2015-2-01"));
    EXPECT_EQ(to_string(Scheme::Gs1), "gs1");
    EXPECT_EQ(to_string(Scheme::Ifa), "ifa");
    EXPECT_EQ(to_string(Scheme::ChinaTrace), "cn-trace");
    EXPECT_EQ(to_string(Scheme::Gtin), "gtin");
    EXPECT_EQ(to_string(Scheme::Unknown), "unknown");
    const Date today = local_today();
    EXPECT_GE(today.year, 2024);
    EXPECT_TRUE(parse_iso_date(to_iso(today)));
}

}  // namespace

namespace {

// The calendar day follows the kiosk's time zone: 17:00 UTC on 1 December is already 2 December in China.
TEST(Calendar, TheLocalDayFollowsTheKiosksTimeZone) {
    const char* before = std::getenv("TZ");
    const std::string saved = before != nullptr ? before : "";
    const auto instant = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours(17);
    const auto day_in = [&](const char* zone) {
        setenv("TZ", zone, 1);
        tzset();
        return to_iso(local_day(instant));
    };
    EXPECT_EQ(day_in("Asia/Shanghai"), "2026-12-02");
    EXPECT_EQ(day_in("UTC"), "2026-12-01");
    EXPECT_EQ(day_in("America/Los_Angeles"), "2026-12-01");
    const WallClock fixed = [&] { return std::chrono::system_clock::time_point{instant}; };
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    EXPECT_EQ(to_iso(local_today(fixed)), "2026-12-02");
    if (before != nullptr)
        setenv("TZ", saved.c_str(), 1);
    else
        unsetenv("TZ");
    tzset();
}

}  // namespace
