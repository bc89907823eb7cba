#include "synthetic_codes.hpp"

#include <zint.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>

namespace medkiosk::test {

SyntheticCode gs1_datamatrix_code(const std::string& serial) {
    return {"gs1-datamatrix", "[01]09501101530003[17]270531[10]AB1234[21]" + serial,
            "0109501101530003172705311"
            "0AB1234\x1d"
            "21" +
                serial};
}

SyntheticCode ean13_code(const std::string& twelve_digits) {
    int sum = 0;
    for (std::size_t i = 0; i < 12; ++i) sum += (twelve_digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return {"ean13", twelve_digits, twelve_digits + std::to_string((10 - sum % 10) % 10)};
}

SyntheticCode code128_code(const std::string& data) {
    return {"code128", data, data};
}

SyntheticCode qr_code(const std::string& data) {
    return {"qr", data, data};
}

cv::Mat render_symbol(const SyntheticCode& code) {
    zint_symbol* symbol = ZBarcode_Create();
    if (!symbol) return {};
    if (code.symbology == "gs1-datamatrix") {
        symbol->symbology = BARCODE_DATAMATRIX;
        symbol->input_mode = GS1_MODE;
        symbol->option_3 = DM_SQUARE;
    } else if (code.symbology == "ean13") {
        symbol->symbology = BARCODE_EANX;
    } else if (code.symbology == "qr") {
        symbol->symbology = BARCODE_QRCODE;
        symbol->option_1 = 2;  // error correction M, as the kiosk's own manifest QR
    } else {
        symbol->symbology = BARCODE_CODE128;
    }
    symbol->scale = 0.5f;
    symbol->show_hrt = 0;
    symbol->height = 40;
    cv::Mat grey;
    const int status =
        ZBarcode_Encode_and_Buffer(symbol, reinterpret_cast<const unsigned char*>(code.zint_input.data()),
                                   static_cast<int>(code.zint_input.size()), 0);
    if (status < ZINT_ERROR && symbol->bitmap) {
        const cv::Mat rgb(symbol->bitmap_height, symbol->bitmap_width, CV_8UC3, symbol->bitmap);
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    }
    ZBarcode_Delete(symbol);
    if (grey.empty()) return grey;
    const int quiet = code.symbology == "gs1-datamatrix" ? 2 : code.symbology == "qr" ? 4 : 10;
    cv::copyMakeBorder(grey, grey, quiet, quiet, quiet, quiet, cv::BORDER_CONSTANT, cv::Scalar(255));
    return grey;
}

cv::Mat make_scene(int width, int height, unsigned seed) {
    cv::Mat scene(height, width, CV_8UC1);
    std::mt19937 random(seed);
    for (int y = 0; y < height; ++y) {
        auto* row = scene.ptr<std::uint8_t>(y);
        for (int x = 0; x < width; ++x)
            row[x] = cv::saturate_cast<std::uint8_t>(120 + 25 * std::sin(y * 0.05 + 2 * std::sin(x * 0.003)) +
                                                     20.0 * x / width);
    }
    std::uniform_int_distribution<int> px(0, width - 1), py(0, height - 1), size(40, 400), shade(30, 230);
    for (int i = 0; i < 12; ++i) {  // boxes and labels lying around
        const cv::Rect box(px(random), py(random), size(random), size(random) / 2);
        cv::rectangle(scene, box, cv::Scalar(shade(random)), cv::FILLED);
        cv::putText(scene, "Paracetamol 500mg", box.tl() + cv::Point(5, 30), cv::FONT_HERSHEY_SIMPLEX,
                    std::max(0.4, height / 1400.0), cv::Scalar(shade(random)), 2, cv::LINE_AA);
    }
    return scene;
}

cv::Rect place_symbol(cv::Mat& frame, const cv::Mat& symbol, const Placement& placement) {
    // Symbol on a white label a little larger than itself, then tilted and warped around its centre.
    const double scale = placement.module_pixels;
    const int label_w = static_cast<int>(symbol.cols * scale) + static_cast<int>(4 * scale);
    const int label_h = static_cast<int>(symbol.rows * scale) + static_cast<int>(4 * scale);
    cv::Mat label(label_h, label_w, CV_8UC1, cv::Scalar(255));
    cv::Mat scaled;
    cv::resize(symbol, scaled,
               cv::Size(static_cast<int>(symbol.cols * scale), static_cast<int>(symbol.rows * scale)), 0, 0,
               cv::INTER_NEAREST);
    scaled.copyTo(
        label(cv::Rect((label_w - scaled.cols) / 2, (label_h - scaled.rows) / 2, scaled.cols, scaled.rows)));
    // Contrast: dark modules become grey, white stays light.
    const double dark = 255 * (1 - placement.contrast) * 0.8;
    const double light = 255 - 255 * (1 - placement.contrast) * 0.2;
    label.convertTo(label, CV_8UC1, (light - dark) / 255.0, dark);

    const double angle = placement.angle_degrees * 3.14159265358979323846 / 180;
    const double c = std::cos(angle), s = std::sin(angle);
    const float hw = static_cast<float>(label_w) / 2, hh = static_cast<float>(label_h) / 2;
    const float shrink = static_cast<float>(1 - placement.perspective);
    const cv::Point2f local[4] = {{-hw, -hh * shrink}, {hw, -hh}, {hw, hh}, {-hw, hh * shrink}};
    cv::Point2f dst[4];
    for (int i = 0; i < 4; ++i)
        dst[i] = placement.centre + cv::Point2f(static_cast<float>(local[i].x * c - local[i].y * s),
                                                static_cast<float>(local[i].x * s + local[i].y * c));
    const cv::Point2f src[4] = {{0, 0},
                                {static_cast<float>(label_w), 0},
                                {static_cast<float>(label_w), static_cast<float>(label_h)},
                                {0, static_cast<float>(label_h)}};
    const cv::Mat transform = cv::getPerspectiveTransform(src, dst);
    cv::Mat warped, mask;
    cv::warpPerspective(label, warped, transform, frame.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                        cv::Scalar(0));
    cv::warpPerspective(cv::Mat(label.size(), CV_8UC1, cv::Scalar(255)), mask, transform, frame.size(),
                        cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
    warped.copyTo(frame, mask);
    std::vector<cv::Point2f> corners(dst, dst + 4);
    return cv::boundingRect(corners) & cv::Rect(0, 0, frame.cols, frame.rows);
}

void blur_and_noise(cv::Mat& frame, double blur_sigma, double noise_sigma, unsigned seed) {
    if (blur_sigma > 0) cv::GaussianBlur(frame, frame, cv::Size(0, 0), blur_sigma);
    if (noise_sigma > 0) {
        cv::Mat noise(frame.size(), CV_16SC1);
        cv::theRNG().state = seed;
        cv::randn(noise, 0, noise_sigma);
        cv::Mat wide;
        frame.convertTo(wide, CV_16SC1);
        wide += noise;
        wide.convertTo(frame, CV_8UC1);
    }
}

}  // namespace medkiosk::test
