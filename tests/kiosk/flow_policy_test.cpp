// The donation flow under the full policy: the catalogue snapshot names and classifies the pack, the
// ledger's per-pack checks refuse recalled batches and serials given before.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "medkiosk/kiosk/catalogue_import.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/policy_lookup.hpp"

namespace medkiosk::kiosk {
namespace {

const scanner::Date kToday{2026, 11, 29};

std::string read_sample_catalogue() {
    std::ifstream in(std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Stands in for the ledger thread: records requests and lets the test answer them.
class PolicyLedger : public LedgerPort, public PolicySource {
  public:
    PolicyLedger() {
        auto parse = parse_catalogue_csv(read_sample_catalogue());
        EXPECT_TRUE(parse.ok());
        EXPECT_FALSE(parse.entries.empty());
        auto loaded = std::make_shared<PolicySnapshot>();
        for (const auto& entry : parse.entries)
            loaded->products.emplace(entry.product_id, product_info(entry));
        loaded->drive = DriveInfo{"winter drive", {}, std::nullopt, {}};
        loaded->drive_id = 4;
        loaded->loaded_for = kToday;
        snapshot = loaded;
    }
    std::uint64_t begin_session() override { return ++tickets; }
    std::uint64_t record(storage::DropOffInput input) override {
        recorded.push_back(std::move(input));
        return ++tickets;
    }
    std::uint64_t check_pack(const std::string& gtin, const std::string& batch,
                             const std::string& serial) override {
        checks.push_back(gtin + "/" + batch + "/" + serial);
        return ++tickets;
    }
    std::shared_ptr<const PolicySnapshot> policy() const override { return snapshot; }
    void refresh_policy() override { ++refreshes; }

    std::shared_ptr<PolicySnapshot> snapshot;
    std::uint64_t tickets = 0;
    int refreshes = 0;
    std::vector<storage::DropOffInput> recorded;
    std::vector<std::string> checks;
};

scanner::ScanEvent pack_event(std::string gtin, std::optional<scanner::Date> expiry,
                              std::string serial = "S1") {
    scanner::PackCode pack;
    pack.scheme = scanner::Scheme::Gs1;
    pack.gtin = gtin;
    pack.batch = "B7";
    pack.serial = serial;
    pack.expiry = expiry;
    scanner::DecodedSymbol symbol;
    symbol.format = "DataMatrix";
    symbol.text = "01" + gtin + "21" + serial;
    return scanner::ScanEvent{symbol, scanner::ParseResult(pack), 1};
}

class FlowPolicyTest : public ::testing::Test {
  protected:
    PolicyLedger ledger;
    SnapshotProductInfo products{ledger};
    DonationFlow flow{ledger, FlowSettings{}, &products, &ledger};
    Clock::time_point t0 = Clock::now();

    void SetUp() override {
        flow.start(t0);
        flow.on_reply(
            LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", "2026-11-29T04:00:00Z"}});
        ASSERT_TRUE(flow.session());
    }
    void answer_checks(bool recalled, bool duplicate) {
        flow.on_reply(LedgerReply{ledger.tickets, PackChecks{recalled, duplicate}});
    }
};

TEST_F(FlowPolicyTest, StartingADonationReloadsThePolicy) {
    EXPECT_EQ(ledger.refreshes, 1);
}

TEST_F(FlowPolicyTest, ACatalogueProductIsNamedAndRecordedWithItsCategoryAndDrive) {
    flow.on_scan(pack_event("06900000000021", scanner::Date{2027, 6, 30}), kToday, t0);
    ASSERT_TRUE(flow.current());
    ASSERT_EQ(ledger.checks.size(), 1u);
    EXPECT_EQ(ledger.checks[0], "06900000000021/B7/S1");
    ASSERT_TRUE(flow.current()->product);
    EXPECT_EQ(flow.current()->product->name_en, "Ibuprofen sustained-release capsules");
    EXPECT_EQ(flow.current()->product->name_zh, "布洛芬缓释胶囊");
    EXPECT_TRUE(flow.current()->checking);
    EXPECT_FALSE(flow.can_choose()) << "not before the ledger said it is neither recalled nor a duplicate";
    flow.confirm(t0);
    EXPECT_TRUE(ledger.recorded.empty());

    answer_checks(false, false);
    EXPECT_FALSE(flow.current()->checking);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Accept);
    EXPECT_EQ(flow.current()->assessment.reason, "ok");
    ASSERT_TRUE(flow.can_choose());
    flow.confirm(t0);
    ASSERT_EQ(ledger.recorded.size(), 1u);
    EXPECT_EQ(ledger.recorded[0].category, "fever");
    EXPECT_EQ(ledger.recorded[0].drive_id, 4);
    EXPECT_EQ(ledger.recorded[0].decision, "accept");
}

TEST_F(FlowPolicyTest, ARecalledBatchIsRefusedAndCannotBeRecorded) {
    flow.on_scan(pack_event("06900000000014", scanner::Date{2027, 6, 30}), kToday, t0);
    answer_checks(true, false);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Refuse);
    EXPECT_EQ(flow.current()->assessment.reason, "recalled");
    EXPECT_EQ(flow.current()->assessment.message_key, "result.recalled");
    EXPECT_FALSE(flow.can_choose());
    flow.confirm(t0);
    EXPECT_TRUE(ledger.recorded.empty());
}

TEST_F(FlowPolicyTest, ASerialRecordedBeforeIsRefusedAsDuplicate) {
    flow.on_scan(pack_event("06900000000014", scanner::Date{2027, 6, 30}), kToday, t0);
    answer_checks(false, true);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Refuse);
    EXPECT_EQ(flow.current()->assessment.reason, "duplicate");
    EXPECT_EQ(flow.current()->assessment.message_key, "result.duplicate");
    flow.confirm(t0);
    EXPECT_TRUE(ledger.recorded.empty());
}

TEST_F(FlowPolicyTest, AnUnknownProductGoesToThePharmacist) {
    flow.on_scan(pack_event("04006381333931", scanner::Date{2027, 6, 30}), kToday, t0);
    answer_checks(false, false);
    EXPECT_FALSE(flow.current()->product);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Review);
    EXPECT_EQ(flow.current()->assessment.reason, "unclassified");
    flow.confirm(t0);
    ASSERT_EQ(ledger.recorded.size(), 1u);
    EXPECT_EQ(ledger.recorded[0].decision, "review");
    EXPECT_EQ(ledger.recorded[0].category, "");
}

TEST_F(FlowPolicyTest, CountyRulesFromTheSnapshotOverrideTheKioskDefaults) {
    ledger.snapshot->rules_json = R"({"excluded_categories": ["fever"]})";
    flow.on_scan(pack_event("06900000000021", scanner::Date{2027, 6, 30}), kToday, t0);
    answer_checks(false, false);
    EXPECT_EQ(flow.current()->assessment.reason, "excluded-category");
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Refuse);
}

