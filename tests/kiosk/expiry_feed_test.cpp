// Issue 16: a date only from this box. The OCR reader gets only frames that show the code of the pack
// being asked about, only the region of the box carrying it, starts over for each pack, and gives each
// pack at most one proposal.
#include "medkiosk/kiosk/expiry_feed.hpp"

#include <gtest/gtest.h>

#include "recording_ledger.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

using FakeLedger = RecordingLedger;

// Records what it is given; a proposal queued by the test comes out once, and reset() drops it.
class FakeReader : public BoxDateReader {
  public:
    void start() override { ++starts; }
    void reset() override {
        ++resets;
        queued.reset();
    }
    void submit(const scanner::FramePtr& frame, const FrameQuad& region) override {
        submitted.emplace_back(frame->sequence, region);
    }
    std::optional<ProposedExpiry> take() override { return std::exchange(queued, std::nullopt); }

    int starts = 0;
    int resets = 0;
    std::vector<std::pair<std::uint64_t, FrameQuad>> submitted;
    std::optional<ProposedExpiry> queued;
};

scanner::ScanEvent box(const std::string& text, float x, std::optional<scanner::Date> expiry = std::nullopt) {
    scanner::PackCode pack;
    pack.scheme = expiry ? scanner::Scheme::Gs1 : scanner::Scheme::Gtin;
    pack.gtin = "0" + text;
    pack.expiry = expiry;
    scanner::DecodedSymbol symbol;
    symbol.format = "EAN-13";
    symbol.text = text;
    const float corners[4][2] = {{x, 300}, {x + 160, 300}, {x + 160, 400}, {x, 400}};
    for (int i = 0; i < 4; ++i) symbol.corners[i] = {corners[i][0], corners[i][1]};
    return scanner::ScanEvent{symbol, scanner::ParseResult(pack), 1};
}

scanner::DecodedView frame(std::uint64_t sequence, std::initializer_list<scanner::ScanEvent> boxes) {
    auto picture = std::make_shared<scanner::Frame>();
    picture->width = 1280;
    picture->height = 720;
    picture->sequence = sequence;
    scanner::DecodedView view{picture, {}};
    for (const auto& event : boxes) view.symbols.push_back(event.symbol);
    return view;
}

const scanner::Date kToday{2026, 11, 29};
const scanner::ScanEvent kAsked = box("6901234567892", 200);
const scanner::ScanEvent kOther = box("6909876543217", 800);

class ExpiryFeedTest : public ::testing::Test {
  protected:
    FakeLedger ledger;
    DonationFlow flow{ledger, FlowSettings{}};
    FakeReader reader;
    ExpiryFeed feed{reader};
    Clock::time_point t0 = Clock::now();

    void SetUp() override {
        flow.start(t0);
        flow.on_reply(LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", ""}});
        flow.on_scan(kAsked, kToday, t0);
        ASSERT_EQ(flow.screen(), Screen::AskExpiry);
    }
};

TEST_F(ExpiryFeedTest, OnlyFramesShowingTheAskedBoxAreReadAndOnlyInsideItsRegion) {
    feed.step(flow, frame(1, {kOther}), t0);  // another box in front of the camera
    feed.step(flow, frame(2, {}), t0);        // nothing in view
    EXPECT_TRUE(reader.submitted.empty());
    feed.step(flow, frame(3, {kAsked, kOther}), t0);
    ASSERT_EQ(reader.submitted.size(), 1u);
    const FrameQuad& region = reader.submitted[0].second;
    EXPECT_TRUE(contains(region, {280, 350})) << "the asked box's code";
    EXPECT_TRUE(contains(region, {280, 460})) << "the line printed under it";
    EXPECT_FALSE(contains(region, {880, 350})) << "the other box's code";
    EXPECT_FALSE(contains(region, {880, 460})) << "the line printed under the other box's code";
    feed.step(flow, frame(3, {kAsked, kOther}), t0);
    EXPECT_EQ(reader.submitted.size(), 1u) << "the same frame is not read twice";
}

TEST_F(ExpiryFeedTest, EachPackStartsTheReaderOverAndGetsOneProposal) {
    feed.step(flow, frame(1, {kAsked}), t0);
    EXPECT_EQ(reader.resets, 1);
    reader.queued = ProposedExpiry{{2027, 5, 31}, scanner::ExpiryPrecision::Month, "", 0, 0, {}};
    feed.step(flow, frame(2, {kAsked}), t0);
    ASSERT_EQ(flow.screen(), Screen::ConfirmExpiry);
    flow.answer_proposal(false, t0 + 1s);  // "no": the picker, and no second proposal for this pack
    reader.queued = ProposedExpiry{{2027, 5, 31}, scanner::ExpiryPrecision::Month, "", 0, 0, {}};
    feed.step(flow, frame(3, {kAsked}), t0 + 1s);
    EXPECT_EQ(flow.screen(), Screen::AskExpiry);
    EXPECT_EQ(reader.submitted.size(), 2u) << "frames 1 and 2; none after the proposal";

    // The next pack: the reader is reset before anything of it is read.
    flow.dismiss(t0 + 2s);
    flow.on_scan(kOther, kToday, t0 + 6s);
    ASSERT_EQ(flow.screen(), Screen::AskExpiry);
    feed.step(flow, frame(4, {kAsked, kOther}), t0 + 6s);
    EXPECT_EQ(reader.resets, 2);
    ASSERT_EQ(reader.submitted.size(), 3u);
    EXPECT_TRUE(contains(reader.submitted[2].second, {880, 350}));
    EXPECT_FALSE(contains(reader.submitted[2].second, {280, 350}));
}

TEST_F(ExpiryFeedTest, ABoxWaitingItsTurnIsNeverRead) {
    flow.on_scan(kOther, kToday, t0 + 1s);
    ASSERT_TRUE(flow.waiting_box());
    for (std::uint64_t sequence = 1; sequence <= 5; ++sequence)
        feed.step(flow, frame(sequence, {kOther}), t0 + 2s);
    EXPECT_TRUE(reader.submitted.empty());
}

}  // namespace
}  // namespace medkiosk::kiosk
