#pragma once
// Decides when a code read in successive frames becomes one event: shared by ScanPipeline and the
// offline `medkioskctl scan` of video files so both behave the same.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::scanner {

struct ConfirmOptions {
    // A code is believed once read in this many of the last `confirm_frames` + 1 decoded frames: one frame
    // may miss it (the live decoder's per-frame budget may go to two codes in turn, each read every other
    // frame), one read alone is never enough.
    int confirm_frames = 2;
    std::chrono::milliseconds hold{std::chrono::seconds(8)};     // same text again after this
    std::chrono::milliseconds absence{std::chrono::seconds(1)};  // unseen this long = it left
};

class CodeConfirmer {
  public:
    using Clock = std::chrono::steady_clock;
    explicit CodeConfirmer(ConfirmOptions options = {});

    // Feed the symbols of each decoded frame, in order; returns those that became events now.
    std::vector<DecodedSymbol> update(const std::vector<DecodedSymbol>& symbols, Clock::time_point now);

  private:
    struct Track {
        std::uint64_t reads = 0;  // bit k set: read k decoded frames before `last_frame`
        std::uint64_t last_frame = 0;
        Clock::time_point last_seen{};
        bool fired = false;
        Clock::time_point fired_at{};
    };
    ConfirmOptions options_;
    std::uint64_t frame_index_ = 0;
    std::map<std::string, Track> tracks_;
};

}  // namespace medkiosk::scanner
