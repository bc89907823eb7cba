#pragma once
// Owns the ledger on its own thread so the UI thread never waits on the database.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "medkiosk/kiosk/job_queue.hpp"
#include "medkiosk/kiosk/policy_snapshot.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

// What the ledger knows about one pack beyond the snapshot: its batch on the recall list, its serial
// recorded before (a pack can be given once).
struct PackChecks {
    bool batch_recalled = false;
    bool serial_already_recorded = false;
};

// A begin_session, record or check_pack answer.
using LedgerAnswer = std::variant<storage::DonationSession, storage::DropOffRecord, PackChecks>;
using LedgerReply = JobReply<LedgerAnswer>;

// What the donation flow needs from the ledger; tests may give it their own. Each call returns a
// ticket at once; the answer comes back as a LedgerReply with that ticket.
class LedgerPort {
  public:
    virtual ~LedgerPort() = default;
    virtual std::uint64_t begin_session() = 0;
    virtual std::uint64_t record(storage::DropOffInput input) = 0;
    virtual std::uint64_t check_pack(const std::string& gtin, const std::string& batch,
                                     const std::string& serial) = 0;
};

struct LedgerRetry {
    std::chrono::milliseconds first{500};
    std::chrono::milliseconds longest{std::chrono::seconds(30)};
};

// Opens the ledger on its thread, and again with backoff while it cannot (a USB data disk not mounted
// yet, a full disk, another program holding it); meanwhile every request is answered with the reason
// and open_error() says it, so the kiosk shows "out of order" instead of giving up. Loads the
// PolicySnapshot once the ledger is open and again on refresh_policy().
class LedgerWorker : public LedgerPort, public PolicySource {
  public:
    // `wall_clock` gives the day the policy snapshot is loaded for (the kiosk's local day).
    LedgerWorker(std::filesystem::path ledger_file, storage::LedgerOptions options, LedgerRetry retry = {},
                 scanner::WallClock wall_clock = scanner::system_wall_clock());
    ~LedgerWorker() override;
    LedgerWorker(const LedgerWorker&) = delete;
    LedgerWorker& operator=(const LedgerWorker&) = delete;

    std::uint64_t begin_session() override;
    std::uint64_t record(storage::DropOffInput input) override;
    std::uint64_t check_pack(const std::string& gtin, const std::string& batch,
                             const std::string& serial) override;

    std::shared_ptr<const PolicySnapshot> policy() const override;
    void refresh_policy() override;
    std::string policy_error() const;  // why the last load failed; the previous snapshot stays in use

    std::vector<LedgerReply> take_replies();
    std::string open_error() const;  // non-empty while the ledger cannot be opened
    bool ready() const;              // the ledger is open

  private:
    // Runs `work` on the ledger thread with the open ledger, or answers with why it is not open.
    std::uint64_t submit(std::function<Result<LedgerAnswer>(storage::Ledger&)> work);
    void try_open(std::chrono::milliseconds next_wait);
    void load_policy(storage::Ledger& ledger);

    std::filesystem::path file_;
    storage::LedgerOptions options_;
    LedgerRetry retry_;
    scanner::WallClock wall_clock_;
    std::unique_ptr<storage::Ledger> ledger_;  // used on the ledger thread only
    mutable std::mutex mutex_;
    bool ready_ = false;
    std::string open_error_;
    std::shared_ptr<const PolicySnapshot> policy_;
    std::string policy_error_;
    // Last: its thread stops (after the queued records are written) before the members above go.
    JobQueue<LedgerAnswer> jobs_{"ledger-worker", JobThread::OnStop::Drain};
};

}  // namespace medkiosk::kiosk
