#include "medkiosk/kiosk/review_hold.hpp"

#include <algorithm>
#include <utility>

namespace medkiosk::kiosk {

std::optional<ReviewHold::Held> ReviewHold::hold(std::vector<std::string> uuids, ReviewAction action,
                                                 Clock::time_point now) {
    std::optional<Held> displaced = release();
    held_ = Held{std::move(uuids), action, now + window_};
    return displaced;
}

std::optional<ReviewHold::Held> ReviewHold::take_due(Clock::time_point now) {
    if (!held_ || now < held_->until) return std::nullopt;
    return release();
}

std::optional<ReviewHold::Held> ReviewHold::undo(Clock::time_point now) {
    if (!held_ || now >= held_->until) return std::nullopt;
    return release();
}

std::optional<ReviewHold::Held> ReviewHold::release() {
    return std::exchange(held_, std::nullopt);
}

bool ReviewHold::holds(const std::string& uuid) const {
    return held_ && std::find(held_->uuids.begin(), held_->uuids.end(), uuid) != held_->uuids.end();
}

int ReviewHold::seconds_left(Clock::time_point now) const {
    if (!held_ || now >= held_->until) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(held_->until - now).count());
}

}  // namespace medkiosk::kiosk
