#include "medkiosk/kiosk/donation_flow.hpp"

#include <gtest/gtest.h>

#include "recording_ledger.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

const scanner::Date kToday{2026, 11, 29};

scanner::ScanEvent gs1_event(scanner::Date expiry) {
    scanner::PackCode pack;
    pack.scheme = scanner::Scheme::Gs1;
    pack.gtin = "09520123456788";
    pack.batch = "B12";
    pack.serial = "SER123";
    pack.expiry = expiry;
    scanner::DecodedSymbol symbol;
    symbol.format = "DataMatrix";
    symbol.text = "0109520123456788...";
    return scanner::ScanEvent{symbol, scanner::ParseResult(pack), 1};
}

class DonationFlowTest : public ::testing::Test {
  protected:
    RecordingLedger ledger;
    DonationFlow flow{ledger};
    Clock::time_point t0 = Clock::now();

    void start_with_session() {
        flow.start(t0);
        flow.on_reply(LedgerReply{1, storage::DonationSession{7, "ABCD-EFGH-JKMN", "2026-11-29T04:00:00Z"}});
        ASSERT_TRUE(flow.session().has_value());
    }
};

TEST_F(DonationFlowTest, StartsOnWelcomeAndOpensASessionOnStart) {
    EXPECT_EQ(flow.screen(), Screen::Welcome);
    flow.start(t0);
    EXPECT_EQ(flow.screen(), Screen::Scan);
    EXPECT_EQ(ledger.tickets, 1u);
    EXPECT_FALSE(flow.session().has_value());
}

TEST_F(DonationFlowTest, AcceptedPackIsRecordedOnlyWhenTheDonorConfirms) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    ASSERT_TRUE(flow.current().has_value());
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Accept);
    EXPECT_TRUE(ledger.recorded.empty());

    flow.confirm(t0);
    ASSERT_EQ(ledger.recorded.size(), 1u);
    const auto& input = ledger.recorded.front();
    EXPECT_EQ(input.session_id, 7);
    EXPECT_EQ(input.scheme, "gs1");
    EXPECT_EQ(input.gtin, "09520123456788");
    EXPECT_EQ(input.batch, "B12");
    EXPECT_EQ(input.expiry, "2027-06-30");
    EXPECT_EQ(input.expiry_precision, "day");
    EXPECT_EQ(input.serial, "SER123");
    EXPECT_EQ(input.decision, "accept");
    EXPECT_EQ(flow.current()->state, CurrentPack::State::Saving);
    EXPECT_EQ(flow.recorded_count(), 0) << "not counted before the ledger committed";

    // A second confirm while saving must not record twice.
    flow.confirm(t0);
    EXPECT_EQ(ledger.recorded.size(), 1u);

    storage::DropOffRecord record;
    record.uuid = "u-1";
    flow.on_reply(LedgerReply{2, record});
    EXPECT_EQ(flow.current()->state, CurrentPack::State::Saved);
    EXPECT_EQ(flow.recorded_count(), 1);
}

TEST_F(DonationFlowTest, RefusedPackCannotBeRecorded) {
    start_with_session();
    flow.on_scan(gs1_event({2026, 1, 31}), kToday, t0);
    EXPECT_EQ(flow.current()->assessment.reason, "expired");
    EXPECT_FALSE(flow.can_confirm());
    flow.confirm(t0);
    EXPECT_TRUE(ledger.recorded.empty());
}

TEST_F(DonationFlowTest, NothingIsRecordedBeforeTheSessionExists) {
    flow.start(t0);
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    EXPECT_FALSE(flow.can_confirm());
    flow.confirm(t0);
    EXPECT_TRUE(ledger.recorded.empty());
}

