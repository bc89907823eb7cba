// zxing-cpp 1.4 as Debian ships it: single-symbol ReadBarcode only (ReadBarcodes can abort on an
// assertion), and DataMatrix only where the symbol crosses the image's centre line, so we add
// passes over horizontal bands.

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::scanner {
namespace {

constexpr ZXing::BarcodeFormats kMatrixFormats = ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::QRCode;
constexpr ZXing::BarcodeFormats kLinearFormats =
    ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::EAN8 | ZXing::BarcodeFormat::UPCA |
    ZXing::BarcodeFormat::UPCE | ZXing::BarcodeFormat::Code128 | ZXing::BarcodeFormat::DataBar |
    ZXing::BarcodeFormat::DataBarExpanded;

ZXing::DecodeHints make_hints(ZXing::BarcodeFormats formats, bool try_harder) {
    ZXing::DecodeHints hints;
    hints.setFormats(formats);
    hints.setTryHarder(try_harder);
    hints.setTryRotate(try_harder);
    return hints;
}

std::optional<DecodedSymbol> read_one(const std::uint8_t* pixels, int width, int height, int stride,
                                      const ZXing::DecodeHints& hints, float scale, float offset_x, float offset_y) {
    const ZXing::ImageView image(pixels, width, height, ZXing::ImageFormat::Lum, stride);
    const ZXing::Result result = ZXing::ReadBarcode(image, hints);
    if (!result.isValid()) return std::nullopt;
    DecodedSymbol symbol;
    symbol.format = ZXing::ToString(result.format());
    symbol.symbology = result.symbologyIdentifier();
    symbol.text = result.text();
    const auto& position = result.position();
    for (int i = 0; i < 4; ++i) {
        symbol.corners[i].x = static_cast<float>(position[i].x) * scale + offset_x;
        symbol.corners[i].y = static_cast<float>(position[i].y) * scale + offset_y;
    }
    return symbol;
}

bool same_symbol(const DecodedSymbol& a, const DecodedSymbol& b) {
    return a.text == b.text && a.format == b.format;
}

}  // namespace

Decoder::Decoder(DecoderOptions options) : options_(options) {}

std::vector<DecodedSymbol> Decoder::decode_grey(const std::uint8_t* pixels, int width, int height, int stride) const {
    std::vector<DecodedSymbol> found;
    if (!pixels || width <= 0 || height <= 0 || stride < width) return found;
    try {
        // One matrix and one linear pass: a single-symbol read per pass can still report a pack that
        // carries both a DataMatrix and an EAN-13.
        const auto matrix_hints = make_hints(kMatrixFormats, options_.try_harder);
        const auto linear_hints = make_hints(kLinearFormats, options_.try_harder);
        if (auto symbol = read_one(pixels, width, height, stride, matrix_hints, 1.f, 0.f, 0.f)) found.push_back(*symbol);
        if (auto symbol = read_one(pixels, width, height, stride, linear_hints, 1.f, 0.f, 0.f)) found.push_back(*symbol);

        const bool matrix_found = std::any_of(found.begin(), found.end(), [](const DecodedSymbol& s) {
            return s.format == "DataMatrix" || s.format == "QRCode";
        });
        if (!matrix_found && options_.search_regions && height >= 60) {
            // Bands a third of the height, stepping by a twelfth: every band has its own centre line,
            // so a symbol at least 1/12 of the frame high crosses one of them. Large frames are
            // downscaled first because a pharma DataMatrix needs only a few pixels per module.
            const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels), static_cast<std::size_t>(stride));
            cv::Mat work = full;
            float scale = 1.f;
            if (width > 1400) {
                scale = static_cast<float>(width) / 1280.f;
                cv::resize(full, work, cv::Size(1280, static_cast<int>(std::lround(static_cast<float>(height) / scale))), 0, 0, cv::INTER_AREA);
            }
            const auto band_hints = make_hints(ZXing::BarcodeFormat::DataMatrix, false);
            const int band_height = std::max(40, work.rows / 3);
            const int step = std::max(10, work.rows / 12);
            for (int top = 0; top + band_height / 2 < work.rows; top += step) {
                const int rows = std::min(band_height, work.rows - top);
                const cv::Mat band = work.rowRange(top, top + rows);
                if (auto symbol = read_one(band.data, band.cols, band.rows, static_cast<int>(band.step), band_hints, scale,
                                           0.f, static_cast<float>(top) * scale)) {
                    found.push_back(*symbol);
                    break;
                }
            }
        }
    } catch (const std::exception&) {
        // A decoder failure on one frame must not take the kiosk down; the next frame gets another try.
    }
    std::vector<DecodedSymbol> unique;
    for (const auto& symbol : found)
        if (std::none_of(unique.begin(), unique.end(), [&](const DecodedSymbol& u) { return same_symbol(u, symbol); }))
            unique.push_back(symbol);
    return unique;
}

std::vector<DecodedSymbol> Decoder::decode(const Frame& frame) const {
    if (frame.width <= 0 || frame.height <= 0 ||
        frame.rgb.size() < static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) * 3)
        return {};
    cv::Mat grey;
    try {
        const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.rgb.data()));
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    } catch (const cv::Exception&) {
        return {};
    }
    return decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
}

}  // namespace medkiosk::scanner
