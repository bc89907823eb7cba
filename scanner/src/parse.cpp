// Entry point of the parser: picks the scheme from the AIM identifier or, without one, from the data.

#include "medkiosk/scanner/parse.hpp"

#include <cctype>
#include <cstdio>

#include "parse_internal.hpp"

namespace medkiosk::scanner {

std::string_view to_string(Scheme scheme) {
    switch (scheme) {
        case Scheme::Gs1:
            return "gs1";
        case Scheme::Ifa:
            return "ifa";
        case Scheme::ChinaTrace:
            return "cn-trace";
        case Scheme::Gtin:
            return "gtin";
        case Scheme::Unknown:
            break;
    }
    return "unknown";
}

std::string_view to_string(ExpiryPrecision precision) {
    return precision == ExpiryPrecision::Month ? "month" : "day";
}

std::string_view to_string(ParseErrorKind kind) {
    switch (kind) {
        case ParseErrorKind::Empty:
            return "empty";
        case ParseErrorKind::UnsupportedFormat:
            return "unsupported-format";
        case ParseErrorKind::BadCheckDigit:
            return "bad-check-digit";
        case ParseErrorKind::ImpossibleDate:
            return "impossible-date";
        case ParseErrorKind::UnknownAi:
            return "unknown-ai";
        case ParseErrorKind::MissingGtin:
            return "missing-gtin";
        case ParseErrorKind::ConflictingAi:
            return "conflicting-ai";
        case ParseErrorKind::TruncatedField:
            return "truncated-field";
        case ParseErrorKind::BadLength:
            return "bad-length";
        case ParseErrorKind::BadCharacter:
            return "bad-character";
        case ParseErrorKind::MissingRequisite:
            return "missing-requisite";
        case ParseErrorKind::ExclusiveAi:
            return "exclusive-ai";
        case ParseErrorKind::TooLong:
            return "too-long";
    }
    return "unknown";
}

namespace detail {

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string ndc_from_gtin14(std::string_view gtin14) {
    if (gtin14.size() != 14 || !all_digits(gtin14) || gtin14.substr(1, 2) != "03") return {};
    return std::string(gtin14.substr(3, 10));
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '\x1d':
                out += "<GS>";
                break;
            case '\x1e':
                out += "<RS>";
                break;
            case '\x04':
                out += "<EOT>";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "<%02X>", static_cast<unsigned char>(c));
                    out += buffer;
                } else {
                    out.push_back(c);
                }
        }
    }
    return out;
}

}  // namespace detail

using detail::all_digits;
using detail::make_error;

bool gtin_check_digit_ok(std::string_view digits) {
    if (!all_digits(digits) || digits.size() < 8 || digits.size() > 18) return false;
    int sum = 0;
    int weight = 3;
    for (std::size_t i = digits.size() - 1; i-- > 0;) {
        sum += (digits[i] - '0') * weight;
        weight = weight == 3 ? 1 : 3;
    }
    return (10 - sum % 10) % 10 == digits.back() - '0';
}

std::string to_gtin14(std::string_view digits) {
    if (digits.size() >= 14) return std::string(digits);
    return std::string(14 - digits.size(), '0') + std::string(digits);
}

SplitScan split_symbology(std::string_view line) {
    if (line.size() >= 3 && line[0] == ']' && line[1] >= 'A' && line[1] <= 'z')
        return {line.substr(0, 3), line.substr(3)};
    return {{}, line};
}

