#pragma once
// A pharmacist's refusal or disposal held back for an undo window (10 s) before it reaches the ledger.
//
// Why held back rather than recorded and reversed: a recorded review writes its outbox row, and the sync
// worker may upload it to the hub within seconds; the hub has no way to take a review back, so an undo
// after that would leave the county believing the pack was refused. Held back, nothing leaves the kiosk
// until the window has passed. If the kiosk stops during the window the drop-off simply stays pending
// (nothing recorded, nothing half-done); the pharmacist sees it again in the queue.
//
// A plain value with the time passed in (the flows' injectable clock), so tests need no window and no
// waiting. One hold at a time: a second refusal makes the first one due at once.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/kiosk/back_office_ports.hpp"

namespace medkiosk::kiosk {

class ReviewHold {
  public:
    using Clock = std::chrono::steady_clock;

    struct Held {
        std::vector<std::string> uuids;
        ReviewAction action = ReviewAction::Reject;
        Clock::time_point until{};  // the end of the undo window
    };

    explicit ReviewHold(Clock::duration window = std::chrono::seconds(10)) : window_(window) {}

    // Only refusals and disposals are held (a confirmation goes through at once).
    static bool undoable(ReviewAction action) { return action != ReviewAction::Approve; }

    // Holds `uuids` from `now`; returns the hold it displaces, which is now final (record it).
    std::optional<Held> hold(std::vector<std::string> uuids, ReviewAction action, Clock::time_point now);
    // The hold whose window has passed (record it now), or nothing.
    std::optional<Held> take_due(Clock::time_point now);
    // Takes the hold back if its window is still open; nothing once it has passed (it is final then,
    // even if take_due was not called yet).
    std::optional<Held> undo(Clock::time_point now);
    // The hold whatever its window (the pharmacist left the queue: the action is final).
    std::optional<Held> release();

    const std::optional<Held>& held() const { return held_; }
    bool holds(const std::string& uuid) const;
    // Whole seconds left to undo, rounded up (10 … 1), 0 when nothing is held or the window has passed.
    int seconds_left(Clock::time_point now) const;

  private:
    Clock::duration window_;
    std::optional<Held> held_;
};

}  // namespace medkiosk::kiosk
