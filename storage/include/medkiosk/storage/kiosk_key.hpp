#pragma once
// The kiosk's Ed25519 key ("kiosk_sign.key" beside the ledger, mode 0600). It signs the offline bundles
// and the dispatch manifests. The hub registers its public half on the kiosk's first sync (trust on
// first use) and feeds the collection points' public keys to the clinic devices, which check a
// manifest's signature before taking a delivery on its word.

#include <filesystem>
#include <string>
#include <string_view>

#include "medkiosk/result.hpp"

namespace medkiosk::storage {

// Where a ledger's kiosk keeps its key: the one place the name is decided.
std::filesystem::path kiosk_key_file_beside(const std::filesystem::path& ledger_file);

// Creates the key pair (mode 0600) when absent; returns the public key in hex (64 digits).
Result<std::string> kiosk_public_key(const std::filesystem::path& key_file);

// The detached signature of `message` in hex (128 digits); creates the key when absent.
Result<std::string> sign_with_kiosk_key(const std::filesystem::path& key_file, std::string_view message);

// True only for a well-formed signature of exactly `message` by the key `public_key_hex`.
bool kiosk_signature_valid(std::string_view message, std::string_view signature_hex,
                           std::string_view public_key_hex);

}  // namespace medkiosk::storage
