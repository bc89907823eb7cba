// The printed-expiry parser on every form in codes.md, on OCR confusions, and on garbage.

#include "medkiosk/scanner/ocr/expiry_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using medkiosk::scanner::Date;
using medkiosk::scanner::ExpiryPrecision;
using medkiosk::scanner::ocr::add_shelf_life;
using medkiosk::scanner::ocr::ExpiryBasis;
using medkiosk::scanner::ocr::FieldKey;
using medkiosk::scanner::ocr::find_labels;
using medkiosk::scanner::ocr::fold_full_width;
using medkiosk::scanner::ocr::parse_expiry_text;
using medkiosk::scanner::ocr::ParseOptions;

struct Expected {
    const char* text;
    Date expiry;
    ExpiryPrecision precision;
};

// Names the case by its text in test output instead of the struct's bytes.
void PrintTo(const Expected& expected, std::ostream* out) {
    *out << '"' << expected.text << '"';
}

class PrintedForms : public ::testing::TestWithParam<Expected> {};

TEST_P(PrintedForms, ReadsTheExpiry) {
    const Expected& expected = GetParam();
    const auto reading = parse_expiry_text(expected.text);
    ASSERT_TRUE(reading.expiry.has_value()) << expected.text;
    EXPECT_EQ(*reading.expiry, expected.expiry) << expected.text;
    EXPECT_EQ(reading.precision, expected.precision) << expected.text;
    EXPECT_FALSE(reading.contradictory);
    EXPECT_FALSE(reading.source_text.empty());
}

constexpr auto kMonth = ExpiryPrecision::Month;
constexpr auto kDay = ExpiryPrecision::Day;

INSTANTIATE_TEST_SUITE_P(
    CodesMd, PrintedForms,
    ::testing::Values(
        Expected{"有效期至2025年05月", {2025, 5, 31}, kMonth},
        Expected{"有效期至2025年05月31日", {2025, 5, 31}, kDay},
        Expected{"有效期至2025.05.", {2025, 5, 31}, kMonth},
        Expected{"有效期至2025.05", {2025, 5, 31}, kMonth},
        Expected{"有效期至2025/05/31", {2025, 5, 31}, kDay},
        Expected{"有效期至2025-05", {2025, 5, 31}, kMonth}, Expected{"有效期至20250531", {2025, 5, 31}, kDay},
        Expected{"EXP 05/2025", {2025, 5, 31}, kMonth},
        // The issue's examples (compact dates; a colon glued to EXP).
        Expected{"EXP 20290315", {2029, 3, 15}, kDay}, Expected{"有效期至：20250228", {2025, 2, 28}, kDay},
        Expected{"EXP:11/2029", {2029, 11, 30}, kMonth}, Expected{"Use by 2027-05", {2027, 5, 31}, kMonth},
        Expected{"EXPIRY 2027-05-09", {2027, 5, 9}, kDay},
        Expected{"有效日期 2027.05.09", {2027, 5, 9}, kDay}, Expected{"EXP: 2026-02", {2026, 2, 28}, kMonth},
        Expected{"Exp. 2028-02-29", {2028, 2, 29}, kDay}, Expected{"有效期至 202411", {2024, 11, 30}, kMonth},
        Expected{"有效期至：20241130", {2024, 11, 30}, kDay},
        Expected{"失效期2025.06", {2025, 5, 31}, kMonth},
        Expected{"失效期：2025年01月", {2024, 12, 31}, kMonth},
        Expected{"失效期 2025.03.01", {2025, 2, 28}, kDay},
        Expected{"生产日期2023.03.01\n有效期24个月", {2025, 2, 28}, kDay},
        Expected{"生产日期：2023年08月31日\n有效期：6个月", {2024, 2, 28}, kDay},
        Expected{"MFG 2023-03\n有效期 24 个月", {2025, 2, 28}, kMonth},
        // A printed 有效期至 wins over production + shelf life, even when they disagree.
        Expected{"生产日期2023.03.01\n有效期至2025.01\n有效期24个月", {2025, 1, 31}, kMonth},
        // The date on the line under its label.
        Expected{"有效期至\n2027.09", {2027, 9, 30}, kMonth},
        // OCR spacing and full-width characters.
        Expected{"有 效 期 至 2 0 2 5 年 0 5 月", {2025, 5, 31}, kMonth},
        Expected{"有效期至：２０２５．０５．３１", {2025, 5, 31}, kDay},
        Expected{"有效期至2025。05", {2025, 5, 31}, kMonth},
        // Look-alike letters beside digits.
        Expected{"有效期至2O25.O5", {2025, 5, 31}, kMonth}, Expected{"EXP 0l/2026", {2026, 1, 31}, kMonth},
        // One misread character of a 4-character label is tolerated ("有效期王", "有效斯至").
        Expected{"有效期王:2029年03月", {2029, 3, 31}, kMonth},
        Expected{"有效斯至2026.07", {2026, 7, 31}, kMonth},
        Expected{"生产日朗2023.03.01\n有效期24个月", {2025, 2, 28}, kDay},
        // After 年 and 月 a third number closed by 日 is the day, its 日 read as 月 or not.
        Expected{"有效期至2026年05月24月", {2026, 5, 24}, kDay},
        Expected{"有效期至2026年05月24日", {2026, 5, 24}, kDay},
        // Four digits after 年 are the month and the day, the 月 between them lost.
        Expected{"有效期至2024年0507日", {2024, 5, 7}, kDay},
        Expected{"有效期至:2024年1231", {2024, 12, 31}, kDay},
        // After a 4-digit year a misread separator changes nothing.
        Expected{"有效期至2022.09-25", {2022, 9, 25}, kDay}, Expected{"EXP 2027/05-09", {2027, 5, 9}, kDay},
        Expected{"有效期限 2026.04.30", {2026, 4, 30}, kDay},
        // ...but not a stray stroke after the date: "2025.05.|" is May, not 1 May.
        Expected{"有效期至2025.05.|", {2025, 5, 31}, kMonth},
        // Surrounded by the rest of a box's text.
        Expected{
            "布洛芬缓释胶囊\n国药准字H20013062\n产品批号:B230401\n有效期至:2026.10.", {2026, 10, 31}, kMonth},
        Expected{"产品批号：C0198589 有效期至：2024.09", {2024, 9, 30}, kMonth},
        Expected{"LOT A123456 EXP 05/2025", {2025, 5, 31}, kMonth}));

