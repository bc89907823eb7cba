// The ≥2-frame rule: a date is proposed only when enough frames read it and none read another.

#include "medkiosk/scanner/ocr/agreement.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "medkiosk/scanner/ocr/expiry_ocr.hpp"

namespace {

using medkiosk::scanner::Date;
using medkiosk::scanner::ExpiryPrecision;
using medkiosk::scanner::ocr::ExpiryReading;
using medkiosk::scanner::ocr::ReadingAgreement;
using medkiosk::scanner::ocr::vote_on_value;

ExpiryReading read(Date date, ExpiryPrecision precision = ExpiryPrecision::Month, std::string batch = {}) {
    ExpiryReading reading;
    reading.expiry = date;
    reading.precision = precision;
    reading.batch = std::move(batch);
    reading.source_text = "有效期至";
    return reading;
}

TEST(ReadingAgreement, OneFrameIsNotEnough) {
    ReadingAgreement agreement;
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
    agreement.add(ExpiryReading{});  // a frame with nothing read neither helps nor hurts
    EXPECT_FALSE(agreement.agreed());
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month, "B1"));
    ASSERT_TRUE(agreement.agreed());
    EXPECT_EQ(agreement.agreed()->expiry, (Date{2025, 5, 31}));
    EXPECT_EQ(agreement.agreed()->batch, "");  // the batch was read once only
}

TEST(ReadingAgreement, AnyContradictionBlocksUntilReset) {
    ReadingAgreement agreement;
    agreement.add(read({2025, 5, 31}));
    agreement.add(read({2025, 6, 30}));
    agreement.add(read({2025, 5, 31}));
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
    EXPECT_TRUE(agreement.contradicted());
    agreement.reset();
    agreement.add(read({2025, 6, 30}));
    agreement.add(read({2025, 6, 30}));
    EXPECT_TRUE(agreement.agreed());
}

TEST(ReadingAgreement, SameDayDifferentPrecisionIsAContradiction) {
    ReadingAgreement agreement;
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Day));
    EXPECT_FALSE(agreement.agreed());
}

TEST(ReadingAgreement, AFrameWithTwoDatesBlocks) {
    ReadingAgreement agreement;
    agreement.add(read({2025, 5, 31}));
    ExpiryReading confused;
    confused.contradictory = true;
    agreement.add(confused);
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
}

TEST(ReadingAgreement, BatchAgreedWhenReadTwice) {
    ReadingAgreement agreement;
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month, "B230401"));
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month, "B23040l"));
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month, "B230401"));
    ASSERT_TRUE(agreement.agreed());
    EXPECT_EQ(agreement.agreed()->batch, "B230401");
}

// One frame saw the printed expiry's label without its date: frames that derived a date from production
// + shelf life, before or after it, are not proposed; the printed date, once read twice, is.
TEST(ReadingAgreement, AnUnreadPrintedExpiryHoldsBackProductionPlusShelfLife) {
    ExpiryReading derived = read({2028, 4, 1}, ExpiryPrecision::Day);
    derived.basis = medkiosk::scanner::ocr::ExpiryBasis::ProductionPlusShelfLife;
    ExpiryReading label_only;
    label_only.printed_expiry_unread = true;
    for (const bool label_first : {true, false}) {
        ReadingAgreement agreement;
        if (label_first) agreement.add(label_only);
        agreement.add(derived);
        if (!label_first) agreement.add(label_only);
        agreement.add(derived);
        agreement.add(derived);
        EXPECT_FALSE(agreement.agreed()) << (label_first ? "label first" : "label between");
    }
    ReadingAgreement agreement;
    agreement.add(label_only);
    agreement.add(read({2032, 7, 27}, ExpiryPrecision::Day));
    agreement.add(read({2032, 7, 27}, ExpiryPrecision::Day));
    ASSERT_TRUE(agreement.agreed());
    EXPECT_EQ(agreement.agreed()->expiry, (Date{2032, 7, 27}));
    agreement.reset();  // a new pack: nothing of the old one's labels
    agreement.add(derived);
    agreement.add(derived);
    EXPECT_TRUE(agreement.agreed());
}

