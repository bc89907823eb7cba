// The acceptance policy, rule by rule and at every boundary, with a fixed "today".

#include "medkiosk/kiosk/policy.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::kiosk {
namespace {

scanner::PackCode pack_expiring(scanner::Date expiry) {
    scanner::PackCode pack;
    pack.scheme = scanner::Scheme::Gs1;
    pack.gtin = "09520123456788";
    pack.expiry = expiry;
    return pack;
}

scanner::PackCode pack_without_expiry() {
    scanner::PackCode trace;
    trace.scheme = scanner::Scheme::ChinaTrace;
    trace.product_id = "8123456";
    return trace;
}

const scanner::Date kToday{2026, 11, 29};

ProductInfo fever_tablets() {
    return ProductInfo{"", "", "fever", false, false, false, false, false};
}

PolicyContext known(ProductInfo product = fever_tablets()) {
    PolicyContext context;
    context.product = product;
    return context;
}

TEST(Policy, AcceptsAPackWithLongShelfLife) {
    const auto result = assess(pack_expiring({2027, 12, 31}), kToday);
    EXPECT_EQ(result.decision, Decision::Accept);
    EXPECT_EQ(result.reason, "ok");
    EXPECT_EQ(result.message_key, "result.accepted");
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
    PolicyRules thirty;
    thirty.minimum_shelf_life_days = 30;
    EXPECT_EQ(assess(pack_expiring({2027, 2, 26}), kToday, thirty).decision, Decision::Accept);
}

TEST(Policy, TheExpiryOnlyPolicySendsAPackWithoutExpiryToThePharmacist) {
    const auto result = assess(pack_without_expiry(), kToday);
    EXPECT_EQ(result.decision, Decision::Review);
    EXPECT_EQ(result.reason, "no-expiry");
    EXPECT_EQ(result.message_key, "result.no_expiry");
}

TEST(Policy, DaysBetweenCountsLeapDays) {
    EXPECT_EQ(days_between({2028, 2, 28}, {2028, 3, 1}), 2);
    EXPECT_EQ(days_between({2027, 2, 28}, {2027, 3, 1}), 1);
    EXPECT_EQ(days_between({2026, 1, 1}, {2025, 12, 31}), -1);
    EXPECT_EQ(days_between({2000, 2, 28}, {2000, 3, 1}), 2);  // 2000 is a leap year
    EXPECT_EQ(days_between({2100, 2, 28}, {2100, 3, 1}), 1);  // 2100 is not
}

struct ExpiryCase {
    const char* name;
    scanner::Date today;
    scanner::Date expiry;
    int minimum_days;
    Decision decision;
    const char* reason;
};

// One process for the whole table: ctest starts a process per test, and each costs about a second on CI.
TEST(Policy, ExpiryBoundariesDecideAsTheTableSays) {
    const ExpiryCase cases[] = {
        ExpiryCase{
            "expires_today_is_still_good_with_no_minimum", kToday, {2026, 11, 29}, 0, Decision::Accept, "ok"},
        ExpiryCase{"expires_today_is_short_with_a_minimum",
                   kToday,
                   {2026, 11, 29},
                   1,
                   Decision::Refuse,
                   "short-shelf-life"},
        ExpiryCase{"expired_yesterday", kToday, {2026, 11, 28}, 0, Decision::Refuse, "expired"},
        ExpiryCase{"one_day_short_of_90", kToday, {2027, 2, 26}, 90, Decision::Refuse, "short-shelf-life"},
        ExpiryCase{"exactly_90", kToday, {2027, 2, 27}, 90, Decision::Accept, "ok"},
        ExpiryCase{"leap_year_exactly_90", {2027, 12, 1}, {2028, 2, 29}, 90, Decision::Accept, "ok"},
        ExpiryCase{
            "leap_year_one_short", {2027, 12, 2}, {2028, 2, 29}, 90, Decision::Refuse, "short-shelf-life"},
        ExpiryCase{"non_leap_february_end", {2026, 11, 30}, {2027, 2, 28}, 90, Decision::Accept, "ok"},
        ExpiryCase{"leap_day_today", {2028, 2, 29}, {2028, 5, 29}, 90, Decision::Accept, "ok"},
        ExpiryCase{
            "leap_day_today_short", {2028, 2, 29}, {2028, 5, 28}, 90, Decision::Refuse, "short-shelf-life"},
        ExpiryCase{"year_end", {2026, 12, 31}, {2027, 1, 1}, 1, Decision::Accept, "ok"}};
    for (const ExpiryCase& c : cases) {
        SCOPED_TRACE(c.name);
        PolicyRules rules;
        rules.minimum_shelf_life_days = c.minimum_days;
        const auto result = assess(pack_expiring(c.expiry), c.today, rules, known());
        EXPECT_EQ(result.decision, c.decision);
        EXPECT_EQ(result.reason, c.reason);
    }
}

// DD=00 in a GS1 expiry means "end of that month": the parser gives the last day, the policy counts to it.
TEST(Policy, DayZeroMeansTheEndOfTheMonthIncludingLeapFebruary) {
    struct Case {
        const char* data;
        scanner::Date today;
        Decision decision;
        const char* reason;
    } cases[] = {
        {"0109520123456788172802001012345",
         {2028, 2, 29},
         Decision::Refuse,
         "short-shelf-life"},  // 2028-02-29
        {"0109520123456788172802001012345", {2028, 3, 1}, Decision::Refuse, "expired"},
        {"0109520123456788172805001012345", {2028, 3, 1}, Decision::Accept, "ok"},  // 2028-05-31: 91 days
        {"0109520123456788172805001012345", {2028, 3, 2}, Decision::Accept, "ok"},  // exactly 90
        {"0109520123456788172805001012345", {2028, 3, 3}, Decision::Refuse, "short-shelf-life"},
    };
    for (const auto& c : cases) {
        const auto parsed = scanner::parse_scan(c.data, "]d2", c.today);
        ASSERT_TRUE(parsed.ok()) << c.data;
        ASSERT_TRUE(parsed.code().expiry.has_value());
        EXPECT_EQ(parsed.code().expiry_precision, scanner::ExpiryPrecision::Month);
        const auto result = assess(parsed.code(), c.today, PolicyRules{}, known());
        EXPECT_EQ(result.decision, c.decision) << c.data << " today " << scanner::to_iso(c.today);
        EXPECT_EQ(result.reason, c.reason) << c.data << " today " << scanner::to_iso(c.today);
    }
    const auto feb = scanner::parse_scan("0109520123456788172802001012345", "]d2", kToday);
    ASSERT_TRUE(feb.ok());
    EXPECT_EQ(*feb.code().expiry, (scanner::Date{2028, 2, 29}));
    const auto feb_common = scanner::parse_scan("0109520123456788172702001012345", "]d2", kToday);
    ASSERT_TRUE(feb_common.ok());
    EXPECT_EQ(*feb_common.code().expiry, (scanner::Date{2027, 2, 28}));
    // 2027-02-28 is 91 days after today: accepted; with a 92-day minimum it is short.
    EXPECT_EQ(assess(feb_common.code(), kToday, PolicyRules{}, known()).decision, Decision::Accept);
    PolicyRules stricter;
    stricter.minimum_shelf_life_days = 92;
    EXPECT_EQ(assess(feb_common.code(), kToday, stricter, known()).reason, "short-shelf-life");
}

TEST(Policy, NoExpiryAsksTheDonorForMonthAndYear) {
    const auto result = assess(pack_without_expiry(), kToday, PolicyRules{}, known());
    EXPECT_EQ(result.decision, Decision::AskExpiry);
    EXPECT_EQ(result.reason, "ask-expiry");
    EXPECT_EQ(result.message_key, "result.ask_expiry");
    EXPECT_EQ(to_string(result.decision), "ask-expiry");
}

TEST(Policy, DevicesNeedNoExpiryButMustNotBeExpiredWhenDated) {
    ProductInfo thermometer{"", "", "device", false, false, false, false, true};
    const auto undated = assess(pack_without_expiry(), kToday, PolicyRules{}, known(thermometer));
    EXPECT_EQ(undated.decision, Decision::Accept);
    EXPECT_EQ(undated.reason, "device");
    // A dated device inside the 90 days is fine; past its date it is not.
    EXPECT_EQ(assess(pack_expiring({2026, 12, 1}), kToday, PolicyRules{}, known(thermometer)).decision,
              Decision::Accept);
    EXPECT_EQ(assess(pack_expiring({2026, 11, 1}), kToday, PolicyRules{}, known(thermometer)).reason,
              "expired");
}

TEST(Policy, RecalledBatchIsRefusedBeforeAnythingElse) {
    PolicyContext context = known();
    context.batch_recalled = true;
    context.serial_already_recorded = true;
    const auto result = assess(pack_expiring({2028, 1, 1}), kToday, PolicyRules{}, context);
    EXPECT_EQ(result.decision, Decision::Refuse);
    EXPECT_EQ(result.reason, "recalled");
    EXPECT_EQ(result.message_key, "result.recalled");
}

TEST(Policy, ASerialAlreadyRecordedIsADuplicate) {
    PolicyContext context = known();
    context.serial_already_recorded = true;
    const auto result = assess(pack_expiring({2028, 1, 1}), kToday, PolicyRules{}, context);
    EXPECT_EQ(result.decision, Decision::Refuse);
    EXPECT_EQ(result.reason, "duplicate");
}

TEST(Policy, ExcludedCategoriesAndFlagsAreRefused) {
    PolicyRules rules;
    rules.excluded_categories = {"controlled", "cold-chain"};
    ProductInfo sedative{"", "", "sleep", true, true, false, false, false};
    ProductInfo insulin{"", "", "diabetes", true, false, true, true, false};
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, rules, known(sedative)).reason,
              "excluded-category");
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, rules, known(insulin)).reason, "excluded-category");
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, rules, known()).decision, Decision::Accept);
    rules.excluded_categories = {"fever"};
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, rules, known()).message_key,
              "result.excluded_category");
}

