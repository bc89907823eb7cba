#pragma once
// The hash-chained audit log. Each row's hash is BLAKE2b-256 over the previous row's hash and the
// row's own fields (length-prefixed, so no two different rows hash the same way), and the chain's head
// (last seq and hash) is kept in settings, so a changed, removed, reordered or cut-off row shows.

#include <string>
#include <string_view>

#include "medkiosk/storage/records.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

inline constexpr const char* kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string audit_row_hash(const AuditRow& row);  // covers prev_hash, seq and every field

// Appends one row inside the caller's write transaction. `detail_json` must be a JSON value.
Result<void> append_audit(Database& db, std::string_view actor, std::string_view action,
                          std::string_view entity, std::string_view entity_id, std::string_view detail_json,
                          std::string_view at);

Result<AuditReport> verify_audit_chain(Database& db);

}  // namespace medkiosk::storage::detail
