#pragma once
// One captured camera frame. Plain bytes so the UI can show it without depending on OpenCV.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace medkiosk::scanner {

struct Frame {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // width*height*3, tightly packed, top row first
    std::uint64_t sequence = 0;     // increases by one per frame the source delivered
    std::chrono::steady_clock::time_point captured{};
};

using FramePtr = std::shared_ptr<const Frame>;

}  // namespace medkiosk::scanner