TEST(ExpiryText, BatchAfterEveryKeyword) {
    EXPECT_EQ(parse_expiry_text("批号：B230401").batch, "B230401");
    EXPECT_EQ(parse_expiry_text("产品批号 20230412\n有效期至2025.05").batch, "20230412");
    EXPECT_EQ(parse_expiry_text("生产批号:K1234567").batch, "K1234567");
    EXPECT_EQ(parse_expiry_text("LOT: A23C017").batch, "A23C017");
    EXPECT_EQ(parse_expiry_text("Lot A23C017 EXP 05/2025").batch, "A23C017");
    EXPECT_EQ(parse_expiry_text("BATCH 2304012").batch, "2304012");
    EXPECT_EQ(parse_expiry_text("批号：ＡＢ１２３４").batch, "AB1234");
}

TEST(ExpiryText, BatchThatIsNotOneIsLeftEmpty) {
    EXPECT_EQ(parse_expiry_text("批号：见封口").batch, "");             // "see the seal"
    EXPECT_EQ(parse_expiry_text("LOT ABCDEF").batch, "");               // no digit: a word, not a batch
    EXPECT_EQ(parse_expiry_text("PILOT 12345").batch, "");              // LOT inside a word
    EXPECT_EQ(parse_expiry_text("批号 A12345\nLOT B99999").batch, "");  // two different batches
}

TEST(ExpiryText, ProductionDateAloneIsNotAnExpiry) {
    EXPECT_FALSE(parse_expiry_text("生产日期2023.03.01").expiry);
    EXPECT_FALSE(
        parse_expiry_text("生产日期2023.03.01\n2025-05").expiry);  // bare date beside a production date
    EXPECT_FALSE(parse_expiry_text("有效期24个月").expiry);
    EXPECT_FALSE(parse_expiry_text("MFG 2023-03-01").expiry);
}

