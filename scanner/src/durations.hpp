#pragma once
// Durations as a technician reads them in a message: "50 ms", "0.5 s", "2 s".

#include <chrono>
#include <string>

namespace medkiosk::scanner::detail {

inline std::string duration_text(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms < 100) return std::to_string(ms) + " ms";
    std::string text = std::to_string(ms / 1000);
    if (ms % 1000 >= 100) {
        text += '.';
        text += std::to_string(ms % 1000 / 100);
    }
    return text + " s";
}

}  // namespace medkiosk::scanner::detail
