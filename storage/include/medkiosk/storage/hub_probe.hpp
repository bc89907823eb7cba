#pragma once
// One connection attempt to the hub, watched step by step so a failure can be told by what happened
// (the technician's "Test connection"): nothing answered at the address, something answered that is
// not PostgreSQL, the TLS handshake failed, or PostgreSQL itself refused (its SQLSTATE says why).
// libpq's message alone cannot tell "an HTTP server kept the connection open and said nothing" from
// "no route to the host": both end in "timeout expired". The sync worker keeps HubSession::connect.

#include <string>

namespace medkiosk::storage {

struct HubProbe {
    // The address itself is wrong (an unknown parameter, a bad sslmode value, a broken URI): nothing
    // was tried; `message` has libpq's words.
    bool malformed = false;
    bool connected = false;          // signed in: the hub is usable with this connection string
    bool tcp_connected = false;      // something accepted the connection (a TCP port or a Unix socket)
    bool postgres_answered = false;  // the server spoke PostgreSQL's protocol (an auth request or error)
    std::string sqlstate;            // the server's refusal, e.g. 28P01 (password), 3D000 (no database)
    std::string message;             // libpq's words without its source location; never a password
};

// Parses the address first (PQconninfoParse and the values libpq checks before connecting), then
// connects with libpq's non-blocking API under an overall deadline of `timeout_seconds`, then closes.
HubProbe probe_hub(const std::string& conninfo, int timeout_seconds);

// The SQLSTATE in a verbose libpq error ("FATAL:  28P01: …"), "" when there is none. The severity word
// is in the server's language (a hub set up with lc_messages=zh_CN says "致命错误:  28P01: …"); the
// code after it is not.
std::string sqlstate_in(const std::string& libpq_message);

}  // namespace medkiosk::storage
