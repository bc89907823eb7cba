// UI benchmark: the kiosk under Xvfb (Mesa llvmpipe, software GL) with the live demo preview.
// Prints, per screen size: p50/p95/max frame time over N frames of the scan screen, resident memory
// with the CJK font loaded, and the time from process start to the first camera frame on screen.
//
//   ui_bench [--frames N] [--sizes 1280x800,1920x1080]
//
// Goals (issue 5): RSS at 1080p ≤ 200 MB; first camera frame ≤ 1.5 s. Figures only: not a pass/fail
// test, except that it exits non-zero when the kiosk did not report.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

using namespace std::chrono_literals;

namespace {

std::string field(const std::string& text, const std::string& name) {
    std::smatch match;
    return std::regex_search(text, match, std::regex(name + "=([0-9.]+)")) ? match[1].str()
                                                                           : std::string("?");
}

bool bench_size(int width, int height, int frames) {
    medkiosk::test::Xvfb x(width, height);
    if (!x.ok()) {
        std::cerr << "ui_bench: " << x.error() << "\n";
        return false;
    }
    medkiosk::test::TempDir data;
    const std::string size = std::to_string(width) + "x" + std::to_string(height);
    const auto spawned = std::chrono::steady_clock::now();
    medkiosk::test::BackgroundProcess kiosk(
        {MEDKIOSK_PATH, "--windowed", "--size", size, "--source", "demo", "--data-dir", data.path().string()},
        (data.path() / "kiosk").string(), {x.env(), "MEDKIOSK_BENCH_FRAMES=" + std::to_string(frames)});
    const bool first = kiosk.wait_for_output("event=first-frame", 30s);
    const auto first_seen = std::chrono::steady_clock::now();
    const bool done = kiosk.wait_for_output("event=bench", 300s);
    const std::string out = kiosk.output();
    kiosk.stop();
    if (!first || !done) {
        std::cerr << "ui_bench: the kiosk did not report at " << size << ":\n" << out;
        return false;
    }
    const auto spawn_to_first =
        std::chrono::duration_cast<std::chrono::milliseconds>(first_seen - spawned).count();
    const double rss_mb = std::stod(field(out, "rss_kib")) / 1024.0;
    std::printf(
        "%-10s frames=%s  frame p50=%s ms  p95=%s ms  max=%s ms  RSS=%.1f MB  first frame: %s ms in-process, "
        "%lld ms from spawn (incl. exec, log polling)\n",
        size.c_str(), field(out, "frames").c_str(), field(out, "p50_ms").c_str(),
        field(out, "p95_ms").c_str(), field(out, "max_ms").c_str(), rss_mb,
        field(out, "first_frame_ms").c_str(), static_cast<long long>(spawn_to_first));
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 300;
    std::string sizes = "1280x800,1920x1080";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--frames")
            frames = std::stoi(argv[i + 1]);
        else if (arg == "--sizes")
            sizes = argv[i + 1];
    }
    std::printf(
        "medkiosk UI benchmark: Xvfb + llvmpipe, demo camera 1280x720, scan screen with live preview\n");
    bool ok = true;
    std::stringstream list(sizes);
    for (std::string size; std::getline(list, size, ',');) {
        int width = 0;
        int height = 0;
        if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2) {
            std::cerr << "ui_bench: --sizes wants WxH[,WxH…]\n";
            return 2;
        }
        ok = bench_size(width, height, frames) && ok;
    }
    return ok ? 0 : 1;
}