namespace {

// UPC-E (number system, six digits, check) to the UPC-A it abbreviates.
std::optional<std::string> expand_upce(std::string_view upce) {
    if (upce.size() != 8 || !all_digits(upce) || (upce[0] != '0' && upce[0] != '1')) return std::nullopt;
    const std::string_view d = upce.substr(1, 6);
    std::string body;
    switch (d[5]) {
        case '0':
        case '1':
        case '2':
            body = std::string(d.substr(0, 2)) + d[5] + "0000" + std::string(d.substr(2, 3));
            break;
        case '3':
            body = std::string(d.substr(0, 3)) + "00000" + std::string(d.substr(3, 2));
            break;
        case '4':
            body = std::string(d.substr(0, 4)) + "00000" + d[4];
            break;
        default:
            body = std::string(d.substr(0, 5)) + "0000" + d[5];
            break;
    }
    return std::string(1, upce[0]) + body + upce[7];
}

ParseResult parse_retail(std::string_view data, std::string_view symbology) {
    std::string digits(data);
    if (!all_digits(digits))
        return make_error(ParseErrorKind::BadCharacter, "EAN/UPC data must be digits only.");
    const bool upce = digits.size() == 8 && symbology == "]E0";
    if (upce) {
        auto expanded = expand_upce(digits);
        if (!expanded) return make_error(ParseErrorKind::BadCharacter, "UPC-E number system must be 0 or 1.");
        digits = *expanded;
    }
    if (digits.size() != 8 && digits.size() != 12 && digits.size() != 13 && digits.size() != 14)
        return make_error(ParseErrorKind::BadLength, "EAN/UPC data must have 8, 12, 13 or 14 digits, not " +
                                                         std::to_string(digits.size()) + ".");
    if (!gtin_check_digit_ok(digits))
        return make_error(ParseErrorKind::BadCheckDigit,
                          "EAN/UPC " + std::string(data) + " fails its check digit.");
    PackCode code;
    code.scheme = Scheme::Gtin;
    code.gtin = to_gtin14(digits);
    code.ndc = detail::ndc_from_gtin14(code.gtin);
    return code;
}

ParseResult parse_china_trace(std::string_view data) {
    if (!all_digits(data))
        return make_error(ParseErrorKind::BadCharacter,
                          "A Chinese drug trace code is 20 digits; this one has other characters.");
    if (data.size() != 20)
        return make_error(ParseErrorKind::BadLength, "A Chinese drug trace code has 20 digits, not " +
                                                         std::to_string(data.size()) + ".");
    if (data[0] != '8')
        return make_error(ParseErrorKind::UnsupportedFormat,
                          "A 20-digit Chinese drug trace code starts with 8.");
    PackCode code;
    code.scheme = Scheme::ChinaTrace;
    code.product_id = std::string(data.substr(0, 7));
    code.serial = std::string(data);
    return code;
}

bool is_gs1_symbology(std::string_view symbology) {
    return symbology == "]d2" || symbology == "]d8" || symbology == "]C1" || symbology == "]e0" ||
           symbology == "]Q3" || symbology == "]J1";
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// RFC 3986: the scheme is case-insensitive ("Https://" is as good a link as "https://").
bool starts_with_ci(std::string_view text, std::string_view lower_prefix) {
    if (text.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != lower_prefix[i]) return false;
    return true;
}

bool looks_like_link(std::string_view data) {
    return starts_with_ci(data, "http://") || starts_with_ci(data, "https://");
}

ParseResult dispatch(std::string_view data, std::string_view symbology, const Date& today) {
    if (is_gs1_symbology(symbology)) {
        // zxing 1.4 returns DataBar Expanded in the bracketed form.
        if (!data.empty() && data[0] == '(') return detail::parse_gs1_bracketed(data, today);
        // And a plain DataBar as the bare 14 digits of its GTIN, without the AI (01) the symbol implies.
        if (symbology == "]e0" && data.size() == 14 && all_digits(data))
            return detail::parse_gs1_element_string("01" + std::string(data), today);
        return detail::parse_gs1_element_string(data, today);
    }
    if (symbology == "]E0" || symbology == "]E4" || symbology == "]E3" || symbology == "]X0")
        return parse_retail(data, symbology);
    if (starts_with(data, "[)>")) return detail::parse_ifa(data, today);
    if (looks_like_link(data)) return detail::parse_gs1_digital_link(data, today);
    if (symbology == "]C0" || symbology == "]C2" || symbology == "]C4") {
        if (all_digits(data) && data.size() == 20 && data[0] == '8') return parse_china_trace(data);
        return make_error(ParseErrorKind::UnsupportedFormat,
                          "Plain Code 128 data that is not a 20-digit trace code starting with 8: '" +
                              detail::printable(data) + "'.");
    }
    if (!symbology.empty() && symbology != "]d1" && symbology != "]Q1" && symbology != "]Q0")
        return make_error(ParseErrorKind::UnsupportedFormat,
                          "Symbology " + std::string(symbology) + " is not used for medicine packs.");

    // No (useful) identifier: infer from the data, as a keyboard-wedge scanner or manual entry gives it.
    if (!data.empty() && data[0] == '(') return detail::parse_gs1_bracketed(data, today);
    if (all_digits(data)) {
        if (data.size() == 20 && data[0] == '8') return parse_china_trace(data);
        if (data.size() == 8 || data.size() == 12 || data.size() == 13 || data.size() == 14)
            return parse_retail(data, symbology);
        // A bare (01) GTIN is 16 digits: a technician typing the element string under a DataMatrix.
        if (data.size() >= 16 && starts_with(data, "01"))
            return detail::parse_gs1_element_string(data, today);
        if (data.size() == 20) return parse_china_trace(data);
    }
    if (data.find('\x1d') != std::string_view::npos && data.size() > 2 && all_digits(data.substr(0, 2)))
        return detail::parse_gs1_element_string(data, today);
    if (starts_with(data, "01") && data.size() >= 16 && all_digits(data.substr(0, 16)))
        return detail::parse_gs1_element_string(data, today);
    // Element strings typed in another order ("17…01…10…"): taken only when they read as GS1 in full,
    // with a GTIN whose check digit holds, so other text still gets the message below.
    if (data.size() > 2 && all_digits(data.substr(0, 2)))
        if (ParseResult gs1 = detail::parse_gs1_element_string(data, today);
            gs1.ok() && !gs1.code().gtin.empty())
            return gs1;
    return make_error(ParseErrorKind::UnsupportedFormat,
                      "Not a medicine pack code we know (GS1, IFA, EAN/UPC or Chinese trace code): '" +
                          detail::printable(data.substr(0, 40)) +
                          "'. Scan the code again, or type a GS1 code as (01)GTIN(17)YYMMDD(10)BATCH.");
}

}  // namespace

ParseResult parse_scan(std::string_view data, std::string_view symbology, const Date& today) {
    if (data.empty()) return make_error(ParseErrorKind::Empty, "The scan holds no data (an empty line).");
    // Checked before anything is read, so a flood (a 10 MB line, a run of separators) costs nothing.
    if (data.size() > kMaxScanBytes)
        return make_error(ParseErrorKind::TooLong,
                          "The scan holds more than " + std::to_string(kMaxScanBytes) +
                              " bytes, more than any pack symbol can hold: refused unread (a scanner sending "
                              "several codes as one line?).");
    try {
        ParseResult result = dispatch(data, symbology, today);
        if (result.ok()) {
            result.code().symbology = std::string(symbology);
            result.code().raw = std::string(data);
        }
        return result;
    } catch (const std::exception& e) {  // defensive: std::stoi and allocation are the only throwers
        return make_error(ParseErrorKind::UnsupportedFormat,
                          std::string("Could not parse the scan: ") + e.what());
    }
}

}  // namespace medkiosk::scanner
