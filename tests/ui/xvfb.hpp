#pragma once
// A private X display for a UI test: Xvfb on a free display number, gone when the test ends.

#include <memory>
#include <string>

#include "support/process.hpp"

namespace medkiosk::test {

class Xvfb {
  public:
    Xvfb(int width, int height);
    bool ok() const { return ok_; }
    const std::string& display() const { return display_; }  // ":N"
    const std::string& error() const { return error_; }
    std::string env() const { return "DISPLAY=" + display_; }

    // Runs an X client (xdotool, import) against this display.
    ProcessResult run(const std::vector<std::string>& argv) const;
    bool screenshot(const std::string& png_file) const;

  private:
    std::unique_ptr<BackgroundProcess> server_;
    std::string display_;
    std::string error_;
    bool ok_ = false;
};

}  // namespace medkiosk::test
