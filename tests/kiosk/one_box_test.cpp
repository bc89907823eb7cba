// Issue 16: the donor's flow holds one box at a time. Another code in view waits its turn and comes
// next; a box in view at Start is judged; a recorded box still in view stays recorded; boxes are counted
// as boxes; the kiosk returns to the start only after a "Still there?" warning, from the last touch, and
// the next donor finds the kiosk's own language.
#include <gtest/gtest.h>

#include "medkiosk/kiosk/donation_flow.hpp"
#include "recording_ledger.hpp"
#include "scanned_box.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

using FakeLedger = RecordingLedger;

const scanner::Date kToday{2026, 11, 29};

const scanner::ScanEvent kGs1 = scanned_box("06900000000021", scanner::Date{2027, 6, 30});
const scanner::ScanEvent kEan = scanned_box("06901234567892", std::nullopt, 600);
const scanner::ScanEvent kExpired = scanned_box("06900000000014", scanner::Date{2026, 1, 31}, 300);

class OneBoxTest : public ::testing::Test {
  protected:
    FakeLedger ledger;
    DonationFlow flow{ledger, FlowSettings{}};
    Clock::time_point t0 = Clock::now();

    void begin() {
        flow.start(t0);
        flow.on_reply(
            LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", "2026-11-29T04:00:00Z"}});
        ASSERT_TRUE(flow.session());
    }
    // The camera keeps seeing these codes from `from` to `to`, a decoded frame every 100 ms.
    void in_view(std::initializer_list<scanner::ScanEvent> boxes, Clock::time_point from,
                 Clock::time_point to) {
        std::vector<scanner::DecodedSymbol> symbols;
        for (const auto& event : boxes) symbols.push_back(event.symbol);
        for (auto at = from; at <= to; at += 100ms) {
            flow.on_view(symbols, at);
            flow.tick(at);
        }
    }
    void record_reply() { flow.on_reply(LedgerReply{ledger.tickets, storage::DropOffRecord{}}); }
    std::uint64_t shown_id() const { return flow.current() ? flow.current()->id : 0; }
};

TEST_F(OneBoxTest, AnotherCodeWhileTheDonorAnswersWaitsAndComesNextWithNothingLost) {
    begin();
    flow.on_scan(kEan, kToday, t0);
    ASSERT_EQ(flow.screen(), Screen::AskExpiry);
    const auto ean_id = shown_id();

    // The GS1 box comes into view while the donor is asked the EAN box's expiry.
    flow.on_scan(kGs1, kToday, t0 + 1s);
    EXPECT_TRUE(flow.waiting_box());
    EXPECT_EQ(flow.screen(), Screen::AskExpiry) << "the question stays";
    EXPECT_EQ(shown_id(), ean_id);
    in_view({kEan, kGs1}, t0 + 1s, t0 + 3s);
    EXPECT_EQ(shown_id(), ean_id);

    flow.pick_expiry(2028, 5, t0 + 3s);
    ASSERT_EQ(flow.screen(), Screen::Scan);
    EXPECT_EQ(shown_id(), ean_id) << "an accepted pack holds the screen until recorded or dismissed";
    EXPECT_EQ(flow.current()->expiry_source, ExpirySource::Picker);
    in_view({kEan, kGs1}, t0 + 3s, t0 + 8s);
    EXPECT_EQ(shown_id(), ean_id);
    flow.choose(t0 + 8s);
    flow.on_scan(kGs1, kToday, t0 + 9s);  // the scanner repeats a code held in view
    flow.change_quantity(1, t0 + 9s);
    EXPECT_EQ(flow.current()->quantity, 2) << "the details are not lost either";
    flow.confirm(t0 + 10s);
    record_reply();
    EXPECT_EQ(flow.current()->state, CurrentPack::State::Saved);

    // "Recorded" is read, then the waiting box comes on its own: no tap.
    in_view({kEan, kGs1}, t0 + 10s, t0 + 11s);
    EXPECT_EQ(flow.current()->state, CurrentPack::State::Saved);
    in_view({kEan, kGs1}, t0 + 11s, t0 + 13s);
    ASSERT_NE(shown_id(), ean_id);
    EXPECT_EQ(flow.current()->symbol.text, kGs1.symbol.text);
    EXPECT_FALSE(flow.waiting_box());
    ASSERT_EQ(ledger.recorded.size(), 1u);
    EXPECT_EQ(ledger.recorded[0].expiry, "2028-05-31");
    EXPECT_EQ(ledger.recorded[0].quantity, 2);
}

TEST_F(OneBoxTest, AWaitingBoxThatWasPutDownIsNotShown) {
    begin();
    flow.on_scan(kGs1, kToday, t0);
    flow.on_scan(kEan, kToday, t0 + 1s);
    EXPECT_TRUE(flow.waiting_box());
    in_view({kGs1}, t0 + 1s, t0 + 5s);  // the EAN box left the view
    flow.dismiss(t0 + 5s);
    EXPECT_FALSE(flow.current()) << "only a box still in front of the camera is taken next";
    EXPECT_FALSE(flow.waiting_box());
}

TEST_F(OneBoxTest, ScanAnotherTakesTheWaitingBoxAtOnceAndNotTheDismissedOne) {
    begin();
    flow.on_scan(kGs1, kToday, t0);
    flow.on_scan(kEan, kToday, t0 + 1s);
    in_view({kGs1, kEan}, t0 + 1s, t0 + 2s);
    flow.dismiss(t0 + 2s);
    ASSERT_TRUE(flow.current());
    EXPECT_EQ(flow.current()->symbol.text, kEan.symbol.text);
    flow.dismiss(t0 + 3s);
    flow.on_scan(kGs1, kToday, t0 + 3s);  // still in view, read again after the scanner's hold
    EXPECT_FALSE(flow.current()) << "a dismissed box still in view does not come back";
    in_view({}, t0 + 3s, t0 + 6s);
    flow.on_scan(kGs1, kToday, t0 + 6s);
    ASSERT_TRUE(flow.current()) << "shown again after it left the view";
}

TEST_F(OneBoxTest, ARefusalIsReadBeforeTheWaitingBoxTakesItsPlace) {
    begin();
    flow.on_scan(kExpired, kToday, t0);
    ASSERT_EQ(flow.current()->assessment.decision, Decision::Refuse);
    const auto refused_id = shown_id();
    flow.on_scan(kGs1, kToday, t0 + 500ms);
    EXPECT_TRUE(flow.waiting_box());
    in_view({kExpired, kGs1}, t0 + 500ms, t0 + 2400ms);
    EXPECT_EQ(shown_id(), refused_id);
    in_view({kExpired, kGs1}, t0 + 2400ms, t0 + 2600ms);
    EXPECT_NE(shown_id(), refused_id);
    EXPECT_EQ(flow.current()->symbol.text, kGs1.symbol.text);
}

TEST_F(OneBoxTest, ABoxAlreadyInViewAtStartIsJudged) {
    flow.on_scan(kGs1, kToday, t0);  // read while the donor reads the welcome screen
    EXPECT_EQ(flow.screen(), Screen::Welcome);
    EXPECT_FALSE(flow.current());
    in_view({kGs1}, t0, t0 + 4s);
    t0 += 4s;
    begin();
    ASSERT_TRUE(flow.current()) << "the box held up before Start is judged at Start";
    EXPECT_EQ(flow.current()->symbol.text, kGs1.symbol.text);
    EXPECT_EQ(flow.current()->assessment.decision, Decision::Accept);
}

TEST_F(OneBoxTest, ABoxThatLeftBeforeStartIsNotJudged) {
    flow.on_scan(kGs1, kToday, t0);
    in_view({}, t0, t0 + 3s);
    t0 += 3s;
    begin();
    EXPECT_FALSE(flow.current());
}

TEST_F(OneBoxTest, ARecordedBoxStaysRecordedWhileInView) {
    begin();
    flow.on_scan(kEan, kToday, t0);
    flow.pick_expiry(2028, 1, t0 + 1s);
    flow.choose(t0 + 2s);
    flow.confirm(t0 + 3s);
    record_reply();
    const auto id = shown_id();
    // The box stays in front of the camera for half a minute; the scanner repeats its code every 8 s.
    for (int second = 3; second <= 33; second += 8) {
        in_view({kEan}, t0 + std::chrono::seconds(second), t0 + std::chrono::seconds(second + 8));
        flow.on_scan(kEan, kToday, t0 + std::chrono::seconds(second + 8));
        EXPECT_EQ(shown_id(), id);
        EXPECT_EQ(flow.screen(), Screen::Scan) << "not asked about again";
    }
    EXPECT_EQ(flow.recorded_count(), 1);
    in_view({}, t0 + 42s, t0 + 44s);  // put away; a second box of the product comes
    flow.on_scan(kEan, kToday, t0 + 45s);
    EXPECT_NE(shown_id(), id);
    EXPECT_EQ(flow.screen(), Screen::AskExpiry);
}

TEST_F(OneBoxTest, BoxesAreCountedAsBoxes) {
    begin();
    flow.on_scan(kGs1, kToday, t0);
    flow.choose(t0);
    flow.change_quantity(1, t0);
    flow.confirm(t0);
    record_reply();
    flow.on_scan(kEan, kToday, t0 + 5s);
    flow.pick_expiry(2028, 1, t0 + 6s);
    flow.choose(t0 + 6s);
    flow.confirm(t0 + 6s);
    record_reply();
    EXPECT_EQ(flow.recorded_count(), 2);
    EXPECT_EQ(flow.recorded_boxes(), 3) << "one pack of 2 boxes plus one box";
    flow.finish(t0 + 7s);
    EXPECT_EQ(flow.screen(), Screen::Receipt);
    EXPECT_EQ(flow.recorded_boxes(), 3);
}

TEST_F(OneBoxTest, StillThereIsAskedBeforeAnyResetAndATouchKeepsTheDonation) {
    begin();
    flow.on_scan(kGs1, kToday, t0);
    const auto idle = flow.settings().idle_timeout;
    const auto warning = flow.settings().countdown;
    EXPECT_FALSE(flow.countdown_seconds(t0 + idle - warning - 1s));
    ASSERT_TRUE(flow.countdown_seconds(t0 + idle - warning));
    EXPECT_EQ(*flow.countdown_seconds(t0 + idle - 5s), 5);
    flow.touch(t0 + idle - 5s);  // "Tap to continue"
    EXPECT_FALSE(flow.countdown_seconds(t0 + idle - 4s));
    flow.tick(t0 + idle + 1s);
    EXPECT_EQ(flow.screen(), Screen::Scan) << "timed from the last touch";
    EXPECT_TRUE(flow.current());
}

TEST_F(OneBoxTest, TheSameBoxHeldInViewDoesNotKeepAnAbandonedDonationOpen) {
    begin();
    flow.on_scan(kGs1, kToday, t0);
    const auto idle = flow.settings().idle_timeout;
    for (auto at = t0; at < t0 + idle; at += 8s) {
        flow.on_view({kGs1.symbol}, at);
        flow.on_scan(kGs1, kToday, at);
    }
    flow.tick(t0 + idle);
    EXPECT_EQ(flow.screen(), Screen::Welcome);
}

TEST_F(OneBoxTest, TheReceiptWarnsTooAndTheNextDonorStartsInTheKiosksLanguage) {
    FlowSettings settings;
    settings.default_language = Language::Chinese;
    DonationFlow kiosk{ledger, settings};
    EXPECT_EQ(kiosk.language(), Language::Chinese);
    kiosk.set_language(Language::English, t0);
    kiosk.start(t0);
    kiosk.on_reply(LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", ""}});
    kiosk.on_scan(kGs1, kToday, t0);
    kiosk.choose(t0);
    kiosk.confirm(t0);
    kiosk.on_reply(LedgerReply{ledger.tickets, storage::DropOffRecord{}});
    kiosk.finish(t0 + 1s);
    ASSERT_EQ(kiosk.screen(), Screen::Receipt);
    EXPECT_EQ(kiosk.language(), Language::English);
    const auto shown = settings.receipt_shown;
    EXPECT_FALSE(kiosk.countdown_seconds(t0 + 1s + shown - settings.countdown - 1s));
    EXPECT_TRUE(kiosk.countdown_seconds(t0 + 1s + shown - settings.countdown));
    kiosk.tick(t0 + 1s + shown);
    EXPECT_EQ(kiosk.screen(), Screen::Welcome);
    EXPECT_EQ(kiosk.language(), Language::Chinese);

    // English chosen on the welcome screen by someone who then walked away.
    kiosk.set_language(Language::English, t0 + 100s);
    kiosk.tick(t0 + 100s + settings.idle_timeout - 1s);
    EXPECT_EQ(kiosk.language(), Language::English);
    kiosk.tick(t0 + 100s + settings.idle_timeout);
    EXPECT_EQ(kiosk.language(), Language::Chinese);

    // A technician's new kiosk language applies at once on the welcome screen.
    kiosk.set_default_language(Language::English);
    EXPECT_EQ(kiosk.language(), Language::English);
}

TEST_F(OneBoxTest, LargerTextLastsOneDonorAndTheNextStartsAtTheNormalSize) {
    FlowSettings settings;
    DonationFlow kiosk{ledger, settings};
    EXPECT_FALSE(kiosk.larger_text());
    kiosk.toggle_larger_text(t0);
    EXPECT_TRUE(kiosk.larger_text());
    kiosk.start(t0);
    kiosk.on_reply(LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", ""}});
    kiosk.on_scan(kGs1, kToday, t0);
    kiosk.choose(t0);
    EXPECT_TRUE(kiosk.larger_text()) << "kept through the donation";
    kiosk.confirm(t0);
    kiosk.on_reply(LedgerReply{ledger.tickets, storage::DropOffRecord{}});
    kiosk.finish(t0 + 1s);
    ASSERT_EQ(kiosk.screen(), Screen::Receipt);
    EXPECT_TRUE(kiosk.larger_text()) << "the donor still reads the receipt";
    kiosk.tick(t0 + 1s + settings.receipt_shown);
    ASSERT_EQ(kiosk.screen(), Screen::Welcome);
    EXPECT_FALSE(kiosk.larger_text()) << "the next donor starts at the normal size";

    // Asked for on the welcome screen by someone who then walked away.
    kiosk.toggle_larger_text(t0 + 100s);
    kiosk.tick(t0 + 100s + settings.idle_timeout - 1s);
    EXPECT_TRUE(kiosk.larger_text());
    kiosk.tick(t0 + 100s + settings.idle_timeout);
    EXPECT_FALSE(kiosk.larger_text());

    // A second tap turns it off again; a donation abandoned mid-way resets it too.
    kiosk.toggle_larger_text(t0 + 200s);
    kiosk.toggle_larger_text(t0 + 200s);
    EXPECT_FALSE(kiosk.larger_text());
    kiosk.toggle_larger_text(t0 + 200s);
    kiosk.start(t0 + 200s);
    kiosk.tick(t0 + 200s + settings.idle_timeout);
    EXPECT_EQ(kiosk.screen(), Screen::Welcome);
    EXPECT_FALSE(kiosk.larger_text());
}

}  // namespace
}  // namespace medkiosk::kiosk
