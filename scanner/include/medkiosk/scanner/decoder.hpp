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
    std::string format;     // "DataMatrix", "EAN-13", "Code128" … as zxing names it
    std::string symbology;  // AIM identifier, e.g. "]d2"
    std::string text;       // decoded text, GS as 0x1D
    Point corners[4];       // in frame pixel coordinates
};

// An axis-aligned rectangle in frame pixels.
struct Region {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

struct DecoderOptions {
    bool try_harder = true;
    bool search_regions = true;  // also search candidate regions and bands: Debian's 1.4 only finds
                                 // DataMatrix on the image's centre lines
    int max_candidates = 6;      // candidate regions (from the gradient finder) decoded per image
};

// Regions that look like a barcode (dense light/dark edges), best first, found on a downscaled copy
// in about a millisecond for a 1080p frame. Exposed for tests and the benchmarks.
std::vector<Region> find_candidate_regions(const std::uint8_t* pixels, int width, int height, int stride,
                                           int max_regions);

// For still images: full-frame passes as plain zxing does, then candidate regions, then bands.
class Decoder {
  public:
    explicit Decoder(DecoderOptions options = {});
    // Grey 8-bit image, row stride in bytes.
    std::vector<DecodedSymbol> decode_grey(const std::uint8_t* pixels, int width, int height,
                                           int stride) const;
    std::vector<DecodedSymbol> decode(const Frame& frame) const;

  private:
    DecoderOptions options_;
};

struct TrackingOptions {
    int max_candidates = 4;       // new candidate regions decoded per frame besides the tracked ones
    int forget_after_misses = 3;  // a tracked region not read this many frames in a row is dropped
    int full_search_every = 8;    // frames between full-frame centre-line passes (big symbols) when idle
};

// For a live stream: follows the regions of codes already found instead of searching the whole frame,
// and looks for new codes only in a few candidate regions per frame, so a 1080p frame costs a few ms.
class TrackingDecoder {
  public:
    explicit TrackingDecoder(TrackingOptions options = {});
    std::vector<DecodedSymbol> decode_grey(const std::uint8_t* pixels, int width, int height, int stride);
    std::vector<DecodedSymbol> decode(const Frame& frame);
    std::vector<Region> tracked_regions() const;

  private:
    struct Track {
        Region region;
        std::string key;  // format + text
        int misses = 0;
        double tilt = 0;         // a linear symbol's scan line, in degrees; turned upright when it is steep
        double line_length = 0;  // and its length in frame pixels
    };
    TrackingOptions options_;
    std::vector<Track> tracks_;
    std::uint64_t frames_ = 0;
};

}  // namespace medkiosk::scanner
