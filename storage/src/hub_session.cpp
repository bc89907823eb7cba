// libpq lives here and in the sync worker only; everything else sees HubSession.

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "medkiosk/storage/hub_probe.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::storage {

struct HubSession::Impl {
    PGconn* conn = nullptr;
    ~Impl() {
        if (conn) PQfinish(conn);
    }
};

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// What a hub address libpq cannot parse is called. libpq's own words quote the faulty fragment
// ("invalid percent-encoded token: \"pa%zzss\"", "missing \"=\" after \"secret\""), which can be the
// password, and this message reaches the staff's sync error, the technician's hub test, the logs and
// the ledger: so it names what to check, never what is there.
constexpr const char* kUnreadableAddress =
    "the hub address cannot be read: check its % escapes, quotes, key=value pairs and parameter names "
    "(kiosk.toml [hub] url)";

// libpq's refusal of a value it parsed but cannot use ("invalid integer value \"pa\" for connection
// option \"port\""), without the value: in "postgresql://u:pa/ss@h/db" the password's '/' ends the
// authority early and part of the password is read as the port. Names the option, which is libpq's own.
std::string refused_value_message(std::string_view libpq_text) {
    static const std::regex option_named(R"re(for connection option "([a-z_]+)")re");
    std::match_results<std::string_view::const_iterator> match;
    const std::string option = std::regex_search(libpq_text.begin(), libpq_text.end(), match, option_named)
                                   ? " for \"" + match[1].str() + "\""
                                   : "";
    return "the hub address holds a value libpq cannot use" + option +
           ": check it, and %-escape any / ? # @ : in the user name or password (kiosk.toml [hub] url)";
}

// A raw '@' in the password ("postgresql://u:pa@ss@h/db") ends the user information at the first
// '@' for libpq, which then looks up the host "ss@h" and names it in its error: part of the password.
// No host name or address holds an '@', so one that does is refused before any lookup (a socket
// directory, "/…", and an abstract socket, "@…", are left to libpq).
constexpr const char* kAtSignInHost =
    "the hub address has an '@' in its host: an '@' in the user name or password must be written %40 "
    "(kiosk.toml [hub] url)";

std::vector<std::string> split_at_commas(const char* list);

bool host_holds_at_sign(const std::string& conninfo) {
    char* parse_error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
    PQfreemem(parse_error);
    if (options == nullptr) return false;
    bool found = false;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        const std::string_view keyword = option->keyword;
        if ((keyword != "host" && keyword != "hostaddr") || option->val == nullptr) continue;
        for (const std::string& host : split_at_commas(option->val))
            if (!host.empty() && host[0] != '/' && host[0] != '@' && host.find('@') != std::string::npos)
                found = true;
    }
    PQconninfoFree(options);
    return found;
}

bool is_refused_value(std::string_view libpq_text) {
    return libpq_text.substr(0, 8) == "invalid ";
}

// Whether libpq can parse the address (PQconninfoParse), its error text dropped.
bool conninfo_parses(const std::string& conninfo) {
    char* parse_error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
    PQfreemem(parse_error);
    if (options == nullptr) return false;
    PQconninfoFree(options);
    return true;
}

struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

}  // namespace

