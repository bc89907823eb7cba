#pragma once
// What the staff and technician screens ask of the rest of the kiosk (PINs, the review queue,
// review actions, hub test, catalogue import, sync progress), as one asynchronous port: every call
// returns a ticket at once and the answer arrives through take_replies(), so the UI never waits.
// The storage and sync libraries implement it after integration; LocalBackOffice covers what the
// ledger has today and says "pending integration" for the rest.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace medkiosk::kiosk {

enum class Role { Staff, Technician };
std::string_view to_string(Role role);  // "staff", "technician"

struct PinCheck {
    enum class Outcome { Accepted, Wrong, LockedOut, Unavailable };
    Outcome outcome = Outcome::Wrong;
    int attempts_left = 0;                 // after a wrong PIN
    std::chrono::seconds locked_for{0};    // while locked out
    std::string message;                   // why Unavailable, for the technician
};

struct QueueFilter {
    std::string review_state;  // "" = any, "pending", "confirmed", "refused", "disposal"
    std::string decision;      // "" = any, "accept", "review", "refuse"
    std::string since;         // "YYYY-MM-DD" or "" for any day
    int limit = 200;
};

struct QueueItem {
    std::string uuid;
    std::string recorded_at;
    std::string code;        // GTIN or product id, as the pharmacist looks it up
    std::string expiry;
    std::string decision;
    std::string reason;
    std::string review_state;
    std::string condition;
    int quantity = 1;
};

enum class ReviewAction { Confirm, Reclassify, Refuse, Disposal };
std::string_view to_string(ReviewAction action);  // "confirm", "reclassify", "refuse", "disposal"

// The outcome of a command (review action, hub test, import): ok, or a message a technician can act on.
struct TaskResult {
    bool ok = false;
    std::string message;
};

struct TaskProgress {
    bool known = false;       // false while no sync/import is running or the service is not there
    double fraction = 0;      // 0..1
    std::string label;        // e.g. "12 of 40 drop-offs uploaded"
};

struct BackOfficeReply {
    using Result = std::variant<PinCheck, std::vector<QueueItem>, TaskResult>;
    std::uint64_t ticket = 0;
    Result result;
};

class BackOfficePort {
public:
    virtual ~BackOfficePort() = default;
    virtual std::uint64_t verify_pin(Role role, std::string pin) = 0;
    virtual std::uint64_t query_queue(QueueFilter filter) = 0;
    virtual std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) = 0;
    virtual std::uint64_t test_hub(std::string hub_url) = 0;
    virtual std::uint64_t import_catalogue(std::filesystem::path file) = 0;
    virtual std::vector<BackOfficeReply> take_replies() = 0;
    virtual TaskProgress sync_progress() const = 0;
    virtual TaskProgress import_progress() const = 0;
};

struct LocalBackOfficeOptions {
    std::filesystem::path ledger_file;
    // Development PINs until the users table exists (MEDKIOSK_STAFF_PIN / MEDKIOSK_TECHNICIAN_PIN);
    // an empty PIN means that role cannot sign in here.
    std::string staff_pin;
    std::string technician_pin;
    int attempts_before_lockout = 5;
    std::chrono::seconds lockout{60};
};

// Works on its own thread with a read-only ledger connection (WAL: it never blocks the writer).
std::unique_ptr<BackOfficePort> make_local_back_office(LocalBackOfficeOptions options);

}  // namespace medkiosk::kiosk
