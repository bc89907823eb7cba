#pragma once
// The hub's address is a libpq connection string, and may carry its password. Wherever the kiosk shows
// or logs it (the technician's field when not being edited, status lines, logs, the CLI's settings), the
// password is masked; kiosk.toml keeps the real value.

#include <string>
#include <string_view>

namespace medkiosk::kiosk {

// What a masked password reads as.
inline constexpr std::string_view kMaskedPassword = "••••";

// `text` with every libpq password in it replaced by kMaskedPassword: the password of a URI of any
// scheme (postgresql://, a misspelt postgresq:// or postgres//, http://: an address refused for its
// scheme is shown in the refusal) as user:PASSWORD@host, percent-encoded or not, up to the last '@'
// that can end the user information, as it may hold spaces, quotes, '/', '?' or '#' (never an '@' in a
// query's value or the database name); everything after "user:" when no '@host' follows, digits
// included ("user:123456" may be a password libpq would read as a port, so "hub:5432" is masked too;
// a port after '@', of a [bracketed] host or in ?port= is shown); a ?password= or ?sslpassword=
// parameter, its key percent-encoded or not; and the value of a `password` or `sslpassword` keyword
// (`password=secret`, `password = 'with spaces'`, quoted values with \' and \\ escapes). Works on a
// whole connection string and on a sentence that contains one (an error message). Everything else is
// left as it was.
std::string mask_conninfo_password(std::string_view text);

}  // namespace medkiosk::kiosk