namespace {

struct ConnDeleter {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;

std::vector<std::string> split_at_commas(const char* list) {
    std::vector<std::string> parts;
    if (list == nullptr) return parts;
    std::string part;
    for (const char* c = list;; ++c) {
        if (*c == ',' || *c == '\0') {
            parts.push_back(part);
            part.clear();
            if (*c == '\0') break;
        } else {
            part += *c;
        }
    }
    return parts;
}

std::string quoted_value(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

// The address split into one connection string per host of a multi-host list (host=a,b,c or
// postgresql://a,b/db), in order; the address itself when it names one host or libpq will refuse it.
// libpq's connect_timeout moves on to the next host on its own only inside its blocking connect, which
// nothing can interrupt; here each host is a connection of its own that a stop can abandon.
std::vector<std::string> one_address_per_host(const std::string& conninfo) {
    char* parse_error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
    if (options == nullptr) {
        PQfreemem(parse_error);
        return {conninfo};  // libpq names the problem when it connects
    }
    std::vector<std::string> hosts, host_addresses, ports;
    std::string common;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        const std::string_view keyword = option->keyword;
        if (keyword == "host") {
            hosts = split_at_commas(option->val);
        } else if (keyword == "hostaddr") {
            host_addresses = split_at_commas(option->val);
        } else if (keyword == "port") {
            ports = split_at_commas(option->val);
        } else {
            common += std::string(keyword) + "=" + quoted_value(option->val) + " ";
        }
    }
    PQconninfoFree(options);
    const std::size_t count = std::max(hosts.size(), host_addresses.size());
    const bool lists_agree = (hosts.empty() || hosts.size() == count) &&
                             (host_addresses.empty() || host_addresses.size() == count) &&
                             (ports.size() <= 1 || ports.size() == count);
    if (count <= 1 || !lists_agree) return {conninfo};
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < count; ++i) {
        std::string address = common;
        if (!hosts.empty() && !hosts[i].empty()) address += "host=" + quoted_value(hosts[i]) + " ";
        if (!host_addresses.empty() && !host_addresses[i].empty())
            address += "hostaddr=" + quoted_value(host_addresses[i]) + " ";
        const std::string& port = ports.size() == 1 ? ports[0] : ports.empty() ? std::string() : ports[i];
        if (!port.empty()) address += "port=" + quoted_value(port);
        addresses.push_back(address);
    }
    return addresses;
}

enum class AttemptEnd {
    Connected,
    Unreachable,    // no server spoke (refused, reset, no route): libpq would try the next host
    ServerRefused,  // a server answered and refused (sign-in, TLS, database): no other host is tried
    TimedOut,       // silent for connect_timeout
    Stopped,        // the caller's stop descriptor became readable
};

struct Attempt {
    AttemptEnd end = AttemptEnd::Unreachable;
    PgConn conn;
    std::string message;
};

// One host, driven step by step as PQconnectdbParams drives it (connect_timeout per address, at
// least 2 s as libpq has it), but a readable `stop_fd` ends the wait at once.
Attempt connect_to_one_host(const std::string& conninfo, int timeout_seconds, int stop_fd) {
    const std::string timeout = std::to_string(timeout_seconds);
    // The caller's string comes first and is expanded; the keywords after it override what it says.
    // Keepalives and a TCP user timeout: a silently dropped network must end in an error the worker
    // retries, never in a query that waits forever.
    const char* keywords[] = {"dbname",
                              "connect_timeout",
                              "application_name",
                              "keepalives_idle",
                              "keepalives_interval",
                              "keepalives_count",
                              "tcp_user_timeout",
                              nullptr};
    const char* values[] = {conninfo.c_str(), timeout.c_str(), "medkiosk", "15", "5", "3", "30000", nullptr};
    Attempt attempt;
    attempt.conn.reset(PQconnectStartParams(keywords, values, 1));
    PGconn* conn = attempt.conn.get();
    if (conn == nullptr) {
        attempt.end = AttemptEnd::ServerRefused;
        attempt.message = "libpq could not allocate a connection";
        return attempt;
    }
    using Clock = std::chrono::steady_clock;
    const auto per_address = std::chrono::seconds(timeout_seconds <= 0 ? 0 : std::max(timeout_seconds, 2));
    const auto no_deadline = Clock::time_point::max();
    auto deadline = per_address.count() > 0 ? Clock::now() + per_address : no_deadline;
    const auto current_address = [conn] {
        const char* address = PQhostaddr(conn);
        return std::to_string(PQsocket(conn)) + "@" + (address != nullptr ? address : "");
    };
    std::string address = current_address();
    bool cut_for_timeout = false;
    PostgresPollingStatusType polling =
        PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    ConnStatusType before_failure = PQstatus(conn);
    for (;;) {
        if (polling == PGRES_POLLING_OK) {
            attempt.end = AttemptEnd::Connected;
            return attempt;
        }
        if (polling == PGRES_POLLING_FAILED) {
            attempt.message = is_refused_value(PQerrorMessage(conn))
                                  ? refused_value_message(PQerrorMessage(conn))
                                  : trimmed(PQerrorMessage(conn));
            // Before the server spoke, or a server of the wrong kind for target_session_attrs: libpq
            // goes on to the next host; any later refusal ends the connect.
            const bool unreachable =
                before_failure == CONNECTION_STARTED || before_failure == CONNECTION_NEEDED ||
                before_failure == CONNECTION_CHECK_WRITABLE || before_failure == CONNECTION_CHECK_TARGET ||
                before_failure == CONNECTION_CHECK_STANDBY;
            attempt.end = cut_for_timeout ? AttemptEnd::TimedOut
                          : unreachable   ? AttemptEnd::Unreachable
                                          : AttemptEnd::ServerRefused;
            if (cut_for_timeout) attempt.message = "timeout expired after " + timeout + " s";
            return attempt;
        }
        if (const std::string now_at = current_address(); now_at != address) {
            address = now_at;  // libpq went on to the host's next address: its own connect_timeout
            if (per_address.count() > 0) deadline = Clock::now() + per_address;
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            if (PQstatus(conn) == CONNECTION_STARTED && PQsocket(conn) >= 0) {
                // Still waiting for the TCP handshake: cutting it makes libpq try the host's next
                // address, as its blocking connect does when the time is up.
                ::shutdown(PQsocket(conn), SHUT_RDWR);
                cut_for_timeout = true;
                before_failure = PQstatus(conn);
                polling = PQconnectPoll(conn);
                address = current_address();
                deadline = Clock::now() + per_address;
                if (polling != PGRES_POLLING_FAILED) cut_for_timeout = false;
                continue;
            }
            attempt.end = AttemptEnd::TimedOut;
            attempt.message = "timeout expired after " + timeout + " s";
            return attempt;
        }
        const auto left =
            deadline == no_deadline
                ? -1
                : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count());
        pollfd watched[2] = {
            {PQsocket(conn), static_cast<short>(polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0},
            {stop_fd, POLLIN, 0}};
        const int ready = ::poll(watched, stop_fd >= 0 ? 2 : 1, left);
        if (ready < 0 && errno != EINTR) {
            attempt.end = AttemptEnd::Unreachable;
            attempt.message = std::string("waiting for the hub's answer failed: ") + std::strerror(errno);
            return attempt;
        }
        if (stop_fd >= 0 && (watched[1].revents & POLLIN) != 0) {
            attempt.end = AttemptEnd::Stopped;
            attempt.message = "stopped while connecting";
            return attempt;
        }
        if (ready <= 0) continue;
        before_failure = PQstatus(conn);
        polling = PQconnectPoll(conn);
    }
}

}  // namespace

