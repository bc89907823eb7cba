#include "medkiosk/kiosk/back_office.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "medkiosk/kiosk/catalogue_import.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/packing_list.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/technician_office.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/clinic_list.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::Staff:
            return "staff";
        case Role::Technician:
            return "technician";
        case Role::Clinic:
            return "clinic";
    }
    return "staff";
}

std::string_view to_string(ReviewAction action) {
    switch (action) {
        case ReviewAction::Approve:
            return "approve";
        case ReviewAction::Reject:
            return "reject";
        case ReviewAction::Dispose:
            return "dispose";
    }
    return "approve";
}

QueueItem to_queue_item(const storage::StaffQueueRow& row) {
    const storage::DropOffRecord& d = row.dropoff;
    QueueItem item;
    item.uuid = d.uuid;
    item.recorded_at = d.recorded_at;
    item.code = d.gtin.empty() ? d.product_id : d.gtin;
    item.expiry = d.expiry;
    item.decision = d.decision;
    item.reason = d.reason;
    item.review_state = d.review_state;
    item.condition = d.condition;
    item.quantity = d.quantity;
    item.recorded_boxes = d.quantity;
    item.dispatched = row.dispatched;
    item.category = d.category;
    item.name_zh = row.name_zh;
    item.name_en = row.name_en;
    return item;
}

PinCheck pin_check_from(const SignInResult& refused) {
    // Attempts left before the ledger locks the user: only a user's own sign-in by login (medkioskctl)
    // counts towards that lock; the pad itself never locks anyone.
    const int lock_after = UserService::default_rules().lock_after;
    const int attempts_left = std::max(0, lock_after - refused.user.failed_attempts);
    switch (refused.outcome) {
        case SignInOutcome::Ok:
            return {PinCheck::Outcome::Accepted, lock_after, std::chrono::seconds(0), ""};
        case SignInOutcome::TryLater:
            return {PinCheck::Outcome::LockedOut, attempts_left,
                    std::max(refused.retry_after, std::chrono::seconds(1)), ""};
        case SignInOutcome::Locked:
            // Locked until a technician unlocks: the pad pauses a minute and says so.
            return {PinCheck::Outcome::LockedOut, 0, std::chrono::seconds(60),
                    "locked: a technician must unlock this user (medkioskctl users unlock)"};
        case SignInOutcome::WrongPin:
            // A wrong PIN that makes the next one wait (after the free attempts) is still a wrong PIN
            // with attempts left, not a lock: the pad shows both, and waits.
            return {PinCheck::Outcome::Wrong, attempts_left, refused.retry_after, ""};
        default:
            return {PinCheck::Outcome::Wrong, 0, std::chrono::seconds(0), refused.message};
    }
}

PinSignIn sign_in_by_pin(storage::Ledger& ledger, const std::string& pepper, const std::string& pad,
                         const std::vector<storage::UserRecord>& candidates, const std::string& pin,
                         UserService::Clock::time_point now) {
    UserService service(ledger, pepper);
    const auto unavailable = [](std::string message) {
        return PinSignIn{{PinCheck::Outcome::Unavailable, 0, std::chrono::seconds(0), std::move(message)},
                         std::nullopt};
    };
    // Counted by the ledger before any PIN is checked: during the pad's wait even the right PIN is
    // not tried, or a guesser could go on at full speed and learn which guess was right.
    const storage::PadThrottleRules rules = UserService::pad_rules();
    auto attempt = ledger.users().begin_pad_attempt(pad, iso8601_utc(now), rules);
    if (!attempt) return unavailable(attempt.error().message);
    if (!attempt.value().granted) {
        const auto wait = UserService::pad_delay_after(attempt.value().failed_attempts, rules);
        const auto last = parse_iso8601_utc(attempt.value().last_failure_at);
        const auto left = last ? std::chrono::ceil<std::chrono::seconds>(*last + wait - now)
                               : std::chrono::ceil<std::chrono::seconds>(wait);
        return {{PinCheck::Outcome::LockedOut, 0, std::max(left, std::chrono::seconds(1)), ""}, std::nullopt};
    }
    const storage::UserRecord* owner = nullptr;
    for (const auto& user : candidates) {
        // A locked user is not matched: "locked" for the right PIN would tell a guesser it is right.
        if (!user.locked && pin_matches_hash(pin, pepper, user.pin_hash)) owner = &user;
    }
    if (owner != nullptr) {
        if (auto passed = ledger.users().pass_pad_attempt(pad); !passed)
            return unavailable(passed.error().message);
        auto result = service.sign_in(owner->login, pin, now);
        if (!result) return unavailable(result.error().message);
        const SignInResult& signed_in = result.value();
        if (signed_in.outcome == SignInOutcome::Ok) return {pin_check_from(signed_in), signed_in.user};
        return {pin_check_from(signed_in), std::nullopt};
    }
    // Nobody's PIN: the pad waits longer before the next one; no user is charged or locked.
    const int failures = attempt.value().failed_attempts;
    if (auto failed = ledger.users().fail_pad_attempt(pad, failures); !failed)
        return unavailable(failed.error().message);
    const auto wait = std::chrono::ceil<std::chrono::seconds>(UserService::pad_delay_after(failures, rules));
    return {{PinCheck::Outcome::Wrong, 0, wait, ""}, std::nullopt};
}

