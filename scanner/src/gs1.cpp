// GS1 element strings (AIM ]d2 ]d8 ]C1 ]e0 ]Q3), the bracketed human-readable form and Digital Link URIs.

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <iterator>
#include <utility>
#include <vector>

#include "gs1_ai_table.hpp"
#include "parse_internal.hpp"

namespace medkiosk::scanner::detail {
namespace {

constexpr char kGs = '\x1d';

bool is_one_of(std::string_view ai, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), ai) != set.end();
}

using ElementList = std::vector<std::pair<std::string, std::string>>;

bool has(const ElementList& elements, std::string_view ai) {
    return std::any_of(elements.begin(), elements.end(), [&](const auto& e) { return e.first == ai; });
}

template <typename Set>
bool has_any(const ElementList& elements, const Set& set) {
    return std::any_of(set.begin(), set.end(), [&](std::string_view ai) { return has(elements, ai); });
}

bool is_measure(std::string_view ai) {
    return ai.size() == 4 && ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6';
}

// The GS1 syntax dictionary's requisite ("req") and invalid-pairing ("ex") rules for the AIs a
// medicine pack, its carton or its shipper can carry.
std::optional<ParseError> check_pairings(const ElementList& elements) {
    static constexpr std::array<std::string_view, 5> kTradeItemKeys = {"01", "02", "03", "8006", "8026"};
    for (const auto& [ai, value] : elements) {
        const bool needs_trade_item =
            is_one_of(ai, {"10",   "11",   "12",   "13",   "15",   "16",   "17",   "20",   "22",   "235",
                           "240",  "241",  "242",  "243",  "250",  "251",  "30",   "7003", "7004", "7005",
                           "7006", "7007", "7008", "7009", "7010", "7011", "7020", "7021", "7022", "7023",
                           "710",  "711",  "712",  "713",  "714",  "715",  "716",  "8005"}) ||
            is_measure(ai);
        if (needs_trade_item && !has_any(elements, kTradeItemKeys))
            return make_error(ParseErrorKind::MissingGtin,
                              "AI (" + ai + ") is present without the GTIN (01) it belongs to.");
        if (ai == "21" && !has_any(elements, std::array<std::string_view, 3>{"01", "03", "8006"}))
            return make_error(ParseErrorKind::MissingGtin,
                              "AI (21) serial number is present without the GTIN (01) it belongs to.");
        if (ai == "250" && !has(elements, "21"))
            return make_error(ParseErrorKind::MissingRequisite,
                              "AI (250) secondary serial number needs the serial number (21).");
        if (ai == "02" && !has(elements, "37"))
            return make_error(ParseErrorKind::MissingRequisite,
                              "AI (02) contained GTIN needs the count of trade items (37).");
        if (ai == "37" && !has_any(elements, std::array<std::string_view, 2>{"02", "8026"}))
            return make_error(ParseErrorKind::MissingRequisite,
                              "AI (37) count of trade items needs the contained GTIN (02).");
        if (ai == "254" && !has(elements, "414"))
            return make_error(ParseErrorKind::MissingRequisite,
                              "AI (254) GLN extension needs the GLN (414).");
        if (ai.size() == 4 && (ai.substr(0, 3) == "392" || ai.substr(0, 3) == "393") && !has(elements, "01"))
            return make_error(ParseErrorKind::MissingGtin,
                              "AI (" + ai + ") amount payable needs the GTIN (01).");
    }
    static constexpr std::pair<std::string_view, std::string_view> kExclusive[] = {
        {"01", "02"},   {"01", "37"},   {"01", "03"},  {"02", "03"},     {"01", "8006"},
        {"01", "8026"}, {"02", "8026"}, {"21", "235"}, {"394n", "8111"}, {"3955", "8111"}};
    for (const auto& [a, b] : kExclusive) {
        const bool has_a = a == "394n"
                               ? std::any_of(elements.begin(), elements.end(),
                                             [](const auto& e) { return e.first.substr(0, 3) == "394"; })
                               : has(elements, a);
        if (has_a && has(elements, b))
            return make_error(ParseErrorKind::ExclusiveAi, "AIs (" + std::string(a) + ") and (" +
                                                               std::string(b) +
                                                               ") must not appear in the same code.");
    }
    // One measure in one unit: (3102) net weight and (3103) net weight together is contradictory.
    for (std::size_t i = 0; i < elements.size(); ++i)
        for (std::size_t j = i + 1; j < elements.size(); ++j) {
            const std::string& a = elements[i].first;
            const std::string& b = elements[j].first;
            if (a != b && a.size() == 4 && b.size() == 4 && a.substr(0, 3) == b.substr(0, 3) &&
                (is_measure(a) || a.substr(0, 2) == "39"))
                return make_error(
                    ParseErrorKind::ExclusiveAi,
                    "AIs (" + a + ") and (" + b + ") state the same quantity twice with different decimals.");
        }
    return std::nullopt;
}

