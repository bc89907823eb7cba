#pragma once
// A box as the scanner reports it to the donation flow: its code's text identifies it, its corners
// place it in the frame. A GS1 DataMatrix when it carries an expiry, an EAN-13 when it does not.

#include <optional>
#include <string>

#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

inline scanner::ScanEvent scanned_box(const std::string& gtin, std::optional<scanner::Date> expiry,
                                      float x = 100) {
    scanner::PackCode pack;
    pack.scheme = expiry ? scanner::Scheme::Gs1 : scanner::Scheme::Gtin;
    pack.gtin = gtin;
    pack.expiry = expiry;
    scanner::DecodedSymbol symbol;
    symbol.format = expiry ? "DataMatrix" : "EAN-13";
    symbol.text = expiry ? "01" + gtin + "17" + scanner::to_iso(*expiry) : gtin.substr(1);
    symbol.corners[0] = {x, 100};
    symbol.corners[1] = {x + 80, 100};
    symbol.corners[2] = {x + 80, 180};
    symbol.corners[3] = {x, 180};
    return scanner::ScanEvent{symbol, scanner::ParseResult(pack), 1};
}

}  // namespace medkiosk::kiosk
