// GS1 element strings (AIM ]d2 ]d8 ]C1 ]e0 ]Q3), the bracketed human-readable form and Digital Link URIs.

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "parse_internal.hpp"

namespace medkiosk::scanner::detail {
namespace {

enum class Charset { Numeric, Alphanumeric };

struct AiSpec {
    std::string_view ai;
    int fixed_length;  // 0 for variable length
    int max_length;
    Charset charset;
    std::string_view meaning;
};

// Only the AIs a medicine pack or its outer carton plausibly carries; anything else is rejected so a
// misread cannot slip through as an "unknown but fine" field.
constexpr std::array kAis{
    AiSpec{"00", 18, 18, Charset::Numeric, "SSCC"},
    AiSpec{"01", 14, 14, Charset::Numeric, "GTIN"},
    AiSpec{"02", 14, 14, Charset::Numeric, "contained GTIN"},
    AiSpec{"10", 0, 20, Charset::Alphanumeric, "batch"},
    AiSpec{"11", 6, 6, Charset::Numeric, "production date"},
    AiSpec{"12", 6, 6, Charset::Numeric, "due date"},
    AiSpec{"13", 6, 6, Charset::Numeric, "packaging date"},
    AiSpec{"15", 6, 6, Charset::Numeric, "best before date"},
    AiSpec{"16", 6, 6, Charset::Numeric, "sell by date"},
    AiSpec{"17", 6, 6, Charset::Numeric, "expiry date"},
    AiSpec{"20", 2, 2, Charset::Numeric, "variant"},
    AiSpec{"21", 0, 20, Charset::Alphanumeric, "serial"},
    AiSpec{"22", 0, 20, Charset::Alphanumeric, "consumer product variant"},
    AiSpec{"30", 0, 8, Charset::Numeric, "count"},
    AiSpec{"37", 0, 8, Charset::Numeric, "count of trade items"},
    AiSpec{"240", 0, 30, Charset::Alphanumeric, "additional product id"},
    AiSpec{"241", 0, 30, Charset::Alphanumeric, "customer part number"},
    AiSpec{"250", 0, 30, Charset::Alphanumeric, "secondary serial"},
    AiSpec{"251", 0, 30, Charset::Alphanumeric, "source entity reference"},
    AiSpec{"253", 0, 30, Charset::Alphanumeric, "GDTI"},
    AiSpec{"254", 0, 20, Charset::Alphanumeric, "GLN extension"},
    AiSpec{"7003", 10, 10, Charset::Numeric, "expiry date and time"},
    AiSpec{"710", 0, 20, Charset::Alphanumeric, "PZN (DE)"},
    AiSpec{"711", 0, 20, Charset::Alphanumeric, "CIP (FR)"},
    AiSpec{"712", 0, 20, Charset::Alphanumeric, "CN (ES)"},
    AiSpec{"713", 0, 20, Charset::Alphanumeric, "DRN (BR)"},
    AiSpec{"714", 0, 20, Charset::Alphanumeric, "AIM (PT)"},
    AiSpec{"715", 0, 20, Charset::Alphanumeric, "NDC (US)"},
    AiSpec{"716", 0, 20, Charset::Alphanumeric, "AIC (IT)"},
};

constexpr char kGs = '\x1d';

const AiSpec* find_ai(std::string_view ai) {
    for (const auto& spec : kAis)
        if (spec.ai == ai) return &spec;
    return nullptr;
}

// The AI at the start of `text`, trying 2, 3 and 4 digits (GS1 AIs are prefix-free).
const AiSpec* match_ai_prefix(std::string_view text) {
    for (std::size_t length = 2; length <= 4 && length <= text.size(); ++length)
        if (const AiSpec* spec = find_ai(text.substr(0, length))) return spec;
    return nullptr;
}

bool gs1_character_ok(char c) {
    // GS1 AI encodable character set 82 is a subset of printable ASCII; be slightly lenient.
    return c >= 0x21 && c <= 0x7e;
}

std::optional<ParseError> check_value(const AiSpec& spec, std::string_view value) {
    const std::string ai(spec.ai);
    if (spec.fixed_length > 0 && value.size() < static_cast<std::size_t>(spec.fixed_length))
        return make_error(ParseErrorKind::TruncatedField,
                          "AI (" + ai + ") " + std::string(spec.meaning) + " needs " +
                              std::to_string(spec.fixed_length) + " characters but has only " +
                              std::to_string(value.size()) + "; the code was cut off.");
    if (value.empty())
        return make_error(ParseErrorKind::TruncatedField, "AI (" + ai + ") " + std::string(spec.meaning) + " is empty.");
    if (value.size() > static_cast<std::size_t>(spec.max_length))
        return make_error(ParseErrorKind::BadLength, "AI (" + ai + ") " + std::string(spec.meaning) + " has " +
                                                         std::to_string(value.size()) + " characters; at most " +
                                                         std::to_string(spec.max_length) + " are allowed.");
    for (char c : value) {
        const bool ok = spec.charset == Charset::Numeric ? (c >= '0' && c <= '9') : gs1_character_ok(c);
        if (!ok)
            return make_error(ParseErrorKind::BadCharacter, "AI (" + ai + ") " + std::string(spec.meaning) +
                                                                " contains the character '" + printable({&c, 1}) +
                                                                "', which is not allowed there.");
    }
    return std::nullopt;
}

using ElementList = std::vector<std::pair<std::string, std::string>>;

// Checks the AI list as a whole and fills the pack code.
ParseResult interpret(const ElementList& elements, std::string_view raw, const Date& today) {
    PackCode code;
    code.scheme = Scheme::Gs1;
    code.raw = std::string(raw);
    std::optional<ShortDate> expiry_17;
    std::optional<Date> expiry_7003;

    for (const auto& [ai, value] : elements) {
        auto previous = std::find_if(code.ais.begin(), code.ais.end(), [&](const auto& e) { return e.first == ai; });
        if (previous != code.ais.end()) {
            if (previous->second != value)
                return make_error(ParseErrorKind::ConflictingAi, "AI (" + ai + ") appears twice with different values ('" +
                                                                     printable(previous->second) + "' and '" +
                                                                     printable(value) + "').");
            continue;
        }
        code.ais.emplace_back(ai, value);

        if (ai == "00" || ai == "01" || ai == "02") {
            if (!gtin_check_digit_ok(value))
                return make_error(ParseErrorKind::BadCheckDigit,
                                  "AI (" + ai + ") " + value + " fails its check digit; the code is misread or forged.");
            if (ai == "01") code.gtin = value;
        } else if (ai == "11" || ai == "12" || ai == "13" || ai == "15" || ai == "16" || ai == "17") {
            auto date = parse_yymmdd(value, today, true);
            if (!date)
                return make_error(ParseErrorKind::ImpossibleDate, "AI (" + ai + ") " + value + " is not a real date (YYMMDD).");
            if (ai == "17") expiry_17 = date;
            if (ai == "11") code.production = date->date;
        } else if (ai == "7003") {
            auto date = parse_yymmdd(std::string_view(value).substr(0, 6), today, false);
            const int hour = std::stoi(value.substr(6, 2));
            const int minute = std::stoi(value.substr(8, 2));
            if (!date || hour > 23 || minute > 59)
                return make_error(ParseErrorKind::ImpossibleDate,
                                  "AI (7003) " + value + " is not a real date and time (YYMMDDhhmm, day 00 not allowed).");
            expiry_7003 = date->date;
        } else if (ai == "10") {
            code.batch = value;
        } else if (ai == "21") {
            code.serial = value;
        } else if (ai.size() == 3 && ai[0] == '7' && ai[1] == '1') {
            if (code.product_id.empty()) code.product_id = value;  // national reimbursement number
        }
    }

    if (code.gtin.empty()) {
        for (const auto& [ai, value] : code.ais)
            if (ai == "10" || ai == "17" || ai == "21")
                return make_error(ParseErrorKind::MissingGtin,
                                  "AI (" + ai + ") is present without the GTIN (01) it belongs to.");
    }
    if (expiry_17) {
        code.expiry = expiry_17->date;
        code.expiry_precision = expiry_17->precision;
    } else if (expiry_7003) {
        code.expiry = expiry_7003;
        code.expiry_precision = ExpiryPrecision::Day;
    }
    return code;
}

}  // namespace

ParseResult parse_gs1_element_string(std::string_view data, const Date& today) {
    ElementList elements;
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data[pos] == kGs) {  // stray or trailing separator
            ++pos;
            continue;
        }
        const AiSpec* spec = match_ai_prefix(data.substr(pos));
        if (!spec)
            return make_error(ParseErrorKind::UnknownAi, "Unknown GS1 application identifier at position " +
                                                             std::to_string(pos) + " ('" +
                                                             printable(data.substr(pos, 4)) + "…').");
        pos += spec->ai.size();
        std::string_view value;
        if (spec->fixed_length > 0) {
            const std::size_t wanted = static_cast<std::size_t>(spec->fixed_length);
            value = data.substr(pos, wanted);
            const std::size_t separator = value.find(kGs);
            if (separator != std::string_view::npos) value = value.substr(0, separator);
            pos += value.size();
        } else {
            const std::size_t end = std::min(data.find(kGs, pos), data.size());
            value = data.substr(pos, end - pos);
            pos = end;
        }
        if (auto error = check_value(*spec, value)) return *error;
        elements.emplace_back(std::string(spec->ai), std::string(value));
    }
    if (elements.empty()) return make_error(ParseErrorKind::Empty, "The GS1 code holds no data.");
    return interpret(elements, data, today);
}

