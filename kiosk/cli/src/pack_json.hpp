#pragma once
// One JSON shape for a parsed pack code, shared by `medkioskctl scan` and `medkioskctl parse`.

#include <cstddef>
#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::cli {

// {"ok", "scheme", "ais" (GS1), "gtin", "ndc", "expiry", "expiry_precision", "production", "batch", "serial",
//  "product_id"} or {"ok": false, "error", "error_kind"}; keys are absent when unknown.
nlohmann::ordered_json pack_to_json(const scanner::ParseResult& parsed);
// The same fields appended to an object that already has its own leading keys ("input", "file").
void append_pack_fields(nlohmann::ordered_json& out, const scanner::ParseResult& parsed);

// One scan line from stdin without its end-of-line (LF or CRLF), keeping only what the parser may read
// (a symbology identifier and one byte more than a scan can hold, so it still refuses it): a line of
// gigabytes costs neither memory nor time. `bytes` is the line's whole length. False at the end.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t& bytes);

// json::dump that never throws on invalid UTF-8 in scanned data (replaces it with U+FFFD).
std::string dump_line(const nlohmann::ordered_json& value);

// For the human-readable output: control characters as <GS>/<RS>/<EOT>; "gs1 gtin=… expiry=…" or "ERROR: …".
std::string show_controls(const std::string& text);
std::string pack_summary(const scanner::ParseResult& parsed);

}  // namespace medkiosk::cli
