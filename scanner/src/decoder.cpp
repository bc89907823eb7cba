// zxing-cpp 1.4 as Debian ships it (shared/docs/testing.md), and what this file does about it:
// - DataMatrix is searched only along the centre lines of the image passed in: every candidate is cut
//   out centred on itself and read with tryRotate, so the detector starts from all four sides and a
//   symbol turned to any angle is found;
// - linear symbols are read along rows (columns too with tryRotate): a tilted one is cut out as an
//   upright band along its own scan line;
// - a DataBar result carries a line count from the pairs it was assembled from, and a second find of the
//   same DataBar in one scan trips `assert(lineCount() == 1)` in Result::operator== and aborts the
//   process. DataBar and DataBar Expanded are therefore always read in a pass of their own with
//   minLineCount 1: the scan stops at the first find and never makes that comparison. ReadBarcodes (several
//   symbols) is never used: it merges results through the same operator.

#define ZX_USE_UTF8 1
#include "medkiosk/scanner/decoder.hpp"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace medkiosk::scanner {
namespace {

constexpr double kPi = 3.14159265358979323846;
using ZXing::BarcodeFormat;

constexpr ZXing::BarcodeFormats kMatrixFormats = BarcodeFormat::DataMatrix | BarcodeFormat::QRCode;
constexpr ZXing::BarcodeFormats kPlainLinearFormats =
    BarcodeFormat::EAN13 | BarcodeFormat::EAN8 | BarcodeFormat::UPCA | BarcodeFormat::Code128;
constexpr ZXing::BarcodeFormats kDataBarFormats = BarcodeFormat::DataBar | BarcodeFormat::DataBarExpanded;

// Crops are scaled by us, so zxing's own downscaled copies (tryDownscale) are only made for a whole image
// read as plain zxing-cpp reads it.
ZXing::DecodeHints make_hints(ZXing::BarcodeFormats formats, bool try_harder, bool try_rotate, int min_lines,
                              bool downscale = false) {
    ZXing::DecodeHints hints;
    hints.setTryDownscale(downscale);
    hints.setFormats(formats);
    hints.setTryHarder(try_harder);
    hints.setTryRotate(try_rotate);
    hints.setMaxNumberOfSymbols(1);
    hints.setMinLineCount(static_cast<std::uint8_t>(min_lines));
    return hints;
}

ZXing::DecodeHints pure_hints(ZXing::BarcodeFormats formats) {
    ZXing::DecodeHints hints = make_hints(formats, false, false, 1);
    hints.setIsPure(true);
    return hints;
}

struct Hints {
    // A crop centred on a matrix candidate: the detector starts from all four sides.
    ZXing::DecodeHints matrix = make_hints(kMatrixFormats, false, true, 1);
    ZXing::DecodeHints datamatrix = make_hints(BarcodeFormat::DataMatrix, false, true, 1);
    ZXing::DecodeHints qr = make_hints(BarcodeFormat::QRCode, false, true, 1);
    // An upright band, rows only. Three agreeing rows for EAN/UPC/Code 128: two were seen to agree on a
    // wrong EAN with a valid check digit.
    ZXing::DecodeHints linear = make_hints(kPlainLinearFormats, false, false, 3);
    ZXing::DecodeHints ean =
        make_hints(BarcodeFormat::EAN13 | BarcodeFormat::UPCA | BarcodeFormat::EAN8, false, false, 3);
    ZXing::DecodeHints code128 = make_hints(BarcodeFormat::Code128, false, false, 3);
    ZXing::DecodeHints databar = make_hints(kDataBarFormats, false, false, 1);
    // The enlarged band of a DataBar that did not read above, with zxing's harder row scan (it read 2 px
    // DataBar Expanded bands at 45 degrees that the plain scan did not).
    ZXing::DecodeHints enlarged_databar = make_hints(kDataBarFormats, true, false, 1);
    // A band of a region's bars from edge to edge, every row (see kEveryRowAcross); DataBar as above.
    ZXing::DecodeHints every_row_linear = make_hints(kPlainLinearFormats, true, false, 3);
    // A region of the frame as it lies, rows and columns, as plain zxing-cpp reads the whole frame.
    ZXing::DecodeHints region_linear = make_hints(kPlainLinearFormats, true, true, 2);
    ZXing::DecodeHints region_databar = make_hints(kDataBarFormats, true, true, 1);
    // A region at the frame's edge, along the frame's rows (or its columns, transposed) only.
    ZXing::DecodeHints edge_linear = make_hints(kPlainLinearFormats, true, false, 2);
    ZXing::DecodeHints edge_databar = make_hints(kDataBarFormats, true, false, 1);
    // A whole image as plain zxing-cpp reads it, DataBar in its own pass (see the top of this file).
    ZXing::DecodeHints full = make_hints(kMatrixFormats | kPlainLinearFormats, true, true, 2, true);
    ZXing::DecodeHints full_databar = make_hints(kDataBarFormats, true, true, 1, true);
    ZXing::DecodeHints full_matrix = make_hints(kMatrixFormats, true, true, 1, true);
    ZXing::DecodeHints full_linear = make_hints(kPlainLinearFormats, true, true, 2, true);
    ZXing::DecodeHints quick_linear = make_hints(kPlainLinearFormats, false, false, 2);
    ZXing::DecodeHints quick_matrix = make_hints(kMatrixFormats, false, true, 1);
    // The live decoder's idle passes: the same, without the downscaled copies, a share per frame.
    ZXing::DecodeHints idle_matrix = make_hints(kMatrixFormats, true, true, 1);
    ZXing::DecodeHints idle_linear = make_hints(kPlainLinearFormats, true, false, 2);
    // DataBar rows only: the column pass reads it on the transposed copy the linear column slice makes.
    ZXing::DecodeHints idle_databar = make_hints(kDataBarFormats, true, false, 1);
    ZXing::DecodeHints dotted = make_hints(BarcodeFormat::DataMatrix, true, true, 1);
    // A still's further matrix symbol read again as it lies, with zxing's harder search (a DataMatrix of
    // 3.5 px modules turned 40-50 degrees read only so).
    ZXing::DecodeHints further_matrix = make_hints(kMatrixFormats, true, true, 1);
    // A DataMatrix sampled by this decoder and drawn again clean and upright (the curved sampler): read
    // as a pure symbol, without a search for it.
    ZXing::DecodeHints curved = pure_hints(BarcodeFormat::DataMatrix);
};

const Hints& hints() {
    static const Hints made;
    return made;
}

bool is_matrix_format(const std::string& format) {
    return format == "DataMatrix" || format == "QRCode";
}

bool is_databar_format(const std::string& format) {
    return format == "DataBar" || format == "DataBarExpanded";
}

// Grey level at a point between pixels; -1 outside the image.
float sample(const cv::Mat& image, cv::Point2f p) {
    const int x = static_cast<int>(std::floor(p.x)), y = static_cast<int>(std::floor(p.y));
    if (x < 0 || y < 0 || x + 1 >= image.cols || y + 1 >= image.rows) return -1;
    const float fx = p.x - static_cast<float>(x), fy = p.y - static_cast<float>(y);
    const auto at = [&](int dx, int dy) {
        return static_cast<float>(image.at<std::uint8_t>(y + dy, x + dx));
    };
    return (1 - fy) * ((1 - fx) * at(0, 0) + fx * at(1, 0)) + fy * ((1 - fx) * at(0, 1) + fx * at(1, 1));
}

// EAN-8 and UPC-E are shorter than EAN-13 and built of the same characters: zxing 1.4 reads the left half
// of some EAN-13s as a valid UPC-E (the EAN's centre guard and the bar after it pass for UPC-E's end
// guard). A real one has quiet zones; bars going on within a few modules of either end mean a piece of
// a longer symbol.
bool is_fragment(const cv::Mat& image, const ZXing::Result& result) {
    const auto format = result.format();
    if (format != BarcodeFormat::UPCE && format != BarcodeFormat::EAN8) return false;
    const int modules = format == BarcodeFormat::UPCE ? 51 : 67;
    const auto& position = result.position();
    for (const auto& [a, b] : {std::pair{position[0], position[1]}, std::pair{position[3], position[2]}}) {
        const cv::Point2f start(static_cast<float>(a.x), static_cast<float>(a.y));
        const cv::Point2f end(static_cast<float>(b.x), static_cast<float>(b.y));
        const cv::Point2f module = (end - start) / static_cast<float>(modules);
        if (std::hypot(module.x, module.y) < 0.5f) continue;
        // Dark and light as the symbol itself shows them.
        float dark = 255, light = 0;
        for (int k = 0; k <= 2 * modules; ++k) {
            const float v = sample(image, start + module * (0.5f * static_cast<float>(k)));
            if (v < 0) continue;
            dark = std::min(dark, v), light = std::max(light, v);
        }
        const float swing = light - dark;
        if (swing < 20) continue;
        for (const auto& [from, step] : {std::pair{end, module}, std::pair{start, -module}}) {
            int transitions = 0;
            bool is_dark = false;
            for (float k = 0.5f; k <= 7; k += 0.5f) {
                const float v = sample(image, from + step * k);
                if (v < 0) break;
                if (is_dark && v > dark + 0.65f * swing) is_dark = false, ++transitions;
                if (!is_dark && v < dark + 0.35f * swing) is_dark = true, ++transitions;
            }
            if (transitions >= 3) return true;
        }
    }
    return false;
}

// The bars of an EAN or UPC are far taller than a module (at least a dozen even when truncated); a row
// of a stacked symbol (PDF417) or of print is a few modules high, and now and then spells a valid
// UPC-E or EAN with quiet zones. So the same bars must be found again beside the line zxing read, six
// modules to one side or the other (allowing for a shift along it, as the line may cross the bars at a
// slant): a normalised correlation of at least 0.6 in each half of the line.
bool has_tall_bars(const cv::Mat& image, const ZXing::Result& result) {
    const auto format = result.format();
    int modules = 0;
    if (format == BarcodeFormat::EAN13 || format == BarcodeFormat::UPCA) modules = 95;
    if (format == BarcodeFormat::EAN8) modules = 67;
    if (format == BarcodeFormat::UPCE) modules = 51;
    if (modules == 0) return true;
    const auto& position = result.position();
    const cv::Point2f start(static_cast<float>(position[0].x), static_cast<float>(position[0].y));
    const cv::Point2f end(static_cast<float>(position[1].x), static_cast<float>(position[1].y));
    const cv::Point2f step = (end - start) / static_cast<float>(2 * modules);  // half a module
    const float half_module = std::hypot(step.x, step.y);
    if (half_module < 0.25f) return true;
    const cv::Point2f normal(-step.y / half_module, step.x / half_module);
    const int count = 2 * modules + 1, lags = 12;
    std::vector<float> line(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
        line[static_cast<std::size_t>(k)] = sample(image, start + step * static_cast<float>(k));
        if (line[static_cast<std::size_t>(k)] < 0) return true;
    }
    bool judged = false;
    for (const float side : {1.f, -1.f}) {
        const cv::Point2f offset = normal * (side * 12 * half_module);
        std::vector<float> beside(static_cast<std::size_t>(count + 2 * lags));
        bool inside = true;
        for (int k = -lags; k < count + lags && inside; ++k) {
            const float v = sample(image, start + offset + step * static_cast<float>(k));
            inside = v >= 0;
            beside[static_cast<std::size_t>(k + lags)] = v;
        }
        if (!inside) continue;
        judged = true;
        // Both halves of the line must match at the same shift: a stacked symbol's start pattern is as
        // tall as the symbol, its codewords are not.
        auto correlation = [&](int lag, int from, int to) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int k = from; k < to; ++k) {
                const double a = line[static_cast<std::size_t>(k)];
                const double b = beside[static_cast<std::size_t>(k + lag + lags)];
                sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b;
            }
            const double n = to - from, cov = sab - sa * sb / n;
            const double va = saa - sa * sa / n, vb = sbb - sb * sb / n;
            return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
        };
        for (int lag = -lags; lag <= lags; ++lag) {
            if (correlation(lag, 0, count / 2) >= 0.6 && correlation(lag, count / 2, count) >= 0.6)
                return true;
        }
    }
    return !judged;
}

// A DataBar carries a 13-digit number and zxing appends its check digit, so its text is 14 digits.
// zxing 1.4 pairs a left and a right half from different rows or symbols whenever their checksum, one of
// 79 values, happens to agree; such a pair may add up beyond 13 digits, and zxing then prints 15. Seen on
// a generated scene as DataBar '101591122576231'.
bool is_out_of_range_databar(const ZXing::Result& result) {
    return result.format() == ZXing::BarcodeFormat::DataBar && result.text().size() != 14;
}

// Pixels this thread has handed to zxing: zxing's cost grows with them (binarizing comes first), so the
// live decoder keeps each frame to a budget of them.
thread_local std::size_t t_pixels_handed = 0;

// Reads one symbol in `image`; its corners are mapped into the frame through `to_frame`.
std::optional<DecodedSymbol> read_image(const cv::Mat& image, const ZXing::DecodeHints& with,
                                        const cv::Matx23d& to_frame) {
    if (image.empty() || image.cols < 8 || image.rows < 8) return std::nullopt;
    t_pixels_handed += image.total();
    const ZXing::ImageView view(image.data, image.cols, image.rows, ZXing::ImageFormat::Lum,
                                static_cast<int>(image.step));
    ZXing::Result result;
    try {
        result = ZXing::ReadBarcode(view, with);
    } catch (const std::exception&) {
        return std::nullopt;  // one bad frame must not take the kiosk down; the next one gets a try
    }
    if (!result.isValid()) return std::nullopt;
    if (is_fragment(image, result) || !has_tall_bars(image, result)) return std::nullopt;
    if (is_out_of_range_databar(result)) return std::nullopt;
    DecodedSymbol symbol;
    symbol.format = ZXing::ToString(result.format());
    symbol.symbology = result.symbologyIdentifier();
    symbol.text = result.text();
    const auto& position = result.position();
    for (int i = 0; i < 4; ++i) {
        const cv::Vec3d local(position[i].x, position[i].y, 1);
        const cv::Vec2d mapped = to_frame * local;
        symbol.corners[i] = {static_cast<float>(mapped[0]), static_cast<float>(mapped[1])};
    }
    return symbol;
}

const cv::Matx23d kIdentity(1, 0, 0, 0, 1, 0);

// A linear symbol in an upright band: EAN/UPC/Code 128, then DataBar in its own pass.
std::optional<DecodedSymbol> read_linear(const cv::Mat& band, const cv::Matx23d& to_frame) {
    if (auto symbol = read_image(band, hints().linear, to_frame)) return symbol;
    return read_image(band, hints().databar, to_frame);
}

// A tracked symbol is re-read with its own format only: half the work of all of them.
std::optional<DecodedSymbol> read_known(const cv::Mat& image, const std::string& format,
                                        const cv::Matx23d& to_frame) {
    const Hints& h = hints();
    if (format == "DataMatrix") return read_image(image, h.datamatrix, to_frame);
    if (format == "QRCode") return read_image(image, h.qr, to_frame);
    if (is_databar_format(format)) return read_image(image, h.databar, to_frame);
    if (format == "Code128") return read_image(image, h.code128, to_frame);
    return read_image(image, h.ean, to_frame);
}

// A rotated rectangle of the frame to cut out: `angle` (degrees, image coordinates) becomes the cut's
// x axis; width runs along it and height across, in frame pixels; scale enlarges or reduces.
struct Cut {
    cv::Point2f centre;
    double angle = 0;
    double width = 0;
    double height = 0;
    double scale = 1;
    int interpolation = cv::INTER_LINEAR;
    int max_rows = 0;  // a band needs only as many rows as zxing scans (its middle half, 15 rows): 0 = all
    double row_scale = 1;  // across the band, times `scale`: bars need few rows to be read, only their length
    // Where the scan line runs out of the frame, what lies beyond is light, as a quiet zone, not the
    // frame's edge repeated: a symbol the edge cuts at its end guard has a bar on it, and repeated it filled
    // the quiet zone (see lighten_beyond_frame).
    bool light_beyond_frame = false;
};

// Rows of a band: zxing reads the middle half of a linear symbol's band, and an enlarged band of a tall
// symbol would only cost more to cut and binarize.
constexpr int kBandRows = 72;

// A cut turned by whole quarter turns and moved by whole pixels (`to_cut` holds only -1, 0, 1 and whole
// numbers): the frame's pixels copied, with its edge repeated beyond it, as warpAffine would give them for
// a fraction of its cost (an upright band is the commonest cut). Empty when the cut lies wholly outside.
cv::Mat copy_quarter_turned(const cv::Mat& full, const cv::Matx23d& to_cut, const cv::Matx23d& to_frame,
                            cv::Size size) {
    const auto source = [&](int x, int y) {
        return cv::Point(
            static_cast<int>(std::lround(to_frame(0, 0) * x + to_frame(0, 1) * y + to_frame(0, 2))),
            static_cast<int>(std::lround(to_frame(1, 0) * x + to_frame(1, 1) * y + to_frame(1, 2))));
    };
    const cv::Point a = source(0, 0), b = source(size.width - 1, size.height - 1);
    const cv::Rect rect(std::min(a.x, b.x), std::min(a.y, b.y), std::abs(a.x - b.x) + 1,
                        std::abs(a.y - b.y) + 1);
    const cv::Rect inside = rect & cv::Rect(0, 0, full.cols, full.rows);
    if (inside.empty()) return {};
    cv::Mat upright;
    cv::copyMakeBorder(full(inside), upright, inside.y - rect.y, rect.br().y - inside.br().y,
                       inside.x - rect.x, rect.br().x - inside.br().x, cv::BORDER_REPLICATE);
    const long along_x = std::lround(to_cut(0, 0)), across_x = std::lround(to_cut(0, 1));
    if (along_x == 1) return upright;
    cv::Mat turned;
    cv::rotate(upright, turned,
               along_x == -1    ? cv::ROTATE_180
               : across_x == -1 ? cv::ROTATE_90_CLOCKWISE
                                : cv::ROTATE_90_COUNTERCLOCKWISE);
    return turned;
}

// Paints the pixels of band `cut` that come from beyond the frame where the scan line runs out of it (their
// column's middle lies beyond it too) with the light of the pixels inside the frame (their 90th
// percentile), so that a symbol whose scan line runs into the frame's edge ends in a quiet zone there.
// Beyond an edge the scan line runs beside, the edge stays repeated: the bars of a symbol that edge cuts
// short go on there (painted light, such symbols that plain zxing-cpp read in every frame were lost: red
// team rt49 q1).
void lighten_beyond_frame(cv::Mat& cut, const cv::Matx23d& to_frame, cv::Size frame) {
    const auto inside = [&](double x, double y) {
        const double fx = to_frame(0, 0) * x + to_frame(0, 1) * y + to_frame(0, 2);
        const double fy = to_frame(1, 0) * x + to_frame(1, 1) * y + to_frame(1, 2);
        return fx >= 0 && fy >= 0 && fx <= frame.width - 1 && fy <= frame.height - 1;
    };
    const double middle = (cut.rows - 1) / 2.0;
    if (inside(0, middle) && inside(cut.cols - 1, middle)) return;
    cv::Mat beyond(cut.size(), CV_8U, cv::Scalar(0));
    std::array<int, 256> histogram{};
    int inside_count = 0;
    for (int y = 0; y < cut.rows; ++y) {
        const std::uint8_t* row = cut.ptr<std::uint8_t>(y);
        std::uint8_t* out = beyond.ptr<std::uint8_t>(y);
        for (int x = 0; x < cut.cols; ++x) {
            if (inside(x, y)) {
                ++histogram[row[x]];
                ++inside_count;
            } else if (!inside(x, middle)) {
                out[x] = 1;
            }
        }
    }
    if (inside_count == 0) return;
    int light = 255;
    for (int level = 255, above = 0; level >= 0; --level) {
        above += histogram[static_cast<std::size_t>(level)];
        if (above * 10 >= inside_count) {
            light = level;
            break;
        }
    }
    cut.setTo(light, beyond);
}

