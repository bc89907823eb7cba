#pragma once
// Pieces of the parser shared between the scheme-specific files; not part of the public API.

#include <optional>
#include <string>
#include <string_view>

#include "medkiosk/scanner/pack_code.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::scanner::detail {

inline ParseError make_error(ParseErrorKind kind, std::string message) {
    return ParseError{kind, std::move(message)};
}

bool all_digits(std::string_view text);
int days_in_month(int year, int month);

// Expands a GS1 two-digit year with the §7.12 sliding window around `today`.
int expand_gs1_year(int two_digit_year, const Date& today);

// YYMMDD as used by AI 11/13/15/16/17 and IFA "D": DD=00 means the month's last day.
struct ShortDate {
    Date date;
    ExpiryPrecision precision = ExpiryPrecision::Day;
};
std::optional<ShortDate> parse_yymmdd(std::string_view six_digits, const Date& today, bool allow_day_zero);

// Printable form for error messages: control characters as <GS>, <RS> …
std::string printable(std::string_view text);

// The 10-digit NDC a US drug GTIN carries (indicator + "03" + NDC10 + check), else empty.
std::string ndc_from_gtin14(std::string_view gtin14);

ParseResult parse_gs1_element_string(std::string_view data, const Date& today);
ParseResult parse_gs1_bracketed(std::string_view data, const Date& today);
ParseResult parse_gs1_digital_link(std::string_view data, const Date& today);
ParseResult parse_ifa(std::string_view data, const Date& today);

}  // namespace medkiosk::scanner::detail
