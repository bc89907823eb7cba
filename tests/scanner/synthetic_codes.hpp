#pragma once
// Synthetic camera frames for tests and benchmarks: real symbols from an independent encoder (libzint),
// placed anywhere in a frame, tilted, warped, blurred, noised and at low contrast.

#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace medkiosk::test {

struct SyntheticCode {
    std::string symbology;      // "gs1-datamatrix", "ean13", "code128", "qr"
    std::string zint_input;     // "[01]…[17]…" for GS1, digits otherwise (EAN-13: 12 digits)
    std::string expected_text;  // what a reader returns (GS as 0x1D)
};

// A GS1 DataMatrix like a pack's, with serial `serial`.
SyntheticCode gs1_datamatrix_code(const std::string& serial);
SyntheticCode ean13_code(const std::string& twelve_digits);
SyntheticCode code128_code(const std::string& data);
SyntheticCode qr_code(const std::string& data);  // e.g. a dispatch's manifest, as a packing list prints it

// One pixel per module (linear symbols: bar_height rows), black on white, with a quiet zone.
cv::Mat render_symbol(const SyntheticCode& code);

struct Placement {
    cv::Point2f centre;        // in frame pixels
    double angle_degrees = 0;  // in-plane tilt
    double module_pixels = 6;  // size of one module in the frame
    double perspective = 0;    // 0 = flat; 0.1 = one side 10% shorter (card held at an angle)
    double contrast = 1.0;     // 1 = black on white; 0.4 = grey on light grey
};

// A cluttered grey counter with box edges and text, fixed per seed.
cv::Mat make_scene(int width, int height, unsigned seed);
// Draws `symbol` into `frame` (grey, 8-bit) on a white label; returns the symbol's bounding box.
cv::Rect place_symbol(cv::Mat& frame, const cv::Mat& symbol, const Placement& placement);
// Camera effects over the whole frame.
void blur_and_noise(cv::Mat& frame, double blur_sigma, double noise_sigma, unsigned seed);

}  // namespace medkiosk::test
