#include "migrations.hpp"

#include <array>
#include <string>

#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::storage::detail {
namespace {

Result<void> migrate_to_v1(Database& db) {
    // Empty optional fields are NULL. STRICT tables make a wrong type an error instead of a silent
    // conversion; the CHECKs hold the rules even against a buggy caller or a hand-edited file.
    return db.exec(R"sql(
        CREATE TABLE donation_session (
            id           INTEGER PRIMARY KEY,
            receipt_code TEXT NOT NULL UNIQUE,
            started_at   TEXT NOT NULL
        ) STRICT;

        CREATE TABLE dropoff (
            uuid             TEXT PRIMARY KEY NOT NULL,
            session_id       INTEGER NOT NULL REFERENCES donation_session(id),
            kiosk_id         TEXT NOT NULL,
            recorded_at      TEXT NOT NULL,
            sequence         INTEGER NOT NULL UNIQUE,
            scheme           TEXT NOT NULL,
            gtin             TEXT,
            product_id       TEXT,
            batch            TEXT,
            expiry           TEXT,
            expiry_precision TEXT CHECK (expiry_precision IN ('day', 'month')),
            serial_hash      TEXT,
            quantity         INTEGER NOT NULL CHECK (quantity > 0),
            condition        TEXT NOT NULL CHECK (condition IN ('sealed', 'opened-usable')),
            decision         TEXT NOT NULL CHECK (decision IN ('accept', 'refuse', 'review')),
            reason           TEXT NOT NULL,
            review_state     TEXT NOT NULL DEFAULT 'pending'
        ) STRICT;
        CREATE INDEX dropoff_by_session ON dropoff(session_id);
        -- The duplicate-serial rule looks packs up by hash.
        CREATE INDEX dropoff_by_serial_hash ON dropoff(serial_hash) WHERE serial_hash IS NOT NULL;

        -- Rows waiting for the hub; acked_at is set when the hub confirmed the upload.
        CREATE TABLE outbox (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            entity     TEXT NOT NULL,
            entity_id  TEXT NOT NULL,
            payload    TEXT NOT NULL,
            created_at TEXT NOT NULL,
            acked_at   TEXT
        ) STRICT;
        CREATE INDEX outbox_pending ON outbox(id) WHERE acked_at IS NULL;

        CREATE TABLE settings (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) STRICT;

        PRAGMA application_id = 1296780359;
    )sql",
                   "creating the ledger schema (version 1)");
}
static_assert(kLedgerApplicationId == 1296780359, "keep the PRAGMA above in step with the constant");

Result<void> migrate_to_v2(Database& db) {
    // Catalogue, rules, users, staff work and the audit log. The partial review queue index holds only
    // the packs waiting for a pharmacist, in order, so the staff screen never scans the whole ledger.
    return db.exec(R"sql(
        ALTER TABLE dropoff ADD COLUMN category TEXT;
        ALTER TABLE dropoff ADD COLUMN drive_id INTEGER;
        CREATE INDEX dropoff_review_queue ON dropoff(sequence)
            WHERE review_state = 'pending' AND decision <> 'refuse';

        CREATE TABLE catalogue (
            product_id   TEXT PRIMARY KEY NOT NULL,  -- GTIN-14 or the trace-code product id
            name_zh      TEXT NOT NULL,
            name_en      TEXT NOT NULL,
            form         TEXT NOT NULL,
            strength     TEXT,
            category     TEXT NOT NULL,
            prescription INTEGER NOT NULL CHECK (prescription IN (0, 1)),
            controlled   INTEGER NOT NULL CHECK (controlled IN (0, 1)),
            cold_chain   INTEGER NOT NULL CHECK (cold_chain IN (0, 1)),
            injectable   INTEGER NOT NULL CHECK (injectable IN (0, 1)),
            device       INTEGER NOT NULL CHECK (device IN (0, 1))
        ) STRICT;

        CREATE TABLE recall (
            gtin     TEXT NOT NULL,
            batch    TEXT NOT NULL,
            note     TEXT,
            added_at TEXT NOT NULL,
            PRIMARY KEY (gtin, batch)
        ) STRICT;

        -- accepted_categories: JSON array, empty for "all"; rules: JSON object of PolicyRules overrides.
        CREATE TABLE drive (
            id                  INTEGER PRIMARY KEY,
            name                TEXT NOT NULL,
            starts_on           TEXT NOT NULL,
            ends_on             TEXT NOT NULL,
            accepted_categories TEXT NOT NULL DEFAULT '[]',
            rules               TEXT NOT NULL DEFAULT '{}',
            CHECK (starts_on <= ends_on)
        ) STRICT;

        CREATE TABLE app_user (
            id              INTEGER PRIMARY KEY,
            login           TEXT NOT NULL UNIQUE,
            role            TEXT NOT NULL CHECK (role IN ('staff', 'technician')),
            pin_hash        TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
            locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
            last_failure_at TEXT,
            created_at      TEXT NOT NULL
        ) STRICT;

        CREATE TABLE review_action (
            id           INTEGER PRIMARY KEY,
            uuid         TEXT NOT NULL UNIQUE,
            dropoff_uuid TEXT NOT NULL REFERENCES dropoff(uuid),
            user_id      INTEGER NOT NULL REFERENCES app_user(id),
            action       TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'dispose')),
            note         TEXT,
            at           TEXT NOT NULL
        ) STRICT;
        CREATE INDEX review_action_by_dropoff ON review_action(dropoff_uuid);

        CREATE TABLE dispatch (
            id            INTEGER PRIMARY KEY,
            uuid          TEXT NOT NULL UNIQUE,
            clinic        TEXT NOT NULL,
            user_id       INTEGER NOT NULL REFERENCES app_user(id),
            dispatched_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE dispatch_item (
            dispatch_id  INTEGER NOT NULL REFERENCES dispatch(id),
            dropoff_uuid TEXT NOT NULL UNIQUE REFERENCES dropoff(uuid),
            quantity     INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (dispatch_id, dropoff_uuid)
        ) STRICT;

        -- Append-only; each row's hash covers the previous row's hash (see audit.cpp).
        CREATE TABLE audit_log (
            seq       INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            actor     TEXT NOT NULL,
            action    TEXT NOT NULL,
            entity    TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            detail    TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash      TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
                   "updating the ledger schema to version 2");
}