cv::Mat cut_out(const cv::Mat& full, Cut cut, cv::Matx23d& to_frame) {
    // Never more than 4000 px a side: a huge cut would only be read more slowly, not better.
    const double longest = std::max(cut.width, cut.height) * cut.scale;
    if (longest > 4000) cut.scale *= 4000 / longest;
    const int out_w = std::max(8, static_cast<int>(std::lround(cut.width * cut.scale)));
    int out_h = std::max(8, static_cast<int>(std::lround(cut.height * cut.scale * cut.row_scale)));
    if (cut.max_rows > 0) out_h = std::min(out_h, cut.max_rows);
    // Within a degree or so of an axis, turn exactly onto it: whole-pixel steps resample nothing.
    const double nearest_axis = std::round(cut.angle / 90) * 90;
    const bool on_axis = std::abs(cut.angle - nearest_axis) < 1.2;
    if (on_axis) cut.angle = nearest_axis;
    cv::Matx23d to_cut = cv::getRotationMatrix2D(cut.centre, cut.angle, cut.scale);
    for (int k = 0; k < 3; ++k) to_cut(1, k) *= cut.row_scale;
    to_cut(0, 2) += out_w / 2.0 - cut.centre.x;
    to_cut(1, 2) += out_h / 2.0 - cut.centre.y * cut.row_scale;
    // ... and only if the cut starts on a whole pixel too: a centre between pixels (an odd width about a
    // whole-pixel centre) averaged every pair of neighbours, and lost the one-pixel spaces of a DataBar
    // Expanded of 2.2 px modules upright.
    const bool whole_pixels = on_axis && cut.scale == 1 && cut.row_scale == 1;
    if (whole_pixels)
        for (double& entry : to_cut.val) entry = std::round(entry);
    cv::invertAffineTransform(to_cut, to_frame);
    cv::Mat out;
    if (whole_pixels) out = copy_quarter_turned(full, to_cut, to_frame, cv::Size(out_w, out_h));
    if (out.empty())
        cv::warpAffine(full, out, to_cut, cv::Size(out_w, out_h),
                       cut.scale < 1 ? cv::INTER_AREA : cut.interpolation, cv::BORDER_REPLICATE);
    if (cut.light_beyond_frame) lighten_beyond_frame(out, to_frame, full.size());
    return out;
}

// Light/dark changes along one row of a band, against a running mean over 15 px; the first and last
// change's columns in `first` and `last`.
int row_transitions(const cv::Mat& band, int y, int& first, int& last) {
    const std::uint8_t* row = band.ptr<std::uint8_t>(y);
    const int window = 7;
    int transitions = 0;
    first = last = -1;
    bool dark = false, known = false;
    int sum = 0, count = 0;
    for (int x = 0; x < std::min(band.cols, window); ++x) sum += row[x], ++count;
    for (int x = 0; x < band.cols; ++x) {
        if (x + window < band.cols) sum += row[x + window], ++count;
        if (x - window - 1 >= 0) sum -= row[x - window - 1], --count;
        const int mean = sum / std::max(1, count);
        if (std::abs(row[x] - mean) < 8) continue;  // too little contrast to call
        const bool now_dark = row[x] < mean;
        if (known && now_dark != dark) {
            ++transitions;
            if (first < 0) first = x;
            last = x;
        }
        dark = now_dark;
        known = true;
    }
    return transitions;
}

// Pixels per module along the rows of an upright band, or 0 when it shows no bars. Bars and spaces of
// the pack symbologies average about 1.7 modules, so a module is the span of the transitions divided by
// 1.7 times their number; the median over a few rows of the middle half.
double module_along(const cv::Mat& band) {
    std::vector<double> estimates;
    for (double at : {0.35, 0.45, 0.5, 0.55, 0.65}) {
        const int y = std::clamp(static_cast<int>(at * band.rows), 0, band.rows - 1);
        int first = 0, last = 0;
        const int transitions = row_transitions(band, y, first, last);
        if (transitions >= 12) estimates.push_back((last - first) / (1.7 * transitions));
    }
    if (estimates.size() < 2) return 0;
    std::sort(estimates.begin(), estimates.end());
    return estimates[estimates.size() / 2];
}

// The module of the bars `cut` would show, from a thin strip through its middle (a fraction of the cost
// of cutting the whole band twice).
double module_of(const cv::Mat& full, Cut cut) {
    cut.height = std::max(8.0, 0.3 * cut.height);
    cut.scale = 1;
    cv::Matx23d unused;
    return module_along(cut_out(full, cut, unused));
}

// The band as if lit evenly: each pixel divided by the white around it (the brightest within a few
// modules, smoothed). A long symbol under uneven light can be darker at one end than the paper at the
// other, and zxing's threshold per row then takes a quiet zone for a bar.
cv::Mat evened(const cv::Mat& band, double module) {
    const int width = std::max(3, static_cast<int>(6 * module)) | 1;
    cv::Mat brightest, white, out;
    cv::dilate(band, brightest, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(width, 3)));
    cv::blur(brightest, white, cv::Size(width, 3));  // not in place, which makes OpenCV copy its source
    cv::divide(band, white, out, 230);
    return out;
}

bool is_ean_family(const std::string& format) {
    return format == "EAN-13" || format == "UPC-A" || format == "EAN-8";
}

// An EAN or UPC carries one check digit, and on a blurred photo zxing 1.4 has been seen to read three
// neighbouring rows alike and wrong (the "three agreeing lines" are a pixel apart, no independent
// evidence). So a new one is read once more, from a band cut along the line zxing reported at another
// scale and sampling phase, and believed only when that gives the same text. The band runs 15 modules past
// each end, then, if that did not give it, 9, the quiet zones an EAN needs and no more: 15 took in the last
// bars of a Code 128 printed 10 modules before an EAN-13, where zxing's row scan started and gave up, and
// the EAN was never believed; 9 alone lost EANs whose end guard the frame's edge cuts.
bool confirmed(const cv::Mat& full, const DecodedSymbol& symbol) {
    if (!is_ean_family(symbol.format)) return true;
    const auto& c = symbol.corners;
    const double dx = c[1].x - c[0].x, dy = c[1].y - c[0].y, length = std::hypot(dx, dy);
    if (length < 8) return false;
    const double module = length / (symbol.format == "EAN-8" ? 67 : 95);
    Cut cut;
    cut.angle = std::atan2(dy, dx) * 180 / kPi;
    cut.centre = {static_cast<float>((c[0].x + c[1].x + c[2].x + c[3].x) / 4 + 0.37 * dx / length),
                  static_cast<float>((c[0].y + c[1].y + c[2].y + c[3].y) / 4 + 0.37 * dy / length)};
    cut.height = std::clamp(
        std::max(length * 0.25, static_cast<double>(std::hypot(c[3].x - c[0].x, c[3].y - c[0].y)) + 16), 24.0,
        200.0);
    cut.scale = std::clamp(4.1 / module, 1.3, 3.0);
    cut.max_rows = kBandRows;
    cut.interpolation = cv::INTER_CUBIC;
    cut.light_beyond_frame = true;
    for (const double quiet_modules : {15.0, 9.0}) {
        cut.width = length + 2 * quiet_modules * module;
        cv::Matx23d to_frame;
        const cv::Mat band = cut_out(full, cut, to_frame);
        for (const cv::Mat& image : {band, evened(band, module * cut.scale)})
            if (auto again = read_image(image, hints().ean, to_frame)) {
                if (again->text == symbol.text) return true;
                break;
            }
    }
    return false;
}

// Module width (frame pixels) below which a band is enlarged before it is read.
constexpr double kThinModule = 2.4;
// An unread band whose module measures less than this (a DataBar's true module of about 3 px) is read
// once more for DataBar, enlarged this much.
constexpr double kDataBarEnlargeBelow = 4.4;
constexpr double kDataBarEnlargement = 2.0;
// ... and only when the band is long enough for a DataBar Expanded carrying more than a GTIN (an EAN-13 is
// 95 modules, a plain DataBar 96, a DataBar Expanded with a date and a batch over 200). A plain DataBar
// reads at its own size; an EAN that did not read would only pay for the extra read.
constexpr double kDataBarModuleSpread = 1.4;
constexpr double kDataBarExpandedMinModules = 160;
// A stacked DataBar's rows are 33-34 modules high, and zxing needs some lines across each row, not all of
// them: the tall read of a stacked row cuts this many a row, 5 to 10 times fewer pixels than all of them
// at 3 px modules. Cut whole, it was the costliest read of the live decoder's slowest frames, and was paid
// mostly for print beside bars that only looks like a second row. (12 a row lost 8 of 66 angles of
// DataBar Expanded Stacked, 24 loses one of 69 of DataBar Stacked.)
constexpr double kStackedRowModules = 34;
constexpr double kLinesPerStackedRow = 24;

// Module width (frame pixels) up to which an unread band is also read as it lies in the frame.
constexpr double kAsItLiesMaxModule = 3.5;

// A symbol moving fast along its bars is smeared along them: in the middle of its bars the smear, never
// quite parallel to them, fills the narrow spaces, while near their ends, where it takes in the light
// beyond them, the bars stay sharp enough to read. (Boxes brought in at 60-100 px a frame; plain
// zxing-cpp, which tries every line, read them there in the frames where the live decoder read nothing.)
// A band scans the middle 30 rows or so of its bars; a region of bars taller across than this that did not
// read there is read once more from edge to edge, kEveryRowRows rows spread over it, every one scanned.
// The live decoder only: the still decoder's whole-image pass tries every line anyway.
constexpr double kEveryRowAcross = 96;
constexpr double kEveryRowRows = 72;

// A bars region this much wider across than a band holds, and without bars along its middle, is
// searched across for them.
constexpr double kMergedAcross = 120;

// The finder joins the bars of a symbol with print beside them that runs the same way (lines of text
// along a DataBar), and the middle of such a region may miss the bars. Moves `cut` across to the strip
// with the most light/dark changes, if one has enough for a symbol.
bool recentre_on_bars(const cv::Mat& full, Cut& cut, double across) {
    const double radians = cut.angle * kPi / 180;
    const cv::Point2f normal(static_cast<float>(-std::sin(radians)), static_cast<float>(std::cos(radians)));
    const double step = 24;
    const int steps = std::min(12, static_cast<int>(across / 2 / step));
    Cut strip = cut;
    strip.height = 8;
    strip.scale = 1;
    strip.max_rows = 0;
    int best_transitions = 24, best_offset = 0;
    for (int k = -steps; k <= steps; ++k) {
        if (k == 0) continue;  // the middle was looked at already
        const float offset = static_cast<float>(k * step);
        strip.centre = cut.centre + normal * offset;
        cv::Matx23d unused;
        const cv::Mat rows = cut_out(full, strip, unused);
        int first = 0, last = 0;
        const int transitions = row_transitions(rows, rows.rows / 2, first, last);
        if (transitions > best_transitions) best_transitions = transitions, best_offset = k;
    }
    if (best_offset == 0) return false;
    cut.centre += normal * static_cast<float>(best_offset * step);
    cut.height = std::min(cut.height, 4 * step);
    return true;
}

// Grey levels along a band's length, `offset` pixels off its middle, over the part inside the frame.
std::vector<float> line_along(const cv::Mat& full, const Cut& cut, double offset) {
    const double angle = cut.angle * kPi / 180;
    const cv::Point2f along(static_cast<float>(std::cos(angle)), static_cast<float>(std::sin(angle)));
    const cv::Point2f normal(-along.y, along.x);
    const int count = static_cast<int>(cut.width);
    std::vector<float> line;
    for (int k = 0; k < count; ++k) {
        const cv::Point2f p = cut.centre + along * (static_cast<float>(k) - static_cast<float>(count) / 2) +
                              normal * static_cast<float>(offset);
        line.push_back(sample(full, p));  // negative outside the frame
    }
    return line;
}

// Light/dark changes along a line, against its own mid grey.
int changes_along(const std::vector<float>& line) {
    float low = 255, high = 0;
    for (const float v : line)
        if (v >= 0) low = std::min(low, v), high = std::max(high, v);
    if (high - low < 40) return 0;
    const float mid = (low + high) / 2;
    int changes = 0;
    for (std::size_t k = 1; k < line.size(); ++k)
        if (line[k - 1] >= 0 && line[k] >= 0) changes += (line[k - 1] < mid) != (line[k] < mid);
    return changes;
}

// Normalised correlation of two lines over the samples both have.
double correlation_of(const std::vector<float>& a, const std::vector<float>& b) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = 0;
    for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
        if (a[k] < 0 || b[k] < 0) continue;
        sa += a[k], sb += b[k], saa += a[k] * a[k], sbb += b[k] * b[k], sab += a[k] * b[k], ++n;
    }
    if (n < 32) return 1;  // too little to tell them apart
    const double va = saa - sa * sa / n, vb = sbb - sb * sb / n;
    return va > 0 && vb > 0 ? (sab - sa * sb / n) / std::sqrt(va * vb) : 1;
}

// Whether the bars at a band's middle have another row of bars above or below them, running the same
// way but not the same bars: a stacked DataBar, whose rows the finder gives as one region (upright, the
// rows a third of its height off its middle) or as a region each (the next row beyond its edge). Print
// beside bars changes light and dark far less often.
bool has_stacked_row(const cv::Mat& full, const Cut& cut, double across) {
    const std::vector<float> middle = line_along(full, cut, 0);
    const int bars = changes_along(middle);
    if (bars < 20 || across < 24) return false;
    for (const double offset : {across / 3, 0.9 * across})
        for (const double side : {-1.0, 1.0}) {
            const std::vector<float> other = line_along(full, cut, side * offset);
            if (changes_along(other) >= bars * 6 / 10 && correlation_of(middle, other) < 0.4) return true;
        }
    return false;
}

// Which edges of the frame a bars region reaches (within a finder block and a half): kRowsEdge for the
// top or bottom, kColumnsEdge for the left or right. The symbol may go on beyond them, and an upright band
// along its scan line then runs out of the frame, while the frame's rows (at the top or bottom) or columns
// (at the sides) can still cross all its bars: those of a tall EAN turned 45 degrees do. A line at an angle
// t to the scan line crosses all the bars only where they are taller than tan t times the symbol's length,
// and no pack symbol's bars are taller than tan 50 degrees (1.2) times it: an edge whose lines would cross
// the scan line more steeply is left out (a PDF417 standing upright at the top of the frame cost a read
// every frame there and kept a DataMatrix beside it waiting).
// `ahead`: the edges the scan line runs into instead, whose lines run along it (see read_linear_candidate).
constexpr int kRowsEdge = 1, kColumnsEdge = 2;
int frame_edges_reached(const cv::Mat& full, const Candidate& c, bool ahead = false) {
    constexpr int kMargin = 24;
    const double cos_50 = 0.64, radians = c.angle_degrees * kPi / 180;
    const cv::Rect box =
        cv::RotatedRect(cv::Point2f(c.centre.x, c.centre.y), cv::Size2f(c.along, c.across), c.angle_degrees)
            .boundingRect();
    const bool top_or_bottom = box.y < kMargin || box.br().y > full.rows - kMargin;
    const bool left_or_right = box.x < kMargin || box.br().x > full.cols - kMargin;
    const bool rows_cross = std::abs(std::cos(radians)) >= cos_50,
               columns_cross = std::abs(std::sin(radians)) >= cos_50;
    int edges = 0;
    if (top_or_bottom && (ahead ? columns_cross : rows_cross)) edges |= ahead ? kColumnsEdge : kRowsEdge;
    if (left_or_right && (ahead ? rows_cross : columns_cross)) edges |= ahead ? kRowsEdge : kColumnsEdge;
    return edges;
}

// A bars region at the frame's edge read as it lies, as plain zxing-cpp reads the whole frame, but only
// along the frame's rows or columns that stay inside it (see frame_edges_reached).
std::optional<DecodedSymbol> read_at_frame_edge(const cv::Mat& full, const Candidate& c, int edges) {
    const cv::RotatedRect region(cv::Point2f(c.centre.x, c.centre.y),
                                 cv::Size2f(c.along * 1.4f + 48, c.across + 48), c.angle_degrees);
    const cv::Rect box = region.boundingRect() & cv::Rect(0, 0, full.cols, full.rows);
    if (box.width < 16 || box.height < 16) return std::nullopt;
    const Hints& h = hints();
    if (edges & kRowsEdge) {
        const cv::Matx23d crop_to_frame(1, 0, box.x, 0, 1, box.y);
        if (auto symbol = read_image(full(box), h.edge_linear, crop_to_frame)) return symbol;
        if (auto symbol = read_image(full(box), h.edge_databar, crop_to_frame)) return symbol;
    }
    if (edges & kColumnsEdge) {
        cv::Mat columns;
        cv::transpose(full(box), columns);
        const cv::Matx23d columns_to_frame(0, 1, box.x, 1, 0, box.y);
        if (auto symbol = read_image(columns, h.edge_linear, columns_to_frame)) return symbol;
        if (auto symbol = read_image(columns, h.edge_databar, columns_to_frame)) return symbol;
    }
    return std::nullopt;
}

// A linear candidate: an upright band along its scan line, enlarged when its modules are thin.
// `as_it_lies`: when the band gives nothing, read the region along the frame's rows and columns too (the
// live decoder; the still decoder makes that pass over the whole image anyway). `every_row`: when the band
// gives nothing, read all the rows of its bars too (the live decoder, see kEveryRowAcross).
std::optional<DecodedSymbol> read_linear_candidate(const cv::Mat& full, const Candidate& c, bool as_it_lies,
                                                   bool every_row) {
    Cut cut;
    cut.centre = {c.centre.x, c.centre.y};
    cut.angle = c.angle_degrees;
    // Room for the quiet zones at both ends (and a finder that saw only part of the bars).
    cut.width = c.along * 1.3 + 40;
    cut.height = std::clamp(static_cast<double>(c.across) + 12, 24.0, 240.0);
    cut.max_rows = kBandRows;
    double module = module_of(full, cut);
    if (module == 0 && c.across > kMergedAcross && c.coherence >= 0.9 &&
        recentre_on_bars(full, cut, c.across))
        module = module_of(full, cut);
    // Quiet zones of a dozen modules at each end, however large the modules.
    cut.width = std::max(cut.width, c.along + 28 * module);
    // Thin bars: bilinear resampling smears an edge over a pixel, which is a third of a module here.
    if (module > 0 && module < 3.5) cut.interpolation = cv::INTER_CUBIC;
    if (module > 0 && module < kThinModule) cut.scale = std::min(3.0, 2.8 / module);
    cv::Matx23d to_frame;
    Cut band_cut = cut;
    band_cut.light_beyond_frame = true;
    const cv::Mat band = cut_out(full, band_cut, to_frame);
    // A region at the frame's edge: the band along its scan line may have run out of the frame, and the
    // middle of what is left of it may show no run of bars, or an EAN read in it no second band to be
    // checked in. Read along the frame's rows or columns, those that stay inside the frame, as plain
    // zxing-cpp reads them.
    const int edges = as_it_lies && c.coherence >= 0.75 ? frame_edges_reached(full, c) : 0;
    const auto at_edge = [&]() { return edges != 0 ? read_at_frame_edge(full, c, edges) : std::nullopt; };
    // Resampled and enlarged bands are this decoder's own view, not zxing's: an EAN read there is checked.
    // A symbol read in the band but not confirmed, whose scan line runs into the frame's edge, is read along
    // the frame's lines that run with it as plain zxing-cpp reads them: they start at the edge, which zxing
    // takes for a quiet zone (an EAN-13 standing on the top edge, its guard's last bar beyond it, was read in
    // a band where the edge is painted light but never confirmed). Only then: a region that gives nothing
    // so, print or a PDF417 at the edge, cost a read every frame and kept the symbols beside it waiting.
    if (auto symbol = read_linear(band, to_frame)) {
        if (confirmed(full, *symbol)) return symbol;
        const int ahead = as_it_lies ? frame_edges_reached(full, c, true) : 0;
        return ahead != 0 ? read_at_frame_edge(full, c, edges | ahead) : at_edge();
    }
    // No run of bars and spaces along the band's middle: stripes or print, not a symbol seen badly.
    if (module == 0) return at_edge();
    if (auto symbol = read_linear(evened(band, module * cut.scale), to_frame))
        return confirmed(full, *symbol) ? symbol : at_edge();
    if (auto symbol = at_edge()) return symbol;
    if (every_row && c.coherence >= 0.9 && c.across >= kEveryRowAcross) {
        Cut tall = cut;
        tall.height = c.across + 24;
        tall.max_rows = 0;
        tall.row_scale = std::min(1.0, kEveryRowRows / (tall.height * tall.scale));
        const cv::Mat rows = cut_out(full, tall, to_frame);
        if (auto symbol = read_image(rows, hints().every_row_linear, to_frame))
            return confirmed(full, *symbol) ? symbol : std::nullopt;
        if (auto symbol = read_image(rows, hints().enlarged_databar, to_frame)) return symbol;
    }
    // DataBar's elements average about 2.3 modules, not the 1.7 module_along assumes, so its module
    // measures about 1.4 times what it is, and a DataBar Expanded of 2-3 px modules was read at about its
    // own size, where zxing 1.4 loses it at some angles and sampling phases (in a 5-degree sweep, 4 of 72
    // angles at 2 px). Twice its size it reads at nearly all of them.
    if (module < kDataBarEnlargeBelow && cut.scale < kDataBarEnlargement &&
        c.along * kDataBarModuleSpread / module >= kDataBarExpandedMinModules) {
        cut.scale = kDataBarEnlargement;
        cut.interpolation = cv::INTER_CUBIC;
        if (auto symbol = read_image(cut_out(full, cut, to_frame), hints().enlarged_databar, to_frame))
            return symbol;
    }
    // A stacked DataBar (Stacked Omnidirectional, Expanded Stacked): rows of pairs one above the other,
    // which zxing joins only when it scans every row of them; a band of one row never holds them all.
    // Read once more cut three rows high, every row.
    if (has_stacked_row(full, cut, c.across)) {
        Cut tall = cut;
        tall.max_rows = 0;
        tall.height = 2 * 0.9 * c.across + c.across + 24;
        const double row_height = kStackedRowModules * module / kDataBarModuleSpread * tall.scale;
        tall.row_scale = std::min(1.0, kLinesPerStackedRow / row_height);
        if (auto symbol = read_image(cut_out(full, tall, to_frame), hints().enlarged_databar, to_frame))
            return symbol;
    }
    // Clearly thin bars, yet unread upright: read the region as it lies, along the frame's rows and
    // columns, as plain zxing-cpp does. Rows crossing thin bars at a slant see them wider, and DataBar
    // Expanded assembles its pairs from several such rows. Wide bars gain nothing from it (a band of them
    // that does not read is blurred or not a symbol), and zxing's harder passes over the large region
    // they cover were the costliest reads of a busy frame.
    if (!as_it_lies || c.coherence < 0.75 || module >= kAsItLiesMaxModule) return std::nullopt;
    const cv::RotatedRect region(cv::Point2f(c.centre.x, c.centre.y),
                                 cv::Size2f(c.along * 1.2f + 24, c.across + 24), c.angle_degrees);
    const cv::Rect box = region.boundingRect() & cv::Rect(0, 0, full.cols, full.rows);
    if (box.width < 16 || box.height < 16) return std::nullopt;
    const cv::Mat crop = full(box);
    const cv::Matx23d crop_to_frame(1, 0, box.x, 0, 1, box.y);
    if (auto symbol = read_image(crop, hints().region_linear, crop_to_frame)) return symbol;
    return read_image(crop, hints().region_databar, crop_to_frame);
}