namespace {

using Steady = std::chrono::steady_clock;

using Answer = Result<BackOfficeAnswer>;

Error refused(std::string message) {
    return Error{ErrorCode::Unavailable, std::move(message)};
}

// One kind of answer as the reply's answer.
template <typename T>
Answer answer(Result<T> result) {
    if (!result) return result.error();
    return BackOfficeAnswer(std::move(result).value());
}

class LocalBackOffice final : public BackOffice {
  public:
    LocalBackOffice(LocalBackOfficeOptions options, SyncSource sync_source)
        : options_(std::move(options)), sync_source_(std::move(sync_source)) {}

    ~LocalBackOffice() override { jobs_.stop(); }

    std::uint64_t verify_pin(Role role, std::string pin) override {
        return jobs_.submit([this, role, pin = std::move(pin)]() -> Answer { return check_pin(role, pin); });
    }

    std::uint64_t query_queue(QueueFilter filter) override {
        return jobs_.submit([this, filter = std::move(filter)]() -> Answer { return read_queue(filter); });
    }

    std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) override {
        return jobs_.submit(
            [this, uuids = std::move(uuids), action]() -> Answer { return record_reviews(uuids, action); });
    }

    std::uint64_t undo_review(std::vector<std::string> uuids, ReviewAction action) override {
        return jobs_.submit(
            [this, uuids = std::move(uuids), action]() -> Answer { return record_undone(uuids, action); });
    }

    std::uint64_t reclassify(std::vector<std::string> uuids, std::string category) override {
        return jobs_.submit([this, uuids = std::move(uuids), category = std::move(category)]() -> Answer {
            return record_reclassifications(uuids, category);
        });
    }

    std::uint64_t query_categories() override {
        return jobs_.submit([this]() -> Answer { return read_categories(); });
    }

    std::uint64_t query_dispatch_plan() override {
        return jobs_.submit([this]() -> Answer { return read_dispatch_plan(); });
    }

    std::uint64_t dispatch(DispatchChoice choice) override {
        return jobs_.submit(
            [this, choice = std::move(choice)]() -> Answer { return record_dispatch(choice); });
    }

    std::uint64_t query_charts(int days) override {
        return jobs_.submit([this, days]() -> Answer { return read_charts(days); });
    }

    std::optional<storage::SyncProgress> sync_state() const override {
        if (!sync_source_) return std::nullopt;
        return sync_source_();
    }

    std::uint64_t test_hub(std::string hub_url) override {
        return jobs_.submit([hub_url = std::move(hub_url)]() -> Answer { return check_hub(hub_url); });
    }

    std::uint64_t import_catalogue(std::filesystem::path file) override {
        return jobs_.submit([this, file = std::move(file)]() -> Answer { return import_file(file); });
    }

    // --- Technician: settings file, users, rules and drives (technician_office.hpp does the work).
    std::uint64_t save_settings(std::filesystem::path config_file,
                                std::vector<std::pair<std::string, std::string>> values) override {
        return jobs_.submit([file = std::move(config_file), values = std::move(values)]() -> Answer {
            return answer(save_settings_file(file, values));
        });
    }

    std::uint64_t list_users() override {
        return jobs_.submit([this]() -> Answer {
            auto opened = ledger();
            if (!opened) return opened.error();
            return answer(kiosk::list_users(*opened.value()));
        });
    }

