// The reference data the policy reads: catalogue, recalls, drives and settings. Each change commits with
// its audit row in one transaction.

#include "medkiosk/storage/reference_data.hpp"

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "medkiosk/iso_date.hpp"

namespace medkiosk::storage {
namespace {

using namespace detail;  // the ledger's shared parts (ledger_core.hpp)

constexpr const char* kCatalogueColumns =
    "product_id, name_zh, name_en, form, strength, category, prescription, controlled, cold_chain, "
    "injectable, device";
constexpr const char* kDriveColumns = "id, name, starts_on, ends_on, accepted_categories, rules";

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

// What add_drive and update_drive both require; the rules parsed, or why the drive is refused.
Result<nlohmann::json> checked_drive_rules(const Drive& drive) {
    if (drive.name.empty() || too_long(drive.name)) return invalid("a drive needs a name (up to 512 bytes)");
    if (!is_iso_date(drive.starts_on) || !is_iso_date(drive.ends_on) || drive.starts_on > drive.ends_on) {
        return invalid("drive '" + drive.name + "': dates must be YYYY-MM-DD with start ≤ end, got " +
                       drive.starts_on + " … " + drive.ends_on);
    }
    auto rules = nlohmann::json::parse(drive.rules_json, nullptr, false);
    if (!rules.is_object()) return invalid("drive '" + drive.name + "': rules must be a JSON object");
    return rules;
}

}  // namespace

namespace detail {

std::string drive_detail(const Drive& drive, const nlohmann::json& rules) {
    return json_text({{"name", drive.name},
                      {"starts_on", drive.starts_on},
                      {"ends_on", drive.ends_on},
                      {"accepted_categories", drive.accepted_categories},
                      {"rules", rules}});
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------------
// Catalogue

Result<void> ReferenceData::replace_catalogue(const std::vector<CatalogueEntry>& entries,
                                              const std::string& actor) {
    constexpr std::string_view kDoing = "importing the catalogue";
    return without_exceptions(kDoing, [&]() -> Result<void> {
        for (const auto& e : entries) {
            if (e.product_id.empty() || e.name_zh.empty() || e.name_en.empty() || e.form.empty() ||
                e.category.empty()) {
                return invalid("catalogue entry '" + e.product_id +
                               "' lacks product_id, a name, form or category — " + kNothingChanged);
            }
        }
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<void> {
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
                if (const int rc = s.step(); rc != SQLITE_DONE)
                    return db.last_error(rc, "importing catalogue entry " + e.product_id, kNothingChanged);
                s.reset();
            }
            return detail::append_audit(db, actor, "replace-catalogue", "catalogue", "*",
                                        json_text({{"entries", entries.size()}}),
                                        detail::utc_now_iso8601_ms());
        });
    });
}

Result<std::vector<CatalogueEntry>> ReferenceData::catalogue() {
    constexpr std::string_view kDoing = "reading the catalogue";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<CatalogueEntry>> {
        Database& db = core_.database();
        auto query =
            db.prepare(std::string("SELECT ") + kCatalogueColumns + " FROM catalogue ORDER BY product_id");
        if (!query) return query.error();
        return read_all(db, query.value(), kDoing, read_catalogue_row);
    });
}

Result<std::optional<CatalogueEntry>> ReferenceData::find_product(const std::string& product_id) {
    constexpr std::string_view kDoing = "looking up a product";
    return without_exceptions(kDoing, [&]() -> Result<std::optional<CatalogueEntry>> {
        Database& db = core_.database();
        auto query =
            db.prepare(std::string("SELECT ") + kCatalogueColumns + " FROM catalogue WHERE product_id = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, product_id);
        return read_one(db, query.value(), kDoing, read_catalogue_row);
    });
}

Result<std::vector<std::string>> ReferenceData::categories() {
    constexpr std::string_view kDoing = "reading the categories";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<std::string>> {
        Database& db = core_.database();
        auto query = db.prepare("SELECT DISTINCT category FROM catalogue ORDER BY category");
        if (!query) return query.error();
        return read_all(db, query.value(), kDoing, [](const Statement& row) { return row.column_text(0); });
    });
}

// ---------------------------------------------------------------------------------------------------
// Recalls

Result<void> ReferenceData::add_recall(const Recall& recall, const std::string& actor) {
    constexpr std::string_view kDoing = "adding a recall";
    return without_exceptions(kDoing, [&]() -> Result<void> {
        if (recall.gtin.empty() || recall.batch.empty())
            return invalid("a recall needs a GTIN and a batch — " + std::string(kNothingChanged));
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<void> {
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
            return detail::append_audit(db, actor, "add-recall", "recall", recall.gtin + "/" + recall.batch,
                                        json_text({{"note", recall.note}}), now);
        });
    });
}

Result<bool> ReferenceData::is_recalled(const std::string& gtin, const std::string& batch) {
    constexpr std::string_view kDoing = "checking recalls";
    return without_exceptions(kDoing, [&]() -> Result<bool> {
        if (gtin.empty() || batch.empty()) return false;
        Database& db = core_.database();
        auto query = db.prepare("SELECT 1 FROM recall WHERE gtin = ?1 AND batch = ?2");
        if (!query) return query.error();
        query.value().bind_text(1, gtin);
        query.value().bind_text(2, batch);
        return exists(db, query.value(), kDoing);
    });
}

// ---------------------------------------------------------------------------------------------------
// Drives