HubSession::HubSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubSession::~HubSession() = default;

Result<std::unique_ptr<HubSession>> HubSession::connect(const std::string& conninfo,
                                                        int connect_timeout_seconds, int stop_fd) {
    if (conninfo.empty()) {
        return Error{ErrorCode::Invalid,
                     "no hub connection string; pass --hub or set MEDKIOSK_HUB_URL "
                     "(e.g. postgresql://kiosk_k1@hub.example/medkiosk?sslmode=verify-full)"};
    }
    if (!conninfo_parses(conninfo)) return Error{ErrorCode::Invalid, kUnreadableAddress};
    if (host_holds_at_sign(conninfo)) return Error{ErrorCode::Invalid, kAtSignInHost};
    auto impl = std::make_unique<Impl>();
    std::string failures;
    for (const std::string& address : one_address_per_host(conninfo)) {
        Attempt attempt = connect_to_one_host(address, connect_timeout_seconds, stop_fd);
        if (attempt.end == AttemptEnd::Stopped) {
            return Error{ErrorCode::Io, "stopped while connecting to the hub; nothing was sent"};
        }
        if (attempt.end == AttemptEnd::Connected) {
            impl->conn = attempt.conn.release();
            break;
        }
        failures += (failures.empty() ? "" : "; ") + attempt.message;
        if (attempt.end == AttemptEnd::ServerRefused) break;
    }
    if (impl->conn == nullptr) {
        return Error{ErrorCode::Io, "cannot connect to the hub: " + failures +
                                        " — check the hub address, the kiosk's role and password (or "
                                        "certificate) and the network; nothing was sent"};
    }
    // Hub time is UTC everywhere, whatever the server's default; no statement may hang a sync forever.
    // A session without them must not be used: its times would be read in the server's zone.
    PgResult set_session(PQexec(impl->conn, "SET TIME ZONE 'UTC'; SET statement_timeout = '120s'"));
    if (!set_session || PQresultStatus(set_session.get()) != PGRES_COMMAND_OK) {
        return Error{ErrorCode::Io,
                     "the hub refused the session settings (time zone UTC, statement timeout): " +
                         trimmed(PQerrorMessage(impl->conn)) +
                         " — check that the hub is a PostgreSQL server set up with deploy/hub; "
                         "nothing was sent"};
    }
    return std::unique_ptr<HubSession>(new HubSession(std::move(impl)));
}

