#pragma once
// What the staff and technician screens ask of the rest of the kiosk (PINs, the review queue,
// review actions, hub test, catalogue import, sync progress), as one asynchronous port: every call
// returns a ticket at once and the answer arrives through take_replies(), so the UI never waits.
// LocalBackOffice answers from the ledger, the users service, the settings file and the hub.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::kiosk {

enum class Role { Staff, Technician, Clinic };
std::string_view to_string(Role role);  // "staff", "technician", "clinic"

struct PinCheck {
    enum class Outcome { Accepted, Wrong, LockedOut, Unavailable };
    Outcome outcome = Outcome::Wrong;
    int attempts_left = 0;               // after a wrong PIN
    std::chrono::seconds locked_for{0};  // while locked out
    std::string message;                 // why Unavailable; for LockedOut set only when the lock lasts
                                         // until a technician unlocks (not just a wait)
};

// The PIN pad's sign-in for users of one role (the pad has no login field): the PIN is tried against
// each of `candidates` (that role's users); the matching user, if any, is signed in through the
// users service with its delay and lock; a PIN matching nobody counts as a failure for every unlocked
// candidate. `user` is set when the sign-in succeeded.
struct PinSignIn {
    PinCheck check;
    std::optional<storage::UserRecord> user;
};
PinSignIn sign_in_by_pin(storage::Ledger& ledger, const std::string& pepper,
                         const std::vector<storage::UserRecord>& candidates, const std::string& pin);
PinCheck pin_check_from(const SignInResult& result);

struct QueueFilter {
    // "pending" = the pharmacist's queue (Ledger::review_queue); "" = any state, or one of
    // "confirmed", "refused", "disposal", "dispatched" (stored as approved, rejected, disposed, dispatched).
    std::string review_state = "pending";
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
    int quantity = 1;
    std::string category;  // "" when the product is unknown and not re-classified yet
    std::string name_zh;   // from the catalogue; "" when the product is unknown
    std::string name_en;
};

// A drop-off as the staff screens list it.
QueueItem to_queue_item(const storage::StaffQueueRow& row);

enum class ReviewAction { Confirm, Reclassify, Refuse, Disposal };
std::string_view to_string(ReviewAction action);  // "confirm", "reclassify", "refuse", "disposal"

// The outcome of a command (review action, hub test, import): ok, or a message a technician can act on.
struct TaskResult {
    bool ok = false;
    std::string message;
};