ParseError too_many_elements() {
    return make_error(ParseErrorKind::TooLong, "The code holds more than " + std::to_string(kMaxGs1Elements) +
                                                   " GS1 element strings; no pack code carries that many.");
}

// Checks the AI list as a whole and fills the pack code.
ParseResult interpret(const ElementList& elements, std::string_view raw, const Date& today) {
    PackCode code;
    code.scheme = Scheme::Gs1;
    code.raw = std::string(raw);
    std::optional<ShortDate> expiry_17;
    std::optional<Date> expiry_7003;

    for (const auto& element : elements) {
        const std::string& ai = element.first;
        const std::string& value = element.second;
        auto previous =
            std::find_if(code.ais.begin(), code.ais.end(), [&](const auto& e) { return e.first == ai; });
        // The same AI again with the same value is allowed and kept, so `ais` shows the code as
        // printed; its meaning was taken from the first occurrence.
        const bool repeated = previous != code.ais.end();
        if (repeated && previous->second != value)
            return make_error(ParseErrorKind::ConflictingAi,
                              "AI (" + ai + ") appears twice with different values ('" +
                                  printable(previous->second) + "' and '" + printable(value) + "').");
        code.ais.emplace_back(ai, value);
        if (repeated) continue;

        const bool whole_value_is_key = is_one_of(ai, {"00", "01", "02", "03", "8017", "8018"}) ||
                                        (ai.size() == 3 && ai[0] == '4' && ai[1] == '1');
        const bool key_prefix_13 = is_one_of(ai, {"253", "255"});
        const bool key_prefix_14 = is_one_of(ai, {"8003", "8006", "8026"});
        if (whole_value_is_key || key_prefix_13 || key_prefix_14) {
            const std::string_view key = key_prefix_13   ? std::string_view(value).substr(0, 13)
                                         : key_prefix_14 ? std::string_view(value).substr(0, 14)
                                                         : std::string_view(value);
            if (!gtin_check_digit_ok(key))
                return make_error(ParseErrorKind::BadCheckDigit,
                                  "AI (" + ai + ") " + std::string(key) +
                                      " fails its check digit; the code is misread or forged.");
            if (ai == "01") code.gtin = value;
        } else if (is_one_of(ai, {"11", "12", "13", "15", "16", "17", "4326", "7006"})) {
            auto date = parse_yymmdd(value, today, ai != "4326" && ai != "7006");
            if (!date)
                return make_error(ParseErrorKind::ImpossibleDate,
                                  "AI (" + ai + ") " + value + " is not a real date (YYMMDD).");
            if (ai == "17") expiry_17 = date;
            if (ai == "11") code.production = date->date;
        } else if (ai == "7003" || ai == "4324" || ai == "4325") {
            auto date = parse_yymmdd(std::string_view(value).substr(0, 6), today, false);
            const int hour = (value[6] - '0') * 10 + (value[7] - '0');
            const int minute = (value[8] - '0') * 10 + (value[9] - '0');
            const bool unset = ai != "7003" && value.substr(6) == "9999";  // 43xx: time not given
            if (!date || (!unset && (hour > 23 || minute > 59)))
                return make_error(ParseErrorKind::ImpossibleDate,
                                  "AI (" + ai + ") " + value +
                                      " is not a real date and time (YYMMDDhhmm, day 00 not allowed).");
            if (ai == "7003") expiry_7003 = date->date;
        } else if (ai == "7007") {
            for (std::size_t at = 0; at < value.size(); at += 6)
                if (!parse_yymmdd(std::string_view(value).substr(at, 6), today, false))
                    return make_error(ParseErrorKind::ImpossibleDate,
                                      "AI (7007) " + value + " is not a real date (range).");
        } else if (ai == "10") {
            code.batch = value;
        } else if (ai == "21") {
            code.serial = value;
        } else if (ai.size() == 3 && ai[0] == '7' && ai[1] == '1') {
            if (code.product_id.empty()) code.product_id = value;  // national reimbursement number
        }
    }
    if (auto error = check_pairings(code.ais)) return *error;
    if (expiry_17) {
        code.expiry = expiry_17->date;
        code.expiry_precision = expiry_17->precision;
    } else if (expiry_7003) {
        code.expiry = expiry_7003;
        code.expiry_precision = ExpiryPrecision::Day;
    }
    code.ndc = ndc_from_gtin14(code.gtin);
    return code;
}

}  // namespace

