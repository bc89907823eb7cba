#pragma once
// The sync worker's own connection to the ledger: due outbox rows, acknowledgements, dead letters,
// sync state and pulled reference data. Private to the storage library.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

struct OutboxRow {
    std::int64_t id = 0;
    std::string entity;
    std::string entity_id;
    std::string payload;
};

struct OutboxOutcome {
    std::int64_t id = 0;
    std::string entity;
    std::string entity_id;
    std::string outcome;  // inserted | duplicate | mismatch | invalid
    std::string detail;
};

struct FeedRow {
    std::string key;
    std::string body;
    std::int64_t change_seq = 0;
    bool deleted = false;
};

class OutboxStore {
  public:
    // Migrates the ledger (through Ledger::open) and opens a second connection to it.
    static Result<std::unique_ptr<OutboxStore>> open(const std::filesystem::path& ledger_file);

    // Queued records with after_id < id <= up_to_id, oldest first.
    Result<std::vector<OutboxRow>> due(std::int64_t after_id, int limit,
                                       std::int64_t up_to_id = std::numeric_limits<std::int64_t>::max());
    // The newest outbox row's id (0 when empty). Read before the sessions, it bounds the records whose
    // donation session those sessions already include: a session is committed before its drop-offs.
    Result<std::int64_t> last_outbox_id();
    // Donation sessions the hub has not confirmed yet (id above the "session_cursor" state), as
    // records of entity "session": immutable rows, so a cursor replaces outbox rows for them.
    Result<std::vector<OutboxRow>> sessions_due(std::int64_t after_id, int limit);
    Result<std::int64_t> session_cursor();
    // One local transaction: inserted/duplicate are acknowledged, mismatch/invalid dead-lettered with
    // a sync_event and an audit-log row each.
    Result<void> apply(const std::vector<OutboxOutcome>& outcomes);
    // A donation session the hub refused (sessions go by cursor, not outbox rows): a sync_event and an
    // audit-log row in one transaction.
    Result<void> dead_letter_session(const std::string& entity_id, const std::string& reason);
    // The audit chain's head: "<seq>:<hash>", or "" while the log is empty.
    Result<std::string> audit_head();
    // The ledger's instance id ("" before the ledger had one), for the heartbeat.
    Result<std::string> instance_id();
    Result<std::int64_t> backlog();
    Result<std::int64_t> oldest_pending_age_s();
    Result<std::optional<std::string>> state(const std::string& key);
    // A value of the ledger's settings table (e.g. "device.mode"), or nullopt.
    Result<std::optional<std::string>> state_setting(const std::string& key);
    Result<void> set_state(const std::string& key, const std::string& value);
    Result<void> record_event(const std::string& kind, const std::string& detail);
    // Stores a page of one feed and its cursor in one transaction.
    Result<void> store_feed(const std::string& table, const std::vector<FeedRow>& rows);
    Result<std::string> any_kiosk_id();  // from the drop-offs, for bundles
    // The manifest key rows this device keeps that cannot check a signature or that the sync did not
    // write (manifest_key_rows.hpp): `rows` names them for a technician ("" when none); `version`
    // changes whenever any of them does.
    struct DamagedManifestKeys {
        std::string rows;
        std::string version;
    };
    Result<DamagedManifestKeys> damaged_manifest_keys();
    // The ids of the collection points whose key this device can check a list with (live, undamaged
    // rows).
    Result<std::set<std::string>> usable_manifest_keys();
    Database& db() { return *db_; }

  private:
    std::unique_ptr<Ledger> ledger_;
    Database* db_ = nullptr;  // ledger_'s connection
};

}  // namespace medkiosk::storage::detail
