#include "medkiosk/scanner/ocr/agreement.hpp"

#include <map>

namespace medkiosk::scanner::ocr {

void ReadingAgreement::add(const ExpiryReading& reading) {
    if (reading.contradictory) {
        contradicted_ = true;
        return;
    }
    if (reading.printed_expiry_unread) printed_expiry_seen_ = true;
    if (!reading.expiry) return;
    for (const auto& earlier : dated_)
        if (*earlier.expiry != *reading.expiry || earlier.precision != reading.precision ||
            earlier.basis != reading.basis)
            contradicted_ = true;
    dated_.push_back(reading);
}

std::optional<ExpiryReading> ReadingAgreement::agreed() const {
    if (contradicted_ || static_cast<int>(dated_.size()) < frames_needed_) return std::nullopt;
    if (printed_expiry_seen_ && dated_.front().basis == ExpiryBasis::ProductionPlusShelfLife)
        return std::nullopt;
    ExpiryReading result = dated_.front();
    // The batch is secondary: take it only when a batch was read the same way in enough frames.
    std::map<std::string, int> batch_votes;
    for (const auto& reading : dated_)
        if (!reading.batch.empty()) ++batch_votes[reading.batch];
    result.batch.clear();
    int best = 0;
    for (const auto& [batch, votes] : batch_votes) {
        if (votes > best) {
            best = votes;
            result.batch = votes >= frames_needed_ ? batch : std::string();
        } else if (votes == best) {
            result.batch.clear();  // a tie between two batches: say nothing
        }
    }
    return result;
}

void ReadingAgreement::reset() {
    dated_.clear();
    contradicted_ = false;
    printed_expiry_seen_ = false;
}

}  // namespace medkiosk::scanner::ocr
