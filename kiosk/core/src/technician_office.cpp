#include "medkiosk/kiosk/technician_office.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/policy_lookup.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/hub_probe.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::kiosk {
namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

std::string hub_problem_key(const storage::HubProbe& probe) {
    if (probe.connected) return "";
    if (probe.malformed) return "tech.hub.malformed";
    // The server's own code first: it does not depend on the language the server speaks.
    const std::string& state = probe.sqlstate;
    if (state == "3D000") return "tech.hub.no_database";
    // 28P01 wrong password, 28000 no such role or pg_hba.conf refuses the host, 42501 no CONNECT right.
    if (state == "28P01" || state == "28000" || state == "42501") return "tech.hub.auth";
    if (!state.empty()) return "tech.hub.other";
    // Then libpq's own words (the kiosk never sets a locale, so libpq speaks English).
    const std::string& message = probe.message;
    if (contains(message, "invalid response to SSL negotiation") ||
        contains(message, "expected authentication request") ||
        contains(message, "server closed the connection unexpectedly") ||
        contains(message, "received invalid response") || contains(message, "unexpected message"))
        return "tech.hub.not_postgresql";
    if (contains(message, "no password supplied") || contains(message, "password authentication failed") ||
        contains(message, "SCRAM") || contains(message, "authentication failed"))
        return "tech.hub.auth";
    if (contains(message, "SSL") || contains(message, "certificate") || contains(message, "TLS") ||
        contains(message, "sslrootcert") || contains(message, "does not match host name"))
        return "tech.hub.tls";
    // Nothing accepted the connection (refused, no route, no such host, no socket, silence).
    if (!probe.tcp_connected) return "tech.hub.no_answer";
    // Something accepted it but never spoke PostgreSQL's protocol: a web server waiting for its request
    // line stays silent until the timeout.
    if (!probe.postgres_answered) return "tech.hub.not_postgresql";
    return "tech.hub.other";
}

HubTestReport check_hub(const std::string& conninfo, int connect_timeout_seconds) {
    HubTestReport report;
    if (conninfo.empty()) {
        report.problem_key = "tech.hub.no_url";
        report.detail = "no hub address set";
        return report;
    }
    // Watched step by step to say what went wrong; the session for the questions below is the sync
    // worker's usual one (a second connection, a few milliseconds on a working hub).
    const storage::HubProbe probe = storage::probe_hub(conninfo, connect_timeout_seconds);
    if (!probe.connected) {
        report.problem_key = hub_problem_key(probe);
        report.detail = probe.message;
        return report;
    }
    auto session = storage::HubSession::connect(conninfo, connect_timeout_seconds);
    if (!session) {
        report.problem_key = "tech.hub.other";
        report.detail = session.error().message;
        return report;
    }
    using SystemClock = std::chrono::system_clock;
    const auto asked = SystemClock::now();
    auto rows = session.value()->query(
        "SELECT current_setting('server_version'), "
        "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
        "extract(epoch FROM clock_timestamp())::text");
    const auto answered = SystemClock::now();
    if (!rows || rows.value().empty() || rows.value().front().size() < 3) {
        report.problem_key = "tech.hub.query_failed";
        report.detail = rows ? std::string("the hub answered nothing") : rows.error().message;
        return report;
    }
    const auto& row = rows.value().front();
    report.ok = true;
    report.server_version = row[0].value_or("");
    report.hub_time = row[1].value_or("");
    const double hub_epoch = std::strtod(row[2].value_or("0").c_str(), nullptr);
    const auto midpoint = asked + (answered - asked) / 2;
    const double kiosk_epoch = std::chrono::duration<double>(midpoint.time_since_epoch()).count();
    report.clock_skew_seconds = hub_epoch - kiosk_epoch;
    report.round_trip_ms = std::chrono::duration<double, std::milli>(answered - asked).count();
    report.detail = session.value()->describe();
    return report;
}

Result<Done> save_settings_file(const std::filesystem::path& config_file,
                                const std::vector<std::pair<std::string, std::string>>& values) {
    const auto issues = set_config_values(config_file, values);
    if (issues.empty()) {
        log_event("settings-saved",
                  {{"file", config_file.string()}, {"keys", std::to_string(values.size())}});
        return Done{config_file.string()};
    }
    std::string message;
    for (const auto& issue : issues) message += (message.empty() ? "" : "; ") + issue.to_string();
    log_event("settings-save-failed", {{"file", config_file.string()}, {"detail", message}});
    return Error{ErrorCode::Invalid, message};
}

