#pragma once
// Synthetic camera: medicine boxes carrying real symbols encoded by libzint, moving, tilted, blurred.

#include <memory>
#include <string>
#include <vector>

#include "medkiosk/scanner/frame_source.hpp"

namespace medkiosk::scanner {

struct DemoPack {
    std::string label;          // printed on the box, e.g. "Ibuprofen 200 mg"
    std::string symbology;      // "gs1-datamatrix", "ean13", "code128"
    std::string content;        // zint input: "[01]…[17]…[10]…[21]…" for GS1, digits otherwise
    std::string expected_text;  // what a reader returns (GS1 with 0x1D separators)
};

// The packs the demo cycles through, in order: GS1 DataMatrix, EAN-13, 20-digit trace code.
const std::vector<DemoPack>& demo_packs();

struct DemoOptions {
    int width = 1280;
    int height = 720;
    double fps = 30;
    // Each box slides in, holds, moves and leaves within this many frames: 8 s at 30 fps, time for a
    // person trying the kiosk to read the verdict and answer before the next box comes.
    int frames_per_pack = 240;
    bool pace = true;  // sleep to the frame rate; tests switch it off
};

std::unique_ptr<FrameSource> make_demo_source(const DemoOptions& options);

}  // namespace medkiosk::scanner