TEST(Policy, ADriveAcceptsOnlyItsCategories) {
    PolicyContext context = known();
    context.drive = DriveInfo{"winter fever drive", {"fever", "cough"}, std::nullopt, {}};
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, PolicyRules{}, context).decision, Decision::Accept);
    context.product = ProductInfo{"", "", "antiviral", false, false, false, false, false};
    EXPECT_EQ(assess(pack_expiring({2028, 1, 1}), kToday, PolicyRules{}, context).reason,
              "excluded-category");
}

TEST(Policy, ShelfLifeIsSetPerCategoryAndPerDrive) {
    PolicyRules rules;
    rules.shelf_life_by_category = {{"antiviral", 180}};
    ProductInfo antiviral{"", "", "antiviral", false, false, false, false, false};
    const scanner::Date in_150_days{2027, 4, 28};
    ASSERT_EQ(days_between(kToday, in_150_days), 150);
    EXPECT_EQ(assess(pack_expiring(in_150_days), kToday, rules, known()).decision, Decision::Accept);
    const auto short_antiviral = assess(pack_expiring(in_150_days), kToday, rules, known(antiviral));
    EXPECT_EQ(short_antiviral.reason, "short-shelf-life");
    EXPECT_EQ(short_antiviral.minimum_shelf_life_days, 180);

    // The drive's general limit overrides the county's general one; its per-category limit wins overall.
    PolicyContext drive_context = known();
    drive_context.drive = DriveInfo{"spring", {}, 200, {}};
    EXPECT_EQ(assess(pack_expiring(in_150_days), kToday, rules, drive_context).reason, "short-shelf-life");
    drive_context.product = antiviral;
    drive_context.drive->shelf_life_by_category = {{"antiviral", 120}};
    EXPECT_EQ(assess(pack_expiring(in_150_days), kToday, rules, drive_context).decision, Decision::Accept);
    // Exactly the per-category minimum is accepted.
    drive_context.drive->shelf_life_by_category = {{"antiviral", 150}};
    EXPECT_EQ(assess(pack_expiring(in_150_days), kToday, rules, drive_context).decision, Decision::Accept);
    drive_context.drive->shelf_life_by_category = {{"antiviral", 151}};
    EXPECT_EQ(assess(pack_expiring(in_150_days), kToday, rules, drive_context).reason, "short-shelf-life");
}

