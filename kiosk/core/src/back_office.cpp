#include "medkiosk/kiosk/back_office.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

std::string_view to_string(Role role) { return role == Role::Staff ? "staff" : "technician"; }

std::string_view to_string(ReviewAction action) {
    switch (action) {
        case ReviewAction::Confirm: return "confirm";
        case ReviewAction::Reclassify: return "reclassify";
        case ReviewAction::Refuse: return "refuse";
        case ReviewAction::Disposal: return "disposal";
    }
    return "confirm";
}

namespace {

using Steady = std::chrono::steady_clock;

class LocalBackOffice : public BackOfficePort {
public:
    explicit LocalBackOffice(LocalBackOfficeOptions options)
        : options_(std::move(options)), thread_([this] { run(); }) {}

    ~LocalBackOffice() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

    std::uint64_t verify_pin(Role role, std::string pin) override {
        return enqueue([this, role, pin = std::move(pin)]() -> BackOfficeReply::Result { return check_pin(role, pin); });
    }

    std::uint64_t query_queue(QueueFilter filter) override {
        return enqueue([this, filter = std::move(filter)]() -> BackOfficeReply::Result { return read_queue(filter); });
    }

    std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) override {
        return enqueue([count = uuids.size(), action]() -> BackOfficeReply::Result {
            return TaskResult{false, "pending integration: '" + std::string(to_string(action)) + "' for " +
                                         std::to_string(count) + " item(s) needs the review tables (issue 4)"};
        });
    }

    std::uint64_t test_hub(std::string hub_url) override {
        return enqueue([hub_url = std::move(hub_url)]() -> BackOfficeReply::Result {
            if (hub_url.empty()) return TaskResult{false, "no hub address set: enter the hub's address first"};
            return TaskResult{false, "pending integration: the hub connection test arrives with sync (issue 6)"};
        });
    }

    std::uint64_t import_catalogue(std::filesystem::path file) override {
        return enqueue([file = std::move(file)]() -> BackOfficeReply::Result {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(file, ec)) {
                return TaskResult{false, "cannot read " + file.string() + ": no such file (insert the USB stick?)"};
            }
            return TaskResult{false, "pending integration: catalogue import arrives with the catalogue (issue 4)"};
        });
    }

    std::vector<BackOfficeReply> take_replies() override {
        std::lock_guard lock(mutex_);
        return std::exchange(replies_, {});
    }

    TaskProgress sync_progress() const override { return {}; }
    TaskProgress import_progress() const override { return {}; }

private:
    using Job = std::function<BackOfficeReply::Result()>;

    std::uint64_t enqueue(Job job) {
        std::lock_guard lock(mutex_);
        const std::uint64_t ticket = next_ticket_++;
        jobs_.emplace_back(ticket, std::move(job));
        wake_.notify_all();
        return ticket;
    }

    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            auto [ticket, job] = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            BackOfficeReply reply{ticket, job()};
            lock.lock();
            replies_.push_back(std::move(reply));
        }
    }

    PinCheck check_pin(Role role, const std::string& pin) {
        const std::string& expected = role == Role::Staff ? options_.staff_pin : options_.technician_pin;
        if (expected.empty()) {
            return {PinCheck::Outcome::Unavailable, 0, std::chrono::seconds(0),
                    "pending integration: no " + std::string(to_string(role)) +
                        " PIN is set (users arrive with issue 4; for now set MEDKIOSK_" +
                        (role == Role::Staff ? "STAFF" : "TECHNICIAN") + "_PIN)"};
        }
        Attempts& attempts = attempts_[role];
        const auto now = Steady::now();
        if (now < attempts.locked_until) {
            return {PinCheck::Outcome::LockedOut, 0,
                    std::chrono::ceil<std::chrono::seconds>(attempts.locked_until - now), ""};
        }
        if (pin == expected) {
            attempts.wrong = 0;
            return {PinCheck::Outcome::Accepted, options_.attempts_before_lockout, std::chrono::seconds(0), ""};
        }
        if (++attempts.wrong >= options_.attempts_before_lockout) {
            attempts.wrong = 0;
            attempts.locked_until = now + options_.lockout;
            return {PinCheck::Outcome::LockedOut, 0, options_.lockout, ""};
        }
        return {PinCheck::Outcome::Wrong, options_.attempts_before_lockout - attempts.wrong, std::chrono::seconds(0), ""};
    }

    BackOfficeReply::Result read_queue(const QueueFilter& filter) {
        if (!ledger_) {
            auto opened = storage::Ledger::open(options_.ledger_file, storage::LedgerOptions{"", {}, true});
            if (!opened.ok()) return TaskResult{false, "cannot read the ledger: " + opened.error().message};
            ledger_ = std::move(opened.value());
        }
        auto rows = ledger_->recent_dropoffs(filter.limit);
        if (!rows.ok()) return TaskResult{false, "cannot read the ledger: " + rows.error().message};
        std::vector<QueueItem> items;
        for (const auto& row : rows.value()) {
            if (!filter.review_state.empty() && row.review_state != filter.review_state) continue;
            if (!filter.decision.empty() && row.decision != filter.decision) continue;
            if (!filter.since.empty() && row.recorded_at.substr(0, 10) < filter.since) continue;
            items.push_back(QueueItem{row.uuid, row.recorded_at, row.gtin.empty() ? row.product_id : row.gtin, row.expiry,
                                      row.decision, row.reason, row.review_state, row.condition, row.quantity});
        }
        return items;
    }

    struct Attempts {
        int wrong = 0;
        Steady::time_point locked_until{};
    };

    LocalBackOfficeOptions options_;
    std::unique_ptr<storage::Ledger> ledger_;
    std::map<Role, Attempts> attempts_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::uint64_t, Job>> jobs_;
    std::vector<BackOfficeReply> replies_;
    std::uint64_t next_ticket_ = 1;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

std::unique_ptr<BackOfficePort> make_local_back_office(LocalBackOfficeOptions options) {
    return std::make_unique<LocalBackOffice>(std::move(options));
}

}  // namespace medkiosk::kiosk
