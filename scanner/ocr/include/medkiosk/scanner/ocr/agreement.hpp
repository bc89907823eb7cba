#pragma once
// Decides when per-frame readings of one pack are trustworthy enough to propose to the donor:
// the same expiry, read the same way (same label: printed date, 失效期, or production + shelf life), in
// at least `frames_needed` frames, and no frame read a different one.
// A wrong proposal is worse than none, so one contradicting frame blocks the pack until reset().

#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/ocr/expiry_text.hpp"

namespace medkiosk::scanner::ocr {

class ReadingAgreement {
  public:
    explicit ReadingAgreement(int frames_needed = 2)
        : frames_needed_(frames_needed < 1 ? 1 : frames_needed) {}

    // Feeds one frame's reading; frames without any date neither help nor hurt.
    void add(const ExpiryReading& reading);
    // Feeds one reading of a printed expiry's value, one of the several a frame's vote weighed. Dot-matrix
    // digits lose the dots of their left side: 9 and 8 are read as 3, 6 as 5, alike by most views, and
    // their whole shape shows in a reading now and then. An expiry that such a reading (of any frame)
    // shows with a fuller digit in that way is not proposed. Readings that give no date say nothing;
    // nor do other misreadings, which are as often the minority's as the majority's.
    void add_value_reading(const ExpiryReading& reading);
    // The agreed reading once there is one (its batch is the batch read most often, or empty).
    std::optional<ExpiryReading> agreed() const;
    bool contradicted() const { return contradicted_; }
    int frames_with_date() const { return static_cast<int>(dated_.size()); }
    void reset();

  private:
    int frames_needed_;
    std::vector<ExpiryReading> dated_;
    bool contradicted_ = false;
    // Some frame saw a printed expiry's label but not its date: production + shelf life readings of
    // this pack (earlier or later) are not proposed, the printed date wins (codes.md).
    bool printed_expiry_seen_ = false;
    // Some frame saw a day after the printed expiry's (or the production date's) month that it could
    // not read: a month-only reading of that date, from any frame, is the date cut short.
    bool expiry_day_seen_ = false;
    bool production_day_seen_ = false;
    // Frames' days read with no 日 after them (ExpiryReading::unclosed_day).
    std::vector<Date> unclosed_days_;
    std::vector<ExpiryReading> value_readings_;
};

// One label's value read several ways within one frame (the line pass, the value pass, other
// binarisations, another model), in order of preference. The value to take is the first reading that
// another one means the same as, when no reading means something else; otherwise empty. A reading that
// shows digits after the month ("2025.05.3", however cut or misread) says the printed date has a day:
// readings that agree on "2025.05" are then that date cut short, and what comes back is its year and
// month marked as unread beyond them ("2025.05.?", kUnreadEnd), never a month-only date.
std::string vote_on_value(const std::vector<std::string>& readings);

}  // namespace medkiosk::scanner::ocr
