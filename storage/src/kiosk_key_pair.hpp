#pragma once
// The key pair behind kiosk_key.hpp, for the storage library's signers (bundles, manifests).

#include <sodium.h>
#include <sys/types.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "medkiosk/result.hpp"

namespace medkiosk::storage::detail {

struct KeyPair {
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};
    ~KeyPair() { sodium_memzero(secret_key.data(), secret_key.size()); }
};

Result<std::unique_ptr<KeyPair>> load_or_create_key(const std::filesystem::path& key_file);

std::string to_hex(const unsigned char* bytes, std::size_t size);
// False unless `hex` is exactly `size` bytes of hex.
bool from_hex(std::string_view hex, unsigned char* out, std::size_t size);

// Writes `content` to a temporary file and renames it over `file`. `data_dir`, when given: the file is
// the kiosk's, handed to that directory's owner (file_owner.hpp).
Result<void> write_file_atomically(const std::filesystem::path& file, const std::string& content, mode_t mode,
                                   const std::filesystem::path& data_dir = {});

}  // namespace medkiosk::storage::detail
