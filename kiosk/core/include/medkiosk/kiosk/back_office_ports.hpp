#pragma once
// What the staff and technician screens ask of the rest of the kiosk, as three small asynchronous
// ports with no default implementations: SignInPort (the PIN pad, both roles), StaffPort (the review
// queue, review actions, dispatches, charts, sync figures) and TechnicianPort (hub test, catalogue
// import, settings file, users, rules and drives, the clinic list). Every request returns a ticket at once;
// its answer arrives later as a BackOfficeReply carrying that ticket, so the UI never waits. The kiosk's
// implementation is LocalBackOffice (back_office.hpp); tests give the flows their own.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "medkiosk/kiosk/job_queue.hpp"
#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/result.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/records.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::kiosk {

enum class Role { Staff, Technician, Clinic };
std::string_view to_string(Role role);  // "staff", "technician", "clinic"

// --- Answers

struct PinCheck {
    enum class Outcome { Accepted, Wrong, LockedOut, Unavailable };
    Outcome outcome = Outcome::Wrong;
    // Wrong PINs left before the ledger locks a user: only for a PIN that matched a user whose own
    // count (sign-ins by login, medkioskctl) is running. A PIN matching nobody locks no one (it slows
    // the pad: sign_in_by_pin), so the pad's words never count attempts down.
    int attempts_left = 0;
    // LockedOut: how long the pad waits; Wrong: the wait before the next try (0 for the free ones).
    std::chrono::seconds locked_for{0};
    std::string message;  // why Unavailable; for LockedOut set only when the lock lasts
                          // until a technician unlocks (not just a wait)
};

// The review states as the ledger stores them (and the hub receives them); the screens show them
// under the translation keys "state.<name>".
namespace review_state {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kApproved = "approved";
inline constexpr const char* kRejected = "rejected";
inline constexpr const char* kDisposed = "disposed";
inline constexpr const char* kDispatched = "dispatched";
}  // namespace review_state

struct QueueFilter {
    // "pending" = the pharmacist's queue; "" = any state, or one of "approved", "rejected",
    // "disposed", "dispatched" (review_state above).
    std::string review_state = review_state::kPending;
    std::string decision;  // "" = any, "accept", "review", "refuse"
    std::string category;  // "" = any, a catalogue category, or storage::kNoCategory
    int days = 0;          // recorded within the last N local days (1 = today); 0 = any day
    int limit = 200;
};

struct QueueItem {
    std::string uuid;
    std::string recorded_at;
    std::string code;  // GTIN or product id, as the pharmacist looks it up
    std::string expiry;
    std::string decision;
    std::string reason;
    std::string review_state;
    std::string condition;
    // Boxes: in the queue, those the donor recorded; in a dispatch plan, those that can go now.
    int quantity = 1;
    int recorded_boxes = 1;  // the boxes the donor recorded, wherever the item is listed
    int dispatched = 0;      // boxes of it dispatched so far; the rest stays to send
    // Some of its boxes left with a dispatch, the rest is still here ("1 of 2 dispatched").
    bool partly_dispatched() const { return dispatched > 0 && dispatched < recorded_boxes; }
    std::string category;  // "" when the product is unknown and not re-classified yet
    std::string name_zh;   // from the catalogue; "" when the product is unknown
    std::string name_en;
};

// A drop-off as the staff screens list it.
QueueItem to_queue_item(const storage::StaffQueueRow& row);

// A pharmacist's action on a drop-off, named as the ledger stores it ("approve", "reject", "dispose";
// re-classification goes through StaffPort::reclassify).
enum class ReviewAction { Approve, Reject, Dispose };
std::string_view to_string(ReviewAction action);  // "approve", "reject", "dispose"

// A command done (a review, a dispatch, a saved setting, an added user …): what was done, e.g.
// "3 of 3 drop-offs: approve", or the login the command was about.
struct Done {
    std::string detail;  // in English, for the log and the command line
    // The same outcome as the screens say it: a translation key and its values ("staff.reviewed",
    // {{"done", "1"}, …}); empty when `detail` is a name or path shown as it is.
    std::string key{};
    std::vector<std::pair<std::string, std::string>> values{};
};

struct TaskProgress {
    bool known = false;   // false while nothing runs
    double fraction = 0;  // 0..1
    std::string label;    // e.g. "120 / 400"
};

// The catalogue's categories (the queue's filter and the re-classify picker).
struct CategoryList {
    std::vector<std::string> categories;
};

// What a dispatch may hold (earliest expiry first, each with the packs still free as its quantity),
// the county's clinics to choose from, and the bureau's open orders for this collection point.
struct DispatchPlan {
    std::vector<QueueItem> items;
    std::vector<storage::ClinicChoice> clinics;
    std::vector<storage::DispatchOrder> orders;
};

// What the dispatch screen sends: to a clinic from the list, or for an order (fully or partly).
struct DispatchChoice {
    std::string clinic_id;
    std::string order_uuid;
    bool closes_order = false;  // nothing more will be sent for the order
    std::vector<storage::DispatchItem> items;
};

// A dispatch recorded: its manifest (the QR the clinic scans) and where its packing list was written.
struct DispatchDone {
    storage::DispatchRecord record;
    std::filesystem::path packing_list;  // empty when it could not be written (message says why)
    std::string message;
};

// Boxes for the staff charts, accepted, awaiting a pharmacist and refused (storage::DropOffCount):
// per local day (oldest first) and per category.
struct ChartData {
    int days = 0;
    std::vector<storage::DropOffCount> by_day;
    std::vector<storage::DropOffCount> by_category;
};