TEST(ExpiryText, ADateWithoutItsLabelIsNeverTaken) {
    // A date on a box without a label could be the production date, a batch or an approval number.
    for (const char* text : {"2025-05", "20250531", "2025.05.31", "2025年05月", "05/2025", "批号 20250301",
                             "产品批号：20250301\n2027.03", "国药准字H20250301", "电话：2025-0531",
                             "邮编 202505", "LOT 20250531", "国药准字Z20050531\n有效期至见封口"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text;
    }
    // With the reader's lines (value already placed beside its label) no line is borrowed either.
    ParseOptions reader_lines;
    reader_lines.value_on_next_line = false;
    EXPECT_FALSE(parse_expiry_text("有效期至\n2027.09", reader_lines).expiry);
    EXPECT_TRUE(parse_expiry_text("有效期至\n2027.09").expiry);
}

TEST(ExpiryText, ImplausibleDatesAreMisreadings) {
    ParseOptions options;
    options.today = Date{2026, 12, 2};
    EXPECT_FALSE(parse_expiry_text("EXP 03/2012", options).expiry);      // 2012-03 for a 2029 box
    EXPECT_FALSE(parse_expiry_text("有效期至2041.01", options).expiry);  // > 10 years ahead
    EXPECT_TRUE(parse_expiry_text("有效期至2022.01", options).expiry);   // expired, but possible
    EXPECT_TRUE(parse_expiry_text("有效期至2036.11", options).expiry);
    // A production date after today is a misreading: no expiry from it.
    EXPECT_FALSE(parse_expiry_text("生产日期2027.03.01\n有效期24个月", options).expiry);
    EXPECT_TRUE(parse_expiry_text("生产日期2026.03.01\n有效期24个月", options).expiry);
    // Without a day to judge by only the parser's own year range applies.
    EXPECT_TRUE(parse_expiry_text("EXP 03/2012").expiry);
}

// A box printing both: when the reader saw the 有效期至 (or EXP, 失效期) label but could not read its
// date ("有效期至:?"), production + shelf life must not stand in for it: the printed date wins, and
// the two often differ (development seed 1001, face 40: 有效期至 2032.07.27 beside 生产日期 20260402 +
// 有效期 24个月 was proposed as 2028-04-01).
TEST(ExpiryText, AnUnreadPrintedExpiryBlocksProductionPlusShelfLife) {
    for (const char* text :
         {"生产日期:20260402\n有效期至:?\n有效期:24个月", "生产日期2023.03.01\nEXP:?\n有效期24个月",
          "生产日期2023.03.01\n失效期:?\n有效期24个月"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text;
        EXPECT_TRUE(reading.printed_expiry_unread) << text;
    }
    // Plain 有效期 may announce the shelf life itself: it says nothing about a printed date.
    const auto shelf = parse_expiry_text("生产日期2023.03.01\n有效期:?\n有效期24个月");
    EXPECT_EQ(shelf.expiry, (Date{2025, 2, 28}));
    EXPECT_FALSE(shelf.printed_expiry_unread);
    // The printed date read: it wins, and nothing is unread.
    const auto printed = parse_expiry_text("生产日期2023.03.01\n有效期至2032.07.27\n有效期24个月");
    EXPECT_EQ(printed.expiry, (Date{2032, 7, 27}));
    EXPECT_FALSE(printed.printed_expiry_unread);
}

// A whole date after the production date on a line without a label is the printed expiry under a label
// the parser does not know or could not read (red team rt51 W3: "效期至 2026.06.19" with its 有 rubbed off,
// 使用期限, 到期日, Best before, each read with its date while production + shelf life was proposed). It is
// not taken as the expiry, and nothing is derived beside it. Dates that are not such a date change nothing.
TEST(ExpiryText, AnUnlabelledDateAfterTheProductionDateBlocksProductionPlusShelfLife) {
    const std::string derived = "生产日期2024.03.01\n有效期36个月\n";
    for (const char* line : {"效期至2026.06.19", "使用期限 2026-06-19", "到期日 2026年06月19日",
                             "Bestbefore 20260619", "洒歼期表2025.03.25"}) {
        const auto reading = parse_expiry_text(derived + line);
        EXPECT_FALSE(reading.expiry) << line;
    }
    for (const char* line : {"H20060915 2024年03月01日 36个月",  // the production date again, in its column
                             "2023.11.20",                       // before the production date
                             "电话 400-820-1234", "邮编310052", "国药准字H20290923", "批号20270531",
                             "2026.06", "生产许可证编号 浙20160012"}) {
        const auto reading = parse_expiry_text(derived + line);
        EXPECT_EQ(reading.expiry, (Date{2027, 2, 28})) << line;
        EXPECT_EQ(reading.basis, ExpiryBasis::ProductionPlusShelfLife) << line;
    }
}

// The reader read a date up to its month and saw a day after it that it could not read ("2025.05.?"):
// no date comes of it, and the reading says a day is printed, so that no frame's "2025.05" of the same
// label is taken for a month-only date.
TEST(ExpiryText, ADateReadUpToItsMonthWithAnUnreadDayGivesNoDate) {
    // A number after 年 and 月 with no 日 closing it ("2025年05月18") may be the day with its 日 lost.
    for (const char* text : {"有效期至:2025.05.?", "EXP 202505?", "有效期至2025年05月?", "失效期:2025.06.?",
                             "批号 B1\n有效期至:2025.05.?\n生产日期:2023.03.01\n有效期:24个月",
                             "有效期至2025年05月18", "有效期:2025年05月18", "失效期:2025年06月18"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text;
        EXPECT_TRUE(reading.day_unread) << text;
        EXPECT_TRUE(reading.printed_expiry_unread) << text;
    }
    // The same text twice, once whole: the month-only reading is that date cut short, not a date.
    const auto both = parse_expiry_text("有效期至:2025.05\n有效期至:2025.05.?");
    EXPECT_FALSE(both.expiry);
    EXPECT_TRUE(both.day_unread);
    // A production date cut short the same way is no base for a shelf life, even beside a whole one.
    const auto production = parse_expiry_text("生产日期:2023.03.?\n生产日期:2023.03\n有效期:24个月");
    EXPECT_FALSE(production.expiry);
    EXPECT_TRUE(production.production_day_unread);
    EXPECT_FALSE(production.day_unread);
}

// A thumb or a glare over a printed day leaves a date that parses: red team red37 had "2027.08.22" read
// "2027.08.2." (the 2nd) and "2027/05/" with its day wrapped onto the next line read as May's end.
TEST(ExpiryText, ADayOrADateCutShortIsNoDate) {
    for (const char* text :
         {"有效期至:2027.08.2", "EXP:2027.08.2.", "有效期至：2028年12月2", "有效期至2028年02月3月",
          "EXP 2030/11/7", "有效期至:2027/05/", "有效期至:2029-05-", "EXP:2029/05-",
          // red38: a compact month with a mark after it.
          "EXP:202812-", "有效期至:203107.", "有效期至:202707月",
          // rt41: a number after 年 and 月 with no 日 may be a count set close after a month-only date
          // ("2029年07月 24粒", its unit lost).
          "有效期至2026年05月24", "有效期至:2029年07月18"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text << " gave " << reading.expiry->year << "-"
                                     << reading.expiry->month << "-" << reading.expiry->day;
    }
    // A day printed as one digit with its month ("2026.3.6", "2028年12月2日"), a two-digit day, and a
    // month-only date closed by a full stop are dates.
    EXPECT_EQ(parse_expiry_text("有效期至2026.3.6").expiry, (Date{2026, 3, 6}));
    EXPECT_EQ(parse_expiry_text("有效期至2028年12月2日").expiry, (Date{2028, 12, 2}));
    EXPECT_EQ(parse_expiry_text("有效期至2028年2月2日").expiry, (Date{2028, 2, 2}));
    EXPECT_EQ(parse_expiry_text("有效期至2027.08.22").expiry, (Date{2027, 8, 22}));
    EXPECT_EQ(parse_expiry_text("有效期至2027.08.").expiry, (Date{2027, 8, 31}));
    using medkiosk::scanner::ocr::day_cut_short;
    EXPECT_TRUE(day_cut_short("2027年03月1"));
    EXPECT_TRUE(day_cut_short("２０２７．０８．２"));
    EXPECT_FALSE(day_cut_short("2027年03月1日"));
    EXPECT_FALSE(day_cut_short("2027.3.1"));
    EXPECT_FALSE(day_cut_short("2027.03.15"));
}

TEST(ExpiryText, DigitsAfterTheMonthShowAPrintedDay) {
    using medkiosk::scanner::ocr::year_month_before_day;
    EXPECT_EQ(year_month_before_day("2025.05.3"), "2025.05.");
    EXPECT_EQ(year_month_before_day("2025/05/31"), "2025.05.");
    EXPECT_EQ(year_month_before_day("2025.053"), "2025.05.");  // the mark after the month lost
    EXPECT_EQ(year_month_before_day("2025年05月3"), "2025年05月");
    EXPECT_EQ(year_month_before_day("２０２５．０５．３"), "2025.05.");
    EXPECT_EQ(year_month_before_day("2025053"), "202505");
    EXPECT_EQ(year_month_before_day(":2025.05.3l"), "2025.05.");
    // Nor digits that only look like more when a mark is misread: "07/2028" read "0742028", "2024-12"
    // read "2024142".
    for (const char* month_only : {"2025.05", "2025.05.", "2025年05月", "202505", "05/2025", "", "批号",
                                   "0742028", "2024142", "2024.142", "20024142"})
        EXPECT_FALSE(year_month_before_day(month_only)) << month_only;
}

TEST(ExpiryText, WhereTheDateCameFromAndHow) {
    auto reading = parse_expiry_text("布洛芬\n批号 B1\n失效期 2025.06");
    EXPECT_EQ(reading.source_line, 2);
    EXPECT_EQ(reading.basis, ExpiryBasis::InvalidFrom);
    reading = parse_expiry_text("生产日期2023.03.01\n有效期24个月");
    EXPECT_EQ(reading.basis, ExpiryBasis::ProductionPlusShelfLife);
    EXPECT_EQ(reading.source_line, 0);
    reading = parse_expiry_text("\n\nEXP 05/2025");
    EXPECT_EQ(reading.basis, ExpiryBasis::Printed);
    EXPECT_EQ(reading.source_line, 2);
}

TEST(ExpiryText, LabelsAreFoundAndTold) {
    auto hits = find_labels("产品批号:B2303生产日期:2023.01.01有效期至:2025.04");
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].key, FieldKey::Batch);
    EXPECT_EQ(hits[1].key, FieldKey::Production);
    EXPECT_EQ(hits[2].key, FieldKey::Expiry);
    EXPECT_EQ(hits[2].canonical, "有效期至");
    EXPECT_TRUE(hits[2].exact);
    hits = find_labels("有效斯至2025.04");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].key, FieldKey::Expiry);
    EXPECT_FALSE(hits[0].exact);
    EXPECT_EQ(hits[0].end, 12u);
    // 失 before 效期 is the other label, never a misread 有.
    hits = find_labels("失效期至2025.04");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].key, FieldKey::InvalidFrom);
    // Three of four characters of two different labels: no label at all.
    EXPECT_TRUE(find_labels("生效日期").empty() || find_labels("生效日期")[0].key != FieldKey::Expiry);
    hits = find_labels("Exp.2026-01Lot:A1");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].key, FieldKey::Expiry);
    EXPECT_EQ(hits[1].key, FieldKey::Batch);
    EXPECT_TRUE(find_labels("PILOT12").empty());
    EXPECT_EQ(find_labels("国药准字H20013062")[0].key, FieldKey::Other);
    EXPECT_TRUE(find_labels("有效成分").empty());
}

