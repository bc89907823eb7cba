#pragma once
// Plain records of the ledger: donation sessions and drop-offs, reference data (catalogue, recalls,
// drives), users, staff work and the audit log. No sqlite3.h here.

#include <cstdint>
#include <string>
#include <vector>

namespace medkiosk::storage {

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

// One catalogue row. product_id is a GTIN-14 or a trace-code product id.
struct CatalogueEntry {
    std::string product_id;
    std::string name_zh;
    std::string name_en;
    std::string form;      // "tablet", "syrup", "device" …
    std::string strength;  // "500 mg"; may be empty
    std::string category;  // "fever", "cough", "antiviral", "device" …
    bool prescription = false;
    bool controlled = false;
    bool cold_chain = false;
    bool injectable = false;
    bool device = false;
    friend bool operator==(const CatalogueEntry&, const CatalogueEntry&) = default;
};

struct Recall {
    std::string gtin;  // GTIN-14
    std::string batch;
    std::string note;
};

// A collection drive. accepted_categories empty means every category; rules_json is a JSON object of
// policy overrides, e.g. {"minimum_shelf_life_days": 180, "shelf_life_by_category": {"antiviral": 365}}.
struct Drive {
    std::int64_t id = 0;
    std::string name;
    std::string starts_on;  // YYYY-MM-DD, inclusive
    std::string ends_on;    // YYYY-MM-DD, inclusive
    std::vector<std::string> accepted_categories;
    std::string rules_json = "{}";
};

struct UserRecord {
    std::int64_t id = 0;
    std::string login;
    std::string role;  // "staff" | "technician"
    std::string pin_hash;
    int failed_attempts = 0;
    bool locked = false;
    std::string last_failure_at;  // UTC ISO-8601 or ""
    std::string created_at;
};

// The PIN hash of a disabled user: no PIN matches it.
inline constexpr const char* kDisabledPinHash = "!disabled";
bool is_disabled(const UserRecord& user);
// How many wrong PINs a user may enter: `free_attempts` at once, then each further try waits
// first_delay_ms, doubling; at `lock_after` the user is locked until a technician unlocks it.
struct PinAttemptRules {
    int free_attempts = 3;
    std::int64_t first_delay_ms = 2000;
    int lock_after = 6;
};

// The PIN pad of one role has no login field, so a PIN that matches nobody cannot be charged to a
// user: charging it to every user of the role let anyone who found the pad lock the pharmacy out.
// Such PINs slow the pad instead: after free_attempts each further one waits first_delay_ms, doubling,
// at most max_delay_ms (then about 3600 / 900 = 4 guesses an hour). The count is in the ledger, so a
// restart does not reset it; a PIN that matches a user clears it.
struct PadThrottleRules {
    int free_attempts = 3;
    std::int64_t first_delay_ms = 2000;
    std::int64_t max_delay_ms = 15 * 60 * 1000;
};

// A user's attempt counters as one PIN attempt left them (UserAccounts::begin_pin_attempt and friends).
struct PinAttemptState {
    bool granted = false;  // begin_pin_attempt: the attempt was counted and the PIN may be checked
    int failed_attempts = 0;
    bool locked = false;
    std::string last_failure_at;  // UTC ISO-8601 or ""
};

struct ReviewAction {
    std::string uuid;
    std::string dropoff_uuid;
    std::int64_t user_id = 0;
    std::string action;  // "approve" | "reject" | "dispose"
    std::string note;
    std::string at;
};

struct Reclassification {
    ReviewAction review;  // action "reclassify"
    std::string from_category;
    std::string to_category;
};

struct DispatchItem {
    std::string dropoff_uuid;
    int quantity = 1;
};

struct Dispatch {
    std::string uuid;
    std::string clinic;
    std::int64_t user_id = 0;
    std::string dispatched_at;
    std::vector<DispatchItem> items;
};

// --- What the staff screens read (staff_work.hpp).

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
    // Boxes of it already dispatched (a drop-off of 2 boxes may leave 1 at a time; it is "dispatched"
    // only when all have gone). StaffWork::queue fills it; 0 elsewhere.
    int dispatched = 0;
};

// Boxes (the sum of the drop-offs' quantities, never the number of drop-offs) per day or per category:
// "accepted" by the kiosk or approved by a pharmacist (dispatched ones included), "awaiting" sent to a
// pharmacist who has not decided yet, "refused" by the kiosk or by a pharmacist (rejected or sent to
// disposal).
struct DropOffCount {
    std::string key;  // "YYYY-MM-DD" (local day) or a category ("" for none)
    std::int64_t accepted = 0;
    std::int64_t refused = 0;
    std::int64_t awaiting = 0;
};

struct AuditRow {
    std::int64_t seq = 0;
    std::string at;
    std::string actor;
    std::string action;
    std::string entity;
    std::string entity_id;
    std::string detail;  // JSON
    std::string prev_hash;
    std::string hash;
};

struct AuditReport {
    std::int64_t rows = 0;
    std::vector<std::string> problems;  // empty: the chain is intact
    bool ok() const { return problems.empty(); }
};

}  // namespace medkiosk::storage
