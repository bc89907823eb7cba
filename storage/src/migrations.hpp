#pragma once
// The ledger's schema history. Each migration takes the database from the previous registered version
// to its own; the file's PRAGMA user_version records the last one applied. Versions ascend but may
// have gaps (2..9 belong to the ledger proper, 10..19 to hub sync, 20 and up to the staff screens). To change
// the schema, append one migration and raise Ledger::kSchemaVersion — never edit a migration that has
// shipped.

#include <span>

#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

// 'MKLG' in PRAGMA application_id tells a medkiosk ledger from any other SQLite file.
inline constexpr int kLedgerApplicationId = 0x4D4B4C47;

struct Migration {
    int version;          // user_version after this migration
    const char* summary;  // for error messages
    Result<void> (*apply)(Database& db);
};

std::span<const Migration> migrations();

// Applies every registered migration above `current_version`, in ascending order, in the caller's
// transaction.
Result<void> apply_migrations(Database& db, int current_version);
// The same over an explicit list (ascending versions, gaps allowed); for tests.
Result<void> apply_migrations(Database& db, int current_version, std::span<const Migration> list);

}  // namespace medkiosk::storage::detail
