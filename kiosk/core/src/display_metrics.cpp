#include "medkiosk/kiosk/display_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace medkiosk::kiosk {
namespace {

constexpr double kMmPerInch = 25.4;
// A kiosk's panel is a tablet-sized screen up to a large desktop monitor; a diagonal outside this is a
// television's EDID, a projector, or a size in the wrong unit.
constexpr double kSmallestPlausibleInches = 4.0;
constexpr double kLargestPlausibleInches = 40.0;
// Square pixels: the millimetres' aspect ratio must agree with the pixels' within this fraction
// (an EDID that gives only an aspect code, or width and height swapped, does not).
constexpr double kAspectTolerance = 0.08;

double diagonal_px(int width_px, int height_px) {
    return std::hypot(static_cast<double>(width_px), static_cast<double>(height_px));
}

// GLFW's own guess when the X server reports no size: the CRTC's pixels at 96 dpi, truncated.
bool is_glfw_96_dpi_guess(const DisplayInputs& in) {
    const auto guess = [](int px) { return static_cast<int>(static_cast<float>(px) * 25.4f / 96.0f); };
    return std::abs(in.width_mm - guess(in.width_px)) <= 1 &&
           std::abs(in.height_mm - guess(in.height_px)) <= 1;
}

}  // namespace

std::string_view to_string(DisplaySizeSource source) {
    switch (source) {
        case DisplaySizeSource::Monitor:
            return "monitor";
        case DisplaySizeSource::Config:
            return "config";
        case DisplaySizeSource::Assumed:
            return "assumed";
    }
    return "?";
}

float DisplayMetrics::body_px_for(bool larger_text) const {
    return larger_text ? std::round(body_px * kLargerTextScale) : body_px;
}

double assumed_diagonal_inches(int width_px, int height_px) {
    const int short_side = std::min(width_px, height_px);
    if (short_side <= 600) return 7.0;
    if (short_side <= 800) return 10.1;
    if (short_side <= 1200) return 21.5;
    return 27.0;
}

std::string_view implausible_monitor_size(const DisplayInputs& in) {
    if (in.width_px <= 0 || in.height_px <= 0) return "no pixels";
    if (in.width_mm <= 0 || in.height_mm <= 0) return "no size reported";
    if (is_glfw_96_dpi_guess(in)) return "the 96 dpi guess of a display that reports no size";
    const double pixel_aspect = static_cast<double>(in.width_px) / in.height_px;
    const double mm_aspect = static_cast<double>(in.width_mm) / in.height_mm;
    if (std::abs(mm_aspect / pixel_aspect - 1.0) > kAspectTolerance)
        return "aspect ratio disagrees with the pixels";
    const double inches = std::hypot(in.width_mm, in.height_mm) / kMmPerInch;
    if (inches < kSmallestPlausibleInches || inches > kLargestPlausibleInches)
        return "not a kiosk panel's size";
    return {};
}

DisplaySizeSource physical_size_source(const DisplayInputs& inputs) {
    if (inputs.configured_diagonal_inches > 0) return DisplaySizeSource::Config;
    if (implausible_monitor_size(inputs).empty()) return DisplaySizeSource::Monitor;
    return DisplaySizeSource::Assumed;
}

DisplayMetrics compute_display_metrics(const DisplayInputs& inputs, double cap_height_per_px) {
    DisplayMetrics metrics;
    const int width_px = std::max(inputs.width_px, 1);
    const int height_px = std::max(inputs.height_px, 1);
    metrics.source = physical_size_source(inputs);
    switch (metrics.source) {
        case DisplaySizeSource::Config:
            metrics.diagonal_inches = inputs.configured_diagonal_inches;
            break;
        case DisplaySizeSource::Monitor:
            metrics.diagonal_inches = std::hypot(inputs.width_mm, inputs.height_mm) / kMmPerInch;
            break;
        case DisplaySizeSource::Assumed:
            metrics.diagonal_inches = assumed_diagonal_inches(width_px, height_px);
            break;
    }
    metrics.mm_per_px = metrics.diagonal_inches * kMmPerInch / diagonal_px(width_px, height_px);

    // A font whose capitals could not be measured counts as a small-capped one: bigger text.
    const double cap_ratio = cap_height_per_px > 0.2 && cap_height_per_px < 1.0 ? cap_height_per_px : 0.45;
    const double cap_px = kMinCapHeightMm / metrics.mm_per_px;
    // The layouts were drawn for max(18, short side / 30): a large screen keeps that, never less.
    const double layout_floor = std::max(18.0, std::min(width_px, height_px) / 30.0);
    metrics.body_px = static_cast<float>(std::ceil(std::max(cap_px / cap_ratio, layout_floor)));
    metrics.cap_height_mm = metrics.body_px * cap_ratio * metrics.mm_per_px;
    metrics.min_touch_px = static_cast<float>(std::ceil(kMinTouchMm / metrics.mm_per_px));
    return metrics;
}

}  // namespace medkiosk::kiosk
