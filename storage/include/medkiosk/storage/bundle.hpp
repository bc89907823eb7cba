#pragma once
// Offline bundles: a site without a network carries its unacknowledged records to the hub on a USB
// stick. The file is signed with the kiosk's Ed25519 key; the hub verifies it against the key the
// kiosk registered and loads it through the same idempotent ingest as a live sync.

#include <cstdint>
#include <filesystem>
#include <string>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/kiosk_key.hpp"  // the key that signs a bundle
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::storage {

struct BundleExport {
    std::filesystem::path file;
    std::int64_t records = 0;
    std::string kiosk_id;
};
// Writes every unacknowledged, not dead-lettered outbox record into a new signed file in `directory`.
Result<BundleExport> export_bundle(const std::filesystem::path& ledger_file,
                                   const std::filesystem::path& key_file, const std::string& kiosk_id,
                                   const std::filesystem::path& directory);

struct BundleImport {
    std::string kiosk_id;
    std::int64_t inserted = 0;
    std::int64_t duplicates = 0;
    std::int64_t mismatches = 0;
    std::int64_t invalid = 0;
};
// Verifies the signature with the key registered for the bundle's kiosk, then ingests. A tampered or
// foreign file is refused before anything is written.
Result<BundleImport> import_bundle(HubSession& admin, const std::filesystem::path& file);

}  // namespace medkiosk::storage