// A frame's expiry read with no 日 after its day ("2029年01月11": the 日 lost, or a count after a month-only
// date) is no date, but it speaks for that day and against any other. Red team rt42: a thumb over 日 in
// some frames and over the day's last digit in others ("2029年01月1日" twice) gave 2029-01-01.
ExpiryReading unclosed(Date day) {
    ExpiryReading reading;
    reading.unclosed_day = day;
    reading.day_unread = true;
    reading.printed_expiry_unread = true;
    return reading;
}

// A date from production + shelf life counts only from a frame that may have seen the printed expiry,
// which overrules it, had there been one: not while lines with digits were left unread for lack of time
// (red team rt48 F2), cut by the frame's edge, close to the edge with the labelled lines, or while the face
// moves (rt50 F2). A printed date counts from any frame.
TEST(ReadingAgreement, ADerivedDateCountsOnlyFromAFrameThatMayHaveSeenThePrintedOne) {
    using medkiosk::scanner::ocr::frame_may_date_the_box;
    using medkiosk::scanner::ocr::TextLines;
    ExpiryReading derived = read({2028, 4, 1}, ExpiryPrecision::Day);
    derived.basis = medkiosk::scanner::ocr::ExpiryBasis::ProductionPlusShelfLife;
    const ExpiryReading printed = read({2027, 4, 1}, ExpiryPrecision::Day);
    const TextLines read_through;
    EXPECT_TRUE(frame_may_date_the_box(derived, read_through, true));
    EXPECT_FALSE(frame_may_date_the_box(derived, read_through, false)) << "the face moved";
    const std::vector<std::pair<const char*, int TextLines::*>> misses{
        {"lines with digits unread", &TextLines::digit_lines_unread},
        {"lines cut by the frame's edge", &TextLines::lines_cut_by_edge},
        {"labelled lines near the frame's edge", &TextLines::date_lines_near_edge}};
    for (const auto& [what, count] : misses) {
        TextLines lines;
        lines.*count = 1;
        EXPECT_FALSE(frame_may_date_the_box(derived, lines, true)) << what;
        EXPECT_TRUE(frame_may_date_the_box(printed, lines, false)) << what;
        EXPECT_TRUE(frame_may_date_the_box(ExpiryReading{}, lines, true)) << what;
    }
}

TEST(ReadingAgreement, ADayReadWithNo日SpeaksForThatDayAndAgainstAnother) {
    ReadingAgreement agreement;
    agreement.add(unclosed({2029, 1, 11}));
    agreement.add(unclosed({2029, 1, 11}));
    EXPECT_FALSE(agreement.agreed()) << "never alone";
    agreement.add(read({2029, 1, 1}, ExpiryPrecision::Day));
    agreement.add(read({2029, 1, 1}, ExpiryPrecision::Day));
    EXPECT_FALSE(agreement.agreed()) << "another day";
    agreement.reset();
    agreement.add(unclosed({2029, 1, 11}));
    agreement.add(read({2029, 1, 11}, ExpiryPrecision::Day));
    ASSERT_TRUE(agreement.agreed());
    EXPECT_EQ(agreement.agreed()->expiry, (Date{2029, 1, 11}));
    agreement.reset();
    agreement.add(unclosed({2029, 7, 24}));
    agreement.add(read({2029, 7, 31}, ExpiryPrecision::Month));
    agreement.add(read({2029, 7, 31}, ExpiryPrecision::Month));
    EXPECT_FALSE(agreement.agreed()) << "a month-only date";
}

