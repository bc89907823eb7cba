#include "medkiosk/storage/file_owner.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace medkiosk::storage {

std::optional<FileOwner> owner_for_files_of(const std::filesystem::path& data_dir) {
    if (::geteuid() != 0) return std::nullopt;
    struct stat info {};
    if (::stat(data_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid == 0)
        return std::nullopt;
    return FileOwner{info.st_uid, info.st_gid};
}

Status hand_to_data_dir_owner(int fd, const std::filesystem::path& file,
                              const std::filesystem::path& data_dir) {
    const auto owner = owner_for_files_of(data_dir);
    if (!owner) return Ok{};
    if (::fchown(fd, owner->uid, owner->gid) != 0) {
        return Error{ErrorCode::Io,
                     "cannot give " + file.string() + " to the owner of " + data_dir.string() + " (uid " +
                         std::to_string(owner->uid) + "): " + std::strerror(errno) +
                         "; run the command as that user instead (sudo -u medkiosk medkioskctl …)"};
    }
    return Ok{};
}

Status create_for_data_dir_owner(const std::filesystem::path& file, const std::filesystem::path& data_dir,
                                 mode_t mode) {
    if (!owner_for_files_of(data_dir)) return Ok{};
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) return Ok{};
        return Error{ErrorCode::Io, "cannot create " + file.string() + ": " + std::strerror(errno) +
                                        "; check that " + data_dir.string() + " exists and is writable"};
    }
    const Status handed = hand_to_data_dir_owner(fd, file, data_dir);
    ::close(fd);
    if (!handed) ::unlink(file.c_str());
    return handed;
}

}  // namespace medkiosk::storage
