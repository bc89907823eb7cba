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

#include "medkiosk/kiosk/policy_snapshot.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

// What the ledger knows about one pack beyond the snapshot: its batch on the recall list, its serial
// recorded before (a pack can be given once).
struct PackChecks {
    bool batch_recalled = false;
    bool serial_already_recorded = false;
};

struct LedgerReply {
    std::uint64_t ticket = 0;
    std::variant<storage::DonationSession, storage::DropOffRecord, Error, PackChecks> result;
};

// What the donation flow needs from the ledger; tests may give it their own.
class LedgerPort {
  public:
    virtual ~LedgerPort() = default;
    virtual std::uint64_t begin_session() = 0;
    virtual std::uint64_t record(storage::DropOffInput input) = 0;
    // Asks for the pack's PackChecks; 0 when this ledger cannot answer (then nothing is checked).
    virtual std::uint64_t check_pack(const std::string& gtin, const std::string& batch,
                                     const std::string& serial) {
        (void)gtin, (void)batch, (void)serial;
        return 0;
    }
};

// Loads the PolicySnapshot once the ledger is open and again on refresh_policy().
class LedgerWorker : public LedgerPort, public PolicySource {
  public:
    LedgerWorker(std::filesystem::path ledger_file, storage::LedgerOptions options);
    ~LedgerWorker();
    LedgerWorker(const LedgerWorker&) = delete;
    LedgerWorker& operator=(const LedgerWorker&) = delete;

    // Each call returns at once with a ticket; the reply arrives through take_replies().
    std::uint64_t begin_session() override;
    std::uint64_t record(storage::DropOffInput input) override;
    std::uint64_t check_pack(const std::string& gtin, const std::string& batch,
                             const std::string& serial) override;

    std::shared_ptr<const PolicySnapshot> policy() const override;
    void refresh_policy() override;
    std::string policy_error() const;  // why the last load failed; the previous snapshot stays in use

    std::vector<LedgerReply> take_replies();
    std::string open_error() const;  // non-empty when the ledger could not be opened
    bool ready() const;              // the ledger is open

  private:
    using Job = std::function<std::optional<LedgerReply>(storage::Ledger&, std::uint64_t)>;
    std::uint64_t enqueue(Job job);
    void run();
    void load_policy(storage::Ledger& ledger);

    std::filesystem::path file_;
    storage::LedgerOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::uint64_t, Job>> jobs_;
    std::vector<LedgerReply> replies_;
    std::uint64_t next_ticket_ = 1;
    bool stopping_ = false;
    bool ready_ = false;
    std::string open_error_;
    std::shared_ptr<const PolicySnapshot> policy_;
    std::string policy_error_;
    std::thread thread_;
};

}  // namespace medkiosk::kiosk
