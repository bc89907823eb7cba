#include "medkiosk/kiosk/expiry_feed.hpp"

#include <algorithm>
#include <cmath>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {

void ExpiryReaderDates::submit(const scanner::FramePtr& frame, const FrameQuad& region) {
    // Only the pixels inside the box's region go to OCR: a copy of its bounding rectangle.
    float left = static_cast<float>(frame->width), top = static_cast<float>(frame->height), right = 0,
          bottom = 0;
    for (const FramePoint& corner : region) {
        left = std::min(left, corner.x);
        top = std::min(top, corner.y);
        right = std::max(right, corner.x);
        bottom = std::max(bottom, corner.y);
    }
    const int x0 = std::clamp(static_cast<int>(std::floor(left)), 0, frame->width);
    const int y0 = std::clamp(static_cast<int>(std::floor(top)), 0, frame->height);
    const int x1 = std::clamp(static_cast<int>(std::ceil(right)) + 1, x0, frame->width);
    const int y1 = std::clamp(static_cast<int>(std::ceil(bottom)) + 1, y0, frame->height);
    if (x1 - x0 < 32 || y1 - y0 < 32) return;
    auto crop = std::make_shared<scanner::Frame>();
    crop->width = x1 - x0;
    crop->height = y1 - y0;
    crop->sequence = frame->sequence;
    crop->captured = frame->captured;
    crop->rgb.resize(static_cast<std::size_t>(crop->width) * static_cast<std::size_t>(crop->height) * 3);
    const std::size_t row = static_cast<std::size_t>(crop->width) * 3;
    for (int y = y0; y < y1; ++y)
        std::copy_n(
            frame->rgb.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(frame->width) +
                                 static_cast<std::size_t>(x0)) *
                                    3,
            row, crop->rgb.data() + static_cast<std::size_t>(y - y0) * row);
    reader_.submit_frame(std::move(crop));
}

std::optional<ProposedExpiry> ExpiryReaderDates::take() {
    auto proposal = reader_.take_proposal();
    if (!proposal) return std::nullopt;
    log_event("expiry-read", {{"expiry", scanner::to_iso(proposal->expiry)},
                              {"precision", std::string(scanner::to_string(proposal->precision))}});
    ProposedExpiry proposed;
    proposed.expiry = proposal->expiry;
    proposed.precision = proposal->precision;
    proposed.batch = proposal->batch;
    return proposed;
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
