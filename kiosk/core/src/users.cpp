#include "medkiosk/kiosk/users.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

#include "medkiosk/storage/file_owner.hpp"

namespace medkiosk::kiosk {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kPepperBytes = 32;

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(ms % 1000));
    return text;
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(const std::string& text) {
    std::tm utc{};
    int millis = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis) != 7)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t seconds = timegm(&utc);
    return UserService::Clock::time_point(std::chrono::seconds(seconds)) + std::chrono::milliseconds(millis);
}

fs::path default_pepper_file(const fs::path& data_dir) {
    if (const char* configured = std::getenv("MEDKIOSK_PEPPER_FILE");
        configured != nullptr && *configured != '\0')
        return configured;
    fs::path dir = data_dir;
    if (!dir.has_filename()) dir = dir.parent_path();  // "/var/lib/medkiosk/" → "/var/lib/medkiosk"
    return dir.parent_path() / (dir.filename().string() + ".pin-pepper");
}

Result<std::string> load_pepper(const fs::path& file, bool create, const fs::path& data_dir) {
    if (sodium_init() < 0) return Error{ErrorCode::Internal, "libsodium failed to initialise"};
    std::ifstream in(file, std::ios::binary);
    if (in) {
        std::string pepper((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (pepper.size() != kPepperBytes) {
            return Error{ErrorCode::Corrupt,
                         "PIN pepper " + file.string() + " has " + std::to_string(pepper.size()) +
                             " bytes, expected 32; restore it from the technician's backup "
                             "(without it no PIN can be checked)"};
        }
        return pepper;
    }
    if (!create) {
        return Error{ErrorCode::NotFound, "no PIN pepper at " + file.string() +
                                              "; restore it, or set MEDKIOSK_PEPPER_FILE / --pepper-file"};
    }
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    std::array<unsigned char, kPepperBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    const fs::path temporary = file.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return Error{ErrorCode::Io,
                     "cannot create PIN pepper " + file.string() + ": " + std::strerror(errno)};
    }
    if (!data_dir.empty()) {
        if (auto handed = storage::hand_to_data_dir_owner(fd, file, data_dir); !handed) {
            ::close(fd);
            ::unlink(temporary.c_str());
            return handed.error();
        }
    }
    const bool written =
        ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
    ::close(fd);
    // link() fails when another process created the file first; then use theirs.
    if (!written || (::link(temporary.c_str(), file.c_str()) != 0 && errno != EEXIST)) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return Error{ErrorCode::Io, "cannot write PIN pepper " + file.string() + ": " + why};
    }
    ::unlink(temporary.c_str());
    return load_pepper(file, false);
}

PinCost PinCost::interactive() {
    return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}
