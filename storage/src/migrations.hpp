#pragma once
// The ledger's schema history. Each migration takes the database from version N-1 to N; the file's
// PRAGMA user_version records the last one applied. To change the schema, append one migration and
// raise Ledger::kSchemaVersion — never edit a migration that has shipped.

#include <span>

#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

// 'MKLG' in PRAGMA application_id tells a medkiosk ledger from any other SQLite file.
inline constexpr int kLedgerApplicationId = 0x4D4B4C47;

struct Migration {
    int version;          // user_version after this migration
    const char* summary;  // for error messages
    Status (*apply)(Database& db);
};

std::span<const Migration> migrations();

// Applies every migration above `current_version`, in order, each in the caller's transaction.
Status apply_migrations(Database& db, int current_version);

}  // namespace medkiosk::storage::detail
