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

  private:
    detail::LedgerCore& core_;
};

}  // namespace medkiosk::storage