TEST_F(DonationFlowTest, ALedgerFailureIsShownAndNotCounted) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    flow.confirm(t0);
    flow.on_reply(LedgerReply{2, Error{ErrorCode::DiskFull, "disk is full"}});
    EXPECT_EQ(flow.current()->state, CurrentPack::State::SaveFailed);
    EXPECT_EQ(flow.current()->save_error, "disk is full");
    EXPECT_EQ(flow.recorded_count(), 0);
}

TEST_F(DonationFlowTest, UnreadableCodeIsShownAsRefused) {
    start_with_session();
    scanner::ScanEvent event{
        scanner::DecodedSymbol{},
        scanner::ParseResult(scanner::ParseError{scanner::ParseErrorKind::BadCheckDigit, "bad check digit"}),
        3};
    flow.on_scan(event, kToday, t0);
    ASSERT_TRUE(flow.current().has_value());
    EXPECT_FALSE(flow.current()->pack.has_value());
    EXPECT_EQ(flow.current()->parse_error, "bad check digit");
    EXPECT_FALSE(flow.can_confirm());
}

TEST_F(DonationFlowTest, FinishShowsTheReceiptAndDoneReturnsToWelcome) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    flow.confirm(t0);
    flow.on_reply(LedgerReply{2, storage::DropOffRecord{}});
    flow.finish(t0);
    EXPECT_EQ(flow.screen(), Screen::Receipt);
    EXPECT_EQ(flow.session()->receipt_code, "ABCD-EFGH-JKMN");
    flow.finish(t0);
    EXPECT_EQ(flow.screen(), Screen::Welcome);
    EXPECT_FALSE(flow.session().has_value());
    EXPECT_EQ(flow.recorded_count(), 0);
}

TEST_F(DonationFlowTest, FinishWhileSavingWaitsForTheLedger) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    flow.confirm(t0);
    flow.finish(t0);
    EXPECT_EQ(flow.screen(), Screen::Scan);
    flow.on_reply(LedgerReply{2, storage::DropOffRecord{}});
    EXPECT_EQ(flow.screen(), Screen::Receipt);
}

TEST_F(DonationFlowTest, FinishWithNothingRecordedGoesBackToWelcome) {
    start_with_session();
    flow.finish(t0);
    EXPECT_EQ(flow.screen(), Screen::Welcome);
}

TEST_F(DonationFlowTest, IdleTimeoutCountsDownThenDiscardsTheUnconfirmedPack) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    EXPECT_FALSE(flow.countdown_seconds(t0 + 60s).has_value());
    ASSERT_TRUE(flow.countdown_seconds(t0 + 75s).has_value());
    EXPECT_EQ(*flow.countdown_seconds(t0 + 75s), 15);
    flow.tick(t0 + 89s);
    EXPECT_EQ(flow.screen(), Screen::Scan);
    flow.tick(t0 + 90s);
    EXPECT_EQ(flow.screen(), Screen::Welcome);
    EXPECT_FALSE(flow.current().has_value());
    EXPECT_TRUE(ledger.recorded.empty());
}

TEST_F(DonationFlowTest, ATouchResetsTheIdleTimer) {
    start_with_session();
    flow.touch(t0 + 80s);
    flow.tick(t0 + 100s);
    EXPECT_EQ(flow.screen(), Screen::Scan);
}

TEST_F(DonationFlowTest, IdleTimeoutAfterRecordingShowsTheReceiptThenWelcome) {
    start_with_session();
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    flow.confirm(t0);
    flow.on_reply(LedgerReply{2, storage::DropOffRecord{}});
    flow.tick(t0 + 90s);
    EXPECT_EQ(flow.screen(), Screen::Receipt);
    flow.tick(t0 + 90s + 60s);
    EXPECT_EQ(flow.screen(), Screen::Welcome);
}

TEST_F(DonationFlowTest, ScansAreIgnoredOnWelcome) {
    flow.on_scan(gs1_event({2027, 6, 30}), kToday, t0);
    EXPECT_FALSE(flow.current().has_value());
}

}  // namespace
}  // namespace medkiosk::kiosk
