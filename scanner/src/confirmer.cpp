#include "medkiosk/scanner/confirmer.hpp"

#include <algorithm>
#include <bit>

namespace medkiosk::scanner {

namespace {
// The frames a code's reads are counted over are bits of Track::reads.
constexpr int kMaxConfirmFrames = 32;
}  // namespace

CodeConfirmer::CodeConfirmer(ConfirmOptions options) : options_(options) {
    options_.confirm_frames = std::clamp(options_.confirm_frames, 1, kMaxConfirmFrames);
}

std::vector<DecodedSymbol> CodeConfirmer::update(const std::vector<DecodedSymbol>& symbols,
                                                 Clock::time_point now) {
    ++frame_index_;
    // A code unseen for `absence` has left the view: forget it, so showing it again fires again. Only once
    // a decoded frame has missed it, too: frames decoded further apart than `absence` (a slow decode, a
    // decoder restarting, a source under a frame a second) forgot every code between two reads, and a box
    // held still in every one of them was never confirmed.
    for (auto it = tracks_.begin(); it != tracks_.end();) {
        if (now - it->second.last_seen > options_.absence && frame_index_ - it->second.last_frame >= 2)
            it = tracks_.erase(it);
        else
            ++it;
    }
    std::vector<DecodedSymbol> confirmed;
    for (const auto& symbol : symbols) {
        const std::string key = symbol.format + '\n' + symbol.text;
        auto [it, inserted] = tracks_.try_emplace(key);
        Track& track = it->second;
        if (track.last_frame == frame_index_) continue;  // same text twice in one frame
        const std::uint64_t frames_since = frame_index_ - track.last_frame;
        track.reads = (inserted || frames_since >= 64 ? 0 : track.reads << frames_since) | 1;
        track.last_frame = frame_index_;
        track.last_seen = now;
        if (track.fired && now - track.fired_at >= options_.hold) track.fired = false;
        const std::uint64_t window = (std::uint64_t{1} << (options_.confirm_frames + 1)) - 1;
        if (!track.fired && std::popcount(track.reads & window) >= options_.confirm_frames) {
            track.fired = true;
            track.fired_at = now;
            confirmed.push_back(symbol);
        }
    }
    return confirmed;
}

}  // namespace medkiosk::scanner