// A matrix candidate: a square crop centred on it, turned so the region's sides run along the axes.
// A square of the frame centred on `centre`, as it lies: zxing's detectors turn with tryRotate, so only
// the size matters. A view of the frame where possible, copied (enlarged, or padded at the frame's edge)
// where not.
cv::Mat square_around(const cv::Mat& full, cv::Point2f centre, double side, double scale,
                      cv::Matx23d& to_frame) {
    const int half = static_cast<int>(side / 2);
    const cv::Rect rect(static_cast<int>(centre.x) - half, static_cast<int>(centre.y) - half, 2 * half,
                        2 * half);
    if ((rect & cv::Rect(0, 0, full.cols, full.rows)) == rect) {
        if (scale == 1) {
            to_frame = cv::Matx23d(1, 0, rect.x, 0, 1, rect.y);
            return full(rect);
        }
        cv::Mat resized;
        cv::resize(full(rect), resized, cv::Size(), scale, scale,
                   scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        to_frame = cv::Matx23d(1 / scale, 0, rect.x, 0, 1 / scale, rect.y);
        return resized;
    }
    Cut cut;
    cut.centre = centre;
    cut.width = cut.height = 2 * half;
    cut.scale = scale;
    return cut_out(full, cut, to_frame);
}

// A finder block group at least this coherent is taken for bars (see the finder below).
constexpr double kBarCoherence = 0.55;

// zxing's DataMatrix detector wants a few pixels per module; a pack's symbol is 10-26 modules (a QR up
// to about 40), so 320 px a side leaves 8 or more, and a larger crop would only be binarized for longer.
double matrix_scale(double side) {
    return side < 50 ? 3.0 : side < 110 ? 2.0 : std::min(1.0, 320 / side);
}

// A matrix candidate: a square centred on it.
// `scale`: 0 for matrix_scale's guess from the candidate's size.
std::optional<DecodedSymbol> read_matrix_candidate(const cv::Mat& full, const Candidate& c,
                                                   const ZXing::DecodeHints& with, double scale = 0) {
    const double side = std::max(c.along, c.across);
    // The crop is square to the frame and the symbol turned by the candidate's angle: at 45 degrees its
    // corners reach 1.41 times its side across, and a crop of 1.25 sides cut them off (large symbols
    // turned 35-55 degrees went unread). Any wider takes in more of the box around it, which cost reads
    // of small turned symbols.
    const double turn = c.angle_degrees * kPi / 180;
    const double spread = side * (std::abs(std::cos(turn)) + std::abs(std::sin(turn)));
    // A group of blocks whose edges mostly run one way (bars, as far as the finder knows) may be only a
    // part of a matrix symbol, centred off it: a 134 px DataMatrix tilted 13 degrees came as a 96 x 145
    // group on its lower right, and a crop of 1.25 of that never held the whole symbol.
    const double reach = c.coherence >= kBarCoherence ? 1.8 : 1.25;
    const double crop_side = std::max(side * reach, spread) + 16;
    cv::Matx23d to_frame;
    const cv::Mat crop = square_around(full, {c.centre.x, c.centre.y}, crop_side,
                                       scale > 0 ? scale : matrix_scale(side), to_frame);
    return read_image(crop, with, to_frame);
}

std::optional<DecodedSymbol> read_candidate(const cv::Mat& full, const Candidate& c, bool as_it_lies,
                                            bool every_row = false) {
    if (c.coherence >= 0.45) {
        if (auto symbol = read_linear_candidate(full, c, as_it_lies, every_row)) return symbol;
        if (c.coherence >= 0.8) return std::nullopt;
    }
    return read_matrix_candidate(full, c, hints().matrix);
}

// ---------------------------------------------------------------------------------------------------
// The finder: the structure tensor of the gradients, summed over blocks of a half-size copy. A block is
// "strong" where edges are dense; strong blocks whose gradients all run one way (bars) are grouped with
// neighbours running the same way, the others (matrix symbols, text) with any strong neighbour. So the
// bars of a linear symbol are not merged with the text printed beside them, and each group carries its
// own angle.

constexpr int kBlock = 8;            // block side on the working copy
constexpr double kMinEnergy = 4000;  // mean squared Sobel response of a block worth a look
constexpr float kMaxStep = 0.6f;
// Regions the still decoder ranks: enough for every symbol of a pack and the print around them.
constexpr int kStillRegionsConsidered = 12;
// Once a still gave a symbol, the patches of strong edges apart from it looked at for another: a pack
// carries up to three symbols. The search ends sooner after this many patches read in vain: a patch of
// print ranked before a symbol's should not hide it, but a photo of one symbol pays for each.
constexpr int kFurtherPatchesRead = 3;
constexpr int kFurtherPatchesMissed = 2;
// From this many pixels on, a still's candidate regions are read before zxing's whole-image passes.
constexpr double kLargePhotoPixels = 500000;
// A sampled grid whose border shows the finder less well than this is not worth zxing's read.
constexpr double kMinFinderScore = 0.8;
// Regions of a still that read nothing sampled again as a curved DataMatrix.
constexpr int kCurvedRegionsRead = 1;

struct Block {
    float xx = 0, yy = 0, xy = 0;  // mean products of the gradients
    // Over the block and its neighbours, |sum of gradients| / |sum of their absolute values|: 1 for a single
    // edge or a shading, whose gradients all point one way; near 0 for bars and modules, which alternate.
    float step = 0;
    float energy() const { return xx + yy; }
    float coherence() const {
        const float e = energy();
        return e > 0 ? std::sqrt((xx - yy) * (xx - yy) + 4 * xy * xy) / e : 0;
    }
    float angle() const { return 0.5f * std::atan2(2 * xy, xx - yy); }  // of the gradients, radians
};

struct BlockGrid {
    int width = 0, height = 0;
    std::vector<Block> blocks;
};

// Buffers kept from frame to frame: a fresh megabyte each frame costs page faults, which cost as much as
// the arithmetic.
struct FinderWork {
    cv::Mat work, gx, gy;
    BlockGrid grid;
};

const BlockGrid& block_tensors(const cv::Mat& full, int factor, FinderWork& buffers) {
    BlockGrid& grid = buffers.grid;
    grid.width = grid.height = 0;
    grid.blocks.clear();
    cv::Mat work = full;  // a header: never resized into, since it may be the caller's frame
    if (factor > 1) {
        // Every factor-th pixel of every factor-th row (half the time of cv::resize's nearest neighbour).
        buffers.work.create(full.rows / factor, full.cols / factor, CV_8UC1);
        for (int y = 0; y < buffers.work.rows; ++y) {
            const std::uint8_t* in = full.ptr<std::uint8_t>(y * factor);
            std::uint8_t* out = buffers.work.ptr<std::uint8_t>(y);
            for (int x = 0; x < buffers.work.cols; ++x) out[x] = in[x * factor];
        }
        work = buffers.work;
    }
    grid.width = work.cols / kBlock;
    grid.height = work.rows / kBlock;
    if (grid.width < 3 || grid.height < 3) return grid;
    grid.blocks.resize(static_cast<std::size_t>(grid.width * grid.height));
    // Sums per block in 32-bit integers: a Sobel response is at most 1020, so 64 squares fit. Columns are
    // summed down a block's rows first (a loop the compiler vectorises), then across its columns.
    const int columns = grid.width * kBlock;
    std::vector<std::int32_t> cxx(columns), cyy(columns), cxy(columns), csx(columns), csy(columns),
        cax(columns), cay(columns);
    // The gradients a strip of block rows at a time, into buffers kept at one strip's size: the whole
    // image's (four bytes a pixel) went through the cache once more, and on a still decoded after a fork
    // (a decoding worker started) every one of their pages was copied on first write. A strip's Sobel
    // reads the rows beyond it from the image, so the gradients are those of the whole image.
    constexpr int kStripRows = 4 * kBlock;
    cv::Mat gx, gy;
    // Each block's own sums of the gradients and of their absolute values (sx, sy, ax, ay), for the three
    // block rows its `step` looks at: kept apart from the grid, which they would double.
    std::vector<float> ring(static_cast<std::size_t>(3 * 4 * grid.width));
    const auto sums_of = [&](int row) { return ring.data() + (row % 3) * 4 * grid.width; };
    // A neighbourhood of 3x3 blocks, so a large module's wide bar, one edge per block, still alternates.
    const auto step_of_row = [&](int by) {
        for (int bx = 0; bx < grid.width; ++bx) {
            float sx = 0, sy = 0, ax = 0, ay = 0;
            for (int y = std::max(0, by - 1); y <= std::min(grid.height - 1, by + 1); ++y)
                for (int x = std::max(0, bx - 1); x <= std::min(grid.width - 1, bx + 1); ++x) {
                    const float* n = sums_of(y) + 4 * x;
                    sx += n[0], sy += n[1], ax += n[2], ay += n[3];
                }
            const float total = std::hypot(ax, ay);
            grid.blocks[static_cast<std::size_t>(by * grid.width + bx)].step =
                total > 0 ? std::hypot(sx, sy) / total : 0;
        }
    };
    for (int by = 0; by < grid.height; ++by) {
        const int in_strip = by * kBlock % kStripRows;
        if (in_strip == 0) {
            for (cv::Mat* kept : {&buffers.gx, &buffers.gy})
                if (kept->cols != columns || kept->rows != kStripRows || kept->type() != CV_16S)
                    kept->create(kStripRows, columns, CV_16S);
            const int rows = std::min(kStripRows, (grid.height - by) * kBlock);
            const cv::Rect strip_area(0, 0, columns, rows);
            gx = buffers.gx(strip_area), gy = buffers.gy(strip_area);
            const cv::Mat strip = work(cv::Rect(0, by * kBlock, columns, rows));
            cv::Sobel(strip, gx, CV_16S, 1, 0);
            cv::Sobel(strip, gy, CV_16S, 0, 1);
        }
        for (auto* c : {&cxx, &cyy, &cxy, &csx, &csy, &cax, &cay}) std::fill(c->begin(), c->end(), 0);
        for (int y = in_strip; y < in_strip + kBlock; ++y) {
            const auto* px = gx.ptr<std::int16_t>(y);
            const auto* py = gy.ptr<std::int16_t>(y);
            for (int x = 0; x < columns; ++x) {
                const std::int32_t u = px[x], v = py[x];
                cxx[x] += u * u;
                cyy[x] += v * v;
                cxy[x] += u * v;
                csx[x] += u;
                csy[x] += v;
                cax[x] += std::abs(u);
                cay[x] += std::abs(v);
            }
        }
        constexpr float kPixels = kBlock * kBlock;
        float* sums = sums_of(by);
        for (int bx = 0; bx < grid.width; ++bx) {
            std::int32_t xx = 0, yy = 0, xy = 0, sx = 0, sy = 0, ax = 0, ay = 0;
            for (int x = bx * kBlock; x < (bx + 1) * kBlock; ++x)
                xx += cxx[x], yy += cyy[x], xy += cxy[x], sx += csx[x], sy += csy[x], ax += cax[x],
                    ay += cay[x];
            Block& block = grid.blocks[static_cast<std::size_t>(by * grid.width + bx)];
            block.xx = static_cast<float>(xx) / kPixels;
            block.yy = static_cast<float>(yy) / kPixels;
            block.xy = static_cast<float>(xy) / kPixels;
            float* own = sums + 4 * bx;
            own[0] = static_cast<float>(sx), own[1] = static_cast<float>(sy);
            own[2] = static_cast<float>(ax), own[3] = static_cast<float>(ay);
        }
        if (by > 0) step_of_row(by - 1);
    }
    step_of_row(grid.height - 1);
    return grid;
}

// Of two orientations in (-pi/2, pi/2], radians.
double angle_difference(double a, double b) {
    const double d = std::abs(a - b);
    return d > kPi / 2 ? kPi - d : d;
}

// Groups strong blocks: 0 = not strong; linear groups join neighbours (up to one block apart, bridging
// the flat middle of a wide bar) whose bars run the same way; the rest join any strong neighbour.
// `within`: when given, blocks outside it count as weak.
std::vector<std::vector<int>> group_blocks(const BlockGrid& grid, double min_energy,
                                           const std::vector<bool>* within = nullptr) {
    const int n = grid.width * grid.height;
    std::vector<int> kind(static_cast<std::size_t>(n), 0);  // 0 weak, 1 bars, 2 other
    for (int i = 0; i < n; ++i) {
        if (within && !(*within)[static_cast<std::size_t>(i)]) continue;
        const Block& b = grid.blocks[static_cast<std::size_t>(i)];
        // A single edge (of a box, a label, a shadow) is no part of a symbol: symbols alternate.
        if (b.energy() > min_energy && b.step < kMaxStep)
            kind[static_cast<std::size_t>(i)] = b.coherence() >= kBarCoherence ? 1 : 2;
    }
    // Each bar block's direction, once: the flood compares it with up to 24 neighbours.
    std::vector<float> angle(static_cast<std::size_t>(n)), cosine(static_cast<std::size_t>(n)),
        sine(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        if (kind[static_cast<std::size_t>(i)] == 1) {
            const float a = grid.blocks[static_cast<std::size_t>(i)].angle();
            angle[static_cast<std::size_t>(i)] = a;
            cosine[static_cast<std::size_t>(i)] = std::cos(a);
            sine[static_cast<std::size_t>(i)] = std::sin(a);
        }
    std::vector<int> group(static_cast<std::size_t>(n), -1);
    std::vector<std::vector<int>> groups;
    auto flood = [&](int seed, int want, std::vector<int>& members) {
        std::vector<int> stack{seed};
        group[static_cast<std::size_t>(seed)] = static_cast<int>(groups.size());
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            members.push_back(i);
            const int x = i % grid.width, y = i / grid.width;
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= grid.width || ny >= grid.height) continue;
                    const int j = ny * grid.width + nx;
                    if (group[static_cast<std::size_t>(j)] >= 0 || kind[static_cast<std::size_t>(j)] != want)
                        continue;
                    const Block& other = grid.blocks[static_cast<std::size_t>(j)];
                    if (want == 1) {
                        const auto bi = static_cast<std::size_t>(i), bj = static_cast<std::size_t>(j);
                        if (angle_difference(angle[bi], angle[bj]) > 0.3) continue;
                        // Gaps are bridged only along the scan line (the flat middle of a wide bar), never
                        // across the bars: a second symbol printed above or below stays apart.
                        const float across = std::abs(-static_cast<float>(dx) * sine[bi] +
                                                      static_cast<float>(dy) * cosine[bi]);
                        if (across > 1.5f) continue;
                    } else if (std::max(std::abs(dx), std::abs(dy)) > 1 && other.energy() < 2 * min_energy) {
                        continue;  // a gap is bridged only towards a clearly strong block
                    }
                    group[static_cast<std::size_t>(j)] = static_cast<int>(groups.size());
                    stack.push_back(j);
                }
        }
    };
    // Bars first; a bar group of one or two blocks is an edge or a stroke, given back to the others.
    for (int i = 0; i < n; ++i) {
        if (kind[static_cast<std::size_t>(i)] != 1 || group[static_cast<std::size_t>(i)] >= 0) continue;
        std::vector<int> members;
        flood(i, 1, members);
        if (members.size() >= 3) {
            groups.push_back(std::move(members));
        } else {
            for (int m : members) {
                group[static_cast<std::size_t>(m)] = -1;
                kind[static_cast<std::size_t>(m)] = 3;  // kept out of later bar groups
            }
        }
    }
    for (int i = 0; i < n; ++i)
        if (kind[static_cast<std::size_t>(i)] == 3) kind[static_cast<std::size_t>(i)] = 2;
    for (int i = 0; i < n; ++i) {
        if (kind[static_cast<std::size_t>(i)] != 2 || group[static_cast<std::size_t>(i)] >= 0) continue;
        std::vector<int> members;
        flood(i, 2, members);
        groups.push_back(std::move(members));
    }
    return groups;
}