ParseResult parse_gs1_bracketed(std::string_view data, const Date& today) {
    ElementList elements;
    std::size_t pos = 0;
    // An AI opener is "(" + 2 to 4 digits + ")"; other parentheses belong to values. Unknown AIs
    // still open a field, so they are reported as unknown instead of swallowed by the previous value.
    auto opener_length = [&](std::size_t at) -> std::size_t {
        if (at >= data.size() || data[at] != '(') return 0;
        const std::size_t close = data.find(')', at);
        if (close == std::string_view::npos || close - at < 3 || close - at > 5) return 0;
        return all_digits(data.substr(at + 1, close - at - 1)) ? close - at - 1 : 0;
    };
    if (data.empty() || !opener_length(0))
        return make_error(ParseErrorKind::UnsupportedFormat, "Bracketed GS1 data must start with '(AI)'.");
    while (pos < data.size()) {
        const std::size_t ai_length = opener_length(pos);
        const AiSpec* spec = ai_length ? find_ai(data.substr(pos + 1, ai_length)) : nullptr;
        if (!spec)
            return make_error(ParseErrorKind::UnknownAi,
                              "Unknown GS1 application identifier '" + printable(data.substr(pos, ai_length + 2)) + "'.");
        pos += spec->ai.size() + 2;
        std::size_t end = pos;
        while (end < data.size() && !opener_length(end)) ++end;
        const std::string_view value = data.substr(pos, end - pos);
        if (auto error = check_value(*spec, value)) return *error;
        if (spec->fixed_length > 0 && value.size() != static_cast<std::size_t>(spec->fixed_length))
            return make_error(ParseErrorKind::BadLength, "AI (" + std::string(spec->ai) + ") must have exactly " +
                                                             std::to_string(spec->fixed_length) + " characters.");
        elements.emplace_back(std::string(spec->ai), std::string(value));
        pos = end;
    }
    return interpret(elements, data, today);
}