// EXP read with its first or middle letter wrong, or a letter more, before a number (dev seeds 1001 and
// 7301: "EXxp.08/2028", "kXP.:10/2026" in light print on a dark ground) is still the expiry's label; its
// last letter misread is another word (EXT: a phone's extension), and so is any such word with no number
// after it.
TEST(ExpiryText, ExpReadWithOneLetterWrongIsTheLabel) {
    for (const std::string line : {"EXxp.08/2028", "kXP.:10/2026", "FXP2024-09-12", "LotK55425EXXP.08/2028",
                                   "tXp:20270813", "EkP.2029-01"}) {
        const auto hits = find_labels(line);
        ASSERT_FALSE(hits.empty()) << line;
        EXPECT_EQ(hits.back().key, FieldKey::Expiry) << line;
        EXPECT_EQ(hits.back().canonical, "EXP") << line;
        EXPECT_FALSE(hits.back().exact) << line;
    }
    const auto reading = parse_expiry_text("EXxp.08/2028");
    ASSERT_TRUE(reading.expiry);
    EXPECT_EQ(*reading.expiry, (Date{2028, 8, 31}));
    for (const std::string line : {"EXT20271231", "Ext.8012", "EXW2027-01", "TXP", "KXP.Lot", "AXPL2026.01",
                                   "maxp2026.01", "EXXXP2026.01", "EAAP2026.01", "EXD2026.01"}) {
        const auto hits = find_labels(line);
        EXPECT_TRUE(hits.empty() || hits.front().key != FieldKey::Expiry) << line;
    }
}