// One group's candidate, or nothing when it is too thin to be a symbol.
std::optional<Candidate> candidate_of(const BlockGrid& grid, const std::vector<int>& members,
                                      double block_px) {
    if (members.size() < 3) return std::nullopt;
    double sxx = 0, syy = 0, sxy = 0, peak = 0;
    for (int i : members) {
        const Block& b = grid.blocks[static_cast<std::size_t>(i)];
        sxx += b.xx;
        syy += b.yy;
        sxy += b.xy;
        peak = std::max(peak, static_cast<double>(b.energy()));
    }
    const double trace = sxx + syy;
    if (trace <= 0) return std::nullopt;
    Candidate c;
    c.coherence = static_cast<float>(std::sqrt((sxx - syy) * (sxx - syy) + 4 * sxy * sxy) / trace);
    c.score = static_cast<float>(trace);
    // The symbol's own blocks: a matrix symbol's modules are denser than any print beside it, so a
    // higher share of the peak keeps text that touches it out of its extent.
    const bool bars = c.coherence >= kBarCoherence;
    const double share = bars ? 0.15 : 0.35;
    std::vector<cv::Point2f> centres;
    for (int i : members)
        if (grid.blocks[static_cast<std::size_t>(i)].energy() >= share * peak)
            centres.emplace_back(static_cast<float>((i % grid.width + 0.5) * block_px),
                                 static_cast<float>((i / grid.width + 0.5) * block_px));
    if (centres.size() < 2) return std::nullopt;
    if (bars) {
        // Extents along the scan line (the gradients' direction) and across it.
        const double angle = 0.5 * std::atan2(2 * sxy, sxx - syy);
        const double ux = std::cos(angle), uy = std::sin(angle);
        double a0 = 1e18, a1 = -1e18, b0 = 1e18, b1 = -1e18;
        for (const auto& p : centres) {
            const double a = p.x * ux + p.y * uy, b = -p.x * uy + p.y * ux;
            a0 = std::min(a0, a), a1 = std::max(a1, a);
            b0 = std::min(b0, b), b1 = std::max(b1, b);
        }
        const double a = (a0 + a1) / 2, b = (b0 + b1) / 2;
        c.centre = {static_cast<float>(a * ux - b * uy), static_cast<float>(a * uy + b * ux)};
        c.along = static_cast<float>(a1 - a0 + block_px);
        c.across = static_cast<float>(b1 - b0 + block_px);
        c.angle_degrees = static_cast<float>(angle * 180 / kPi);
    } else {
        const cv::RotatedRect box = cv::minAreaRect(centres);
        c.centre = {box.center.x, box.center.y};
        c.along = static_cast<float>(box.size.width + block_px);
        c.across = static_cast<float>(box.size.height + block_px);
        c.angle_degrees = box.angle;
    }
    // One block thick is an edge of a box or a line of text, not a symbol.
    if (std::min(c.along, c.across) < 1.9 * block_px) return std::nullopt;
    return c;
}

// Whether either end of bars region `c`, along its scan line, lies within `margin` of the frame's edge.
bool ends_at_frame_edge(const Candidate& c, cv::Size frame, double margin) {
    const double radians = c.angle_degrees * kPi / 180;
    for (const double sign : {-1.0, 1.0}) {
        const double x = c.centre.x + sign * std::cos(radians) * c.along / 2;
        const double y = c.centre.y + sign * std::sin(radians) * c.along / 2;
        if (x < margin || y < margin || x > frame.width - margin || y > frame.height - margin) return true;
    }
    return false;
}

// Whether bars go on in the gap between two pieces of bars on one line: sampled along the line (through
// the middle and a quarter of the bars' height to either side), no stretch of the gap without a light/dark
// change is longer than the widest element of a pack symbol, 4 modules and blur (the module measured on
// the first piece). Between two symbols lie their quiet zones, 7 to 10 modules and more of plain light.
// `from` and `to`: the gap's ends on `a`'s line, in pixels from its centre.
bool bars_continue_between(const cv::Mat& full, const Candidate& a, double from, double to) {
    const double radians = a.angle_degrees * kPi / 180;
    const cv::Point2f along(static_cast<float>(std::cos(radians)), static_cast<float>(std::sin(radians)));
    const cv::Point2f normal(-along.y, along.x);
    const cv::Point2f centre(a.centre.x, a.centre.y);
    const auto line = [&](double start, double end, double offset) {
        std::vector<float> values;
        for (double t = start; t <= end; t += 1)
            values.push_back(
                sample(full, centre + along * static_cast<float>(t) + normal * static_cast<float>(offset)));
        return values;
    };
    const double low_end = std::min(from, to), high_end = std::max(from, to);
    int agreeing = 0;
    for (const double offset : {0.0, -0.25 * a.across, 0.25 * a.across}) {
        const std::vector<float> piece = line(-a.along / 2, a.along / 2, offset);
        const int changes = changes_along(piece);
        if (changes < 8) continue;
        const double module = a.along / (1.7 * changes);
        float low = 255, high = 0;
        for (const float v : piece)
            if (v >= 0) low = std::min(low, v), high = std::max(high, v);
        const float mid = (low + high) / 2;
        // From a little inside one piece to a little inside the other: the runs at the gap's ends count.
        const std::vector<float> gap = line(low_end - 4, high_end + 4, offset);
        int run = 0, longest = 0;
        for (std::size_t k = 1; k < gap.size(); ++k) {
            if (gap[k] < 0 || gap[k - 1] < 0) return false;
            run = (gap[k - 1] < mid) != (gap[k] < mid) ? 0 : run + 1;
            longest = std::max(longest, run);
        }
        if (longest <= 4.5 * module + 4) ++agreeing;
    }
    return agreeing >= 2;
}

// Pieces of one linear symbol: large modules leave wide bars and spaces without edges, which can split
// the bars into groups along the scan line. Groups running the same way, on the same line and close
// along it are joined.
// `frame`: the frame's size, when pieces at its edge are to be joined across wider gaps (the live decoder;
// the still decoder reads the whole image as it lies anyway, and its sweeps lost GS1-128s to it).
void join_collinear_bars(const cv::Mat& full, std::vector<Candidate>& candidates, double block_px,
                         std::optional<cv::Size> frame) {
    auto linear = [](const Candidate& c) { return c.coherence >= kBarCoherence; };
    const auto at_edge = [&](const Candidate& c) {
        return frame.has_value() && ends_at_frame_edge(c, *frame, 2 * block_px);
    };
    // Pieces at the frame's edge last, so that each meets the others grown to their full length (an
    // EAN-13's piece on the top edge, 40 px from a piece of 56 px, was passed over before that piece had
    // grown to 344 px).
    if (frame)
        std::stable_partition(candidates.begin(), candidates.end(),
                              [&](const Candidate& c) { return !at_edge(c); });
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!linear(candidates[i])) continue;
        for (std::size_t j = i + 1; j < candidates.size(); ++j) {
            Candidate& a = candidates[i];
            const Candidate& b = candidates[j];
            if (!linear(b)) continue;
            const double dx = b.centre.x - a.centre.x, dy = b.centre.y - a.centre.y;
            double gap = std::max(4 * block_px, 0.5 * std::min(a.along, b.along));
            // A piece the frame's edge cuts short may be the rest of a symbol whose wider gaps split it: a
            // quarter of the longer piece's length bridges 6 px modules (EAN-8 and EAN-13 standing upright
            // on the frame's bottom edge came as pieces 40-56 px apart, and neither held the symbol). Not
            // everywhere: pieces of print and of stacked DataBar rows in the frame were joined so.
            if (at_edge(a) || at_edge(b)) gap = std::max(gap, 0.25 * std::max(a.along, b.along));
            const double reach = (a.along + b.along) / 2 + gap;
            // Farther apart, they may yet be one symbol whose bars go on between them (see
            // bars_continue_between), up to 12 blocks apart (the live decoder only, as above).
            const double farthest = (a.along + b.along) / 2 + (frame ? std::max(gap, 12 * block_px) : gap);
            const double distance = std::sqrt(dx * dx + dy * dy);
            if (distance > farthest) continue;  // too far apart to be one symbol
            const double angle = a.angle_degrees * kPi / 180;
            if (angle_difference(angle, b.angle_degrees * kPi / 180) > 0.1) continue;
            const double ux = std::cos(angle), uy = std::sin(angle);
            const double along = dx * ux + dy * uy, across = -dx * uy + dy * ux;
            if (std::abs(across) > 0.35 * std::max(a.across, b.across)) continue;
            if (distance > reach) {
                const double sign = along > 0 ? 1 : -1;
                if (!bars_continue_between(full, a, sign * a.along / 2, along - sign * b.along / 2)) continue;
            }
            // The union of the two extents along the line; across, the larger.
            const double low = std::min(-a.along / 2.0, along - b.along / 2.0);
            const double high = std::max(a.along / 2.0, along + b.along / 2.0);
            const double mid = (low + high) / 2;
            const double weight = a.score + b.score;
            a.coherence = static_cast<float>((a.coherence * a.score + b.coherence * b.score) / weight);
            a.centre = {static_cast<float>(a.centre.x + mid * ux), static_cast<float>(a.centre.y + mid * uy)};
            a.along = static_cast<float>(high - low);
            a.across = std::max(a.across, b.across);
            a.score = static_cast<float>(weight);
            candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(j));
            j = i;  // the grown piece may now reach others already passed
        }
    }
}

// `live`: pieces of bars at the frame's edge are joined across wider gaps (see join_collinear_bars).
std::vector<Candidate> find_in(const cv::Mat& full, int max_candidates, FinderWork& buffers,
                               bool live = false) {
    std::vector<Candidate> found;
    if (full.cols < 32 || full.rows < 32 || max_candidates <= 0) return found;
    // About 960 px wide; nearest neighbour keeps a 2 px module's edges sharp where averaging would grey
    // them out.
    const int factor = std::max(1, static_cast<int>(std::lround(full.cols / 960.0)));
    const BlockGrid& grid = block_tensors(full, factor, buffers);
    if (grid.blocks.empty()) return found;
    const double block_px = kBlock * factor;  // a block's side in frame pixels
    for (const auto& members : group_blocks(grid, kMinEnergy)) {
        auto c = candidate_of(grid, members, block_px);
        if (!c) continue;
        // A region far larger than any pack symbol is several things touching: split it at a higher
        // energy, where the symbols' dense edges stand out from print and box edges.
        if (c->coherence < kBarCoherence && std::max(c->along, c->across) > 40 * block_px) {
            // The region's own blocks only, by a mask: a copy of the grid with the rest cleared cost a
            // write of every block (pages faulted anew after a fork).
            std::vector<bool> member(grid.blocks.size(), false);
            double peak = 0;
            for (int i : members) {
                member[static_cast<std::size_t>(i)] = true;
                peak = std::max(peak, static_cast<double>(grid.blocks[static_cast<std::size_t>(i)].energy()));
            }
            for (const auto& sub : group_blocks(grid, std::max(kMinEnergy, 0.3 * peak), &member))
                if (auto s = candidate_of(grid, sub, block_px)) found.push_back(*s);
            continue;
        }
        found.push_back(*c);
    }
    join_collinear_bars(full, found, block_px, live ? std::optional<cv::Size>(full.size()) : std::nullopt);
    std::sort(found.begin(), found.end(),
              [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    if (static_cast<int>(found.size()) > max_candidates)
        found.resize(static_cast<std::size_t>(max_candidates));
    return found;
}

// ---------------------------------------------------------------------------------------------------

bool same_symbol(const DecodedSymbol& a, const DecodedSymbol& b) {
    return a.text == b.text && a.format == b.format;
}

bool is_new(const std::vector<DecodedSymbol>& found, const DecodedSymbol& symbol) {
    return std::none_of(found.begin(), found.end(),
                        [&](const DecodedSymbol& s) { return same_symbol(s, symbol); });
}

bool add_unique(std::vector<DecodedSymbol>& found, const DecodedSymbol& symbol) {
    if (!is_new(found, symbol)) return false;
    found.push_back(symbol);
    return true;
}

// Where a symbol lies in the frame: for a matrix symbol its four corners; for a linear one zxing reports
// the scan line(s) it read, and the bars reach `half_height` to either side when the region it was read in
// tells, else about 0.15 of the line's length (an EAN's bars reach further, a long GS1-128's far less: at
// 0.15 of 1700 px, the ground of one held at 28 degrees covered a DataBar printed below it).
std::vector<cv::Point2f> outline_of(const DecodedSymbol& symbol, double half_height = 0) {
    std::vector<cv::Point2f> points;
    for (const Point& p : symbol.corners) points.emplace_back(p.x, p.y);
    if (!is_matrix_format(symbol.format)) {
        const cv::Point2f along = points[1] - points[0];
        const double length = std::hypot(along.x, along.y);
        const double reach = half_height > 0 ? std::min(0.15 * length, half_height) : 0.15 * length;
        const cv::Point2f across =
            length > 0 ? cv::Point2f(-along.y, along.x) * static_cast<float>(reach / length) : cv::Point2f();
        for (const Point& p : symbol.corners) {
            points.emplace_back(p.x + across.x, p.y + across.y);
            points.emplace_back(p.x - across.x, p.y - across.y);
        }
    }
    return points;
}

cv::Rect bounds_of(const DecodedSymbol& symbol) {
    const cv::Rect box = cv::boundingRect(outline_of(symbol));
    return {box.x, box.y, std::max(1, box.width), std::max(1, box.height)};
}

bool inside_any(const std::vector<cv::Rect>& rects, cv::Point2f p) {
    return std::any_of(rects.begin(), rects.end(), [&](const cv::Rect& r) {
        return p.x >= static_cast<float>(r.x) && p.y >= static_cast<float>(r.y) &&
               p.x <= static_cast<float>(r.br().x) && p.y <= static_cast<float>(r.br().y);
    });
}

// The ground a read symbol covers in the frame: its outline's convex hull. Its bounding box would do for
// an upright symbol, but that of a long linear symbol turned 45 degrees is a square its own length a side,
// and hid a DataMatrix printed beside the bars from the live decoder for as long as both were in view.
using Footprint = std::vector<cv::Point2f>;

Footprint footprint_of(const DecodedSymbol& symbol, double half_height = 0) {
    Footprint hull;
    cv::convexHull(outline_of(symbol, half_height), hull);
    return hull;
}

// Whether a symbol already read lies in the candidate's region (its centre within the region's turned
// rectangle): the region is that symbol, seen by the finder.
bool holds_any(const Candidate& c, const std::vector<DecodedSymbol>& symbols) {
    const double radians = c.angle_degrees * kPi / 180;
    const double ux = std::cos(radians), uy = std::sin(radians);
    return std::any_of(symbols.begin(), symbols.end(), [&](const DecodedSymbol& symbol) {
        double x = 0, y = 0;
        for (const Point& p : symbol.corners) {
            x += p.x / 4.0;
            y += p.y / 4.0;
        }
        const double dx = x - c.centre.x, dy = y - c.centre.y;
        return std::abs(dx * ux + dy * uy) <= c.along / 2 && std::abs(-dx * uy + dy * ux) <= c.across / 2;
    });
}

// The frame's grey image; empty when the frame is malformed.
cv::Mat grey_of(const Frame& frame) {
    cv::Mat grey;
    if (frame.width <= 0 || frame.height <= 0 ||
        frame.rgb.size() < static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) * 3)
        return grey;
    try {
        const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.rgb.data()));
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    } catch (const cv::Exception&) {
        grey.release();
    }
    return grey;
}

// Where an image has strong edges, in tiles of 16 px, from every second pixel of every fourth row: a
// tenth of a millisecond on a 640x480 photo, a twentieth of the cheapest full-image pass. A tile is bars
// when its gradients all run one way.
struct EdgeTiles {
    static constexpr int kTile = 16;
    int cols = 0, rows = 0;
    std::vector<float> energy;  // mean squared central difference; 0 where too weak to count
    std::vector<std::uint8_t> bars;
};

EdgeTiles edge_tiles(const cv::Mat& full) {
    constexpr int kTile = EdgeTiles::kTile;
    // A tile worth counting: about the mean squared central difference of module edges of 40 grey levels.
    constexpr double kStrong = 150;
    EdgeTiles tiles;
    tiles.cols = std::max(0, (full.cols - 1) / kTile);
    tiles.rows = std::max(0, (full.rows - 1) / kTile);
    tiles.energy.assign(static_cast<std::size_t>(tiles.cols * tiles.rows), 0.f);
    tiles.bars.assign(tiles.energy.size(), 0);
    for (int r = 0; r < tiles.rows; ++r) {
        for (int c = 0; c < tiles.cols; ++c) {
            double xx = 0, yy = 0, xy = 0;
            for (int y = r * kTile + 1; y < (r + 1) * kTile; y += 4) {
                const std::uint8_t* above = full.ptr<std::uint8_t>(y - 1);
                const std::uint8_t* row = full.ptr<std::uint8_t>(y);
                const std::uint8_t* below = full.ptr<std::uint8_t>(y + 1);
                for (int x = std::max(1, c * kTile); x < (c + 1) * kTile; x += 2) {
                    const int gx = row[x + 1] - row[x - 1], gy = below[x] - above[x];
                    xx += gx * gx, yy += gy * gy, xy += gx * gy;
                }
            }
            const double energy = (xx + yy) / (kTile * kTile / 8);
            if (energy < kStrong) continue;
            const auto i = static_cast<std::size_t>(r * tiles.cols + c);
            tiles.energy[i] = static_cast<float>(energy);
            tiles.bars[i] = std::sqrt((xx - yy) * (xx - yy) + 4 * xy * xy) / (xx + yy) >= 0.7;
        }
    }
    return tiles;
}

// The share of the strong edges that are bars: decides only which whole-image pass comes first, since
// each costs several times the other on a photo of the other kind.
double bar_share(const EdgeTiles& tiles) {
    double bars = 0, all = 0;
    for (std::size_t i = 0; i < tiles.energy.size(); ++i) {
        all += tiles.energy[i];
        if (tiles.bars[i]) bars += tiles.energy[i];
    }
    return all > 0 ? bars / all : 0;
}

// Where the image plainly holds another symbol besides those read (`read_extents`, see extent_of):
// patches of strong edges outside them, at least three tiles each way, whose edges are at least a quarter
// as strong as the read symbols' own (a pack's symbols are printed alike, though larger modules have fewer
// edges and one may be paler or lit less; shading and faint print count for less). Each as a rectangle of
// the image with a tile of margin, the densest first, by their strongest few tiles: a symbol's edges are
// denser than print's, but a patch may join a symbol to the lines of print beside it, and ranked by the
// sum of their edges the long lines came first (a DataMatrix beside 14 lines of a box's print came fifth).
struct Patch {
    cv::Rect area;
    cv::Point2f centre;  // of its tiles, weighted by their edges: where its symbol likely is
};

std::vector<Patch> further_patches(const EdgeTiles& tiles, const std::vector<cv::Rect>& read_extents) {
    constexpr int kTile = EdgeTiles::kTile;
    std::vector<std::uint8_t> open(tiles.energy.size(), 0), read(tiles.energy.size(), 0);
    double read_energy = 0;
    int read_tiles = 0;
    for (int r = 0; r < tiles.rows; ++r)
        for (int c = 0; c < tiles.cols; ++c) {
            const auto i = static_cast<std::size_t>(r * tiles.cols + c);
            read[i] = inside_any(read_extents, cv::Point2f(static_cast<float>(c * kTile + kTile / 2),
                                                           static_cast<float>(r * kTile + kTile / 2)));
            open[i] = tiles.energy[i] > 0 && !read[i];
            if (tiles.energy[i] > 0 && read[i]) read_energy += tiles.energy[i], ++read_tiles;
        }
    read_energy /= std::max(1, read_tiles);
    std::vector<std::pair<double, Patch>> patches;
    std::vector<int> stack;
    std::vector<float> energies;
    constexpr int kRankedTiles = 6;
    for (std::size_t seed = 0; seed < open.size(); ++seed) {
        if (!open[seed]) continue;
        open[seed] = 0;
        stack.assign(1, static_cast<int>(seed));
        energies.clear();
        int count = 0, c0 = tiles.cols, c1 = -1, r0 = tiles.rows, r1 = -1;
        double energy = 0, weighted_c = 0, weighted_r = 0;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            const int c = i % tiles.cols, r = i / tiles.cols;
            ++count, energy += tiles.energy[static_cast<std::size_t>(i)];
            weighted_c += tiles.energy[static_cast<std::size_t>(i)] * (c + 0.5);
            weighted_r += tiles.energy[static_cast<std::size_t>(i)] * (r + 0.5);
            energies.push_back(tiles.energy[static_cast<std::size_t>(i)]);
            c0 = std::min(c0, c), c1 = std::max(c1, c), r0 = std::min(r0, r), r1 = std::max(r1, r);
            for (int dr = -1; dr <= 1; ++dr)
                for (int dc = -1; dc <= 1; ++dc) {
                    const int nc = c + dc, nr = r + dr;
                    if (nc < 0 || nr < 0 || nc >= tiles.cols || nr >= tiles.rows) continue;
                    const auto j = static_cast<std::size_t>(nr * tiles.cols + nc);
                    if (!open[j]) continue;
                    open[j] = 0;
                    stack.push_back(static_cast<int>(j));
                }
        }
        if (count < kRankedTiles || c1 - c0 < 2 || r1 - r0 < 2 || energy / count < 0.25 * read_energy)
            continue;
        std::nth_element(energies.begin(), energies.begin() + (kRankedTiles - 1), energies.end(),
                         std::greater<>());
        double strongest = 0;
        for (int k = 0; k < kRankedTiles; ++k) strongest += energies[static_cast<std::size_t>(k)];
        const cv::Point2f centre(static_cast<float>(weighted_c / energy * kTile),
                                 static_cast<float>(weighted_r / energy * kTile));
        patches.emplace_back(strongest, Patch{cv::Rect((c0 - 1) * kTile, (r0 - 1) * kTile,
                                                       (c1 - c0 + 3) * kTile, (r1 - r0 + 3) * kTile),
                                              centre});
    }
    std::sort(patches.begin(), patches.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<Patch> ranked;
    for (const auto& patch : patches) ranked.push_back(patch.second);
    return ranked;
}