ParseResult parse_gs1_element_string(std::string_view data, const Date& today) {
    ElementList elements;
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data[pos] == kGs) {  // leading, doubled or trailing separator
            ++pos;
            continue;
        }
        const AiDefinition* definition = match_ai_prefix(data.substr(pos));
        if (!definition)
            return make_error(ParseErrorKind::UnknownAi, "Unknown GS1 application identifier at position " +
                                                             std::to_string(pos + 1) + " ('" +
                                                             printable(data.substr(pos, 4)) + "…').");
        pos += definition->ai.size();
        std::string_view value;
        if (definition->predefined_length > 0) {
            value = data.substr(pos, static_cast<std::size_t>(definition->predefined_length));
            if (const std::size_t separator = value.find(kGs); separator != std::string_view::npos)
                value = value.substr(0, separator);
            pos += value.size();
        } else {
            const std::size_t end = std::min(data.find(kGs, pos), data.size());
            value = data.substr(pos, end - pos);
            pos = end;
        }
        if (auto error = check_ai_value(*definition, value)) return *error;
        if (elements.size() == kMaxGs1Elements) return too_many_elements();
        elements.emplace_back(definition->ai, std::string(value));
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
        const AiDefinition* definition =
            ai_length ? find_ai_definition(data.substr(pos + 1, ai_length)) : nullptr;
        if (!definition)
            return make_error(
                ParseErrorKind::UnknownAi,
                "Unknown GS1 application identifier '" + printable(data.substr(pos, ai_length + 2)) + "'.");
        pos += definition->ai.size() + 2;
        std::size_t end = pos;
        while (end < data.size() && !opener_length(end)) ++end;
        const std::string_view value = data.substr(pos, end - pos);
        if (auto error = check_ai_value(*definition, value)) return *error;
        if (elements.size() == kMaxGs1Elements) return too_many_elements();
        elements.emplace_back(definition->ai, std::string(value));
        pos = end;
    }
    return interpret(elements, data, today);
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
        i += 2;
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

// Digital Link 1.0 convenience names, still printed on older packs.
std::string_view ai_for_key(std::string_view key) {
    static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
        {"gtin", "01"}, {"cpv", "22"},     {"lot", "10"}, {"ser", "21"},
        {"exp", "17"},  {"expdt", "7003"}, {"bbd", "15"}, {"prodDate", "11"}};
    for (const auto& [alias, ai] : kAliases)
        if (alias == key) return ai;
    return key;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

}  // namespace

