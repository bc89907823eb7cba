#pragma once
// Feeds the OCR reader the printed text of the box being asked about, and only that box, and hands
// its reading to the donation flow as a proposal.
//
// Each UI frame, while the flow asks the expiry of a pack: the newest decoded frame is submitted when
// the pack's own code is in it, with the region of the box that carries the code (box_region) — a frame
// without that code (the box put down, another box in front) is not read at all. The reader starts
// over whenever the pack changes, and a reading that belongs to an earlier pack is dropped. Each pack
// gets at most one proposal: after a "no" the donor's own answer in the picker is final.

#include <cstdint>
#include <optional>

#include "medkiosk/kiosk/box_region.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/expiry_reader.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

// What the feed needs of the OCR reader (ExpiryReader in the kiosk, see ExpiryReaderDates).
class BoxDateReader {
  public:
    virtual ~BoxDateReader() = default;
    virtual void start() = 0;  // loads the models on first use; later calls do nothing
    virtual void reset() = 0;  // a new pack: nothing read before can come out afterwards
    virtual void submit(const scanner::FramePtr& frame, const FrameQuad& region) = 0;
    virtual std::optional<ProposedExpiry> take() = 0;  // the agreed reading for the pack since reset()
};

// The kiosk's BoxDateReader: the ExpiryReader's worker thread, reading only inside the region.
class ExpiryReaderDates final : public BoxDateReader {
  public:
    explicit ExpiryReaderDates(ExpiryReader& reader, ExpiryReaderOptions options = {})
        : reader_(reader), options_(std::move(options)) {}
    void start() override { reader_.start(options_); }
    void reset() override { reader_.reset(); }
    void submit(const scanner::FramePtr& frame, const FrameQuad& region) override;
    std::optional<ProposedExpiry> take() override;

  private:
    ExpiryReader& reader_;
    ExpiryReaderOptions options_;
};

class ExpiryFeed {
  public:
    explicit ExpiryFeed(BoxDateReader& reader) : reader_(reader) {}

    // Once per UI frame, after the flow has had this frame's scans.
    void step(DonationFlow& flow, const scanner::DecodedView& view, Clock::time_point now);

    std::uint64_t frames_submitted() const { return frames_submitted_; }  // for tests and diagnostics

  private:
    BoxDateReader& reader_;
    std::uint64_t pack_id_ = 0;
    std::uint64_t last_frame_ = 0;
    bool proposed_ = false;
    std::uint64_t frames_submitted_ = 0;
};

}  // namespace medkiosk::kiosk