// All a symbol read may cover: a linear one's bars can be as tall as it is long (an EAN-13 nearly is;
// zxing reports only the scan lines it read), and its quiet zones add a tenth at each end; a matrix one
// with a quarter of its size around it.
cv::Rect extent_of(const DecodedSymbol& symbol) {
    if (is_matrix_format(symbol.format)) {
        const cv::Rect r = bounds_of(symbol);
        return {r.x - r.width / 4, r.y - r.height / 4, r.width + r.width / 2, r.height + r.height / 2};
    }
    const auto& c = symbol.corners;
    const cv::Point2f centre((c[0].x + c[1].x + c[2].x + c[3].x) / 4,
                             (c[0].y + c[1].y + c[2].y + c[3].y) / 4);
    const float length = std::hypot(c[1].x - c[0].x, c[1].y - c[0].y);
    const float angle = std::atan2(c[1].y - c[0].y, c[1].x - c[0].x) * static_cast<float>(180 / kPi);
    return cv::RotatedRect(centre, cv::Size2f(length * 1.2f + 16, length + 16), angle).boundingRect();
}

// How far a read linear symbol's bars reach to either side of the line zxing read, in frame pixels along
// the line's normal, where they plainly end: followed out from the line as long as each line beside it
// shows the same bars (a normalised correlation of at least 0.5 with the read line, at a shift along it
// that may grow with the distance, as bars crossed at a slant up to 10 degrees shift), and beyond that a
// quiet band, light and even, for a few modules. A side whose bars fade out otherwise (blur, a curved or
// tilted box, digits under an EAN, the image's edge) says nothing about where they end: no reach there.
// The middle `samples` of the line, a pixel apart, tell bars from no bars (64 see too few changes for
// modules of 6 px or more); the steps out are a thirtieth of the line, then halved where the bars ended,
// down to 2 px. Followed at most `farthest` times the line's length to each side.
struct BarsReach {
    std::optional<double> before, after;  // towards minus and plus the normal (-along.y, along.x)
    double module = 0;                    // about, from the light/dark changes along the line
    // How far the lines beside show the same bars, whatever comes after them (a quiet band, or other
    // print such as a second symbol's bars set close): 0 where the first step out differs already.
    double alike_before = 0, alike_after = 0;
};

BarsReach bars_reach(const cv::Mat& full, const DecodedSymbol& symbol, int samples = 64,
                     float farthest = 0.5f) {
    BarsReach reach;
    const auto& c = symbol.corners;
    const cv::Point2f start((c[0].x + c[3].x) / 2, (c[0].y + c[3].y) / 2);
    const cv::Point2f end((c[1].x + c[2].x) / 2, (c[1].y + c[2].y) / 2);
    const cv::Point2f along = end - start;
    const float length = std::hypot(along.x, along.y);
    if (length < 40) return reach;
    const cv::Point2f unit = along / length, normal(-unit.y, unit.x);
    const int count = std::min(samples, static_cast<int>(length));
    const cv::Point2f first = (start + end) / 2 - unit * (static_cast<float>(count) / 2);
    // zxing's whole-image passes read along rows and columns: whole pixels then, without interpolation.
    const bool on_axis = std::min(std::abs(unit.x), std::abs(unit.y)) < 1e-4f;
    const auto line_at = [&](float offset, std::vector<float>& line) {
        line.resize(static_cast<std::size_t>(count));
        for (int k = 0; k < count; ++k) {
            const cv::Point2f p = first + unit * static_cast<float>(k) + normal * offset;
            float v = -1;
            if (on_axis) {
                const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
                if (x >= 0 && y >= 0 && x < full.cols && y < full.rows) v = full.at<std::uint8_t>(y, x);
            } else {
                v = sample(full, p);
            }
            if (v < 0) return false;
            line[static_cast<std::size_t>(k)] = v;
        }
        return true;
    };
    std::vector<float> reference, beside;
    if (!line_at(0, reference)) return reach;
    const int changes = changes_along(reference);
    if (changes < 12) return reach;
    reach.module = count / (1.7 * changes);
    double mean = 0, deviation = 0;
    for (const float v : reference) mean += v;
    mean /= count;
    for (const float v : reference) deviation += (v - mean) * (v - mean);
    deviation = std::sqrt(deviation / count);
    const auto correlation_at = [&](int lag) {
        float sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;  // 64 grey levels: float is precise enough
        const int from = std::max(0, -lag), to = std::min(count, count - lag);
        for (int k = from; k < to; ++k) {
            const float x = reference[static_cast<std::size_t>(k)],
                        y = beside[static_cast<std::size_t>(k + lag)];
            sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
        }
        const double n = to - from;
        if (n < 32) return 0.0;
        const double va = saa - static_cast<double>(sa) * sa / n, vb = sbb - static_cast<double>(sb) * sb / n;
        return va > 0 && vb > 0 ? (sab - static_cast<double>(sa) * sb / n) / std::sqrt(va * vb) : 0.0;
    };
    const auto same_bars = [&](float offset, int& lag, int spread) {
        if (!line_at(offset, beside)) return false;
        if (correlation_at(lag) >= 0.5) return true;  // upright bars, mostly: no shift to look for
        double best = -1;
        int best_lag = lag;
        for (int l = lag - spread; l <= lag + spread; ++l)
            if (const double r = correlation_at(l); r > best) best = r, best_lag = l;
        if (best < 0.5) return false;
        lag = best_lag;
        return true;
    };
    // Light (above the bars' mean) and even (a quarter of their spread at most): paper, not print.
    const auto quiet = [&](const std::vector<float>& line) {
        double m = 0, d = 0;
        for (const float v : line) m += v;
        m /= count;
        for (const float v : line) d += (v - m) * (v - m);
        return m > mean && std::sqrt(d / count) < 0.25 * deviation;
    };
    const float step = std::max(4.f, length / 30);
    const int spread = static_cast<int>(std::ceil(0.18f * step)) + 1;
    const float quiet_band = static_cast<float>(std::max(8.0, 3 * reach.module));
    for (const float side : {-1.f, 1.f}) {
        int lag = 0;
        float reached = 0;
        // Bars reaching half the line's length are as high as extent_of guesses: no need to know more.
        while (reached + step <= length * farthest && same_bars(side * (reached + step), lag, spread))
            reached += step;
        (side < 0 ? reach.alike_before : reach.alike_after) = reached;
        if (reached + step > length * farthest) continue;
        for (float part = step / 2; part >= 2; part /= 2)
            if (int shifted = lag; same_bars(side * (reached + part), shifted, 2))
                reached += part, lag = shifted;
        (side < 0 ? reach.alike_before : reach.alike_after) = reached;
        bool ends = true;
        for (float out = reached + 4; out <= reached + 4 + quiet_band && ends; out += 4)
            ends = line_at(side * out, beside) && quiet(beside);
        if (ends) (side < 0 ? reach.before : reach.after) = reached;
    }
    return reach;
}

// Samples along the line when the live decoder measures a read symbol's bars: 20 modules of 10 px.
constexpr int kLiveReachSamples = 200;

// A read linear symbol's scan line, from its first bar to its last, when a candidate region runs its way
// (within 10°): the region's across is then the bars' height and its along the scan line. None for a
// matrix symbol, a DataBar (a stacked one's rows reach across each other: its other rows are no other
// symbol) or a line too short to measure.
struct ReadScanLine {
    cv::Point2f start, end, unit;
    float length;
};

std::optional<ReadScanLine> scan_line_of_read_symbol_along(const DecodedSymbol& symbol, const Candidate& c) {
    if (is_matrix_format(symbol.format) || is_databar_format(symbol.format)) return std::nullopt;
    const auto& k = symbol.corners;
    const cv::Point2f start((k[0].x + k[3].x) / 2, (k[0].y + k[3].y) / 2);
    const cv::Point2f end((k[1].x + k[2].x) / 2, (k[1].y + k[2].y) / 2);
    const float length = std::hypot(end.x - start.x, end.y - start.y);
    if (length < 40) return std::nullopt;
    const cv::Point2f unit = (end - start) / length;
    const double radians = c.angle_degrees * kPi / 180;
    if (std::abs(std::cos(radians) * unit.x + std::sin(radians) * unit.y) < std::cos(10 * kPi / 180))
        return std::nullopt;
    return ReadScanLine{start, end, unit, length};
}

// A candidate region on a read linear symbol's ground that reaches across its bars, past where they end,
// far enough to hold another symbol's rows: that part of it, as a region of its own. The finder joins two
// symbols printed one above the other (an EAN-8 set close above a UPC-A) into one region whose middle
// lies on the symbol read first; read whole, it gives that symbol again, frame after frame, and the other
// never. `measured`: the read symbol's bars_reach, measured here the first time it is needed.
std::optional<Candidate> part_beyond_read_bars(const cv::Mat& full, const DecodedSymbol& symbol,
                                               std::optional<BarsReach>& measured, const Candidate& c) {
    const auto line = scan_line_of_read_symbol_along(symbol, c);
    if (!line) return std::nullopt;
    const float length = line->length;
    const cv::Point2f normal(-line->unit.y, line->unit.x);
    const cv::Point2f centre(c.centre.x, c.centre.y);
    const float offset = (centre - (line->start + line->end) / 2).dot(normal);
    const float low = offset - c.across / 2, high = offset + c.across / 2;
    // A region reaching less than 0.4 of the symbol's length from the line read is taken for its own bars
    // without measuring them: an EAN's reach about that far from their middle.
    if (std::max(-low, high) < 0.4f * length) return std::nullopt;
    if (!measured) measured = bars_reach(full, symbol, kLiveReachSamples, 1.0f);
    const double module = measured->module > 0 ? measured->module : length / 95.0;
    const double gap = 2 * module + 4;  // past a bar grown by ink or blur
    const double least = std::max(24.0, 8 * module);
    for (const float side : {1.f, -1.f}) {
        const double from = (side > 0 ? measured->alike_after : measured->alike_before) + gap;
        const double to = side > 0 ? high : -low;
        if (to - from < least) continue;
        Candidate part = c;
        const float middle = side * static_cast<float>((from + to) / 2);
        const cv::Point2f moved = centre + normal * (middle - offset);
        part.centre = {moved.x, moved.y};
        part.across = static_cast<float>(to - from);
        return part;
    }
    return std::nullopt;
}

// A candidate region running a read linear symbol's way that reaches along its scan line past either end
// of it, far enough to hold another symbol: that part of it, as a region of its own. The finder joins two
// symbols printed end to end (a Code 128 cut by the frame's edge and an EAN-13 40 px after it) into one
// region; read whole, it gave the one on the edge, frame after frame, and the other never (red team rt49 p1).
struct PartAlong {
    Candidate region;
    // The scan line's stretch beyond the read symbol: from just past its bars to the region's end.
    cv::Point2f near_end, far_end;
};

std::optional<PartAlong> part_along_beyond_read_symbol(const DecodedSymbol& symbol, const Candidate& c) {
    if (is_matrix_format(symbol.format) || is_databar_format(symbol.format)) return std::nullopt;
    // The symbol's extent along the region's axis, from its corners: zxing reports the line it read, and one
    // read along the frame's rows or columns (see read_at_frame_edge) runs up to 50 degrees off the bars'
    // scan line, which the region follows.
    const double radians = c.angle_degrees * kPi / 180;
    const cv::Point2f unit(static_cast<float>(std::cos(radians)), static_cast<float>(std::sin(radians)));
    const cv::Point2f centre(c.centre.x, c.centre.y);
    float low = std::numeric_limits<float>::max(), high = std::numeric_limits<float>::lowest();
    for (const Point& corner : symbol.corners) {
        const float t = (cv::Point2f(corner.x, corner.y) - centre).dot(unit);
        low = std::min(low, t), high = std::max(high, t);
    }
    const float length = high - low;
    if (length < 40) return std::nullopt;
    const float gap = 0.1f * length;         // the quiet zones between, about 10 modules of an EAN
    const float clear = 0.02f * length + 2;  // past the read symbol's last bar: two modules of an EAN
    const float least = std::max(48.f, 0.4f * length);
    for (const float side : {1.f, -1.f}) {
        const float from = side > 0 ? high + gap : -c.along / 2;
        const float to = side > 0 ? c.along / 2 : low - gap;
        if (to - from < least) continue;
        PartAlong part{c, {}, {}};
        const cv::Point2f moved = centre + unit * ((from + to) / 2);
        part.region.centre = {moved.x, moved.y};
        part.region.along = to - from;
        part.near_end = centre + unit * (side > 0 ? high + clear : low - clear);
        part.far_end = centre + unit * (side > 0 ? to : from);
        return part;
    }
    return std::nullopt;
}

// The part of a region beyond a read symbol's end, read in a band that starts in the gap just past the
// read symbol's bars and runs a quiet zone past the region's far end. zxing's row scan without its harder
// search gives up at the first start pattern that fails to read, and the read symbol's last bars at the
// start of a band made one in every row (an EAN-13 40 px after a Code 128 was never read). Then, failing
// that, as a region of its own.
std::optional<DecodedSymbol> read_part_along(const cv::Mat& full, const PartAlong& part) {
    const cv::Point2f stretch = part.far_end - part.near_end;
    const double length = std::hypot(stretch.x, stretch.y);
    const double quiet = std::max(40.0, 0.15 * length);
    Cut cut;
    const cv::Point2f unit = stretch / static_cast<float>(length);
    cut.centre = part.near_end + unit * static_cast<float>((length + quiet) / 2);
    cut.angle = std::atan2(unit.y, unit.x) * 180 / kPi;
    cut.width = length + quiet;
    cut.height = std::clamp(static_cast<double>(part.region.across) + 12, 24.0, 240.0);
    cut.max_rows = kBandRows;
    const double module = module_of(full, cut);
    if (module > 0 && module < 3.5) cut.interpolation = cv::INTER_CUBIC;
    if (module > 0 && module < kThinModule) cut.scale = std::min(3.0, 2.8 / module);
    cut.light_beyond_frame = true;
    cv::Matx23d to_frame;
    if (auto symbol = read_linear(cut_out(full, cut, to_frame), to_frame); symbol && confirmed(full, *symbol))
        return symbol;
    return read_candidate(full, part.region, false, false);
}

// The ground of a symbol read this frame, and its bars when a region on it has had them measured.
struct ReadGround {
    Footprint footprint;
    DecodedSymbol symbol;
    std::optional<BarsReach> bars;
};

// Whether a candidate is only the ground of a symbol already read. Its centre on that ground is not
// enough: the finder joins two symbols printed in line (a DataBar beside an EAN) into one region, and its
// centre may fall on the one read first; a region reaching well beyond that symbol along its axis holds
// more. The symbol whose ground it is, or null.
ReadGround* ground_only_covered(std::vector<ReadGround>& grounds, const Candidate& c) {
    const cv::Point2f centre(c.centre.x, c.centre.y);
    const double radians = c.angle_degrees * kPi / 180;
    const cv::Point2f axis(static_cast<float>(std::cos(radians)), static_cast<float>(std::sin(radians)));
    const auto it = std::find_if(grounds.begin(), grounds.end(), [&](const ReadGround& ground) {
        const Footprint& footprint = ground.footprint;
        if (footprint.size() < 3 || cv::pointPolygonTest(footprint, centre, false) < 0) return false;
        float low = std::numeric_limits<float>::max(), high = std::numeric_limits<float>::lowest();
        for (const cv::Point2f& p : footprint) {
            const float t = (p - centre).dot(axis);
            low = std::min(low, t), high = std::max(high, t);
        }
        const float margin = std::max(40.f, 0.3f * (high - low));
        return -c.along / 2 > low - margin && c.along / 2 < high + margin;
    });
    return it == grounds.end() ? nullptr : &*it;
}

// A linear symbol's extent where its bars plainly end (see bars_reach): a long GS1-128's bars are a tenth
// of its length high or less, and the extent_of a symbol as tall as it is long hid a second code printed
// below it. Along the line and across it where the bars' end is not plain, as extent_of has it; where it
// is, the bars and twelve modules beyond them (room for a bar grown by ink or blur).
std::optional<cv::Rect> measured_extent_of(const cv::Mat& full, const DecodedSymbol& symbol) {
    // An EAN's or UPC's bars are nearly as high as the symbol is long, as extent_of has them.
    if (is_matrix_format(symbol.format) || is_ean_family(symbol.format)) return std::nullopt;
    const BarsReach reach = bars_reach(full, symbol);
    if (!reach.before && !reach.after) return std::nullopt;
    const auto& c = symbol.corners;
    const cv::Point2f start((c[0].x + c[3].x) / 2, (c[0].y + c[3].y) / 2);
    const cv::Point2f end((c[1].x + c[2].x) / 2, (c[1].y + c[2].y) / 2);
    const cv::Point2f along = end - start;
    const float length = std::hypot(along.x, along.y);
    const cv::Point2f normal(-along.y / length, along.x / length);
    const double margin = 12 * reach.module + 8, unknown = length / 2 + 8;
    const double before = std::min(unknown, reach.before ? *reach.before + margin : unknown);
    const double after = std::min(unknown, reach.after ? *reach.after + margin : unknown);
    const cv::Point2f centre = (start + end) / 2 + normal * static_cast<float>((after - before) / 2);
    const float angle = std::atan2(along.y, along.x) * static_cast<float>(180 / kPi);
    return cv::RotatedRect(centre, cv::Size2f(length * 1.2f + 16, static_cast<float>(before + after)), angle)
        .boundingRect();
}

// The rows of a stacked DataBar (Stacked Omnidirectional, Expanded Stacked) around bar candidate `c`: the
// finder gives the rows as one region or as a region each, depending on where the separators between them
// fall on its block grid (an upright Stacked Omnidirectional of 2 px modules came whole only at every
// fourth pixel across). `c` is one of `candidates`. Candidates running the same way whose middles lie
// within each other's length, that touch across (a separator and a block apart at most) and show bars
// along their middle (at least 0.4 as many) are joined to `c`, one after the other; nothing when no other
// is.
std::optional<Candidate> stacked_rows_around(const cv::Mat& full, const std::vector<Candidate>& candidates,
                                             const Candidate& c) {
    if (c.coherence < kBarCoherence) return std::nullopt;
    Cut cut;
    cut.centre = {c.centre.x, c.centre.y};
    cut.angle = c.angle_degrees;
    cut.width = c.along;
    const int bars = changes_along(line_along(full, cut, 0));
    if (bars < 20) return std::nullopt;
    const double radians = c.angle_degrees * kPi / 180;
    const double ux = std::cos(radians), uy = std::sin(radians);
    // The union in c's frame: along and across extents about c's centre.
    double a0 = -c.along / 2.0, a1 = c.along / 2.0, b0 = -c.across / 2.0, b1 = c.across / 2.0;
    std::vector<bool> joined(candidates.size(), false);
    bool grew = true, any = false;
    while (grew) {
        grew = false;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            const Candidate& d = candidates[i];
            if (joined[i] || d.coherence < kBarCoherence) continue;
            if (&d == &c) continue;
            if (angle_difference(radians, d.angle_degrees * kPi / 180) > 0.06) continue;
            const double dx = d.centre.x - c.centre.x, dy = d.centre.y - c.centre.y;
            const double a = dx * ux + dy * uy, b = -dx * uy + dy * ux;
            const bool middles_within =
                (a >= a0 && a <= a1) || (std::abs(a - (a0 + a1) / 2) <= d.along / 2.0);
            const double gap = std::max(b0 - (b + d.across / 2.0), (b - d.across / 2.0) - b1);
            if (!middles_within || gap > 16) continue;
            // A row about as long as `c` (a last one may be half full, or split by the finder) and not much
            // thinner: not a strip of another symbol's bars or of print beside them.
            if (d.along < 0.35 * c.along || d.along > 1.6 * c.along || d.across < 0.4 * c.across) continue;
            // Another row shows bars, if fewer (a last row may be half full); print beside them hardly any.
            if (changes_along(line_along(full, cut, b)) < bars * 4 / 10) continue;
            a0 = std::min(a0, a - d.along / 2.0), a1 = std::max(a1, a + d.along / 2.0);
            b0 = std::min(b0, b - d.across / 2.0), b1 = std::max(b1, b + d.across / 2.0);
            joined[i] = true;
            grew = any = true;
        }
    }
    if (!any) return std::nullopt;
    Candidate rows = c;
    const double a = (a0 + a1) / 2, b = (b0 + b1) / 2;
    rows.centre = {static_cast<float>(c.centre.x + a * ux - b * uy),
                   static_cast<float>(c.centre.y + a * uy + b * ux)};
    rows.along = static_cast<float>(a1 - a0);
    rows.across = static_cast<float>(b1 - b0);
    return rows;
}

