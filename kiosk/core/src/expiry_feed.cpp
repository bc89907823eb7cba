#include "medkiosk/kiosk/expiry_feed.hpp"

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {

void ExpiryReaderDates::submit(const scanner::FramePtr& frame, const FrameQuad& region) {
    // OCR reads only the text inside the box's region (scanner::ocr::TextReader's region).
    scanner::ocr::Quad quad;
    for (std::size_t i = 0; i < quad.size(); ++i) quad[i] = {region[i].x, region[i].y};
    reader_.submit_frame(frame, quad);
}

std::optional<ProposedExpiry> ExpiryReaderDates::take() {
    auto proposal = reader_.take_proposal();
    if (!proposal) return std::nullopt;
    // Made from frames of an earlier pack (the reader was reset since): not this box's date.
    if (proposal->pack != reader_.pack()) return std::nullopt;
    log_event(
        "expiry-read",
        {{"expiry", scanner::to_iso(proposal->expiry)},
         {"precision", std::string(scanner::to_string(proposal->precision))},
         {"derived", proposal->basis == scanner::ocr::ExpiryBasis::ProductionPlusShelfLife ? "yes" : "no"}});
    return proposed_expiry_from(std::move(*proposal));
}

void ExpiryFeed::step(DonationFlow& flow, const scanner::DecodedView& view, Clock::time_point now) {
    const auto& current = flow.current();
    if (flow.screen() != Screen::AskExpiry || !current) return;
    if (current->id != pack_id_) {
        // The OCR models (~100 MB) load with the first pack that needs them, not at start.
        reader_.start();
        reader_.reset();
        pack_id_ = current->id;
        last_frame_ = 0;
        proposed_ = false;
    }
    if (proposed_) return;
    // The same frame twice would let one reading agree with itself.
    if (view.frame && view.frame->sequence != last_frame_) {
        last_frame_ = view.frame->sequence;
        if (const auto region =
                box_region(view.symbols, flow.current_code(), view.frame->width, view.frame->height)) {
            reader_.submit(view.frame, *region);
            ++frames_submitted_;
        }
    }
    if (auto proposal = reader_.take()) {
        proposed_ = true;
        flow.on_proposed_expiry(std::move(*proposal), now);
    }
}

}  // namespace medkiosk::kiosk
