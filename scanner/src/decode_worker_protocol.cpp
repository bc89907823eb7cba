// Encoding of the helper's answer: a header, then per symbol its sizes, corners and bytes.

#include "decode_worker_protocol.hpp"

#include <limits>

namespace medkiosk::scanner::detail::worker {

std::string encode_result(std::uint64_t id, const std::vector<DecodedSymbol>& symbols, double cpu_ms,
                          double wall_ms, std::int32_t failure) {
    ResultHeader header;
    header.header.type = Type::Result;
    header.header.id = id;
    header.failure = failure;
    header.cpu_ms = cpu_ms;
    header.wall_ms = wall_ms;
    std::string body;
    for (const DecodedSymbol& symbol : symbols) {
        const std::size_t size =
            sizeof(SymbolHeader) + symbol.format.size() + symbol.symbology.size() + symbol.text.size();
        if (symbol.format.size() > std::numeric_limits<std::uint16_t>::max() ||
            symbol.symbology.size() > std::numeric_limits<std::uint16_t>::max() ||
            sizeof(ResultHeader) + body.size() + size > kMaxMessage) {
            ++header.truncated;
            continue;
        }
        SymbolHeader entry;
        entry.format_size = static_cast<std::uint16_t>(symbol.format.size());
        entry.symbology_size = static_cast<std::uint16_t>(symbol.symbology.size());
        entry.text_size = static_cast<std::uint32_t>(symbol.text.size());
        for (int i = 0; i < 4; ++i) {
            entry.corners[2 * i] = symbol.corners[i].x;
            entry.corners[2 * i + 1] = symbol.corners[i].y;
        }
        body.append(reinterpret_cast<const char*>(&entry), sizeof entry);
        body += symbol.format;
        body += symbol.symbology;
        body += symbol.text;
        ++header.symbol_count;
    }
    std::string message(reinterpret_cast<const char*>(&header), sizeof header);
    return message + body;
}

std::optional<DecodedResult> decode_result(const void* data, std::size_t size) {
    const auto header = read_message<ResultHeader>(data, size, Type::Result);
    if (!header) return std::nullopt;
    DecodedResult result;
    result.id = header->header.id;
    result.failure = header->failure;
    result.cpu_ms = header->cpu_ms;
    result.wall_ms = header->wall_ms;
    const char* bytes = static_cast<const char*>(data);
    std::size_t at = sizeof(ResultHeader);
    for (std::uint32_t i = 0; i < header->symbol_count; ++i) {
        if (size - at < sizeof(SymbolHeader)) return std::nullopt;
        SymbolHeader entry;
        std::memcpy(&entry, bytes + at, sizeof entry);
        at += sizeof entry;
        const std::size_t strings =
            std::size_t{entry.format_size} + std::size_t{entry.symbology_size} + std::size_t{entry.text_size};
        if (size - at < strings) return std::nullopt;
        DecodedSymbol symbol;
        symbol.format.assign(bytes + at, entry.format_size);
        at += entry.format_size;
        symbol.symbology.assign(bytes + at, entry.symbology_size);
        at += entry.symbology_size;
        symbol.text.assign(bytes + at, entry.text_size);
        at += entry.text_size;
        for (int c = 0; c < 4; ++c) symbol.corners[c] = Point{entry.corners[2 * c], entry.corners[2 * c + 1]};
        result.symbols.push_back(std::move(symbol));
    }
    if (at != size) return std::nullopt;
    return result;
}

}  // namespace medkiosk::scanner::detail::worker
