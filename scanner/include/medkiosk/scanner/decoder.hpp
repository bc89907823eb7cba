#pragma once
// Finds and reads pack symbols in one frame with zxing-cpp 1.4, at any angle: a finder that does not
// care about orientation proposes candidate regions, each with its own angle, and each is read upright.

#include <cstddef>
#include <cstdint>
#include <memory>
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

// The symbologies both decoders read, as zxing-cpp names them ("DataMatrix,QRCode,EAN-13,…"): a
// baseline compared with them must read the same ones.
const char* decoder_format_names();

// A place that looks like a barcode: dense light/dark edges. Its angle comes from the structure tensor
// of the gradients there: across a linear symbol nearly every gradient points the same way (coherence
// near 1) and `angle_degrees` is the direction of its scan line; across a DataMatrix, QR code or text
// they do not, and `angle_degrees` is the direction of the region's longer side.
struct Candidate {
    Point centre;
    float along = 0;   // extent along angle_degrees, frame pixels
    float across = 0;  // extent across it
    float angle_degrees = 0;
    float coherence = 0;  // 0..1
    float score = 0;      // edge energy summed over the region: the likelier, the higher
};

// Candidates, likeliest first, found in ~3 ms of one core on a 1080p frame. Exposed for tests and the
// benchmarks.
std::vector<Candidate> find_candidates(const std::uint8_t* pixels, int width, int height, int stride,
                                       int max_candidates);

struct DecoderOptions {
    bool try_harder = true;      // the full-frame passes as plain zxing-cpp with tryHarder/tryRotate
    bool search_regions = true;  // candidate regions first, read at their own angle
    int max_candidates = 1;      // candidate regions read in vain before the search ends (likeliest first)
};

// For still images: a quick look along a few rows, then (when that gives nothing) the full-frame pass
// plain zxing-cpp makes (tryHarder, tryRotate, the same formats: so it never reads less than zxing-cpp),
// split in a linear and a matrix pass, the likelier first; then, when nothing was read or the image
// plainly holds another symbol, the likeliest candidate regions no symbol read so far covers, each read
// upright at its own angle, so every symbol printed on a pack is reported; a dot-printed DataMatrix
// last, when nothing was read.
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
    int forget_after_misses = 3;  // a tracked symbol not read this many frames in a row is dropped
    // When a frame gives nothing, a share of a full-frame pass as plain zxing-cpp makes it runs, so a
    // code the finder overlooks is still read within a few frames. 0 switches it off.
    int idle_slices = 3;
    // Pixels handed to zxing per frame (the symbols followed included) after which no further new
    // candidate is read in that frame: zxing's cost grows with the pixels it binarizes, and one 1080p
    // frame is about 2 million. 0 reads every candidate the frame allows.
    std::size_t max_pixels_read = 400'000;
};

// For a live stream: follows the symbols already found, and reads new ones in a few candidate regions
// per frame, so a 1080p frame costs a few ms.
class TrackingDecoder {
  public:
    explicit TrackingDecoder(TrackingOptions options = {});
    ~TrackingDecoder();
    TrackingDecoder(TrackingDecoder&&) noexcept;
    TrackingDecoder& operator=(TrackingDecoder&&) noexcept;

    std::vector<DecodedSymbol> decode_grey(const std::uint8_t* pixels, int width, int height, int stride);
    std::vector<DecodedSymbol> decode(const Frame& frame);
    std::vector<Region> tracked_regions() const;

  private:
    struct State;
    TrackingOptions options_;
    std::unique_ptr<State> state_;
};

}  // namespace medkiosk::scanner
