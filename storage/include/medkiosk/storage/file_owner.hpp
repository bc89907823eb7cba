#pragma once
// Files created for the kiosk belong to the kiosk's user. On the appliance a technician often runs
// medkioskctl as root (`sudo medkioskctl users add …`); a ledger, key or pepper it created would then be
// root's, and the kiosk, which runs as its own user, could not read it. The kiosk's user is whoever
// owns its data directory, so a process running as root gives every file it creates for that directory
// to the directory's owner — on the open descriptor, never by path, so a link planted in the directory
// cannot redirect it.

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "medkiosk/storage/status.hpp"

namespace medkiosk::storage {

struct FileOwner {
    uid_t uid = 0;
    gid_t gid = 0;
};

// Who must own a file created for data directory `data_dir`: its owner, when this process runs as root
// and the directory belongs to another user; nullopt when there is nothing to change (not root, the
// directory is root's, or it does not exist).
std::optional<FileOwner> owner_for_files_of(const std::filesystem::path& data_dir);

// Gives the open file `fd` (just created as `file`) to the owner of `data_dir`, as above. The error
// names the file and the command to fix it by hand.
Status hand_to_data_dir_owner(int fd, const std::filesystem::path& file,
                              const std::filesystem::path& data_dir);

// Creates `file` empty (mode `mode`, never through a symbolic link) for `data_dir`'s owner unless it
// exists already, so that a library that then opens it by name (SQLite) works on a file the kiosk's
// user owns. SQLite itself gives its -wal and -shm files to the database file's owner.
Status create_for_data_dir_owner(const std::filesystem::path& file, const std::filesystem::path& data_dir,
                                 mode_t mode);

}  // namespace medkiosk::storage