// Issue 16: the verdict, and the expiry question with it, come once the ledger's checks are back; a
// recalled pack is never asked its expiry first.
TEST_F(FlowPolicyTest, TheExpiryQuestionWaitsForTheLedgersChecks) {
    flow.on_scan(pack_event("06900000000014", std::nullopt), kToday, t0);
    EXPECT_EQ(flow.screen(), Screen::Scan);
    EXPECT_FALSE(flow.verdict_ready());
    answer_checks(true, false);
    EXPECT_TRUE(flow.verdict_ready());
    EXPECT_EQ(flow.screen(), Screen::Scan);
    EXPECT_EQ(flow.current()->assessment.reason, "recalled");
}

TEST_F(FlowPolicyTest, ACleanCheckKeepsTheExpiryQuestionAndThePickedDateIsJudgedWithIt) {
    flow.on_scan(pack_event("06900000000014", std::nullopt), kToday, t0);
    answer_checks(false, false);
    EXPECT_EQ(flow.screen(), Screen::AskExpiry);
    flow.pick_expiry(2028, 2, t0);
    EXPECT_EQ(flow.screen(), Screen::Scan);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Accept);
}

TEST_F(FlowPolicyTest, AFailedCheckSendsAnAcceptablePackToThePharmacist) {
    flow.on_scan(pack_event("06900000000021", scanner::Date{2027, 6, 30}), kToday, t0);
    flow.on_reply(LedgerReply{ledger.tickets, Error{ErrorCode::Io, "disk gone"}});
    EXPECT_FALSE(flow.current()->checking);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Review);
}