Result<Drive> ReferenceData::add_drive(const Drive& drive, const std::string& actor) {
    constexpr std::string_view kDoing = "adding a drive";
    return without_exceptions(kDoing, [&]() -> Result<Drive> {
        const auto rules = checked_drive_rules(drive);
        if (!rules) return rules.error();
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<Drive> {
            auto insert = db.prepare(
                "INSERT INTO drive (name, starts_on, ends_on, accepted_categories, rules) "
                "VALUES (?1, ?2, ?3, ?4, ?5)");
            if (!insert) return insert.error();
            Drive stored = drive;
            stored.rules_json = json_text(rules.value());
            insert.value().bind_text(1, drive.name);
            insert.value().bind_text(2, drive.starts_on);
            insert.value().bind_text(3, drive.ends_on);
            insert.value().bind_text(4, json_text(drive.accepted_categories));
            insert.value().bind_text(5, stored.rules_json);
            if (auto s = run(db, insert.value(), kDoing, kNothingChanged); !s) return s.error();
            stored.id = sqlite3_last_insert_rowid(db.handle());
            if (auto a = detail::append_audit(db, actor, "add-drive", "drive", std::to_string(stored.id),
                                              detail::drive_detail(drive, rules.value()),
                                              detail::utc_now_iso8601_ms());
                !a)
                return a.error();
            return stored;
        });
    });
}

Result<void> ReferenceData::update_drive(const Drive& drive, const std::string& actor) {
    constexpr std::string_view kDoing = "changing a drive";
    return without_exceptions(kDoing, [&]() -> Result<void> {
        const auto rules = checked_drive_rules(drive);
        if (!rules) return rules.error();
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<void> {
            auto update = db.prepare(
                "UPDATE drive SET name = ?2, starts_on = ?3, ends_on = ?4, accepted_categories = ?5, "
                "rules = ?6 WHERE id = ?1");
            if (!update) return update.error();
            update.value().bind_int64(1, drive.id);
            update.value().bind_text(2, drive.name);
            update.value().bind_text(3, drive.starts_on);
            update.value().bind_text(4, drive.ends_on);
            update.value().bind_text(5, json_text(drive.accepted_categories));
            update.value().bind_text(6, json_text(rules.value()));
            if (auto s = run(db, update.value(), kDoing, kNothingChanged); !s) return s;
            if (sqlite3_changes(db.handle()) == 0)
                return Error{ErrorCode::NotFound,
                             "no drive " + std::to_string(drive.id) + " — " + kNothingChanged};
            return detail::append_audit(db, actor, "change-drive", "drive", std::to_string(drive.id),
                                        detail::drive_detail(drive, rules.value()),
                                        detail::utc_now_iso8601_ms());
        });
    });
}

Result<std::vector<Drive>> ReferenceData::drives() {
    constexpr std::string_view kDoing = "listing the drives";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<Drive>> {
        Database& db = core_.database();
        auto query = db.prepare(std::string("SELECT ") + kDriveColumns +
                                " FROM drive ORDER BY starts_on DESC, id DESC");
        if (!query) return query.error();
        return read_all(db, query.value(), kDoing, read_drive_row);
    });
}

Result<std::optional<Drive>> ReferenceData::active_drive(const std::string& today_iso) {
    constexpr std::string_view kDoing = "finding the active drive";
    return without_exceptions(kDoing, [&]() -> Result<std::optional<Drive>> {
        Database& db = core_.database();
        auto query = db.prepare(std::string("SELECT ") + kDriveColumns +
                                " FROM drive WHERE starts_on <= ?1 AND ends_on >= ?1 "
                                "ORDER BY starts_on DESC, id DESC LIMIT 1");
        if (!query) return query.error();
        query.value().bind_text(1, today_iso);
        return read_one(db, query.value(), kDoing, read_drive_row);
    });
}

// ---------------------------------------------------------------------------------------------------
// Settings (the county rules are the setting "policy.rules")

Result<std::optional<std::string>> ReferenceData::setting(const std::string& key) {
    return without_exceptions("reading a setting", [&]() -> Result<std::optional<std::string>> {
        Database& db = core_.database();
        auto query = db.prepare("SELECT value FROM settings WHERE key = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, key);
        return read_one(db, query.value(), "reading setting " + key,
                        [](const Statement& row) { return row.column_text(0); });
    });
}

Result<void> ReferenceData::set_setting(const std::string& key, const std::string& value,
                                        const std::string& actor) {
    constexpr std::string_view kDoing = "changing a setting";
    return without_exceptions(kDoing, [&]() -> Result<void> {
        if (key.empty() || too_long(key) || value.size() > 65536)
            return invalid("setting key or value too long or empty");
        if (key.rfind("audit.", 0) == 0) return invalid("settings under 'audit.' belong to the audit log");
        if (key.rfind("ledger.", 0) == 0)
            return invalid("settings under 'ledger.' are the ledger's identity");
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<void> {
            auto upsert = db.prepare(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            if (!upsert) return upsert.error();
            upsert.value().bind_text(1, key);
            upsert.value().bind_text(2, value);
            if (auto s = run(db, upsert.value(), kDoing, kNothingChanged); !s) return s;
            return detail::append_audit(db, actor, "set-setting", "setting", key,
                                        json_text({{"value", value}}), detail::utc_now_iso8601_ms());
        });
    });
}

}  // namespace medkiosk::storage
