#pragma once
// Staff and technician sign-in. PINs are stored as libsodium argon2id strings (crypto_pwhash_str) of
// BLAKE2b(PIN) keyed with a pepper that lives in a file outside the database: a stolen ledger.db (a
// backup, a USB export) alone does not allow guessing the short PINs offline.
// After kFreeAttempts wrong PINs each further try waits twice as long; after kLockAfter the account is
// locked until a technician unlocks it. Every attempt is counted by the ledger before the PIN is
// checked (UserAccounts::begin_pin_attempt), so concurrent guesses from the pad and medkioskctl are each
// counted and none gets past the delay or the lock.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

// $MEDKIOSK_PEPPER_FILE, else "<data dir>.pin-pepper" beside (not inside) the data directory, so
// copying the data directory or the ledger does not copy the pepper.
std::filesystem::path default_pepper_file(const std::filesystem::path& data_dir);

// Reads the pepper; creates 32 random bytes (mode 0600) when the file is absent and `create` is set.
// A pepper created by root is given to the owner of `data_dir` (the kiosk's user; file_owner.hpp).
Result<std::string> load_pepper(const std::filesystem::path& file, bool create,
                                const std::filesystem::path& data_dir = {});

struct PinCost {
    unsigned long long ops_limit;
    std::size_t mem_limit;
    static PinCost interactive();  // crypto_pwhash_*_INTERACTIVE: the kiosk's default
    static PinCost minimal();      // tests only
};

enum class SignInOutcome { Ok, WrongPin, Locked, TryLater, UnknownUser, NotTechnician };

struct SignInResult {
    SignInOutcome outcome = SignInOutcome::UnknownUser;
    storage::UserRecord user;
    std::chrono::seconds retry_after{0};  // TryLater: how long to wait
    std::string message;                  // for the technician / log; never includes the PIN
};

// Whether `pin` is the one behind `stored_hash` (argon2id over BLAKE2b(PIN) keyed with the pepper).
// Records nothing: the PIN pad uses it to find whose PIN it is before signing that user in.
bool pin_matches_hash(const std::string& pin, const std::string& pepper, const std::string& stored_hash);

// The ledger's time format for PIN attempts (UTC ISO-8601 with milliseconds), both ways.
std::string iso8601_utc(std::chrono::system_clock::time_point when);
std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(const std::string& text);

class UserService {
  public:
    static constexpr int kFreeAttempts = 3;
    static constexpr int kLockAfter = 6;
    static constexpr std::chrono::seconds kFirstDelay{2};

    using Clock = std::chrono::system_clock;

    // The kiosk's rules; a test may pass others (a zero delay, to reach the lock at once).
    static storage::PinAttemptRules default_rules();

    UserService(storage::Ledger& ledger, std::string pepper, PinCost cost = PinCost::interactive(),
                storage::PinAttemptRules rules = default_rules());

    // 4 to 12 digits.
    static bool pin_is_acceptable(const std::string& pin);

    Result<storage::UserRecord> add_user(const std::string& login, const std::string& role,
                                         const std::string& pin, const std::string& actor);
    Result<SignInResult> sign_in(const std::string& login, const std::string& pin,
                                 Clock::time_point now = Clock::now());
    // The technician signs in with their own PIN to unlock `login` (clears failures and the lock).
    Result<SignInResult> unlock(const std::string& login, const std::string& technician_login,
                                const std::string& technician_pin, Clock::time_point now = Clock::now());
    // Sets a new PIN and unlocks; `actor` is recorded in the audit log.
    Result<void> reset_pin(const std::string& login, const std::string& new_pin, const std::string& actor);
    // Direct unlock for medkioskctl run by the machine's administrator (file access is the authority).
    Result<void> unlock_as_administrator(const std::string& login, const std::string& actor);

    // The PIN pad's throttle for PINs that match nobody (storage PadThrottleRules): 3 free, then 2 s
    // doubling to at most 15 min.
    static storage::PadThrottleRules pad_rules();
    static std::chrono::milliseconds pad_delay_after(int failed_attempts,
                                                     const storage::PadThrottleRules& rules);

    // Seconds to wait after `failed_attempts` failures before the next try (the default rules).
    static std::chrono::seconds delay_after(int failed_attempts);
    static std::chrono::milliseconds delay_after(int failed_attempts, const storage::PinAttemptRules& rules);

  private:
    Result<std::string> hash_pin(const std::string& pin) const;
    bool pin_matches(const std::string& pin, const std::string& stored_hash) const;

    storage::Ledger& ledger_;
    std::string pepper_;
    PinCost cost_;
    storage::PinAttemptRules rules_;
};

}  // namespace medkiosk::kiosk
