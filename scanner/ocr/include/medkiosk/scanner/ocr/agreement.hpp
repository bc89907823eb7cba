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
};

}  // namespace medkiosk::scanner::ocr
