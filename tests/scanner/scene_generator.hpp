#pragma once
// Seeded scenes for the scanner's tests and benchmarks: a box face carrying a pack code (libzint), a
// second code as a distractor and printed text is brought into view, held still, and taken away again,
// filmed by a simulated camera (perspective, motion and defocus blur, glare, uneven light, sensor
// noise, H.264 or JPEG compression). Everything follows from (seed, index): the same pair makes the same
// pixels, so a failing clip can be replayed alone.

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "synthetic_codes.hpp"

namespace medkiosk::test {

struct SceneOptions {
    int width = 1920;
    int height = 1080;
    bool h264 = true;  // some clips go through H.264 (OpenCV's FFmpeg writer); the rest through JPEG
    // Restricts the primary code's symbology (empty: every pack symbology, drawn per clip).
    std::string symbology;
    // The distractor's symbology instead of the one drawn (a face with room gets one then; empty: drawn).
    std::string distractor;
    // A fixed in-plane rotation in degrees instead of the stratified random one (for sweeps).
    double fixed_rotation = -1;
    // A fixed module size in pixels (before tilt) instead of the random one, within the frame's room.
    double fixed_module = -1;
};

enum class ScenePhase { Empty, MovingIn, Still, MovingOut };

struct SceneFrame {
    cv::Mat grey;
    ScenePhase phase = ScenePhase::Empty;
    bool primary_in_view = false;  // the whole symbol, quiet zone included, lies inside the frame
    bool distractor_in_view = false;
    cv::Point2f primary_corners[4];  // the primary symbol's corners in the frame
    double motion_blur_pixels = 0;   // how far the box moved while the shutter was open
};

struct SceneClip {
    std::uint64_t seed = 0;
    int index = 0;
    SyntheticCode primary;
    SyntheticCode distractor;     // symbology empty when the face had no room for one
    double rotation_degrees = 0;  // in-plane rotation of the primary symbol once still, [0, 360)
    double tilt_x_degrees = 0;    // perspective: the face turned about its horizontal axis
    double tilt_y_degrees = 0;    // and its vertical axis
    double module_pixels = 0;     // one module of the primary symbol at its centre, once still
    double symbol_width_pixels = 0;
    double blur_sigma = 0;
    double noise_sigma = 0;
    double glare = 0;            // peak brightness added by the highlight, grey levels
    double light_min = 1;        // the darkest corner of the uneven light, as a factor
    std::string compression;     // "h264" or "jpeg qNN"
    int first_still_frame = -1;  // the first frame held still with no motion blur
    std::vector<SceneFrame> frames;

    // One line with every parameter: printed next to a miss so it can be replayed.
    std::string describe() const;
};

// Rotation is stratified: clip `index` falls into 15° bucket index % 24, anywhere inside it.
SceneClip make_scene_clip(std::uint64_t seed, int index, const SceneOptions& options = {});

// A still frame for sweeps: the primary code of `code` at `rotation_degrees`, `module_pixels` per module,
// in a cluttered frame, lightly blurred and noised; no motion, glare or compression. Its centre is at
// `centre` (default: the frame's), moved inward where the symbol would not fit whole.
cv::Mat make_still(const SyntheticCode& code, double rotation_degrees, double module_pixels, int width,
                   int height, std::uint64_t seed, cv::Point2f centre = {-1, -1}, double tilt_x_degrees = 0,
                   double tilt_y_degrees = 0);

// Still photos as a phone or the kiosk's still camera takes them: `width`x`height`, one pack code (every
// pack symbology in turn, drawn at random) anywhere in the frame, turned to any angle and tilted up to 25
// degrees each way, modules of 2-5 px (linear) or 3-8 px (matrix). Everything follows from the seed.
struct TurnedStill {
    cv::Mat grey;
    std::string expected_text;
    std::string description;  // seed, index and every parameter, to replay one alone
};
std::vector<TurnedStill> make_turned_stills(int count, std::uint64_t seed, int width = 1600,
                                            int height = 1200);

const char* phase_name(ScenePhase phase);

}  // namespace medkiosk::test
