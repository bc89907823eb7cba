#pragma once
// The kiosk's local ledger of anonymous drop-offs, in SQLite (WAL, synchronous=FULL). One Ledger is one
// connection; its work is split by aggregate, each in its own header and source file:
//
//   ledger.dropoffs()   donation sessions and drop-offs               dropoffs.hpp
//   ledger.reference()  catalogue, recalls, drives, settings/rules    reference_data.hpp
//   ledger.users()      staff and technician accounts                 user_accounts.hpp
//   ledger.audit()      the hash-chained audit log                    audit_log.hpp
//   ledger.staff()      reviews, re-classification, dispatches, the staff screens' queries
//                                                                     staff_work.hpp
//
// Every change is one durable transaction together with its audit row (and its outbox row when the hub
// must hear of it). `actor` names who did it in the audit log: a user login, "kiosk" or "medkioskctl".
// No sqlite3.h here: callers see plain records (records.hpp) and Result values.

#include <filesystem>
#include <memory>
#include <string>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/audit_log.hpp"
#include "medkiosk/storage/dropoffs.hpp"
#include "medkiosk/storage/records.hpp"
#include "medkiosk/storage/reference_data.hpp"
#include "medkiosk/storage/staff_work.hpp"
#include "medkiosk/storage/user_accounts.hpp"

namespace medkiosk::storage {

class Ledger;
namespace detail {
struct LedgerCore;
LedgerCore& core_of(Ledger& ledger);
}  // namespace detail

struct LedgerOptions {
    std::string kiosk_id = "kiosk-local";
    std::filesystem::path county_key_file;  // 32-byte key; created with random bytes when absent.
                                            // Empty: "county.key" beside the ledger file.
    // Inspect only (medkioskctl): never creates, migrates or writes the file and needs no county key;
    // every change fails with ErrorCode::Invalid. A missing file is NotFound.
    bool read_only = false;
    // `medkioskctl db init --new-instance`: where the ledger is missing or empty although the data
    // directory had one (ledger_instance.hpp), start a new one with a new instance id instead of
    // refusing. A ledger that holds records is never replaced.
    bool new_instance = false;
};

struct LedgerSummary {
    std::int64_t sessions = 0;
    std::int64_t dropoffs = 0;
    std::int64_t outbox_pending = 0;
    std::string last_acknowledged_at;  // the hub's newest acknowledgement (UTC ISO-8601); "" never synced
    int schema_version = 0;
};

// Why the ledger at `file` is not there to be read, or success when it is: the lost-ledger reason
// (missing, 0 bytes or without tables where the data directory had one, naming the file and `medkioskctl
// db init --new-instance`), else "no ledger at … the kiosk creates it on first start". For commands that
// look and must never create one.
Result<void> check_ledger_present(const std::filesystem::path& file);

class Ledger {
  public:
    // Opens or creates the database, applies migrations, checks integrity. A database written by a
    // newer medkiosk or a corrupt one is refused and left untouched.
    static Result<std::unique_ptr<Ledger>> open(const std::filesystem::path& file, LedgerOptions options);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    DropOffs& dropoffs();
    ReferenceData& reference();
    UserAccounts& users();
    AuditLog& audit();
    StaffWork& staff();

    Result<LedgerSummary> summary();
    Result<std::string> integrity_check();  // "ok" or SQLite's report
    const std::filesystem::path& file() const;
    // The random id this ledger got when it was made; "" on a read-only look at a ledger no version
    // with instances has written to yet.
    std::string instance_id() const;

    static constexpr int kSchemaVersion = 33;

  private:
    struct Impl;
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    friend detail::LedgerCore& detail::core_of(Ledger& ledger);
};

}  // namespace medkiosk::storage