// A row of labels read with no space between them ("有效期批号", "有效期生产日期"): the label after
// 有效期 is not a misread 至 of 有效期至, or it is swallowed and its value read as the expiry's (dev seed
// 1001 face 25, 1002 face 11: "有效期 60个月" under a row was never read).
TEST(ExpiryText, TheNextLabelOfARowIsNoMisreadCharacter) {
    for (const auto& [row, second] :
         std::vector<std::pair<std::string, FieldKey>>{{"有效期批号", FieldKey::Batch},
                                                       {"有效期生产日期", FieldKey::Production},
                                                       {"有效期生产批号", FieldKey::Batch},
                                                       {"有效期国药准字", FieldKey::Other},
                                                       {"失效期批号", FieldKey::Batch}}) {
        const auto hits = find_labels(row);
        ASSERT_EQ(hits.size(), 2u) << row;
        EXPECT_EQ(hits[0].end, row.starts_with("有效期") || row.starts_with("失效期") ? 9u : 0u) << row;
        EXPECT_EQ(hits[1].key, second) << row;
    }
    // A misread 至 that begins no label is still one.
    const auto hits = find_labels("有效期玉2025.04");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].end, 12u);
}

// English production labels with the word DATE ("MFG DATE", "Mfg. Date:", "Prod. Date"): the word
// is the label's, and the production date after it is read; before, only "MFG" was a label and "DATE…"
// no date, so production + shelf life gave nothing.
TEST(ExpiryText, ProductionLabelsWithTheWordDate) {
    for (const char* text : {"MFG DATE 2023.03.01\n有效期24个月", "Mfg. Date: 2023.03.01\n有效期 24个月",
                             "PROD. DATE 2023-03-01\n有效期：24个月", "Mfd.Date 20230301\n有效期24个月"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_EQ(reading.expiry, (Date{2025, 2, 28})) << text;
        EXPECT_EQ(reading.basis, ExpiryBasis::ProductionPlusShelfLife) << text;
    }
    const auto hits = find_labels("MFG.DATE:2023.03.01LOT:A1");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].key, FieldKey::Production);
    EXPECT_EQ(hits[0].end, 8u);
}

// Red team 31: the reader writes each label it finds followed by the digits after it ("EXP:2026.05"),
// so a word that only starts like a label gave its number as an expiry.
bool has_expiry_label(std::string_view compact) {
    const auto hits = find_labels(compact);
    return std::any_of(hits.begin(), hits.end(), [](const auto& hit) {
        return hit.key == FieldKey::Expiry || hit.key == FieldKey::InvalidFrom;
    });
}

TEST(ExpiryText, AWordThatStartsWithExpIsNoExpiryLabel) {
    for (const char* line : {"EXPECTORANT2026.05", "EXPRESSDELIVERY2026-11-30", "Exposure2026.08",
                             "EXPORTLICENCE2026.08.01", "Exp.Mfr.No.20271231", "EXP:Lic.No.2026.08"})
        EXPECT_FALSE(has_expiry_label(line)) << line;
    // The label as it is printed, glued to its value or running on into a longer form of itself.
    for (const char* line : {"EXP2029-03", "EXP:2029-03", "Exp.2029-03", "EXP20290315", "Exp.Date:2029-03",
                             "EXPDATE2029-03", "ExpiryDate:2029-03", "EXPIRES2029-03", "Expiration2029-03"})
        EXPECT_TRUE(has_expiry_label(line)) << line;
    // A label whose value is not printed there still says a printed date exists.
    EXPECT_TRUE(parse_expiry_text("EXP. see crimp\nMFG 2025.01.20\nLOT 20270120").printed_expiry_unread);
    const auto reading = parse_expiry_text("EXPIRES 2029-03");
    ASSERT_TRUE(reading.expiry);
    EXPECT_EQ(*reading.expiry, (Date{2029, 3, 31}));
}

