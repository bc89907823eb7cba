#pragma once
// Finds and reads pack symbols in one frame with zxing-cpp 1.4.

#include <cstdint>
#include <string>
#include <vector>

#include "medkiosk/scanner/frame.hpp"

namespace medkiosk::scanner {

struct Point {
    float x = 0;
    float y = 0;
};

struct DecodedSymbol {
    std::string format;        // "DataMatrix", "EAN-13", "Code128" … as zxing names it
    std::string symbology;     // AIM identifier, e.g. "]d2"
    std::string text;          // decoded text, GS as 0x1D
    Point corners[4];          // in frame pixel coordinates
};

struct DecoderOptions {
    bool try_harder = true;
    bool search_regions = true;  // also search bands/tiles: Debian's 1.4 only finds DataMatrix on centre lines
};

class Decoder {
public:
    explicit Decoder(DecoderOptions options = {});
    // Grey 8-bit image, row stride in bytes.
    std::vector<DecodedSymbol> decode_grey(const std::uint8_t* pixels, int width, int height, int stride) const;
    std::vector<DecodedSymbol> decode(const Frame& frame) const;

private:
    DecoderOptions options_;
};

}  // namespace medkiosk::scanner
