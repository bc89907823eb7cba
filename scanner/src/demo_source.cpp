// The demo camera: deterministic synthetic frames (same index → same pixels) so tests are reproducible
// and the kiosk can be shown without hardware. The symbols are real, encoded by libzint.

#include "medkiosk/scanner/demo_source.hpp"

#include <zint.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "pacer.hpp"

namespace medkiosk::scanner {

const std::vector<DemoPack>& demo_packs() {
    static const std::vector<DemoPack> packs{
        {"Ibuprofen 400 mg", "gs1-datamatrix", "[01]09501101530003[17]270531[10]AB1234[21]SN7F3K9Q2",
         "0109501101530003172705311"
         "0AB1234\x1d"
         "21SN7F3K9Q2"},
        {"Ganmao Qingre Keli", "ean13", "6901234567892", "6901234567892"},
        {"Amoxicillin 250 mg", "code128", "81234560000123456789", "81234560000123456789"},
    };
    return packs;
}

namespace {

constexpr double kPi = 3.14159265358979323846;

// Renders `pack` with libzint into a grey image with one pixel per module (linear: bar_height rows).
cv::Mat render_symbol(const DemoPack& pack) {
    zint_symbol* symbol = ZBarcode_Create();
    if (!symbol) return {};
    std::string input = pack.content;
    if (pack.symbology == "gs1-datamatrix") {
        symbol->symbology = BARCODE_DATAMATRIX;
        symbol->input_mode = GS1_MODE;
        symbol->option_3 = DM_SQUARE;
    } else if (pack.symbology == "ean13") {
        symbol->symbology = BARCODE_EANX;
        input = input.substr(0, 12);  // zint appends the check digit itself
    } else {
        symbol->symbology = BARCODE_CODE128;
    }
    symbol->scale = 0.5f;  // one pixel per module; we scale with nearest-neighbour ourselves
    symbol->show_hrt = 0;
    symbol->height = 50;
    cv::Mat grey;
    const int status = ZBarcode_Encode_and_Buffer(
        symbol, reinterpret_cast<const unsigned char*>(input.data()), static_cast<int>(input.size()), 0);
    if (status < ZINT_ERROR && symbol->bitmap) {
        const cv::Mat rgb(symbol->bitmap_height, symbol->bitmap_width, CV_8UC3, symbol->bitmap);
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    }
    ZBarcode_Delete(symbol);
    return grey;
}

struct BoxArt {
    cv::Mat image;  // BGR
};

cv::Mat make_background(int width, int height) {
    // A light wooden counter: warm gradient with grain, fixed so only the noise changes per frame.
    cv::Mat background(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        auto* row = background.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x) {
            const double grain =
                10 * std::sin(y * 0.09 + 3 * std::sin(x * 0.004)) + 5 * std::sin(y * 0.31 + x * 0.002);
            const double shade = 0.85 + 0.15 * x / width;
            row[x] = cv::Vec3b(cv::saturate_cast<uchar>((95 + grain) * shade),
                               cv::saturate_cast<uchar>((140 + grain) * shade),
                               cv::saturate_cast<uchar>((185 + grain) * shade));
        }
    }
    return background;
}

cv::Mat make_box(const DemoPack& pack, std::size_t index, int frame_width, int frame_height) {
    static const std::array<cv::Scalar, 3> kColours{cv::Scalar(170, 90, 30), cv::Scalar(40, 60, 190),
                                                    cv::Scalar(60, 140, 60)};
    const int box_width = static_cast<int>(frame_width * 0.46);
    const int box_height = static_cast<int>(frame_height * 0.52);
    cv::Mat box(box_height, box_width, CV_8UC3, kColours[index % kColours.size()]);
    const int margin = std::max(4, box_width / 30);
    const cv::Rect label(margin, box_height / 4, box_width - 2 * margin, box_height * 3 / 4 - margin);
    cv::rectangle(box, label, cv::Scalar(250, 250, 250), cv::FILLED);

    const double title_scale = box_height / 220.0;
    cv::putText(box, pack.label, cv::Point(margin, box_height / 6), cv::FONT_HERSHEY_SIMPLEX, title_scale,
                cv::Scalar(255, 255, 255), std::max(1, static_cast<int>(title_scale * 2)), cv::LINE_AA);

    cv::Mat symbol = render_symbol(pack);
    if (symbol.empty()) return box;
    // Integer module size so every module keeps sharp edges before the blur of the "camera".
    const int room_w = label.width - 2 * margin;
    const int room_h = label.height - 2 * margin - box_height / 10;
    const bool matrix = pack.symbology == "gs1-datamatrix";
    int factor = std::max(1, std::min(room_w / symbol.cols, room_h / symbol.rows));
    if (matrix) factor = std::min(factor, std::max(3, frame_height / 110));
    cv::Mat scaled;
    cv::resize(symbol, scaled, cv::Size(symbol.cols * factor, std::min(symbol.rows * factor, room_h)), 0, 0,
               cv::INTER_NEAREST);
    if (!matrix) scaled = scaled.rowRange(0, std::min(scaled.rows, std::max(room_h * 2 / 3, 20)));
    cv::Mat scaled_bgr;
    cv::cvtColor(scaled, scaled_bgr, cv::COLOR_GRAY2BGR);
    const int x = matrix ? label.x + margin : label.x + (label.width - scaled.cols) / 2;
    const int y = label.y + margin;
    scaled_bgr.copyTo(box(cv::Rect(x, y, scaled.cols, scaled.rows)));

    const double text_scale = box_height / 420.0;
    const int text_y = std::min(label.y + label.height - margin, y + scaled.rows + box_height / 12);
    const std::string caption = matrix ? "EXP 05/2027  LOT AB1234" : pack.content;
    if (matrix) {
        cv::putText(box, "GTIN 09501101530003", cv::Point(x + scaled.cols + margin, y + scaled.rows / 3),
                    cv::FONT_HERSHEY_SIMPLEX, text_scale, cv::Scalar(30, 30, 30), 1, cv::LINE_AA);
        cv::putText(box, "SN SN7F3K9Q2", cv::Point(x + scaled.cols + margin, y + scaled.rows * 2 / 3),
                    cv::FONT_HERSHEY_SIMPLEX, text_scale, cv::Scalar(30, 30, 30), 1, cv::LINE_AA);
    }
    cv::putText(box, caption, cv::Point(label.x + margin, text_y), cv::FONT_HERSHEY_SIMPLEX, text_scale,
                cv::Scalar(30, 30, 30), 1, cv::LINE_AA);
    return box;
}

double ease(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3 - 2 * t);
}