TEST(ValueVote, AReadingWithNo日AfterItsDaySpeaksForThatDayAndAgainstAnother) {
    EXPECT_EQ(vote_on_value({"2029年01月11日", "2029年01月11", "", ""}), "2029年01月11日");
    EXPECT_EQ(vote_on_value({"2029年01月11", "2029年01月11", "", ""}), "2029年01月11");
    EXPECT_NE(vote_on_value({"2029年01月1日", "2029年01月1日", "2029年01月11", ""}), "2029年01月1日");
    EXPECT_EQ(vote_on_value({"2029年07月", "2029年07月", "2029年07月24", ""}), "2029年07月?");
    // What the frame's text then says: no date, that day.
    const ExpiryReading frame = medkiosk::scanner::ocr::parse_expiry_text("有效期至:2029年01月11");
    EXPECT_FALSE(frame.expiry);
    EXPECT_EQ(frame.unclosed_day, (Date{2029, 1, 11}));
    EXPECT_EQ(medkiosk::scanner::ocr::parse_expiry_text("失效期:2029年01月11").unclosed_day,
              (Date{2029, 1, 10}));
}

// The month-for-day case: "有效期至 2025.05.03" whose value was cut at the gap before its day. The value
// pass and the independent pass read "2025.05" and "2025.05." (agreeing on May 2025, month precision),
// the blurred pass "2025.05.3" (its last digit lost) and the label pass "2025.05.0". A day is printed:
// the two month readings are that date cut short, and "2025.05" must never become 2025-05-31.
TEST(ValueVote, AMonthReadingIsContradictedByAViewShowingADayAfterIt) {
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05.", "2025.05.3", "2025.05.0"}), "2025.05.?");
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05", "2025.05.3", ""}), "2025.05.?");
    EXPECT_EQ(vote_on_value({"2025年05月", "2025年05月", "", "2025年05月3"}), "2025年05月?");
    EXPECT_EQ(vote_on_value({"202505", "202505", "2025053", ""}), "202505?");
    // A month misread in the longer view still shows that a day is printed.
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05", "2026.05.3", ""}), "2026.05.?");
    // The day read whole and agreed on is the date; a view cut short beside it changes nothing, but one
    // that means a month-only date contradicts it: nothing is read, except that a day is printed.
    EXPECT_EQ(vote_on_value({"2025.05.03", "2025.05.03", "2025.05.0", "2025.05"}), "2025.05.?");
    EXPECT_EQ(vote_on_value({"2025.05.03", "2025.05.03", "2025.05.0", ""}), "2025.05.03");
    // A cell's border read as a 1 after the month is not a day (dev seed 1002, face 0: a framed row): it
    // holds back this frame's value ("2027年03月1" means March 1st), not the pack's month-only date.
    EXPECT_EQ(vote_on_value({"2027年03月", "2027年03月", "", "2027年03月1"}), "");
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05", "2025.05.1", ""}), "2025.05");
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05", "2025.05.11", ""}), "2025.05.?");
    // A slash or a dash after the month says the date goes on, however many views end there (red team
    // red37: "2027/05/" with its day wrapped onto the next line).
    EXPECT_EQ(vote_on_value({"2027/05/", "2027/05", "2027/05", ""}), "2027.05.?");
    EXPECT_EQ(vote_on_value({"2029-05-", "2029-05-", "", ""}), "2029.05.?");
    // A day cut short after its first digit agrees with nothing, not even with itself.
    EXPECT_EQ(vote_on_value({"2027.08.2.", "2027.08.2.", "", ""}), "2027.08.?");
    EXPECT_EQ(vote_on_value({"2027.08.22", "2027.08.22", "2027.08.2.", ""}), "2027.08.?");
    // No view shows a day: a month-only date is a month-only date.
    EXPECT_EQ(vote_on_value({"2025.05", "2025.05.", "", "2025.05"}), "2025.05");
    EXPECT_EQ(vote_on_value({"24个月", "24个月", ""}), "24个月");
    EXPECT_EQ(vote_on_value({"2025.05", "", "", ""}), "");
}

