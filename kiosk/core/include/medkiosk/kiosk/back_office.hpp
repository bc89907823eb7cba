#pragma once
// The kiosk's back office: one thread with its own ledger connection that answers the PIN pad, the
// staff screens and the technician's screen (the three ports of back_office_ports.hpp) from the
// ledger, the users service, the settings file and the hub.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/kiosk/back_office_ports.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::kiosk {

struct LocalBackOfficeOptions {
    std::filesystem::path ledger_file;
    // DEVELOPMENT FALLBACK ONLY (MEDKIOSK_STAFF_PIN / MEDKIOSK_TECHNICIAN_PIN in test builds): used
    // only while the users table is empty, so a fresh development kiosk can be entered; such a sign-in
    // cannot review or import (no user to record in the audit log), but may add the first users and set
    // the rules and drives (recorded as "technician-development-pin"). Once `medkioskctl users add`
    // created a user these PINs are ignored. An empty PIN means that role cannot sign in this way.
    std::string staff_pin;
    std::string technician_pin;
    int attempts_before_lockout = 5;   // development fallback only; users get the users service's rules
    std::chrono::seconds lockout{60};  // development fallback only
    // The writable ledger's options (kiosk id, county key), as the ledger worker opens it.
    storage::LedgerOptions ledger_options{};
    // The PIN pepper; empty: default_pepper_file(the ledger's directory), which honours
    // $MEDKIOSK_PEPPER_FILE. Read, never created, at the first sign-in.
    std::filesystem::path pepper_file;
};

// The hub sync worker's progress, read on the UI thread; empty or returning nullopt: no hub configured.
using SyncSource = std::function<std::optional<storage::SyncProgress>()>;

// All three ports, answered on one thread; replies for all of them come out of take_replies().
class BackOffice : public SignInPort, public StaffPort, public TechnicianPort {
  public:
    virtual std::vector<BackOfficeReply> take_replies() = 0;
};

// Works on its own thread with its own ledger connection (WAL: readers never block the writer; its
// few writes are short transactions behind SQLite's busy timeout). It never creates the ledger.
//
// Sign-in: the PIN pad has no login field, so a PIN is tried against every user of the wanted role.
// The matching user (if any) is then signed in through UserService, which applies its delay and
// lock. A PIN matching nobody counts as a failure for every unlocked user of that role: the pad gives
// an attacker the users service's few guesses per role, not per user. The user last signed in for a
// role is the one recorded in the audit log for that role's actions.
std::unique_ptr<BackOffice> make_local_back_office(LocalBackOfficeOptions options,
                                                   SyncSource sync_source = {});

}  // namespace medkiosk::kiosk
