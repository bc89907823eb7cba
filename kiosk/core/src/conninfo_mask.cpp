#include "medkiosk/kiosk/conninfo_mask.hpp"

#include <algorithm>
#include <cctype>

namespace medkiosk::kiosk {
namespace {

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool starts_with_nocase(std::string_view text, std::size_t at, std::string_view prefix) {
    if (at + prefix.size() > text.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != prefix[i]) return false;
    return true;
}

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

// The length of the "scheme://" that starts a URI at text[at], or 0. Any scheme, not only libpq's: a
// hub address refused for a misspelt scheme ("postgresq://", "postgres//" without its ':', "http://")
// is shown in the refusal, and its user:password@ is as secret as in a postgresql:// one.
std::size_t uri_prefix_length(std::string_view text, std::size_t at) {
    if (at >= text.size() || std::isalpha(static_cast<unsigned char>(text[at])) == 0) return 0;
    if (at > 0 && is_scheme_char(text[at - 1])) return 0;  // inside a word: its start is the scheme's
    std::size_t i = at + 1;
    while (i < text.size() && is_scheme_char(text[i])) ++i;
    const bool colon = i < text.size() && text[i] == ':';
    if (colon) ++i;
    // Every slash: "postgresql:///kiosk:pw@hub/db" has one too many (libpq reads a database named
    // "kiosk:pw@hub/db" on the local socket), and its password is the technician's all the same.
    std::size_t slashes = 0;
    while (i + slashes < text.size() && text[i + slashes] == '/') ++slashes;
    return slashes >= 2 || (colon && slashes == 1) ? i + slashes - at : 0;
}

// Where the URI starting at `at` ends: whitespace or a quote that encloses it in a sentence.
std::size_t uri_end(std::string_view text, std::size_t at) {
    while (at < text.size() && !is_space(text[at]) && text[at] != '"' && text[at] != '\'') ++at;
    return at;
}

int hex_value(char digit) {
    const int lower = std::tolower(static_cast<unsigned char>(digit));
    return lower >= 'a' ? lower - 'a' + 10 : lower - '0';
}

// `text` with its %XX escapes decoded (a URI's query key may be written %70assword); a '%' not
// followed by two hex digits is kept as it is.
std::string percent_decoded(std::string_view text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
            decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// libpq's keywords whose value is a secret: the password, and the client key's (sslpassword).
bool is_password_key(std::string_view key) {
    for (std::string_view secret : {"password", "sslpassword"})
        if (key.size() == secret.size() && starts_with_nocase(key, 0, secret)) return true;
    return false;
}

// The query of a URI (from its '?', or text without one) with ?password= masked.
std::string mask_query(std::string_view rest) {
    std::string out;
    const std::size_t query = rest.find('?');
    if (query == std::string_view::npos) return std::string(rest);
    out += rest.substr(0, query + 1);
    rest = rest.substr(query + 1);
    bool first = true;
    while (true) {
        const std::size_t amp = rest.find('&');
        const std::string_view param = rest.substr(0, amp);
        if (!first) out += '&';
        first = false;
        const std::size_t equals = param.find('=');
        if (equals != std::string_view::npos && is_password_key(percent_decoded(param.substr(0, equals)))) {
            out += param.substr(0, equals + 1);
            out += kMaskedPassword;
        } else {
            out += param;
        }
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
    }
    return out;
}

// The URI text[begin, end) with its passwords masked; `scheme_end` is just after "://".
std::string mask_uri(std::string_view uri, std::size_t scheme_end) {
    std::string out(uri.substr(0, scheme_end));
    // The authority runs to the first '/', '?' or '#'; its user information to its last '@' (a raw '@'
    // in a password is not valid, but when one is there, more is masked rather than less).
    std::size_t authority_end = uri.find_first_of("/?#", scheme_end);
    if (authority_end == std::string_view::npos) authority_end = uri.size();
    const std::string_view authority = uri.substr(scheme_end, authority_end - scheme_end);
    const std::size_t at_sign = authority.rfind('@');
    if (at_sign != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at_sign);
        const std::size_t colon = userinfo.find(':');
        if (colon != std::string_view::npos && colon + 1 < userinfo.size()) {
            out += userinfo.substr(0, colon + 1);
            out += kMaskedPassword;
        } else {
            out += userinfo;
        }
        out += authority.substr(at_sign);
    } else {
        out += authority;
    }
    return out + mask_query(uri.substr(authority_end));
}

// How many digits the text after a URI's first ':' starts with when nothing but the authority's end
// follows them (a port's shape: "5432", "5432/db", "5432,host2:5433"), else npos.
std::size_t port_digits(std::string_view after_colon) {
    // Already masked (`config show` masks the address, then the whole text): read as the digits were.
    std::size_t i =
        after_colon.substr(0, kMaskedPassword.size()) == kMaskedPassword ? kMaskedPassword.size() : 0;
    while (i < after_colon.size() && std::isdigit(static_cast<unsigned char>(after_colon[i])) != 0) ++i;
    const bool delimited = i == after_colon.size() ||
                           std::string_view(",/?#\"'").find(after_colon[i]) != std::string_view::npos ||
                           is_space(after_colon[i]);
    return delimited ? i : std::string_view::npos;
}

// Where the authority that holds text[from] ends: at '/', '?', '#', whitespace or a quote.
std::size_t authority_end(std::string_view text, std::size_t from, std::size_t limit) {
    while (from < limit && std::string_view("/?#\"'").find(text[from]) == std::string_view::npos &&
           !is_space(text[from]))
        ++from;
    return from;
}

// Whether the '@' at text[at_sign] is inside the value of a query parameter ("?application_name=a@b",
// "&options=x@y"): the parameter it is in, from the last '?' or '&' after `from`, holds a '='. A
// password that merely holds a '?' ("pa?ss@host") has no '=' there.
bool in_query_value(std::string_view text, std::size_t from, std::size_t at_sign) {
    const std::size_t query = text.rfind('?', at_sign);
    if (query == std::string_view::npos || query < from) return false;
    const std::size_t parameter = text.find_last_of("?&", at_sign);
    return text.substr(parameter + 1, at_sign - parameter - 1).find('=') != std::string_view::npos;
}

// A URI starting at text[at] whose user is followed by ':' at `colon`. The password may hold spaces,
// quotes, '?' or '#' that libpq takes as they are (and '/' or '@' that it cannot), so it runs to the
// last '@' of the address that can end a userinfo (in a sentence, followed by a host): the last before
// the address's first '/' when there is one (not one in the database name), else the last of all;
// never an '@' in a query's value (application_name=a@b). The address is the whole text when the text
// is the address; in a sentence, its line up to the next postgresql:// or postgres://. Appends the
// masked URI to `out` and returns where it ends, or npos when there is nothing after the ':' to mask.
std::size_t mask_uri_with_password(std::string_view text, std::size_t at, std::size_t colon,
                                   std::string& out) {
    const bool whole = at == 0;
    std::size_t region_end = text.size();
    if (!whole) {
        region_end = std::min(region_end, text.find('\n', colon));
        // Only a hub address ends it: any "word://" could be part of the password ("pa://ss@host").
        for (std::size_t next = colon; next < region_end; ++next)
            if (starts_with_nocase(text, next, "postgresql://") ||
                starts_with_nocase(text, next, "postgres://")) {
                region_end = next;
                break;
            }
    }
    const std::size_t first_slash = std::min(text.find('/', colon), region_end);
    std::size_t last_before_slash = std::string_view::npos;
    std::size_t last_of_all = std::string_view::npos;
    for (std::size_t i = colon + 1; i < region_end; ++i) {
        if (text[i] != '@' || in_query_value(text, colon, i)) continue;
        const char host = i + 1 < text.size() ? text[i + 1] : '\0';
        if (!whole && std::isalnum(static_cast<unsigned char>(host)) == 0 && host != '[' && host != '/')
            continue;
        last_of_all = i;
        if (i < first_slash) last_before_slash = i;
    }
    const std::size_t at_sign = last_before_slash != std::string_view::npos ? last_before_slash : last_of_all;
    const std::string_view after_colon = text.substr(colon + 1, region_end - colon - 1);
    if (at_sign == std::string_view::npos) {
        const std::size_t digits = port_digits(after_colon);
        const bool blank_password =
            digits == 0 && !(whole && !after_colon.empty() && is_space(after_colon[0]));
        if (blank_password) return std::string_view::npos;  // "user:" or "host:/db": nothing to hide
        out += text.substr(at, colon + 1 - at);
        out += kMaskedPassword;
        // No '@host' to be found: everything after the ':' may be the password.
        if (digits == std::string_view::npos || digits == 0) return region_end;
        // "user:123456" reads to libpq as host "user", port 123456, but a technician who left out
        // "@host" meant a password; "hub:5432" has the same shape. Masked either way (the red team's gap
        // 1), the database and query after it shown: "user@hub:5432" or "?port=" shows a port.
        const std::size_t query_begin = authority_end(text, colon + 1, region_end);
        const std::size_t end = uri_end(text, query_begin);
        out += mask_query(text.substr(query_begin, end - query_begin));
        return end;
    }
    out += text.substr(at, colon + 1 - at);
    if (at_sign > colon + 1) out += kMaskedPassword;  // "user:@host" has an empty password
    const std::size_t end = uri_end(text, at_sign);
    out += mask_query(text.substr(at_sign, end - at_sign));
    return end;
}

// At `at` a `password` keyword of a key=value string (not part of a longer word): where its value
// begins and ends, or false.
bool keyword_value(std::string_view text, std::size_t at, std::size_t& value_begin, std::size_t& value_end) {
    std::size_t keyword_length = 0;
    for (std::string_view keyword : {"sslpassword", "password"})
        if (keyword_length == 0 && starts_with_nocase(text, at, keyword)) keyword_length = keyword.size();
    if (keyword_length == 0) return false;
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_'))
        return false;
    std::size_t i = at + keyword_length;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') return false;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    value_begin = i;
    if (i < text.size() && text[i] == '\'') {
        // Quoted: to the closing quote, past \' and \\ (libpq's escapes).
        ++i;
        while (i < text.size() && text[i] != '\'') i += text[i] == '\\' && i + 1 < text.size() ? 2 : 1;
        value_end = i < text.size() ? i + 1 : text.size();
    } else {
        // Unquoted: to whitespace, or to a double quote that closes one opened before the string
        // (kiosk.toml's "…", a message's "…"); any other '"' belongs to the password (password=ab"cd).
        const bool enclosed = text.substr(0, at).find('"') != std::string_view::npos;
        const auto closes_enclosing_quote = [&](std::size_t quote) {
            return enclosed && (quote + 1 == text.size() || is_space(text[quote + 1]) ||
                                std::string_view(",.;:)").find(text[quote + 1]) != std::string_view::npos);
        };
        while (i < text.size() && !is_space(text[i]) && !(text[i] == '"' && closes_enclosing_quote(i)))
            i += text[i] == '\\' && i + 1 < text.size() ? 2 : 1;
        value_end = std::min(i, text.size());
    }
    return value_end > value_begin;
}

}  // namespace

std::string mask_conninfo_password(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t scheme_length = uri_prefix_length(text, i);
        if (scheme_length > 0) {
            // The user name runs to ':' (a password follows), '@', or the host's end.
            const std::size_t user_end = text.find_first_of(":@/?#[ \t\n\"'", i + scheme_length);
            if (user_end != std::string_view::npos && text[user_end] == ':') {
                const std::size_t end = mask_uri_with_password(text, i, user_end, out);
                if (end != std::string_view::npos) {
                    i = end;
                    continue;
                }
            }
            // The text that is the address runs to its end, as libpq reads it: a ?password= value
            // may hold a space or a quote.
            const std::size_t end = i == 0 ? text.size() : uri_end(text, i);
            out += mask_uri(text.substr(i, end - i), scheme_length);
            i = end;
            continue;
        }
        std::size_t value_begin = 0;
        std::size_t value_end = 0;
        if (keyword_value(text, i, value_begin, value_end)) {
            out += text.substr(i, value_begin - i);
            out += kMaskedPassword;
            i = value_end;
            continue;
        }
        out += text[i++];
    }
    return out;
}

}  // namespace medkiosk::kiosk