// "2026年11月16日" in a serif font: the value pass and the second binarisation read "2026年1月16日", the
// label pass "2026年1]月16日", the second 1 taken for a bracket. As read it means nothing, but it shows a
// mark where the others have none: the month is not sure, and 2026-01-16 was proposed for one frame (dev
// seed 1001, face 25). A look-alike of 1 may only speak against a reading, never for one.
TEST(ValueVote, AMarkThatLooksLikeAOneSpeaksAgainstTheOthers) {
    // What is left is that a day is printed after a month not read for sure: no date.
    EXPECT_EQ(vote_on_value({"2026年1月16日", "2026年1月16日", "2026年1]月16日"}), "2026年1月?");
    EXPECT_EQ(vote_on_value({"2026年11月16日", "2026年11月16日", "2026年1]月16日"}), "2026年11月16日");
    EXPECT_EQ(vote_on_value({"2026年3月6日", "2026年3月6日", "2026年3月1!日"}), "2026年3月?");
}

// Across frames: one frame saw a day after the month it could not read; other frames that read only
// "2025.05" (cut short the same way) agree on a month-only date, which is not proposed. A day-precision
// date read whole twice still is.
TEST(ReadingAgreement, AMonthOnlyDateIsNotProposedOnceAFrameSawADayAfterIt) {
    ExpiryReading day_seen;
    day_seen.day_unread = true;
    day_seen.printed_expiry_unread = true;
    for (const bool day_first : {true, false}) {
        ReadingAgreement agreement;
        if (day_first) agreement.add(day_seen);
        agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
        if (!day_first) agreement.add(day_seen);
        agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
        agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
        EXPECT_FALSE(agreement.agreed()) << (day_first ? "day seen first" : "day seen between");
    }
    ReadingAgreement agreement;
    agreement.add(day_seen);
    agreement.add(read({2025, 5, 3}, ExpiryPrecision::Day));
    agreement.add(read({2025, 5, 3}, ExpiryPrecision::Day));
    ASSERT_TRUE(agreement.agreed());
    EXPECT_EQ(agreement.agreed()->expiry, (Date{2025, 5, 3}));
    // A production date's day seen holds back a month-only production date + shelf life, not a printed
    // month-only expiry.
    ExpiryReading production_day_seen;
    production_day_seen.production_day_unread = true;
    ExpiryReading derived = read({2025, 2, 28}, ExpiryPrecision::Month);
    derived.basis = medkiosk::scanner::ocr::ExpiryBasis::ProductionPlusShelfLife;
    agreement.reset();
    agreement.add(production_day_seen);
    agreement.add(derived);
    agreement.add(derived);
    EXPECT_FALSE(agreement.agreed());
    agreement.reset();
    agreement.add(production_day_seen);
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
    agreement.add(read({2025, 5, 31}, ExpiryPrecision::Month));
    EXPECT_TRUE(agreement.agreed());
}