struct TaskProgress {
    bool known = false;   // false while no sync/import is running or the service is not there
    double fraction = 0;  // 0..1
    std::string label;    // e.g. "12 of 40 drop-offs uploaded"
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

// Counts for the staff charts: per local day (oldest first) and per category.
struct ChartData {
    int days = 0;
    std::vector<storage::DropOffCount> by_day;
    std::vector<storage::DropOffCount> by_category;
};

// The technician's answers (hub test, users, rules and drives).
// The hub connection test: what the hub said, or which kind of problem stopped it.
struct HubTestReport {
    bool ok = false;
    // Translation key of the kind of problem: "tech.hub.no_url", "tech.hub.unreachable",
    // "tech.hub.wrong_password", "tech.hub.certificate", "tech.hub.refused"; "" when ok.
    std::string problem_key;
    std::string detail;             // libpq's words (never a password)
    std::string server_version;     // e.g. "15.5"
    std::string hub_time;           // UTC, "2026-11-29 07:41:02"
    double clock_skew_seconds = 0;  // hub clock minus kiosk clock
    double round_trip_ms = 0;
};

struct UserSummary {
    std::string login;
    std::string role;  // "staff" | "technician"
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

struct BackOfficeReply {
    using Result = std::variant<PinCheck, std::vector<QueueItem>, TaskResult, CategoryList, DispatchPlan,
                                ChartData, HubTestReport, UserList, RulesView, DispatchDone>;
    std::uint64_t ticket = 0;
    Result result;
};

class BackOfficePort {
  public:
    virtual ~BackOfficePort() = default;
    virtual std::uint64_t verify_pin(Role role, std::string pin) = 0;
    virtual std::uint64_t query_queue(QueueFilter filter) = 0;
    virtual std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) = 0;
    // Staff screens. reclassify and dispatch answer a TaskResult; the queries their lists.
    virtual std::uint64_t reclassify(std::vector<std::string> uuids, std::string category) = 0;
    virtual std::uint64_t query_categories() = 0;     // CategoryList
    virtual std::uint64_t query_dispatch_plan() = 0;  // DispatchPlan
    // Items confirmed by a pharmacist or accepted by the kiosk; the kiosk's are confirmed (a review
    // row by the signed-in user) in the dispatch's transaction. Answers DispatchDone or TaskResult.
    virtual std::uint64_t dispatch(DispatchChoice choice) = 0;
    virtual std::uint64_t query_charts(int days) = 0;  // ChartData over the last `days` days
    // The hub sync's figures as the sync worker last reported them; nullopt when no hub is configured.
    // Cheap (no database): the UI calls it every frame.
    virtual std::optional<storage::SyncProgress> sync_state() const = 0;
    virtual std::uint64_t test_hub(std::string hub_url) = 0;
    virtual std::uint64_t import_catalogue(std::filesystem::path file) = 0;
    // Technician: the settings file, users and rules. Each answers a TaskResult unless noted; 0 when
    // this back office cannot (then no reply comes).
    // `values` are config keys and values as typed (config.hpp); all are written or none.
    virtual std::uint64_t save_settings(std::filesystem::path config_file,
                                        std::vector<std::pair<std::string, std::string>> values) {
        return (void)config_file, (void)values, 0;
    }
    virtual std::uint64_t list_users() { return 0; }  // UserList
    virtual std::uint64_t add_user(std::string login, Role role, std::string pin) {
        return (void)login, (void)role, (void)pin, 0;
    }
    virtual std::uint64_t reset_pin(std::string login, std::string pin) { return (void)login, (void)pin, 0; }
    virtual std::uint64_t disable_user(std::string login) { return (void)login, 0; }
    virtual std::uint64_t unlock_user(std::string login) { return (void)login, 0; }
    virtual std::uint64_t read_rules() { return 0; }  // RulesView
    virtual std::uint64_t save_rules(PolicyRules rules) { return (void)rules, 0; }
    virtual std::uint64_t save_drive(storage::Drive drive) { return (void)drive, 0; }  // id 0 adds a drive
    virtual std::vector<BackOfficeReply> take_replies() = 0;
    virtual TaskProgress sync_progress() const = 0;
    virtual TaskProgress import_progress() const = 0;
};

struct LocalBackOfficeOptions {
    std::filesystem::path ledger_file{};
    // DEVELOPMENT FALLBACK ONLY (MEDKIOSK_STAFF_PIN / MEDKIOSK_TECHNICIAN_PIN): used only while the
    // users table is empty, so a fresh development kiosk can be entered; such a sign-in cannot review
    // or import (no user to record in the audit log), but may add the first users and set the rules
    // and drives (recorded as "technician-development-pin"). Once `medkioskctl users add` created a user
    // these PINs are ignored. An empty PIN means that role cannot sign in this way.
    std::string staff_pin{};
    std::string technician_pin{};
    int attempts_before_lockout = 5;   // development fallback only; users get the users service's rules
    std::chrono::seconds lockout{60};  // development fallback only
    // The writable ledger's options (kiosk id, county key), as the ledger worker opens it.
    storage::LedgerOptions ledger_options{};
    // The PIN pepper; empty: default_pepper_file(the ledger's directory), which honours
    // $MEDKIOSK_PEPPER_FILE. Read, never created, at the first sign-in.
    std::filesystem::path pepper_file{};
    // Where each dispatch's packing list (HTML, to print) is written; empty: "packing-lists" beside the
    // ledger. The kiosk's place, printed on it.
    std::filesystem::path packing_list_dir{};
    std::string location{};
    std::filesystem::path assets_dir{};  // the words of the packing list (lang/); empty: the default
};

// The hub sync worker's progress, read on the UI thread; empty or returning nullopt: no hub configured.
using SyncSource = std::function<std::optional<storage::SyncProgress>()>;

// Works on its own thread with its own ledger connection (WAL: readers never block the writer; its
// few writes are short transactions behind SQLite's busy timeout). It never creates the ledger.
//
// Sign-in: the PIN pad has no login field, so a PIN is tried against every user of the wanted role.
// The matching user (if any) is then signed in through UserService, which applies its delay and
// lock. A PIN matching nobody counts as a failure for every unlocked user of that role: the pad gives
// an attacker the users service's few guesses per role, not per user. The user last signed in for a
// role is the one recorded in the audit log for that role's actions.
std::unique_ptr<BackOfficePort> make_local_back_office(LocalBackOfficeOptions options,
                                                       SyncSource sync_source = {});

}  // namespace medkiosk::kiosk