Result<void> migrate_to_v10(Database& db) {
    // Hub sync: dead letters leave the queue without blocking it; sync_state holds the cursors (sessions
    // sent, reference data pulled); reference data pulled from the hub lands in hub_* tables.
    return db.exec(R"sql(
        ALTER TABLE outbox ADD COLUMN dead_at TEXT;
        ALTER TABLE outbox ADD COLUMN dead_reason TEXT;
        CREATE INDEX outbox_due ON outbox(id) WHERE acked_at IS NULL AND dead_at IS NULL;

        CREATE TABLE sync_state (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) STRICT;

        -- Dead letters and other sync events a technician must see. Belongs in the audit log once the
        -- ledger has one.
        CREATE TABLE sync_event (
            id        INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            kind      TEXT NOT NULL,
            outbox_id INTEGER,
            entity_id TEXT,
            detail    TEXT NOT NULL
        ) STRICT;

        CREATE TABLE hub_catalogue (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                    change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;
        CREATE TABLE hub_rule      (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                    change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;
        CREATE TABLE hub_recall    (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                    change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;
        CREATE TABLE hub_drive     (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                    change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;

    )sql",
                   "adding hub sync tables (version 10)");
}

Result<void> migrate_to_v11(Database& db) {
    // Where a drop-off's expiry came from (issue 8). Rows recorded before this version did not keep it:
    // those with an expiry say "unknown" rather than guess; those without one stay NULL, like every new
    // drop-off that has no expiry (devices).
    return db.exec(R"sql(
        ALTER TABLE dropoff ADD COLUMN expiry_source TEXT
            CHECK (expiry_source IN ('code', 'ocr-confirmed', 'picker', 'unknown'));
        UPDATE dropoff SET expiry_source = 'unknown' WHERE expiry IS NOT NULL;
    )sql",
                   "adding the expiry source to drop-offs (version 11)");
}

Result<void> migrate_to_v20(Database& db) {
    // Staff screens: a pharmacist may re-classify a drop-off (the new category kept on the review row).
    // SQLite cannot change a CHECK, so review_action is rebuilt with its rows; nothing references it.
    return db.exec(R"sql(
        CREATE TABLE review_action_v20 (
            id           INTEGER PRIMARY KEY,
            uuid         TEXT NOT NULL UNIQUE,
            dropoff_uuid TEXT NOT NULL REFERENCES dropoff(uuid),
            user_id      INTEGER NOT NULL REFERENCES app_user(id),
            action       TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'dispose', 'reclassify')),
            note         TEXT,
            at           TEXT NOT NULL,
            category     TEXT
        ) STRICT;
        INSERT INTO review_action_v20 (id, uuid, dropoff_uuid, user_id, action, note, at)
            SELECT id, uuid, dropoff_uuid, user_id, action, note, at FROM review_action;
        DROP TABLE review_action;
        ALTER TABLE review_action_v20 RENAME TO review_action;
        CREATE INDEX review_action_by_dropoff ON review_action(dropoff_uuid);
        -- The staff screen's date filters and charts read drop-offs by time.
        CREATE INDEX dropoff_by_recorded_at ON dropoff(recorded_at);
    )sql",
                   "updating the ledger schema to version 20 (re-classification)");
}

// Versions need not be consecutive (parallel work reserved 2..9 for the ledger, 10..19 for hub sync, 20.. for
// the staff screens); they must ascend.
constexpr std::array kMigrations{
    Migration{1, "create sessions, drop-offs, outbox and settings", &migrate_to_v1},
    Migration{2, "add catalogue, recalls, drives, users, staff actions and the audit log", &migrate_to_v2},
    Migration{10, "hub sync: dead letters, sync state and events, pulled reference data", &migrate_to_v10},
    Migration{11, "drop-offs keep where their expiry came from", &migrate_to_v11},
    Migration{20, "staff screens: re-classification in review_action, drop-offs by time", &migrate_to_v20},
};
constexpr bool ascending(const auto& list) {
    for (std::size_t i = 1; i < list.size(); ++i)
        if (list[i - 1].version >= list[i].version) return false;
    return true;
}
static_assert(ascending(kMigrations), "migration versions must ascend");
static_assert(kMigrations.back().version == Ledger::kSchemaVersion,
              "Ledger::kSchemaVersion is the last migration's version");

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

Result<void> apply_migrations(Database& db, int current_version) {
    return apply_migrations(db, current_version, kMigrations);
}

Result<void> apply_migrations(Database& db, int current_version, std::span<const Migration> list) {
    for (const Migration& migration : list) {
        if (migration.version <= current_version) continue;
        if (auto applied = migration.apply(db); !applied) return applied;
        // PRAGMA takes no bound parameters; the value is our own integer.
        const std::string set_version = "PRAGMA user_version = " + std::to_string(migration.version);
        if (auto stamped = db.exec(set_version.c_str(), "recording the schema version"); !stamped)
            return stamped;
    }
    return {};
}

}  // namespace medkiosk::storage::detail
