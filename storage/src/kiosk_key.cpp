#include "medkiosk/storage/kiosk_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "kiosk_key_pair.hpp"
#include "medkiosk/storage/file_owner.hpp"

namespace medkiosk::storage {

namespace fs = std::filesystem;

namespace detail {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

bool from_hex(std::string_view hex, unsigned char* out, std::size_t size) {
    std::size_t written = 0;
    return hex.size() == size * 2 &&
           sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 &&
           written == size;
}

Result<void> write_file_atomically(const fs::path& file, const std::string& content, mode_t mode,
                                   const fs::path& data_dir) {
    const fs::path temporary = file.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return Error{ErrorCode::Io, "cannot write " + temporary.string() + ": " + std::strerror(errno)};
    if (!data_dir.empty()) {
        if (auto handed = hand_to_data_dir_owner(fd, file, data_dir); !handed) {
            ::close(fd);
            ::unlink(temporary.c_str());
            return handed;
        }
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            const int saved = errno;
            ::close(fd);
            return Error{ErrorCode::Io, "cannot write " + temporary.string() + ": " + std::strerror(saved) +
                                            " — check the free space on the medium"};
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        return Error{ErrorCode::Io, "cannot flush " + temporary.string() + ": " + std::strerror(errno)};
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec) return Error{ErrorCode::Io, "cannot rename " + temporary.string() + ": " + ec.message()};
    return {};
}

Result<std::unique_ptr<KeyPair>> load_or_create_key(const fs::path& key_file) {
    if (sodium_init() < 0) return Error{ErrorCode::Internal, "libsodium failed to initialise"};
    auto pair = std::make_unique<KeyPair>();
    std::error_code ec;
    if (fs::exists(key_file, ec)) {
        std::ifstream in(key_file, std::ios::binary);
        in.read(reinterpret_cast<char*>(pair->secret_key.data()),
                static_cast<std::streamsize>(pair->secret_key.size()));
        if (in.gcount() != static_cast<std::streamsize>(pair->secret_key.size())) {
            return Error{ErrorCode::Corrupt,
                         "kiosk key " + key_file.string() +
                             " is damaged (wrong size); restore it from backup — a new key "
                             "must be registered at the hub by an administrator"};
        }
        crypto_sign_ed25519_sk_to_pk(pair->public_key.data(), pair->secret_key.data());
        return pair;
    }
    crypto_sign_keypair(pair->public_key.data(), pair->secret_key.data());
    const std::string bytes(reinterpret_cast<const char*>(pair->secret_key.data()), pair->secret_key.size());
    const fs::path key_dir = key_file.has_parent_path() ? key_file.parent_path() : fs::path(".");
    if (auto s = write_file_atomically(key_file, bytes, 0600, key_dir); !s) return s.error();
    return pair;
}

}  // namespace detail

fs::path kiosk_key_file_beside(const fs::path& ledger_file) {
    return (ledger_file.has_parent_path() ? ledger_file.parent_path() : fs::path(".")) / "kiosk_sign.key";
}

Result<std::string> kiosk_public_key(const fs::path& key_file) {
    auto pair = detail::load_or_create_key(key_file);
    if (!pair) return pair.error();
    return detail::to_hex(pair.value()->public_key.data(), pair.value()->public_key.size());
}

Result<std::string> sign_with_kiosk_key(const fs::path& key_file, std::string_view message) {
    auto pair = detail::load_or_create_key(key_file);
    if (!pair) return pair.error();
    std::array<unsigned char, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), pair.value()->secret_key.data());
    return detail::to_hex(signature.data(), signature.size());
}

bool kiosk_signature_valid(std::string_view message, std::string_view signature_hex,
                           std::string_view public_key_hex) {
    if (sodium_init() < 0) return false;
    std::array<unsigned char, crypto_sign_BYTES> signature{};
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
    if (!detail::from_hex(signature_hex, signature.data(), signature.size()) ||
        !detail::from_hex(public_key_hex, public_key.data(), public_key.size()))
        return false;
    return crypto_sign_verify_detached(signature.data(),
                                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                       public_key.data()) == 0;
}

}  // namespace medkiosk::storage