// Each reading a frame's vote weighed on the printed expiry's value counts, not only the vote's outcome:
// dot-matrix digits lose the dots of their left side and are misread alike by most views (a 9 as a 3,
// a 6 as a 5), and their whole shape shows in one reading now and then (red team red39: "2025.09.30"
// read "2025.03.30" in four frames, with "2025.09.30" among one frame's readings, and proposed;
// "2029.04.03" proposed as 2023-04-03).
TEST(ReadingAgreement, AReadingWithAFullerDigitHoldsBackADateMissingItsLeftSide) {
    medkiosk::scanner::ocr::ParseOptions options;
    options.value_on_next_line = false;
    options.today = Date{2026, 12, 1};
    const auto text = [&](const std::string& value) {
        return medkiosk::scanner::ocr::parse_expiry_text(value, options);
    };
    const auto agreed_with = [&](const std::string& frames_read, const std::vector<std::string>& values,
                                 bool values_first) {
        ReadingAgreement agreement;
        if (values_first)
            for (const auto& value : values) agreement.add_value_reading(text(value));
        agreement.add(text(frames_read));
        agreement.add(text(frames_read));
        if (!values_first)
            for (const auto& value : values) agreement.add_value_reading(text(value));
        return agreement.agreed();
    };
    for (const bool values_first : {true, false}) {
        const char* when = values_first ? "readings before the frames" : "readings after the frames";
        EXPECT_FALSE(
            agreed_with("有效期至:2025.03.30", {"有效期至:2025.03.30", "有效期至:2025.09.30"}, values_first))
            << when;
        EXPECT_FALSE(agreed_with("EXP:2023.04.03", {"EXP:2029.04.03"}, values_first)) << when;
        EXPECT_FALSE(agreed_with("有效期至:2025年04月05日", {"有效期至:2025年04月06日"}, values_first))
            << when;
        EXPECT_FALSE(agreed_with("有效期至:20300323", {"有效期至:20300823"}, values_first)) << when;
        EXPECT_FALSE(agreed_with("EXP:2035-03", {"EXP:2035-09"}, values_first)) << when;
        EXPECT_FALSE(agreed_with("EXP:2035-03", {"EXP:2035.09.15"}, values_first))
            << when;  // the month's digits
        EXPECT_FALSE(agreed_with("失效期:2025.03.01", {"失效期:2025.09.01"}, values_first)) << when;
        // Readings of the date itself, one that lost the day, ones that mean no date, and misreadings
        // that are not a lost left side ("2024-02-16" of "2024-03-16"; "2024.01.03" of "2024.11.03";
        // the proposal with the fuller digit) say nothing.
        const auto same = agreed_with("有效期至:2025.03.30",
                                      {"有效期至:2025.03.30", "有效期至:2025.03", "有效期至:2835.09.30",
                                       "有效期至:", "有效期至:2025.02.30", "有效期至:2025.08.31"},
                                      values_first);
        ASSERT_TRUE(same) << when;
        EXPECT_EQ(same->expiry, (Date{2025, 3, 30}));
        EXPECT_TRUE(agreed_with("EXP:2024.11.03", {"EXP:2024.01.03"}, values_first)) << when;
        EXPECT_TRUE(agreed_with("EXP:2029.04.06", {"EXP:2023.04.05"}, values_first)) << when;
        // 失效期 2025.09.01 and 失效期 2025.09 both print September: the last usable day is in August.
        const auto invalid_from = agreed_with("失效期:2025.09.01", {"失效期:2025.09"}, values_first);
        ASSERT_TRUE(invalid_from) << when;
        EXPECT_EQ(invalid_from->expiry, (Date{2025, 8, 31}));
    }
    // A new pack starts afresh.
    ReadingAgreement agreement;
    agreement.add_value_reading(text("EXP:2029.04.03"));
    agreement.reset();
    agreement.add(text("EXP:2023.04.03"));
    agreement.add(text("EXP:2023.04.03"));
    EXPECT_TRUE(agreement.agreed());
}

// A compact month-only expiry with a number printed after it ("有效期至 202907  28"): frames whose
// value crop took the number in read "20290728", a frame cut before it reads "202907". That frame is
// the only thing saying the day is not printed, so it must veto (red team red35a: a build that took
// it for the date cut short proposed 2029-07-28 in 25 boxes).
TEST(ReadingAgreement, ACompactMonthReadingVetoesTheSameDigitsWithADayAfterThem) {
    auto as_read = [](Date date, ExpiryPrecision precision, const char* text) {
        ExpiryReading reading = read(date, precision);
        reading.source_text = text;
        return reading;
    };
    const ExpiryReading merged = as_read({2029, 7, 28}, ExpiryPrecision::Day, "有效期至:20290728");
    const ExpiryReading month = as_read({2029, 7, 31}, ExpiryPrecision::Month, "有效期至:202907");
    for (const int month_at : {0, 1, 2}) {
        ReadingAgreement agreement;
        for (int frame = 0; frame < 3; ++frame) agreement.add(frame == month_at ? month : merged);
        EXPECT_FALSE(agreement.agreed()) << "month-only reading in frame " << month_at;
    }
}

TEST(ReadingAgreement, ThreeFramesWhenAskedFor) {
    ReadingAgreement agreement(3);
    agreement.add(read({2025, 5, 31}));
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
    agreement.add(read({2025, 5, 31}));
    EXPECT_TRUE(agreement.agreed());
}

}  // namespace