TEST(ExpiryText, ALicencesValidityOrAPhraseAboutTheExpiryIsNoExpiryLabel) {
    for (const char* line :
         {"药品生产许可证有效期至2028年12月31日", "注册证有效期至2030.06.30", "证书有效期至2030.06.30",
          "营业执照有效期至2030.06.30", "有效期满前请勿丢弃2026.03", "请在有效期内使用2026.03"})
        EXPECT_FALSE(has_expiry_label(line)) << line;
    EXPECT_FALSE(
        parse_expiry_text("布洛芬片\n药品生产许可证有效期至 2028年12月31日\n生产日期 2025年01月05日").expiry);
    // The medicine's own expiry on the same face is still read.
    const auto reading =
        parse_expiry_text("生产日期 2024.03.01\n有效期至 2026.02\n注册证有效期至 2030.06.30");
    ASSERT_TRUE(reading.expiry);
    EXPECT_EQ(*reading.expiry, (Date{2026, 2, 28}));
    EXPECT_TRUE(has_expiry_label("有效期至2027.01"));
    EXPECT_TRUE(has_expiry_label("有效期:2027.01"));
}

// Red team red32c F2: "有效期：开封后6个月" under a production date gave production + 6 months as the
// expiry. A period counted from opening (or from making the medicine up) is not the shelf life.
TEST(ExpiryText, AnInUsePeriodIsNoShelfLife) {
    for (const char* face :
         {"生产日期 2024.03.15\n有效期：开封后6个月", "生产日期 2024.03.15\n有效期:开封后24个月",
          "生产日期 2024.03.15\n开封后 有效期 24个月", "生产日期 2024.03.15\n开封后有效期 6个月",
          "生产日期2024.03.15\n开启后保质期3个月", "生产日期 2024.03.15\n配制后有效期 14个月",
          "生产日期 2024.03.15 开瓶后有效期6个月",
          // 开 misread, as OCR reads it in a rendered face:
          "生产日期 2024.03.15\n- 封 后 有 效 期 6 个 月", "生产日期 2024.03.15\n有效期：-封后6个月",
          // Red team red33a R1: any period "after" something, wherever the words stand.
          "生产日期 2024.03.15\n开封后的有效期 6个月", "生产日期 2024.03.15\n开封后，有效期6个月",
          "生产日期 2024.03.15\n有效期 6个月（开封后）", "生产日期 2024.03.15\n首次使用后有效期 6个月",
          "生产日期 2024.03.15\n从冰箱取出后保质期 6个月", "生产日期 2024.03.15\n开封后\n有效期 6个月",
          "生产日期 2024.03.15\n有效期\n开封后6个月",
          // red33b F1: the words on the line before or after, with punctuation; 6个月内 (within).
          "生产日期 2024.03.15\n有效期 6个月\n（开封后）",
          "生产日期 2024.03.15\n开封后请在\n有效期 6个月内用完",
          "生产日期 2024.03.15\n开封后使用\n有效期 1个月", "生产日期 2024.03.15\n开封后，\n有效期 1个月",
          "生产日期 2024.03.15\n使用中有效期 1个月", "生产日期 2024.03.15\n启用有效期 1个月",
          "生产日期 2024.03.15\n开启使用后有效期 1个月",
          "生产日期 2024.03.15\n开封后\n（请冷藏）\n有效期 6个月",
          // The words after the period in its clause, in any bracket OCR reads (red33a R1 f03: "〈开封后)").
          "生产日期 2024.03.15\n有效期6个月〈开封后)", "生产日期 2024.03.15\n有效期 6个月 开封后",
          "生产日期 2024.03.15\n有效期 6个月【开封后】",
          // red34b W2: more words for opening and mixing, traditional characters, English.
          "生产日期 2024.03.15\n有效期 6个月 開瓶後", "生产日期 2024.03.15\n有效期 3个月 开包后",
          "生产日期 2024.03.15\n有效期 1个月 配成溶液后", "生产日期 2024.03.15\n有效期 3个月 开管后",
          "生产日期 2024.03.15\n有效期 1个月 拆开后", "生产日期 2024.03.15\n有效期 6个月 once opened",
          "生产日期 2024.03.15\n有效期 6个月 after first use",
          "生产日期 2024.03.15\n有效期 6 months after opening",
          // Any words ending in 后 at the end of the period's clause, however OCR garbles them or
          // whatever the event (red34b L: 首次开启后 in a serif font, 开罐后; 冲调后, 解冻后).
          "生产日期 2024.03.15\n有效期 6个月 首次开自后", "生产日期 2024.03.15\n保质期 1个月 开罐后",
          "生产日期 2024.03.15\n有效期 6个月 — 开封后", "生产日期 2024.03.15\n有效期 1个月（冲调后）",
          "生产日期 2024.03.15\n有效期 3个月 解冻後",
          // The note as the whole next clause (red35b E8, E9).
          "生产日期 2024.03.15\n有效期 6个月，开封后", "生产日期 2024.03.15\n有效期 6个月；开封后",
          // A bracket after the period, an instruction after the bracket; a storage temperature in the
          // clause, which is no second period (red35b E).
          "生产日期 2024.03.15\n有效期 6个月（开封后）请冷藏",
          "生产日期 2024.03.15\n有效期 6个月〈开封后〉请冷藏",
          "生产日期 2024.03.15\n有效期 6个月 开封后 2-8℃", "生产日期 2024.03.15\n有效期 6个月 开封后 2~8°C",
          "生产日期 2024.03.15\n有效期 6个月（开封后）2-8℃保存",
          "生产日期 2024.03.15\n有效期 6个月 冷藏，开封后"}) {
        const auto reading = parse_expiry_text(face);
        EXPECT_FALSE(reading.expiry) << face;
    }
    // The printed expiry beside an in-use period is still read, and a plain shelf life still counts.
    const auto both = parse_expiry_text("生产日期 2024.03.15\n有效期至 2026.03\n开封后有效期 6个月");
    ASSERT_TRUE(both.expiry);
    EXPECT_EQ(*both.expiry, (Date{2026, 3, 31}));
    const auto shelf_life = parse_expiry_text("生产日期 2024.03.15\n有效期 24个月\n开封后请于6个月内用完");
    ASSERT_TRUE(shelf_life.expiry);
    EXPECT_EQ(*shelf_life.expiry, (Date{2026, 3, 14}));
    // A 后 that is a direction, not what the period counts from, leaves the shelf life (red33b F2).
    for (const char* direction :
         {"生产日期 2024.03.15\n有效期 24个月 服后多饮水", "生产日期 2024.03.15\n有效期：24个月 餐后服用",
          "生产日期 2024.03.15\n保质期 24个月，开封后请尽快使用",
          "生产日期 2024.03.15\n用法：口服，饭后\n有效期 24个月",
          "生产日期 2024.03.15\n功能主治：用于产后\n有效期 24个月",
          "生产日期 2024.03.15\n服用后多饮水\n有效期 24个月",
          // In-use words before another period are that period's.
          "生产日期 2024.03.15\n有效期 24个月 开封后1个月内用完",
          "生产日期 2024.03.15\n有效期 24个月；开封后请冷藏",
          // An instruction that begins with the in-use words is no note on the period (red34b R2).
          "生产日期 2024.03.15\n有效期24个月（开封后请冷藏）",
          "生产日期 2024.03.15\n有效期24个月 开封后冷藏保存",
          "生产日期 2024.03.15\n有效期 24个月\n（开封后请冷藏）",
          // Words ending in 后 that are a direction, or go on past the 后, say nothing of the period.
          "生产日期 2024.03.15\n有效期 24个月 饭后", "生产日期 2024.03.15\n有效期 24个月（服用后）",
          "生产日期 2024.03.15\n有效期 24个月 冲调后饮用",
          // 后 that is no "after" (red35b E1: see the back of the box).
          "生产日期 2024.03.15\n有效期 24个月（详见盒背后）",
          "生产日期 2024.03.15\n有效期 24个月，详见盒背后",
          // A temperature is no period, and an instruction with one is still an instruction.
          "生产日期 2024.03.15\n有效期 24个月 开封后 2-8℃保存",
          "生产日期 2024.03.15\n有效期 24个月（2-8℃保存）",
          "生产日期 2024.03.15\n有效期 24个月 25℃以下保存"}) {
        const auto reading = parse_expiry_text(direction);
        ASSERT_TRUE(reading.expiry) << direction;
        EXPECT_EQ(*reading.expiry, (Date{2026, 3, 14})) << direction;
    }
    // Unopened (未开封) is the shelf life itself (red33a R3).
    for (const char* unopened :
         {"生产日期 2024.03.15\n未开封有效期 24个月", "生产日期 2024.03.15\n未开启保质期 24个月"}) {
        const auto reading = parse_expiry_text(unopened);
        ASSERT_TRUE(reading.expiry) << unopened;
        EXPECT_EQ(*reading.expiry, (Date{2026, 3, 14})) << unopened;
    }
}

