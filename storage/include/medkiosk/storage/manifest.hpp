#pragma once
// A dispatch's manifest: what left a collection point for a clinic, as lines of alike packs, and its
// text form — the QR on the dispatch screen and on the printed packing list, which the clinic scans
// to confirm the arrival (offline too: everything the clinic needs is in the code).
//
//   MKD1|<collection point>|<dispatch uuid>|<clinic id>|<order uuid or ->|<YYYYMMDD dispatched>|
//   <line>:<product>:<YYYYMMDD expiry or ->:<category>:<packs>|…|<8 hex digits: CRC-32 of all before>
//
// Ids are lower-case letters, digits, '_' and '-'; products are GTIN-14 or letters and digits. The
// checksum catches a misread or hand-typed code; the QR's own error correction does the rest.

#include <cstdint>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"

namespace medkiosk::storage {

struct ManifestLine {
    int line = 0;         // 1..kMaxManifestLines
    std::string product;  // GTIN-14 or a product id
    std::string expiry;   // YYYY-MM-DD, or "" for packs without one (devices)
    std::string category;
    int quantity = 0;  // packs
    friend bool operator==(const ManifestLine&, const ManifestLine&) = default;
};

struct Manifest {
    std::string kiosk_id;  // the collection point that dispatched
    std::string dispatch_uuid;
    std::string clinic_id;
    std::string order_uuid;     // "" when the dispatch fulfils no order
    std::string dispatched_on;  // YYYY-MM-DD
    std::vector<ManifestLine> lines;
    int packs() const;
    friend bool operator==(const Manifest&, const Manifest&) = default;
};

// Enough for a van's load of distinct products, and small enough for a QR a camera reads from a
// screen or an A4 page.
inline constexpr int kMaxManifestLines = 60;

std::string encode_manifest(const Manifest& manifest);
// A manifest, or Invalid with what is wrong ("not a medkiosk manifest", "checksum does not match" …).
Result<Manifest> decode_manifest(const std::string& text);
// True when `text` starts like a manifest (for telling it from a pack's barcode).
bool looks_like_manifest(const std::string& text);

}  // namespace medkiosk::storage
