// Live stream benchmark on seeded generated scenes (tests/scanner/scene_generator.hpp): boxes brought
// into view at any angle, size and place, held still and taken away, through a simulated camera with
// H.264 or JPEG compression. Compares the kiosk's live decoding (TrackingDecoder + CodeConfirmer) with
// plain full-frame zxing-cpp (tryHarder, tryRotate, the same formats) on the same frames in the same run,
// one core, thread CPU time. Prints detection by rotation (15° buckets), module size and format,
// misreads, duplicate events, latency after the box is still, and per-frame cost.
//   scanner_live_bench [--smoke] [--seed N] [--count K] [--width W --height H] [--symbology NAME]
//                      [--distractor NAME] [--no-h264] [--verbose] [--clip I]
// --symbology and --distractor fix the primary code's and the distractor's symbology (libzint names).
// --clip replays one clip of the seed alone (with --verbose: what each frame gave).
// Exits 1 when a target is missed (outside --smoke), 2 on bad arguments; --smoke exits 1 only when the
// run itself is broken (no frames decoded, nothing found, or a misread).

#include <cstdio>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "scene_eval.hpp"

using namespace medkiosk::test;

namespace {

void print_load(const char* when) {
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3)
        std::printf("machine load %s: %.2f %.2f %.2f (1/5/15 min)\n", when, load[0], load[1], load[2]);
}

int usage() {
    std::fprintf(stderr,
                 "usage: scanner_live_bench [--smoke] [--seed N] [--count K] [--width W --height H] "
                 "[--symbology NAME] [--distractor NAME] [--no-h264] [--verbose] [--clip I]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t seed = 1;
    int count = 48;
    int only_clip = -1;
    bool smoke = false, verbose = false;
    SceneOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--smoke") {
            smoke = true;
        } else if (arg == "--verbose") {
            verbose = true;
        } else if (arg == "--no-h264") {
            options.h264 = false;
        } else if (arg == "--seed" && has_value) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--clip" && has_value) {
            only_clip = std::atoi(argv[++i]);
        } else if (arg == "--count" && has_value) {
            count = std::atoi(argv[++i]);
        } else if (arg == "--width" && has_value) {
            options.width = std::atoi(argv[++i]);
        } else if (arg == "--height" && has_value) {
            options.height = std::atoi(argv[++i]);
        } else if (arg == "--symbology" && has_value) {
            options.symbology = argv[++i];
        } else if (arg == "--distractor" && has_value) {
            options.distractor = argv[++i];
        } else {
            return usage();
        }
    }
    if (smoke) {  // a few clips at 720p: shows the harness still works, not what it measures
        options.width = 1280;
        options.height = 720;
        count = 4;
    }
    if (count <= 0 || options.width < 320 || options.height < 240) return usage();
    cv::setNumThreads(1);  // the targets are per core
    std::printf("scenes: seed %llu, %d clips at %dx%d%s\n", static_cast<unsigned long long>(seed), count,
                options.width, options.height, options.h264 ? "" : ", JPEG only");
    print_load("at start");

    SceneRunner runner;
    std::vector<ClipOutcome> outcomes;
    for (int index = 0; index < count; ++index) {
        if (only_clip >= 0 && index != only_clip) continue;
        const SceneClip clip = make_scene_clip(seed, index, options);
        ClipOutcome outcome = runner.run(clip, true);
        const bool bad = !outcome.found || outcome.latency_frames > 2 || outcome.misreads > 0 ||
                         outcome.duplicate_events > 0 || outcome.naive_only > 0;
        if (verbose || bad) {
            std::printf("%s %s: %s, event at %d (still from %d), zxing %s\n", bad ? "MISS" : "ok  ",
                        outcome.description.c_str(), outcome.found ? "found" : "NOT FOUND",
                        outcome.event_frame, outcome.first_still_frame,
                        outcome.naive_found ? "read it" : "did not read it");
            for (const auto& text : outcome.misread_texts) std::printf("     misread %s\n", text.c_str());
            for (const auto& note : outcome.naive_only_notes)
                std::printf("     zxing only: %s\n", note.c_str());
            if (outcome.duplicate_events > 0)
                std::printf("     %d duplicate events\n", outcome.duplicate_events);
            if (verbose)
                for (const auto& line : outcome.frame_log) std::printf("     %s\n", line.c_str());
        }
        if (outcome.distractor_expected && !outcome.distractor_found)
            std::printf("note %s: the distractor, whole in view while still, never had an event\n",
                        outcome.description.c_str());
        outcomes.push_back(std::move(outcome));
    }
    std::printf("\n");
    const bool full_hd = options.width == 1920 && options.height == 1080;
    const SceneSummary summary = summarise(outcomes, Targets{}, full_hd, stdout);
    if (!full_hd) std::printf("(time targets apply at 1920x1080 only)\n");
    print_load("at end");
    if (smoke) {
        const bool broken = summary.found == 0 || summary.misreads > 0 || summary.naive_p50 <= 0;
        std::printf("smoke: %s\n", broken ? "BROKEN" : "the benchmark runs");
        return broken ? 1 : 0;
    }
    std::printf("%s\n", summary.misses.empty() ? "every target met" : "TARGETS MISSED");
    return summary.misses.empty() ? 0 : 1;
}
