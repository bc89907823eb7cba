#include "linear_sweep.hpp"

#include <zint.h>

#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "zxing_merging_read.hpp"

namespace medkiosk::test {
namespace {

struct LinearCode {
    const char* name;
    int symbology;
    bool gs1;
    const char* input;
    const char* expected;
};

// Inputs as zint takes them; expected as zxing returns them (DataBar Expanded bracketed, GS1-128 with
// GS separators, EAN/UPC with their check digit).
const LinearCode kCodes[] = {
    {"DataBarExpanded", BARCODE_DBAR_EXP, true, "[01]09501101530003[17]270531[10]AB1234[21]SER12345678",
     "(01)09501101530003(17)270531(10)AB1234(21)SER12345678"},
    {"EAN-13", BARCODE_EANX, false, "690123456789", "6901234567892"},
    {"EAN-8", BARCODE_EANX, false, "9638507", "96385074"},
    {"UPC-A", BARCODE_UPCA, false, "61414100003", "614141000036"},
    {"Code128", BARCODE_CODE128, false, "81234560000123456789", "81234560000123456789"},
    {"GS1-128", BARCODE_GS1_128, true, "[01]09501101530003[17]270531[10]AB1234",
     "010950110153000317270531"
     "10AB1234"},
    {"DataBar", BARCODE_DBAR_OMN, true, "[01]09501101530003", "0109501101530003"},
};

// One module = `module_pixels` px, black on white, with a wide quiet zone.
cv::Mat render(const LinearCode& code, int module_pixels) {
    zint_symbol* symbol = ZBarcode_Create();
    if (!symbol) return {};
    symbol->symbology = code.symbology;
    if (code.gs1) symbol->input_mode = GS1_MODE;
    symbol->scale = 0.5f * static_cast<float>(module_pixels);
    symbol->show_hrt = 0;
    cv::Mat grey;
    if (ZBarcode_Encode_and_Buffer(symbol, reinterpret_cast<const unsigned char*>(code.input),
                                   static_cast<int>(std::strlen(code.input)), 0) < ZINT_ERROR &&
        symbol->bitmap) {
        const cv::Mat rgb(symbol->bitmap_height, symbol->bitmap_width, CV_8UC3, symbol->bitmap);
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    }
    ZBarcode_Delete(symbol);
    if (!grey.empty()) {
        const int quiet = 12 * module_pixels;
        cv::copyMakeBorder(grey, grey, quiet, quiet, quiet, quiet, cv::BORDER_CONSTANT, cv::Scalar(255));
    }
    return grey;
}

// The symbol turned about its centre, in the middle of a plain 1080p frame; empty if it does not fit.
cv::Mat frame_with(const cv::Mat& symbol, double degrees) {
    const double radians = degrees * CV_PI / 180;
    const double c = std::abs(std::cos(radians)), s = std::abs(std::sin(radians));
    const int width = static_cast<int>(symbol.cols * c + symbol.rows * s) + 2;
    const int height = static_cast<int>(symbol.cols * s + symbol.rows * c) + 2;
    cv::Mat frame(1080, 1920, CV_8UC1, cv::Scalar(150));
    if (width > frame.cols || height > frame.rows) return {};
    cv::Mat turn = cv::getRotationMatrix2D(
        cv::Point2f(static_cast<float>(symbol.cols) / 2.f, static_cast<float>(symbol.rows) / 2.f), degrees,
        1.0);
    turn.at<double>(0, 2) += width / 2.0 - symbol.cols / 2.0;
    turn.at<double>(1, 2) += height / 2.0 - symbol.rows / 2.0;
    cv::Mat turned;
    cv::warpAffine(symbol, turned, turn, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(255));
    turned.copyTo(frame(cv::Rect((frame.cols - width) / 2, (frame.rows - height) / 2, width, height)));
    return frame;
}

void add_frames(std::vector<SweepFrame>& frames, const LinearCode& code, int module_pixels,
                const std::vector<int>& angles) {
    const cv::Mat symbol = render(code, module_pixels);
    if (symbol.empty()) return;
    for (int degrees : angles) {
        cv::Mat frame = frame_with(symbol, degrees);
        if (frame.empty()) continue;
        frames.push_back({std::move(frame),
                          std::string(code.name) + " " + std::to_string(module_pixels) + "px " +
                              std::to_string(degrees) + "deg",
                          code.expected});
    }
}

}  // namespace

std::vector<SweepFrame> linear_rotation_sweep(int step_degrees) {
    std::vector<int> angles;
    for (int degrees = 0; degrees < 180; degrees += step_degrees) angles.push_back(degrees);
    std::vector<SweepFrame> frames;
    for (const LinearCode& code : kCodes)
        for (int module_pixels : {2, 3}) add_frames(frames, code, module_pixels, angles);
    return frames;
}

std::vector<SweepFrame> databar_expanded_near_axes() {
    std::vector<int> angles;
    for (int axis : {0, 90, 180})
        for (int degrees = axis - 5; degrees <= axis + 5; ++degrees)
            if (degrees >= 0 && degrees < 180) angles.push_back(degrees);
    std::vector<SweepFrame> frames;
    for (int module_pixels : {2, 3}) add_frames(frames, kCodes[0], module_pixels, angles);
    return frames;
}

std::string joined(const std::vector<scanner::DecodedSymbol>& symbols) {
    std::string line;
    for (const auto& symbol : symbols) {
        if (!line.empty()) line += '|';
        line += symbol.text;
    }
    return line;
}

void fault_hooks_in_process(const cv::Mat& grey) {
    if (grey.cols * grey.rows >= 8 && grey.isContinuous() && std::memcmp(grey.data, "MKFAULTZ", 8) == 0)
        read_through_zxing_merge(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
}

InProcess decode_in_child(const cv::Mat& grey, bool live, int times) {
    return in_process([&](auto emit) {
        scanner::TrackingDecoder tracking;
        const scanner::Decoder still;
        for (int i = 0; i < times; ++i) {
            fault_hooks_in_process(grey);
            emit(joined(
                live ? tracking.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step))
                     : still.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step))));
        }
    });
}

void mark_fault(cv::Mat& grey, char fault) {
    CV_Assert(grey.type() == CV_8UC1 && grey.cols >= 8 && grey.isContinuous());
    std::memcpy(grey.data, "MKFAULT", 7);
    grey.data[7] = static_cast<std::uint8_t>(fault);
}

std::vector<SweepFrame> zxing_aborting_frames(std::size_t wanted) {
    std::vector<SweepFrame> found;
    for (SweepFrame& frame : databar_expanded_near_axes()) {
        if (found.size() == wanted) break;
        mark_fault(frame.grey, 'Z');
        const cv::Mat& grey = frame.grey;
        const InProcess truth = in_process([&](auto emit) {
            fault_hooks_in_process(grey);
            emit("survived");
        });
        if (truth.aborted) found.push_back(std::move(frame));
    }
    return found;
}

std::string faulty_decoder_path() {
    return MEDKIOSK_FAULTY_DECODER_PATH;
}

std::string beside_faulty_decoder(const std::filesystem::path& dir, const std::string& program) {
    namespace fs = std::filesystem;
    const fs::path copy = dir / fs::path(program).filename();
    fs::copy_file(program, copy, fs::copy_options::overwrite_existing);
    fs::copy_file(faulty_decoder_path(), dir / "medkiosk-decoder", fs::copy_options::overwrite_existing);
    return copy.string();
}

SweepFrame upright_ean13() {
    std::vector<SweepFrame> frames;
    add_frames(frames, kCodes[1], 3, {0});
    return frames.front();
}

}  // namespace medkiosk::test
