#pragma once
// Staff writes the ledger's aggregates share (staff_work.cpp, dispatch_book.cpp, clinic_store.cpp),
// each inside the caller's write transaction: an outbox row, the login behind a user id, a pharmacist's
// review. Private to the storage library.

#include <cstdint>
#include <string>
#include <string_view>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

Result<void> insert_outbox_row(Database& db, std::string_view entity, const std::string& entity_id,
                               const std::string& payload, const std::string& at, std::string_view doing);
// The login recorded for `user_id`'s actions in outbox payloads and the audit log.
Result<std::string> user_login(Database& db, std::int64_t user_id, std::string_view doing);
// A review inside the caller's write transaction: the drop-off's state, the review row, its outbox row
// and its audit row.
Result<ReviewAction> write_review(Database& db, const std::string& login, const std::string& dropoff_uuid,
                                  std::int64_t user_id, const std::string& action, const std::string& note,
                                  std::string_view doing);

}  // namespace medkiosk::storage::detail
