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
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::kiosk {

// The PIN pad's sign-in for users of one role (the pad has no login field): the PIN is tried against
// each of `candidates` (that role's users) unless the pad `pad` (the role's name) must wait first;
// the matching user, if any, is signed in through the users service with its delay and lock; a PIN
// matching nobody slows the pad (UserService::pad_rules, counted in the ledger) and locks no one.
// `user` is set when the sign-in succeeded. Shared by the back office and the clinic office.
struct PinSignIn {
    PinCheck check;
    std::optional<storage::UserRecord> user;
};
PinSignIn sign_in_by_pin(storage::Ledger& ledger, const std::string& pepper, const std::string& pad,
                         const std::vector<storage::UserRecord>& candidates, const std::string& pin,
                         UserService::Clock::time_point now = UserService::Clock::now());
PinCheck pin_check_from(const SignInResult& result);

struct LocalBackOfficeOptions {
    std::filesystem::path ledger_file{};
    // DEVELOPMENT FALLBACK ONLY (MEDKIOSK_STAFF_PIN / MEDKIOSK_TECHNICIAN_PIN in test builds): used
    // only while the users table is empty, so a fresh development kiosk can be entered; such a sign-in
    // cannot review or import (no user to record in the audit log), but may add the first users and set
    // the rules and drives (recorded as "technician-development-pin"). Once `medkioskctl users add`
    // created a user these PINs are ignored. An empty PIN means that role cannot sign in this way.
    std::string staff_pin{};
    std::string technician_pin{};
    int attempts_before_lockout = 5;   // development fallback only; users get the users service's rules
    std::chrono::seconds lockout{60};  // development fallback only
    // The writable ledger's options (kiosk id, county key), as the ledger worker opens it.
    storage::LedgerOptions ledger_options{};
    // The PIN pepper; empty: default_pepper_file(the ledger's directory), which honours
    // $MEDKIOSK_PEPPER_FILE. Read, never created, at the first sign-in.
    std::filesystem::path pepper_file{};
    // Where each dispatch's packing list (HTML, to print) is written; empty: "packing-lists" beside the
    // ledger. The kiosk's place, printed on it.
    std::filesystem::path packing_list_dir{};
    std::string location{};
    std::filesystem::path assets_dir{};  // the words of the packing list (lang/); empty: the default
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
// Sign-in: the PIN pad has no login field, so a PIN is tried against every user of the wanted role
// (sign_in_by_pin). The user last signed in for a role is the one recorded in the audit log for that
// role's actions.
std::unique_ptr<BackOffice> make_local_back_office(LocalBackOfficeOptions options,
                                                   SyncSource sync_source = {});

}  // namespace medkiosk::kiosk
