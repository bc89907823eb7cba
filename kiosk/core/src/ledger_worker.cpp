#include "medkiosk/kiosk/ledger_worker.hpp"

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::kiosk {

LedgerWorker::LedgerWorker(std::filesystem::path ledger_file, storage::LedgerOptions options)
    : file_(std::move(ledger_file)), options_(std::move(options)), thread_([this] { run(); }) {}

LedgerWorker::~LedgerWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::uint64_t LedgerWorker::enqueue(Job job) {
    std::uint64_t ticket = 0;
    {
        std::lock_guard lock(mutex_);
        ticket = next_ticket_++;
        jobs_.emplace_back(ticket, std::move(job));
    }
    wake_.notify_one();
    return ticket;
}

std::uint64_t LedgerWorker::begin_session() {
    return enqueue([](storage::Ledger& ledger, std::uint64_t ticket) -> std::optional<LedgerReply> {
        auto session = ledger.dropoffs().begin_session();
        if (!session) return LedgerReply{ticket, session.error()};
        return LedgerReply{ticket, std::move(session).value()};
    });
}

std::uint64_t LedgerWorker::record(storage::DropOffInput input) {
    return enqueue([input = std::move(input)](storage::Ledger& ledger,
                                              std::uint64_t ticket) -> std::optional<LedgerReply> {
        auto record = ledger.dropoffs().record(input);
        if (!record) return LedgerReply{ticket, record.error()};
        // Emplaced rather than brace-built: GCC 12 at -O3 warns falsely (maybe-uninitialized) on the
        // temporary variant.
        std::optional<LedgerReply> reply(std::in_place);
        reply->ticket = ticket;
        reply->result.emplace<storage::DropOffRecord>(std::move(record).value());
        return reply;
    });
}

std::uint64_t LedgerWorker::check_pack(const std::string& gtin, const std::string& batch,
                                       const std::string& serial) {
    return enqueue(
        [gtin, batch, serial](storage::Ledger& ledger, std::uint64_t ticket) -> std::optional<LedgerReply> {
            PackChecks checks;
            if (!gtin.empty() && !batch.empty()) {
                auto recalled = ledger.reference().is_recalled(gtin, batch);
                if (!recalled) return LedgerReply{ticket, recalled.error()};
                checks.batch_recalled = recalled.value();
            }
            if (!serial.empty()) {
                auto recorded = ledger.dropoffs().serial_recorded(serial);
                if (!recorded) return LedgerReply{ticket, recorded.error()};
                checks.serial_already_recorded = recorded.value();
            }
            return LedgerReply{ticket, checks};
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
    // Before the open the first load is still to come; after a failed open there is nothing to load.
    if (!ready()) return;
    enqueue([this](storage::Ledger& ledger, std::uint64_t) -> std::optional<LedgerReply> {
        load_policy(ledger);
        return std::nullopt;
    });
}

void LedgerWorker::load_policy(storage::Ledger& ledger) {
    auto loaded = load_policy_snapshot(ledger, scanner::today_utc());
    std::lock_guard lock(mutex_);
    if (loaded) {
        policy_ = std::make_shared<const PolicySnapshot>(std::move(loaded).value());
        policy_error_.clear();
    } else {
        policy_error_ = loaded.error().message;
    }
}

std::vector<LedgerReply> LedgerWorker::take_replies() {
    std::lock_guard lock(mutex_);
    return std::exchange(replies_, {});
}

std::string LedgerWorker::open_error() const {
    std::lock_guard lock(mutex_);
    return open_error_;
}

bool LedgerWorker::ready() const {
    std::lock_guard lock(mutex_);
    return ready_;
}

void LedgerWorker::run() {
    auto opened = storage::Ledger::open(file_, options_);
    std::unique_ptr<storage::Ledger> ledger;
    {
        std::lock_guard lock(mutex_);
        if (opened) {
            ledger = std::move(opened).value();
            ready_ = true;
        } else {
            open_error_ = opened.error().message;
        }
    }
    if (ledger) load_policy(*ledger);
    for (;;) {
        std::pair<std::uint64_t, Job> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            // Drain queued records even when stopping: a donor's confirmed pack must reach the disk.
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        std::optional<LedgerReply> reply = ledger
                                               ? job.second(*ledger, job.first)
                                               : LedgerReply{job.first, Error{ErrorCode::Io, open_error()}};
        if (!reply) continue;
        std::lock_guard lock(mutex_);
        replies_.push_back(std::move(*reply));
    }
}

}  // namespace medkiosk::kiosk
