#pragma once
// A dispatch's manifest: what left a collection point for a clinic, as lines of alike packs, and its
// text form — the QR on the dispatch screen and on the printed packing list, which the clinic scans
// to confirm the arrival (offline too: everything the clinic needs is in the code).
//
//   MKD2|<collection point>|<dispatch uuid>|<clinic id>|<order uuid or ->|<YYYYMMDD dispatched>|
//   <line>:<product>:<YYYYMMDD expiry or ->:<category>:<packs>|…|<8 hex digits: CRC-32 of all before>|
//   <128 hex digits: the collection point's Ed25519 signature of all before the last '|'>
//
// Ids are lower-case letters, digits, '_' and '-'; products are GTIN-14 or letters and digits. The
// checksum catches a misread or hand-typed code; the QR's own error correction does the rest. The
// signature (kiosk_key.hpp) is what lets a clinic trust a printed list: without it anyone could print
// a manifest for packs that never left a collection point. MKD1 is the same without the signature,
// as printed before manifests were signed; it still reads, as unsigned.

#include <cstdint>
#include <filesystem>
#include <optional>
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
    std::string signature;  // 128 hex digits (MKD2), "" for an unsigned manifest (MKD1)
    int packs() const;
    friend bool operator==(const Manifest&, const Manifest&) = default;
};

// Enough for a van's load of distinct products, and small enough for a QR a camera reads from a
// screen or an A4 page.
inline constexpr int kMaxManifestLines = 60;
// The most bytes a QR code holds at error correction level M (version 40): a longer manifest could
// not be printed or shown, so a dispatch that would need one is refused.
inline constexpr std::size_t kMaxManifestBytes = 2331;

// MKD2 with the signature when `manifest.signature` is set, else the unsigned MKD1 form.
std::string encode_manifest(const Manifest& manifest);
// What the collection point signs: the MKD2 text up to and including the checksum.
std::string manifest_signed_part(const Manifest& manifest);
// Signs with the kiosk's key (created when absent), setting `manifest.signature`.
Result<void> sign_manifest(Manifest& manifest, const std::filesystem::path& key_file);

enum class ManifestSignature {
    Valid,       // signed by the key the hub holds for its collection point
    Unsigned,    // an MKD1 list, printed before manifests were signed, from a collection point whose key
                 // this device does not have
    KeyUnknown,  // this device has not yet received that collection point's key from the hub
    Invalid,     // changed after signing, signed by another key, or unsigned although its collection
                 // point's key is known: not what the collection point sent
};
// `public_key_hex`: the key the hub fed for `manifest.kiosk_id`, if this device has it.
ManifestSignature check_manifest_signature(const Manifest& manifest,
                                           const std::optional<std::string>& public_key_hex);
// A manifest, or Invalid with what is wrong ("not a medkiosk manifest", "checksum does not match" …).
Result<Manifest> decode_manifest(const std::string& text);
// True when `text` starts like a manifest (for telling it from a pack's barcode).
bool looks_like_manifest(const std::string& text);

}  // namespace medkiosk::storage
