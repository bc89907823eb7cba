#pragma once
// Rotation sweeps of linear symbols (libzint) on 1080p frames, for the crash-containment tests: Debian's
// zxing-cpp 1.4 aborts on some of them (GS1 DataBar Expanded turned a few degrees off a multiple of 90°,
// with 2–3 px modules).

#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace medkiosk::test {

struct SweepFrame {
    cv::Mat grey;          // 1920x1080
    std::string label;     // "DataBarExpanded 2px 3deg"
    std::string expected;  // the text a reader returns, empty when it is not checked
};

// Every linear format the kiosk reads (EAN-13, EAN-8, UPC-A, Code 128, GS1-128, DataBar, DataBar
// Expanded), each turned from 0° to 179° in `step_degrees` steps, at 2 and 3 px per module.
std::vector<SweepFrame> linear_rotation_sweep(int step_degrees);

// GS1 DataBar Expanded near the angles where zxing 1.4 aborts: every degree within 5° of 0°, 90°
// and 180°, at 2 and 3 px per module.
std::vector<SweepFrame> databar_expanded_near_axes();

// A plain EAN-13 frame every decoder reads, to check decoding goes on after a crash.
SweepFrame upright_ean13();

}  // namespace medkiosk::test
