#pragma once
// Turns scan data (as a reader delivers it, with its AIM symbology identifier) into a PackCode.

#include <cstddef>
#include <string_view>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner {

// The most any symbol a pack carries can hold (a version 40 QR Code of digits); longer input is
// refused before it is read.
inline constexpr std::size_t kMaxScanBytes = 7089;
// The most element strings one GS1 code may hold (the limit the GS1 Barcode Syntax Engine applies);
// more is refused, repeated AIs included.
inline constexpr std::size_t kMaxGs1Elements = 64;

// `data` is the decoded text with GS (0x1D), RS (0x1E), EOT (0x04) as raw bytes.
// `symbology` is the AIM identifier ("]d2", "]E0", "]C0" …) or empty when unknown, in which case the
// scheme is inferred from the data (bracketed GS1 "(01)…", "[)>" IFA, 20-digit trace code, 8/12/13 digits).
// `today` anchors the GS1 two-digit-year century window.
ParseResult parse_scan(std::string_view data, std::string_view symbology, const Date& today);

// Splits an optional leading AIM identifier ("]d2…") off a line of input.
struct SplitScan {
    std::string_view symbology;
    std::string_view data;
};
SplitScan split_symbology(std::string_view line);

bool gtin_check_digit_ok(std::string_view digits);  // any GTIN length 8/12/13/14
std::string to_gtin14(std::string_view digits);     // left-pads EAN-8/UPC-A/EAN-13 to 14 digits
Date last_day_of_month(int year, int month);

}  // namespace medkiosk::scanner