namespace {

// Why libpq would refuse the address before any connection, or "" when it is well-formed. An unknown
// parameter or a broken URI fails PQconninfoParse; a bad enumerated value (sslmode=requir) only fails
// at connect time, where it would read as "no answer".
std::string conninfo_problem(const std::string& conninfo) {
    char* parse_error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
    if (options == nullptr) {
        PQfreemem(parse_error);
        return kUnreadableAddress;
    }
    struct Free {
        PQconninfoOption* options;
        ~Free() { PQconninfoFree(options); }
    } free_options{options};
    if (host_holds_at_sign(conninfo)) return kAtSignInHost;
    static const std::pair<const char*, std::vector<std::string>> kEnumerated[] = {
        {"sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
        {"gssencmode", {"disable", "prefer", "require"}},
        {"channel_binding", {"disable", "prefer", "require"}},
        {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
    };
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        for (const auto& [keyword, allowed] : kEnumerated) {
            if (std::string_view(option->keyword) != keyword) continue;
            if (std::find(allowed.begin(), allowed.end(), option->val) == allowed.end())
                return "invalid " + std::string(keyword) + " value: \"" + option->val + "\"";
        }
    }
    return "";
}

}  // namespace

HubProbe probe_hub(const std::string& conninfo, int timeout_seconds) {
    HubProbe probe;
    if (const std::string problem = conninfo_problem(conninfo); !problem.empty()) {
        probe.malformed = true;
        probe.message = problem;
        return probe;
    }
    const std::string timeout = std::to_string(timeout_seconds);
    const char* keywords[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {conninfo.c_str(), timeout.c_str(), "medkiosk-test", nullptr};
    PGconn* conn = PQconnectStartParams(keywords, values, 1);
    if (conn == nullptr) {
        probe.message = "libpq could not allocate a connection";
        return probe;
    }
    struct Finish {
        PGconn* conn;
        ~Finish() { PQfinish(conn); }
    } finish{conn};
    // Verbose errors carry the server's SQLSTATE ("FATAL:  28P01: …"), which does not depend on the
    // language the server speaks.
    PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
    if (PQstatus(conn) == CONNECTION_BAD && is_refused_value(PQerrorMessage(conn))) {
        // A value libpq refuses before any connection (a port that is no number, …).
        probe.malformed = true;
        probe.message = refused_value_message(PQerrorMessage(conn));
        return probe;
    }
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
    bool timed_out = false;
    while (PQstatus(conn) != CONNECTION_BAD) {
        const ConnStatusType status = PQstatus(conn);
        if (status != CONNECTION_STARTED && status != CONNECTION_NEEDED) probe.tcp_connected = true;
        if (status == CONNECTION_AUTH_OK || status == CONNECTION_SETENV ||
            status == CONNECTION_CHECK_WRITABLE || status == CONNECTION_CONSUME ||
            status == CONNECTION_CHECK_TARGET || status == CONNECTION_OK)
            probe.postgres_answered = true;
        if (polling == PGRES_POLLING_OK) {
            probe.connected = true;
            return probe;
        }
        if (polling == PGRES_POLLING_FAILED) break;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd watched{PQsocket(conn),
                       static_cast<short>(polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        const int ready = ::poll(&watched, 1, static_cast<int>(left.count()));
        if (ready == 0) {
            timed_out = true;
            break;
        }
        polling = PQconnectPoll(conn);
    }
    std::string message = timed_out ? "timeout expired after " + timeout + " s" : PQerrorMessage(conn);
    // Drop libpq's "LOCATION: file.c:123" lines: noise for a technician.
    message = std::regex_replace(message, std::regex(R"(\n?LOCATION:[^\n]*)"), "");
    probe.message = trimmed(message);
    // A host address libpq cannot read as one ("hostaddr=garbage") is found only once it connects.
    if (probe.message.find("could not parse network address") != std::string::npos) probe.malformed = true;
    probe.sqlstate = sqlstate_in(probe.message);
    if (!probe.sqlstate.empty()) probe.postgres_answered = true;
    return probe;
}

std::string sqlstate_in(const std::string& libpq_message) {
    // Severity (any word without spaces or colons, in any language), a colon, two spaces, the code.
    static const std::regex verbose_error(R"((?:^|[\s:])[^\s:]+:  ([0-9A-Z]{5}): )");
    std::smatch code;
    if (!std::regex_search(libpq_message, code, verbose_error)) return "";
    return code[1];
}

int HubSession::socket() const {
    return impl_->conn != nullptr ? PQsocket(impl_->conn) : -1;
}

bool HubSession::healthy() const {
    return impl_->conn && PQstatus(impl_->conn) == CONNECTION_OK;
}

std::string HubSession::describe() const {
    const char* host = PQhost(impl_->conn);
    return std::string(host ? host : "?") + ":" + (PQport(impl_->conn) ? PQport(impl_->conn) : "?") + "/" +
           (PQdb(impl_->conn) ? PQdb(impl_->conn) : "?") + " as " +
           (PQuser(impl_->conn) ? PQuser(impl_->conn) : "?");
}

Result<std::vector<HubRow>> HubSession::query(const std::string& sql,
                                              const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) values.push_back(param.c_str());
    PgResult result(params.empty() ? PQexec(impl_->conn, sql.c_str())
                                   : PQexecParams(impl_->conn, sql.c_str(), static_cast<int>(params.size()),
                                                  nullptr, values.data(), nullptr, nullptr, 0));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        const bool connection_lost = PQstatus(impl_->conn) != CONNECTION_OK;
        std::string message = result ? trimmed(PQresultErrorMessage(result.get())) : std::string();
        if (message.empty()) message = trimmed(PQerrorMessage(impl_->conn));
        return Error{
            connection_lost ? ErrorCode::Io : ErrorCode::Invalid,
            std::string(connection_lost ? "lost the hub connection: " : "the hub refused: ") + message};
    }
    std::vector<HubRow> rows;
    const int row_count = PQntuples(result.get()), column_count = PQnfields(result.get());
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
        HubRow row;
        row.reserve(static_cast<std::size_t>(column_count));
        for (int c = 0; c < column_count; ++c) {
            if (PQgetisnull(result.get(), r, c)) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                             static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<void> init_hub(HubSession& admin) {
    if (auto s = admin.exec("SET client_min_messages = warning"); !s) return s;
    auto applied = admin.query(hub_schema_sql());
    if (!applied) {
        return Error{applied.error().code, "applying the hub schema on " + admin.describe() +
                                               " failed: " + applied.error().message +
                                               " — connect as the database owner (a superuser or a role "
                                               "with CREATEROLE) and run hub init again"};
    }
    return {};
}

std::string add_kiosk_sql(const std::string& kiosk_id, const std::string& password,
                          const std::string& public_key_hex) {
    const auto literal = [](const std::string& text) {
        std::string quoted = "'";
        for (char c : text) {
            if (c == '\'') quoted += '\'';
            quoted += c;
        }
        return quoted + "'";
    };
    std::string sql = "SELECT hub.add_kiosk(" + literal(kiosk_id) + ", " + literal(password) + ");\n";
    if (!public_key_hex.empty()) {
        sql += "UPDATE hub.kiosk SET public_key = " + literal(public_key_hex) +
               " WHERE kiosk_id = " + literal(kiosk_id) + ";\n";
    }
    return sql;
}

Result<std::string> add_kiosk(HubSession& admin, const std::string& kiosk_id, const std::string& password,
                              const std::string& public_key_hex) {
    auto role = admin.query("SELECT hub.add_kiosk($1, $2)", {kiosk_id, password});
    if (!role) return Error{role.error().code, "adding kiosk " + kiosk_id + ": " + role.error().message};
    if (!public_key_hex.empty()) {
        auto set = admin.query("UPDATE hub.kiosk SET public_key = $2 WHERE kiosk_id = $1",
                               {kiosk_id, public_key_hex});
        if (!set)
            return Error{set.error().code, "setting kiosk " + kiosk_id + "'s key: " + set.error().message};
    }
    return role.value().at(0).at(0).value_or("");
}

}  // namespace medkiosk::storage
