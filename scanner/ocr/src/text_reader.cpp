#include "medkiosk/scanner/ocr/text_reader.hpp"

#include <tesseract/baseapi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace medkiosk::scanner::ocr {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<std::string> split_languages(const std::string& languages) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= languages.size()) {
        std::size_t end = languages.find('+', start);
        if (end == std::string::npos) end = languages.size();
        if (end > start) names.push_back(languages.substr(start, end - start));
        start = end + 1;
    }
    return names;
}

std::string missing_language(const fs::path& dir, const std::vector<std::string>& names) {
    std::error_code ec;
    for (const auto& name : names)
        if (!fs::is_regular_file(dir / (name + ".traineddata"), ec)) return name;
    return {};
}

// Work size for finding lines: text on a box at arm's length stays ≥ 10 px tall at this width.
constexpr int kLocateWidth = 960;
// Tesseract's LSTM models read best with lines about this tall.
constexpr int kLineHeight = 40;

// The tilt of the text lines, in degrees (image y axis down), within ±kMaxSkew: the angle whose
// projection of edge pixels onto the perpendicular gives the sharpest row profile. Lines of text
// give a comb of peaks at their own angle; background clutter has no preferred direction.
constexpr double kMaxSkew = 35;

double profile_sharpness(const std::vector<cv::Point>& points, double degrees, int bins, double offset) {
    const double radians = degrees * CV_PI / 180.0;
    const double c = std::cos(radians), s = std::sin(radians);
    std::vector<int> histogram(static_cast<std::size_t>(bins), 0);
    for (const auto& p : points) {
        const int bin = static_cast<int>(p.y * c - p.x * s + offset);
        if (bin >= 0 && bin < bins) ++histogram[static_cast<std::size_t>(bin)];
    }
    double sum_of_squares = 0;
    for (int count : histogram) sum_of_squares += static_cast<double>(count) * count;
    return sum_of_squares;
}

double estimate_skew(const cv::Mat& small_grey) {
    cv::Mat quarter, gradient, mask;
    cv::resize(small_grey, quarter, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    cv::morphologyEx(quarter, gradient, cv::MORPH_GRADIENT,
                     cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    cv::threshold(gradient, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    std::vector<cv::Point> points;
    cv::findNonZero(mask, points);
    if (points.size() < 50) return 0;
    const int bins = quarter.cols + quarter.rows;
    const double offset = quarter.cols;  // y·cos − x·sin ranges over about [−cols, rows]
    auto best_in = [&](double from, double to, double step) {
        double best_angle = 0, best_score = -1;
        for (double angle = from; angle <= to + 1e-9; angle += step) {
            const double score = profile_sharpness(points, angle, bins, offset);
            if (score > best_score) {
                best_score = score;
                best_angle = angle;
            }
        }
        return best_angle;
    };
    const double coarse = best_in(-kMaxSkew, kMaxSkew, 1.0);
    return best_in(coarse - 1.0, coarse + 1.0, 0.25);
}

std::vector<cv::Rect> find_line_boxes(const cv::Mat& small_grey) {
    cv::Mat gradient, mask;
    cv::morphologyEx(small_grey, gradient, cv::MORPH_GRADIENT,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
    cv::threshold(gradient, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    // Join the characters of one line, not the lines above and below it.
    cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {13, 3}));
    cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {5, 3}));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<cv::Rect> boxes;
    for (const auto& contour : contours) {
        const cv::Rect box = cv::boundingRect(contour);
        if (box.height < 7 || box.height > 48 || box.width < 2 * box.height || box.width < 30) continue;
        const double fill = cv::contourArea(contour) / box.area();
        if (fill < 0.4) continue;
        boxes.push_back(box);
    }
    return boxes;
}

}  // namespace

struct TextReader::Engine {
    tesseract::TessBaseAPI api;
};

std::string TextLines::joined() const {
    std::string text;
    for (const auto& line : lines) {
        if (!text.empty()) text += '\n';
        text += line;
    }
    return text;
}