// The hub connection test: what the hub said, or which kind of problem stopped it.
struct HubTestReport {
    bool ok = false;
    // Translation key of the kind of problem: "tech.hub.no_url", "tech.hub.malformed", "tech.hub.no_answer",
    // "tech.hub.not_postgresql", "tech.hub.tls", "tech.hub.auth", "tech.hub.no_database",
    // "tech.hub.other", "tech.hub.query_failed" (connected, the test query failed); "" when ok.
    std::string problem_key;
    std::string detail;             // libpq's words (never a password)
    std::string server_version;     // e.g. "15.5"
    std::string hub_time;           // UTC, "2026-11-29 07:41:02"
    double clock_skew_seconds = 0;  // hub clock minus kiosk clock
    double round_trip_ms = 0;
};

struct UserSummary {
    std::string login;
    std::string role;  // "staff" | "technician" | "clinic"
    bool locked = false;
    bool disabled = false;
    int failed_attempts = 0;
};

struct UserList {
    std::vector<UserSummary> users;
};

// The county rules as stored (policy.rules over the defaults) and every drive.
struct RulesView {
    PolicyRules rules;
    std::vector<storage::Drive> drives;
};

// The kiosk's clinic list (storage/clinic_list.hpp) for the technician's Clinics tab and the clinic-mode
// setting: every clinic, retired ones too, and how fresh the hub's part is.
struct ClinicBook {
    std::vector<storage::ClinicChoice> clinics;
    std::string updated_from_hub_at;  // UTC; "" when the hub never fed it
    bool hub_configured = false;      // a sync worker runs (the kiosk has a hub address)
    // The sync's last failure when it is newer than the last pull (the hub unreachable: the list stays
    // as it was); "" otherwise.
    std::string hub_problem;
    std::string hub_problem_at;
};

using BackOfficeAnswer =
    std::variant<PinCheck, std::vector<QueueItem>, Done, CategoryList, DispatchPlan, ChartData, HubTestReport,
                 UserList, RulesView, DispatchDone, ClinicBook>;
using BackOfficeReply = JobReply<BackOfficeAnswer>;

// What a command's outcome says: what was done, or why not.
inline const std::string& outcome_text(const Result<Done>& outcome) {
    return outcome ? outcome.value().detail : outcome.error().message;
}

// --- Ports

// The PIN pad. The answer is a PinCheck.
class SignInPort {
  public:
    virtual ~SignInPort() = default;
    virtual std::uint64_t verify_pin(Role role, std::string pin) = 0;
};

// What the staff screens ask. Commands answer Done; queries their lists.
class StaffPort {
  public:
    virtual ~StaffPort() = default;
    virtual std::uint64_t query_queue(QueueFilter filter) = 0;  // std::vector<QueueItem>
    virtual std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) = 0;
    // A refusal or disposal the pharmacist took back within its undo window (review_hold.hpp): it was
    // never recorded, so only the audit log hears of it (one "review-undone" row per drop-off). Done.
    virtual std::uint64_t undo_review(std::vector<std::string> uuids, ReviewAction action) = 0;
    virtual std::uint64_t reclassify(std::vector<std::string> uuids, std::string category) = 0;
    virtual std::uint64_t query_categories() = 0;     // CategoryList
    virtual std::uint64_t query_dispatch_plan() = 0;  // DispatchPlan
    // Items approved by a pharmacist or accepted by the kiosk; the kiosk's are approved (a review row
    // by the signed-in user) in the dispatch's transaction. Answers DispatchDone.
    virtual std::uint64_t dispatch(DispatchChoice choice) = 0;
    virtual std::uint64_t query_charts(int days) = 0;  // ChartData over the last `days` days
    // The hub sync's figures as the sync worker last reported them; nullopt when no hub is configured.
    // Cheap (no database): the UI calls it every frame.
    virtual std::optional<storage::SyncProgress> sync_state() const = 0;
};

// What the technician's screen asks. Commands answer Done unless noted.
class TechnicianPort {
  public:
    virtual ~TechnicianPort() = default;
    virtual std::uint64_t test_hub(std::string hub_url) = 0;  // HubTestReport
    virtual std::uint64_t import_catalogue(std::filesystem::path file) = 0;
    // The running import's progress; cheap, the UI calls it every frame.
    virtual TaskProgress import_progress() const = 0;
    // `values` are config keys and values as typed (config.hpp); all are written or none.
    virtual std::uint64_t save_settings(std::filesystem::path config_file,
                                        std::vector<std::pair<std::string, std::string>> values) = 0;
    virtual std::uint64_t list_users() = 0;  // UserList
    virtual std::uint64_t add_user(std::string login, Role role, std::string pin) = 0;
    virtual std::uint64_t reset_pin(std::string login, std::string pin) = 0;
    virtual std::uint64_t disable_user(std::string login) = 0;
    virtual std::uint64_t unlock_user(std::string login) = 0;
    virtual std::uint64_t read_rules() = 0;  // RulesView
    virtual std::uint64_t save_rules(PolicyRules rules) = 0;
    virtual std::uint64_t save_drive(storage::Drive drive) = 0;  // id 0 adds a drive
    // The clinic list. The hub's clinics are read-only here; the technician adds, renames, retires and
    // restores the kiosk's own (source "local"), each with an audit row. Done's detail is the id.
    virtual std::uint64_t list_clinics() = 0;  // ClinicBook
    virtual std::uint64_t add_clinic(storage::ClinicChoice clinic) = 0;
    virtual std::uint64_t rename_clinic(std::string clinic_id, std::string name_zh, std::string name_en) = 0;
    virtual std::uint64_t set_clinic_retired(std::string clinic_id, bool retired) = 0;
};

}  // namespace medkiosk::kiosk
