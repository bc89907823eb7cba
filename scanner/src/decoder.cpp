// zxing-cpp 1.4 as Debian ships it: single-symbol ReadBarcode only (ReadBarcodes can abort the process
// on an assertion while merging several results; every image we have passes the single-symbol path,
// see tests/scanner/no_abort_test.cpp), and DataMatrix only where the symbol crosses the image's centre
// lines, so we decode crops around candidate regions, and bands as a last resort.

#define ZX_USE_UTF8 1
#include "medkiosk/scanner/decoder.hpp"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>

namespace medkiosk::scanner {
namespace {

constexpr ZXing::BarcodeFormats kMatrixFormats =
    ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::QRCode;
constexpr ZXing::BarcodeFormats kLinearFormats =
    ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::EAN8 | ZXing::BarcodeFormat::UPCA |
    ZXing::BarcodeFormat::UPCE | ZXing::BarcodeFormat::Code128 | ZXing::BarcodeFormat::DataBar |
    ZXing::BarcodeFormat::DataBarExpanded;

ZXing::DecodeHints make_hints(ZXing::BarcodeFormats formats, bool try_harder) {
    ZXing::DecodeHints hints;
    hints.setFormats(formats);
    hints.setTryHarder(try_harder);
    hints.setTryRotate(try_harder);
    hints.setMaxNumberOfSymbols(1);  // never the multi-result merge that asserts
    return hints;
}

bool is_matrix(const DecodedSymbol& symbol) {
    return symbol.format == "DataMatrix" || symbol.format == "QRCode";
}

std::optional<DecodedSymbol> read_one(const cv::Mat& grey, const ZXing::DecodeHints& hints, float scale,
                                      float offset_x, float offset_y) {
    if (grey.empty() || grey.cols < 8 || grey.rows < 8) return std::nullopt;
    const ZXing::ImageView image(grey.data, grey.cols, grey.rows, ZXing::ImageFormat::Lum,
                                 static_cast<int>(grey.step));
    ZXing::Result result;
    try {
        result = ZXing::ReadBarcode(image, hints);
    } catch (const std::exception&) {
        return std::nullopt;  // one bad frame must not take the kiosk down; the next one gets a try
    }
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

void add_unique(std::vector<DecodedSymbol>& found, const DecodedSymbol& symbol) {
    if (std::none_of(found.begin(), found.end(),
                     [&](const DecodedSymbol& u) { return same_symbol(u, symbol); }))
        found.push_back(symbol);
}

cv::Rect clamp_rect(cv::Rect rect, int width, int height) {
    return rect & cv::Rect(0, 0, width, height);
}

cv::Rect to_rect(const Region& region) {
    return {region.x, region.y, region.width, region.height};
}
Region to_region(const cv::Rect& rect) {
    return {rect.x, rect.y, rect.width, rect.height};
}

cv::Rect grow(const cv::Rect& rect, double factor, int pixels) {
    const int dx = static_cast<int>(rect.width * factor) + pixels;
    const int dy = static_cast<int>(rect.height * factor) + pixels;
    return {rect.x - dx, rect.y - dy, rect.width + 2 * dx, rect.height + 2 * dy};
}

bool is_linear_format(const std::string& format) {
    return format != "DataMatrix" && format != "QRCode";
}

// A linear symbol's position is its scan line; the bars extend on both sides of it.
cv::Rect bounds_of(const DecodedSymbol& symbol) {
    std::vector<cv::Point2f> points;
    for (const Point& p : symbol.corners) points.emplace_back(p.x, p.y);
    if (is_linear_format(symbol.format)) {
        // (-along.y, along.x) is as long as the line: bars reach about 0.15 of that on each side.
        const cv::Point2f along = points[1] - points[0];
        const cv::Point2f across = cv::Point2f(-along.y, along.x) * 0.15f;
        for (const Point& p : symbol.corners) {
            points.emplace_back(p.x + across.x, p.y + across.y);
            points.emplace_back(p.x - across.x, p.y - across.y);
        }
    }
    const cv::Rect box = cv::boundingRect(points);
    return {box.x, box.y, std::max(1, box.width), std::max(1, box.height)};
}

double scan_line_length(const DecodedSymbol& symbol) {
    return std::hypot(symbol.corners[1].x - symbol.corners[0].x, symbol.corners[1].y - symbol.corners[0].y);
}

// The direction of a linear symbol's scan line in the frame, as linear_tilt_degrees measures it.
double scan_line_degrees(const DecodedSymbol& symbol) {
    const double dx = symbol.corners[1].x - symbol.corners[0].x,
                 dy = symbol.corners[1].y - symbol.corners[0].y;
    double degrees = std::atan2(dy, dx) * 180.0 / CV_PI;
    if (degrees > 90) degrees -= 180;
    if (degrees <= -90) degrees += 180;
    return degrees;
}

// The tilt of a linear symbol's bars, from the structure tensor of the crop's gradients: across a
// linear symbol nearly every gradient points the same way (high coherence), across a DataMatrix, text
// or clutter they do not. zxing 1.4 reads linear symbols along rows (and columns with tryRotate), so
// one tilted more than about 10° is never read unless it is turned straight first. Returns the
// gradients' direction in degrees (0 = bars upright), or nothing when the crop does not look linear.
std::optional<double> linear_tilt_degrees(const cv::Mat& crop) {
    cv::Mat sampled = crop;
    if (crop.total() >
        120000)  // every other pixel still shows which way the bars run, at a quarter of the cost
        cv::resize(crop, sampled, cv::Size(), 0.5, 0.5, cv::INTER_NEAREST);
    cv::Mat gx, gy;
    cv::Sobel(sampled, gx, CV_32F, 1, 0);
    cv::Sobel(sampled, gy, CV_32F, 0, 1);
    const double jxx = gx.dot(gx), jyy = gy.dot(gy), jxy = gx.dot(gy);
    const double trace = jxx + jyy;
    if (trace <= 0) return std::nullopt;
    const double coherence = std::sqrt((jxx - jyy) * (jxx - jyy) + 4 * jxy * jxy) / trace;
    if (coherence < 0.55) return std::nullopt;
    return 0.5 * std::atan2(2 * jxy, jxx - jyy) * 180.0 / CV_PI;
}

// Where zxing's points in a transformed crop lie in the frame.
DecodedSymbol to_frame(DecodedSymbol symbol, const cv::Matx23d& crop_to_frame) {
    for (Point& p : symbol.corners) {
        const cv::Vec3d local(p.x, p.y, 1);
        const cv::Vec2d mapped = crop_to_frame * local;
        p.x = static_cast<float>(mapped[0]);
        p.y = static_cast<float>(mapped[1]);
    }
    return symbol;
}

const ZXing::DecodeHints& upright_linear_hints() {
    static const ZXing::DecodeHints hints = make_hints(kLinearFormats, false).setMinLineCount(3);
    return hints;
}

// Decodes one crop of the full-resolution image. Small crops are enlarged: zxing's DataMatrix detector
// wants a few pixels per module, and a pack's symbol is often 10-14 px per module at most.
std::optional<DecodedSymbol> read_crop(const cv::Mat& full, cv::Rect rect, const ZXing::DecodeHints& hints) {
    rect = clamp_rect(rect, full.cols, full.rows);
    if (rect.width < 12 || rect.height < 12) return std::nullopt;
    const cv::Mat crop = full(rect);
    const int shorter = std::min(rect.width, rect.height);
    if (shorter < 100) {
        const double factor = shorter < 50 ? 3.0 : 2.0;
        cv::Mat enlarged;
        cv::resize(crop, enlarged, cv::Size(), factor, factor, cv::INTER_LINEAR);
        return read_one(enlarged, hints, static_cast<float>(1.0 / factor), static_cast<float>(rect.x),
                        static_cast<float>(rect.y));
    }
    if (shorter > 700) {  // plenty of pixels: decode a half-size copy instead
        cv::Mat reduced;
        cv::resize(crop, reduced, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
        return read_one(reduced, hints, 2.f, static_cast<float>(rect.x), static_cast<float>(rect.y));
    }
    // A copy keeps the crop contiguous, which zxing's row scans like.
    return read_one(crop.clone(), hints, 1.f, static_cast<float>(rect.x), static_cast<float>(rect.y));
}

bool needs_straightening(double tilt) {
    return std::abs(tilt) > 8 && std::abs(tilt) < 82;
}

// A tilted linear symbol, read from an upright band cut out of the frame around it: `centre` and
// `tilt` (degrees, see linear_tilt_degrees) place the band, `along` and `across` are its size in frame
// pixels. Only the band's pixels are interpolated, so this costs little more than an upright crop.
std::optional<DecodedSymbol> read_upright_band(const cv::Mat& full, cv::Point2f centre, double tilt,
                                               double along, double across) {
    // Thin bars need a few pixels each after interpolation: enlarge a small symbol.
    const double factor = along < 300 ? 2.0 : 1.0;
    const int out_w = static_cast<int>(along * factor) + 32,
              out_h = std::max(40, static_cast<int>(across * factor));
    if (out_w > 4000 || out_h > 4000) return std::nullopt;
    cv::Matx23d to_band = cv::getRotationMatrix2D(centre, tilt, factor);
    to_band(0, 2) += out_w / 2.0 - centre.x;
    to_band(1, 2) += out_h / 2.0 - centre.y;
    cv::Mat upright;
    cv::warpAffine(full, upright, to_band, cv::Size(out_w, out_h), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const auto symbol = read_one(upright, upright_linear_hints(), 1.f, 0.f, 0.f);
    if (!symbol) return std::nullopt;
    cv::Matx23d to_frame_m;
    cv::invertAffineTransform(to_band, to_frame_m);
    return to_frame(*symbol, to_frame_m);
}

const ZXing::DecodeHints& crop_hints() {
    // Three agreeing scan lines for a linear symbol: without tryHarder a crop gets few lines, and two
    // were seen to agree on a wrong EAN with a valid check digit.
    static const ZXing::DecodeHints hints =
        make_hints(kMatrixFormats | kLinearFormats, false).setMinLineCount(3);
    return hints;
}

// A tracked symbol is re-read with its own format only: scanning a DataMatrix's crop for every linear
// format as well roughly doubles the cost of following it.
const ZXing::DecodeHints& track_hints(const std::string& format) {
    static const ZXing::DecodeHints matrix = make_hints(ZXing::BarcodeFormat::DataMatrix, false);
    static const ZXing::DecodeHints qr = make_hints(ZXing::BarcodeFormat::QRCode, false);
    static const ZXing::DecodeHints linear = make_hints(kLinearFormats, false).setMinLineCount(3);
    if (format == "DataMatrix") return matrix;
    if (format == "QRCode") return qr;
    return linear;
}

// A new candidate region: a tilted linear symbol is turned upright, anything else is read as it is.
std::optional<DecodedSymbol> read_candidate(const cv::Mat& full, cv::Rect rect) {
    rect = clamp_rect(rect, full.cols, full.rows);
    if (rect.width < 12 || rect.height < 12) return std::nullopt;
    if (const auto tilt = linear_tilt_degrees(full(rect)); tilt && needs_straightening(*tilt)) {
        const double c = std::abs(std::cos(*tilt * CV_PI / 180)), s = std::abs(std::sin(*tilt * CV_PI / 180));
        const cv::Point2f centre(static_cast<float>(rect.x) + static_cast<float>(rect.width) / 2,
                                 static_cast<float>(rect.y) + static_cast<float>(rect.height) / 2);
        return read_upright_band(full, centre, *tilt, rect.width * c + rect.height * s,
                                 rect.width * s + rect.height * c);
    }
    return read_crop(full, rect, crop_hints());
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

}  // namespace

std::vector<Region> find_candidate_regions(const std::uint8_t* pixels, int width, int height, int stride,
                                           int max_regions) {
    std::vector<Region> regions;
    if (!pixels || width < 16 || height < 16 || max_regions <= 0) return regions;
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        // About 640 px wide: a pharma DataMatrix module of 3 px in the frame keeps about one pixel there.
        const int factor = std::max(1, width / 640);
        cv::Mat small;
        if (factor > 1)
            cv::resize(full, small, cv::Size(width / factor, height / factor), 0, 0, cv::INTER_AREA);
        else
            small = full;
        // Barcodes are where strong light/dark edges are dense: morphological gradient, threshold,
        // then close so the modules of one symbol merge into one blob.
        cv::Mat gradient, mask;
        static const cv::Mat kCross = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
        cv::morphologyEx(small, gradient, cv::MORPH_GRADIENT, kCross);
        cv::threshold(gradient, mask, 60, 255, cv::THRESH_BINARY);
        static const cv::Mat kClose = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5));
        cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, kClose);
        cv::erode(mask, mask, kCross);  // drop thin lines (edges of boxes, text strokes)
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
        struct Scored {
            cv::Rect rect;
            double score;
        };
        std::vector<Scored> scored;
        const double frame_area = static_cast<double>(small.cols) * small.rows;
        for (const auto& contour : contours) {
            const cv::Rect box = cv::boundingRect(contour);
            const double area = static_cast<double>(box.width) * box.height;
            if (box.width < 8 || box.height < 6 || area > 0.5 * frame_area) continue;
            // Judged by the blob's rotated rectangle, so a tilted symbol counts as fully as an upright one.
            const cv::RotatedRect rotated = cv::minAreaRect(contour);
            const double rotated_area = std::max(1.0, static_cast<double>(rotated.size.area()));
            const double blob_area = cv::contourArea(contour);
            const double fill = blob_area / rotated_area;
            if (fill < 0.35) continue;
            const double shorter = std::max(1.0f, std::min(rotated.size.width, rotated.size.height));
            const double aspect = std::max(rotated.size.width, rotated.size.height) / shorter;
            if (aspect > 8) continue;
            scored.push_back({box, blob_area});
        }
        std::sort(scored.begin(), scored.end(),
                  [](const Scored& a, const Scored& b) { return a.score > b.score; });
        for (const Scored& s : scored) {
            if (static_cast<int>(regions.size()) >= max_regions) break;
            const cv::Rect rect(s.rect.x * factor, s.rect.y * factor, s.rect.width * factor,
                                s.rect.height * factor);
            regions.push_back(to_region(rect));
        }
    } catch (const cv::Exception&) {
        regions.clear();
    }
    return regions;
}

Decoder::Decoder(DecoderOptions options) : options_(options) {}

std::vector<DecodedSymbol> Decoder::decode_grey(const std::uint8_t* pixels, int width, int height,
                                                int stride) const {
    std::vector<DecodedSymbol> found;
    if (!pixels || width <= 0 || height <= 0 || stride < width) return found;
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        // One matrix and one linear pass: a single-symbol read per pass can still report a pack that
        // carries both a DataMatrix and an EAN-13.
        static const auto matrix_hints_hard = make_hints(kMatrixFormats, true);
        static const auto linear_hints_hard = make_hints(kLinearFormats, true);
        static const auto matrix_hints_fast = make_hints(kMatrixFormats, false);
        static const auto linear_hints_fast = make_hints(kLinearFormats, false);
        const auto& matrix_hints = options_.try_harder ? matrix_hints_hard : matrix_hints_fast;
        const auto& linear_hints = options_.try_harder ? linear_hints_hard : linear_hints_fast;
        if (auto symbol = read_one(full, matrix_hints, 1.f, 0.f, 0.f)) add_unique(found, *symbol);
        if (auto symbol = read_one(full, linear_hints, 1.f, 0.f, 0.f)) add_unique(found, *symbol);

        const bool matrix_found = std::any_of(found.begin(), found.end(), is_matrix);
        std::vector<Region> candidates;
        if (!matrix_found && options_.search_regions)
            candidates = find_candidate_regions(pixels, width, height, stride, options_.max_candidates);
        if (!matrix_found && options_.search_regions && height >= 60) {
            // Candidate regions first: cheap, and they find a symbol wherever it is.
            static const auto candidate_hints = make_hints(kMatrixFormats, false);
            for (const Region& region : candidates) {
                const cv::Rect rect = grow(to_rect(region), 0.2, 8);
                if (auto symbol = read_crop(full, rect, candidate_hints)) {
                    add_unique(found, *symbol);
                    break;
                }
            }
        }
        if (!std::any_of(found.begin(), found.end(), is_matrix) && options_.search_regions && height >= 60) {
            // Bands a third of the height, stepping by a twelfth: every band has its own centre line,
            // so a symbol at least 1/12 of the frame high crosses one of them.
            cv::Mat work = full;
            float scale = 1.f;
            if (width > 1400) {
                scale = static_cast<float>(width) / 1280.f;
                cv::resize(full, work,
                           cv::Size(1280, static_cast<int>(std::lround(static_cast<float>(height) / scale))),
                           0, 0, cv::INTER_AREA);
            }
            static const auto band_hints = make_hints(ZXing::BarcodeFormat::DataMatrix, false);
            const int band_height = std::max(40, work.rows / 3);
            const int step = std::max(10, work.rows / 12);
            for (int top = 0; top + band_height / 2 < work.rows; top += step) {
                const int rows = std::min(band_height, work.rows - top);
                if (auto symbol = read_one(work.rowRange(top, top + rows), band_hints, scale, 0.f,
                                           static_cast<float>(top) * scale)) {
                    add_unique(found, *symbol);
                    break;
                }
            }
        }
        if (found.empty() && options_.search_regions) {
            // Last resort, on the likeliest region only: a worn or dot-printed DataMatrix whose modules
            // do not touch. Enlarged and blurred, its modules merge into the solid L-shaped finder
            // pattern zxing's detector looks for.
            cv::Rect rect = candidates.empty() ? cv::Rect(0, 0, width, height)
                                               : grow(to_rect(candidates.front()), 0.2, 8);
            rect = clamp_rect(rect, width, height);
            if (rect.area() <= 400 * 400 && rect.width >= 24 && rect.height >= 24) {
                static const auto merged_hints = make_hints(ZXing::BarcodeFormat::DataMatrix, true);
                cv::Mat merged;
                cv::resize(full(rect), merged, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
                cv::GaussianBlur(merged, merged, cv::Size(0, 0), 2.0);
                if (auto symbol = read_one(merged, merged_hints, 0.5f, static_cast<float>(rect.x),
                                           static_cast<float>(rect.y)))
                    add_unique(found, *symbol);
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

TrackingDecoder::TrackingDecoder(TrackingOptions options) : options_(options) {}

std::vector<Region> TrackingDecoder::tracked_regions() const {
    std::vector<Region> regions;
    for (const Track& track : tracks_) regions.push_back(track.region);
    return regions;
}

std::vector<DecodedSymbol> TrackingDecoder::decode_grey(const std::uint8_t* pixels, int width, int height,
                                                        int stride) {
    std::vector<DecodedSymbol> found;
    if (!pixels || width <= 0 || height <= 0 || stride < width) return found;
    ++frames_;
    try {
        const cv::Mat full(height, width, CV_8UC1, const_cast<std::uint8_t*>(pixels),
                           static_cast<std::size_t>(stride));
        std::vector<cv::Rect> covered;
        // 1. Where codes were last frame, allowing for a hand's movement between frames.
        for (Track& track : tracks_) {
            const std::string format = track.key.substr(0, track.key.find('\n'));
            const bool linear = is_linear_format(format);
            // A linear symbol's region is already generous across its bars (see bounds_of).
            const cv::Rect rect = grow(to_rect(track.region), linear ? 0.25 : 0.5, 16);
            // A steep linear symbol: a band along its last scan line, long enough for a hand's movement.
            const cv::Point2f centre(
                static_cast<float>(track.region.x) + static_cast<float>(track.region.width) / 2,
                static_cast<float>(track.region.y) + static_cast<float>(track.region.height) / 2);
            const auto symbol =
                linear && needs_straightening(track.tilt)
                    ? read_upright_band(full, centre, track.tilt, track.line_length * 1.3 + 48,
                                        track.line_length * 0.45 + 32)
                    : read_crop(full, rect, track_hints(format));
            if (symbol) {
                track.region = to_region(clamp_rect(bounds_of(*symbol), width, height));
                track.key = symbol->format + '\n' + symbol->text;
                track.tilt = linear ? scan_line_degrees(*symbol) : 0;
                track.line_length = scan_line_length(*symbol);
                track.misses = 0;
                add_unique(found, *symbol);
                covered.push_back(bounds_of(*symbol));
            } else {
                ++track.misses;
                covered.push_back(clamp_rect(rect, width, height));
            }
        }
        tracks_.erase(
            std::remove_if(tracks_.begin(), tracks_.end(),
                           [&](const Track& t) { return t.misses >= options_.forget_after_misses; }),
            tracks_.end());
        // 2. New codes: a few candidate regions the tracks do not already cover.
        const auto candidates =
            find_candidate_regions(pixels, width, height, stride, options_.max_candidates * 2);
        // Once a code is in hand (followed, or just found), a donor rarely shows a second one at the
        // same moment: look at fewer new regions.
        int tried = 0;
        for (const Region& region : candidates) {
            const int budget = found.empty() ? options_.max_candidates : std::min(1, options_.max_candidates);
            if (tried >= budget) break;
            const cv::Rect rect = to_rect(region);
            const bool inside_track = std::any_of(covered.begin(), covered.end(), [&](const cv::Rect& c) {
                return (c & rect).area() > rect.area() / 2;
            });
            if (inside_track) continue;
            ++tried;
            if (auto symbol = read_candidate(full, grow(rect, 0.2, 8))) {
                const bool known = std::any_of(found.begin(), found.end(), [&](const DecodedSymbol& s) {
                    return same_symbol(s, *symbol);
                });
                if (!known) {
                    tracks_.push_back(Track{to_region(clamp_rect(bounds_of(*symbol), width, height)),
                                            symbol->format + '\n' + symbol->text, 0,
                                            is_matrix(*symbol) ? 0 : scan_line_degrees(*symbol),
                                            scan_line_length(*symbol)});
                    add_unique(found, *symbol);
                }
                covered.push_back(bounds_of(*symbol));
            }
        }
        // 3. Now and then, a plain centre-line pass for a symbol too big or too faint for the finder.
        if (found.empty() && options_.full_search_every > 0 &&
            frames_ % static_cast<std::uint64_t>(options_.full_search_every) == 0) {
            cv::Mat half;
            cv::resize(full, half, cv::Size(width / 2, height / 2), 0, 0, cv::INTER_AREA);
            if (auto symbol = read_one(half, crop_hints(), 2.f, 0.f, 0.f)) {
                tracks_.push_back(Track{to_region(clamp_rect(bounds_of(*symbol), width, height)),
                                        symbol->format + '\n' + symbol->text, 0,
                                        is_matrix(*symbol) ? 0 : scan_line_degrees(*symbol),
                                        scan_line_length(*symbol)});
                add_unique(found, *symbol);
            }
        }
    } catch (const std::exception&) {
        tracks_.clear();
    }
    return found;
}

std::vector<DecodedSymbol> TrackingDecoder::decode(const Frame& frame) {
    const cv::Mat grey = grey_of(frame);
    if (grey.empty()) return {};
    return decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
}

}  // namespace medkiosk::scanner
