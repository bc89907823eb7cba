#pragma once
// Sleeps so frames from files and the demo arrive at their nominal rate, like a camera's would.

#include <chrono>
#include <thread>

namespace medkiosk::scanner::detail {

class Pacer {
  public:
    explicit Pacer(double fps) { set_fps(fps); }
    void set_fps(double fps) {
        period_ = fps > 0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(1.0 / fps))
                          : std::chrono::steady_clock::duration::zero();
    }
    void wait() {
        if (period_ == std::chrono::steady_clock::duration::zero()) return;
        const auto now = std::chrono::steady_clock::now();
        if (due_ == std::chrono::steady_clock::time_point{} || now - due_ > period_ * 2) {
            due_ = now;  // first frame, or we fell far behind: do not try to catch up in a burst
        } else {
            std::this_thread::sleep_until(due_);
        }
        due_ += period_;
    }

  private:
    std::chrono::steady_clock::duration period_{};
    std::chrono::steady_clock::time_point due_{};
};

}  // namespace medkiosk::scanner::detail
