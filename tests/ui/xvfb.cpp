#include "xvfb.hpp"

#include <unistd.h>

#include <filesystem>
#include <thread>

namespace medkiosk::test {

Xvfb::Xvfb(int width, int height) {
    if (!std::filesystem::exists("/usr/bin/Xvfb")) {
        error_ = "Xvfb is not installed: run deploy/setup.sh";
        return;
    }
    // Display numbers from 90 + pid spread keep parallel test runs apart.
    for (int attempt = 0; attempt < 20 && !ok_; ++attempt) {
        const int number = 90 + (getpid() + attempt * 7) % 400;
        if (std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(number)) ||
            std::filesystem::exists("/tmp/.X" + std::to_string(number) + "-lock")) {
            continue;
        }
        display_ = ":" + std::to_string(number);
        const std::string log =
            (std::filesystem::temp_directory_path() / ("medkiosk-xvfb-" + std::to_string(number))).string();
        server_ = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{"/usr/bin/Xvfb", display_, "-screen", "0",
                                     std::to_string(width) + "x" + std::to_string(height) + "x24",
                                     "-nolisten", "tcp"},
            log);
        for (int wait = 0; wait < 100; ++wait) {
            if (std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(number))) {
                ok_ = true;
                break;
            }
            if (!server_->running()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (!ok_) error_ = "Xvfb " + display_ + " did not start: " + server_->output();
    }
}

ProcessResult Xvfb::run(const std::vector<std::string>& argv) const {
    return run_process(argv, {}, std::chrono::seconds(30), {env()});
}

bool Xvfb::screenshot(const std::string& png_file) const {
    std::filesystem::create_directories(std::filesystem::path(png_file).parent_path());
    return run({"/usr/bin/import", "-window", "root", png_file}).exit_code == 0 &&
           std::filesystem::file_size(png_file) > 0;
}

}  // namespace medkiosk::test