// The region to read a stacked DataBar's rows in, when bar candidate `c` read nothing: its rows the finder
// gave apart (stacked_rows_around), or, when it gave none, the rows beyond `c` that its bars show
// (has_stacked_row), as far as read_linear_candidate's tall read of a row reaches (0.9 of the row's height
// beyond it each way).
std::optional<Candidate> stacked_rows_of(const cv::Mat& full, const std::vector<Candidate>& candidates,
                                         const Candidate& c) {
    if (auto rows = stacked_rows_around(full, candidates, c)) return rows;
    if (c.coherence < kBarCoherence) return std::nullopt;
    Cut cut;
    cut.centre = {c.centre.x, c.centre.y};
    cut.angle = c.angle_degrees;
    cut.width = c.along * 1.3 + 40;
    if (!has_stacked_row(full, cut, c.across)) return std::nullopt;
    // ... of thin modules only: wider ones read_linear_candidate's tall read lost no more for being cut
    // between pixels, and an unread EAN beside print passes for a stacked row now and then.
    cut.height = std::clamp(static_cast<double>(c.across) + 12, 24.0, 240.0);
    cut.max_rows = kBandRows;
    if (module_of(full, cut) >= kAsItLiesMaxModule) return std::nullopt;
    Candidate rows = c;
    rows.across = 2 * 0.9f * c.across + c.across;
    return rows;
}

// A stacked DataBar's rows together (see stacked_rows_around), read with zxing's harder row scan over
// kLinesPerStackedRow lines a row, as read_linear_candidate's tall read of one row does; but cut about
// their own middle, so that every row is in it (that tall read, centred on one row of three, left the
// third out), and along the bars in whole pixels: a whole-pixel middle and an even width put the samples
// along an upright symbol on its pixels, where a middle between two averaged the one-module elements of
// 2 px modules away.
std::optional<DecodedSymbol> read_stacked_rows(const cv::Mat& full, const Candidate& rows) {
    Cut cut;
    cut.centre = {std::round(rows.centre.x), std::round(rows.centre.y)};
    cut.angle = rows.angle_degrees;
    cut.width = 2 * std::ceil((rows.along * 1.3 + 40) / 2);
    cut.height = std::clamp(static_cast<double>(rows.across) + 12, 24.0, 240.0);
    cut.max_rows = kBandRows;
    const double module = module_of(full, cut);
    if (module == 0) return std::nullopt;
    cut.max_rows = 0;
    cut.height = rows.across + 24;
    cut.row_scale = std::min(1.0, kLinesPerStackedRow / (kStackedRowModules * module / kDataBarModuleSpread));
    cut.interpolation = cv::INTER_CUBIC;
    cv::Matx23d to_frame;
    return read_image(cut_out(full, cut, to_frame), hints().enlarged_databar, to_frame);
}

// A further symbol's likeliest region (step 3 of the still decoder). A matrix one that matrix_scale
// enlarged is read once more as it lies: the scale is guessed from the region's size alone, so a
// DataMatrix of 24 modules of 3.5 px is enlarged as if it were one of 12 modules of 7 px, and zxing lost
// it enlarged at about half the angles where it read it as it lies (beside an EAN-13, on a noisy card).
std::optional<DecodedSymbol> read_further_candidate(const cv::Mat& full, const Candidate& c) {
    if (auto symbol = read_candidate(full, c, true)) return symbol;
    if (c.coherence >= 0.8 || matrix_scale(std::max(c.along, c.across)) <= 1) return std::nullopt;
    return read_matrix_candidate(full, c, hints().further_matrix, 1);
}

// Working images of the still decoder's last resorts (the dotted and the curved reads), kept from call to
// call and shared between them: a buffer allocated afresh, or first written after the process forked (a
// decoding worker started), costs a page fault per 4 KiB, which on a virtual machine weighed more than
// the work done in it. `slot` names the buffer; the image is a view of its first bytes, valid until the
// slot is next asked for a larger one.
cv::Mat scratch(int slot, cv::Size size, int type) {
    thread_local std::array<std::vector<std::uint8_t>, 4> kept;
    std::vector<std::uint8_t>& bytes = kept.at(static_cast<std::size_t>(slot));
    const auto needed = static_cast<std::size_t>(size.area()) * CV_ELEM_SIZE(type);
    if (bytes.size() < needed) bytes.resize(needed);
    return cv::Mat(size, type, bytes.data());
}

// Last resort for a still: a worn or dot-printed DataMatrix whose modules do not touch. Enlarged and
// blurred, its modules merge into the solid L-shaped finder pattern zxing's detector looks for.
std::optional<DecodedSymbol> read_dotted(const cv::Mat& full, const std::vector<Candidate>& candidates) {
    cv::Rect rect(0, 0, full.cols, full.rows);
    if (!candidates.empty()) {
        const Candidate& c = candidates.front();
        const float side = std::max(c.along, c.across) * 0.7f + 8;
        rect = cv::Rect(static_cast<int>(c.centre.x - side), static_cast<int>(c.centre.y - side),
                        static_cast<int>(2 * side), static_cast<int>(2 * side));
    }
    rect &= cv::Rect(0, 0, full.cols, full.rows);
    if (rect.area() > 220 * 220 || rect.width < 24 || rect.height < 24) return std::nullopt;
    // Two buffers: a blur in place makes OpenCV copy its source first.
    const cv::Size enlarged_size(2 * rect.width, 2 * rect.height);
    cv::Mat enlarged = scratch(0, enlarged_size, CV_8UC1), merged = scratch(1, enlarged_size, CV_8UC1);
    cv::resize(full(rect), enlarged, enlarged_size, 0, 0, cv::INTER_CUBIC);
    cv::GaussianBlur(enlarged, merged, cv::Size(0, 0), 2.0);
    return read_image(merged, hints().dotted, cv::Matx23d(0.5, 0, rect.x, 0, 0.5, rect.y));
}

// ---------------------------------------------------------------------------------------------------
// A DataMatrix printed on a curved surface (a bottle, a tube): its modules narrow towards the edges the
// surface turns away from, and its sides bow, so zxing's flat grid drifts off the modules half-way across.
// This sampler follows the symbol instead: its four sides are fitted as quadratic curves, the timing
// pattern along the dashed sides gives where each column and row really lies, and the module centres are
// sampled on the curved patch those make. The modules read are drawn again as a clean upright symbol for
// zxing to decode, so its error correction still judges every read.

// y = a + b x + c x^2 through the points, least squares, refitted once without the worst tenth.
cv::Vec3d fit_quadratic(const std::vector<cv::Point2d>& points) {
    cv::Vec3d fit(0, 0, 0);
    std::vector<cv::Point2d> used = points;
    for (int pass = 0; pass < 2; ++pass) {
        if (used.size() < 5) return fit;
        cv::Mat a(static_cast<int>(used.size()), 3, CV_64F), b(static_cast<int>(used.size()), 1, CV_64F);
        for (int i = 0; i < a.rows; ++i) {
            const double x = used[static_cast<std::size_t>(i)].x;
            a.at<double>(i, 0) = 1, a.at<double>(i, 1) = x, a.at<double>(i, 2) = x * x;
            b.at<double>(i, 0) = used[static_cast<std::size_t>(i)].y;
        }
        cv::Mat solution;
        if (!cv::solve(a, b, solution, cv::DECOMP_SVD)) return fit;
        fit = cv::Vec3d(solution.at<double>(0), solution.at<double>(1), solution.at<double>(2));
        const auto residual = [&](const cv::Point2d& p) {
            return std::abs(p.y - (fit[0] + fit[1] * p.x + fit[2] * p.x * p.x));
        };
        std::sort(used.begin(), used.end(),
                  [&](const cv::Point2d& p, const cv::Point2d& q) { return residual(p) < residual(q); });
        used.resize(used.size() * 9 / 10);
    }
    return fit;
}

double at_quadratic(const cv::Vec3d& q, double x) {
    return q[0] + q[1] * x + q[2] * x * x;
}

// The symbol's patch: four sides as quadratics (top and bottom y of x, left and right x of y) and where they
// meet. A point (u, v) in [0, 1]^2 maps to the image by Coons' blend of the four sides.
struct CurvedPatch {
    cv::Vec3d top, bottom, left, right;
    cv::Point2d corner[4];  // top-left, top-right, bottom-right, bottom-left

    cv::Point2d on_top(double u) const {
        const double x = corner[0].x + u * (corner[1].x - corner[0].x);
        return {x, at_quadratic(top, x)};
    }
    cv::Point2d on_bottom(double u) const {
        const double x = corner[3].x + u * (corner[2].x - corner[3].x);
        return {x, at_quadratic(bottom, x)};
    }
    cv::Point2d on_left(double v) const {
        const double y = corner[0].y + v * (corner[3].y - corner[0].y);
        return {at_quadratic(left, y), y};
    }
    cv::Point2d on_right(double v) const {
        const double y = corner[1].y + v * (corner[2].y - corner[1].y);
        return {at_quadratic(right, y), y};
    }
    cv::Point2d at(double u, double v) const {
        return (1 - v) * on_top(u) + v * on_bottom(u) + (1 - u) * on_left(v) + u * on_right(v) -
               ((1 - u) * (1 - v) * corner[0] + u * (1 - v) * corner[1] + u * v * corner[2] +
                (1 - u) * v * corner[3]);
    }
};

// Where a horizontal quadratic (y of x) and a vertical one (x of y) cross, from a starting guess.
cv::Point2d crossing(const cv::Vec3d& horizontal, const cv::Vec3d& vertical, cv::Point2d p) {
    for (int i = 0; i < 8; ++i) {
        p.x = at_quadratic(vertical, p.y);
        p.y = at_quadratic(horizontal, p.x);
    }
    return p;
}

// Centres of the dark and light runs met along a side, as fractions of it (a timing pattern: one run per
// module). Sampled from `dark` (the binarized image) half a module inside the side.
std::vector<double> run_centres(const cv::Mat& dark, const CurvedPatch& patch, bool along_u, double inset,
                                double module_fraction) {
    constexpr int kSteps = 600;
    std::vector<int> values(kSteps + 1);
    for (int s = 0; s <= kSteps; ++s) {
        const double t = static_cast<double>(s) / kSteps;
        const cv::Point2d p = along_u ? patch.at(t, inset) : patch.at(1 - inset, t);
        const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
        values[static_cast<std::size_t>(s)] =
            (x >= 0 && y >= 0 && x < dark.cols && y < dark.rows) ? dark.at<std::uint8_t>(y, x) > 0 : 0;
    }
    // A speck of a third of a module is noise, not a run: a majority over that window first.
    const int half = std::max(1, static_cast<int>(module_fraction * kSteps / 6));
    std::vector<int> smoothed(values.size());
    for (int s = 0; s <= kSteps; ++s) {
        int votes = 0, all = 0;
        for (int k = std::max(0, s - half); k <= std::min(kSteps, s + half); ++k)
            ++all, votes += values[static_cast<std::size_t>(k)];
        smoothed[static_cast<std::size_t>(s)] = 2 * votes > all;
    }
    std::vector<double> centres;
    int run_start = 0;
    for (int s = 1; s <= kSteps + 1; ++s) {
        if (s <= kSteps && smoothed[static_cast<std::size_t>(s)] == smoothed[static_cast<std::size_t>(s - 1)])
            continue;
        centres.push_back((run_start + s - 1) / 2.0 / kSteps);
        run_start = s;
    }
    return centres;
}

// Module centres from a timing pattern's runs: a cubic of the module index through the run centres, which
// follows a cylinder's narrowing and smooths a run misjudged by a pixel.
std::vector<double> smoothed_centres(const std::vector<double>& runs) {
    std::vector<cv::Point2d> points;
    const int n = static_cast<int>(runs.size());
    cv::Mat a(n, 4, CV_64F), b(n, 1, CV_64F);
    for (int i = 0; i < n; ++i) {
        const double t = (i + 0.5) / n;
        for (int k = 0; k < 4; ++k) a.at<double>(i, k) = std::pow(t, k);
        b.at<double>(i, 0) = runs[static_cast<std::size_t>(i)];
    }
    cv::Mat solution;
    cv::solve(a, b, solution, cv::DECOMP_SVD);
    std::vector<double> centres(runs.size());
    for (int i = 0; i < n; ++i) {
        const double t = (i + 0.5) / n;
        double value = 0;
        for (int k = 0; k < 4; ++k) value += solution.at<double>(k) * std::pow(t, k);
        centres[static_cast<std::size_t>(i)] = value;
    }
    return centres;
}

// The most common run length (dark or light) along the rows of the middle of `dark`: one module.
double module_from_runs(const cv::Mat& dark) {
    std::vector<int> counts(64, 0);
    for (int y = dark.rows / 4; y < dark.rows * 3 / 4; y += 2) {
        const std::uint8_t* row = dark.ptr<std::uint8_t>(y);
        int run = 1;
        for (int x = dark.cols / 4 + 1; x < dark.cols * 3 / 4; ++x) {
            if ((row[x] > 0) == (row[x - 1] > 0)) {
                ++run;
                continue;
            }
            if (run < 64) ++counts[static_cast<std::size_t>(run)];
            run = 1;
        }
    }
    // Smoothed over neighbouring lengths; lengths of 1-2 px are noise at the sizes used here.
    int best = 0;
    double best_count = 0;
    for (int length = 3; length < 62; ++length) {
        const double count = counts[static_cast<std::size_t>(length - 1)] * 0.5 +
                             counts[static_cast<std::size_t>(length)] +
                             counts[static_cast<std::size_t>(length + 1)] * 0.5;
        if (count > best_count) best_count = count, best = length;
    }
    return best;
}

// A sampled symbol (a module a pixel, 1 dark) drawn clean and upright: `module` px per module, a quiet
// zone of three.
cv::Mat render_modules(const cv::Mat& modules, int module) {
    const int quiet = 3 * module;
    cv::Mat image(modules.rows * module + 2 * quiet, modules.cols * module + 2 * quiet, CV_8UC1,
                  cv::Scalar(255));
    for (int r = 0; r < modules.rows; ++r)
        for (int c = 0; c < modules.cols; ++c)
            if (modules.at<std::uint8_t>(r, c))
                image(cv::Rect(quiet + c * module, quiet + r * module, module, module)).setTo(0);
    return image;
}

// How well a sampled grid's border shows a DataMatrix finder, in the best of its four turns: the share of
// border modules as the L (two solid sides) and the timing pattern (the two dashed ones) want them. A grid
// off the modules by half of one anywhere along a side scores near a half there. `best_turn`: how many
// quarter turns clockwise bring the grid upright (the L at its left and bottom).
double finder_score(const cv::Mat& modules, int* best_turn) {
    double best = 0;
    const int m_rows = modules.rows, m_columns = modules.cols;
    for (int turn = 0; turn < 4; ++turn) {
        // The grid as cv::rotate would turn it clockwise `turn` times, read in place (a copy per turn cost
        // more than the comparisons: the sweep scores hundreds of grids).
        const bool across = turn % 2 == 1;
        const int rows = across ? m_columns : m_rows, columns = across ? m_rows : m_columns;
        const auto turned = [&](int r, int c) {
            switch (turn) {
                case 0:
                    return modules.at<std::uint8_t>(r, c);
                case 1:
                    return modules.at<std::uint8_t>(m_rows - 1 - c, r);
                case 2:
                    return modules.at<std::uint8_t>(m_rows - 1 - r, m_columns - 1 - c);
                default:
                    return modules.at<std::uint8_t>(c, m_columns - 1 - r);
            }
        };
        int agree = 0, all = 0;
        const auto expect = [&](int r, int c, bool dark_wanted) {
            ++all;
            agree += (turned(r, c) != 0) == dark_wanted;
        };
        for (int r = 0; r < rows; ++r) {
            expect(r, 0, true);                               // solid left side
            expect(r, columns - 1, (rows - 1 - r) % 2 == 0);  // dashed right side, dark at the bottom
        }
        for (int c = 1; c < columns - 1; ++c) {
            expect(rows - 1, c, true);  // solid bottom side
            expect(0, c, c % 2 == 0);   // dashed top side
        }
        const double score = static_cast<double>(agree) / all;
        if (score > best) {
            best = score;
            *best_turn = turn;
        }
    }
    return best;
}

// A sampled grid turned upright (`turn` quarter turns clockwise, as finder_score found), its border
// drawn as the finder and timing pattern are by definition: they carry no data, and zxing's reader of a
// pure symbol takes the module size from the first run of the top side. So only the data modules are
// judged, by the symbol's error correction.
cv::Mat upright_with_finder(const cv::Mat& modules, int turn) {
    cv::Mat upright = modules.clone();
    for (int i = 0; i < turn; ++i) cv::rotate(upright, upright, cv::ROTATE_90_CLOCKWISE);
    const int rows = upright.rows, columns = upright.cols;
    for (int r = 0; r < rows; ++r) {
        upright.at<std::uint8_t>(r, 0) = 1;
        upright.at<std::uint8_t>(r, columns - 1) = (rows - 1 - r) % 2 == 0;
    }
    for (int c = 0; c < columns; ++c) {
        upright.at<std::uint8_t>(rows - 1, c) = 1;
        upright.at<std::uint8_t>(0, c) = c % 2 == 0;
    }
    return upright;
}