class DemoSource final : public FrameSource {
  public:
    explicit DemoSource(const DemoOptions& options)
        : options_(options), pacer_(options.pace ? (options.fps > 0 ? options.fps : 30) : 0) {
        options_.width = std::max(options_.width, 160);
        options_.height = std::max(options_.height, 120);
        options_.frames_per_pack = std::max(options_.frames_per_pack, 10);
        // Drawn in BGR as OpenCV's colours are written, turned to RGB once here rather than every frame.
        cv::cvtColor(make_background(options_.width, options_.height), background_, cv::COLOR_BGR2RGB);
        for (std::size_t i = 0; i < demo_packs().size(); ++i) {
            cv::Mat box;
            cv::cvtColor(make_box(demo_packs()[i], i, options_.width, options_.height), box,
                         cv::COLOR_BGR2RGB);
            boxes_.push_back(box);
        }
    }

    std::optional<Frame> next() override {
        try {
            pacer_.wait();
            const cv::Mat rgb = render(index_);
            Frame frame;
            frame.width = rgb.cols;
            frame.height = rgb.rows;
            frame.rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
            frame.sequence = ++index_;
            frame.captured = std::chrono::steady_clock::now();
            return frame;
        } catch (const cv::Exception& e) {
            error_ = std::string("demo source failed: ") + e.what();
            return std::nullopt;
        }
    }
    std::string error() const override { return error_; }
    std::string name() const override { return "demo"; }

