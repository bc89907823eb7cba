// Staff and technician accounts. Each change commits with its audit row in one transaction.

#include "medkiosk/storage/user_accounts.hpp"

#include <functional>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"

namespace medkiosk::storage {
namespace {

using namespace detail;  // the ledger's shared parts (ledger_core.hpp)

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

// One UPDATE of one user's row (`sql` has the login as ?1; `bind` binds the rest) and its audit row, in
// one transaction. An unknown login is NotFound.
Result<void> update_user(Database& db, std::string_view doing, const std::string& login, const char* sql,
                         const std::function<void(Statement&)>& bind, const std::string& audit_action,
                         const std::string& audit_detail, const std::string& actor) {
    return without_exceptions(doing, [&]() -> Result<void> {
        return in_write_transaction(db, doing, kNothingChanged, [&]() -> Result<void> {
            auto update = db.prepare(sql);
            if (!update) return update.error();
            update.value().bind_text(1, login);
            bind(update.value());
            if (auto s = run(db, update.value(), doing, kNothingChanged); !s) return s;
            if (sqlite3_changes(db.handle()) == 0)
                return Error{ErrorCode::NotFound, "no user '" + login + "' — " + kNothingChanged};
            return detail::append_audit(db, actor, audit_action, "user", login, audit_detail,
                                        detail::utc_now_iso8601_ms());
        });
    });
}

}  // namespace

bool is_disabled(const UserRecord& user) {
    return user.pin_hash == kDisabledPinHash;
}

Result<UserRecord> UserAccounts::add(const std::string& login, const std::string& role,
                                     const std::string& pin_hash, const std::string& actor) {
    constexpr std::string_view kDoing = "adding a user";
    return without_exceptions(kDoing, [&]() -> Result<UserRecord> {
        if (login.empty() || login.size() > 64) return invalid("a login is 1 to 64 characters");
        if (role != "staff" && role != "technician" && role != "clinic")
            return invalid("role must be \"staff\", \"technician\" or \"clinic\", got \"" + role + "\"");
        if (pin_hash.empty()) return invalid("no PIN hash given");
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<UserRecord> {
            UserRecord user;
            user.login = login;
            user.role = role;
            user.pin_hash = pin_hash;
            user.created_at = detail::utc_now_iso8601_ms();
            auto insert = db.prepare(
                "INSERT INTO app_user (login, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)");
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
            if (auto a = detail::append_audit(db, actor, "add-user", "user", login,
                                              json_text({{"role", role}}), user.created_at);
                !a)
                return a.error();
            return user;
        });
    });
}

Result<std::vector<UserRecord>> UserAccounts::list() {
    constexpr std::string_view kDoing = "listing users";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<UserRecord>> {
        Database& db = core_.database();
        auto query = db.prepare(std::string("SELECT ") + kUserColumns + " FROM app_user ORDER BY login");
        if (!query) return query.error();
        return read_all(db, query.value(), kDoing, read_user_row);
    });
}

Result<std::optional<UserRecord>> UserAccounts::find(const std::string& login) {
    constexpr std::string_view kDoing = "looking up a user";
    return without_exceptions(kDoing, [&]() -> Result<std::optional<UserRecord>> {
        Database& db = core_.database();
        auto query = db.prepare(std::string("SELECT ") + kUserColumns + " FROM app_user WHERE login = ?1");
        if (!query) return query.error();
        query.value().bind_text(1, login);
        return read_one(db, query.value(), kDoing, read_user_row);
    });
}

Result<void> UserAccounts::update_login_state(const UserRecord& user, const std::string& audit_action,
                                              const std::string& actor) {
    return update_user(
        core_.database(), "updating a user's sign-in state", user.login,
        "UPDATE app_user SET failed_attempts = ?2, locked = ?3, last_failure_at = ?4 WHERE login = ?1",
        [&](Statement& s) {
            s.bind_int64(2, user.failed_attempts);
            s.bind_int64(3, user.locked ? 1 : 0);
            s.bind_text_or_null(4, user.last_failure_at);
        },
        audit_action, json_text({{"failed_attempts", user.failed_attempts}, {"locked", user.locked}}), actor);
}

Result<void> UserAccounts::set_pin_hash(const std::string& login, const std::string& pin_hash,
                                        const std::string& actor) {
    if (pin_hash.empty()) return invalid("no PIN hash given");
    return update_user(
        core_.database(), "changing a PIN", login,
        "UPDATE app_user SET pin_hash = ?2, failed_attempts = 0, locked = 0, last_failure_at = NULL "
        "WHERE login = ?1",
        [&](Statement& s) { s.bind_text(2, pin_hash); }, "reset-pin", "{}", actor);
}

Result<void> UserAccounts::disable(const std::string& login, const std::string& actor) {
    return update_user(
        core_.database(), "disabling a user", login,
        "UPDATE app_user SET pin_hash = ?2, locked = 1 WHERE login = ?1",
        [](Statement& s) { s.bind_text(2, kDisabledPinHash); }, "disable-user", "{}", actor);
}

}  // namespace medkiosk::storage
