#pragma once
// Shared by the parser fuzz targets: parse, then check what must hold for every accepted code.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::fuzz {

inline void check_invariants(const scanner::ParseResult& result) {
    using namespace medkiosk::scanner;
    if (!result.ok()) {
        if (result.error().message.empty()) __builtin_trap();  // every rejection says why
        if (to_string(result.error().kind) == "unknown") __builtin_trap();
        return;
    }
    const PackCode& code = result.code();
    if (!code.gtin.empty() && (code.gtin.size() != 14 || !gtin_check_digit_ok(code.gtin))) __builtin_trap();
    if (code.expiry && !parse_iso_date(to_iso(*code.expiry))) __builtin_trap();  // a real calendar date
    if (code.production && !parse_iso_date(to_iso(*code.production))) __builtin_trap();
    if (!code.ndc.empty() && code.ndc.size() != 10) __builtin_trap();
    if (to_string(code.scheme) == "unknown") __builtin_trap();
}

inline scanner::Date fuzz_today() {
    return scanner::Date{2025, 6, 1};
}

}  // namespace medkiosk::fuzz
