#include "county_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "medkiosk/storage/file_owner.hpp"

namespace medkiosk::storage::detail {
namespace {

std::string errno_text(int error_number) {
    return std::string(std::strerror(error_number));
}

Error key_io_error(const std::filesystem::path& file, std::string_view what, int error_number) {
    return Error{ErrorCode::Io,
                 "county key " + file.string() + ": " + std::string(what) + " failed (" +
                     errno_text(error_number) +
                     "); check that the data directory exists and is writable by the kiosk's user"};
}

// Closes a file descriptor on every path out.
class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    int release_and_close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

  private:
    int fd_;
};

bool write_all(int fd, const unsigned char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

enum class ReadResult { Ok, Missing, WrongSize, Failed };

ReadResult read_key(const std::filesystem::path& file, std::array<unsigned char, CountyKey::kSize>& key,
                    int& error_number, std::size_t& actual_size) {
    FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        error_number = errno;
        return error_number == ENOENT ? ReadResult::Missing : ReadResult::Failed;
    }
    // One byte more than the key so an over-long file is noticed.
    std::array<unsigned char, CountyKey::kSize + 1> buffer{};
    std::size_t total = 0;
    while (total < buffer.size()) {
        const ssize_t got = ::read(fd.get(), buffer.data() + total, buffer.size() - total);
        if (got < 0) {
            if (errno == EINTR) continue;
            error_number = errno;
            return ReadResult::Failed;
        }
        if (got == 0) break;
        total += static_cast<std::size_t>(got);
    }
    actual_size = total;
    if (total != CountyKey::kSize) {
        sodium_memzero(buffer.data(), buffer.size());
        return ReadResult::WrongSize;
    }
    std::memcpy(key.data(), buffer.data(), key.size());
    sodium_memzero(buffer.data(), buffer.size());
    return ReadResult::Ok;
}

}  // namespace

CountyKey::~CountyKey() {
    sodium_memzero(bytes_.data(), bytes_.size());
}

StatusOr<CountyKey> CountyKey::load_or_create(const std::filesystem::path& file) {
    CountyKey key;
    int error_number = 0;
    std::size_t actual_size = 0;
    const auto damaged = [&] {
        return Error{
            ErrorCode::Corrupt,
            "county key " + file.string() + " is damaged (" + std::to_string(actual_size) +
                " bytes, expected " + std::to_string(kSize) +
                "); restore it from the county's key backup — without the same key, duplicate serials "
                "cannot be recognised; nothing was changed"};
    };

    switch (read_key(file, key.bytes_, error_number, actual_size)) {
        case ReadResult::Ok:
            return key;
        case ReadResult::WrongSize:
            return damaged();
        case ReadResult::Failed:
            return key_io_error(file, "reading", error_number);
        case ReadResult::Missing:
            break;
    }

    // Absent: make one. Written to a temporary file and linked into place, so a crash never leaves a
    // half-written key, and a second process creating it at the same moment cannot replace ours.
    std::error_code ec;
    const auto directory = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    std::filesystem::create_directories(directory, ec);
    if (ec) return key_io_error(file, "creating directory " + directory.string(), ec.value());

    std::string temp_name = (directory / (file.filename().string() + ".tmp-XXXXXX")).string();
    FileDescriptor fd(::mkostemp(temp_name.data(), O_CLOEXEC));  // mkostemp creates it with mode 0600
    if (fd.get() < 0) return key_io_error(file, "creating a temporary file", errno);
    const std::filesystem::path temp_path(temp_name);
    const auto fail = [&](std::string_view what, int err) {
        ::unlink(temp_path.c_str());
        return key_io_error(file, what, err);
    };

    randombytes_buf(key.bytes_.data(), key.bytes_.size());
    if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) return fail("setting mode 0600", errno);
    if (auto handed = hand_to_data_dir_owner(fd.get(), file, directory); !handed) {
        ::unlink(temp_path.c_str());
        return handed.error();
    }
    if (!write_all(fd.get(), key.bytes_.data(), key.bytes_.size())) return fail("writing", errno);
    if (::fsync(fd.get()) != 0) return fail("syncing", errno);
    if (fd.release_and_close() != 0) return fail("closing", errno);

    const int link_rc = ::link(temp_path.c_str(), file.c_str());
    const int link_errno = errno;
    ::unlink(temp_path.c_str());
    if (link_rc != 0) {
        if (link_errno != EEXIST) return key_io_error(file, "installing", link_errno);
        // Another process created it first: use theirs, so both agree.
        switch (read_key(file, key.bytes_, error_number, actual_size)) {
            case ReadResult::Ok:
                return key;
            case ReadResult::WrongSize:
                return damaged();
            default:
                return key_io_error(file, "reading", error_number);
        }
    }

    // The new directory entry must survive a power cut too, or the next start makes a different key.
    FileDescriptor dir_fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0)
        return key_io_error(file, "syncing its directory", errno);
    return key;
}

std::string CountyKey::hash_serial(std::string_view serial) const {
    std::array<unsigned char, crypto_generichash_BYTES> digest{};
    static_assert(crypto_generichash_BYTES == 32);
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(serial.data()),
                       serial.size(), bytes_.data(), bytes_.size());
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();  // sodium writes a terminating NUL
    return hex;
}

}  // namespace medkiosk::storage::detail
