#pragma once
// What pharmacy staff do with drop-offs (the Ledger's staff(), staff_work.cpp): the review queue and
// review actions, re-classification, dispatches to clinics, and the staff screens' filtered queue and
// chart counts. Filters and counts run in SQL, so a screen's worker never loads the whole ledger.
// Each action commits with its review or dispatch row, its outbox row and its audit row.

#include <cstdint>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::storage {

namespace detail {
struct LedgerCore;
}

class StaffWork {
  public:
    explicit StaffWork(detail::LedgerCore& core) : core_(core) {}

    // Drop-offs waiting for a pharmacist, oldest first.
    Result<std::vector<DropOffRecord>> review_queue(int limit);
    // `action` is "approve", "reject" or "dispose" (review states approved, rejected, disposed).
    Result<ReviewAction> record_review(const std::string& dropoff_uuid, std::int64_t user_id,
                                       const std::string& action, const std::string& note);
    // A pharmacist took back a refusal or disposal within its undo window, before it was recorded (the
    // kiosk holds those actions back for the window, so nothing reached the review rows, the outbox or
    // the hub): only an audit row "review-undone", so the audit trail shows the change of mind. The
    // drop-off must exist and still be pending.
    Result<void> record_review_undone(const std::string& dropoff_uuid, std::int64_t user_id,
                                      const std::string& action);
    // Moves a drop-off that is still pending or approved to another catalogue category.
    Result<Reclassification> record_reclassify(const std::string& dropoff_uuid, std::int64_t user_id,
                                               const std::string& category, const std::string& note);
    // Items must be approved by a pharmacist; with `confirm_kiosk_accepted`, a pack the kiosk accepted
    // and nobody reviewed yet is approved by `user_id` in the same transaction. All items or none.
    Result<Dispatch> record_dispatch(const std::string& clinic, std::int64_t user_id,
                                     const std::vector<DispatchItem>& items,
                                     bool confirm_kiosk_accepted = false);

    // Each row with the boxes of it dispatched so far (StaffQueueRow::dispatched).
    Result<std::vector<StaffQueueRow>> queue(const StaffQueueQuery& query);
    // Accepted drop-offs not yet dispatched, refused or disposed (approved by a pharmacist, or
    // accepted by the kiosk and still pending), earliest expiry first; no expiry (devices) last.
    Result<std::vector<StaffQueueRow>> dispatch_candidates(int limit);
    // Clinics dispatched to before, most recent first.
    Result<std::vector<std::string>> recent_clinics(int limit);
    // Boxes per local day from first_day to last_day inclusive ("YYYY-MM-DD"), every day listed.
    Result<std::vector<DropOffCount>> dropoffs_by_day(const std::string& first_day,
                                                      const std::string& last_day);
    // Boxes per category for drop-offs recorded on or after since_local_date ("" for all), most first.
    Result<std::vector<DropOffCount>> dropoffs_by_category(const std::string& since_local_date);

  private:
    detail::LedgerCore& core_;
};

}  // namespace medkiosk::storage
