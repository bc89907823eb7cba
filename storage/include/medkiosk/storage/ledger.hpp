#pragma once
// The kiosk's local ledger of anonymous drop-offs, in SQLite (WAL, synchronous=FULL).
// No sqlite3.h here: callers see plain records and Status values.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/storage/records.hpp"
#include "medkiosk/storage/status.hpp"

namespace medkiosk::storage {

namespace detail {
class Database;
}

struct DonationSession {
    std::int64_t id = 0;
    std::string receipt_code;  // random, e.g. "K7QM-4XD2-9TFA"; links to nothing but this donation
    std::string started_at;    // UTC ISO-8601
};

// What the kiosk knows about one pack when the donor confirms it. Plain strings: storage does not
// depend on the scanner library.
struct DropOffInput {
    std::int64_t session_id = 0;
    std::string scheme;      // "gs1", "cn-trace", "retail" …
    std::string gtin;        // GTIN-14 or empty
    std::string product_id;  // when there is no GTIN
    std::string batch;
    std::string expiry;            // "YYYY-MM-DD" or empty
    std::string expiry_precision;  // "day" | "month" | ""
    std::string serial;            // plain serial or trace code; only its keyed hash is stored
    int quantity = 1;
    std::string condition = "sealed";  // "sealed" | "opened-usable"
    std::string decision;              // "accept" | "refuse" | "review"
    std::string reason;                // reason code, e.g. "ok", "expired"
    std::string category;              // catalogue category; empty when the product is unknown
    std::int64_t drive_id = 0;         // the drive active at the time; 0 for none
};

struct DropOffRecord {
    std::string uuid;  // UUIDv4
    std::int64_t session_id = 0;
    std::string kiosk_id;
    std::string recorded_at;    // UTC ISO-8601
    std::int64_t sequence = 0;  // monotonic per ledger
    std::string scheme;
    std::string gtin;
    std::string product_id;
    std::string batch;
    std::string expiry;
    std::string expiry_precision;
    std::string serial_hash;  // hex BLAKE2b keyed with the county key; empty when no serial
    int quantity = 1;
    std::string condition;
    std::string decision;
    std::string reason;
    std::string review_state;  // "pending" on record; "approved", "rejected", "disposed", "dispatched"
    std::string category;
    std::int64_t drive_id = 0;
};

struct LedgerSummary {
    std::int64_t sessions = 0;
    std::int64_t dropoffs = 0;
    std::int64_t outbox_pending = 0;
    int schema_version = 0;
};

struct LedgerOptions {
    std::string kiosk_id = "kiosk-local";
    std::filesystem::path county_key_file;  // 32-byte key; created with random bytes when absent.
                                            // Empty: "county.key" beside the ledger file.
    // Inspect only (medkioskctl): never creates, migrates or writes the file and needs no county key;
    // begin_session and record_dropoff fail with ErrorCode::Invalid. A missing file is NotFound.
    bool read_only = false;
};

// The PIN hash of a disabled user: no PIN matches it.
inline constexpr const char* kDisabledPinHash = "!disabled";
bool is_disabled(const UserRecord& user);

class Ledger {
  public:
    // Opens or creates the database, applies migrations, checks integrity. A database written by a
    // newer medkiosk or a corrupt one is refused and left untouched.
    static StatusOr<std::unique_ptr<Ledger>> open(const std::filesystem::path& file, LedgerOptions options);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    StatusOr<DonationSession> begin_session();
    // Commits the drop-off and its outbox row in one durable transaction before returning.
    StatusOr<DropOffRecord> record_dropoff(const DropOffInput& input);
    StatusOr<std::vector<DropOffRecord>> recent_dropoffs(int limit);
    StatusOr<std::vector<DropOffRecord>> session_dropoffs(std::int64_t session_id);
    StatusOr<LedgerSummary> summary();
    StatusOr<std::string> integrity_check();  // "ok" or SQLite's report

    const std::filesystem::path& file() const;

    // --- Catalogue, rules, users, staff work, audit (ledger_admin.cpp). Every change is one durable
    // transaction together with its audit row (and its outbox row for staff actions on drop-offs).
    // `actor` names who did it in the audit log: a user login, "kiosk" or "medkioskctl".

    // Replaces the whole catalogue: all entries or none.
    Status replace_catalogue(const std::vector<CatalogueEntry>& entries, const std::string& actor);
    StatusOr<std::vector<CatalogueEntry>> catalogue();
    StatusOr<std::optional<CatalogueEntry>> find_product(const std::string& product_id);

    Status add_recall(const Recall& recall, const std::string& actor);
    StatusOr<bool> is_recalled(const std::string& gtin, const std::string& batch);

    StatusOr<Drive> add_drive(const Drive& drive, const std::string& actor);
    StatusOr<std::optional<Drive>> active_drive(const std::string& today_iso);  // latest-starting one

    StatusOr<std::optional<std::string>> setting(const std::string& key);
    Status set_setting(const std::string& key, const std::string& value, const std::string& actor);

    // Users: the PIN hash is computed by the caller (kiosk/core users service); storage keeps it.
    StatusOr<UserRecord> add_user(const std::string& login, const std::string& role,
                                  const std::string& pin_hash, const std::string& actor);
    StatusOr<std::vector<UserRecord>> users();
    StatusOr<std::optional<UserRecord>> find_user(const std::string& login);
    // Writes the user's failure count, lock and last failure time (after a PIN check).
    Status update_login_state(const UserRecord& user, const std::string& audit_action, const std::string& actor);
    Status set_pin_hash(const std::string& login, const std::string& pin_hash, const std::string& actor);

    // The technician's screen (ledger_technician.cpp): every drive, newest start first; one drive's
    // name, dates, categories and rules; a user who may no longer sign in (a PIN reset enables again).
    StatusOr<std::vector<Drive>> drives();
    Status update_drive(const Drive& drive, const std::string& actor);
    Status disable_user(const std::string& login, const std::string& actor);

    // Keyed hash of a serial, as stored; "" for an empty serial. Needs a writable ledger (the key).
    StatusOr<std::string> serial_hash(const std::string& serial);
    StatusOr<bool> serial_recorded(const std::string& serial);

    // Staff queue: drop-offs waiting for a pharmacist, oldest first.
    StatusOr<std::vector<DropOffRecord>> review_queue(int limit);
    StatusOr<ReviewAction> record_review(const std::string& dropoff_uuid, std::int64_t user_id,
                                         const std::string& action, const std::string& note);
    StatusOr<Dispatch> record_dispatch(const std::string& clinic, std::int64_t user_id,
                                       const std::vector<DispatchItem>& items);

    StatusOr<std::vector<AuditRow>> audit_rows();
    StatusOr<AuditReport> verify_audit();

    static constexpr int kSchemaVersion = 10;

  private:
    detail::Database& database();
    struct Impl;
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medkiosk::storage
