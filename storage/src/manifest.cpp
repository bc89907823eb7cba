#include "medkiosk/storage/manifest.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <string_view>

#include "medkiosk/iso_date.hpp"
#include "medkiosk/storage/kiosk_key.hpp"

namespace medkiosk::storage {
namespace {

constexpr std::string_view kUnsignedMagic = "MKD1";
constexpr std::string_view kSignedMagic = "MKD2";
constexpr std::size_t kSignatureDigits = 128;

std::uint32_t crc32(std::string_view text) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : text) crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

bool is_id(const std::string& text) {
    return !text.empty() && text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool is_product(const std::string& text) {
    return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

bool is_uuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

// YYYYMMDD ↔ YYYY-MM-DD.
std::string compact_date(const std::string& iso) {
    if (iso.size() != 10) return {};
    std::string compact = iso.substr(0, 4);
    compact.append(iso, 5, 2).append(iso, 8, 2);
    return compact;
}
std::string iso_date(const std::string& compact) {
    if (compact.size() != 8 ||
        !std::all_of(compact.begin(), compact.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return {};
    std::string iso = compact.substr(0, 4) + "-" + compact.substr(4, 2) + "-" + compact.substr(6, 2);
    // A real calendar day: the hub refuses 31 February, and a list it cannot take must not be stocked.
    return is_iso_date(iso) ? iso : std::string();
}

Error invalid(const std::string& why) {
    return Error{ErrorCode::Invalid, "not a valid dispatch manifest: " + why};
}

}  // namespace

int Manifest::packs() const {
    int total = 0;
    for (const auto& line : lines) total += line.quantity;
    return total;
}

bool looks_like_manifest(const std::string& text) {
    return text.rfind(std::string(kUnsignedMagic) + "|", 0) == 0 ||
           text.rfind(std::string(kSignedMagic) + "|", 0) == 0;
}

namespace {
std::string encode_checked(const Manifest& manifest, std::string_view magic) {
    // Appended piece by piece: GCC 12 warns (wrongly, -Wrestrict) on long chains of operator+.
    std::string text(magic);
    for (const std::string* field : {&manifest.kiosk_id, &manifest.dispatch_uuid, &manifest.clinic_id}) {
        text += '|';
        text += *field;
    }
    text += '|';
    text += manifest.order_uuid.empty() ? std::string("-") : manifest.order_uuid;
    text += '|';
    text += compact_date(manifest.dispatched_on);
    for (const auto& line : manifest.lines) {
        text += '|';
        text += std::to_string(line.line);
        text += ':';
        text += line.product;
        text += ':';
        text += line.expiry.empty() ? std::string("-") : compact_date(line.expiry);
        text += ':';
        text += line.category;
        text += ':';
        text += std::to_string(line.quantity);
    }
    text += '|';
    char check[16];
    std::snprintf(check, sizeof check, "%08x", crc32(text));
    text += check;
    return text;
}
}  // namespace

std::string manifest_signed_part(const Manifest& manifest) {
    return encode_checked(manifest, kSignedMagic);
}

std::string encode_manifest(const Manifest& manifest) {
    if (manifest.signature.empty()) return encode_checked(manifest, kUnsignedMagic);
    return manifest_signed_part(manifest) + "|" + manifest.signature;
}

Result<void> sign_manifest(Manifest& manifest, const std::filesystem::path& key_file) {
    auto signature = sign_with_kiosk_key(key_file, manifest_signed_part(manifest));
    if (!signature) return signature.error();
    manifest.signature = std::move(signature).value();
    return {};
}

ManifestSignature check_manifest_signature(const Manifest& manifest,
                                           const std::optional<std::string>& public_key_hex) {
    // A collection point whose key is known signs every list: an unsigned one naming it is a forgery
    // (or a list printed before signing, which its packing list, printed again, now carries signed).
    if (manifest.signature.empty())
        return public_key_hex ? ManifestSignature::Invalid : ManifestSignature::Unsigned;
    if (!public_key_hex) return ManifestSignature::KeyUnknown;
    return kiosk_signature_valid(manifest_signed_part(manifest), manifest.signature, *public_key_hex)
               ? ManifestSignature::Valid
               : ManifestSignature::Invalid;
}

Result<Manifest> decode_manifest(const std::string& text) {
    if (!looks_like_manifest(text))
        return invalid("it does not start with MKD2 or MKD1 (is this a pack's barcode?)");
    if (text.size() > 8000) return invalid("it is longer than any manifest");
    std::string checked = text, signature;
    if (text.rfind(kSignedMagic, 0) == 0) {
        const auto last = text.rfind('|');
        signature = text.substr(last + 1);
        checked = text.substr(0, last);
        if (signature.size() != kSignatureDigits ||
            !std::all_of(signature.begin(), signature.end(),
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
            return invalid("its signature is cut or malformed (a misread code); scan it again");
    }
    const auto bar = checked.rfind('|');
    const std::string body = checked.substr(0, bar + 1), check = checked.substr(bar + 1);
    char expected[16];
    std::snprintf(expected, sizeof expected, "%08x", crc32(body));
    if (check != expected)
        return invalid("its checksum does not match (a misread or changed code); scan it again");
    const auto fields = split(checked.substr(0, bar), '|');
    if (fields.size() < 7) return invalid("it has no lines");
    Manifest manifest;
    manifest.signature = std::move(signature);
    manifest.kiosk_id = fields[1];
    manifest.dispatch_uuid = fields[2];
    manifest.clinic_id = fields[3];
    manifest.order_uuid = fields[4] == "-" ? std::string() : fields[4];
    manifest.dispatched_on = iso_date(fields[5]);
    if (!is_id(manifest.kiosk_id)) return invalid("collection point \"" + manifest.kiosk_id + "\"");
    if (!is_uuid(manifest.dispatch_uuid)) return invalid("dispatch id \"" + manifest.dispatch_uuid + "\"");
    if (!is_id(manifest.clinic_id)) return invalid("clinic \"" + manifest.clinic_id + "\"");
    if (!manifest.order_uuid.empty() && !is_uuid(manifest.order_uuid))
        return invalid("order id \"" + manifest.order_uuid + "\"");
    if (manifest.dispatched_on.empty()) return invalid("dispatch date \"" + fields[5] + "\"");
    if (fields.size() - 6 > static_cast<std::size_t>(kMaxManifestLines))
        return invalid("more than " + std::to_string(kMaxManifestLines) + " lines");
    std::set<int> numbers;
    for (std::size_t i = 6; i < fields.size(); ++i) {
        const auto parts = split(fields[i], ':');
        if (parts.size() != 5) return invalid("line \"" + fields[i] + "\" does not have 5 parts");
        ManifestLine line;
        const auto number = [](const std::string& digits, int most) {
            if (digits.empty() || digits.size() > 5 ||
                !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return 0;
            const int value = std::stoi(digits);
            return value <= most ? value : 0;
        };
        line.line = number(parts[0], kMaxManifestLines);
        line.product = parts[1];
        line.expiry = parts[2] == "-" ? std::string() : iso_date(parts[2]);
        line.category = parts[3];
        line.quantity = number(parts[4], 99999);
        if (line.line == 0 || !numbers.insert(line.line).second)
            return invalid("line number in \"" + fields[i] + "\"");
        if (!is_product(line.product)) return invalid("product in \"" + fields[i] + "\"");
        if (parts[2] != "-" && line.expiry.empty()) return invalid("expiry in \"" + fields[i] + "\"");
        if (!is_id(line.category)) return invalid("category in \"" + fields[i] + "\"");
        if (line.quantity == 0) return invalid("pack count in \"" + fields[i] + "\"");
        manifest.lines.push_back(std::move(line));
    }
    return manifest;
}

}  // namespace medkiosk::storage
