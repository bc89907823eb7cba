#pragma once
// The parsed meaning of one scanned medicine-pack code, independent of where it was read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace medkiosk::scanner {

// Gtin: a bare EAN-13/EAN-8/UPC-A/UPC-E, normalised to GTIN-14.
enum class Scheme { Gs1, Ifa, ChinaTrace, Gtin, Unknown };
enum class ExpiryPrecision { Day, Month };
enum class ParseErrorKind;

struct Date {
    int year = 0;
    int month = 0;
    int day = 0;
    friend bool operator==(const Date&, const Date&) = default;
    friend auto operator<=>(const Date&, const Date&) = default;
};

std::string to_iso(const Date& date);                       // "YYYY-MM-DD"
std::optional<Date> parse_iso_date(std::string_view text);  // strict "YYYY-MM-DD"
std::string_view to_string(Scheme scheme);                  // "gs1", "ifa", "cn-trace", "gtin", "unknown"
std::string_view to_string(ExpiryPrecision precision);      // "day", "month"
std::string_view to_string(ParseErrorKind kind);            // "empty", "bad-check-digit" …

struct PackCode {
    Scheme scheme = Scheme::Unknown;
    std::string symbology;   // AIM identifier as read, e.g. "]d2"; empty when unknown
    std::string gtin;        // GTIN-14 when the code carries one
    std::string ndc;         // US National Drug Code (10 digits, no dashes) when the GTIN carries one
    std::string product_id;  // scheme-specific product key (trace code's 7-digit prefix, PZN …)
    std::string batch;
    std::string serial;  // plain serial or whole trace code; storage hashes it, never stores it
    std::optional<Date> expiry;
    ExpiryPrecision expiry_precision = ExpiryPrecision::Day;
    std::optional<Date> production;
    std::string raw;  // the scan data as read, control characters included
    // GS1 only: the element strings as (AI, value) in input order, for technicians and the CLI.
    std::vector<std::pair<std::string, std::string>> ais;
};

enum class ParseErrorKind {
    Empty,
    UnsupportedFormat,
    BadCheckDigit,
    ImpossibleDate,
    UnknownAi,
    MissingGtin,
    ConflictingAi,
    TruncatedField,
    BadLength,
    BadCharacter,
    MissingRequisite,  // an AI the GS1 dictionary says needs another one (250 without 21, 02 without 37)
    ExclusiveAi,       // two AIs the dictionary forbids together (01 with 02, 21 with 235)
    TooLong,           // more data or more element strings than any pack symbol carries: refused unread
};

struct ParseError {
    ParseErrorKind kind = ParseErrorKind::UnsupportedFormat;
    std::string message;  // one sentence a technician can act on
};

// Either the parsed pack or why the data is not a pack code we can trust.
class ParseResult {
  public:
    ParseResult(PackCode code) : value_(std::move(code)) {}
    ParseResult(ParseError error) : value_(std::move(error)) {}
    bool ok() const { return std::holds_alternative<PackCode>(value_); }
    explicit operator bool() const { return ok(); }
    const PackCode& code() const { return std::get<PackCode>(value_); }
    PackCode& code() { return std::get<PackCode>(value_); }
    const ParseError& error() const { return std::get<ParseError>(value_); }

  private:
    std::variant<PackCode, ParseError> value_;
};

}  // namespace medkiosk::scanner
