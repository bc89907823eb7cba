#pragma once
// Donation sessions and the drop-offs recorded in them (the Ledger's dropoffs(), dropoffs.cpp).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::storage {

namespace detail {
struct LedgerCore;
}

class DropOffs {
  public:
    explicit DropOffs(detail::LedgerCore& core);
    ~DropOffs();
    DropOffs(const DropOffs&) = delete;
    DropOffs& operator=(const DropOffs&) = delete;

    Result<DonationSession> begin_session();
    // Commits the drop-off, its outbox row and its audit row in one durable transaction before
    // returning.
    Result<DropOffRecord> record(const DropOffInput& input);
    Result<std::vector<DropOffRecord>> recent(int limit);  // newest first
    Result<std::vector<DropOffRecord>> of_session(std::int64_t session_id);

    // Keyed hash of a serial, as stored; "" for an empty serial. Needs a writable ledger (the key).
    Result<std::string> serial_hash(const std::string& serial);
    // A pack with this serial was taken before (refused packs went back to the donor and do not count).
    Result<bool> serial_recorded(const std::string& serial);

  private:
    friend class Ledger;
    struct Statements;
    Result<void> prepare_statements();  // at open: the kiosk's hot path reuses them
    Result<DropOffRecord> write(const DropOffInput& input);

    detail::LedgerCore& core_;
    std::unique_ptr<Statements> statements_;
};

// A drop-off as JSON, as its outbox row carries it to the hub (and medkioskctl prints it).
// `session_uuid`: the session's key at the hub; "" for a session numbered before the ledger had an
// instance (whose drop-offs the hub links by session number as before), and where it does not matter.
std::string dropoff_json(const DropOffRecord& record, const std::string& session_uuid = "");

}  // namespace medkiosk::storage
