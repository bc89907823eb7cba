#pragma once
// Staff writes the ledger's aggregates share, each inside the caller's write transaction: an outbox
// row, the login behind a user id, a pharmacist's review. Private to the storage library.

#include <cstdint>
#include <string>
#include <string_view>

#include "medkiosk/storage/records.hpp"
#include "medkiosk/storage/status.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

Status insert_outbox_row(Database& db, std::string_view entity, const std::string& entity_id,
                         const std::string& payload, const std::string& at, std::string_view doing);
StatusOr<std::string> user_login(Database& db, std::int64_t user_id);
StatusOr<ReviewAction> write_review(Database& db, const std::string& login, const std::string& dropoff_uuid,
                                    std::int64_t user_id, const std::string& action, const std::string& note,
                                    std::string_view doing);

}  // namespace medkiosk::storage::detail