// The curved sampler on a square of the frame around `centre`, `side` frame pixels.
std::optional<DecodedSymbol> read_curved_datamatrix(const cv::Mat& full, cv::Point2f centre, double side) {
    // Resampled to a square of a fixed size, so a module is several pixels (the sides' fits and the runs
    // are judged to a pixel), in the scratch buffers the dotted read uses too.
    constexpr int kSide = 320;
    double scale = kSide / side;
    if (side < 24 || scale < 0.6) return std::nullopt;
    // Every step below costs in proportion to the pixels, and the closing and the darkest/lightest
    // around in proportion to the module too: a symbol whose modules come out wider than
    // kLargestModule is sampled again smaller, its module at kWorkingModule.
    constexpr double kLargestModule = 7, kWorkingModule = 5;
    cv::Mat crop, smooth, dark, lowest, highest, labels;
    cv::Matx23d to_crop;
    const auto prepare = [&](int crop_side) {
        const cv::Size size(crop_side, crop_side);
        crop = scratch(0, size, CV_8UC1);
        smooth = scratch(1, size, CV_8UC1);
        dark = scratch(2, size, CV_8UC1);
        // The darkest and lightest around share a buffer with the components' labels, which are made
        // once they are used up.
        labels = scratch(3, size, CV_16U);
        lowest = cv::Mat(size, CV_8UC1, labels.data);
        highest = cv::Mat(size, CV_8UC1, labels.data + size.area());
        to_crop = cv::Matx23d(scale, 0, crop_side / 2.0 - scale * centre.x, 0, scale,
                              crop_side / 2.0 - scale * centre.y);
        cv::warpAffine(full, crop, to_crop, size, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR,
                       cv::BORDER_REPLICATE);
        cv::GaussianBlur(crop, smooth, cv::Size(0, 0), std::max(0.7, scale * 0.25));
        cv::adaptiveThreshold(smooth, dark, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV,
                              (crop_side / 8) | 1, 2);
        return module_from_runs(dark);
    };
    double module = prepare(kSide);
    if (module > kLargestModule) {
        const double shrink = kWorkingModule / module;
        scale *= shrink;
        module = prepare(static_cast<int>(std::lround(kSide * shrink)));
    }
    cv::Matx23d crop_to_frame;
    cv::invertAffineTransform(to_crop, crop_to_frame);
    if (module < 3) return std::nullopt;
    // Blurred modules: a light one between dark ones stays greyish, and a threshold at the local mean of
    // a dense patch makes the dark ones fat. So halfway between the darkest and lightest few modules
    // around instead.
    {
        const int reach = static_cast<int>(std::lround(module * 3)) | 1;
        const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reach, reach));
        // Each buffer taken again once what it held is used up (the crop, once smoothed), so fewer of them
        // stay warm in the cache; and never a filter in place, which makes OpenCV copy its source first.
        cv::erode(smooth, crop, kernel);
        cv::blur(crop, lowest, cv::Size(reach, reach));
        cv::dilate(smooth, crop, kernel);
        cv::blur(crop, highest, cv::Size(reach, reach));
        cv::Mat& halfway = crop;
        cv::addWeighted(lowest, 0.5, highest, 0.5, 0, halfway);
        cv::compare(smooth, halfway, dark, cv::CMP_LT);
        // Where the darkest and lightest around differ little, paper grain or shading: light.
        cv::Mat& range = lowest;
        cv::subtract(highest, lowest, range);
        double lowest_range = 0, highest_range = 0;
        cv::minMaxLoc(range, &lowest_range, &highest_range);
        cv::Mat& flat = highest;
        cv::compare(range, 0.35 * highest_range, flat, cv::CMP_LT);
        dark.setTo(0, flat);
    }
    // The modules closed into one blob: the symbol, holes and all, is the component nearest the halfway.
    const int close = static_cast<int>(std::lround(module * 1.6)) | 1;
    cv::Mat& blob = smooth;
    cv::morphologyEx(dark, blob, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(close, close)));
    cv::Mat stats, centroids;
    // BBDT: half the time of OpenCV's default (Spaghetti) here. Its provisional labels, one per 2x2 pixels
    // at most, fit 16 bits at this size.
    static_assert(kSide * kSide / 4 < 65535);
    const int count =
        cv::connectedComponentsWithStats(blob, labels, stats, centroids, 8, CV_16U, cv::CCL_BBDT);
    int chosen = -1;
    double best = 0;
    for (int i = 1; i < count; ++i) {
        const int area = stats.at<int>(i, cv::CC_STAT_AREA);
        const double dx = centroids.at<double>(i, 0) - crop.cols / 2.0,
                     dy = centroids.at<double>(i, 1) - crop.rows / 2.0;
        const double merit = area / (1 + std::hypot(dx, dy) / crop.cols * 4);
        if (area > 100 * module * module && merit > best) best = merit, chosen = i;
    }
    if (chosen < 0) return std::nullopt;
    const int bx = stats.at<int>(chosen, cv::CC_STAT_LEFT), by = stats.at<int>(chosen, cv::CC_STAT_TOP);
    const int bw = stats.at<int>(chosen, cv::CC_STAT_WIDTH), bh = stats.at<int>(chosen, cv::CC_STAT_HEIGHT);
    // The outermost pixel of the blob along each row and column of its middle 80 %.
    std::vector<cv::Point2d> tops, bottoms, lefts, rights;
    // Row by row (the columns' ends gathered on the way): a column-wise walk misses the cache every pixel.
    std::vector<int> column_first(static_cast<std::size_t>(bw), -1),
        column_last(static_cast<std::size_t>(bw), -1);
    for (int y = by; y < by + bh; ++y) {
        int first = -1, last = -1;
        const std::uint16_t* row = labels.ptr<std::uint16_t>(y);
        for (int x = bx; x < bx + bw; ++x)
            if (row[x] == chosen) {
                if (first < 0) first = x;
                last = x;
                const auto column = static_cast<std::size_t>(x - bx);
                if (column_first[column] < 0) column_first[column] = y;
                column_last[column] = y;
            }
        if (first >= 0 && y >= by + bh / 10 && y < by + bh - bh / 10)
            lefts.emplace_back(y, first), rights.emplace_back(y, last + 1);
    }
    for (int x = bx + bw / 10; x < bx + bw - bw / 10; ++x) {
        const auto column = static_cast<std::size_t>(x - bx);
        if (column_first[column] >= 0)
            tops.emplace_back(x, column_first[column]), bottoms.emplace_back(x, column_last[column] + 1);
    }
    CurvedPatch patch;
    patch.top = fit_quadratic(tops), patch.bottom = fit_quadratic(bottoms);
    patch.left = fit_quadratic(lefts), patch.right = fit_quadratic(rights);
    patch.corner[0] = crossing(patch.top, patch.left, {static_cast<double>(bx), static_cast<double>(by)});
    patch.corner[1] =
        crossing(patch.top, patch.right, {static_cast<double>(bx + bw), static_cast<double>(by)});
    patch.corner[2] =
        crossing(patch.bottom, patch.right, {static_cast<double>(bx + bw), static_cast<double>(by + bh)});
    patch.corner[3] =
        crossing(patch.bottom, patch.left, {static_cast<double>(bx), static_cast<double>(by + bh)});
    // Half a module inside each side: the timing patterns' runs, on the dashed sides.
    const double inset_u = 0.5 * module / std::max(1.0, patch.corner[1].x - patch.corner[0].x);
    const double inset_v = 0.5 * module / std::max(1.0, patch.corner[3].y - patch.corner[0].y);
    const std::vector<double> along_top = run_centres(dark, patch, true, inset_v, 2 * inset_u);
    const std::vector<double> along_bottom = run_centres(dark, patch, true, 1 - inset_v, 2 * inset_u);
    const std::vector<double> along_right = run_centres(dark, patch, false, inset_u, 2 * inset_v);
    const std::vector<double> along_left = run_centres(dark, patch, false, 1 - inset_u, 2 * inset_v);
    const auto& columns_runs = along_top.size() >= along_bottom.size() ? along_top : along_bottom;
    const auto& rows_runs = along_right.size() >= along_left.size() ? along_right : along_left;
    const int counted_columns = static_cast<int>(columns_runs.size());
    const int counted_rows = static_cast<int>(rows_runs.size());
    const auto plausible = [](int n) { return n >= 8 && n <= 144 && n % 2 == 0; };
    const int reach = std::max(1, static_cast<int>(module / 5));
    // Each module: dark when most of a small square around its centre is; drawn clean and read.
    // Each module: dark when most of a small square around its centre is. `border_only`: the outermost
    // modules alone (what finder_score looks at), a seventh of the work for a grid that is likely wrong.
    const auto sample_grid = [&](const std::vector<double>& us, const std::vector<double>& vs,
                                 bool border_only) {
        const int columns = static_cast<int>(us.size()), rows = static_cast<int>(vs.size());
        cv::Mat modules(rows, columns, CV_8UC1, cv::Scalar(0));
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < columns; ++c) {
                if (border_only && r > 0 && r < rows - 1 && c > 0 && c < columns - 1) continue;
                const cv::Point2d p =
                    patch.at(us[static_cast<std::size_t>(c)], vs[static_cast<std::size_t>(r)]);
                const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
                int votes = 0, all = 0;
                for (int dy = -reach; dy <= reach; ++dy)
                    for (int dx = -reach; dx <= reach; ++dx) {
                        if (x + dx < 0 || y + dy < 0 || x + dx >= dark.cols || y + dy >= dark.rows) continue;
                        ++all;
                        votes += dark.at<std::uint8_t>(y + dy, x + dx) > 0;
                    }
                modules.at<std::uint8_t>(r, c) = 2 * votes > all;
            }
        return modules;
    };
    // Grids sampled, each with how well its border shows the finder: only the likeliest few are sampled
    // whole and handed to zxing, which costs a hundred times the border.
    struct Grid {
        double score;
        int turn;
        std::vector<double> us, vs;
    };
    std::vector<Grid> grids;
    const auto consider = [&](const std::vector<double>& us, const std::vector<double>& vs) {
        int turn = 0;
        const double score = finder_score(sample_grid(us, vs, true), &turn);
        if (score < kMinFinderScore) return;
        grids.push_back({score, turn, us, vs});
    };
    const auto read_best = [&](int how_many) -> std::optional<DecodedSymbol> {
        std::stable_sort(grids.begin(), grids.end(),
                         [](const Grid& a, const Grid& b) { return a.score > b.score; });
        for (int i = 0; i < std::min(how_many, static_cast<int>(grids.size())); ++i) {
            const Grid& grid = grids[static_cast<std::size_t>(i)];
            const cv::Mat clean =
                render_modules(upright_with_finder(sample_grid(grid.us, grid.vs, false), grid.turn), 3);
            if (auto read = read_image(clean, hints().curved, kIdentity)) return read;
        }
        grids.clear();
        return std::nullopt;
    };
    // A count of runs a few too many (odd, or longer than the other side's) met specks beyond the
    // symbol's corner at one end of the side: the ends are tried without a run or a few.
    const auto even_variants = [](const std::vector<double>& runs) {
        std::vector<std::vector<double>> variants;
        const int n = static_cast<int>(runs.size());
        for (int dropped = 0; dropped <= 3; ++dropped)
            for (int front = 0; front <= dropped; ++front)
                if ((n - dropped) % 2 == 0 && n - dropped >= 8)
                    variants.emplace_back(runs.begin() + front, runs.end() - (dropped - front));
        return variants;
    };
    const auto column_variants = even_variants(columns_runs), row_variants = even_variants(rows_runs);
    const auto smoothed_plausible = [&](const std::vector<std::vector<double>>& variants) {
        std::vector<std::vector<double>> centres;
        for (const auto& runs : variants)
            if (plausible(static_cast<int>(runs.size()))) centres.push_back(smoothed_centres(runs));
        return centres;
    };
    const auto row_centres = smoothed_plausible(row_variants);
    for (const auto& columns_of : smoothed_plausible(column_variants))
        for (const auto& rows_of : row_centres) consider(columns_of, rows_of);
    std::optional<DecodedSymbol> symbol = read_best(2);
    // The timing pattern along the side the surface turns away from is too fine to count, yet the other
    // one counted: a square symbol around a cylinder, whose columns (or rows) lie at equal angles around
    // its axis. Where the axis lies and how far round the symbol reaches are tried in turn, both ways; the
    // timing pattern sampled on the curved side says which fit.
    const auto around_cylinder = [](int n, double middle, double half_span) {
        std::vector<double> centres(static_cast<std::size_t>(n));
        const double from = std::sin(middle - half_span), to = std::sin(middle + half_span);
        for (int i = 0; i < n; ++i) {
            const double angle = middle - half_span + 2 * half_span * (i + 0.5) / n;
            centres[static_cast<std::size_t>(i)] = (std::sin(angle) - from) / (to - from);
        }
        return centres;
    };
    const auto sweep = [&](const std::vector<double>& straight_runs, bool columns_curved) {
        const int n = static_cast<int>(straight_runs.size());
        // A run or none dropped from the counted side: a guess about the other one's count is enough.
        if (!plausible(n) || std::abs(n - (columns_curved ? counted_rows : counted_columns)) > 1) return;
        const std::vector<double> straight = smoothed_centres(straight_runs);
        for (double half_span : {0.35, 0.6, 0.85, 1.1})
            for (double middle = 0; middle <= 1.05; middle += 0.15)
                for (double sign : {1.0, -1.0}) {
                    if (middle == 0 && sign < 0) continue;
                    if (std::abs(middle) + half_span > 1.45) continue;
                    const std::vector<double> curved = around_cylinder(n, sign * middle, half_span);
                    if (columns_curved)
                        consider(curved, straight);
                    else
                        consider(straight, curved);
                }
    };
    if (!symbol && counted_columns < counted_rows) {
        for (const auto& rows_of : row_variants) sweep(rows_of, true);
        symbol = read_best(3);
    }
    if (!symbol && counted_rows < counted_columns) {
        for (const auto& columns_of : column_variants) sweep(columns_of, false);
        symbol = read_best(3);
    }
    if (!symbol) return std::nullopt;
    // Where it lies in the frame: the patch's corners.
    for (int i = 0; i < 4; ++i) {
        const cv::Vec2d mapped = crop_to_frame * cv::Vec3d(patch.corner[i].x, patch.corner[i].y, 1);
        symbol->corners[i] = {static_cast<float>(mapped[0]), static_cast<float>(mapped[1])};
    }
    return symbol;
}

}  // namespace

const char* decoder_format_names() {
    // No UPC-E: six digits whose check is only a parity pattern, which zxing 1.4 finds in the rows of
    // PDF417s and in half an EAN-13; no pack the kiosk takes carries one.
    return "DataMatrix,QRCode,EAN-13,EAN-8,UPC-A,Code128,DataBar,DataBarExpanded";
}

std::vector<Candidate> find_candidates(const std::uint8_t* pixels, int width, int height, int stride,
                                       int max_candidates) {
    if (!pixels || width <= 0 || height <= 0 || stride < width) return {};
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        thread_local FinderWork buffers;  // kept: a fresh megabyte per image costs page faults
        return find_in(full, max_candidates, buffers);
    } catch (const cv::Exception&) {
        return {};
    }
}

Decoder::Decoder(DecoderOptions options) : options_(options) {}

std::vector<DecodedSymbol> Decoder::decode_grey(const std::uint8_t* pixels, int width, int height,
                                                int stride) const {
    std::vector<DecodedSymbol> found;
    if (!pixels || width <= 0 || height <= 0 || stride < width) return found;
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        const Hints& h = hints();
        thread_local FinderWork buffers;  // kept: a fresh megabyte per image costs page faults
        // 1. A quick look along a few rows, as plain zxing-cpp takes it without tryHarder: most photos of
        // a bar code are read here for a fraction of the full pass (which looks for matrix symbols all
        // over before it reads a single row).
        if (auto symbol = read_image(full, h.quick_linear, kIdentity)) add_unique(found, *symbol);
        // 2. The full pass of plain zxing-cpp (tryHarder, tryRotate), so this never reads less than it, as
        // two passes: the linear formats and the matrix formats (zxing binarizes the whole image and
        // searches it for matrix symbols before it reads a row, which costs ten times the linear pass on
        // a photo of bars; on a photo of a DataMatrix the linear pass costs more than the matrix one). The
        // likelier one first, by the share of the image's strong edges that are bars; the other only
        // when it read nothing.
        // 2a. A large photo: its candidate regions first, each read at its own angle. zxing's whole-image
        // passes cost in proportion to the pixels (a 2 MP photo: tens of ms), a region's read does not, and
        // the codes of a large photo are mostly small and turned. When a region reads, the whole-image
        // passes are left out, as after any read; when none does, they follow as for any photo.
        std::vector<Candidate> candidates;
        // Regions that are not bars read in vain as a flat matrix symbol: where the curved sampler (6.) is
        // worth its cost.
        std::vector<Candidate> flat_matrix_misses;
        const auto read_in_vain = [&](const Candidate& c) {
            if (c.coherence < kBarCoherence) flat_matrix_misses.push_back(c);
        };
        bool regions_read_first = false;
        if (found.empty() && options_.search_regions &&
            static_cast<double>(width) * height >= kLargePhotoPixels) {
            regions_read_first = true;
            candidates = find_in(full, kStillRegionsConsidered, buffers);
            int misses = 0;
            for (const Candidate& c : candidates) {
                if (misses >= options_.max_candidates) break;
                if (holds_any(c, found)) continue;
                auto symbol = read_candidate(full, c, false);
                // One row of a stacked DataBar read alone: all its rows together (see step 4).
                if (!symbol)
                    if (const auto rows = stacked_rows_of(full, candidates, c))
                        symbol = read_stacked_rows(full, *rows);
                if (symbol) {
                    add_unique(found, *symbol);
                } else {
                    ++misses;
                    read_in_vain(c);
                }
            }
        }
        bool whole_image_read_in_vain = false;
        std::optional<EdgeTiles> tiles;
        if (found.empty() && options_.try_harder) {
            tiles = edge_tiles(full);
            const bool bars_first = bar_share(*tiles) >= 0.5;
            const ZXing::DecodeHints& first = bars_first ? h.full_linear : h.full_matrix;
            const ZXing::DecodeHints& second = bars_first ? h.full_matrix : h.full_linear;
            if (auto symbol = read_image(full, first, kIdentity))
                add_unique(found, *symbol);
            else if (auto other = read_image(full, second, kIdentity))
                add_unique(found, *other);
            else
                whole_image_read_in_vain = true;
        }
        std::vector<cv::Rect> read_areas;
        // Around a symbol read, a quarter of its size: what the finder sees beside it (the digits under
        // an EAN, a quiet zone's edge) is part of it.
        const auto with_margin = [](const cv::Rect& r) {
            return cv::Rect(r.x - r.width / 4, r.y - r.height / 4, r.width + r.width / 2,
                            r.height + r.height / 2);
        };
        // A linear symbol whose bars plainly end covers its measured extent, no more: a second code printed
        // below a long GS1-128 is no part of it.
        std::vector<std::optional<cv::Rect>> measured;
        const auto read_area_of = [&](const DecodedSymbol& symbol, const std::optional<cv::Rect>& extent) {
            return extent ? *extent : with_margin(bounds_of(symbol));
        };
        for (const DecodedSymbol& symbol : found) {
            measured.push_back(options_.search_regions ? measured_extent_of(full, symbol) : std::nullopt);
            read_areas.push_back(read_area_of(symbol, measured.back()));
        }
        // 3. When a pass above read something: another symbol the image plainly holds (a pass reads one
        // symbol, and a pack carries several: a DataMatrix beside an EAN-13, a trace code), looked for in
        // its own patch of strong edges only, so a photo of one symbol costs little more than its pass.
        // The likeliest candidate region of each patch (the next when that is a symbol read already),
        // read at its own angle, densest patch first. A patch read in vain (print, a box's edge) does not
        // end the search at once, as the next may hold the symbol; but each costs about as much as the
        // photo's first symbol did, so it ends after kFurtherPatchesMissed of them.
        if (!found.empty()) {
            if (!options_.search_regions) return found;
            const cv::Rect image(0, 0, full.cols, full.rows), inner(2, 2, full.cols - 4, full.rows - 4);
            std::vector<cv::Rect> extents;
            for (std::size_t i = 0; i < found.size(); ++i)
                extents.push_back(measured[i] ? *measured[i] : extent_of(found[i]));
            int patches_read = 0, patches_missed = 0;
            for (const Patch& patch : further_patches(tiles ? *tiles : edge_tiles(full), extents)) {
                if (patches_read++ >= kFurtherPatchesRead || patches_missed >= kFurtherPatchesMissed) break;
                const cv::Rect area = patch.area & image;
                // Read meanwhile. By where its edges are, not the middle of its rectangle: a patch joining
                // a second code to the edge of the card around both had that middle on the code read
                // first.
                if (inside_any(read_areas, patch.centre)) continue;
                std::vector<Candidate> in_patch = find_in(full(area), 2, buffers);
                for (Candidate& c : in_patch) {
                    c.centre.x += static_cast<float>(area.x), c.centre.y += static_cast<float>(area.y);
                    if (inside_any(read_areas, {c.centre.x, c.centre.y}) || holds_any(c, found)) continue;
                    // A region running off the image is an edge of the box or the table, or a symbol the
                    // photo cut: not worth a read.
                    const cv::Rect region = cv::RotatedRect(cv::Point2f(c.centre.x, c.centre.y),
                                                            cv::Size2f(c.along, c.across), c.angle_degrees)
                                                .boundingRect();
                    if ((region & inner) != region) continue;
                    if (const auto symbol = read_further_candidate(full, c)) {
                        read_areas.push_back(read_area_of(*symbol, measured_extent_of(full, *symbol)));
                        add_unique(found, *symbol);
                    } else {
                        ++patches_missed;
                    }
                    break;
                }
            }
            return found;
        }
        // 4. Nothing read: candidate regions, likeliest first, each read at its own angle: symbols turned
        // too far for zxing's rows and columns, off its centre lines, too thin, or DataBar (which zxing
        // 1.4 must read in a pass of its own, see the top of this file: here only in the candidates'
        // bands, as a whole-image DataBar pass would cost a third of the budget on every photo zxing
        // cannot read). The search ends after `max_candidates` regions that give nothing.
        if (options_.search_regions && !regions_read_first) {
            candidates = find_in(full, kStillRegionsConsidered, buffers);
            int misses = 0;
            for (const Candidate& c : candidates) {
                if (misses >= options_.max_candidates) break;
                if (inside_any(read_areas, {c.centre.x, c.centre.y}) || holds_any(c, found)) continue;
                // A region zxing already read as it lies, in vain, is only read at its own angle.
                auto symbol = read_candidate(full, c, !whole_image_read_in_vain);
                // One row of a stacked DataBar read alone: all its rows together.
                if (!symbol)
                    if (const auto rows = stacked_rows_of(full, candidates, c))
                        symbol = read_stacked_rows(full, *rows);
                if (!symbol) {
                    ++misses;
                    read_in_vain(c);
                    continue;
                }
                read_areas.push_back(with_margin(bounds_of(*symbol)));
                add_unique(found, *symbol);
            }
        }
        // 5. A dot-printed DataMatrix, where the likeliest region is not bars.
        if (found.empty() && options_.search_regions &&
            (candidates.empty() || candidates.front().coherence < kBarCoherence))
            if (auto symbol = read_dotted(full, candidates)) add_unique(found, *symbol);
        // 6. A DataMatrix on a curved surface, in the likeliest regions that are not bars and that the flat
        // read above tried in vain: the sampler costs several flat reads, so a region the search left
        // unread (it ended at a likelier one) is not worth it either. Only on a photo whose strong edges
        // are mostly not bars: on one of bars (a linear symbol unread) the regions left are print.
        if (found.empty() && options_.search_regions && tiles && bar_share(*tiles) < 0.5) {
            int tried = 0;
            for (const Candidate& c : flat_matrix_misses) {
                if (tried++ >= kCurvedRegionsRead) break;
                const double side = std::max(c.along, c.across) * 1.4 + 24;
                const auto symbol = read_curved_datamatrix(full, {c.centre.x, c.centre.y}, side);
                if (symbol) {
                    add_unique(found, *symbol);
                    break;
                }
            }
        }
    } catch (const std::exception&) {
        // OpenCV or allocation failure on one image: report what was found so far.
    }
    return found;
}