Result<UserList> list_users(storage::Ledger& ledger) {
    UserList list;
    auto users = ledger.users().list();
    if (!users) return users.error();
    for (const auto& user : users.value()) {
        list.users.push_back({user.login, user.role, user.locked && !storage::is_disabled(user),
                              storage::is_disabled(user), user.failed_attempts});
    }
    std::sort(list.users.begin(), list.users.end(), [](const UserSummary& a, const UserSummary& b) {
        return std::tie(a.role, a.login) < std::tie(b.role, b.login);
    });
    return list;
}

bool login_is_acceptable(const std::string& login) {
    return !login.empty() && login.size() <= 32 &&
           std::all_of(login.begin(), login.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == '_'; });
}

Result<Done> add_user(storage::Ledger& ledger, const std::string& pepper, const std::string& login, Role role,
                      const std::string& pin, const std::string& actor) {
    if (!login_is_acceptable(login))
        return Error{ErrorCode::Invalid,
                     "a name is 1 to 32 letters, digits, '.', '-' or '_'; nothing changed"};
    if (!UserService::pin_is_acceptable(pin))
        return Error{ErrorCode::Invalid, "a PIN is 4 to 12 digits; nothing changed"};
    UserService service(ledger, pepper);
    auto added = service.add_user(login, std::string(to_string(role)), pin, actor);
    if (!added) return added.error();
    return Done{login};
}

Result<Done> reset_pin(storage::Ledger& ledger, const std::string& pepper, const std::string& login,
                       const std::string& pin, const std::string& actor) {
    if (!UserService::pin_is_acceptable(pin))
        return Error{ErrorCode::Invalid, "a PIN is 4 to 12 digits; nothing changed"};
    UserService service(ledger, pepper);
    if (auto reset = service.reset_pin(login, pin, actor); !reset) return reset.error();
    return Done{login};
}

Result<Done> disable_user(storage::Ledger& ledger, const std::string& login, const std::string& actor) {
    if (login == actor)
        return Error{ErrorCode::Invalid,
                     "you cannot disable yourself; sign in as another technician; nothing changed"};
    if (auto disabled = ledger.users().disable(login, actor); !disabled) return disabled.error();
    return Done{login};
}

Result<Done> unlock_user(storage::Ledger& ledger, const std::string& pepper, const std::string& login,
                         const std::string& actor) {
    auto found = ledger.users().find(login);
    if (!found) return found.error();
    if (found.value() && storage::is_disabled(*found.value()))
        return Error{ErrorCode::Invalid,
                     "user '" + login + "' is disabled: set a new PIN to enable it again; nothing changed"};
    UserService service(ledger, pepper);
    if (auto unlocked = service.unlock_as_administrator(login, actor); !unlocked) return unlocked.error();
    return Done{login};
}

Result<RulesView> read_rules(storage::Ledger& ledger) {
    auto rules = load_policy_rules(ledger);
    if (!rules) return rules.error();
    auto drives = ledger.reference().drives();
    if (!drives) return drives.error();
    return RulesView{rules.value(), drives.value()};
}

Result<Done> save_rules(storage::Ledger& ledger, const PolicyRules& rules, const std::string& actor) {
    // Through the JSON reader, so the screen is held to the same checks as medkioskctl rules set.
    auto checked = policy_rules_from_json(policy_rules_to_json(rules), PolicyRules{});
    if (!checked) return Error{ErrorCode::Invalid, checked.error().message + "; nothing changed"};
    if (auto s = ledger.reference().set_setting(kPolicyRulesSetting, policy_rules_to_json(*checked), actor);
        !s)
        return s.error();
    return Done{policy_rules_to_json(*checked)};
}

Result<Done> save_drive(storage::Ledger& ledger, const storage::Drive& drive, const std::string& actor) {
    if (auto info = drive_info(drive); !info)
        return Error{ErrorCode::Invalid, info.error().message + "; nothing changed"};
    if (drive.id == 0) {
        auto added = ledger.reference().add_drive(drive, actor);
        if (!added) return added.error();
        return Done{std::to_string(added.value().id)};
    }
    if (auto updated = ledger.reference().update_drive(drive, actor); !updated) return updated.error();
    return Done{std::to_string(drive.id)};
}

}  // namespace medkiosk::kiosk
