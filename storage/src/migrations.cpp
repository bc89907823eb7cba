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

Result<void> migrate_to_v30(Database& db) {
    // Issue 17, the county's loop. At a collection point: the clinics and the bureau's orders pulled
    // from the hub; a dispatch names its clinic by id, may fulfil an order, and carries its manifest
    // (lines of alike packs, the QR a clinic scans); a drop-off may leave in several dispatches, part
    // by part (dispatch_item loses UNIQUE(dropoff_uuid)), and is "dispatched" only when all of it has
    // left. At a clinic-mode device: arrivals, packs given out and disposals. The PIN role "clinic".
    if (auto s = db.exec(R"sql(
        CREATE TABLE hub_clinic (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                 change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;
        CREATE TABLE hub_order  (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                 change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;

        -- clinic_id NULL: a dispatch typed as free text before clinics were reference data; the hub
        -- matches its name to a clinic or counts it as "other".
        ALTER TABLE dispatch ADD COLUMN clinic_id TEXT;
        ALTER TABLE dispatch ADD COLUMN order_uuid TEXT;
        ALTER TABLE dispatch ADD COLUMN closes_order INTEGER NOT NULL DEFAULT 0 CHECK (closes_order IN (0, 1));
        ALTER TABLE dispatch ADD COLUMN manifest TEXT;
        CREATE INDEX dispatch_by_order ON dispatch(order_uuid) WHERE order_uuid IS NOT NULL;

        CREATE TABLE dispatch_item_v30 (
            dispatch_id  INTEGER NOT NULL REFERENCES dispatch(id),
            dropoff_uuid TEXT NOT NULL REFERENCES dropoff(uuid),
            quantity     INTEGER NOT NULL CHECK (quantity > 0),
            line_no      INTEGER CHECK (line_no > 0),
            PRIMARY KEY (dispatch_id, dropoff_uuid)
        ) STRICT;
        INSERT INTO dispatch_item_v30 (dispatch_id, dropoff_uuid, quantity)
            SELECT dispatch_id, dropoff_uuid, quantity FROM dispatch_item;
        DROP TABLE dispatch_item;
        ALTER TABLE dispatch_item_v30 RENAME TO dispatch_item;
        CREATE INDEX dispatch_item_by_dropoff ON dispatch_item(dropoff_uuid);

        -- The manifest's lines: alike packs (product, expiry, category) of one dispatch.
        CREATE TABLE dispatch_line (
            dispatch_id INTEGER NOT NULL REFERENCES dispatch(id),
            line_no     INTEGER NOT NULL CHECK (line_no > 0),
            product     TEXT NOT NULL,
            expiry      TEXT,
            category    TEXT NOT NULL,
            quantity    INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (dispatch_id, line_no)
        ) STRICT;

        -- Clinic mode. An arrival confirms one dispatch (its manifest as scanned); its lines are the
        -- manifest's, counted, and packs that were not on it (extra).
        CREATE TABLE clinic_arrival (
            id                INTEGER PRIMARY KEY,
            uuid              TEXT NOT NULL UNIQUE,
            clinic_id         TEXT NOT NULL,
            dispatch_kiosk_id TEXT NOT NULL,
            dispatch_uuid     TEXT NOT NULL,
            order_uuid        TEXT,
            received_at       TEXT NOT NULL,
            user_id           INTEGER NOT NULL REFERENCES app_user(id),
            note              TEXT,
            UNIQUE (dispatch_kiosk_id, dispatch_uuid)
        ) STRICT;
        CREATE TABLE clinic_arrival_line (
            arrival_id INTEGER NOT NULL REFERENCES clinic_arrival(id),
            line_no    INTEGER NOT NULL CHECK (line_no > 0),
            product    TEXT NOT NULL,
            expiry     TEXT,
            category   TEXT NOT NULL,
            expected   INTEGER NOT NULL CHECK (expected >= 0),
            received   INTEGER NOT NULL CHECK (received >= 0),
            damaged    INTEGER NOT NULL CHECK (damaged >= 0 AND damaged <= received),
            extra      INTEGER NOT NULL CHECK (extra IN (0, 1)),
            PRIMARY KEY (arrival_id, line_no)
        ) STRICT;
        -- Packs out of a line: given out free (anonymous: a count and a day, nothing about a person)
        -- or sent to disposal.
        CREATE TABLE clinic_stock_out (
            id         INTEGER PRIMARY KEY,
            uuid       TEXT NOT NULL UNIQUE,
            arrival_id INTEGER NOT NULL REFERENCES clinic_arrival(id),
            line_no    INTEGER NOT NULL,
            kind       TEXT NOT NULL CHECK (kind IN ('given_out', 'expired', 'damaged')),
            quantity   INTEGER NOT NULL CHECK (quantity > 0),
            day        TEXT NOT NULL,
            user_id    INTEGER NOT NULL REFERENCES app_user(id),
            at         TEXT NOT NULL,
            FOREIGN KEY (arrival_id, line_no) REFERENCES clinic_arrival_line(arrival_id, line_no)
        ) STRICT;
        CREATE INDEX clinic_stock_out_by_line ON clinic_stock_out(arrival_id, line_no);
    )sql",
                         "updating the ledger schema to version 30 (clinics, orders, clinic mode)");
        !s)
        return s;

    // The PIN role "clinic": SQLite cannot alter a CHECK, and app_user is referenced by other tables,
    // so its definition is edited in place (sqlite.org/lang_altertable.html, "other kinds of table
    // schema changes"): the stored rows do not change.
    auto schema_version = db.query_int64("PRAGMA schema_version", "reading the schema version");
    if (!schema_version) return schema_version.error();
    const std::string bump = "PRAGMA schema_version = " + std::to_string(schema_version.value() + 1);
    if (auto s = db.exec(R"sql(
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (role IN (''staff'', ''technician''))',
                                               'CHECK (role IN (''staff'', ''technician'', ''clinic''))')
            WHERE type = 'table' AND name = 'app_user';
    )sql",
                         "allowing the clinic role");
        !s)
        return s;
    if (auto s = db.exec(bump.c_str(), "allowing the clinic role"); !s) return s;
    if (auto s = db.exec("PRAGMA writable_schema = OFF", "allowing the clinic role"); !s) return s;
    auto edited = db.query_int64(
        "SELECT count(*) FROM sqlite_schema WHERE name = 'app_user' AND sql LIKE '%''clinic''%'",
        "checking the clinic role");
    if (!edited) return edited.error();
    if (edited.value() != 1)
        return Error{ErrorCode::Corrupt, "ledger " + db.file().string() +
                                             ": the users table does not have the expected definition; "
                                             "nothing was changed — restore a backup or ask for support"};

    // Before version 30 dispatching part of a drop-off (1 of its 2 boxes) marked all of it
    // dispatched and the rest vanished from the queue: those drop-offs come back with what is left.
    return db.exec(R"sql(
        UPDATE dropoff SET review_state = 'approved'
        WHERE review_state = 'dispatched'
          AND quantity > (SELECT coalesce(sum(i.quantity), 0) FROM dispatch_item i WHERE i.dropoff_uuid = dropoff.uuid);
    )sql",
                   "returning partly dispatched drop-offs to the queue");
}

