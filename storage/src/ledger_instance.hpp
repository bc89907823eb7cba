#pragma once
// A ledger's identity (issue 12): a random instance id made when the ledger is created, so that a
// recreated ledger, or a backup restored over a newer one, never reuses a key the hub already holds.
// Session and drop-off numbers start again in a new or restored ledger; what the hub sees of a session
// is a UUID derived from the instance and the session's random receipt code instead. And a marker file
// beside the ledger tells a first start (nothing there yet: create it) from a lost ledger (the marker
// says there was one: stop, and say how to restore it or start a new instance).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "medkiosk/result.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

struct LedgerInstance {
    std::string id;  // random UUID
    // Sessions numbered up to this one were recorded before the ledger had an instance (an older
    // medkiosk): the hub knows them as "session-N", and their drop-offs carry no session_uuid.
    std::int64_t numbered_sessions_up_to = 0;
};

// "<ledger>.instance": the instance id, written when the ledger got it.
std::filesystem::path instance_marker_file(const std::filesystem::path& ledger);

// Missing, 0 bytes, or an SQLite file without a single table, with no write-ahead log holding
// anything: SQLite (or the migrations) would make a new, empty ledger of it.
bool ledger_is_missing_or_empty(const std::filesystem::path& ledger);

// Before a writable open of `ledger`: whether a ledger may be created there. Ok when one with content
// is there, on a first start (no ledger and no marker), and with `new_instance` (a missing or empty
// ledger is then moved aside and a new one made). The error is the out-of-order reason: the ledger
// was lost, naming the file, the backup to restore and `medkioskctl db init --new-instance`.
Result<void> check_ledger_not_lost(const std::filesystem::path& ledger, bool new_instance);

// The ledger's instance, made (with an audit row) on a ledger that has none; in its own transaction.
Result<LedgerInstance> ensure_instance(Database& db);
// The instance, or nullopt on a ledger no version with instances has opened for writing yet.
Result<std::optional<LedgerInstance>> read_instance(Database& db);
// Writes the marker (atomically, for the data directory's owner) unless it already names `instance`.
Result<void> write_instance_marker(const std::filesystem::path& ledger, const LedgerInstance& instance);

// What the hub knows session `session_id` by: a UUID from the instance and the receipt code, or ""
// for a numbered session (see LedgerInstance) or a ledger without an instance.
std::string session_uuid(const std::optional<LedgerInstance>& instance, std::int64_t session_id,
                         const std::string& receipt_code);

}  // namespace medkiosk::storage::detail
