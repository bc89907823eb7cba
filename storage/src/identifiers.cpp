#include "identifiers.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace medkiosk::storage::detail {

std::string new_uuid_v4() {
    std::array<unsigned char, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string uuid;
    uuid.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
        uuid += kHex[bytes[i] >> 4];
        uuid += kHex[bytes[i] & 0x0F];
    }
    return uuid;
}

std::string new_receipt_code() {
    // Crockford's alphabet leaves out I, L, O and U, so a donor cannot misread 1/I/L or 0/O.
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static_assert(sizeof(kAlphabet) - 1 == 32);
    std::string code;
    code.reserve(14);
    for (int i = 0; i < 12; ++i) {
        if (i == 4 || i == 8) code += '-';
        code += kAlphabet[randombytes_uniform(32)];
    }
    return code;
}

std::string utc_now_iso8601_ms() {
    const auto now = std::chrono::system_clock::now();
    const auto since_epoch = now.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    const std::time_t as_time_t = static_cast<std::time_t>(seconds.count());
    std::tm utc{};
    gmtime_r(&as_time_t, &utc);
    char buffer[64];  // room for any int the compiler can imagine in each field
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    return buffer;
}

}  // namespace medkiosk::storage::detail