Result<void> migrate_to_v31(Database& db) {
    // Issue 16: the kiosk's own clinic list, which the staff's dispatch picker and the clinic-mode
    // setting choose from. The hub's clinics (hub_clinic, as pulled or imported) are copied into it by
    // triggers in the same transaction as the pull, so a pull cut off halfway leaves the list as it
    // was, and a pull repeated changes nothing: the hub's entry wins over a local one of the same id,
    // a clinic the hub retired is retired here (kept for the dispatches that named it), and a clinic
    // the technician added that the hub does not know stays, marked local. The triggers delete and
    // insert rather than INSERT OR REPLACE: the pull's own upsert (ON CONFLICT DO UPDATE) would turn
    // a trigger's OR REPLACE into an abort.
    return db.exec(R"sql(
        CREATE TABLE clinic (
            clinic_id   TEXT PRIMARY KEY NOT NULL CHECK (length(clinic_id) BETWEEN 1 AND 40),
            kind        TEXT NOT NULL,
            township_zh TEXT NOT NULL,
            township_en TEXT NOT NULL,
            name_zh     TEXT NOT NULL,
            name_en     TEXT NOT NULL,
            retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
            source      TEXT NOT NULL CHECK (source IN ('hub', 'local')),
            updated_at  TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER clinic_from_hub_insert AFTER INSERT ON hub_clinic BEGIN
            DELETE FROM clinic WHERE clinic_id = NEW.key;
            INSERT INTO clinic
                (clinic_id, kind, township_zh, township_en, name_zh, name_en, retired, source, updated_at)
            VALUES (NEW.key, coalesce(json_extract(NEW.body, '$.kind'), 'village-clinic'),
                    coalesce(json_extract(NEW.body, '$.township_zh'), ''),
                    coalesce(json_extract(NEW.body, '$.township_en'), ''),
                    coalesce(json_extract(NEW.body, '$.name_zh'), NEW.key),
                    coalesce(json_extract(NEW.body, '$.name_en'), NEW.key),
                    NEW.deleted <> 0, 'hub', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;
        CREATE TRIGGER clinic_from_hub_update AFTER UPDATE ON hub_clinic BEGIN
            DELETE FROM clinic WHERE clinic_id = NEW.key;
            INSERT INTO clinic
                (clinic_id, kind, township_zh, township_en, name_zh, name_en, retired, source, updated_at)
            VALUES (NEW.key, coalesce(json_extract(NEW.body, '$.kind'), 'village-clinic'),
                    coalesce(json_extract(NEW.body, '$.township_zh'), ''),
                    coalesce(json_extract(NEW.body, '$.township_en'), ''),
                    coalesce(json_extract(NEW.body, '$.name_zh'), NEW.key),
                    coalesce(json_extract(NEW.body, '$.name_en'), NEW.key),
                    NEW.deleted <> 0, 'hub', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;
        -- What a version-30 ledger already pulled (retired ones too: old dispatches name them).
        INSERT INTO clinic (clinic_id, kind, township_zh, township_en, name_zh, name_en, retired, source,
                            updated_at)
            SELECT key, coalesce(json_extract(body, '$.kind'), 'village-clinic'),
                   coalesce(json_extract(body, '$.township_zh'), ''),
                   coalesce(json_extract(body, '$.township_en'), ''),
                   coalesce(json_extract(body, '$.name_zh'), key), coalesce(json_extract(body, '$.name_en'), key),
                   deleted <> 0, 'hub', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            FROM hub_clinic WHERE json_valid(body) AND length(key) BETWEEN 1 AND 40;
    )sql",
                   "adding the kiosk's clinic list (version 31)");
}

Result<void> migrate_to_v32(Database& db) {
    // The PIN pad's own count of PINs that matched nobody (pin_attempts.cpp): it slows the pad down
    // instead of locking every user of the role, and survives a restart.
    return db.exec(R"sql(
        CREATE TABLE pin_pad (
            pad             TEXT PRIMARY KEY NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
            last_failure_at TEXT
        ) STRICT;
    )sql",
                   "adding the PIN pad's wrong-PIN count (version 32)");
}

Result<void> migrate_to_v33(Database& db) {
    // Signed manifests: a clinic device keeps the collection points' public keys, pulled from the hub
    // like the clinics, to check a delivery list before taking it on its word.
    return db.exec(R"sql(
        CREATE TABLE hub_kiosk_key (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                                    change_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) STRICT;
    )sql",
                   "adding the collection points' manifest keys (version 33)");
}

// Versions need not be consecutive (parallel work reserved 2..9 for the ledger, 10..19 for hub sync, 20..29
// for the staff screens, 30..39 for the county's loop); they must ascend.
constexpr std::array kMigrations{
    Migration{1, "create sessions, drop-offs, outbox and settings", &migrate_to_v1},
    Migration{2, "add catalogue, recalls, drives, users, staff actions and the audit log", &migrate_to_v2},
    Migration{10, "hub sync: dead letters, sync state and events, pulled reference data", &migrate_to_v10},
    Migration{11, "drop-offs keep where their expiry came from", &migrate_to_v11},
    Migration{20, "staff screens: re-classification in review_action, drop-offs by time", &migrate_to_v20},
    Migration{30, "county: clinics, orders, partial dispatch, manifests, clinic mode", &migrate_to_v30},
    Migration{31, "the kiosk's clinic list: the hub's and the technician's clinics", &migrate_to_v31},
    Migration{32, "the PIN pad's wrong-PIN count, which slows the pad instead of locking users",
              &migrate_to_v32},
    Migration{33, "the collection points' manifest keys, for clinic devices", &migrate_to_v33},
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
