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
    // Where the expiry came from: "code" (the barcode), "ocr-confirmed" (printed date read by OCR and
    // confirmed by the donor), "picker" (the donor chose month/year), or "" when there is no expiry.
    std::string expiry_source;
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
    // As in DropOffInput; "unknown" for a drop-off with an expiry recorded before schema version 11,
    // which did not keep the source; "" when there is no expiry.
    std::string expiry_source;
};

struct LedgerSummary {
    std::int64_t sessions = 0;
    std::int64_t dropoffs = 0;
    std::int64_t outbox_pending = 0;
    int schema_version = 0;
};

// --- What the staff screens read (ledger_staff.cpp).

// A drop-off with no category (an unknown product not yet re-classified), as a category filter value.
inline constexpr const char* kNoCategory = "~none";

struct StaffQueueQuery {
    // "pending" = waiting for a pharmacist (as review_queue), "approved", "rejected", "disposed",
    // "dispatched", or "" for any state.
    std::string review_state = "pending";
    std::string decision;          // "" any, "accept", "review", "refuse"
    std::string category;          // "" any, a catalogue category, or kNoCategory
    std::string since_local_date;  // "YYYY-MM-DD": recorded on or after this day, kiosk local time; "" any
    int limit = 200;
};

// A drop-off with its product's names from the catalogue (empty when the product is unknown).
struct StaffQueueRow {
    DropOffRecord dropoff;
    std::string name_zh;
    std::string name_en;
};

// Drop-offs per day or per category. "refused" counts packs the kiosk refused and those a pharmacist
// refused or sent to disposal; "accepted" counts the rest.
struct DropOffCount {
    std::string key;  // "YYYY-MM-DD" (local day) or a category ("" for none)
    std::int64_t accepted = 0;
    std::int64_t refused = 0;
};

struct Reclassification {
    ReviewAction review;  // action "reclassify"
    std::string from_category;
    std::string to_category;
};

struct LedgerOptions {
    std::string kiosk_id = "kiosk-local";
    std::filesystem::path county_key_file;  // 32-byte key; created with random bytes when absent.
                                            // Empty: "county.key" beside the ledger file.
    // Inspect only (medkioskctl): never creates, migrates or writes the file and needs no county key;
    // begin_session and record_dropoff fail with ErrorCode::Invalid. A missing file is NotFound.
    bool read_only = false;
    // `medkioskctl db init --new-instance`: where the ledger is missing or empty although the data
    // directory had one (ledger_instance.hpp), start a new one with a new instance id instead of
    // refusing. A ledger that holds records is never replaced.
    bool new_instance = false;
};

// Why the ledger at `file` is not there to be read, or Ok when it is: the lost-ledger reason (missing,
// 0 bytes or without tables where the data directory had one, naming the file and `medkioskctl db init
// --new-instance`), else "no ledger at … the kiosk creates it on first start". For commands that look
// and must never create one.
Status check_ledger_present(const std::filesystem::path& file);

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
    // The random id this ledger got when it was made; "" on a read-only look at a ledger no version
    // with instances has written to yet.
    std::string instance_id() const;

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
    Status update_login_state(const UserRecord& user, const std::string& audit_action,
                              const std::string& actor);
    Status set_pin_hash(const std::string& login, const std::string& pin_hash, const std::string& actor);

    // One PIN attempt, counted in the database before the PIN is checked (ledger_pin_attempts.cpp), so
    // guesses from the pad and from medkioskctl, in any number of threads or processes, are each
    // counted and the delay and lock are decided from the count one UPDATE … RETURNING produced.
    // begin: counts the attempt unless `login` is locked, at rules.lock_after, or inside the delay its
    // count imposes at `now_iso` (then granted is false and nothing changed). Then exactly one of:
    // fail (the PIN was wrong: locks at rules.lock_after, audit "wrong-pin" or "lock") or pass (the PIN
    // was right: clears the count; false when the user was locked meanwhile; audit "sign-in" when
    // `had_failures`).
    StatusOr<PinAttemptState> begin_pin_attempt(const std::string& login, const std::string& now_iso,
                                                const PinAttemptRules& rules);
    // `attempt` is the number begin_pin_attempt gave this attempt: concurrent guesses each lock and
    // audit by their own number, not by the count the others have raised since.
    StatusOr<PinAttemptState> fail_pin_attempt(const std::string& login, int attempt,
                                               const PinAttemptRules& rules);
    StatusOr<bool> pass_pin_attempt(const std::string& login, bool had_failures);

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
    // Items must be approved by a pharmacist; with `confirm_kiosk_accepted`, a pack the kiosk accepted
    // and nobody reviewed yet is approved by `user_id` in the same transaction. All items or none.
    StatusOr<Dispatch> record_dispatch(const std::string& clinic, std::int64_t user_id,
                                       const std::vector<DispatchItem>& items,
                                       bool confirm_kiosk_accepted = false);

    // --- Staff screens (ledger_staff.cpp): filters and counts run in SQL.
    StatusOr<std::vector<StaffQueueRow>> staff_queue(const StaffQueueQuery& query);
    // The catalogue's categories, sorted.
    StatusOr<std::vector<std::string>> categories();
    // Moves a drop-off that is still pending or approved to another catalogue category; the change,
    // its review_action row, its outbox row and its audit row commit in one transaction.
    StatusOr<Reclassification> record_reclassify(const std::string& dropoff_uuid, std::int64_t user_id,
                                                 const std::string& category, const std::string& note);
    // Accepted drop-offs not yet dispatched, refused or disposed (approved by a pharmacist, or
    // accepted by the kiosk and still pending), earliest expiry first; no expiry (devices) last.
    StatusOr<std::vector<StaffQueueRow>> dispatch_candidates(int limit);
    // Clinics dispatched to before, most recent first.
    StatusOr<std::vector<std::string>> recent_clinics(int limit);
    // Per local day from first_day to last_day inclusive ("YYYY-MM-DD"), every day listed.
    StatusOr<std::vector<DropOffCount>> dropoffs_by_day(const std::string& first_day,
                                                        const std::string& last_day);
    // Per category for drop-offs recorded on or after since_local_date ("" for all), by count.
    StatusOr<std::vector<DropOffCount>> dropoffs_by_category(const std::string& since_local_date);

    StatusOr<std::vector<AuditRow>> audit_rows();
    StatusOr<AuditReport> verify_audit();

    static constexpr int kSchemaVersion = 30;

  private:
    detail::Database& database();
    const LedgerOptions& options() const;
    struct Impl;
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medkiosk::storage