// Red team red33a: a production date under 制造日期 or "Manufactured", and a batch under 批次, were no
// labels: in a row of labels their value went to the expiry label beside them. 出厂日期 (release) and
// 灌装日期 (filling) hold dates too, but not the one a shelf life counts from (red33b F4: a 灌装日期 plus
// the shelf life was proposed when 生产日期 was misread; F5: two production dates gave none).
// A note on a line of its own says what a period counts from when it is only words ending in 后 (and
// marks): OCR garbles 开封后 on such a line ("井寺后"; red team red34b L f18), and a direction or an
// instruction is no such note.
TEST(ExpiryText, ANoteOfItsOwnEndingInAfterIsAnInUseNote) {
    using medkiosk::scanner::ocr::is_in_use_note;
    for (const char* note : {"开封后", "井寺后", "（井寺后）", "—开封后", "才封后"})
        EXPECT_TRUE(is_in_use_note(note)) << note;
    for (const char* other : {"饭后", "（服用后）", "开封后请冷藏", "用于产后疼痛", "批号240315后", "C后"})
        EXPECT_FALSE(is_in_use_note(other)) << other;
}

TEST(ExpiryText, MoreProductionAndBatchLabels) {
    const auto made = parse_expiry_text("制造日期 2024.03.15\n有效期 24个月");
    ASSERT_TRUE(made.expiry);
    EXPECT_EQ(*made.expiry, (Date{2026, 3, 14}));
    for (const char* other : {"出厂日期", "灌装日期"}) {
        EXPECT_FALSE(parse_expiry_text(std::string(other) + " 2024.02.01\n有效期 24个月").expiry) << other;
        const auto both =
            parse_expiry_text("生产日期 2024.03.15\n" + std::string(other) + " 2024.05.20\n有效期 24个月");
        ASSERT_TRUE(both.expiry) << other;
        EXPECT_EQ(*both.expiry, (Date{2026, 3, 14})) << other;
        EXPECT_FALSE(parse_expiry_text(std::string(other) + " 2024.03.15").expiry) << other;
    }
    const auto english = parse_expiry_text("Manufactured 03/2024\nEXP 03/2026");
    ASSERT_TRUE(english.expiry);
    EXPECT_EQ(*english.expiry, (Date{2026, 3, 31}));
    EXPECT_FALSE(english.contradictory);
    const auto batch = parse_expiry_text("批次 20260531");
    EXPECT_FALSE(batch.expiry);
    EXPECT_EQ(batch.batch, "20260531");
}