std::vector<DecodedSymbol> Decoder::decode(const Frame& frame) const {
    const cv::Mat grey = grey_of(frame);
    if (grey.empty()) return {};
    return decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
}

// ---------------------------------------------------------------------------------------------------

struct TrackingDecoder::State {
    struct Track {
        DecodedSymbol symbol;  // as last read
        int misses = 0;
        double half_height = 0;  // how far a linear symbol's bars reach from its scan line, when known
    };
    // A candidate that was read without success. One of the same place and shape that keeps failing is
    // most likely print on the counter, not a symbol: after three frames in a row it is tried again after
    // 2, 4, then every 8 frames, so fresh candidates get the budget. (A symbol coming to rest fails while
    // it is blurred by the movement, and must not wait.) A box moved there changes the shape: fresh.
    struct Failure {
        Candidate candidate;
        int count = 0;
        std::uint64_t tried = 0;  // frame
        std::uint64_t seen = 0;
        bool matches(const Candidate& c) const {
            const Candidate& f = candidate;
            const float size = std::max(f.along, f.across);
            return std::hypot(f.centre.x - c.centre.x, f.centre.y - c.centre.y) <
                       std::max(16.f, 0.1f * size) &&
                   std::abs(f.along - c.along) < 0.25f * f.along + 8 &&
                   std::abs(f.across - c.across) < 0.25f * f.across + 8 &&
                   std::abs(f.coherence - c.coherence) < 0.15f;
        }
        bool due(std::uint64_t frame) const {
            return frame - tried >= static_cast<std::uint64_t>(1) << std::clamp(count - 3, 0, 3);
        }
    };
    std::vector<Track> tracks;
    std::vector<Failure> failures;
    // A symbol read anew: a track of the same code that lost it is taken up again rather than doubled,
    // so each code is followed once a frame.
    void remember(const DecodedSymbol& symbol, double half_height = 0) {
        for (Track& track : tracks)
            if (same_symbol(track.symbol, symbol)) {
                track = {symbol, 0, half_height};
                return;
            }
        tracks.push_back({symbol, 0, half_height});
    }
    std::uint64_t frames = 0;
    int idle_slice = 0;
    bool idle_deferred = false;  // the last frame found nothing and left its idle slice to this one
    FinderWork finder;
    // The idle passes' copies, each in a buffer of its own: one buffer reshaped back and forth between the
    // two sizes costs a fresh allocation, page faults and all, every time.
    cv::Mat transposed, halved;
};

TrackingDecoder::TrackingDecoder(TrackingOptions options)
    : options_(options), state_(std::make_unique<State>()) {}
TrackingDecoder::~TrackingDecoder() = default;
TrackingDecoder::TrackingDecoder(TrackingDecoder&&) noexcept = default;
TrackingDecoder& TrackingDecoder::operator=(TrackingDecoder&&) noexcept = default;

std::vector<Region> TrackingDecoder::tracked_regions() const {
    std::vector<Region> regions;
    for (const auto& track : state_->tracks) {
        const cv::Rect box = bounds_of(track.symbol);
        regions.push_back({box.x, box.y, box.width, box.height});
    }
    return regions;
}

namespace {

// The frame turned onto its diagonal, 8x8 pixels at a time in SSE2 registers: cv::transpose moves one
// byte at a time and on a 1080p frame costs more than zxing's whole read of the result.
void transpose_into(const cv::Mat& in, cv::Mat& out) {
    out.create(in.cols, in.rows, CV_8UC1);
    const int rows8 = in.rows & ~7, cols8 = in.cols & ~7;
#if defined(__SSE2__)
    for (int y = 0; y < rows8; y += 8)
        for (int x = 0; x < cols8; x += 8) {
            __m128i r[8];
            for (int i = 0; i < 8; ++i)
                r[i] = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in.ptr<std::uint8_t>(y + i) + x));
            const __m128i a0 = _mm_unpacklo_epi8(r[0], r[1]), a1 = _mm_unpacklo_epi8(r[2], r[3]);
            const __m128i a2 = _mm_unpacklo_epi8(r[4], r[5]), a3 = _mm_unpacklo_epi8(r[6], r[7]);
            const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
            const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
            const __m128i c[4] = {_mm_unpacklo_epi32(b0, b2), _mm_unpackhi_epi32(b0, b2),
                                  _mm_unpacklo_epi32(b1, b3), _mm_unpackhi_epi32(b1, b3)};
            for (int i = 0; i < 4; ++i) {
                _mm_storel_epi64(reinterpret_cast<__m128i*>(out.ptr<std::uint8_t>(x + 2 * i) + y), c[i]);
                _mm_storel_epi64(reinterpret_cast<__m128i*>(out.ptr<std::uint8_t>(x + 2 * i + 1) + y),
                                 _mm_srli_si128(c[i], 8));
            }
        }
#else
    for (int y = 0; y < rows8; ++y)
        for (int x = 0; x < cols8; ++x) out.at<std::uint8_t>(x, y) = in.at<std::uint8_t>(y, x);
#endif
    // The edges a whole block does not cover.
    for (int y = 0; y < in.rows; ++y) {
        const std::uint8_t* from = in.ptr<std::uint8_t>(y);
        for (int x = (y < rows8 ? cols8 : 0); x < in.cols; ++x) out.at<std::uint8_t>(x, y) = from[x];
    }
}

// Re-reads a symbol where it was last frame, allowing for a hand's movement: a linear one in a band
// along its last scan line, a matrix one in a crop turned to its last orientation. `region_read`: a
// DataBar the band misses is also read in its whole region (see below).
std::optional<DecodedSymbol> follow(const cv::Mat& full, const DecodedSymbol& last, bool region_read) {
    const auto& c = last.corners;
    Cut cut;
    cv::Matx23d to_frame;
    if (is_matrix_format(last.format)) {
        const cv::Point2f centre((c[0].x + c[1].x + c[2].x + c[3].x) / 4,
                                 (c[0].y + c[1].y + c[2].y + c[3].y) / 4);
        const double side = std::max(std::hypot(c[1].x - c[0].x, c[1].y - c[0].y),
                                     std::hypot(c[3].x - c[0].x, c[3].y - c[0].y));
        const cv::Mat crop = square_around(full, centre, side * 1.6 + 32, matrix_scale(side * 1.2), to_frame);
        return read_known(crop, last.format, to_frame);
    }
    // zxing 1.4 reports a DataBar, plain or Expanded, as the line of its first pair (corners 0-1) and that
    // of its last pair (3-2), each on the row that read it: the symbol runs from corner 0 to corner 2, and
    // the two rows say nothing of its height. (A band cut along the first pair of a DataBar Expanded 900 px
    // long was a quarter of its length and lost it every frame.) Other linear symbols: the first and the
    // last row read (0-1, 3-2).
    const bool pairs = is_databar_format(last.format);
    const Point& end = pairs ? c[2] : c[1];
    const double dx = end.x - c[0].x, dy = end.y - c[0].y;
    const double length = std::hypot(dx, dy);
    cut.centre = {(c[0].x + c[1].x + c[2].x + c[3].x) / 4, (c[0].y + c[1].y + c[2].y + c[3].y) / 4};
    cut.angle = std::atan2(dy, dx) * 180 / kPi;
    cut.width = length * 1.35 + 48;
    const double spread = pairs ? 0.0 : std::hypot(c[3].x - c[0].x, c[3].y - c[0].y);
    cut.height = std::clamp(std::max(length * 0.2, spread + 24), 28.0, 200.0);
    cut.max_rows = kBandRows;
    const double module = module_of(full, cut);
    if (module > 0 && module < 3.5) cut.interpolation = cv::INTER_CUBIC;
    if (module > 0 && module < kThinModule) cut.scale = std::min(3.0, 2.8 / module);
    cut.light_beyond_frame = true;
    const cv::Mat band = cut_out(full, cut, to_frame);
    if (auto symbol = read_known(band, last.format, to_frame)) return symbol;
    // Under uneven light, as a new candidate is read (see evened); only when the band shows bars.
    if (module > 0)
        if (auto symbol = read_known(evened(band, module * cut.scale), last.format, to_frame)) return symbol;
    // A symbol at the frame's edge, read there along the frame's rows or columns (see frame_edges_reached):
    // so again, or its region would be read anew every frame, first of all, and keep the frame's budget from
    // the others (a Code128 beside an EAN-13 cut by the frame's edge was never read again).
    Candidate lies;
    lies.centre = {cut.centre.x, cut.centre.y};
    lies.along = static_cast<float>(length);
    lies.across = static_cast<float>(cut.height);
    lies.angle_degrees = static_cast<float>(cut.angle);
    if (const int edges = frame_edges_reached(full, lies); edges != 0)
        if (auto symbol = read_at_frame_edge(full, lies, edges); symbol && symbol->format == last.format)
            return symbol;
    if (!is_databar_format(last.format) || !region_read) return std::nullopt;
    // A DataBar that one band does not hold: a stacked one (its rows, each a pair or two, one above the
    // other), or a thin one first read by a whole-frame pass. Its ground as it lies, read as that pass read
    // it, every row: a stacked DataBar Expanded read once by the idle pass was lost the next frame and never
    // confirmed.
    const cv::Rect box = bounds_of(last);
    const int margin = std::max(box.width, box.height) / 3 + 16;
    const cv::Rect ground =
        cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin) &
        cv::Rect(0, 0, full.cols, full.rows);
    if (ground.width < 16 || ground.height < 16) return std::nullopt;
    return read_image(full(ground), hints().region_databar, cv::Matx23d(1, 0, ground.x, 0, 1, ground.y));
}

}  // namespace

std::vector<DecodedSymbol> TrackingDecoder::decode_grey(const std::uint8_t* pixels, int width, int height,
                                                        int stride) {
    std::vector<DecodedSymbol> found;
    if (!pixels || width <= 0 || height <= 0 || stride < width) return found;
    State& state = *state_;
    ++state.frames;
    const std::size_t pixels_before = t_pixels_handed;
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        std::vector<ReadGround> covered;
        // 1. The symbols of the last frames, where they were. A DataBar's region is read only the first
        // frame its band misses: one that has left the view or moves would otherwise cost a region read
        // every frame until it is forgotten (the costliest reads of the slowest frames).
        bool followed_in_vain = false;
        for (auto& track : state.tracks) {
            if (auto symbol = follow(full, track.symbol, track.misses == 0);
                symbol && symbol->text == track.symbol.text) {
                track.symbol = *symbol;
                track.misses = 0;
                add_unique(found, *symbol);
                covered.push_back({footprint_of(*symbol, track.half_height), *symbol, std::nullopt});
            } else {
                ++track.misses;
                followed_in_vain = true;
            }
        }
        std::erase_if(state.tracks,
                      [&](const State::Track& t) { return t.misses >= options_.forget_after_misses; });

        // 2. New symbols in candidate regions not already read.
        auto candidates = find_in(full, std::max(8, options_.max_candidates * 3), state.finder, true);
        std::erase_if(state.failures, [&](const State::Failure& f) { return f.seen + 16 < state.frames; });
        std::vector<std::pair<const Candidate*, State::Failure*>> queue;
        // Parts of regions on read ground (see part_beyond_read_bars): `queue` points into it.
        std::deque<Candidate> parts;
        for (const Candidate& whole : candidates) {
            const Candidate* wanted = &whole;
            if (ReadGround* ground = ground_only_covered(covered, whole)) {
                const auto part = part_beyond_read_bars(full, ground->symbol, ground->bars, whole);
                if (!part) continue;
                wanted = &parts.emplace_back(*part);
            }
            const Candidate& c = *wanted;
            State::Failure* failure = nullptr;
            for (auto& f : state.failures)
                if (f.matches(c)) failure = &f;
            if (failure) {
                failure->seen = state.frames;
                if (!failure->due(state.frames)) continue;
            }
            queue.emplace_back(&c, failure);
        }
        // Likeliest first, each failure halving a candidate's claim: a symbol that failed while it moved
        // still comes before the print around it, which fails every frame.
        auto claim = [](const std::pair<const Candidate*, State::Failure*>& entry) {
            return std::ldexp(static_cast<double>(entry.first->score),
                              -(entry.second ? entry.second->count : 0));
        };
        std::stable_sort(queue.begin(), queue.end(),
                         [&](const auto& a, const auto& b) { return claim(a) > claim(b); });
        std::vector<State::Failure> fresh_failures;
        int tried = 0;
        // An idle slice costs about as much as two candidates. A frame that found nothing and read more
        // than half its candidates leaves the slice to the next such frame, which then reads only half as
        // many: no frame does both in full, and the slices still come every other frame at least.
        const int half = std::max(1, options_.max_candidates / 2);
        const bool idle_turn = found.empty() && options_.idle_slices > 0 && state.idle_deferred;
        const int max_tried = idle_turn ? half : options_.max_candidates;
        for (auto& [c, failure] : queue) {
            if (tried >= max_tried) break;
            // The first new candidate is always read; after it, a frame whose reads have already handed
            // zxing its budget of pixels (a large matrix crop, a long band read as it lies) leaves the
            // rest to the next frame, so no frame pays for several of them.
            if (tried > 0 && options_.max_pixels_read > 0 &&
                t_pixels_handed - pixels_before >= options_.max_pixels_read)
                break;
            if (ground_only_covered(covered, *c)) continue;
            ++tried;
            auto symbol = read_candidate(full, *c, true, true);
            // zxing gives one symbol a crop: a crop that holds a pack's DataMatrix beside a QR code already
            // read gave that QR code, frame after frame, and the DataMatrix never.
            if (symbol && is_matrix_format(symbol->format) && !is_new(found, *symbol))
                symbol = read_matrix_candidate(full, *c,
                                               symbol->format == "QRCode" ? hints().datamatrix : hints().qr);
            // The region read tells how far the bars reach, with room for a finder that saw them short.
            const double half_height = c->across / 2 + 16;
            if (symbol) covered.push_back({footprint_of(*symbol, half_height), *symbol, std::nullopt});
            // A region reaching across the bars it gave, beyond them, may hold a second symbol set close: an
            // EAN-8 above a UPC-A gave the EAN-8 alone, frame after frame, and the UPC-A never.
            // So may a region reaching along the scan line past its ends (part_along_beyond_read_symbol).
            bool read_beside = false;
            if (symbol) {
                // A part waits after failing as a candidate does: a region whose symbol the tracker could
                // not follow (text after an EAN-13 spoilt its band) gave that symbol anew every frame, and
                // its part beyond, a Code 128 the frame's edge cut too deep to read, cost 15 ms a frame.
                const auto take = [&](const Candidate& part, const auto& read) {
                    State::Failure* failed = nullptr;
                    for (auto& f : state.failures)
                        if (f.matches(part)) failed = &f;
                    if (failed) {
                        failed->seen = state.frames;
                        if (!failed->due(state.frames)) return;
                    }
                    const std::optional<DecodedSymbol> other = read();
                    if (!other) {
                        if (failed)
                            ++failed->count, failed->tried = state.frames;
                        else
                            fresh_failures.push_back({part, 1, state.frames, state.frames});
                        return;
                    }
                    covered.push_back({footprint_of(*other, part.across / 2 + 16), *other, std::nullopt});
                    if (add_unique(found, *other)) {
                        state.remember(*other, part.across / 2 + 16);
                        read_beside = true;
                    }
                };
                std::optional<BarsReach> bars;
                if (const auto part = part_beyond_read_bars(full, *symbol, bars, *c))
                    take(*part, [&] { return read_candidate(full, *part, true, true); });
                if (const auto part = part_along_beyond_read_symbol(*symbol, *c))
                    take(part->region, [&] { return read_part_along(full, *part); });
            }
            // A region that gives only a symbol read already this frame is no better than one that gives
            // nothing: it waits as a failure does, not read again every frame.
            const bool symbol_new = symbol && add_unique(found, *symbol);
            if (symbol_new) state.remember(*symbol, half_height);
            if (symbol_new || read_beside) {
                if (failure) failure->count = 0, failure->seen = 0;  // forgotten below
            } else if (failure) {
                ++failure->count;
                failure->tried = state.frames;
                failure->candidate = *c;
            } else {
                fresh_failures.push_back({*c, 1, state.frames, state.frames});
            }
        }
        // Only now: `queue` points into state.failures, which must not grow while it is used.
        std::erase_if(state.failures, [](const State::Failure& f) { return f.count == 0; });
        state.failures.insert(state.failures.end(), fresh_failures.begin(), fresh_failures.end());

        // 3. Nothing at all: a share of the full-frame pass plain zxing-cpp makes, one slice a frame: the
        // linear formats along rows; then the linear formats and DataBar along columns (both read on one
        // transposed copy); DataBar along rows; and the matrix formats on a half-size copy (binarizing the
        // whole frame costs more than everything else together).
        // A frame that has already searched in vain for a symbol it followed leaves the slice to the next
        // frame too, but only if this frame was not already the one the slice was left to.
        state.idle_deferred =
            found.empty() && options_.idle_slices > 0 && !idle_turn && (tried > half || followed_in_vain);
        if (found.empty() && options_.idle_slices > 0 && !state.idle_deferred) {
            const Hints& h = hints();
            std::optional<DecodedSymbol> symbol;
            switch (state.idle_slice++ % 4) {
                case 0:
                    symbol = read_image(full, h.idle_linear, kIdentity);
                    break;
                case 1: {
                    transpose_into(full, state.transposed);
                    const cv::Matx23d transposed_to_frame(0, 1, 0, 1, 0, 0);
                    symbol = read_image(state.transposed, h.idle_linear, transposed_to_frame);
                    if (!symbol) symbol = read_image(state.transposed, h.idle_databar, transposed_to_frame);
                    break;
                }
                case 2:
                    symbol = read_image(full, h.idle_databar, kIdentity);
                    break;
                default:
                    cv::resize(full, state.halved, cv::Size(full.cols / 2, full.rows / 2), 0, 0,
                               cv::INTER_AREA);
                    symbol = read_image(state.halved, h.idle_matrix, cv::Matx23d(2, 0, 0, 0, 2, 0));
            }
            if (symbol && add_unique(found, *symbol)) state.remember(*symbol);
        }
    } catch (const std::exception&) {
        state.tracks.clear();
    }
    return found;
}

std::vector<DecodedSymbol> TrackingDecoder::decode(const Frame& frame) {
    const cv::Mat grey = grey_of(frame);
    if (grey.empty()) return {};
    return decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
}

}  // namespace medkiosk::scanner
