#pragma once
// The kiosk's local ledger of anonymous drop-offs, in SQLite (WAL, synchronous=FULL).
// No sqlite3.h here: callers see plain records and Status values.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/storage/status.hpp"

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
    std::string review_state;  // "pending" on record
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

    static constexpr int kSchemaVersion = 10;

  private:
    struct Impl;
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medkiosk::storage
