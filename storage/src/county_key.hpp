#pragma once
// The per-county key that turns serial numbers into keyed BLAKE2b hashes, so the ledger never holds a
// serial in plain and the hub can still spot the same pack dropped off twice anywhere in the county.

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "medkiosk/result.hpp"

namespace medkiosk::storage::detail {

class CountyKey {
  public:
    static constexpr std::size_t kSize = 32;

    // Reads the key; creates it from random bytes (mode 0600, atomically) when the file is absent.
    static Result<CountyKey> load_or_create(const std::filesystem::path& file);

    CountyKey(const CountyKey& other) = default;
    CountyKey& operator=(const CountyKey& other) = default;
    ~CountyKey();

    // Lowercase hex of BLAKE2b-256(serial) keyed with this key.
    std::string hash_serial(std::string_view serial) const;

  private:
    CountyKey() = default;
    std::array<unsigned char, kSize> bytes_{};
};

}  // namespace medkiosk::storage::detail