    std::uint64_t add_user(std::string login, Role role, std::string pin) override {
        return jobs_.submit([this, login = std::move(login), role, pin = std::move(pin)]() -> Answer {
            return with_technician(true,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       auto pepper = technician_pepper(true);
                                       if (!pepper) return pepper.error();
                                       return kiosk::add_user(book, pepper.value(), login, role, pin, actor);
                                   });
        });
    }

    std::uint64_t reset_pin(std::string login, std::string pin) override {
        return jobs_.submit([this, login = std::move(login), pin = std::move(pin)]() -> Answer {
            return with_technician(false,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       auto pepper = technician_pepper(false);
                                       if (!pepper) return pepper.error();
                                       return kiosk::reset_pin(book, pepper.value(), login, pin, actor);
                                   });
        });
    }

    std::uint64_t disable_user(std::string login) override {
        return jobs_.submit([this, login = std::move(login)]() -> Answer {
            return with_technician(false,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       return kiosk::disable_user(book, login, actor);
                                   });
        });
    }

    std::uint64_t unlock_user(std::string login) override {
        return jobs_.submit([this, login = std::move(login)]() -> Answer {
            return with_technician(false,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       auto pepper = technician_pepper(false);
                                       if (!pepper) return pepper.error();
                                       return kiosk::unlock_user(book, pepper.value(), login, actor);
                                   });
        });
    }

    std::uint64_t read_rules() override {
        return jobs_.submit([this]() -> Answer {
            auto opened = ledger();
            if (!opened) return opened.error();
            return answer(kiosk::read_rules(*opened.value()));
        });
    }

    std::uint64_t save_rules(PolicyRules rules) override {
        return jobs_.submit([this, rules = std::move(rules)]() -> Answer {
            return with_technician(true,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       return kiosk::save_rules(book, rules, actor);
                                   });
        });
    }

    std::uint64_t save_drive(storage::Drive drive) override {
        return jobs_.submit([this, drive = std::move(drive)]() -> Answer {
            return with_technician(true,
                                   [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                                       return kiosk::save_drive(book, drive, actor);
                                   });
        });
    }

    std::uint64_t list_clinics() override {
        return jobs_.submit([this]() -> Answer { return read_clinic_book(); });
    }

    std::uint64_t add_clinic(storage::ClinicChoice clinic) override {
        return jobs_.submit([this, clinic = std::move(clinic)]() -> Answer {
            return with_technician(
                true, [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                    if (auto added = storage::add_local_clinic(book, clinic, actor); !added)
                        return added.error();
                    return Done{clinic.clinic_id};
                });
        });
    }

    std::uint64_t rename_clinic(std::string clinic_id, std::string name_zh, std::string name_en) override {
        return jobs_.submit([this, clinic_id = std::move(clinic_id), name_zh = std::move(name_zh),
                             name_en = std::move(name_en)]() -> Answer {
            return with_technician(
                true, [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                    if (auto renamed = storage::rename_clinic(book, clinic_id, name_zh, name_en, actor);
                        !renamed)
                        return renamed.error();
                    return Done{clinic_id};
                });
        });
    }

    std::uint64_t set_clinic_retired(std::string clinic_id, bool retired) override {
        return jobs_.submit([this, clinic_id = std::move(clinic_id), retired]() -> Answer {
            return with_technician(
                true, [&](storage::Ledger& book, const std::string& actor) -> Result<Done> {
                    if (auto changed = storage::set_clinic_retired(book, clinic_id, retired, actor); !changed)
                        return changed.error();
                    return Done{clinic_id};
                });
        });
    }

    std::vector<BackOfficeReply> take_replies() override { return jobs_.take_replies(); }

    TaskProgress import_progress() const override {
        std::lock_guard lock(progress_mutex_);
        return import_progress_;
    }

  private:
    Result<storage::Ledger*> ledger() {
        if (!ledger_) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(options_.ledger_file, ec)) {
                return Error{ErrorCode::NotFound,
                             "cannot read the ledger: no ledger at " + options_.ledger_file.string() +
                                 " (the kiosk creates it when it starts; check the data directory)"};
            }
            auto opened = storage::Ledger::open(options_.ledger_file, options_.ledger_options);
            if (!opened.ok()) {
                return Error{opened.error().code, "cannot read the ledger: " + opened.error().message};
            }
            ledger_ = std::move(opened.value());
        }
        return ledger_.get();
    }

    PinCheck unavailable(std::string message) {
        return {PinCheck::Outcome::Unavailable, 0, std::chrono::seconds(0), std::move(message)};
    }

    PinCheck check_pin(Role role, const std::string& pin) {
        signed_in_.erase(role);
        auto opened = ledger();
        if (!opened) return unavailable(opened.error().message);
        storage::Ledger& book = *opened.value();
        auto all_users = book.users().list();
        if (!all_users) return unavailable("cannot read the users: " + all_users.error().message);
        if (all_users.value().empty()) return check_development_pin(role, pin);

        std::vector<storage::UserRecord> candidates;
        for (const auto& user : all_users.value()) {
            if (user.role == to_string(role)) candidates.push_back(user);
        }
        if (candidates.empty()) {
            return unavailable("no " + std::string(to_string(role)) +
                               " user exists: add one with `medkioskctl users add LOGIN --role " +
                               std::string(to_string(role)) + "`");
        }
        if (!pepper_) {
            const auto file = options_.pepper_file.empty()
                                  ? default_pepper_file(options_.ledger_file.parent_path())
                                  : options_.pepper_file;
            auto loaded = load_pepper(file, false);
            if (!loaded) return unavailable(loaded.error().message);
            pepper_ = std::move(loaded.value());
        }
        const PinSignIn result =
            sign_in_by_pin(book, *pepper_, std::string(to_string(role)), candidates, pin);
        if (result.user) signed_in_[role] = *result.user;
        return result.check;
    }

    // DEVELOPMENT FALLBACK: only while no user exists at all (see LocalBackOfficeOptions).
    PinCheck check_development_pin(Role role, const std::string& pin) {
        const std::string& expected = role == Role::Technician ? options_.technician_pin : options_.staff_pin;
        if (expected.empty()) {
            return unavailable("no user exists yet: add one with `medkioskctl users add LOGIN --role " +
                               std::string(to_string(role)) + "` (development only: MEDKIOSK_" +
                               (role == Role::Staff ? "STAFF" : "TECHNICIAN") + "_PIN)");
        }
        Attempts& attempts = attempts_[role];
        const auto now = Steady::now();
        if (now < attempts.locked_until) {
            return {PinCheck::Outcome::LockedOut, 0,
                    std::chrono::ceil<std::chrono::seconds>(attempts.locked_until - now), ""};
        }
        if (pin == expected) {
            attempts.wrong = 0;
            return {PinCheck::Outcome::Accepted, options_.attempts_before_lockout, std::chrono::seconds(0),
                    ""};
        }
        if (++attempts.wrong >= options_.attempts_before_lockout) {
            attempts.wrong = 0;
            attempts.locked_until = now + options_.lockout;
            return {PinCheck::Outcome::LockedOut, 0, options_.lockout, ""};
        }
        return {PinCheck::Outcome::Wrong, options_.attempts_before_lockout - attempts.wrong,
                std::chrono::seconds(0), ""};
    }

    // --- Staff screens: the signed-in staff user is recorded in the audit log.
    const storage::UserRecord* staff_user() const {
        const auto user = signed_in_.find(Role::Staff);
        return user == signed_in_.end() ? nullptr : &user->second;
    }

    static constexpr const char* kNoStaffUser =
        "no staff user is signed in (a development PIN cannot review): add one with "
        "`medkioskctl users add LOGIN --role staff`; nothing changed";

    // Each drop-off is its own transaction with its audit row: a failure names the ones not done.
    // `record_one(staff_ledger, uuid, user_id)` records one; `what` ends the summary ("disposal");
    // `key` and `named` are how the screens say it ("staff.reviewed", with done and total added).
    template <typename RecordOne>
    Answer record_each(const std::vector<std::string>& uuids, const std::string& what, const char* key,
                       std::pair<std::string, std::string> named, RecordOne record_one) {
        const storage::UserRecord* user = staff_user();
        if (user == nullptr) return refused(kNoStaffUser);
        auto opened = ledger();
        if (!opened) return opened.error();
        std::size_t done = 0;
        std::string problems;
        ErrorCode first_problem = ErrorCode::Internal;
        for (const auto& uuid : uuids) {
            auto recorded = record_one(opened.value()->staff(), uuid, user->id);
            if (recorded) {
                ++done;
            } else {
                if (problems.empty()) first_problem = recorded.error().code;
                problems += (problems.empty() ? "" : "; ") + recorded.error().message;
            }
        }
        const std::string message =
            std::to_string(done) + " of " + std::to_string(uuids.size()) + " drop-off(s): " + what;
        if (!problems.empty()) return Error{first_problem, message + " — " + problems};
        return Done{
            message,
            key,
            {{"done", std::to_string(done)}, {"total", std::to_string(uuids.size())}, std::move(named)}};
    }

    Answer record_reviews(const std::vector<std::string>& uuids, ReviewAction action) {
        const std::string verb(to_string(action));
        return record_each(uuids, verb, "staff.reviewed", {"action", verb},
                           [&verb](auto& staff, const std::string& uuid, auto user_id) {
                               return staff.record_review(uuid, user_id, verb, "");
                           });
    }

    Answer record_undone(const std::vector<std::string>& uuids, ReviewAction action) {
        const std::string verb(to_string(action));
        return record_each(uuids, verb + " undone", "staff.review_undone", {"action", verb},
                           [&verb](auto& staff, const std::string& uuid, auto user_id) {
                               return staff.record_review_undone(uuid, user_id, verb);
                           });
    }

    Answer record_reclassifications(const std::vector<std::string>& uuids, const std::string& category) {
        // A missing staff user is named first, as for every other review.
        if (category.empty() && staff_user() != nullptr)
            return Error{ErrorCode::Invalid, "choose a category first; nothing changed"};
        return record_each(uuids, "reclassify → " + category, "staff.reclassified", {"category", category},
                           [&category](auto& staff, const std::string& uuid, auto user_id) {
                               return staff.record_reclassify(uuid, user_id, category, "");
                           });
    }

    Answer read_categories() {
        auto opened = ledger();
        if (!opened) return opened.error();
        auto names = opened.value()->reference().categories();
        if (!names) return Error{names.error().code, "cannot read the categories: " + names.error().message};
        return CategoryList{std::move(names.value())};
    }

    static QueueItem to_item(const storage::StaffQueueRow& row) { return to_queue_item(row); }

    static constexpr int kDispatchListLimit = 300;

    Result<storage::DispatchBook*> dispatch_book() {
        if (!dispatch_book_) {
            auto opened = storage::DispatchBook::open(options_.ledger_file, options_.ledger_options);
            if (!opened)
                return Error{opened.error().code, "cannot read the dispatches: " + opened.error().message};
            dispatch_book_ = std::move(opened).value();
        }
        return dispatch_book_.get();
    }

    Answer read_dispatch_plan() {
        auto book = dispatch_book();
        if (!book) return book.error();
        auto candidates = book.value()->candidates(kDispatchListLimit);
        if (!candidates)
            return Error{candidates.error().code,
                         "cannot read the items to dispatch: " + candidates.error().message};
        auto clinics = book.value()->clinics();
        if (!clinics)
            return Error{clinics.error().code, "cannot read the clinics: " + clinics.error().message};
        auto orders = book.value()->orders();
        if (!orders)
            return Error{orders.error().code, "cannot read the bureau's orders: " + orders.error().message};
        DispatchPlan plan;
        for (auto& candidate : candidates.value()) {
            QueueItem item = to_item(candidate.row);
            item.quantity = candidate.free;  // what can go now
            item.dispatched = candidate.dispatched;
            plan.items.push_back(std::move(item));
        }
        plan.clinics = std::move(clinics).value();
        plan.orders = std::move(orders).value();
        return plan;
    }

    Answer record_dispatch(const DispatchChoice& choice) {
        const storage::UserRecord* user = staff_user();
        if (user == nullptr) return refused(kNoStaffUser);
        if (choice.clinic_id.empty() && choice.order_uuid.empty())
            return Error{ErrorCode::Invalid, "choose the clinic first; nothing dispatched"};
        if (choice.items.empty())
            return Error{ErrorCode::Invalid, "choose at least one item; nothing dispatched"};
        auto book = dispatch_book();
        if (!book) return book.error();
        storage::DispatchRequest request;
        request.clinic_id = choice.clinic_id;
        request.order_uuid = choice.order_uuid;
        request.closes_order = choice.closes_order;
        request.items = choice.items;
        request.user_id = user->id;
        request.confirm_kiosk_accepted = true;  // the kiosk's acceptances, confirmed by this user
        auto recorded = book.value()->record(request);
        if (!recorded) return recorded.error();
        DispatchDone done;
        done.record = std::move(recorded).value();
        write_packing_list(*book.value(), done);
        return done;
    }

    // The packing list beside the ledger (or where configured), for the staff to print: its failure
    // never undoes the dispatch, it is told.
    void write_packing_list(storage::DispatchBook& book, DispatchDone& done) {
        const auto dir = options_.packing_list_dir.empty()
                             ? options_.ledger_file.parent_path() / "packing-lists"
                             : options_.packing_list_dir;
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        const auto assets = options_.assets_dir.empty() ? default_assets_dir() : options_.assets_dir;
        auto clinics = book.clinics();
        auto opened = ledger();
        auto html =
            render_packing_list(done.record, clinics ? clinics.value() : std::vector<storage::ClinicChoice>{},
                                opened ? opened.value() : nullptr, assets, options_.location);
        if (!html) {
            done.message = "the packing list was not written: " + html.error().message;
            return;
        }
        const auto file = dir / (done.record.dispatch.dispatched_at.substr(0, 10) + "-" +
                                 done.record.dispatch.uuid.substr(0, 8) + ".html");
        if (auto written = write_file_atomically(file, html.value()); !written) {
            done.message = "the packing list was not written: " + written.error().message;
            return;
        }
        done.packing_list = file;
    }

    // "YYYY-MM-DD" of the local day `days_back` days before today.
    static std::string local_day(int days_back) {
        const std::time_t now = std::time(nullptr) - static_cast<std::time_t>(days_back) * 86400;
        std::tm local{};
        localtime_r(&now, &local);
        char text[16];
        std::strftime(text, sizeof text, "%Y-%m-%d", &local);
        return text;
    }

    Answer read_charts(int days) {
        days = std::clamp(days, 1, 366);
        auto opened = ledger();
        if (!opened) return opened.error();
        ChartData data;
        data.days = days;
        auto by_day = opened.value()->staff().dropoffs_by_day(local_day(days - 1), local_day(0));
        if (!by_day)
            return Error{by_day.error().code, "cannot count the drop-offs: " + by_day.error().message};
        auto by_category = opened.value()->staff().dropoffs_by_category(local_day(days - 1));
        if (!by_category)
            return Error{by_category.error().code,
                         "cannot count the drop-offs: " + by_category.error().message};
        data.by_day = std::move(by_day.value());
        data.by_category = std::move(by_category.value());
        return data;
    }

    // Runs `action` with the signed-in technician as the audit log's actor. A development PIN
    // (no user exists yet) may do what `development_ok` allows, recorded as "technician-development-pin",
    // so a fresh kiosk can get its first users and rules from the screen.
    template <typename Action>
    Answer with_technician(bool development_ok, Action&& action) {
        auto opened = ledger();
        if (!opened) return opened.error();
        storage::Ledger& book = *opened.value();
        if (const auto user = signed_in_.find(Role::Technician); user != signed_in_.end())
            return answer(action(book, user->second.login));
        auto all_users = book.users().list();
        if (!all_users)
            return Error{all_users.error().code, "cannot read the users: " + all_users.error().message};
        if (development_ok && all_users.value().empty() && !options_.technician_pin.empty())
            return answer(action(book, std::string("technician-development-pin")));
        return refused(
            "no technician is signed in (a development PIN cannot do this): add one with "
            "`medkioskctl users add LOGIN --role technician`; nothing changed");
    }

    Result<std::string> technician_pepper(bool create) {
        if (pepper_) return *pepper_;
        const auto file = options_.pepper_file.empty()
                              ? default_pepper_file(options_.ledger_file.parent_path())
                              : options_.pepper_file;
        auto loaded = load_pepper(file, create, options_.ledger_file.parent_path());
        if (!loaded) return loaded.error();
        pepper_ = loaded.value();
        return *pepper_;
    }

    void set_import_progress(TaskProgress progress) {
        std::lock_guard lock(progress_mutex_);
        import_progress_ = std::move(progress);
    }

    Answer import_file(const std::filesystem::path& file) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) {
            return Error{ErrorCode::NotFound,
                         "cannot read " + file.string() + ": no such file (insert the USB stick?)"};
        }
        const auto user = signed_in_.find(Role::Technician);
        if (user == signed_in_.end()) {
            return refused(
                "no technician is signed in (a development PIN cannot import): add one with "
                "`medkioskctl users add LOGIN --role technician`");
        }
        std::ifstream in(file, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) return Error{ErrorCode::Io, "cannot read " + file.string()};
        // Progress for the screen: rows checked, then the one transaction that writes them all.
        struct ClearProgress {
            LocalBackOffice& office;
            ~ClearProgress() { office.set_import_progress({}); }
        } clear_progress{*this};
        const CatalogueParse parsed = parse_catalogue_csv(text, [this](std::size_t done, std::size_t total) {
            set_import_progress(
                {true, total == 0 ? 0.0 : 0.9 * static_cast<double>(done) / static_cast<double>(total),
                 std::to_string(done) + " / " + std::to_string(total)});
        });
        if (!parsed.ok()) {
            std::string message = std::to_string(parsed.problems.size()) + " problem(s) in " + file.string() +
                                  ", nothing imported:";
            for (std::size_t i = 0; i < parsed.problems.size() && i < 5; ++i) {
                const auto& problem = parsed.problems[i];
                message += " line " + std::to_string(problem.line) +
                           (problem.column.empty() ? "" : " " + problem.column) + ": " + problem.why + ";";
            }
            return Error{ErrorCode::Invalid, message};
        }
        auto opened = ledger();
        if (!opened) return opened.error();
        set_import_progress(
            {true, 0.95,
             std::to_string(parsed.entries.size()) + " / " + std::to_string(parsed.entries.size())});
        if (auto replaced = opened.value()->reference().replace_catalogue(parsed.entries, user->second.login);
            !replaced) {
            return replaced.error();
        }
        const std::string count = std::to_string(parsed.entries.size());
        return Done{count + " products imported", "tech.products_imported", {{"count", count}}};
    }

    Answer read_queue(const QueueFilter& filter) {
        auto opened = ledger();
        if (!opened) return opened.error();
        storage::StaffQueueQuery query;
        query.review_state = filter.review_state;
        query.decision = filter.decision;
        query.category = filter.category;
        query.since_local_date = filter.days > 0 ? local_day(filter.days - 1) : std::string();
        query.limit = filter.limit;
        auto rows = opened.value()->staff().queue(query);
        if (!rows.ok()) return Error{rows.error().code, "cannot read the ledger: " + rows.error().message};
        std::vector<QueueItem> items;
        for (const auto& row : rows.value()) items.push_back(to_item(row));
        return items;
    }

    // The list and how fresh its hub part is: the sync worker's last failure counts when it came after
    // the last complete pull (timestamps are ISO 8601 UTC, so they compare as text).
    Answer read_clinic_book() {
        auto opened = ledger();
        if (!opened) return opened.error();
        auto list = storage::read_clinic_list(*opened.value());
        if (!list) return Error{list.error().code, "cannot read the clinic list: " + list.error().message};
        ClinicBook book;
        book.clinics = std::move(list.value().clinics);
        book.updated_from_hub_at = std::move(list.value().updated_from_hub_at);
        if (const auto sync = sync_source_ ? sync_source_() : std::nullopt) {
            book.hub_configured = true;
            if (!sync->last_error.empty() && sync->last_error_at > sync->last_success_at &&
                sync->last_error_at > book.updated_from_hub_at) {
                book.hub_problem = sync->last_error;
                book.hub_problem_at = sync->last_error_at;
            }
        }
        return book;
    }

    struct Attempts {
        int wrong = 0;
        Steady::time_point locked_until{};
    };

    LocalBackOfficeOptions options_;
    SyncSource sync_source_;
    std::unique_ptr<storage::Ledger> ledger_;
    std::unique_ptr<storage::DispatchBook> dispatch_book_;
    std::map<Role, Attempts> attempts_;
    std::optional<std::string> pepper_;
    std::map<Role, storage::UserRecord> signed_in_;
    mutable std::mutex progress_mutex_;
    TaskProgress import_progress_;
    // Last: its thread stops before the members its jobs use are destroyed. It stores what it was
    // given before stopping: a review handed over as the kiosk stops (a refusal whose undo window the
    // shutdown ended) is the pharmacist's decision. Every job here is a short ledger transaction.
    JobQueue<BackOfficeAnswer> jobs_{"back-office", JobThread::OnStop::Drain};
};

}  // namespace

std::unique_ptr<BackOffice> make_local_back_office(LocalBackOfficeOptions options, SyncSource sync_source) {
    return std::make_unique<LocalBackOffice>(std::move(options), std::move(sync_source));
}

}  // namespace medkiosk::kiosk
