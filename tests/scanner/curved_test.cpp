// A GS1 DataMatrix printed on a bottle: generated (libzint), wrapped round a cylinder and seen from the
// front, so its columns narrow towards the side the surface turns away from. Plain zxing-cpp's flat grid
// drifts off the modules there; the still decoder's curved sampler must read it in every quarter turn,
// upright or lying along the bottle, whichever way round the finder pattern ends up.

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"
#include "scene_eval.hpp"
#include "synthetic_codes.hpp"

namespace {

using namespace medkiosk::test;

constexpr double kModulePixels = 6;

// `symbol` (a pixel a module) enlarged, turned `quarter_turns` times clockwise and wrapped round a vertical
// cylinder of `radius` frame pixels whose axis lies `axis_offset` pixels left of the symbol's middle,
// on a label on a grey counter; blurred and noised a little, as a camera sees it.
cv::Mat on_a_bottle(const cv::Mat& symbol, int quarter_turns, double radius, double axis_offset,
                    unsigned seed) {
    cv::Mat flat;
    cv::resize(symbol, flat, cv::Size(), kModulePixels, kModulePixels, cv::INTER_NEAREST);
    for (int i = 0; i < quarter_turns; ++i) cv::rotate(flat, flat, cv::ROTATE_90_CLOCKWISE);
    cv::copyMakeBorder(flat, flat, 20, 20, 20, 20, cv::BORDER_CONSTANT, cv::Scalar(250));
    const int width = 2 * flat.cols, height = 2 * flat.rows;
    cv::Mat map_x(height, width, CV_32F), map_y(height, width, CV_32F);
    const double axis = width / 2.0 - axis_offset, flat_axis = flat.cols / 2.0 - axis_offset;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            // Seen from the front, a point `arc` along the surface from the axis lies radius * sin(arc /
            // radius) across: the inverse, for every frame column in front of the cylinder.
            const double across = (x - axis) / radius;
            const double arc = std::abs(across) < 1 ? radius * std::asin(across) : 1e6;
            map_x.at<float>(y, x) = static_cast<float>(flat_axis + arc);
            map_y.at<float>(y, x) = static_cast<float>(y - (height - flat.rows) / 2.0);
        }
    cv::Mat frame;
    cv::remap(flat, frame, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(110));
    blur_and_noise(frame, 1.0, 3, seed);
    return frame;
}

TEST(scannerCurved, StillDecoderReadsADataMatrixRoundABottleInEveryQuarterTurn) {
    const SyntheticCode code = gs1_datamatrix_code("09506000134352", "271231", "LOT42", "BOTTLE0017");
    const cv::Mat symbol = render_symbol(code);
    ASSERT_FALSE(symbol.empty());
    std::vector<cv::Mat> frames;
    for (int turn = 0; turn < 4; ++turn)
        frames.push_back(on_a_bottle(symbol, turn, 0.75 * kModulePixels * symbol.cols, 30, 11 + turn));
    // Only frames plain zxing-cpp cannot read test the curved sampler.
    const std::vector<NaiveRead> flat = read_naively(frames);
    const medkiosk::scanner::Decoder decoder;
    for (int turn = 0; turn < 4; ++turn) {
        const cv::Mat& frame = frames[static_cast<std::size_t>(turn)];
        EXPECT_TRUE(flat[static_cast<std::size_t>(turn)].text.empty())
            << "turn " << turn << ": plain zxing-cpp reads it, so it does not test the curved sampler";
        bool read = false;
        for (const auto& found :
             decoder.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step))) {
            EXPECT_EQ(found.text, code.expected_text) << "turn " << turn << ": misread as " << found.format;
            read = read || found.text == code.expected_text;
        }
        EXPECT_TRUE(read) << "turn " << turn << " unread";
    }
}

}  // namespace
