// Seeded scenes through the live decoding path (TrackingDecoder + CodeConfirmer) beside plain zxing-cpp on
// the same frames: a fixed set of CI seeds with forward-only thresholds, and one clip for each kind of
// code issue 13 found missed. The benchmark (tests/bench/scanner_live_bench) runs the same harness on
// any seeds, with the tables and the time targets.

#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <numbers>
#include <random>
#include <set>

#include "sample_expectations.hpp"
#include "scene_eval.hpp"

using namespace medkiosk::test;
using medkiosk::scanner::TrackingDecoder;

namespace {

void print_misses(const ClipOutcome& outcome) {
    std::cout << "[scene] " << outcome.description << ": " << (outcome.found ? "found" : "NOT FOUND")
              << ", event at " << outcome.event_frame << " (still from " << outcome.first_still_frame
              << ")\n";
    for (const auto& text : outcome.misread_texts) std::cout << "[scene]    misread " << text << "\n";
    for (const auto& note : outcome.naive_only_notes) std::cout << "[scene]    zxing only: " << note << "\n";
}

// A clip's primary code reported, read right, within 2 frames of being still, and every code plain
// zxing-cpp read reported too.
void expect_reported_in_time(const ClipOutcome& outcome) {
    SCOPED_TRACE(outcome.description);
    if (!outcome.found || outcome.latency_frames > 2 || outcome.misreads || outcome.naive_only)
        print_misses(outcome);
    EXPECT_TRUE(outcome.found);
    EXPECT_LE(outcome.latency_frames, 2);
    EXPECT_EQ(outcome.misreads, 0);
    EXPECT_EQ(outcome.naive_only, 0);
}

// The CI seed set: never used while tuning the decoder (the tuning seeds were 1 and 2; the unseen gate
// seeds of the closing note are others again). Thresholds are what the decoder achieves here and only
// ever go up.
struct SeedSet {
    std::uint64_t seed;
    int clips;
    int min_found;
    // Frames where plain zxing-cpp read a code (the primary or the distractor beside it) that the pipeline
    // did not report within 2 frames. Issue 13's target is 0; the decoder meets it on these seeds, and it
    // stays 0.
    int max_naive_only;
};
// One test per seed, so each stays well inside the suite's per-test timeout on a busy machine.
constexpr SeedSet kCiSeeds[] = {{7001, 12, 12, 0}, {7002, 12, 12, 0}};

void PrintTo(const SeedSet& set, std::ostream* os) {
    *os << "seed " << set.seed;
}

class scannerScenes : public ::testing::TestWithParam<SeedSet> {};

TEST_P(scannerScenes, FixedSeedMeetsItsThresholds) {
    const SeedSet& set = GetParam();
    SceneRunner runner;
    std::vector<ClipOutcome> outcomes;
    for (int index = 0; index < set.clips; ++index) {
        ClipOutcome outcome = runner.run(make_scene_clip(set.seed, index), true);
        if (!outcome.found || outcome.latency_frames > 2 || outcome.misreads || outcome.duplicate_events ||
            outcome.naive_only)
            print_misses(outcome);
        outcomes.push_back(std::move(outcome));
    }
    const SceneSummary summary = summarise(outcomes, Targets{}, false, stdout);
    std::cout << "[scene] seed " << set.seed << ": " << summary.found << "/" << summary.clips
              << " found (minimum " << set.min_found << "), late " << summary.late << ", misreads "
              << summary.misreads << ", duplicates " << summary.duplicates << ", read by zxing only "
              << summary.naive_only << " (maximum " << set.max_naive_only << ")\n";
    if (summary.found > set.min_found || summary.naive_only < set.max_naive_only)
        std::cout << "[scene] UNEXPECTED SUCCESS: tighten the thresholds of seed " << set.seed
                  << " in scene_test.cpp\n";
    EXPECT_GE(summary.found, set.min_found);
    EXPECT_EQ(summary.misreads, 0);
    EXPECT_EQ(summary.duplicates, 0);
    EXPECT_EQ(summary.late, 0) << "first events more than 2 frames after the code was still";
    EXPECT_LE(summary.naive_only, set.max_naive_only)
        << "codes plain zxing-cpp read that the pipeline did not report in time";
}

INSTANTIATE_TEST_SUITE_P(CiSeeds, scannerScenes, ::testing::ValuesIn(kCiSeeds),
                         [](const ::testing::TestParamInfo<SeedSet>& param_info) {
                             return "seed_" + std::to_string(param_info.param.seed);
                         });

// Issue 13's misses, one clip each: the kind of code, turned as it was, held up in a generated scene.
struct MissClass {
    const char* name;
    const char* symbology;
    double rotation;  // degrees, [0, 360)
    double width;     // the symbol's width in pixels; 0: the generator's choice
};

void PrintTo(const MissClass& miss, std::ostream* os) {
    *os << miss.name;
}

// A clip of the miss class; with a width asked for, the module is adjusted until the symbol has it.
SceneClip miss_clip(const MissClass& miss, int index) {
    SceneOptions options;
    options.symbology = miss.symbology;
    options.fixed_rotation = miss.rotation;
    if (miss.width <= 0) return make_scene_clip(1300, index, options);
    options.fixed_module = 2.5;
    SceneClip clip = make_scene_clip(1300, index, options);
    options.fixed_module *= miss.width / clip.symbol_width_pixels;
    return make_scene_clip(1300, index, options);
}

class scannerMissClass : public ::testing::TestWithParam<MissClass> {};

TEST_P(scannerMissClass, IsReportedWithinTwoFramesOfBeingStill) {
    const MissClass& miss = GetParam();
    // Three clips of the kind, each with its own scene, size and camera.
    for (int index = 0; index < 3; ++index) {
        SceneRunner runner;
        const SceneClip clip = miss_clip(miss, index);
        if (miss.width > 0) {
            EXPECT_NEAR(clip.symbol_width_pixels, miss.width, 0.1 * miss.width);
        }
        expect_reported_in_time(runner.run(clip, true));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Issue13, scannerMissClass,
    ::testing::Values(MissClass{"datamatrix_95", "gs1-datamatrix", 95, 0},
                      MissClass{"datamatrix_185", "gs1-datamatrix", 185, 0},
                      MissClass{"datamatrix_minus_40", "gs1-datamatrix", 320, 0},
                      MissClass{"datamatrix_minus_65", "gs1-datamatrix", 295, 0},
                      MissClass{"trace_code_minus_85", "code128", 275, 0},
                      // About 800 px wide: DataBar Expanded with four AIs is 300-400 modules.
                      MissClass{"databar_expanded_800px", "databar-expanded", 8, 800}),
    [](const ::testing::TestParamInfo<MissClass>& param_info) { return std::string(param_info.param.name); });

// Clips of unseen seeds the pipeline got wrong, replayed as they were generated.
// - 8302/22, 8306/15: missed, and plain zxing-cpp did not read them either. Both are a small GS1 DataMatrix
//   tilted about 13 degrees with a QR code beside it: the finder gave the DataMatrix as a group of one-way
//   edges centred off it (its crop never held the whole symbol), and a larger crop that held both gave
//   zxing's one symbol, the QR code already read.
// - 8409/22: a GS1-128 1750 px wide at 333 degrees, read, with a plain DataBar printed below it that plain
//   zxing-cpp read in 5 frames and the pipeline never: the ground taken as the GS1-128's reached 0.15 of
//   its length (260 px) to either side of its scan line, where its bars reach 95, and hid the DataBar.
// Clips of the development seeds of the same search, moving in along their bars at 60-100 px a frame:
// - 61003/5: a UPC-A at 84 degrees read in frame 2, unread in the next two, which plain zxing-cpp read in
//   frames 2-3; the event came in frame 6, when the box slowed down. The smear along the bars filled the
//   spaces in the middle rows a band scans, and only rows near the bars' ends read.
// - 61005/0: a plain DataBar distractor beside a Code 128, read by plain zxing-cpp in frames 2-3 and by
//   the pipeline not before frame 7, the same way.
// - 61001/4: a DataBar Expanded 923 px long at 74 degrees with an EAN-8 beside it: never reported (its
//   middle rows did not read) and, once read in all its rows, lost every other frame by a band cut along its
//   first pair only; reading it again in its region left the EAN-8 no budget until frame 9 (zxing: 6).
// - 61005/5: a Code128 853 px long standing upright, with an EAN-13 distractor cut by the frame's right
//   edge beside it, still: plain zxing-cpp read the EAN-13 in frame 8 and the pipeline not before 14 (the
//   band along its scan line ran out of the frame). Read along the frame's columns it came at once; but
//   until it was also followed so, its region was read anew every frame, first of all, and kept the
//   frame's budget from the Code128, which was never reported.
struct ReplayedClip {
    const char* name;
    std::uint64_t seed;
    int index;
};

void PrintTo(const ReplayedClip& clip, std::ostream* os) {
    *os << clip.name;
}

class scannerReplayedMiss : public ::testing::TestWithParam<ReplayedClip> {};

TEST_P(scannerReplayedMiss, IsReportedWithinTwoFramesOfBeingStill) {
    const ReplayedClip& replay = GetParam();
    SceneRunner runner;
    const ClipOutcome outcome = runner.run(make_scene_clip(replay.seed, replay.index), true);
    expect_reported_in_time(outcome);
    EXPECT_EQ(outcome.duplicate_events, 0) << outcome.description;
}

INSTANTIATE_TEST_SUITE_P(UnseenSeeds, scannerReplayedMiss,
                         ::testing::Values(ReplayedClip{"datamatrix_134px_beside_qr_8302_22", 8302, 22},
                                           ReplayedClip{"datamatrix_101px_beside_qr_8306_15", 8306, 15},
                                           ReplayedClip{"databar_below_a_long_gs1_128_8409_22", 8409, 22},
                                           ReplayedClip{"upca_moving_along_its_bars_61003_5", 61003, 5},
                                           ReplayedClip{"databar_moving_along_its_bars_61005_0", 61005, 0},
                                           ReplayedClip{"long_databar_expanded_followed_61001_4", 61001, 4},
                                           ReplayedClip{"ean13_cut_by_the_frame_edge_61005_5", 61005, 5}),
                         [](const ::testing::TestParamInfo<ReplayedClip>& param_info) {
                             return std::string(param_info.param.name);
                         });

// A linear symbol turned 30-60 degrees and cut by the frame's edge, held still beside another code the
// pipeline follows: a seed's EAN-8 distractor at the top of the frame, beside a GS1-128 read from the first
// still frame (61035/8 with an EAN-8 asked for as the distractor), was read by plain zxing-cpp in 4 still
// frames and never reported. The band along its scan line ran out of the frame and read nothing, the
// region was not read as it lies (its modules were too wide for that), and no idle full-frame slice ran
// while the other code was followed; yet the frame's rows, which stay inside it, crossed all of its bars.
// Each frame here is a still cut at one edge with a DataMatrix pasted far from it; wherever plain zxing-cpp
// reads the cut code, the live decoder must too, within two frames.
TEST(scannerFrameEdge, CodeCutByTheFrameEdgeThatZxingReadsIsReadBesideAFollowedOne) {
    constexpr int kWidth = 1280, kHeight = 720, kPad = 320, kPatch = 240;
    struct Edge {
        const char* name;
        cv::Point2f centre;  // of the cut symbol in the padded still, before it is cut to the frame
        cv::Point2f other;   // of the DataMatrix in the frame, far from the cut symbol
    };
    // The symbol's centre a little inside the frame's edge: about a third of it lies beyond.
    const Edge edges[] = {
        {"top", {kPad + 0.55f * kWidth, kPad + 60.f}, {0.2f * kWidth, 0.75f * kHeight}},
        {"bottom", {kPad + 0.45f * kWidth, kPad + kHeight - 60.f}, {0.8f * kWidth, 0.25f * kHeight}},
        {"left", {kPad + 70.f, kPad + 0.35f * kHeight}, {0.8f * kWidth, 0.7f * kHeight}},
        {"right", {kPad + kWidth - 70.f, kPad + 0.6f * kHeight}, {0.2f * kWidth, 0.3f * kHeight}}};
    std::mt19937_64 random(61035);
    const SyntheticCode other = random_code("gs1-datamatrix", random);
    int zxing_read = 0, live_read = 0, busy_frames = 0, misreads = 0;
    std::string missed;
    for (const char* symbology : {"ean8", "ean13"}) {
        const SyntheticCode code = random_code(symbology, random);
        for (const Edge& edge : edges)
            for (const double angle : {30.0, 40.0, 50.0, 60.0, 120.0, 130.0, 140.0, 150.0}) {
                const auto seed = static_cast<std::uint64_t>(angle) * 31 + 7;
                const cv::Mat padded =
                    make_still(code, angle, 4.5, kWidth + 2 * kPad, kHeight + 2 * kPad, seed, edge.centre);
                cv::Mat frame = padded(cv::Rect(kPad, kPad, kWidth, kHeight)).clone();
                // Plain zxing-cpp reads one symbol an image, so it judges the cut code alone.
                const std::vector<NaiveRead> naive = read_naively({frame});
                if (naive.empty() || !same_code_text(code.expected_text, naive[0].text)) continue;
                ++zxing_read;
                const cv::Rect patch(static_cast<int>(edge.other.x) - kPatch / 2,
                                     static_cast<int>(edge.other.y) - kPatch / 2, kPatch, kPatch);
                make_still(other, 0, 6, kWidth, kHeight, seed, edge.other)(patch).copyTo(frame(patch));
                // Idle full-frame slices run only in frames where nothing was read: each frame here must
                // give a symbol, or the cut code may be read by them instead.
                TrackingDecoder live;
                bool read = false, never_idle = true;
                for (int f = 0; f < 2; ++f) {
                    const auto symbols =
                        live.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
                    never_idle = never_idle && !symbols.empty();
                    for (const auto& symbol : symbols) {
                        if (same_code_text(code.expected_text, symbol.text))
                            read = true;
                        else if (!same_code_text(other.expected_text, symbol.text))
                            ++misreads;
                    }
                }
                busy_frames += never_idle;
                if (read)
                    ++live_read;
                else
                    missed.append(" ").append(symbology).append("/").append(edge.name).append("/").append(
                        std::to_string(static_cast<int>(angle)));
            }
    }
    std::cout << "[edge] plain zxing-cpp read " << zxing_read << " of 64 cut codes, the live decoder "
              << live_read << " of those (both frames gave a symbol in " << busy_frames
              << "); missed:" << missed << "\n";
    EXPECT_GE(zxing_read, 8) << "too few codes plain zxing-cpp reads to judge by";
    EXPECT_EQ(busy_frames, zxing_read) << "a frame that gave nothing ran an idle pass, which reads cut codes";
    EXPECT_EQ(live_read, zxing_read) << "missed:" << missed;
    EXPECT_EQ(misreads, 0);
}

// A linear symbol whose scan line runs into the frame's edge, cut there just past its end guard, beside a
// code the pipeline follows: a seed's EAN-8 distractor cut so at the frame's bottom, standing upright
// (62002/6), was read by plain zxing-cpp in 9 frames and never reported. The band along its scan line
// repeated the frame's last row beyond the edge, a bar of the end guard there, which filled the quiet zone;
// plain zxing-cpp's line ends at the edge. And an EAN of 5-6 px modules standing upright came as two regions
// 40-56 px apart (wide bars and spaces have no edges inside), neither of which held the whole symbol.
// Wherever plain zxing-cpp reads such a cut symbol, the live decoder must too, within two frames.
TEST(scannerFrameEdge, CodeCutJustPastItsEndGuardThatZxingReadsIsReadBesideAFollowedOne) {
    constexpr int kWidth = 1280, kHeight = 720;
    std::mt19937_64 random(62002);
    const SyntheticCode other = random_code("gs1-datamatrix", random);
    int cases = 0, zxing_read = 0, live_read = 0, misreads = 0;
    std::string missed;
    for (const char* symbology : {"ean8", "ean13", "upca", "code128"}) {
        const SyntheticCode code = random_code(symbology, random);
        const cv::Mat symbol = render_symbol(code, 40);
        // The symbol's bars, in modules from the rendering's middle: they end at its last dark column.
        int last_dark = 0;
        for (int x = 0; x < symbol.cols; ++x)
            if (cv::countNonZero(symbol.col(x) < 128) > 0) last_dark = x;
        const double bars_end = last_dark + 1 - symbol.cols / 2.0;
        // The scan line runs down, right, up and left into the frame's edge, square to it or slanted.
        for (const double edge_angle : {90.0, 0.0, 270.0, 180.0})
            for (const double slant : {-12.0, 0.0, 9.0})
                // Half a module of quiet zone left, none, or the frame's edge through the end guard's
                // last bar.
                for (const double inset : {0.5, 0.0, -0.3}) {
                    ++cases;
                    const double angle = edge_angle + slant;
                    const double module = 3 + cases % 4;  // 3 to 6 px
                    const double radians = angle * std::numbers::pi / 180;
                    const cv::Point2f along(static_cast<float>(std::cos(radians)),
                                            static_cast<float>(std::sin(radians)));
                    // The end guard's outer edge on the scan line through the middle, `inset` modules inside
                    // the edge the line runs into.
                    const cv::Point2f middle(kWidth * (0.4f + 0.04f * static_cast<float>(cases % 5)),
                                             kHeight * (0.45f + 0.03f * static_cast<float>(cases % 3)));
                    const double to_edge = std::abs(along.x) > std::abs(along.y)
                                               ? ((along.x > 0 ? kWidth : 0) - middle.x) / along.x
                                               : ((along.y > 0 ? kHeight : 0) - middle.y) / along.y;
                    const cv::Point2f centre =
                        middle + along * static_cast<float>(to_edge - inset * module - bars_end * module);
                    cv::Mat frame = make_scene(kWidth, kHeight, static_cast<unsigned>(cases));
                    place_symbol(frame, symbol, Placement{centre, angle, module, 0, 1});
                    // The followed code, far from the cut one.
                    const cv::Point2f far(centre.x < kWidth / 2.f ? kWidth * 0.8f : kWidth * 0.2f,
                                          centre.y < kHeight / 2.f ? kHeight * 0.75f : kHeight * 0.25f);
                    place_symbol(frame, render_symbol(other), Placement{far, 10, 6, 0, 1});
                    blur_and_noise(frame, 0.7, 2.5, static_cast<unsigned>(cases));
                    // Plain zxing-cpp reads one symbol an image: judged on the frame without the other code.
                    cv::Mat alone = make_scene(kWidth, kHeight, static_cast<unsigned>(cases));
                    place_symbol(alone, symbol, Placement{centre, angle, module, 0, 1});
                    blur_and_noise(alone, 0.7, 2.5, static_cast<unsigned>(cases));
                    const std::vector<NaiveRead> naive = read_naively({alone});
                    if (naive.empty() || !same_code_text(code.expected_text, naive[0].text)) continue;
                    ++zxing_read;
                    TrackingDecoder live;
                    bool read = false;
                    for (int f = 0; f < 2; ++f)
                        for (const auto& found : live.decode_grey(frame.data, frame.cols, frame.rows,
                                                                  static_cast<int>(frame.step))) {
                            if (same_code_text(code.expected_text, found.text))
                                read = true;
                            else if (!same_code_text(other.expected_text, found.text))
                                ++misreads;
                        }
                    if (read)
                        ++live_read;
                    else
                        missed.append(" ")
                            .append(symbology)
                            .append("/")
                            .append(std::to_string(static_cast<int>(angle)))
                            .append("/")
                            .append(std::to_string(inset));
                }
    }
    std::cout << "[edge] plain zxing-cpp read " << zxing_read << " of " << cases
              << " codes cut past their end guard, the live decoder " << live_read
              << " of those; missed:" << missed << "\n";
    EXPECT_GE(zxing_read, cases / 2) << "too few codes plain zxing-cpp reads to judge by";
    // Issue 13's target, 99% of codes: a band scans the middle rows of the bars, and a symbol slanted into
    // the edge keeps its end guard only on the rows to one side (a UPC-A at 76 degrees with the edge at
    // its end guard was read by plain zxing-cpp's columns and not here).
    EXPECT_GE(live_read * 100, zxing_read * 99) << "missed:" << missed;
    EXPECT_EQ(misreads, 0);
}

// A linear symbol standing on the frame's edge, its scan line running into it: wide modules (4-6 px) split
// its bars into pieces the finder did not join (their gaps, 48 px of wide bars and spaces without edges,
// are wider than a pack's quiet zone at 3 px), so no band held the whole symbol; and one cut through its
// guard, which plain zxing-cpp reads along the frame's columns from the edge, was read in a band but never
// confirmed. Both waited for the whole-frame pass, in the third frame or later (red team rt49 s1/0012,
// s2/0043). Every symbol plain zxing-cpp reads so is to be reported within two frames.
TEST(scannerFrameEdge, CodeStandingOnTheEdgeWithWideModulesIsReadWithinTwoFrames) {
    constexpr int kWidth = 1280, kHeight = 720;
    std::mt19937_64 random(5003);
    int cases = 0, zxing_read = 0, live_read = 0, misreads = 0;
    std::string missed;
    for (const char* symbology : {"code128", "ean13", "ean8", "upca"}) {
        const SyntheticCode code = random_code(symbology, random);
        const cv::Mat symbol = render_symbol(code, 40);
        // The bars' first and last dark columns, in modules from the rendering's middle.
        int first_dark = symbol.cols, last_dark = 0;
        for (int x = 0; x < symbol.cols; ++x)
            if (cv::countNonZero(symbol.col(x) < 128) > 0)
                first_dark = std::min(first_dark, x), last_dark = x;
        for (const double edge_angle : {90.0, 0.0, 270.0, 180.0})
            for (const bool end_on_edge : {true, false})
                for (const double module : {4.0, 5.0, 6.0})
                    // 1.5 modules of quiet zone left; the edge through the guard's last bar; beyond it.
                    for (const double inset : {1.5, -0.6, -1.0}) {
                        ++cases;
                        const double radians = edge_angle * std::numbers::pi / 180;
                        const cv::Point2f along(static_cast<float>(std::cos(radians)),
                                                static_cast<float>(std::sin(radians)));
                        const cv::Point2f middle(kWidth * (0.35f + 0.06f * static_cast<float>(cases % 5)),
                                                 kHeight * (0.4f + 0.05f * static_cast<float>(cases % 4)));
                        const double to_edge = std::abs(along.x) > std::abs(along.y)
                                                   ? ((along.x > 0 ? kWidth : 0) - middle.x) / along.x
                                                   : ((along.y > 0 ? kHeight : 0) - middle.y) / along.y;
                        // The symbol's end or its start towards the edge.
                        const double reach =
                            end_on_edge ? last_dark + 1 - symbol.cols / 2.0 : symbol.cols / 2.0 - first_dark;
                        const cv::Point2f centre =
                            middle + along * static_cast<float>(to_edge - (inset + reach) * module);
                        const double angle = end_on_edge ? edge_angle : edge_angle + 180;
                        cv::Mat frame = make_scene(kWidth, kHeight, static_cast<unsigned>(cases));
                        place_symbol(frame, symbol, Placement{centre, angle, module, 0, 1});
                        blur_and_noise(frame, 0.7, 2.5, static_cast<unsigned>(cases));
                        const std::vector<NaiveRead> naive = read_naively({frame});
                        if (naive.empty() || !same_code_text(code.expected_text, naive[0].text)) continue;
                        ++zxing_read;
                        TrackingDecoder live;
                        bool read = false;
                        for (int f = 0; f < 2; ++f)
                            for (const auto& found : live.decode_grey(frame.data, frame.cols, frame.rows,
                                                                      static_cast<int>(frame.step))) {
                                if (same_code_text(code.expected_text, found.text))
                                    read = true;
                                else
                                    ++misreads;
                            }
                        if (read)
                            ++live_read;
                        else
                            missed.append(" ")
                                .append(symbology)
                                .append("/")
                                .append(std::to_string(static_cast<int>(angle)))
                                .append("/m")
                                .append(std::to_string(static_cast<int>(module)))
                                .append("/")
                                .append(std::to_string(inset));
                    }
    }
    std::cout << "[edge] plain zxing-cpp read " << zxing_read << " of " << cases
              << " codes standing on the frame's edge, the live decoder " << live_read
              << " of those within two frames; missed:" << missed << "\n";
    EXPECT_GE(zxing_read, cases / 2) << "too few codes plain zxing-cpp reads to judge by";
    // The goal is all of them; the threshold only moves forward (176 of 193 before pieces were joined where
    // bars go on between them, and an unconfirmed read was read along the lines running into the edge).
    // Missed still: EANs whose guard's last bar lies wholly beyond the edge, which plain zxing-cpp reads only
    // at half size; read so too along those lines whenever a band gives nothing, they were read here, but
    // those reads of every region at the edge delayed other symbols beyond two frames (seed 7001 clip 9,
    // seed 1300 clip 2).
    EXPECT_GE(live_read, 188) << "missed:" << missed;
    EXPECT_EQ(misreads, 0);
}

// Two linear symbols printed end to end on one label, the second cut by the frame's edge: the finder joins
// them into one region, and read whole it gives one of them. Once the cut one read (its quiet zone beyond
// the edge light), the other, wholly inside the frame, was never reported (red team rt49 p1: a Code 128 on
// the top edge and an EAN-13 40 px after it). Every code plain zxing-cpp reads of the two, each alone on
// the label, is reported within two frames. (48 of 64 were before the part beyond a read symbol was read in
// a band of its own and an EAN's check read kept to its quiet zones.)
TEST(scannerFrameEdge, TwoCodesEndToEndOneCutByTheEdgeAreBothRead) {
    constexpr int kWidth = 1920, kHeight = 1080;
    std::mt19937_64 random(4901);
    // The bars' first and last dark columns of a rendering.
    const auto bars_of = [](const cv::Mat& symbol) {
        int first = symbol.cols, last = 0;
        for (int x = 0; x < symbol.cols; ++x)
            if (cv::countNonZero(symbol.col(x) < 128) > 0) first = std::min(first, x), last = x;
        return std::pair{first, last};
    };
    int cases = 0, zxing_read = 0, live_read = 0, misreads = 0;
    std::string missed;
    for (const auto& [cut_kind, inside_kind] : {std::pair{"code128", "ean13"}, std::pair{"ean13", "code128"},
                                                std::pair{"upca", "ean8"}, std::pair{"ean8", "upca"}}) {
        const SyntheticCode cut_code = random_code(cut_kind, random),
                            inside_code = random_code(inside_kind, random);
        const cv::Mat cut_symbol = render_symbol(cut_code, 40),
                      inside_symbol = render_symbol(inside_code, 40);
        for (const double angle : {90.0, 0.0, 270.0, 180.0})
            for (const double gap : {40.0, 80.0}) {
                ++cases;
                const double module = 3 + cases % 2;
                // Both symbols printed on one label, `gap` px from the inside one's last bar to the cut one's
                // first; either may be left out, the other staying where it was. (Each on a label of its own,
                // the second label's quiet zone covered the first one's end guard, which then nothing read.)
                const int gap_modules = static_cast<int>(std::lround(gap / module));
                const int inside_end = bars_of(inside_symbol).second + 1;
                const int cut_start = bars_of(cut_symbol).first;
                const int rows = std::max(inside_symbol.rows, cut_symbol.rows);
                const int label_width = inside_end + gap_modules + cut_symbol.cols - cut_start;
                const auto label_with = [&](bool cut, bool inside) {
                    cv::Mat label(rows, label_width, CV_8UC1, cv::Scalar(255));
                    if (inside)
                        inside_symbol.colRange(0, inside_end)
                            .copyTo(label(cv::Rect(0, (rows - inside_symbol.rows) / 2, inside_end,
                                                   inside_symbol.rows)));
                    if (cut)
                        cut_symbol.colRange(cut_start, cut_symbol.cols)
                            .copyTo(label(cv::Rect(inside_end + gap_modules, (rows - cut_symbol.rows) / 2,
                                                   cut_symbol.cols - cut_start, cut_symbol.rows)));
                    return label;
                };
                const int cut_last = inside_end + gap_modules + bars_of(cut_symbol).second - cut_start;
                const double radians = angle * std::numbers::pi / 180;
                const cv::Point2f along(static_cast<float>(std::cos(radians)),
                                        static_cast<float>(std::sin(radians)));
                const cv::Point2f middle(kWidth * 0.5f, kHeight * 0.5f);
                const double to_edge = std::abs(along.x) > std::abs(along.y)
                                           ? ((along.x > 0 ? kWidth : 0) - middle.x) / along.x
                                           : ((along.y > 0 ? kHeight : 0) - middle.y) / along.y;
                // The cut symbol's end guard half a module beyond the edge.
                const cv::Point2f centre =
                    middle + along * static_cast<float>(to_edge + 0.5 * module -
                                                        (cut_last + 1 - label_width / 2.0) * module);
                const auto frame_with = [&](bool cut, bool inside) {
                    cv::Mat frame = make_scene(kWidth, kHeight, static_cast<unsigned>(cases));
                    place_symbol(frame, label_with(cut, inside), Placement{centre, angle, module, 0, 1});
                    blur_and_noise(frame, 0.7, 2.5, static_cast<unsigned>(cases));
                    return frame;
                };
                const cv::Mat both = frame_with(true, true);
                TrackingDecoder live;
                std::set<std::string> live_texts;
                for (int f = 0; f < 2; ++f)
                    for (const auto& found :
                         live.decode_grey(both.data, both.cols, both.rows, static_cast<int>(both.step)))
                        live_texts.insert(found.text);
                // Plain zxing-cpp reads one symbol an image: each is judged on a frame of its own.
                for (const auto& [code, alone] : {std::pair{&cut_code, frame_with(true, false)},
                                                  std::pair{&inside_code, frame_with(false, true)}}) {
                    const std::vector<NaiveRead> naive = read_naively({alone});
                    if (naive.empty() || !same_code_text(code->expected_text, naive[0].text)) continue;
                    ++zxing_read;
                    bool read = false;
                    for (const std::string& text : live_texts)
                        read = read || same_code_text(code->expected_text, text);
                    if (read)
                        ++live_read;
                    else
                        missed.append(" ")
                            .append(code->symbology)
                            .append("/")
                            .append(std::to_string(static_cast<int>(angle)))
                            .append("/")
                            .append(std::to_string(static_cast<int>(gap)));
                }
                for (const std::string& text : live_texts)
                    if (!same_code_text(cut_code.expected_text, text) &&
                        !same_code_text(inside_code.expected_text, text))
                        ++misreads;
            }
    }
    std::cout << "[edge] plain zxing-cpp read " << zxing_read << " of " << 2 * cases
              << " codes set end to end, the live decoder " << live_read << " of those; missed:" << missed
              << "\n";
    EXPECT_GE(zxing_read, cases) << "too few codes plain zxing-cpp reads to judge by";
    EXPECT_EQ(live_read, zxing_read) << "missed:" << missed;
    EXPECT_EQ(misreads, 0);
}

}  // namespace
