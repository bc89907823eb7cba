#pragma once
// Plain records for the ledger's reference data (catalogue, recalls, drives), users, staff work and
// the audit log. No sqlite3.h here.

#include <cstdint>
#include <string>
#include <vector>

namespace medkiosk::storage {

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

// How many wrong PINs a user may enter: `free_attempts` at once, then each further try waits
// first_delay_ms, doubling; at `lock_after` the user is locked until a technician unlocks it.
struct PinAttemptRules {
    int free_attempts = 3;
    std::int64_t first_delay_ms = 2000;
    int lock_after = 6;
};

// A user's attempt counters as one PIN attempt left them (Ledger::begin_pin_attempt and friends).
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
