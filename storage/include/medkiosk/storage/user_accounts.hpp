#pragma once
// Staff and technician accounts (the Ledger's users(), user_accounts.cpp). The PIN hash is computed by
// the caller (kiosk/core's users service); storage keeps it and the sign-in state.

#include <optional>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::storage {

namespace detail {
struct LedgerCore;
}

class UserAccounts {
  public:
    explicit UserAccounts(detail::LedgerCore& core) : core_(core) {}

    Result<UserRecord> add(const std::string& login, const std::string& role, const std::string& pin_hash,
                           const std::string& actor);
    Result<std::vector<UserRecord>> list();  // by login
    Result<std::optional<UserRecord>> find(const std::string& login);
    // Writes the user's failure count, lock and last failure time (after a PIN check).
    Result<void> update_login_state(const UserRecord& user, const std::string& audit_action,
                                    const std::string& actor);
    // A new PIN; also clears failures and the lock, and enables a disabled user again.
    Result<void> set_pin_hash(const std::string& login, const std::string& pin_hash,
                              const std::string& actor);
    // The user may no longer sign in (kDisabledPinHash) until a PIN reset.
    Result<void> disable(const std::string& login, const std::string& actor);

    // One PIN attempt, counted in the database before the PIN is checked (pin_attempts.cpp), so guesses
    // from the pad and from medkioskctl, in any number of threads or processes, are each counted and the
    // delay and lock are decided from the count one UPDATE … RETURNING produced.
    // begin: counts the attempt unless `login` is locked, at rules.lock_after, or inside the delay its
    // count imposes at `now_iso` (then granted is false and nothing changed). Then exactly one of:
    // fail (the PIN was wrong: locks at rules.lock_after, audit "wrong-pin" or "lock") or pass (the PIN
    // was right: clears the count; false when the user was locked meanwhile; audit "sign-in" when
    // `had_failures`).
    Result<PinAttemptState> begin_pin_attempt(const std::string& login, const std::string& now_iso,
                                              const PinAttemptRules& rules);
    // `attempt` is the number begin_pin_attempt gave this attempt: concurrent guesses each lock and
    // audit by their own number, not by the count the others have raised since.
    Result<PinAttemptState> fail_pin_attempt(const std::string& login, int attempt,
                                             const PinAttemptRules& rules);
    Result<bool> pass_pin_attempt(const std::string& login, bool had_failures);

    // The PIN pad of role `pad` (records.hpp PadThrottleRules), counted the same way before any PIN is
    // checked: begin counts the attempt unless the pad is inside the wait its count imposes at
    // `now_iso` (granted false, nothing changed; locked is always false: the pad never locks). Then
    // fail (the PIN matched nobody: audit "pad-wrong-pin") or pass (it matched a user: the count is
    // cleared).
    Result<PinAttemptState> begin_pad_attempt(const std::string& pad, const std::string& now_iso,
                                              const PadThrottleRules& rules);
    Result<void> fail_pad_attempt(const std::string& pad, int attempt);
    Result<void> pass_pad_attempt(const std::string& pad);

  private:
    detail::LedgerCore& core_;
};

}  // namespace medkiosk::storage