TessdataLookup find_tessdata_dir(const std::string& languages) {
    const std::vector<std::string> names = split_languages(languages);
    if (names.empty()) return {{}, "no OCR language given (expected e.g. chi_sim+eng)"};
    std::error_code ec;
    if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) {
        for (const fs::path& dir : {fs::path(prefix), fs::path(prefix) / "tessdata"}) {
            if (fs::is_directory(dir, ec) && missing_language(dir, names).empty()) return {dir.string(), {}};
        }
        return {{},
                std::string("TESSDATA_PREFIX=") + prefix + " has no " + missing_language(prefix, names) +
                    ".traineddata (nor its tessdata/ folder); unset it or point it at the folder with " +
                    languages};
    }
    const fs::path debian_root = "/usr/share/tesseract-ocr";
    std::vector<fs::path> candidates;
    for (fs::directory_iterator it(debian_root, ec), end; !ec && it != end; it.increment(ec))
        candidates.push_back(it->path() / "tessdata");
    std::sort(candidates.rbegin(), candidates.rend());  // newest version folder first
    for (const auto& dir : candidates)
        if (missing_language(dir, names).empty()) return {dir.string(), {}};
    std::string missing;
    for (const auto& name : names)
        missing += " tesseract-ocr-" + std::string(name == "chi_sim" ? "chi-sim" : name);
    return {{},
            "no Tesseract language data for " + languages + " under " + debian_root.string() +
                "/*/tessdata; install the Debian packages" + missing + " or set TESSDATA_PREFIX"};
}

TextReader::TextReader(std::unique_ptr<Engine> engine, TextReaderOptions options)
    : engine_(std::move(engine)), options_(std::move(options)) {}

TextReader::~TextReader() {
    if (engine_) engine_->api.End();
}

TextReader::Opened TextReader::open(const TextReaderOptions& options) {
    TextReaderOptions resolved = options;
    if (resolved.tessdata_dir.empty()) {
        TessdataLookup lookup = find_tessdata_dir(options.languages);
        if (!lookup.error.empty()) return {nullptr, lookup.error};
        resolved.tessdata_dir = lookup.dir;
    }
    auto engine = std::make_unique<Engine>();
    // Tesseract prints warnings to stderr; the kiosk's log is not the place for per-frame chatter.
    engine->api.SetVariable("debug_file", "/dev/null");
    if (engine->api.Init(resolved.tessdata_dir.c_str(), resolved.languages.c_str(),
                         tesseract::OEM_LSTM_ONLY) != 0)
        return {nullptr, "Tesseract could not load " + resolved.languages + " from " + resolved.tessdata_dir +
                             " (damaged or incompatible .traineddata?)"};
    engine->api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    engine->api.SetVariable("user_defined_dpi", "300");
    return {std::unique_ptr<TextReader>(new TextReader(std::move(engine), std::move(resolved))), {}};
}

TextLines TextReader::read(const Frame& frame, const std::function<bool()>& cancelled) {
    TextLines result;
    if (frame.width <= 0 || frame.height <= 0 ||
        frame.rgb.size() < static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) * 3)
        return result;
    const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.rgb.data()));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    return read(GreyImage{grey.cols, grey.rows, grey.data, grey.step}, cancelled);
}

