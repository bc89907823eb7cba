#include "outbox.hpp"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "ledger_instance.hpp"
#include "manifest_key_rows.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::storage::detail {
namespace {

std::int64_t seconds_since(const std::string& iso) {
    std::tm tm{};
    if (iso.size() < 19 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    const std::time_t then = timegm(&tm);
    const std::time_t now = std::time(nullptr);
    return now > then ? static_cast<std::int64_t>(now - then) : 0;
}

}  // namespace

Result<std::unique_ptr<OutboxStore>> OutboxStore::open(const std::filesystem::path& ledger_file) {
    // Lost or never created: say which, and never create one here.
    if (auto present = check_ledger_present(ledger_file); !present) return present.error();
    // Its own Ledger connection (which brings an older ledger up to the sync schema); the kiosk id is
    // not used for syncing.
    LedgerOptions options;
    options.kiosk_id = "sync";
    auto ledger = Ledger::open(ledger_file, options);
    if (!ledger) return ledger.error();
    auto store = std::make_unique<OutboxStore>();
    store->ledger_ = std::move(ledger).value();
    store->db_ = &core_of(*store->ledger_).database();
    return store;
}

Result<std::vector<OutboxRow>> OutboxStore::due(std::int64_t after_id, int limit, std::int64_t up_to_id) {
    auto prepared = db_->prepare(
        "SELECT id, entity, entity_id, payload FROM outbox WHERE acked_at IS NULL AND dead_at IS NULL "
        "AND id > ?1 AND id <= ?3 ORDER BY id LIMIT ?2");
    if (!prepared) return prepared.error();
    prepared.value().bind_int64(1, after_id);
    prepared.value().bind_int64(2, limit);
    prepared.value().bind_int64(3, up_to_id);
    return read_all(*db_, prepared.value(), "reading the outbox", [](const Statement& row) {
        return OutboxRow{row.column_int64(0), row.column_text(1), row.column_text(2), row.column_text(3)};
    });
}

Result<std::int64_t> OutboxStore::last_outbox_id() {
    return db_->query_int64("SELECT coalesce(max(id), 0) FROM outbox", "reading the outbox");
}

Result<std::vector<OutboxRow>> OutboxStore::sessions_due(std::int64_t after_id, int limit) {
    auto instance = read_instance(*db_);
    if (!instance) return instance.error();
    auto prepared = db_->prepare(
        "SELECT id, json_object('session_id', id, 'receipt_code', receipt_code, 'started_at', started_at), "
        "receipt_code, started_at FROM donation_session WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!prepared) return prepared.error();
    prepared.value().bind_int64(1, after_id);
    prepared.value().bind_int64(2, limit);
    return read_all(*db_, prepared.value(), "reading donation sessions", [&](const Statement& row) {
        const auto id = row.column_int64(0);
        const std::string receipt_code = row.column_text(2);
        const std::string key = session_uuid(instance.value(), id, receipt_code);
        if (key.empty())  // numbered before the ledger had an instance: as the hub has always known it
            return OutboxRow{id, "session", "session-" + std::to_string(id), row.column_text(1)};
        // Keyed by its UUID: a recreated or restored ledger numbering sessions from 1 again never meets
        // a session the hub already holds.
        const nlohmann::ordered_json payload = {{"session_uuid", key},
                                                {"instance_id", instance.value()->id},
                                                {"session_id", id},
                                                {"receipt_code", receipt_code},
                                                {"started_at", row.column_text(3)}};
        return OutboxRow{id, "session", key, payload.dump()};
    });
}

Result<std::int64_t> OutboxStore::session_cursor() {
    auto value = state("session_cursor");
    if (!value) return value.error();
    return value.value() ? std::stoll(*value.value()) : std::int64_t{0};
}

Result<void> OutboxStore::apply(const std::vector<OutboxOutcome>& outcomes) {
    constexpr std::string_view kDoing = "marking records the hub acknowledged";
    return in_write_transaction(*db_, kDoing, kNothingChanged, [&]() -> Result<void> {
        auto ack = db_->prepare("UPDATE outbox SET acked_at = ?2 WHERE id = ?1 AND acked_at IS NULL");
        auto dead = db_->prepare(
            "UPDATE outbox SET dead_at = ?2, dead_reason = ?3 WHERE id = ?1 AND acked_at IS NULL");
        auto event = db_->prepare(
            "INSERT INTO sync_event (at, kind, outbox_id, entity_id, detail) VALUES (?1, 'dead-letter', ?2, "
            "?3, "
            "?4)");
        if (!ack) return ack.error();
        if (!dead) return dead.error();
        if (!event) return event.error();
        const std::string now = utc_now_iso8601_ms();
        for (const auto& outcome : outcomes) {
            int rc;
            if (outcome.outcome == "inserted" || outcome.outcome == "duplicate") {
                auto& s = ack.value();
                StatementScope scope(s);
                s.bind_int64(1, outcome.id);
                s.bind_text(2, now);
                rc = s.step();
            } else {
                const std::string reason =
                    outcome.outcome + (outcome.detail.empty() ? "" : ": " + outcome.detail);
                {
                    auto& s = dead.value();
                    StatementScope scope(s);
                    s.bind_int64(1, outcome.id);
                    s.bind_text(2, now);
                    s.bind_text(3, reason);
                    rc = s.step();
                }
                // Only a row this transaction moved to dead letters gets its event and audit row.
                const bool newly_dead = rc == SQLITE_DONE && sqlite3_changes(db_->handle()) > 0;
                if (newly_dead) {
                    auto& s = event.value();
                    StatementScope scope(s);
                    s.bind_text(1, now);
                    s.bind_int64(2, outcome.id);
                    s.bind_text(3, outcome.entity_id);
                    s.bind_text(4, "hub answered " + reason);
                    rc = s.step();
                }
                if (newly_dead && rc == SQLITE_DONE) {
                    const nlohmann::json detail = {
                        {"outbox_id", outcome.id}, {"outcome", outcome.outcome}, {"detail", outcome.detail}};
                    if (auto a = append_audit(
                            *db_, "sync", "sync-dead-letter", outcome.entity, outcome.entity_id,
                            detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), now);
                        !a)
                        return Error{a.error().code,
                                     a.error().message + " — the records stay queued and are sent again"};
                }
            }
            if (rc != SQLITE_DONE)
                return db_->last_error(rc, kDoing, "the records stay queued and are sent again");
        }
        return {};
    });
}

Result<void> OutboxStore::dead_letter_session(const std::string& entity_id, const std::string& reason) {
    constexpr std::string_view kDoing = "recording a donation session the hub refused";
    return in_write_transaction(*db_, kDoing, kNothingChanged, [&]() -> Result<void> {
        const std::string now = utc_now_iso8601_ms();
        auto event = db_->prepare(
            "INSERT INTO sync_event (at, kind, entity_id, detail) VALUES (?1, 'dead-letter', ?2, ?3)");
        if (!event) return event.error();
        event.value().bind_text(1, now);
        event.value().bind_text(2, entity_id);
        event.value().bind_text(3, "hub answered " + reason);
        if (const int rc = event.value().step(); rc != SQLITE_DONE) return db_->last_error(rc, kDoing);
        const nlohmann::json detail = {{"detail", reason}};
        if (auto a = append_audit(*db_, "sync", "sync-dead-letter", "session", entity_id,
                                  detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), now);
            !a)
            return a;
        return {};
    });
}

