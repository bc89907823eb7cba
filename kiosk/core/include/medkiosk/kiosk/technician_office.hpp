#pragma once
// The work behind the technician's screen, as plain functions the back-office thread runs (and tests
// call directly): the hub connection test, the users, the county rules and drives, the settings file.
// Each returns a value with a message a technician can act on; none throws.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "medkiosk/kiosk/back_office_ports.hpp"
#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/storage/hub_probe.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

// Connects with a short timeout, asks the server's version and clock, and measures the skew; or says
// which kind of problem it met (HubTestReport::problem_key).
HubTestReport check_hub(const std::string& conninfo, int connect_timeout_seconds = 3);
// What a failed attempt met, as the translation key of its sentence: "tech.hub.malformed" (the address
// itself is wrong: nothing was tried), "tech.hub.no_answer" (refused,
// timeout, unknown host), "tech.hub.not_postgresql" (something else listens there), "tech.hub.tls",
// "tech.hub.auth" (password, role, pg_hba.conf), "tech.hub.no_database", else "tech.hub.other" (the
// report's detail has libpq's words). "" when it connected.
std::string hub_problem_key(const storage::HubProbe& probe);

Result<Done> save_settings_file(const std::filesystem::path& config_file,
                                const std::vector<std::pair<std::string, std::string>>& values);

Result<UserList> list_users(storage::Ledger& ledger);
// Login: 1 to 32 letters, digits, '.', '-' or '_'.
bool login_is_acceptable(const std::string& login);
Result<Done> add_user(storage::Ledger& ledger, const std::string& pepper, const std::string& login, Role role,
                      const std::string& pin, const std::string& actor);
Result<Done> reset_pin(storage::Ledger& ledger, const std::string& pepper, const std::string& login,
                       const std::string& pin, const std::string& actor);
Result<Done> disable_user(storage::Ledger& ledger, const std::string& login, const std::string& actor);
Result<Done> unlock_user(storage::Ledger& ledger, const std::string& pepper, const std::string& login,
                         const std::string& actor);

Result<RulesView> read_rules(storage::Ledger& ledger);
Result<Done> save_rules(storage::Ledger& ledger, const PolicyRules& rules, const std::string& actor);
Result<Done> save_drive(storage::Ledger& ledger, const storage::Drive& drive, const std::string& actor);

}  // namespace medkiosk::kiosk
