#include "medkiosk/scanner/video_frames.hpp"

#include <cmath>
#include <utility>

namespace medkiosk::scanner {
namespace {

// A message listing every stretch of a badly damaged file would bury the advice; the first few locate
// the damage well enough.
constexpr std::size_t kStretchesNamed = 5;

}  // namespace

long long VideoFrameTally::decoded(double position_ms, double fps) {
    const int failed = std::exchange(failed_in_a_row_, 0);
    failed_before_ = failed_before_ || failed > 0;
    // Only after a failed read: an undamaged file keeps the exact count, whatever its timestamps (a
    // variable frame rate, an odd start) would say.
    const double at = position_ms * fps / 1000.0;
    if (failed_before_ && position_ms > 0 && fps > 0 && at < 1e12) {
        const long long index = std::llround(at);
        if (index < frames_) return index;  // returned late by the decoder: already counted
        if (index > frames_) passed_over_.emplace_back(frames_, index - 1);
        frames_ = index + 1;
        return index;
    }
    if (failed > 0) {
        passed_over_.emplace_back(frames_, frames_ + failed - 1);
        frames_ += failed;
    }
    return frames_++;
}

bool VideoFrameTally::undecodable() {
    return ++failed_in_a_row_ < kMaxUndecodableFramesInARow;
}

long long VideoFrameTally::frames_passed_over() const {
    long long count = 0;
    for (const auto& [first, last] : passed_over_) count += last - first + 1;
    return count;
}

std::string VideoFrameTally::passed_over_message() const {
    if (passed_over_.empty()) return {};
    const long long count = frames_passed_over();
    // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on a chain of temporaries here.
    const bool one = count == 1;
    std::string message = "video is damaged: ";
    message += std::to_string(count);
    message += one ? " frame could not be decoded and was passed over (frame "
                   : " frames could not be decoded and were passed over (frames ";
    for (std::size_t i = 0; i < passed_over_.size() && i < kStretchesNamed; ++i) {
        const auto& [first, last] = passed_over_[i];
        if (i > 0) message += ", ";
        message += std::to_string(first);
        if (last > first) {
            message += '-';
            message += std::to_string(last);
        }
    }
    if (passed_over_.size() > kStretchesNamed) {
        message += " and ";
        message += std::to_string(passed_over_.size() - kStretchesNamed);
        message += " more stretches";
    }
    message +=
        one ? ", counted from 0) and the frames after it were read; a code shown only in that frame"
            : ", counted from 0) and the frames after them were read; a code shown only in those frames";
    message += " was not seen: copy the recording again, or record that part again";
    return message;
}

std::string VideoFrameTally::no_frames_reason(double frames_declared) {
    if (frames_declared > kMaxUndecodableFramesInARow && frames_declared < 1e9) {
        std::string reason = "its first ";
        reason += std::to_string(kMaxUndecodableFramesInARow);
        reason += " frames could not be decoded, of the ";
        reason += std::to_string(static_cast<long long>(frames_declared + 0.5));
        reason +=
            " it declares, and reading stopped there (frames after them may be whole but are not "
            "reached): copy the recording again, or record it again";
        return reason;
    }
    return "it is damaged or empty: copy the recording again, or record it again";
}

void VideoFrameTally::restart() {
    *this = VideoFrameTally();
}

}  // namespace medkiosk::scanner
