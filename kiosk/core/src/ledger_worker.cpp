#include "medkiosk/kiosk/ledger_worker.hpp"

#include <algorithm>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {

LedgerWorker::LedgerWorker(std::filesystem::path ledger_file, storage::LedgerOptions options,
                           LedgerRetry retry, scanner::WallClock wall_clock)
    : file_(std::move(ledger_file)),
      options_(std::move(options)),
      retry_(retry),
      wall_clock_(std::move(wall_clock)) {
    jobs_.post([this] { try_open(retry_.first); });
}

LedgerWorker::~LedgerWorker() {
    jobs_.stop();  // writes what is queued: a donor's confirmed pack must reach the disk
}

void LedgerWorker::try_open(std::chrono::milliseconds next_wait) {
    auto opened = storage::Ledger::open(file_, options_);
    if (!opened) {
        bool first_failure = false;
        {
            std::lock_guard lock(mutex_);
            first_failure = open_error_.empty();
            open_error_ = opened.error().message;
        }
        if (first_failure) log_event("ledger-open-error", {{"detail", opened.error().message}});
        const auto after = std::min(next_wait * 2, retry_.longest);
        jobs_.post_after(next_wait, [this, after] { try_open(after); });
        return;
    }
    ledger_ = std::move(opened).value();
    bool recovered = false;
    {
        std::lock_guard lock(mutex_);
        recovered = !open_error_.empty();
        open_error_.clear();
        ready_ = true;
    }
    if (recovered) log_event("ledger-opened", {{"file", file_.string()}});
    load_policy(*ledger_);
}

std::uint64_t LedgerWorker::submit(std::function<Result<LedgerAnswer>(storage::Ledger&)> work) {
    return jobs_.submit([this, work = std::move(work)]() -> Result<LedgerAnswer> {
        if (!ledger_) {
            const std::string why = open_error();
            return Error{ErrorCode::Unavailable,
                         why.empty() ? "the ledger is not open yet; try again in a moment" : why};
        }
        return work(*ledger_);
    });
}

std::uint64_t LedgerWorker::begin_session() {
    return submit([](storage::Ledger& ledger) -> Result<LedgerAnswer> {
        auto session = ledger.dropoffs().begin_session();
        if (!session) return session.error();
        return LedgerAnswer(std::move(session).value());
    });
}

std::uint64_t LedgerWorker::record(storage::DropOffInput input) {
    return submit([input = std::move(input)](storage::Ledger& ledger) -> Result<LedgerAnswer> {
        auto record = ledger.dropoffs().record(input);
        if (!record) return record.error();
        return LedgerAnswer(std::move(record).value());
    });
}

std::uint64_t LedgerWorker::check_pack(const std::string& gtin, const std::string& batch,
                                       const std::string& serial) {
    return submit([gtin, batch, serial](storage::Ledger& ledger) -> Result<LedgerAnswer> {
        PackChecks checks;
        if (!gtin.empty() && !batch.empty()) {
            auto recalled = ledger.reference().is_recalled(gtin, batch);
            if (!recalled) return recalled.error();
            checks.batch_recalled = recalled.value();
        }
        if (!serial.empty()) {
            auto recorded = ledger.dropoffs().serial_recorded(serial);
            if (!recorded) return recorded.error();
            checks.serial_already_recorded = recorded.value();
        }
        return LedgerAnswer(checks);
    });
}

std::shared_ptr<const PolicySnapshot> LedgerWorker::policy() const {
    std::lock_guard lock(mutex_);
    return policy_;
}

std::string LedgerWorker::policy_error() const {
    std::lock_guard lock(mutex_);
    return policy_error_;
}

void LedgerWorker::refresh_policy() {
    // Before the open the first load is still to come.
    if (!ready()) return;
    jobs_.post([this] { load_policy(*ledger_); });
}

void LedgerWorker::load_policy(storage::Ledger& ledger) {
    auto loaded = load_policy_snapshot(ledger, scanner::local_today(wall_clock_));
    std::lock_guard lock(mutex_);
    if (loaded) {
        policy_ = std::make_shared<const PolicySnapshot>(std::move(loaded).value());
        policy_error_.clear();
    } else {
        policy_error_ = loaded.error().message;
    }
}

std::vector<LedgerReply> LedgerWorker::take_replies() {
    return jobs_.take_replies();
}

std::string LedgerWorker::open_error() const {
    std::lock_guard lock(mutex_);
    return open_error_;
}

bool LedgerWorker::ready() const {
    std::lock_guard lock(mutex_);
    return ready_;
}

}  // namespace medkiosk::kiosk
