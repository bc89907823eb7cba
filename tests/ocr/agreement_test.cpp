// The ≥2-frame rule: a date is proposed only when enough frames read it and none read another.

#include "medkiosk/scanner/ocr/agreement.hpp"

#include <gtest/gtest.h>

namespace {

using medkiosk::scanner::Date;
using medkiosk::scanner::ExpiryPrecision;
using medkiosk::scanner::ocr::ExpiryReading;
using medkiosk::scanner::ocr::ReadingAgreement;

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

TEST(ReadingAgreement, ThreeFramesWhenAskedFor) {
    ReadingAgreement agreement(3);
    agreement.add(read({2025, 5, 31}));
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
    agreement.add(read({2025, 5, 31}));
    EXPECT_TRUE(agreement.agreed());
}

}  // namespace
