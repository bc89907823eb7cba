#pragma once
// Synthetic camera frames for tests and benchmarks: real symbols from an independent encoder (libzint),
// placed anywhere in a frame, tilted, warped, blurred, noised and at low contrast.

#include <opencv2/core.hpp>
#include <random>
#include <string>
#include <vector>

namespace medkiosk::test {

struct SyntheticCode {
    std::string symbology;      // "gs1-datamatrix", "qr", "ean13", "upca", "ean8", "code128", "gs1-128",
                                // "databar", "databar-expanded"; for the stacked DataBar sweeps only:
                                // "databar-stacked", "databar-expanded-stacked"; distractors only:
                                // "code39", "pdf417"
    std::string zint_input;     // "[01]…[17]…" for GS1, digits otherwise (EAN/UPC: without check digit)
    std::string expected_text;  // what a reader returns (GS as 0x1D; DataBar Expanded bracketed, as
                                // zxing-cpp 1.4 returns it)
    std::string format;         // the format zxing-cpp names it: "DataMatrix", "EAN-13", "Code128" …
                                // empty for symbologies the kiosk does not read
};

// A GS1 DataMatrix like a pack's, with serial `serial`.
SyntheticCode gs1_datamatrix_code(const std::string& serial);
// A GS1 DataMatrix from its parts: GTIN-14 (with check digit), expiry YYMMDD, batch, serial.
SyntheticCode gs1_datamatrix_code(const std::string& gtin14, const std::string& expiry,
                                  const std::string& batch, const std::string& serial);
SyntheticCode qr_code(const std::string& text);
SyntheticCode ean13_code(const std::string& twelve_digits);
SyntheticCode upca_code(const std::string& eleven_digits);
SyntheticCode ean8_code(const std::string& seven_digits);
SyntheticCode code128_code(const std::string& data);
// GS1-128 with GTIN, expiry and batch (read back as Code 128 with symbology ]C1).
SyntheticCode gs1_128_code(const std::string& gtin14, const std::string& expiry, const std::string& batch);
SyntheticCode databar_code(const std::string& gtin14);
SyntheticCode databar_expanded_code(const std::string& gtin14, const std::string& expiry,
                                    const std::string& batch, const std::string& serial);
SyntheticCode code39_code(const std::string& data);
SyntheticCode pdf417_code(const std::string& text);

// The GS1 mod-10 check digit of `digits` (GTIN, GLN …).
char gs1_check_digit(const std::string& digits);

// The pack symbologies the kiosk reads, as SyntheticCode::symbology names them.
const std::vector<std::string>& pack_symbologies();
bool is_linear_symbology(const std::string& symbology);
// A code of `symbology` with random but valid content (GTINs with correct check digits, dates, batch
// and serial), drawn from `random`.
SyntheticCode random_code(const std::string& symbology, std::mt19937_64& random);

// One pixel per module, black on white, with a quiet zone. Linear symbols are `bar_height` modules
// high where the symbology lets it be chosen (0: the encoder's default); DataBar's height is fixed.
cv::Mat render_symbol(const SyntheticCode& code, double bar_height = 0);

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
