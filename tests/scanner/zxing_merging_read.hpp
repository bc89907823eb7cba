#pragma once
// Test builds only. How the still decoder read a photo before issue 13: every linear format at once,
// DataBar and DataBar Expanded among them, with tryHarder and tryRotate. On some frames (a GS1 DataBar
// Expanded turned a few degrees off an axis) Debian's zxing-cpp 1.4 finds the same DataBar twice in
// that pass and aborts on `assert(lineCount() == 1)` in Result::operator==. The decoder no longer reads
// that way; the crash-containment tests make the test build of the helper (medkiosk-decoder-with-faults)
// read so on purpose, so a real abort of the library still happens in the decoding process.

#include <ZXing/ReadBarcode.h>

#include <cstdint>

namespace medkiosk::test {

inline void read_through_zxing_merge(const std::uint8_t* pixels, int width, int height, int stride) {
    using ZXing::BarcodeFormat;
    ZXing::DecodeHints hints;
    hints.setFormats(BarcodeFormat::EAN13 | BarcodeFormat::EAN8 | BarcodeFormat::UPCA | BarcodeFormat::UPCE |
                     BarcodeFormat::Code128 | BarcodeFormat::DataBar | BarcodeFormat::DataBarExpanded);
    hints.setTryHarder(true);
    hints.setTryRotate(true);
    hints.setMaxNumberOfSymbols(1);
    try {
        (void)ZXing::ReadBarcode(ZXing::ImageView(pixels, width, height, ZXing::ImageFormat::Lum, stride),
                                 hints);
    } catch (...) {
        // Only an abort matters here.
    }
}

}  // namespace medkiosk::test