  private:
    cv::Mat render(std::uint64_t index) const {
        const int width = options_.width, height = options_.height;
        const std::uint64_t per_pack = static_cast<std::uint64_t>(options_.frames_per_pack);
        const std::size_t pack = static_cast<std::size_t>((index / per_pack) % boxes_.size());
        const double phase = static_cast<double>(index % per_pack) / static_cast<double>(per_pack);
        const cv::Mat& box = boxes_[pack];

        // Slide in from the left, hold, drift down-right, slide out to the right.
        const double off_left = -box.cols * 0.8, centre_x = width * 0.5, off_right = width + box.cols * 0.8;
        double cx = centre_x, cy = height * 0.5;
        if (phase < 0.2) {
            cx = off_left + (centre_x - off_left) * ease(phase / 0.2);
        } else if (phase < 0.55) {
            cx = centre_x + 3 * std::sin(phase * 40);
            cy = height * 0.5 + 2 * std::cos(phase * 33);
        } else if (phase < 0.8) {
            const double t = ease((phase - 0.55) / 0.25);
            cx = centre_x + width * 0.06 * t;
            cy = height * (0.5 + 0.14 * t);
        } else {
            const double t = ease((phase - 0.8) / 0.2);
            cx = centre_x + width * 0.06 + (off_right - centre_x) * t;
            cy = height * 0.64;
        }
        static constexpr std::array<double, 3> kTilt{-4.0, 3.0, 5.0};
        const double angle = kTilt[pack % kTilt.size()] + std::sin(phase * 2 * kPi);

        cv::Mat transform = cv::getRotationMatrix2D(
            cv::Point2f(static_cast<float>(box.cols) / 2.f, static_cast<float>(box.rows) / 2.f), angle, 1.0);
        transform.at<double>(0, 2) += cx - box.cols / 2.0;
        transform.at<double>(1, 2) += cy - box.rows / 2.0;
        cv::Mat frame = background_.clone();
        // Only the box's bounding rectangle is warped: whole-frame scratch images cost several MB a frame.
        const std::vector<cv::Point2f> box_corners{
            {0, 0},
            {static_cast<float>(box.cols), 0},
            {static_cast<float>(box.cols), static_cast<float>(box.rows)},
            {0, static_cast<float>(box.rows)}};
        std::vector<cv::Point2f> placed;
        cv::transform(box_corners, placed, transform);
        const cv::Rect area = (cv::boundingRect(placed) + cv::Size(2, 2)) & cv::Rect(0, 0, width, height);
        if (area.width > 0 && area.height > 0) {
            transform.at<double>(0, 2) -= area.x;
            transform.at<double>(1, 2) -= area.y;
            cv::Mat warped, mask;
            cv::warpAffine(box, warped, transform, area.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
            cv::warpAffine(cv::Mat(box.size(), CV_8UC1, cv::Scalar(255)), mask, transform, area.size(),
                           cv::INTER_NEAREST, cv::BORDER_CONSTANT);
            cv::Mat target = frame(area);
            warped.copyTo(target, mask);
        }

        // A cheap camera: slight defocus and sensor noise, seeded by the index for reproducibility.
        cv::GaussianBlur(frame, frame, cv::Size(5, 5), 0.9);
        cv::RNG rng(0x5eed0000ULL + index);
        noise_.create(frame.size(), CV_8SC3);
        rng.fill(noise_, cv::RNG::NORMAL, 0, 4);
        cv::add(frame, noise_, frame, cv::noArray(), CV_8U);
        return frame;
    }

    DemoOptions options_;
    detail::Pacer pacer_;
    cv::Mat background_;          // RGB
    std::vector<cv::Mat> boxes_;  // RGB
    mutable cv::Mat noise_;       // reused every frame
    std::uint64_t index_ = 0;
    std::string error_;
};

}  // namespace

std::unique_ptr<FrameSource> make_demo_source(const DemoOptions& options) {
    return std::make_unique<DemoSource>(options);
}

}  // namespace medkiosk::scanner