PinCost PinCost::minimal() {
    return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

storage::PadThrottleRules UserService::pad_rules() {
    return storage::PadThrottleRules{};
}

std::chrono::milliseconds UserService::pad_delay_after(int failed_attempts,
                                                       const storage::PadThrottleRules& rules) {
    if (failed_attempts < rules.free_attempts) return std::chrono::milliseconds(0);
    const int doublings = std::min(failed_attempts - rules.free_attempts, 20);
    return std::chrono::milliseconds(std::min(rules.first_delay_ms << doublings, rules.max_delay_ms));
}

storage::PinAttemptRules UserService::default_rules() {
    return {kFreeAttempts, std::chrono::milliseconds(kFirstDelay).count(), kLockAfter};
}

UserService::UserService(storage::Ledger& ledger, std::string pepper, PinCost cost,
                         storage::PinAttemptRules rules)
    : ledger_(ledger), pepper_(std::move(pepper)), cost_(cost), rules_(rules) {}

bool UserService::pin_is_acceptable(const std::string& pin) {
    return pin.size() >= 4 && pin.size() <= 12 &&
           std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::chrono::seconds UserService::delay_after(int failed_attempts) {
    return std::chrono::ceil<std::chrono::seconds>(delay_after(failed_attempts, default_rules()));
}

std::chrono::milliseconds UserService::delay_after(int failed_attempts,
                                                   const storage::PinAttemptRules& rules) {
    if (failed_attempts < rules.free_attempts) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(rules.first_delay_ms) *
           (1 << std::min(failed_attempts - rules.free_attempts, 10));
}

Result<std::string> UserService::hash_pin(const std::string& pin) const {
    // The pepper keys a BLAKE2b of the PIN; argon2id then hashes that with a random salt.
    std::array<unsigned char, 32> peppered{};
    crypto_generichash(peppered.data(), peppered.size(), reinterpret_cast<const unsigned char*>(pin.data()),
                       pin.size(), reinterpret_cast<const unsigned char*>(pepper_.data()), pepper_.size());
    char hashed[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hashed, reinterpret_cast<const char*>(peppered.data()), peppered.size(),
                              cost_.ops_limit, cost_.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_memzero(peppered.data(), peppered.size());
        return Error{ErrorCode::Internal,
                     "hashing the PIN ran out of memory; close other programs and retry"};
    }
    sodium_memzero(peppered.data(), peppered.size());
    return std::string(hashed);
}

bool pin_matches_hash(const std::string& pin, const std::string& pepper, const std::string& stored_hash) {
    std::array<unsigned char, 32> peppered{};
    crypto_generichash(peppered.data(), peppered.size(), reinterpret_cast<const unsigned char*>(pin.data()),
                       pin.size(), reinterpret_cast<const unsigned char*>(pepper.data()), pepper.size());
    const bool ok =
        crypto_pwhash_str_verify(stored_hash.c_str(), reinterpret_cast<const char*>(peppered.data()),
                                 peppered.size()) == 0;
    sodium_memzero(peppered.data(), peppered.size());
    return ok;
}

bool UserService::pin_matches(const std::string& pin, const std::string& stored_hash) const {
    return pin_matches_hash(pin, pepper_, stored_hash);
}

Result<storage::UserRecord> UserService::add_user(const std::string& login, const std::string& role,
                                                  const std::string& pin, const std::string& actor) {
    if (!pin_is_acceptable(pin)) return Error{ErrorCode::Invalid, "a PIN is 4 to 12 digits"};
    auto hashed = hash_pin(pin);
    if (!hashed) return hashed.error();
    return ledger_.users().add(login, role, hashed.value(), actor);
}

Result<SignInResult> UserService::sign_in(const std::string& login, const std::string& pin,
                                          Clock::time_point now) {
    auto found = ledger_.users().find(login);
    if (!found) return found.error();
    SignInResult result;
    if (!found.value()) {
        result.outcome = SignInOutcome::UnknownUser;
        result.message = "no user '" + login + "'";
        return result;
    }
    storage::UserRecord user = *found.value();
    const auto apply = [&user](const storage::PinAttemptState& state) {
        user.failed_attempts = state.failed_attempts;
        user.locked = state.locked;
        user.last_failure_at = state.last_failure_at;
    };
    const auto locked = [&] {
        result.outcome = SignInOutcome::Locked;
        result.user = user;
        result.message =
            "user '" + login + "' is locked after repeated wrong PINs; a technician must unlock it";
        return result;
    };

    // Counted first, by the ledger: the gates and the count are one statement (users.hpp).
    auto attempt = ledger_.users().begin_pin_attempt(login, iso8601_utc(now), rules_);
    if (!attempt) return attempt.error();
    apply(attempt.value());
    if (!attempt.value().granted) {
        if (user.locked || user.failed_attempts >= rules_.lock_after) return locked();
        const auto last = parse_iso8601_utc(user.last_failure_at);
        const auto wait = delay_after(user.failed_attempts, rules_);
        result.outcome = SignInOutcome::TryLater;
        result.user = user;
        result.retry_after = std::max(std::chrono::seconds(1),
                                      last ? std::chrono::ceil<std::chrono::seconds>(*last + wait - now)
                                           : std::chrono::ceil<std::chrono::seconds>(wait));
        result.message =
            "too many wrong PINs; try again in " + std::to_string(result.retry_after.count()) + " s";
        return result;
    }
    if (pin_matches(pin, user.pin_hash)) {
        auto passed = ledger_.users().pass_pin_attempt(login, user.failed_attempts > 1);
        if (!passed) return passed.error();
        if (!passed.value()) {  // a concurrent wrong guess locked the user meanwhile
            user.locked = true;
            return locked();
        }
        user.failed_attempts = 0;
        user.last_failure_at.clear();
        result.outcome = SignInOutcome::Ok;
        result.user = user;
        return result;
    }
    auto failed = ledger_.users().fail_pin_attempt(login, attempt.value().failed_attempts, rules_);
    if (!failed) return failed.error();
    apply(failed.value());
    result.user = user;
    // This guess was checked: it is the one that locks only if its own number reached the limit (a
    // concurrent later guess may have locked the user meanwhile; result.user shows that).
    const bool this_guess_locks = failed.value().failed_attempts >= rules_.lock_after;
    result.outcome = this_guess_locks ? SignInOutcome::Locked : SignInOutcome::WrongPin;
    result.retry_after = std::chrono::ceil<std::chrono::seconds>(delay_after(user.failed_attempts, rules_));
    result.message = this_guess_locks
                         ? "wrong PIN; user '" + login + "' is now locked until a technician unlocks it"
                         : "wrong PIN";
    return result;
}

Result<SignInResult> UserService::unlock(const std::string& login, const std::string& technician_login,
                                         const std::string& technician_pin, Clock::time_point now) {
    auto technician = sign_in(technician_login, technician_pin, now);
    if (!technician) return technician.error();
    if (technician.value().outcome != SignInOutcome::Ok) return technician;
    if (technician.value().user.role != "technician") {
        SignInResult refused = technician.value();
        refused.outcome = SignInOutcome::NotTechnician;
        refused.message =
            "'" + technician_login + "' is not a technician; only a technician can unlock users";
        return refused;
    }
    if (auto s = unlock_as_administrator(login, technician_login); !s) return s.error();
    return technician;
}

Result<void> UserService::unlock_as_administrator(const std::string& login, const std::string& actor) {
    auto found = ledger_.users().find(login);
    if (!found) return found.error();
    if (!found.value()) return Error{ErrorCode::NotFound, "no user '" + login + "'"};
    storage::UserRecord user = *found.value();
    user.failed_attempts = 0;
    user.locked = false;
    user.last_failure_at.clear();
    if (auto s = ledger_.users().update_login_state(user, "unlock", actor); !s) return s;
    // The pharmacy locked out by the pad's wait (PINs that matched nobody): unlocking one of the role's
    // users lifts it too, or a passer-by with one wrong PIN every 15 minutes keeps everyone out.
    return ledger_.users().pass_pad_attempt(user.role);
}

Result<void> UserService::reset_pin(const std::string& login, const std::string& new_pin,
                                    const std::string& actor) {
    if (!pin_is_acceptable(new_pin)) return Error{ErrorCode::Invalid, "a PIN is 4 to 12 digits"};
    auto hashed = hash_pin(new_pin);
    if (!hashed) return hashed.error();
    return ledger_.users().set_pin_hash(login, hashed.value(), actor);
}

}  // namespace medkiosk::kiosk
