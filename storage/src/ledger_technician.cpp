// What the technician's screen changes besides what ledger_admin.cpp offers: every drive (not only
// today's), a drive's edit, and disabling a user. Each change commits with its audit row.

#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "dropoff_rows.hpp"
#include "identifiers.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage {
namespace {

constexpr const char* kNothingChanged = "nothing was changed";

std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_iso_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (text[i] < '0' || text[i] > '9') return false;
    return true;
}

}  // namespace

bool is_disabled(const UserRecord& user) {
    return user.pin_hash == kDisabledPinHash;
}

Result<std::vector<Drive>> Ledger::drives() {
    return detail::without_exceptions("listing the drives", [&]() -> Result<std::vector<Drive>> {
        detail::Database& db = database();
        auto query = db.prepare(
            "SELECT id, name, starts_on, ends_on, accepted_categories, rules FROM drive ORDER BY starts_on "
            "DESC, id DESC");
        if (!query) return query.error();
        std::vector<Drive> drives;
        while (true) {
            const int rc = query.value().step();
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return db.last_error(rc, "listing the drives");
            Drive drive;
            drive.id = query.value().column_int64(0);
            drive.name = query.value().column_text(1);
            drive.starts_on = query.value().column_text(2);
            drive.ends_on = query.value().column_text(3);
            const auto categories = nlohmann::json::parse(query.value().column_text(4), nullptr, false);
            if (categories.is_array())
                for (const auto& c : categories)
                    if (c.is_string()) drive.accepted_categories.push_back(c.get<std::string>());
            drive.rules_json = query.value().column_text(5);
            drives.push_back(std::move(drive));
        }
        return drives;
    });
}

Result<void> Ledger::update_drive(const Drive& drive, const std::string& actor) {
    return detail::without_exceptions("changing a drive", [&]() -> Result<void> {
        constexpr std::string_view kDoing = "changing a drive";
        if (drive.name.empty() || drive.name.size() > 512)
            return detail::invalid("a drive needs a name (up to 512 bytes)");
        if (!is_iso_date(drive.starts_on) || !is_iso_date(drive.ends_on) || drive.starts_on > drive.ends_on) {
            return detail::invalid("drive '" + drive.name +
                                   "': dates must be YYYY-MM-DD with start ≤ end, got " + drive.starts_on +
                                   " … " + drive.ends_on);
        }
        const auto rules = nlohmann::json::parse(drive.rules_json, nullptr, false);
        if (!rules.is_object())
            return detail::invalid("drive '" + drive.name + "': rules must be a JSON object");
        detail::Database& db = database();
        detail::WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        auto update = db.prepare(
            "UPDATE drive SET name = ?2, starts_on = ?3, ends_on = ?4, accepted_categories = ?5, "
            "rules = ?6 WHERE id = ?1");
        if (!update) return update.error();
        update.value().bind_int64(1, drive.id);
        update.value().bind_text(2, drive.name);
        update.value().bind_text(3, drive.starts_on);
        update.value().bind_text(4, drive.ends_on);
        update.value().bind_text(5, json_text(drive.accepted_categories));
        update.value().bind_text(6, json_text(rules));
        if (const int rc = update.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        if (sqlite3_changes(db.handle()) == 0)
            return Error{ErrorCode::NotFound,
                         "no drive " + std::to_string(drive.id) + " — " + kNothingChanged};
        if (auto a = detail::append_audit(db, actor, "change-drive", "drive", std::to_string(drive.id),
                                          json_text({{"name", drive.name},
                                                     {"starts_on", drive.starts_on},
                                                     {"ends_on", drive.ends_on},
                                                     {"accepted_categories", drive.accepted_categories},
                                                     {"rules", rules}}),
                                          detail::utc_now_iso8601_ms());
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

Result<void> Ledger::disable_user(const std::string& login, const std::string& actor) {
    return detail::without_exceptions("disabling a user", [&]() -> Result<void> {
        constexpr std::string_view kDoing = "disabling a user";
        detail::Database& db = database();
        detail::WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s;
        auto update = db.prepare("UPDATE app_user SET pin_hash = ?2, locked = 1 WHERE login = ?1");
        if (!update) return update.error();
        update.value().bind_text(1, login);
        update.value().bind_text(2, kDisabledPinHash);
        if (const int rc = update.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        if (sqlite3_changes(db.handle()) == 0)
            return Error{ErrorCode::NotFound, "no user '" + login + "' — " + kNothingChanged};
        if (auto a = detail::append_audit(db, actor, "disable-user", "user", login, "{}",
                                          detail::utc_now_iso8601_ms());
            !a)
            return a;
        return transaction.commit(kDoing, kNothingChanged);
    });
}

}  // namespace medkiosk::storage
