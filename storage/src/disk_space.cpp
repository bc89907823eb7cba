#include "medkiosk/storage/disk_space.hpp"

#include <sys/statvfs.h>

namespace medkiosk::storage {

std::optional<std::uint64_t> free_disk_bytes(const std::filesystem::path& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace medkiosk::storage