TEST_F(FlowPolicyTest, AJustRecordedPackStillInFrontOfTheCameraIsNotShownAgain) {
    const auto event = pack_event("06900000000021", scanner::Date{2027, 6, 30});
    flow.on_scan(event, kToday, t0);
    answer_checks(false, false);
    flow.confirm(t0);
    flow.on_reply(LedgerReply{ledger.tickets, storage::DropOffRecord{}});
    ASSERT_EQ(flow.current()->state, CurrentPack::State::Saved);
    flow.on_scan(event, kToday, t0);
    EXPECT_EQ(flow.current()->state, CurrentPack::State::Saved);
    EXPECT_EQ(ledger.checks.size(), 1u);
}

TEST_F(FlowPolicyTest, ASnapshotFromAnotherDayIsReloadedOnce) {
    flow.on_scan(pack_event("06900000000021", scanner::Date{2027, 6, 30}), scanner::Date{2026, 11, 30}, t0);
    flow.dismiss(t0);
    flow.on_scan(pack_event("06900000000014", scanner::Date{2027, 6, 30}), scanner::Date{2026, 11, 30}, t0);
    EXPECT_EQ(ledger.refreshes, 2);  // one on start, one for the new day
}

TEST(FlowPolicy, WithoutASnapshotYetEveryProductIsUnknown) {
    PolicyLedger ledger;
    ledger.snapshot.reset();
    DonationFlow flow{ledger, FlowSettings{}, nullptr, &ledger};
    flow.start(Clock::now());
    flow.on_scan(pack_event("06900000000021", scanner::Date{2027, 6, 30}), kToday, Clock::now());
    EXPECT_FALSE(flow.current()->product);
    flow.on_reply(LedgerReply{ledger.tickets, PackChecks{}});
    EXPECT_EQ(flow.current()->assessment.reason, "unclassified");
}

}  // namespace
}  // namespace medkiosk::kiosk

namespace medkiosk::kiosk {
namespace {

// Issue 16: an expired pack that is in the catalogue never says "not in the catalogue", even when it
// was shown before the ledger thread had loaded the catalogue: its verdict waits for the checks, which
// the ledger thread answers after the load.
TEST(FlowPolicy, APackShownBeforeTheCatalogueLoadedIsJudgedWithItOnceTheChecksAreBack) {
    PolicyLedger ledger;
    const auto loaded = ledger.snapshot;
    ledger.snapshot.reset();
    SnapshotProductInfo products{ledger};
    DonationFlow flow{ledger, FlowSettings{}, &products, &ledger};
    const auto t0 = Clock::now();
    flow.start(t0);
    flow.on_scan(pack_event("06900000000021", scanner::Date{2026, 1, 31}), kToday, t0);
    EXPECT_FALSE(flow.verdict_ready());
    ledger.snapshot = loaded;
    flow.on_reply(LedgerReply{ledger.tickets, PackChecks{}});
    ASSERT_TRUE(flow.verdict_ready());
    ASSERT_TRUE(flow.current()->product);
    EXPECT_EQ(flow.current()->product->name_en, "Ibuprofen sustained-release capsules");
    EXPECT_EQ(flow.current()->assessment.reason, "expired");
    EXPECT_EQ(flow.current()->context.product->category, "fever");
}

}  // namespace
}  // namespace medkiosk::kiosk
