#include "migrations.hpp"

#include <array>
#include <string>

#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::storage::detail {
namespace {

Status migrate_to_v1(Database& db) {
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

constexpr std::array kMigrations{
    Migration{1, "create sessions, drop-offs, outbox and settings", &migrate_to_v1},
};
static_assert(kMigrations.size() == static_cast<std::size_t>(Ledger::kSchemaVersion),
              "one migration per schema version");

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

Status apply_migrations(Database& db, int current_version) {
    for (const Migration& migration : kMigrations) {
        if (migration.version <= current_version) continue;
        if (auto applied = migration.apply(db); !applied) return applied;
        // PRAGMA takes no bound parameters; the value is our own integer.
        const std::string set_version = "PRAGMA user_version = " + std::to_string(migration.version);
        if (auto stamped = db.exec(set_version.c_str(), "recording the schema version"); !stamped)
            return stamped;
    }
    return Ok{};
}

}  // namespace medkiosk::storage::detail
