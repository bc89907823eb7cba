// OCR benchmark: reads generated box faces the way the kiosk does (newest frame, one at a time,
// ≥2 agreeing frames) and prints how many dates were proposed right, wrong or not at all, and how
// long a steady box takes to get a proposal on one core.
//
// usage: ocr_bench [--faces N] [--seed S] [--max-frames K] [--smoke] [--dump DIR]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "label_faces.hpp"
#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"
#include "medkiosk/scanner/ocr/text_reader.hpp"
#include "ocr_trial.hpp"

namespace {

using namespace medkiosk;

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    // "On one core": Tesseract's OpenMP threads are capped through the environment, which libgomp
    // reads at start-up, so re-run ourselves once with the cap set.
    if (!std::getenv("OMP_THREAD_LIMIT")) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
    }
    int faces = 120;
    std::uint64_t seed = 20260101;
    int max_frames = 4;
    std::string dump_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--faces" && i + 1 < argc)
            faces = std::atoi(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--max-frames" && i + 1 < argc)
            max_frames = std::atoi(argv[++i]);
        else if (arg == "--dump" && i + 1 < argc)
            dump_dir = argv[++i];
        else if (arg == "--smoke")
            faces = 2;
        else {
            std::cerr << "usage: ocr_bench [--faces N] [--seed S] [--max-frames K] [--smoke] [--dump DIR]\n";
            return 2;
        }
    }
    const auto fonts = test::ocr::find_label_fonts();
    if (fonts.empty()) {
        std::cerr << "ocr_bench: fontconfig found none of the label fonts (install fonts-noto-cjk)\n";
        return 1;
    }
    const auto open_start = std::chrono::steady_clock::now();
    scanner::ocr::TextReaderOptions options;
    if (const char* languages = std::getenv("MEDKIOSK_OCR_LANGUAGES")) options.languages = languages;
    auto opened = scanner::ocr::TextReader::open(options);
    if (!opened.reader) {
        std::cerr << "ocr_bench: " << opened.error << "\n";
        return 1;
    }
    const double open_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - open_start).count();

    test::ocr::TrialSummary summary;
    int slow = 0;                                       // right proposals that took longer than the target
    std::map<std::string, std::array<int, 3>> by_form;  // right, wrong, none
    for (int index = 0; index < faces; ++index) {
        const test::ocr::FaceScene scene(index, seed, fonts);
        if (!dump_dir.empty())
            cv::imwrite(dump_dir + "/face" + std::to_string(index) + ".jpg", scene.frame(0));
        const test::ocr::TrialResult trial = test::ocr::run_trial(*opened.reader, scene, max_frames);
        summary.add(trial);
        if (trial.outcome == test::ocr::Outcome::Right && trial.cpu_ms_to_proposal > 1500) ++slow;
        auto& counts = by_form[scene.truth().form];
        ++counts[trial.outcome == test::ocr::Outcome::Right   ? 0
                 : trial.outcome == test::ocr::Outcome::Wrong ? 1
                                                              : 2];
        if (trial.outcome != test::ocr::Outcome::Right)
            std::cout << "face " << index << " [" << scene.truth().form << ", " << scene.truth().font
                      << ", tilt " << static_cast<int>(scene.truth().tilt_degrees) << "] "
                      << test::ocr::describe(trial) << "\n";
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "\nOCR benchmark: %d generated faces (seed %llu, %zu fonts, 12 printed forms, tilt ±30°, blur σ "
        "0.6–1.6,\n"
        "uneven light, 1920×1080, up to %d frames per face, OMP_THREAD_LIMIT=%s)\n",
        faces, static_cast<unsigned long long>(seed), fonts.size(), max_frames,
        std::getenv("OMP_THREAD_LIMIT"));
    std::printf("model load: %.0f ms\n", open_ms);
    std::printf("proposed right: %d (%.1f%%)  wrong: %d  none: %d  (wrong dates in single frames: %d)\n",
                summary.right, 100.0 * summary.right / std::max(1, faces), summary.wrong, summary.none,
                summary.wrong_frames);
    std::printf(
        "per-frame OCR, CPU ms on one core: p50 %.0f  p90 %.0f  max %.0f   (wall ms: p50 %.0f  p90 %.0f  max "
        "%.0f)\n",
        percentile(summary.frame_cpu_ms, 0.5), percentile(summary.frame_cpu_ms, 0.9),
        percentile(summary.frame_cpu_ms, 1.0), percentile(summary.frame_ms, 0.5),
        percentile(summary.frame_ms, 0.9), percentile(summary.frame_ms, 1.0));
    std::printf(
        "steady box → proposal, CPU ms on one core: p50 %.0f  p90 %.0f  max %.0f  (target ≤ 1500)"
        "   (wall ms: p50 %.0f  p90 %.0f  max %.0f)\n",
        percentile(summary.proposal_cpu_ms, 0.5), percentile(summary.proposal_cpu_ms, 0.9),
        percentile(summary.proposal_cpu_ms, 1.0), percentile(summary.proposal_ms, 0.5),
        percentile(summary.proposal_ms, 0.9), percentile(summary.proposal_ms, 1.0));
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0) std::printf("machine load average during the run: %.1f (1 min)\n", load[0]);
    std::printf("right proposals over 1500 ms CPU: %d\n", slow);
    std::printf("batch read right with the date: %d of %d proposals\n", summary.batch_right, summary.right);
    std::printf("per form (right/wrong/none):");
    for (const auto& [form, counts] : by_form)
        std::printf(" %s %d/%d/%d;", form.c_str(), counts[0], counts[1], counts[2]);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    std::printf("\nCPU time: %.1f s user, %.1f s system\n", seconds(usage.ru_utime), seconds(usage.ru_stime));
    return summary.wrong == 0 ? 0 : 1;
}
