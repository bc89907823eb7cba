#pragma once
// Sync with the county hub (PostgreSQL): a libpq session for administrative commands and the sync
// worker that drains the ledger's outbox. No libpq header here: callers see rows of text.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"

namespace medkiosk::storage {

using HubRow = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL

// One connection to the hub. `conninfo` is a libpq connection string or URI (host, port, dbname,
// user, password, sslmode=verify-full, sslrootcert, sslcert/sslkey …).
class HubSession {
  public:
    // connect_timeout applies to each host of a multi-host address in turn, as in libpq. While it
    // waits, `stop_fd` becoming readable (an eventfd or pipe another thread writes to) abandons the
    // connect at once with an error; -1: nothing can abandon it.
    static Result<std::unique_ptr<HubSession>> connect(const std::string& conninfo,
                                                       int connect_timeout_seconds = 5, int stop_fd = -1);
    ~HubSession();
    HubSession(const HubSession&) = delete;
    HubSession& operator=(const HubSession&) = delete;

    // Runs one statement (or, without params, several separated by ';'); returns its rows.
    Result<std::vector<HubRow>> query(const std::string& sql, const std::vector<std::string>& params = {});
    Result<void> exec(const std::string& sql) {
        auto rows = query(sql);
        if (!rows) return rows.error();
        return {};
    }
    bool healthy() const;
    std::string describe() const;  // "host:port/db as user", for messages
    // The connection's socket (-1 when closed). Another thread may shut it down (never close it) to
    // end a query the hub does not answer; the query then fails as a broken connection would.
    int socket() const;

  private:
    struct Impl;
    explicit HubSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// deploy/hub/*.sql, embedded at build time so `medkioskctl hub init` needs no file beside it.
const std::string& hub_schema_sql();
// Applies the hub schema (idempotent) through an administrator's connection.
Result<void> init_hub(HubSession& admin);
// Creates or updates kiosk `kiosk_id`'s login role with `password`; returns the role's name.
Result<std::string> add_kiosk(HubSession& admin, const std::string& kiosk_id, const std::string& password,
                              const std::string& public_key_hex = {});
// The SQL add_kiosk runs, for a DBA who applies it with psql.
std::string add_kiosk_sql(const std::string& kiosk_id, const std::string& password,
                          const std::string& public_key_hex = {});

// Where a sync round may be interrupted by tests (fault injection).
enum class SyncPoint { BeforeUpload, AfterHubCommit, AfterLocalMark };

// The camera's decode statistics for the heartbeat, as the kiosk's scan pipeline counts them since it
// started. Plain numbers: storage does not depend on the scanner library.
struct DecodeStats {
    std::uint64_t frames = 0;          // frames captured
    std::uint64_t decoded_frames = 0;  // frames in which a code was read
    std::uint64_t confirmed = 0;       // codes confirmed (read in enough frames) and handed to the flow
    double last_decode_ms = 0;         // the latest frame's decode time
    double capture_fps = 0;
    std::string source;        // the frame source's name
    std::string source_error;  // non-empty while the camera cannot deliver
};

struct SyncOptions {
    std::filesystem::path ledger_file;
    std::filesystem::path kiosk_key_file;  // Ed25519 signing key; empty: "kiosk_sign.key" beside the ledger
    std::string hub_conninfo;
    std::string kiosk_version = "unknown";
    int batch_size = 500;
    int connect_timeout_seconds = 5;
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
    std::chrono::milliseconds idle_poll{std::chrono::seconds(2)};
    std::chrono::milliseconds heartbeat_interval{std::chrono::minutes(5)};
    std::chrono::milliseconds clock_skew_limit{std::chrono::minutes(2)};
    // Called on the sync thread before each heartbeat; must be thread-safe. Empty: the heartbeat carries
    // no decode statistics (medkioskctl sync run has no camera).
    std::function<DecodeStats()> decode_stats;
    // Test hook: return false to behave as if the connection broke at that point.
    std::function<bool(SyncPoint)> fault_hook;
};

// What the UI shows; a copy taken under a lock held only for the copy.
struct SyncProgress {
    std::int64_t acknowledged = 0;  // inserted + duplicate, since start
    std::int64_t inserted = 0;
    std::int64_t duplicates = 0;
    std::int64_t dead_lettered = 0;
    std::int64_t bytes_sent = 0;
    std::int64_t pulled = 0;  // reference-data rows received
    std::int64_t backlog = 0;
    std::int64_t oldest_unsynced_age_s = 0;
    std::int64_t rounds = 0;
    std::int64_t failed_rounds = 0;  // since start; consecutive_failures resets on a success
    int consecutive_failures = 0;
    std::string last_success_at;  // UTC ISO-8601, empty before the first success
    std::string last_error;
    std::string last_error_at;
    std::optional<std::int64_t> clock_skew_ms;  // hub minus kiosk
    bool clock_skew_flagged = false;
    bool running = false;
};

class SyncWorker {
  public:
    static Result<std::unique_ptr<SyncWorker>> create(SyncOptions options);
    ~SyncWorker();  // stops the thread
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    // Runs rounds on its own thread until stop(), retrying forever with exponential backoff and full
    // jitter after failures.
    void start();
    void stop();
    void wake();  // a new record was committed: sync now rather than at the next poll

    // One round on the caller's thread: heartbeat, upload until the queue is empty, pull reference data.
    Result<void> run_round();

    SyncProgress progress() const;

    // Whether the ledger is a clinic device's (its settings say device.mode = clinic, written when the
    // clinic's store is first opened): its records go through hub.clinic_ingest, and what the worker
    // tells a technician names the device by its role.
    bool clinic_device() const;

  private:
    struct Impl;
    explicit SyncWorker(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Local sync state without a hub: for `medkioskctl sync status`.
struct OutboxStatus {
    std::int64_t pending = 0;
    std::int64_t dead = 0;
    std::int64_t acknowledged = 0;
    std::int64_t oldest_pending_age_s = 0;
    std::string last_success_at;
    std::string last_error;
    std::optional<std::int64_t> clock_skew_ms;
    std::vector<std::string> recent_events;  // newest first
};
Result<OutboxStatus> read_outbox_status(const std::filesystem::path& ledger_file);

}  // namespace medkiosk::storage
