// PIN attempts counted atomically (issue 12): reading the count, checking the PIN and writing the count
// back as a number let twelve concurrent guesses leave failed_attempts = 1. Here every attempt is
// counted by the database itself before the (slow) PIN check, and the gates — lock, limit, delay — are
// in the same UPDATE's WHERE clause, so no interleaving of processes can pass more guesses than the
// rules allow.

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "medkiosk/storage/user_accounts.hpp"

namespace medkiosk::storage {
namespace {

using detail::Database;
using detail::kNothingChanged;
using detail::Statement;
using detail::WriteTransaction;

PinAttemptState read_state(const Statement& row, bool granted) {
    return PinAttemptState{granted, static_cast<int>(row.column_int64(0)), row.column_int64(1) != 0,
                           row.column_text(2)};
}

Error no_such_user(const std::string& login) {
    return Error{ErrorCode::NotFound, "no user '" + login + "' — " + kNothingChanged};
}

// The one shape of a user's and a pad's attempt, inside the caller's transaction: `claim` (an UPDATE …
// RETURNING failed_attempts, locked, last_failure_at, its gates in the WHERE clause and its parameters
// bound) counts the attempt when the gates let it through; when they do not, the counters are reported
// as they stand, read by `current_sql` (the same three columns of the row whose key ?1 is `key`).
// `missing`: the error when that row does not exist; without it, SQLite's own.
Result<PinAttemptState> claim_or_report(Database& db, Statement& claim, const char* current_sql,
                                        const std::string& key, std::string_view doing,
                                        const std::optional<Error>& missing) {
    const int rc = claim.step();
    if (rc == SQLITE_ROW) {
        PinAttemptState state = read_state(claim, true);
        claim.step();  // finishes the statement
        return state;
    }
    if (rc != SQLITE_DONE) return db.last_error(rc, doing, kNothingChanged);
    auto current = db.prepare(current_sql);
    if (!current) return current.error();
    current.value().bind_text(1, key);
    const int found = current.value().step();
    if (found == SQLITE_DONE && missing) return *missing;
    if (found != SQLITE_ROW) return db.last_error(found, doing, kNothingChanged);
    return read_state(current.value(), false);
}

}  // namespace

Result<PinAttemptState> UserAccounts::begin_pin_attempt(const std::string& login, const std::string& now_iso,
                                                        const PinAttemptRules& rules) {
    return detail::without_exceptions("counting a PIN attempt", [&]() -> Result<PinAttemptState> {
        constexpr std::string_view kDoing = "counting a PIN attempt";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        // The delay: after free_attempts, first_delay_ms doubling per further failure (at most 2^10),
        // measured from the last attempt, in whole milliseconds so that "exactly 2 s later" passes.
        auto claim = db.prepare(
            "UPDATE app_user SET failed_attempts = failed_attempts + 1, last_failure_at = ?2 "
            "WHERE login = ?1 AND locked = 0 AND failed_attempts < ?5 "
            "AND (failed_attempts < ?3 OR last_failure_at IS NULL OR julianday(last_failure_at) IS NULL "
            "     OR CAST(round((julianday(?2) - julianday(last_failure_at)) * 86400000.0) AS INTEGER) "
            "        >= ?4 * (1 << min(failed_attempts - ?3, 10))) "
            "RETURNING failed_attempts, locked, coalesce(last_failure_at, '')");
        if (!claim) return claim.error();
        claim.value().bind_text(1, login);
        claim.value().bind_text(2, now_iso);
        claim.value().bind_int64(3, rules.free_attempts);
        claim.value().bind_int64(4, rules.first_delay_ms);
        claim.value().bind_int64(5, rules.lock_after);
        auto state =
            claim_or_report(db, claim.value(),
                            "SELECT failed_attempts, locked, coalesce(last_failure_at, '') FROM app_user "
                            "WHERE login = ?1",
                            login, kDoing, no_such_user(login));
        if (!state) return state.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return state;
    });
}

Result<PinAttemptState> UserAccounts::fail_pin_attempt(const std::string& login, int attempt,
                                                       const PinAttemptRules& rules) {
    return detail::without_exceptions("recording a wrong PIN", [&]() -> Result<PinAttemptState> {
        constexpr std::string_view kDoing = "recording a wrong PIN";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        auto lock = db.prepare(
            "UPDATE app_user SET locked = CASE WHEN ?3 >= ?2 THEN 1 ELSE locked END "
            "WHERE login = ?1 RETURNING failed_attempts, locked, coalesce(last_failure_at, '')");
        if (!lock) return lock.error();
        lock.value().bind_text(1, login);
        lock.value().bind_int64(2, rules.lock_after);
        lock.value().bind_int64(3, attempt);
        const int rc = lock.value().step();
        if (rc == SQLITE_DONE) return no_such_user(login);
        if (rc != SQLITE_ROW) return db.last_error(rc, kDoing, kNothingChanged);
        PinAttemptState state = read_state(lock.value(), false);
        lock.value().step();
        // This attempt's own outcome: whether it reached the limit, not whether a later one did.
        const bool this_attempt_locks = attempt >= rules.lock_after;
        state.failed_attempts = attempt;
        const nlohmann::json detail = {{"failed_attempts", attempt}, {"locked", this_attempt_locks}};
        if (auto a = detail::append_audit(db, login, this_attempt_locks ? "lock" : "wrong-pin", "user", login,
                                          detail.dump(), detail::utc_now_iso8601_ms());
            !a)
            return a.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return state;
    });
}

Result<bool> UserAccounts::pass_pin_attempt(const std::string& login, bool had_failures) {
    return detail::without_exceptions("recording a sign-in", [&]() -> Result<bool> {
        constexpr std::string_view kDoing = "recording a sign-in";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        // A lock set by a concurrent wrong guess stands: the right PIN does not undo it.
        auto clear = db.prepare(
            "UPDATE app_user SET failed_attempts = 0, last_failure_at = NULL WHERE login = ?1 AND locked = "
            "0");
        if (!clear) return clear.error();
        clear.value().bind_text(1, login);
        if (const int rc = clear.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        const bool cleared = sqlite3_changes(db.handle()) > 0;
        if (cleared && had_failures) {
            if (auto a = detail::append_audit(db, login, "sign-in", "user", login,
                                              R"({"failed_attempts":0,"locked":false})",
                                              detail::utc_now_iso8601_ms());
                !a)
                return a.error();
        }
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return cleared;
    });
}

Result<PinAttemptState> UserAccounts::begin_pad_attempt(const std::string& pad, const std::string& now_iso,
                                                        const PadThrottleRules& rules) {
    return detail::without_exceptions("counting a PIN pad attempt", [&]() -> Result<PinAttemptState> {
        constexpr std::string_view kDoing = "counting a PIN pad attempt";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        auto pad_row = db.prepare("INSERT INTO pin_pad (pad) VALUES (?1) ON CONFLICT (pad) DO NOTHING");
        if (!pad_row) return pad_row.error();
        pad_row.value().bind_text(1, pad);
        if (const int rc = pad_row.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        // The wait as for a user (pin_attempts above), capped; a clock set back (now before the last
        // failure) lets one attempt through rather than freezing the pad until the clock catches up.
        auto claim = db.prepare(
            "UPDATE pin_pad SET failed_attempts = failed_attempts + 1, last_failure_at = ?2 "
            "WHERE pad = ?1 AND (failed_attempts < ?3 OR last_failure_at IS NULL "
            "     OR julianday(last_failure_at) IS NULL OR julianday(?2) < julianday(last_failure_at) "
            "     OR CAST(round((julianday(?2) - julianday(last_failure_at)) * 86400000.0) AS INTEGER) "
            "        >= min(?4 * (1 << min(failed_attempts - ?3, 20)), ?5)) "
            "RETURNING failed_attempts, 0, coalesce(last_failure_at, '')");
        if (!claim) return claim.error();
        claim.value().bind_text(1, pad);
        claim.value().bind_text(2, now_iso);
        claim.value().bind_int64(3, rules.free_attempts);
        claim.value().bind_int64(4, rules.first_delay_ms);
        claim.value().bind_int64(5, rules.max_delay_ms);
        // The pad's row was made above, in this transaction: it cannot be missing.
        auto state = claim_or_report(
            db, claim.value(),
            "SELECT failed_attempts, 0, coalesce(last_failure_at, '') FROM pin_pad WHERE pad = ?1", pad,
            kDoing, std::nullopt);
        if (!state) return state.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return state;
    });
}

Result<void> UserAccounts::fail_pad_attempt(const std::string& pad, int attempt) {
    return detail::without_exceptions("recording a wrong PIN on the pad", [&]() -> Result<void> {
        constexpr std::string_view kDoing = "recording a wrong PIN on the pad";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        const nlohmann::json detail = {{"failed_attempts", attempt}};
        if (auto a = detail::append_audit(db, "pin-pad", "pad-wrong-pin", "pin_pad", pad, detail.dump(),
                                          detail::utc_now_iso8601_ms());
            !a)
            return a.error();
        return transaction.commit(kDoing, kNothingChanged);
    });
}

Result<void> UserAccounts::pass_pad_attempt(const std::string& pad) {
    return detail::without_exceptions("clearing the PIN pad's count", [&]() -> Result<void> {
        constexpr std::string_view kDoing = "clearing the PIN pad's count";
        Database& db = core_.database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();
        auto clear =
            db.prepare("UPDATE pin_pad SET failed_attempts = 0, last_failure_at = NULL WHERE pad = ?1");
        if (!clear) return clear.error();
        clear.value().bind_text(1, pad);
        if (const int rc = clear.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        return transaction.commit(kDoing, kNothingChanged);
    });
}

}  // namespace medkiosk::storage