TextLines TextReader::read(const GreyImage& image, const std::function<bool()>& cancelled) {
    TextLines result;
    if (!image.pixels || image.width < 32 || image.height < 32) return result;
    const auto locate_start = Clock::now();
    const cv::Mat grey(image.height, image.width, CV_8U, const_cast<std::uint8_t*>(image.pixels),
                       image.stride);

    const double shrink = std::min(1.0, static_cast<double>(kLocateWidth) / image.width);
    cv::Mat small;
    cv::resize(grey, small, cv::Size(), shrink, shrink, cv::INTER_AREA);
    result.skew_degrees = estimate_skew(small);

    // Rotate both copies so text lines run horizontally; the canvas grows to keep the corners.
    auto rotation_for = [&](const cv::Mat& img, cv::Size& out_size) {
        const cv::Point2f centre(static_cast<float>(img.cols) / 2.0f, static_cast<float>(img.rows) / 2.0f);
        cv::Mat rotation = cv::getRotationMatrix2D(centre, result.skew_degrees, 1.0);
        const cv::Rect2f bounds =
            cv::RotatedRect(centre, img.size(), static_cast<float>(result.skew_degrees)).boundingRect2f();
        rotation.at<double>(0, 2) += bounds.width / 2.0 - centre.x;
        rotation.at<double>(1, 2) += bounds.height / 2.0 - centre.y;
        out_size = cv::Size(static_cast<int>(bounds.width), static_cast<int>(bounds.height));
        return rotation;
    };
    cv::Size small_size, full_size;
    const cv::Mat small_rotation = rotation_for(small, small_size);
    const cv::Mat full_rotation = rotation_for(grey, full_size);
    cv::Mat small_level, full_level;
    cv::warpAffine(small, small_level, small_rotation, small_size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);

    std::vector<cv::Rect> boxes = find_line_boxes(small_level);
    result.candidates = static_cast<int>(boxes.size());
    // Titles are printed far bigger than the dates and cost the most to recognise: skip lines much
    // taller than the typical one.
    if (boxes.size() >= 3) {
        std::vector<int> heights;
        for (const auto& box : boxes) heights.push_back(box.height);
        std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                         heights.end());
        const int typical = heights[heights.size() / 2];
        std::erase_if(boxes, [&](const cv::Rect& box) { return box.height > typical * 8 / 5; });
    }
    // With more candidates than the time budget allows, the largest are the likeliest real lines.
    std::sort(boxes.begin(), boxes.end(),
              [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
    if (static_cast<int>(boxes.size()) > options_.max_lines)
        boxes.resize(static_cast<std::size_t>(options_.max_lines));
    std::sort(boxes.begin(), boxes.end(),
              [](const cv::Rect& a, const cv::Rect& b) { return a.y < b.y || (a.y == b.y && a.x < b.x); });

    if (!boxes.empty())
        cv::warpAffine(grey, full_level, full_rotation, full_size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    result.locate_ms = ms_since(locate_start);

    const auto recognise_start = Clock::now();
    const double grow = 1.0 / shrink;
    const cv::Rect full_bounds(0, 0, full_level.cols, full_level.rows);
    for (const cv::Rect& box : boxes) {
        const int pad = std::max(4, static_cast<int>(box.height * grow * 0.3));
        cv::Rect full_box(static_cast<int>(box.x * grow) - pad, static_cast<int>(box.y * grow) - pad,
                          static_cast<int>(box.width * grow) + 2 * pad,
                          static_cast<int>(box.height * grow) + 2 * pad);
        full_box &= full_bounds;
        if (full_box.area() <= 0) continue;
        if (cancelled && cancelled()) break;
        cv::Mat line;
        const double to_line = static_cast<double>(kLineHeight) / full_box.height;
        cv::resize(full_level(full_box), line, cv::Size(), to_line, to_line,
                   to_line > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
        cv::threshold(line, line, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        // Tesseract wants dark text on light ground; light-on-dark lines (headers on a band) get flipped.
        if (static_cast<std::size_t>(cv::countNonZero(line)) < line.total() / 2) cv::bitwise_not(line, line);
        cv::copyMakeBorder(line, line, 8, 8, 8, 8, cv::BORDER_CONSTANT, cv::Scalar(255));
        engine_->api.SetImage(line.data, line.cols, line.rows, 1, static_cast<int>(line.step));
        std::unique_ptr<char[]> text(engine_->api.GetUTF8Text());
        std::string recognised = text ? text.get() : "";
        while (!recognised.empty() && (recognised.back() == '\n' || recognised.back() == ' '))
            recognised.pop_back();
        if (!recognised.empty()) result.lines.push_back(std::move(recognised));
    }
    result.recognise_ms = ms_since(recognise_start);
    return result;
}

}  // namespace medkiosk::scanner::ocr