TEST(Policy, AnUnknownProductGoesToReviewUnlessSwitchedOff) {
    const PolicyContext unknown;
    const auto review = assess(pack_expiring({2028, 1, 1}), kToday, PolicyRules{}, unknown);
    EXPECT_EQ(review.decision, Decision::Review);
    EXPECT_EQ(review.reason, "unclassified");
    // An unknown product that is plainly expired is still refused, and one without a date asks first.
    EXPECT_EQ(assess(pack_expiring({2026, 1, 1}), kToday, PolicyRules{}, unknown).reason, "expired");
    EXPECT_EQ(assess(pack_without_expiry(), kToday, PolicyRules{}, unknown).decision, Decision::AskExpiry);
    PolicyRules strict;
    strict.accept_unknown_for_review = false;
    const auto refused = assess(pack_expiring({2028, 1, 1}), kToday, strict, unknown);
    EXPECT_EQ(refused.decision, Decision::Refuse);
    EXPECT_EQ(refused.reason, "unknown-product");
}

TEST(Policy, RulesRoundTripThroughJsonAndBadJsonIsRefused) {
    auto rules = policy_rules_from_json(
        R"({"minimum_shelf_life_days": 120, "shelf_life_by_category": {"antiviral": 180},
            "excluded_categories": ["controlled"], "accept_unknown_for_review": false})",
        PolicyRules{});
    ASSERT_TRUE(rules) << rules.error().message;
    EXPECT_EQ(rules->minimum_shelf_life_days, 120);
    EXPECT_EQ(rules->shelf_life_by_category.at("antiviral"), 180);
    EXPECT_EQ(rules->excluded_categories.count("controlled"), 1u);
    EXPECT_FALSE(rules->accept_unknown_for_review);
    auto again = policy_rules_from_json(policy_rules_to_json(*rules), PolicyRules{});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->minimum_shelf_life_days, 120);

    for (const char* bad :
         {"[]", "{\"minimum_shelf_life_days\": -1}", "{\"minimum_shelf_life_days\": \"90\"}",
          "{\"excluded_categories\": \"controlled\"}", "{\"colour\": 1}", "not json"}) {
        const auto refused = policy_rules_from_json(bad, PolicyRules{});
        EXPECT_FALSE(refused) << bad;
        EXPECT_FALSE(refused.error().message.empty()) << bad;
    }
}

// Every reason the policy can give has a sentence in both languages.
TEST(Policy, EveryReasonHasASentenceInBothLanguages) {
    for (const char* language : {"en", "zh-CN"}) {
        std::ifstream in(std::string(MEDKIOSK_ASSETS_DIR) + "/lang/" + language + ".json");
        ASSERT_TRUE(in) << language;
        const auto strings = nlohmann::json::parse(in);
        for (const char* key :
             {"result.accepted", "result.expired", "result.short_shelf_life", "result.no_expiry",
              "result.ask_expiry", "result.recalled", "result.duplicate", "result.excluded_category",
              "result.unclassified", "result.unknown_product", "result.device"}) {
            ASSERT_TRUE(strings.contains(key)) << language << " lacks " << key;
            EXPECT_FALSE(strings[key].get<std::string>().empty()) << language << " " << key;
        }
    }
}

}  // namespace
}  // namespace medkiosk::kiosk