Result<std::string> OutboxStore::instance_id() {
    auto instance = read_instance(*db_);
    if (!instance) return instance.error();
    return instance.value() ? instance.value()->id : std::string();
}

Result<std::string> OutboxStore::audit_head() {
    return db_->query_text_rows(
        "SELECT (SELECT value FROM settings WHERE key = 'audit.head_seq') || ':' || "
        "(SELECT value FROM settings WHERE key = 'audit.head_hash')",
        "reading the audit chain's head");
}

Result<std::int64_t> OutboxStore::backlog() {
    return db_->query_int64("SELECT count(*) FROM outbox WHERE acked_at IS NULL AND dead_at IS NULL",
                            "counting the outbox");
}

Result<std::int64_t> OutboxStore::oldest_pending_age_s() {
    auto oldest = db_->query_text_rows(
        "SELECT created_at FROM outbox WHERE acked_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1",
        "reading the oldest queued record");
    if (!oldest) return oldest.error();
    return seconds_since(oldest.value());
}

Result<std::optional<std::string>> OutboxStore::state(const std::string& key) {
    auto prepared = db_->prepare("SELECT value FROM sync_state WHERE key = ?1");
    if (!prepared) return prepared.error();
    prepared.value().bind_text(1, key);
    const int rc = prepared.value().step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(prepared.value().column_text(0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return db_->last_error(rc, "reading the sync state");
}

Result<std::optional<std::string>> OutboxStore::state_setting(const std::string& key) {
    auto prepared = db_->prepare("SELECT value FROM settings WHERE key = ?1");
    if (!prepared) return prepared.error();
    prepared.value().bind_text(1, key);
    return read_one(*db_, prepared.value(), "reading the ledger's settings",
                    [](const Statement& row) { return row.column_text(0); });
}

Result<void> OutboxStore::set_state(const std::string& key, const std::string& value) {
    auto prepared = db_->prepare(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!prepared) return prepared.error();
    prepared.value().bind_text(1, key);
    prepared.value().bind_text(2, value);
    if (const int rc = prepared.value().step(); rc != SQLITE_DONE)
        return db_->last_error(rc, "saving the sync state");
    return {};
}

Result<void> OutboxStore::record_event(const std::string& kind, const std::string& detail) {
    auto prepared = db_->prepare("INSERT INTO sync_event (at, kind, detail) VALUES (?1, ?2, ?3)");
    if (!prepared) return prepared.error();
    prepared.value().bind_text(1, utc_now_iso8601_ms());
    prepared.value().bind_text(2, kind);
    prepared.value().bind_text(3, detail);
    if (const int rc = prepared.value().step(); rc != SQLITE_DONE)
        return db_->last_error(rc, "recording a sync event");
    return {};
}

Result<void> OutboxStore::store_feed(const std::string& table, const std::vector<FeedRow>& rows) {
    if (rows.empty()) return {};
    constexpr std::string_view kDoing = "storing reference data from the hub";
    return in_write_transaction(*db_, kDoing, kNothingChanged, [&]() -> Result<void> {
        // `table` is one of the sync worker's own feed tables, never input.
        auto upsert = db_->prepare("INSERT INTO " + table +
                                   " (key, body, change_seq, deleted) VALUES (?1, ?2, ?3, ?4) "
                                   "ON CONFLICT (key) DO UPDATE SET body = excluded.body, "
                                   "change_seq = excluded.change_seq, deleted = excluded.deleted");
        if (!upsert) return upsert.error();
        for (const auto& row : rows) {
            auto& s = upsert.value();
            StatementScope scope(s);
            s.bind_text(1, row.key);
            s.bind_text(2, row.body);
            s.bind_int64(3, row.change_seq);
            s.bind_int64(4, row.deleted ? 1 : 0);
            if (const int rc = s.step(); rc != SQLITE_DONE) return db_->last_error(rc, kDoing);
        }
        if (auto s = set_state("cursor:" + table, std::to_string(rows.back().change_seq)); !s) return s;
        return {};
    });
}

Result<OutboxStore::DamagedManifestKeys> OutboxStore::damaged_manifest_keys() {
    constexpr std::string_view kDoing = "checking the collection points' manifest keys";
    auto query = db_->prepare(
        std::string(
            "SELECT coalesce(group_concat('\"' || key || '\"', ', '), ''), "
            "coalesce(group_concat(quote(key) || quote(change_seq) || quote(deleted) || quote(body), ','), "
            "'') FROM (SELECT key, change_seq, deleted, body FROM hub_kiosk_key WHERE deleted = 0 AND (") +
        kManifestKeyDamage + ") IS NOT NULL OR " + kManifestKeyRowDamage + " ORDER BY key)");
    if (!query) return query.error();
    if (const int rc = query.value().step(); rc != SQLITE_ROW) return db_->last_error(rc, kDoing);
    return DamagedManifestKeys{query.value().column_text(0), query.value().column_text(1)};
}

Result<std::set<std::string>> OutboxStore::usable_manifest_keys() {
    constexpr std::string_view kDoing = "listing the collection points' manifest keys";
    auto query = db_->prepare(std::string("SELECT key FROM hub_kiosk_key WHERE deleted = 0 AND (") +
                              kManifestKeyDamage + ") IS NULL AND NOT " + kManifestKeyRowDamage);
    if (!query) return query.error();
    std::set<std::string> keys;
    int rc = SQLITE_ROW;
    while ((rc = query.value().step()) == SQLITE_ROW) keys.insert(query.value().column_text(0));
    if (rc != SQLITE_DONE) return db_->last_error(rc, kDoing);
    return keys;
}

Result<std::string> OutboxStore::any_kiosk_id() {
    return db_->query_text_rows("SELECT kiosk_id FROM dropoff ORDER BY sequence DESC LIMIT 1",
                                "reading the kiosk id");
}

}  // namespace medkiosk::storage::detail

namespace medkiosk::storage {

Result<OutboxStatus> read_outbox_status(const std::filesystem::path& ledger_file) {
    auto store = detail::OutboxStore::open(ledger_file);
    if (!store) return store.error();
    auto& db = store.value()->db();
    OutboxStatus status;
    auto pending = store.value()->backlog();
    if (!pending) return pending.error();
    status.pending = pending.value();
    auto dead =
        db.query_int64("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL", "counting dead letters");
    if (!dead) return dead.error();
    status.dead = dead.value();
    auto acked =
        db.query_int64("SELECT count(*) FROM outbox WHERE acked_at IS NOT NULL", "counting sent records");
    if (!acked) return acked.error();
    status.acknowledged = acked.value();
    auto age = store.value()->oldest_pending_age_s();
    if (!age) return age.error();
    status.oldest_pending_age_s = age.value();
    auto last_success = store.value()->state("last_success_at");
    if (last_success && last_success.value()) status.last_success_at = *last_success.value();
    auto last_error = store.value()->state("last_error");
    if (last_error && last_error.value()) status.last_error = *last_error.value();
    auto skew = store.value()->state("clock_skew_ms");
    if (skew && skew.value()) status.clock_skew_ms = std::stoll(*skew.value());
    auto events = db.query_text_rows(
        "SELECT at || '  ' || kind || '  ' || coalesce(entity_id, '') || '  ' || detail FROM sync_event "
        "ORDER BY id DESC LIMIT 10",
        "reading sync events");
    if (!events) return events.error();
    std::string text = events.value();
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        status.recent_events.push_back(
            text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return status;
}

}  // namespace medkiosk::storage
