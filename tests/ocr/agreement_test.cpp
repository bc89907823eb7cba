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

TEST(ReadingAgreement, ThreeFramesWhenAskedFor) {
    ReadingAgreement agreement(3);
    agreement.add(read({2025, 5, 31}));
    agreement.add(read({2025, 5, 31}));
    EXPECT_FALSE(agreement.agreed());
    agreement.add(read({2025, 5, 31}));
    EXPECT_TRUE(agreement.agreed());
}

}  // namespace
