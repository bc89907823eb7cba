#include "synthetic_codes.hpp"

#include <zint.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string_view>

namespace medkiosk::test {

namespace {

// Joins pieces; GCC 12 warns falsely (-Wrestrict) on `"literal" + std::string` at -O3.
std::string join(std::initializer_list<std::string_view> parts) {
    std::string text;
    for (const std::string_view part : parts) text.append(part);
    return text;
}

// Draws from the engine's raw output: std:: distributions differ between standard libraries, and a
// seed must make the same symbols everywhere.
std::size_t pick(std::mt19937_64& random, std::size_t count) {
    return static_cast<std::size_t>(random() % count);
}

std::string random_digits(std::mt19937_64& random, std::size_t count) {
    std::string digits;
    for (std::size_t i = 0; i < count; ++i) digits.push_back(static_cast<char>('0' + pick(random, 10)));
    return digits;
}

std::string random_alphanumeric(std::mt19937_64& random, std::size_t count) {
    static const char kChars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    std::string text;
    for (std::size_t i = 0; i < count; ++i) text.push_back(kChars[pick(random, sizeof kChars - 1)]);
    return text;
}

std::string random_gtin14(std::mt19937_64& random) {
    const std::string body = join({"0", std::to_string(6 + pick(random, 4)), random_digits(random, 11)});
    return body + gs1_check_digit(body);
}

std::string random_expiry(std::mt19937_64& random) {
    char text[8];
    std::snprintf(text, sizeof text, "%02zu%02zu%02zu", 26 + pick(random, 6), 1 + pick(random, 12),
                  1 + pick(random, 28));
    return text;
}

}  // namespace

char gs1_check_digit(const std::string& digits) {
    int sum = 0;
    // Weights 3,1,3,… from the rightmost digit.
    for (std::size_t i = 0; i < digits.size(); ++i)
        sum += (digits[digits.size() - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

SyntheticCode gs1_datamatrix_code(const std::string& serial) {
    return gs1_datamatrix_code("09501101530003", "270531", "AB1234", serial);
}

SyntheticCode gs1_datamatrix_code(const std::string& gtin14, const std::string& expiry,
                                  const std::string& batch, const std::string& serial) {
    return {"gs1-datamatrix", join({"[01]", gtin14, "[17]", expiry, "[10]", batch, "[21]", serial}),
            join({"01", gtin14, "17", expiry, "10", batch, "\x1d", "21", serial}), "DataMatrix"};
}

SyntheticCode qr_code(const std::string& text) {
    return {"qr", text, text, "QRCode"};
}

SyntheticCode ean13_code(const std::string& twelve_digits) {
    return {"ean13", twelve_digits, twelve_digits + gs1_check_digit(twelve_digits), "EAN-13"};
}

SyntheticCode upca_code(const std::string& eleven_digits) {
    return {"upca", eleven_digits, eleven_digits + gs1_check_digit(eleven_digits), "UPC-A"};
}

SyntheticCode ean8_code(const std::string& seven_digits) {
    return {"ean8", seven_digits, seven_digits + gs1_check_digit(seven_digits), "EAN-8"};
}

SyntheticCode code128_code(const std::string& data) {
    return {"code128", data, data, "Code128"};
}

SyntheticCode gs1_128_code(const std::string& gtin14, const std::string& expiry, const std::string& batch) {
    return {"gs1-128", join({"[01]", gtin14, "[17]", expiry, "[10]", batch}),
            join({"01", gtin14, "17", expiry, "10", batch}), "Code128"};
}

SyntheticCode databar_code(const std::string& gtin14) {
    return {"databar", gtin14.substr(0, 13), gtin14, "DataBar"};
}

SyntheticCode databar_expanded_code(const std::string& gtin14, const std::string& expiry,
                                    const std::string& batch, const std::string& serial) {
    return {"databar-expanded", join({"[01]", gtin14, "[17]", expiry, "[10]", batch, "[21]", serial}),
            join({"(01)", gtin14, "(17)", expiry, "(10)", batch, "(21)", serial}), "DataBarExpanded"};
}

SyntheticCode code39_code(const std::string& data) {
    return {"code39", data, data, ""};
}

SyntheticCode pdf417_code(const std::string& text) {
    return {"pdf417", text, text, ""};
}

const std::vector<std::string>& pack_symbologies() {
    static const std::vector<std::string> names = {
        "gs1-datamatrix", "qr", "ean13", "upca", "ean8", "code128", "gs1-128", "databar", "databar-expanded"};
    return names;
}

bool is_linear_symbology(const std::string& symbology) {
    return symbology != "gs1-datamatrix" && symbology != "qr" && symbology != "pdf417";
}

SyntheticCode random_code(const std::string& symbology, std::mt19937_64& random) {
    const std::string gtin = random_gtin14(random);
    const std::string expiry = random_expiry(random);
    const std::string batch = random_alphanumeric(random, 3 + pick(random, 5));
    const std::string serial = random_alphanumeric(random, 4 + pick(random, 9));
    if (symbology == "gs1-datamatrix") return gs1_datamatrix_code(gtin, expiry, batch, serial);
    if (symbology == "qr")
        return qr_code(join({"https://id.gs1.org/01/", gtin, "/10/", batch, "/21/", serial, "?17=", expiry}));
    if (symbology == "ean13")
        return ean13_code(std::to_string(1 + pick(random, 9)) + random_digits(random, 11));
    if (symbology == "upca")
        return upca_code(std::to_string(1 + pick(random, 9)) + random_digits(random, 10));
    if (symbology == "ean8") return ean8_code(std::to_string(1 + pick(random, 9)) + random_digits(random, 6));
    if (symbology == "code128")  // China's drug trace code: 20 digits starting with 8
        return code128_code(join({"8", random_digits(random, 19)}));
    if (symbology == "gs1-128") return gs1_128_code(gtin, expiry, batch);
    if (symbology == "databar") return databar_code(gtin);
    if (symbology == "databar-stacked") {  // Stacked Omnidirectional: the two pairs in two rows
        SyntheticCode code = databar_code(gtin);
        code.symbology = symbology;
        return code;
    }
    if (symbology == "databar-expanded-stacked") {  // two pairs a row
        SyntheticCode code =
            databar_expanded_code(gtin, expiry, batch, random_alphanumeric(random, 4 + pick(random, 5)));
        code.symbology = symbology;
        return code;
    }
    if (symbology == "databar-expanded")
        return databar_expanded_code(gtin, expiry, batch, random_alphanumeric(random, 4 + pick(random, 5)));
    if (symbology == "code39") return code39_code(random_alphanumeric(random, 6 + pick(random, 6)));
    return pdf417_code(join({"LOT ", batch, " EXP ", expiry, " SN ", serial}));
}

cv::Mat render_symbol(const SyntheticCode& code, double bar_height) {
    zint_symbol* symbol = ZBarcode_Create();
    if (!symbol) return {};
    const std::string& kind = code.symbology;
    bool matrix = false;
    if (kind == "gs1-datamatrix") {
        symbol->symbology = BARCODE_DATAMATRIX;
        symbol->input_mode = GS1_MODE;
        symbol->option_3 = DM_SQUARE;
        matrix = true;
    } else if (kind == "qr") {
        symbol->symbology = BARCODE_QRCODE;
        symbol->input_mode = UNICODE_MODE;
        matrix = true;
    } else if (kind == "pdf417") {
        symbol->symbology = BARCODE_PDF417;
        matrix = true;
    } else if (kind == "ean13" || kind == "ean8") {
        symbol->symbology = BARCODE_EANX;
    } else if (kind == "upca") {
        symbol->symbology = BARCODE_UPCA;
    } else if (kind == "gs1-128") {
        symbol->symbology = BARCODE_GS1_128;
        symbol->input_mode = GS1_MODE;
    } else if (kind == "databar") {
        symbol->symbology = BARCODE_DBAR_OMN;
    } else if (kind == "databar-expanded") {
        symbol->symbology = BARCODE_DBAR_EXP;
        symbol->input_mode = GS1_MODE;
    } else if (kind == "databar-stacked") {
        symbol->symbology = BARCODE_DBAR_OMNSTK;
    } else if (kind == "databar-expanded-stacked") {
        symbol->symbology = BARCODE_DBAR_EXPSTK;
        symbol->input_mode = GS1_MODE;
        symbol->option_2 = 2;  // segment pairs a row
    } else if (kind == "code39") {
        symbol->symbology = BARCODE_CODE39;
    } else {
        symbol->symbology = BARCODE_CODE128;
    }
    symbol->scale = 0.5f;  // one pixel per module
    symbol->show_hrt = 0;
    symbol->height = bar_height > 0 ? static_cast<float>(bar_height) : 40.f;
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
    // Quiet zones as printed packs keep them: two modules around a matrix symbol, ten beside bars.
    const int quiet = matrix ? 2 : 10;
    cv::copyMakeBorder(grey, grey, matrix ? quiet : 2, matrix ? quiet : 2, quiet, quiet, cv::BORDER_CONSTANT,
                       cv::Scalar(255));
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
