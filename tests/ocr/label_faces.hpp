#pragma once
// Generated medicine box faces for the OCR regression suite and benchmark. Each scene is a label
// rendered with a TrueType font (cv::freetype; fonts found through fontconfig), placed on a cluttered
// background at 1920×1080, tilted, unevenly lit and blurred; every frame of a scene adds its own
// small hand shake and sensor noise. Deterministic: (index, seed) always gives the same scene.

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::test::ocr {

struct LabelFont {
    std::string family;
    std::string file;
    int face_index = 0;
    bool has_chinese = false;
};

// The fonts fontconfig finds among the families the set uses; missing ones are skipped.
std::vector<LabelFont> find_label_fonts();

struct FaceTruth {
    std::optional<scanner::Date> expiry;
    scanner::ExpiryPrecision precision = scanner::ExpiryPrecision::Day;
    std::string batch;
    std::string form;  // which printed form the label uses, for per-form figures
    std::string font;
    double tilt_degrees = 0;
    std::vector<std::string> printed_lines;  // what the label says, for debugging a miss
};

class FaceScene {
  public:
    FaceScene(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts);
    const FaceTruth& truth() const { return truth_; }
    cv::Mat frame(int frame_number) const;  // 1920×1080 BGR

  private:
    FaceTruth truth_;
    cv::Mat label_;       // the flat label, BGR
    cv::Mat background_;  // 1920×1080 BGR
    cv::Mat lighting_;    // 1920×1080 CV_32F gain
    double angle_ = 0, scale_ = 1, blur_sigma_ = 1;
    cv::Point2d centre_;
    std::uint64_t seed_ = 0;
};

}  // namespace medkiosk::test::ocr
