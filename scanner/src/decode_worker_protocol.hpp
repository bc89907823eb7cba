#pragma once
// What the kiosk and its decoding helper (medkiosk-decoder) say to each other. Both sides are built
// from the same tree; the Ready message carries the protocol version and the option layouts so an
// upgraded helper beside a running older kiosk is refused instead of misread.
//
// File descriptors in the helper: 3 = a SOCK_SEQPACKET socket (one message per request or answer),
// 4 = a memfd holding the grey image (row stride = width) the request points to.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::scanner::detail::worker {

inline constexpr std::uint32_t kMagic = 0x4d4b4457;  // "MKDW"
inline constexpr std::uint32_t kVersion = 1;
inline constexpr int kSocketFd = 3;
inline constexpr int kFrameFd = 4;
inline constexpr std::size_t kMaxMessage = 64 * 1024;
inline constexpr const char* kServeArgument = "--serve";

// The option structs travel as bytes: they must stay plain data.
static_assert(std::is_trivially_copyable_v<DecoderOptions>);
static_assert(std::is_trivially_copyable_v<TrackingOptions>);

enum class Type : std::uint32_t { Ready = 1, Configure = 2, Decode = 3, Result = 4, ResetLive = 5 };

struct Header {
    std::uint32_t magic = kMagic;
    Type type = Type::Ready;
    std::uint64_t id = 0;
};

struct Configure {
    Header header;
    DecoderOptions still;
    TrackingOptions live;
};

struct Decode {
    Header header;
    std::uint32_t mode = 0;  // 0 still, 1 live
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::uint64_t shared_bytes = 0;  // size of the memfd now: the helper maps it again when it changed
};

struct ResultHeader {
    Header header;
    std::uint32_t symbol_count = 0;
    std::uint32_t truncated = 0;  // symbols left out because the answer would not fit one message
    std::int32_t failure = 0;     // errno when the image memory could not be read; 0 when decoded
    double cpu_ms = 0;            // the helper's CPU time (all threads) for this image
    double wall_ms = 0;           // and the time it took there, from request to answer
};

struct SymbolHeader {
    std::uint16_t format_size = 0;
    std::uint16_t symbology_size = 0;
    std::uint32_t text_size = 0;
    float corners[8] = {};
};

// The layout of every message, so a helper built from other sources (a forgotten version bump
// included) is refused at start instead of misread frame after frame.
inline constexpr std::uint64_t kLayout =
    std::uint64_t{kVersion} << 48 | std::uint64_t{sizeof(Configure)} << 36 |
    std::uint64_t{sizeof(Decode)} << 24 | std::uint64_t{sizeof(ResultHeader)} << 12 |
    std::uint64_t{sizeof(SymbolHeader)};

struct Ready {
    Header header;
    std::uint64_t layout = kLayout;
    std::int32_t pid = 0;
};

// Reads a message of type T from the front of a received buffer; nothing if it is not one.
// Every message starts with a Header.
template <typename T>
std::optional<T> read_message(const void* data, std::size_t size, Type type) {
    if (size < sizeof(T) || size < sizeof(Header)) return std::nullopt;
    Header header;
    std::memcpy(&header, data, sizeof header);
    if (header.magic != kMagic || header.type != type) return std::nullopt;
    T message;
    std::memcpy(&message, data, sizeof(T));
    return message;
}

// The answer to one decode, at most kMaxMessage bytes.
std::string encode_result(std::uint64_t id, const std::vector<DecodedSymbol>& symbols, double cpu_ms,
                          double wall_ms, std::int32_t failure = 0);

struct DecodedResult {
    std::uint64_t id = 0;
    std::vector<DecodedSymbol> symbols;
    std::int32_t failure = 0;
    double cpu_ms = 0;
    double wall_ms = 0;
};
std::optional<DecodedResult> decode_result(const void* data, std::size_t size);

}  // namespace medkiosk::scanner::detail::worker
