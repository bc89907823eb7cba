#include <gtest/gtest.h>

#include "medkiosk/kiosk/policy.hpp"

namespace medkiosk::kiosk {
namespace {

scanner::PackCode pack_expiring(scanner::Date expiry) {
    scanner::PackCode pack;
    pack.scheme = scanner::Scheme::Gs1;
    pack.gtin = "09520123456788";
    pack.expiry = expiry;
    return pack;
}

const scanner::Date kToday{2026, 11, 29};

TEST(Policy, AcceptsAPackWithLongShelfLife) {
    const auto result = assess(pack_expiring({2027, 12, 31}), kToday);
    EXPECT_EQ(result.decision, Decision::Accept);
    EXPECT_EQ(result.reason, "ok");
}

TEST(Policy, RefusesAnExpiredPack) {
    const auto result = assess(pack_expiring({2026, 11, 28}), kToday);
    EXPECT_EQ(result.decision, Decision::Refuse);
    EXPECT_EQ(result.reason, "expired");
    EXPECT_EQ(result.message_key, "result.expired");
}

TEST(Policy, RefusesLessThanTheMinimumShelfLifeAndAcceptsExactlyIt) {
    // 2027-02-27 is 90 days after 2026-11-29.
    EXPECT_EQ(days_between(kToday, {2027, 2, 27}), 90);
    EXPECT_EQ(assess(pack_expiring({2027, 2, 26}), kToday).reason, "short-shelf-life");
    EXPECT_EQ(assess(pack_expiring({2027, 2, 27}), kToday).decision, Decision::Accept);
    EXPECT_EQ(assess(pack_expiring({2027, 2, 26}), kToday, PolicyRules{30}).decision, Decision::Accept);
}

TEST(Policy, APackWithoutExpiryGoesToThePharmacist) {
    scanner::PackCode trace;
    trace.scheme = scanner::Scheme::ChinaTrace;
    trace.product_id = "8123456";
    const auto result = assess(trace, kToday);
    EXPECT_EQ(result.decision, Decision::Review);
    EXPECT_EQ(result.reason, "no-expiry");
}

TEST(Policy, DaysBetweenCountsLeapDays) {
    EXPECT_EQ(days_between({2028, 2, 28}, {2028, 3, 1}), 2);
    EXPECT_EQ(days_between({2027, 2, 28}, {2027, 3, 1}), 1);
    EXPECT_EQ(days_between({2026, 1, 1}, {2025, 12, 31}), -1);
}

}  // namespace
}  // namespace medkiosk::kiosk
