#pragma once
// Owns the ledger on its own thread so the UI thread never waits on the database.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

struct LedgerReply {
    std::uint64_t ticket = 0;
    std::variant<storage::DonationSession, storage::DropOffRecord, storage::Error> result;
};

// What the donation flow needs from the ledger; tests may give it their own.
class LedgerPort {
public:
    virtual ~LedgerPort() = default;
    virtual std::uint64_t begin_session() = 0;
    virtual std::uint64_t record(storage::DropOffInput input) = 0;
};

class LedgerWorker : public LedgerPort {
public:
    LedgerWorker(std::filesystem::path ledger_file, storage::LedgerOptions options);
    ~LedgerWorker();
    LedgerWorker(const LedgerWorker&) = delete;
    LedgerWorker& operator=(const LedgerWorker&) = delete;

    // Each call returns at once with a ticket; the reply arrives through take_replies().
    std::uint64_t begin_session() override;
    std::uint64_t record(storage::DropOffInput input) override;

    std::vector<LedgerReply> take_replies();
    std::string open_error() const;  // non-empty when the ledger could not be opened
    bool ready() const;              // the ledger is open

private:
    std::uint64_t enqueue(std::function<LedgerReply(storage::Ledger&, std::uint64_t)> job);
    void run();

    std::filesystem::path file_;
    storage::LedgerOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::uint64_t, std::function<LedgerReply(storage::Ledger&, std::uint64_t)>>> jobs_;
    std::vector<LedgerReply> replies_;
    std::uint64_t next_ticket_ = 1;
    bool stopping_ = false;
    bool ready_ = false;
    std::string open_error_;
    std::thread thread_;
};

}  // namespace medkiosk::kiosk
