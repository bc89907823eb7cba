// The ledger's reference data (catalogue, recalls, drives, settings), users, staff work on drop-offs
// and the audit log. Each change commits with its audit row; staff actions on drop-offs also with
// their outbox row, in one durable transaction.

#include <sodium.h>

#include <exception>
#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "dropoff_rows.hpp"
#include "identifiers.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"
#include "staff_rows.hpp"

namespace medkiosk::storage {
namespace {

using detail::Database;
using detail::Statement;
using detail::WriteTransaction;

constexpr const char* kNothingChanged = "nothing was changed";
constexpr std::size_t kMaxTextBytes = 512;

using detail::invalid;
using detail::kDropoffColumns;
using detail::read_dropoff_row;
using detail::without_exceptions;

std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Runs a statement that returns no rows.
Status run(Database& db, Statement& statement, std::string_view doing, std::string_view consequence) {
    if (const int rc = statement.step(); rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db.last_error(rc, doing, consequence);
    return Ok{};
}

bool too_long(const std::string& text) {
    return text.size() > kMaxTextBytes;
}

bool is_iso_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (text[i] < '0' || text[i] > '9') return false;
    return true;
}

CatalogueEntry read_catalogue_row(const Statement& row) {
    CatalogueEntry entry;
    entry.product_id = row.column_text(0);
    entry.name_zh = row.column_text(1);
    entry.name_en = row.column_text(2);
    entry.form = row.column_text(3);
    entry.strength = row.column_text(4);
    entry.category = row.column_text(5);
    entry.prescription = row.column_int64(6) != 0;
    entry.controlled = row.column_int64(7) != 0;
    entry.cold_chain = row.column_int64(8) != 0;
    entry.injectable = row.column_int64(9) != 0;
    entry.device = row.column_int64(10) != 0;
    return entry;
}

constexpr const char* kCatalogueColumns =
    "product_id, name_zh, name_en, form, strength, category, prescription, controlled, cold_chain, "
    "injectable, device";
constexpr const char* kUserColumns =
    "id, login, role, pin_hash, failed_attempts, locked, last_failure_at, created_at";

UserRecord read_user_row(const Statement& row) {
    UserRecord user;
    user.id = row.column_int64(0);
    user.login = row.column_text(1);
    user.role = row.column_text(2);
    user.pin_hash = row.column_text(3);
    user.failed_attempts = static_cast<int>(row.column_int64(4));
    user.locked = row.column_int64(5) != 0;
    user.last_failure_at = row.column_text(6);
    user.created_at = row.column_text(7);
    return user;
}

Drive read_drive_row(const Statement& row) {
    Drive drive;
    drive.id = row.column_int64(0);
    drive.name = row.column_text(1);
    drive.starts_on = row.column_text(2);
    drive.ends_on = row.column_text(3);
    const auto categories = nlohmann::json::parse(row.column_text(4), nullptr, false);
    if (categories.is_array())
        for (const auto& c : categories)
            if (c.is_string()) drive.accepted_categories.push_back(c.get<std::string>());
    drive.rules_json = row.column_text(5);
    return drive;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Catalogue

Status Ledger::replace_catalogue(const std::vector<CatalogueEntry>& entries, const std::string& actor) {
    return without_exceptions("importing the catalogue", [&]() -> Status {
        constexpr std::string_view kDoing = "importing the catalogue";
        for (const auto& e : entries) {
            if (e.product_id.empty() || e.name_zh.empty() || e.name_en.empty() || e.form.empty() ||
                e.category.empty()) {
                return invalid("catalogue entry '" + e.product_id +
                               "' lacks product_id, a name, form or category — " + kNothingChanged);
            }
        }
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        if (auto s = db.exec("DELETE FROM catalogue", kDoing, kNothingChanged); !s) return s;
        auto insert = db.prepare(std::string("INSERT INTO catalogue (") + kCatalogueColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        if (!insert) return insert.error();
        Statement& s = insert.value();
        for (const auto& e : entries) {
            s.bind_text(1, e.product_id);
            s.bind_text(2, e.name_zh);
            s.bind_text(3, e.name_en);
            s.bind_text(4, e.form);
            s.bind_text_or_null(5, e.strength);
            s.bind_text(6, e.category);
            s.bind_int64(7, e.prescription);
            s.bind_int64(8, e.controlled);
            s.bind_int64(9, e.cold_chain);
            s.bind_int64(10, e.injectable);
            s.bind_int64(11, e.device);
            const int rc = s.step();
            if (rc != SQLITE_DONE) {
                auto error = db.last_error(rc, "importing catalogue entry " + e.product_id, kNothingChanged);
                return error;
            }
            s.reset();
        }
        const std::string now = detail::utc_now_iso8601_ms();
        if (auto a = detail::append_audit(db, actor, "replace-catalogue", "catalogue", "*",
                                          json_text({{"entries", entries.size()}}), now);
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

StatusOr<std::vector<CatalogueEntry>> Ledger::catalogue() {
    return without_exceptions("reading the catalogue", [&]() -> StatusOr<std::vector<CatalogueEntry>> {
        Database& db = database();
        auto query =
            db.prepare(std::string("SELECT ") + kCatalogueColumns + " FROM catalogue ORDER BY product_id");
        if (!query) return query.error();
        std::vector<CatalogueEntry> entries;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW)
            entries.push_back(read_catalogue_row(query.value()));
        if (rc != SQLITE_DONE) return db.last_error(rc, "reading the catalogue");
        return entries;
    });
}

StatusOr<std::optional<CatalogueEntry>> Ledger::find_product(const std::string& product_id) {
    return without_exceptions("looking up a product", [&]() -> StatusOr<std::optional<CatalogueEntry>> {
        Database& db = database();
        auto query =
            db.prepare(std::string("SELECT ") + kCatalogueColumns + " FROM catalogue WHERE product_id = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, product_id);
        const int rc = query.value().step();
        if (rc == SQLITE_DONE) return std::optional<CatalogueEntry>();
        if (rc != SQLITE_ROW) return db.last_error(rc, "looking up a product");
        return std::optional<CatalogueEntry>(read_catalogue_row(query.value()));
    });
}

// ---------------------------------------------------------------------------------------------------
// Recalls, drives, settings

Status Ledger::add_recall(const Recall& recall, const std::string& actor) {
    return without_exceptions("adding a recall", [&]() -> Status {
        constexpr std::string_view kDoing = "adding a recall";
        if (recall.gtin.empty() || recall.batch.empty())
            return invalid("a recall needs a GTIN and a batch — " + std::string(kNothingChanged));
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        const std::string now = detail::utc_now_iso8601_ms();
        auto insert = db.prepare(
            "INSERT INTO recall (gtin, batch, note, added_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT DO UPDATE SET note = excluded.note");
        if (!insert) return insert.error();
        insert.value().bind_text(1, recall.gtin);
        insert.value().bind_text(2, recall.batch);
        insert.value().bind_text_or_null(3, recall.note);
        insert.value().bind_text(4, now);
        if (auto s = run(db, insert.value(), kDoing, kNothingChanged); !s) return s;
        if (auto a = detail::append_audit(db, actor, "add-recall", "recall", recall.gtin + "/" + recall.batch,
                                          json_text({{"note", recall.note}}), now);
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

StatusOr<bool> Ledger::is_recalled(const std::string& gtin, const std::string& batch) {
    return without_exceptions("checking recalls", [&]() -> StatusOr<bool> {
        if (gtin.empty() || batch.empty()) return false;
        Database& db = database();
        auto query = db.prepare("SELECT 1 FROM recall WHERE gtin = ?1 AND batch = ?2");
        if (!query) return query.error();
        query.value().bind_text(1, gtin);
        query.value().bind_text(2, batch);
        const int rc = query.value().step();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.last_error(rc, "checking recalls");
        return rc == SQLITE_ROW;
    });
}

StatusOr<Drive> Ledger::add_drive(const Drive& drive, const std::string& actor) {
    return without_exceptions("adding a drive", [&]() -> StatusOr<Drive> {
        constexpr std::string_view kDoing = "adding a drive";
        if (drive.name.empty() || too_long(drive.name))
            return invalid("a drive needs a name (up to 512 bytes)");
        if (!is_iso_date(drive.starts_on) || !is_iso_date(drive.ends_on) || drive.starts_on > drive.ends_on) {
            return invalid("drive '" + drive.name + "': dates must be YYYY-MM-DD with start ≤ end, got " +
                           drive.starts_on + " … " + drive.ends_on);
        }
        const auto rules = nlohmann::json::parse(drive.rules_json, nullptr, false);
        if (!rules.is_object()) return invalid("drive '" + drive.name + "': rules must be a JSON object");
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        auto insert = db.prepare(
            "INSERT INTO drive (name, starts_on, ends_on, accepted_categories, rules) "
            "VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!insert) return insert.error();
        Drive stored = drive;
        const std::string categories = json_text(drive.accepted_categories);
        insert.value().bind_text(1, drive.name);
        insert.value().bind_text(2, drive.starts_on);
        insert.value().bind_text(3, drive.ends_on);
        insert.value().bind_text(4, categories);
        insert.value().bind_text(5, json_text(rules));
        if (auto s = run(db, insert.value(), kDoing, kNothingChanged); !s) return s.error();
        stored.id = sqlite3_last_insert_rowid(db.handle());
        stored.rules_json = json_text(rules);
        if (auto a = detail::append_audit(db, actor, "add-drive", "drive", std::to_string(stored.id),
                                          json_text({{"name", drive.name},
                                                     {"starts_on", drive.starts_on},
                                                     {"ends_on", drive.ends_on},
                                                     {"accepted_categories", drive.accepted_categories},
                                                     {"rules", rules}}),
                                          detail::utc_now_iso8601_ms());
            !a)
            return a.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return stored;
    });
}

StatusOr<std::optional<Drive>> Ledger::active_drive(const std::string& today_iso) {
    return without_exceptions("finding the active drive", [&]() -> StatusOr<std::optional<Drive>> {
        Database& db = database();
        auto query = db.prepare(
            "SELECT id, name, starts_on, ends_on, accepted_categories, rules FROM drive "
            "WHERE starts_on <= ?1 AND ends_on >= ?1 ORDER BY starts_on DESC, id DESC LIMIT 1");
        if (!query) return query.error();
        query.value().bind_text(1, today_iso);
        const int rc = query.value().step();
        if (rc == SQLITE_DONE) return std::optional<Drive>();
        if (rc != SQLITE_ROW) return db.last_error(rc, "finding the active drive");
        return std::optional<Drive>(read_drive_row(query.value()));
    });
}

StatusOr<std::optional<std::string>> Ledger::setting(const std::string& key) {
    return without_exceptions("reading a setting", [&]() -> StatusOr<std::optional<std::string>> {
        Database& db = database();
        auto query = db.prepare("SELECT value FROM settings WHERE key = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, key);
        const int rc = query.value().step();
        if (rc == SQLITE_DONE) return std::optional<std::string>();
        if (rc != SQLITE_ROW) return db.last_error(rc, "reading setting " + key);
        return std::optional<std::string>(query.value().column_text(0));
    });
}

Status Ledger::set_setting(const std::string& key, const std::string& value, const std::string& actor) {
    return without_exceptions("changing a setting", [&]() -> Status {
        constexpr std::string_view kDoing = "changing a setting";
        if (key.empty() || too_long(key) || value.size() > 65536)
            return invalid("setting key or value too long or empty");
        if (key.rfind("audit.", 0) == 0) return invalid("settings under 'audit.' belong to the audit log");
        if (key.rfind("ledger.", 0) == 0)
            return invalid("settings under 'ledger.' are the ledger's identity");
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        auto upsert = db.prepare(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (!upsert) return upsert.error();
        upsert.value().bind_text(1, key);
        upsert.value().bind_text(2, value);
        if (auto s = run(db, upsert.value(), kDoing, kNothingChanged); !s) return s;
        if (auto a = detail::append_audit(db, actor, "set-setting", "setting", key,
                                          json_text({{"value", value}}), detail::utc_now_iso8601_ms());
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

// ---------------------------------------------------------------------------------------------------
// Users

StatusOr<UserRecord> Ledger::add_user(const std::string& login, const std::string& role,
                                      const std::string& pin_hash, const std::string& actor) {
    return without_exceptions("adding a user", [&]() -> StatusOr<UserRecord> {
        constexpr std::string_view kDoing = "adding a user";
        if (login.empty() || login.size() > 64) return invalid("a login is 1 to 64 characters");
        if (role != "staff" && role != "technician" && role != "clinic")
            return invalid("role must be \"staff\", \"technician\" or \"clinic\", got \"" + role + "\"");
        if (pin_hash.empty()) return invalid("no PIN hash given");
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        UserRecord user;
        user.login = login;
        user.role = role;
        user.pin_hash = pin_hash;
        user.created_at = detail::utc_now_iso8601_ms();
        auto insert =
            db.prepare("INSERT INTO app_user (login, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)");
        if (!insert) return insert.error();
        insert.value().bind_text(1, login);
        insert.value().bind_text(2, role);
        insert.value().bind_text(3, pin_hash);
        insert.value().bind_text(4, user.created_at);
        if (const int rc = insert.value().step(); rc != SQLITE_DONE) {
            if (sqlite3_extended_errcode(db.handle()) == SQLITE_CONSTRAINT_UNIQUE)
                return invalid("user '" + login + "' already exists; use reset-pin to change the PIN");
            return db.last_error(rc, kDoing, kNothingChanged);
        }
        user.id = sqlite3_last_insert_rowid(db.handle());
        if (auto a = detail::append_audit(db, actor, "add-user", "user", login, json_text({{"role", role}}),
                                          user.created_at);
            !a)
            return a.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return user;
    });
}

StatusOr<std::vector<UserRecord>> Ledger::users() {
    return without_exceptions("listing users", [&]() -> StatusOr<std::vector<UserRecord>> {
        Database& db = database();
        auto query = db.prepare(std::string("SELECT ") + kUserColumns + " FROM app_user ORDER BY login");
        if (!query) return query.error();
        std::vector<UserRecord> users;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) users.push_back(read_user_row(query.value()));
        if (rc != SQLITE_DONE) return db.last_error(rc, "listing users");
        return users;
    });
}

StatusOr<std::optional<UserRecord>> Ledger::find_user(const std::string& login) {
    return without_exceptions("looking up a user", [&]() -> StatusOr<std::optional<UserRecord>> {
        Database& db = database();
        auto query = db.prepare(std::string("SELECT ") + kUserColumns + " FROM app_user WHERE login = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, login);
        const int rc = query.value().step();
        if (rc == SQLITE_DONE) return std::optional<UserRecord>();
        if (rc != SQLITE_ROW) return db.last_error(rc, "looking up a user");
        return std::optional<UserRecord>(read_user_row(query.value()));
    });
}

Status Ledger::update_login_state(const UserRecord& user, const std::string& audit_action,
                                  const std::string& actor) {
    return without_exceptions("updating a user's sign-in state", [&]() -> Status {
        constexpr std::string_view kDoing = "updating a user's sign-in state";
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        auto update = db.prepare(
            "UPDATE app_user SET failed_attempts = ?2, locked = ?3, last_failure_at = ?4 WHERE login = ?1");
        if (!update) return update.error();
        update.value().bind_text(1, user.login);
        update.value().bind_int64(2, user.failed_attempts);
        update.value().bind_int64(3, user.locked ? 1 : 0);
        update.value().bind_text_or_null(4, user.last_failure_at);
        if (auto s = run(db, update.value(), kDoing, kNothingChanged); !s) return s;
        if (sqlite3_changes(db.handle()) == 0)
            return Error{ErrorCode::NotFound, "no user '" + user.login + "' — " + kNothingChanged};
        if (auto a = detail::append_audit(
                db, actor, audit_action, "user", user.login,
                json_text({{"failed_attempts", user.failed_attempts}, {"locked", user.locked}}),
                detail::utc_now_iso8601_ms());
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

Status Ledger::set_pin_hash(const std::string& login, const std::string& pin_hash, const std::string& actor) {
    return without_exceptions("changing a PIN", [&]() -> Status {
        constexpr std::string_view kDoing = "changing a PIN";
        if (pin_hash.empty()) return invalid("no PIN hash given");
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        auto update = db.prepare(
            "UPDATE app_user SET pin_hash = ?2, failed_attempts = 0, locked = 0, "
            "last_failure_at = NULL WHERE login = ?1");
        if (!update) return update.error();
        update.value().bind_text(1, login);
        update.value().bind_text(2, pin_hash);
        if (auto s = run(db, update.value(), kDoing, kNothingChanged); !s) return s;
        if (sqlite3_changes(db.handle()) == 0)
            return Error{ErrorCode::NotFound, "no user '" + login + "' — " + kNothingChanged};
        if (auto a = detail::append_audit(db, actor, "reset-pin", "user", login, "{}",
                                          detail::utc_now_iso8601_ms());
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

// ---------------------------------------------------------------------------------------------------
// Duplicates, review queue, staff actions

StatusOr<bool> Ledger::serial_recorded(const std::string& serial) {
    return without_exceptions("looking for a recorded serial", [&]() -> StatusOr<bool> {
        if (serial.empty()) return false;
        auto hash = serial_hash(serial);
        if (!hash) return hash.error();
        Database& db = database();
        // Refused packs went back to the donor; only a pack that was taken counts as recorded.
        auto query =
            db.prepare("SELECT 1 FROM dropoff WHERE serial_hash = ?1 AND decision <> 'refuse' LIMIT 1");
        if (!query) return query.error();
        query.value().bind_text(1, hash.value());
        const int rc = query.value().step();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.last_error(rc, "looking for a recorded serial");
        return rc == SQLITE_ROW;
    });
}

StatusOr<std::vector<DropOffRecord>> Ledger::review_queue(int limit) {
    return without_exceptions("reading the review queue", [&]() -> StatusOr<std::vector<DropOffRecord>> {
        if (limit < 0) return invalid("review_queue: limit must not be negative");
        Database& db = database();
        auto query = db.prepare(std::string("SELECT ") + kDropoffColumns +
                                " FROM dropoff WHERE review_state = 'pending' AND decision <> 'refuse' "
                                "ORDER BY sequence LIMIT ?1");
        if (!query) return query.error();
        Statement& s = query.value();
        s.bind_int64(1, limit);
        std::vector<DropOffRecord> records;
        int rc = SQLITE_ROW;
        while ((rc = s.step()) == SQLITE_ROW) {
            records.push_back(read_dropoff_row(s));
        }
        if (rc != SQLITE_DONE) return db.last_error(rc, "reading the review queue");
        return records;
    });
}

namespace detail {

Status insert_outbox_row(Database& db, std::string_view entity, const std::string& entity_id,
                         const std::string& payload, const std::string& at, std::string_view doing) {
    auto insert =
        db.prepare("INSERT INTO outbox (entity, entity_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    insert.value().bind_text(1, entity);
    insert.value().bind_text(2, entity_id);
    insert.value().bind_text(3, payload);
    insert.value().bind_text(4, at);
    return run(db, insert.value(), doing, kNothingChanged);
}

StatusOr<std::string> user_login(Database& db, std::int64_t user_id) {
    auto query = db.prepare("SELECT login FROM app_user WHERE id = ?1");
    if (!query) return query.error();
    query.value().bind_int64(1, user_id);
    const int rc = query.value().step();
    if (rc == SQLITE_DONE)
        return Error{ErrorCode::NotFound,
                     "no user with id " + std::to_string(user_id) + " — " + kNothingChanged};
    if (rc != SQLITE_ROW) return db.last_error(rc, "looking up a user");
    return query.value().column_text(0);
}

// A review inside the caller's write transaction: the drop-off's state, the review row, its outbox row
// and its audit row.
StatusOr<ReviewAction> write_review(Database& db, const std::string& login, const std::string& dropoff_uuid,
                                    std::int64_t user_id, const std::string& action, const std::string& note,
                                    std::string_view doing) {
    static const std::pair<const char*, const char*> kStates[] = {
        {"approve", "approved"}, {"reject", "rejected"}, {"dispose", "disposed"}};
    const char* new_state = nullptr;
    for (const auto& [name, state] : kStates)
        if (action == name) new_state = state;
    if (new_state == nullptr)
        return invalid("review action must be approve, reject or dispose, got \"" + action + "\"");
    if (too_long(note)) return invalid("review note is longer than 512 bytes");
    ReviewAction review{detail::new_uuid_v4(),       dropoff_uuid, user_id, action, note,
                        detail::utc_now_iso8601_ms()};
    auto update =
        db.prepare("UPDATE dropoff SET review_state = ?2 WHERE uuid = ?1 AND review_state = 'pending'");
    if (!update) return update.error();
    update.value().bind_text(1, dropoff_uuid);
    update.value().bind_text(2, new_state);
    if (auto s = run(db, update.value(), doing, kNothingChanged); !s) return s.error();
    if (sqlite3_changes(db.handle()) == 0) {
        return Error{ErrorCode::NotFound, "drop-off " + dropoff_uuid +
                                              " does not exist or was already reviewed — " + kNothingChanged};
    }
    auto insert = db.prepare(
        "INSERT INTO review_action (uuid, dropoff_uuid, user_id, action, note, at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return insert.error();
    insert.value().bind_text(1, review.uuid);
    insert.value().bind_text(2, review.dropoff_uuid);
    insert.value().bind_int64(3, user_id);
    insert.value().bind_text(4, action);
    insert.value().bind_text_or_null(5, note);
    insert.value().bind_text(6, review.at);
    if (auto s = run(db, insert.value(), doing, kNothingChanged); !s) return s.error();
    const std::string payload = json_text({{"uuid", review.uuid},
                                           {"dropoff_uuid", dropoff_uuid},
                                           {"user", login},
                                           {"action", action},
                                           {"review_state", new_state},
                                           {"note", note},
                                           {"at", review.at}});
    if (auto s = insert_outbox_row(db, "review_action", review.uuid, payload, review.at, doing); !s)
        return s.error();
    if (auto a =
            detail::append_audit(db, login, "review-" + action, "dropoff", dropoff_uuid, payload, review.at);
        !a)
        return a.error();
    return review;
}

}  // namespace detail

using detail::insert_outbox_row;
using detail::user_login;
using detail::write_review;

StatusOr<ReviewAction> Ledger::record_review(const std::string& dropoff_uuid, std::int64_t user_id,
                                             const std::string& action, const std::string& note) {
    return without_exceptions("recording a review", [&]() -> StatusOr<ReviewAction> {
        constexpr std::string_view kDoing = "recording a review";
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        auto login = user_login(db, user_id);
        if (!login) return login.error();
        auto review = write_review(db, login.value(), dropoff_uuid, user_id, action, note, kDoing);
        if (!review) return review.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return review;
    });
}

StatusOr<Dispatch> Ledger::record_dispatch(const std::string& clinic, std::int64_t user_id,
                                           const std::vector<DispatchItem>& items,
                                           bool confirm_kiosk_accepted) {
    // A typed clinic name, as before clinics were reference data: the dispatch book matches it to a
    // clinic from the hub's list when it can.
    DispatchRequest request;
    request.clinic_name = clinic;
    request.items = items;
    request.user_id = user_id;
    request.confirm_kiosk_accepted = confirm_kiosk_accepted;
    auto recorded = DispatchBook(database(), options().kiosk_id).record(request);
    if (!recorded) return recorded.error();
    return std::move(recorded.value().dispatch);
}

// ---------------------------------------------------------------------------------------------------
// Audit

StatusOr<std::vector<AuditRow>> Ledger::audit_rows() {
    return without_exceptions("reading the audit log", [&]() -> StatusOr<std::vector<AuditRow>> {
        Database& db = database();
        auto query = db.prepare(
            "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER "
            "BY seq");
        if (!query) return query.error();
        Statement& s = query.value();
        std::vector<AuditRow> rows;
        int rc = SQLITE_ROW;
        while ((rc = s.step()) == SQLITE_ROW) {
            rows.push_back({s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3),
                            s.column_text(4), s.column_text(5), s.column_text(6), s.column_text(7),
                            s.column_text(8)});
        }
        if (rc != SQLITE_DONE) return db.last_error(rc, "reading the audit log");
        return rows;
    });
}

StatusOr<AuditReport> Ledger::verify_audit() {
    return without_exceptions("verifying the audit log", [&]() -> StatusOr<AuditReport> {
        Database& db = database();
        // One read transaction so the rows and the recorded head agree while the kiosk keeps writing.
        if (auto s = db.exec("BEGIN", "verifying the audit log"); !s) return s.error();
        auto report = detail::verify_audit_chain(db);
        sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr);
        return report;
    });
}

}  // namespace medkiosk::storage
