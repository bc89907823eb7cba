#pragma once
// Free space where the ledger lives: the kiosk stops taking donations below its limit, and the sync
// heartbeat and `medkioskctl status` report it.

#include <cstdint>
#include <filesystem>
#include <optional>

namespace medkiosk::storage {

// Free bytes for an unprivileged writer on the file system holding `path`; nullopt when unknown.
std::optional<std::uint64_t> free_disk_bytes(const std::filesystem::path& path);

}  // namespace medkiosk::storage
