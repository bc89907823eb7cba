#pragma once
// Where, in a camera frame, is the box that carries a given code: the region the printed expiry of
// that box may be read from, so OCR never reads a date printed on another box in view.
//
// The box face is estimated from the code itself: its quadrilateral widened along its own axes (a
// code sits on a face a few code-sizes large, and the date is printed on the same face), then cut,
// on each side, half-way to any other code in the same frame (another code is another box, or another
// face of this one, whose text is not this box's to give). The result is clipped to the frame.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::kiosk {

struct FramePoint {
    float x = 0;
    float y = 0;
};
using FrameQuad = std::array<FramePoint, 4>;  // corners in order around it, in frame pixels

struct BoxRegionOptions {
    // How far the face reaches beyond the code on each side, in units of the code's longer side.
    float reach = 1.5f;
};

// The region of the box carrying the code `code` (kiosk::code_key) among `symbols`, all decoded from
// one frame of `frame_width` × `frame_height`; nullopt when that code is not among them.
std::optional<FrameQuad> box_region(const std::vector<scanner::DecodedSymbol>& symbols,
                                    const std::string& code, int frame_width, int frame_height,
                                    const BoxRegionOptions& options = {});

bool contains(const FrameQuad& quad, FramePoint point);  // for tests and callers that check a point

}  // namespace medkiosk::kiosk