ParseResult parse_gs1_digital_link(std::string_view data, const Date& today) {
    if (!starts_with_ci(data, "https://") && !starts_with_ci(data, "http://"))
        return make_error(ParseErrorKind::UnsupportedFormat,
                          "A GS1 Digital Link starts with http:// or https://.");
    std::string_view rest = data.substr(data.find("://") + 3);
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    const std::size_t path_start = rest.find('/');
    if (path_start == std::string_view::npos || path_start == 0)
        return make_error(ParseErrorKind::MissingGtin, "The link holds no GS1 path (/01/GTIN).");
    rest = rest.substr(path_start);
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::vector<std::string_view> segments = split(rest.substr(1), '/');
    while (!segments.empty() && segments.back().empty()) segments.pop_back();  // trailing slash
    // The GS1 part starts at the GTIN key; anything before it is the resolver's own path.
    std::size_t first = segments.size();
    for (std::size_t i = 0; i + 1 < segments.size(); ++i)
        if (ai_for_key(segments[i]) == "01") {
            first = i;
            break;
        }
    if (first == segments.size())
        return make_error(ParseErrorKind::MissingGtin,
                          "The link holds no GTIN (/01/…): it does not identify a pack.");
    if ((segments.size() - first) % 2 != 0)
        return make_error(
            ParseErrorKind::TruncatedField,
            "The link path ends with '" + printable(segments.back()) + "' and no value for it.");
    ElementList elements;
    // Key qualifiers of a GTIN in the path: 22, then 10, then 21, each optional.
    constexpr std::string_view kQualifierOrder[] = {"01", "22", "10", "21"};
    std::size_t last_rank = 0;
    for (std::size_t i = first; i < segments.size(); i += 2) {
        const std::string ai(ai_for_key(segments[i]));
        if (!find_ai_definition(ai))
            return make_error(ParseErrorKind::UnknownAi,
                              "Unknown AI '" + printable(segments[i]) + "' in the link path.");
        const auto rank =
            static_cast<std::size_t>(std::find(std::begin(kQualifierOrder), std::end(kQualifierOrder), ai) -
                                     std::begin(kQualifierOrder));
        if (rank == std::size(kQualifierOrder))
            return make_error(ParseErrorKind::UnsupportedFormat,
                              "AI (" + ai +
                                  ") may not be in the link path after a GTIN; only 22, 10 and 21 may, or it "
                                  "goes in the query.");
        if (i > first && rank <= last_rank)
            return make_error(ParseErrorKind::UnsupportedFormat,
                              "The link path has its qualifiers out of order: after /01/ come /22/, /10/, "
                              "/21/ in that order.");
        last_rank = rank;
        auto value = percent_decode(segments[i + 1]);
        if (!value)
            return make_error(ParseErrorKind::BadCharacter,
                              "The link path has a broken %-escape in '" + printable(segments[i + 1]) + "'.");
        elements.emplace_back(ai, std::move(*value));
    }
    if (!query.empty())
        for (std::string_view pair : split(query, '&')) {
            if (pair.empty()) continue;
            const std::size_t eq = pair.find('=');
            const std::string_view key = ai_for_key(pair.substr(0, eq));
            if (!all_digits(key)) continue;  // linkType, context … are not GS1 data
            if (!find_ai_definition(key))
                return make_error(ParseErrorKind::UnknownAi,
                                  "Unknown AI '" + printable(key) + "' in the link query.");
            if (eq == std::string_view::npos)
                return make_error(ParseErrorKind::TruncatedField,
                                  "AI (" + std::string(key) + ") in the link query has no value.");
            if (key == "01")
                return make_error(ParseErrorKind::UnsupportedFormat,
                                  "The GTIN belongs in the link path, not the query.");
            // 22, 10 and 21 qualify the GTIN: Digital Link puts them in the path or not at all.
            if (is_one_of(key, {"22", "10", "21"}))
                return make_error(
                    ParseErrorKind::UnsupportedFormat,
                    "AI (" + std::string(key) +
                        ") qualifies the GTIN, so it belongs in the link path (/01/…/22/…/10/…/21/…), "
                        "not in the query.");
            if (elements.size() == kMaxGs1Elements) return too_many_elements();
            auto value = percent_decode(pair.substr(eq + 1));
            if (!value)
                return make_error(ParseErrorKind::BadCharacter, "The link query has a broken %-escape.");
            elements.emplace_back(std::string(key), std::move(*value));
        }
    // The path's GTIN is AI 01 itself, always 14 digits: a shorter GTIN is written padded with zeros.
    for (const auto& [ai, value] : elements)
        if (ai == "01" && value.size() != 14)
            return make_error(ParseErrorKind::BadLength,
                              "The GTIN in a Digital Link has 14 digits (a GTIN-8, -12 or -13 padded with "
                              "leading zeros); this one has " +
                                  std::to_string(value.size()) + ": '" + printable(value) + "'.");
    for (const auto& [ai, value] : elements)
        if (auto error = check_ai_value(*find_ai_definition(ai), value)) return *error;
    return interpret(elements, data, today);
}

}  // namespace medkiosk::scanner::detail
