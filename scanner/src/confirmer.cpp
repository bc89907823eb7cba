#include "medkiosk/scanner/confirmer.hpp"

namespace medkiosk::scanner {

CodeConfirmer::CodeConfirmer(ConfirmOptions options) : options_(options) {
    if (options_.confirm_frames < 1) options_.confirm_frames = 1;
}

std::vector<DecodedSymbol> CodeConfirmer::update(const std::vector<DecodedSymbol>& symbols,
                                                 Clock::time_point now) {
    ++frame_index_;
    // A code unseen for `absence` has left the view: forget it, so showing it again fires again.
    for (auto it = tracks_.begin(); it != tracks_.end();) {
        if (now - it->second.last_seen > options_.absence)
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
        track.streak = (!inserted && track.last_frame + 1 == frame_index_) ? track.streak + 1 : 1;
        track.last_frame = frame_index_;
        track.last_seen = now;
        if (track.fired && now - track.fired_at >= options_.hold) track.fired = false;
        if (!track.fired && track.streak >= options_.confirm_frames) {
            track.fired = true;
            track.fired_at = now;
            confirmed.push_back(symbol);
        }
    }
    return confirmed;
}

}  // namespace medkiosk::scanner
