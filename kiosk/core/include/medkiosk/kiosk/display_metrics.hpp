#pragma once
// Sizes from the screen's physical size (issue 16, elder-first): how many millimetres a pixel is, the
// body font size that gives capital letters at least 3 mm tall, and the smallest touch target (11 mm).
// The UI reads the monitor (GLFW) and the loaded font and hands the numbers here; no window is needed
// to test it.

#include <string_view>

namespace medkiosk::kiosk {

// Where the physical size came from: the monitor's own report, kiosk.toml's [display]
// diagonal_inches, or a typical panel for the resolution when the report is missing or implausible.
enum class DisplaySizeSource { Monitor, Config, Assumed };
std::string_view to_string(DisplaySizeSource source);

struct DisplayInputs {
    // The monitor's mode in pixels (the whole panel, also when the kiosk runs in a window).
    int width_px = 0;
    int height_px = 0;
    // As glfwGetMonitorPhysicalSize reports it: 0×0 when unknown. X servers that know nothing (Xvfb,
    // some KVMs) make GLFW report the size 96 dpi would give, which is no measurement at all.
    int width_mm = 0;
    int height_mm = 0;
    double configured_diagonal_inches = 0;  // kiosk.toml [display] diagonal_inches; 0 = not set
};

struct DisplayMetrics {
    DisplaySizeSource source = DisplaySizeSource::Assumed;
    double mm_per_px = 0;
    double diagonal_inches = 0;  // of the panel the sizes were computed for
    float body_px = 0;           // the body font's size (ImGui's font size) at normal text size
    float min_touch_px = 0;      // the short side of the smallest touch target
    double cap_height_mm = 0;    // of the body text at body_px, for the log and the tests

    // The body font at the donor's text size: ×1.25 with "larger text" on.
    float body_px_for(bool larger_text) const;
};

// Minimum capital-letter height of body text, and minimum short side of a touch target.
inline constexpr double kMinCapHeightMm = 3.0;
inline constexpr double kMinTouchMm = 11.0;
inline constexpr float kLargerTextScale = 1.25f;

// The physical size the kiosk believes: the monitor's when plausible for its pixels, the configured
// diagonal when set (it wins), else a conservative (small, so text comes out bigger) typical panel
// for the resolution: short side ≤ 600 → 7", ≤ 800 → 10.1", ≤ 1200 → 21.5", above → 27".
DisplaySizeSource physical_size_source(const DisplayInputs& inputs);
double assumed_diagonal_inches(int width_px, int height_px);
// Why the monitor's report is not believed, or empty when it is.
std::string_view implausible_monitor_size(const DisplayInputs& inputs);

// `cap_height_per_px`: the loaded font's capital height ('H') divided by its font size, measured from
// the font itself (Noto Sans CJK: about 0.51; ImGui's built-in font: about 0.6). Never returns a body
// smaller than 18 px or than 1/30 of the screen's short side (the sizes the layouts were drawn for).
DisplayMetrics compute_display_metrics(const DisplayInputs& inputs, double cap_height_per_px);

}  // namespace medkiosk::kiosk