TEST(ExpiryText, TwoDifferentExpiriesAreAContradiction) {
    const auto reading = parse_expiry_text("有效期至2025.05\nEXP 06/2025");
    EXPECT_FALSE(reading.expiry);
    EXPECT_TRUE(reading.contradictory);
    EXPECT_TRUE(parse_expiry_text("有效期至2025-05\nEXP 2026-01").contradictory);
    // The same date printed twice in two forms agrees with itself.
    EXPECT_TRUE(parse_expiry_text("有效期至2025.05\nEXP 05/2025").expiry);
}

TEST(ExpiryText, ImpossibleOrAmbiguousDatesAreRefused) {
    for (const char* text : {"有效期至2025.13", "有效期至2025/02/30", "有效期至1999.05", "有效期至2125.05",
                             "EXP 31/05/2025", "有效期至2025.05.312", "有效期至25.05", "国药准字Z20050531",
                             "H20050531", "有效期至l2025.05", "有效期王王2029.03", "有效日期王2029.03x",
                             // ...but three digits after 年 are no month and day, nor is a fifth digit
                             "有效期至2024年057日", "有效期至2024年05071日", "有效期至2024年1305日"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text << " gave " << reading.expiry->year << "-"
                                     << reading.expiry->month;
    }
}

TEST(ExpiryText, GarbageGivesNothingAndNeverCrashes) {
    for (const char* text :
         {"", "\n\n", "有效期至", "EXP", "批号", "有效期至：见封口", "@@@###", "\xff\xfe\xef\xbc",
          "有效期至\xe5\xb9", "年月日年月日", "2025年", "....////----", "个月个月"}) {
        const auto reading = parse_expiry_text(text);
        EXPECT_FALSE(reading.expiry) << text;
    }
    std::mt19937 random(8);
    const std::string alphabet = "0123456789./-年月日有效期至失生产批号EXPLOT: \n个Ol|";
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const int length = static_cast<int>(random() % 60);
        for (int i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
        (void)parse_expiry_text(text);  // any byte soup, including split UTF-8, must be safe
    }
}

TEST(ExpiryText, ShelfLifeArithmetic) {
    EXPECT_EQ(add_shelf_life(Date{2023, 3, 1}, 24), (Date{2025, 2, 28}));
    EXPECT_EQ(add_shelf_life(Date{2023, 1, 15}, 12), (Date{2024, 1, 14}));
    EXPECT_EQ(add_shelf_life(Date{2022, 3, 1}, 24), (Date{2024, 2, 29}));  // leap year
    EXPECT_EQ(add_shelf_life(Date{2023, 8, 31}, 6), (Date{2024, 2, 28}));  // clamped, then one day back
    EXPECT_EQ(add_shelf_life(Date{2023, 12, 1}, 1), (Date{2023, 12, 31}));
}

TEST(ExpiryText, FoldsFullWidth) {
    EXPECT_EQ(fold_full_width("２０２５／０５：ＥＸＰ"), "2025/05:EXP");
    EXPECT_EQ(fold_full_width("有效期至"), "有效期至");
}

}  // namespace

namespace {

TEST(ExpiryText, SourceTextIsThePrintedLineTheDateCameFrom) {
    EXPECT_EQ(parse_expiry_text("布洛芬缓释胶囊\n产品批号:B230401\n有效期至:2026.10.\n").source_text,
              "有效期至:2026.10.");
    EXPECT_EQ(parse_expiry_text("生产日期2023.03.01\n有效期24个月").source_text,
              "生产日期2023.03.01 有效期24个月");
    EXPECT_EQ(parse_expiry_text("garbage").source_text, "");
}

}  // namespace