namespace {

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

}  // namespace

ParseResult parse_gs1_digital_link(std::string_view data, const Date& today) {
    const std::size_t scheme_end = data.find("://");
    if (scheme_end == std::string_view::npos)
        return make_error(ParseErrorKind::UnsupportedFormat, "Not a GS1 Digital Link URI.");
    std::string_view rest = data.substr(scheme_end + 3);
    const std::size_t path_start = rest.find('/');
    if (path_start == std::string_view::npos)
        return make_error(ParseErrorKind::MissingGtin, "The link holds no GS1 path (/01/GTIN).");
    rest = rest.substr(path_start);
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    if (const std::size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
    const auto segments = split(rest.substr(1), '/');
    // The GS1 part starts at the first "01" segment; anything before is the resolver's own path.
    std::size_t first = segments.size();
    for (std::size_t i = 0; i + 1 < segments.size(); ++i)
        if (segments[i] == "01") {
            first = i;
            break;
        }
    if (first == segments.size())
        return make_error(ParseErrorKind::MissingGtin, "The link holds no GTIN (/01/…).");
    ElementList elements;
    for (std::size_t i = first; i + 1 < segments.size(); i += 2) {
        const AiSpec* spec = find_ai(segments[i]);
        if (!spec) return make_error(ParseErrorKind::UnknownAi, "Unknown AI '" + std::string(segments[i]) + "' in link path.");
        elements.emplace_back(std::string(segments[i]), percent_decode(segments[i + 1]));
    }
    if (!query.empty())
        for (std::string_view pair : split(query, '&')) {
            const std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            const std::string_view key = pair.substr(0, eq);
            if (!all_digits(key) || !find_ai(key)) continue;  // non-AI query parameters are allowed
            elements.emplace_back(std::string(key), percent_decode(pair.substr(eq + 1)));
        }
    // GTIN-8/12/13 may appear in links without padding.
    for (auto& [ai, value] : elements)
        if (ai == "01" && value.size() < 14 && all_digits(value)) value = to_gtin14(value);
    for (const auto& [ai, value] : elements)
        if (auto error = check_value(*find_ai(ai), value)) return *error;
    return interpret(elements, data, today);
}

}  // namespace medkiosk::scanner::detail
