// Large still photos of turned codes: the still decoder reads at least what plain zxing-cpp (tryHarder,
// tryRotate, the same formats) reads and misreads nothing. Seeds here were never used to tune the decoder
// (tuning used seeds 1-10 of scanner_stills_bench --synthetic).
// The time beside zxing-cpp's is printed, not gated: thread CPU time on a shared two-core machine still
// swings by half (zxing-cpp's own 7.0 to 9.8 ms per still in three runs of one build), and a 0.6x gate
// failed CI once at 0.63 where the same build measures 0.33 on a quiet core. The speed target is
// scanner_stills_bench --synthetic's figure (its ratio column), measured and reported with each change.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"
#include "sample_expectations.hpp"
#include "scene_eval.hpp"
#include "scene_generator.hpp"

namespace {

using namespace medkiosk::test;

constexpr std::uint64_t kSeed = 31;
constexpr int kStills = 12;
constexpr int kOurRuns = 5;
constexpr int kZxingRuns = 3;

TEST(TurnedStills, TurnedLargeStillsReadAtLeastAsZxingAndNothingWrong) {
    const std::vector<TurnedStill> stills = make_turned_stills(kStills, kSeed);
    std::vector<cv::Mat> images;
    for (const TurnedStill& still : stills) images.push_back(still.grey);
    cv::setNumThreads(1);
    const medkiosk::scanner::Decoder decoder;

    std::vector<double> ours_ms(images.size(), 1e18);
    std::vector<std::vector<medkiosk::scanner::DecodedSymbol>> ours(images.size());
    cv::Mat handed;
    for (int run = 0; run < kOurRuns; ++run)
        for (std::size_t i = 0; i < images.size(); ++i) {
            const cv::Mat& grey = handed_over(images[i], handed);
            const double started = thread_cpu_ms();
            ours[i] = decoder.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
            ours_ms[i] = std::min(ours_ms[i], thread_cpu_ms() - started);
        }
    std::vector<NaiveRead> zxing = read_naively(images);
    for (int run = 1; run < kZxingRuns; ++run) {
        const std::vector<NaiveRead> again = read_naively(images);
        for (std::size_t i = 0; i < images.size(); ++i)
            if (!again[i].aborted && !zxing[i].aborted)
                zxing[i].cpu_ms = std::min(zxing[i].cpu_ms, again[i].cpu_ms);
    }

    int ours_read = 0, zxing_read = 0;
    double ours_total = 0, zxing_total = 0;
    std::string misses;
    for (std::size_t i = 0; i < images.size(); ++i) {
        bool read = false;
        for (const auto& symbol : ours[i]) {
            EXPECT_TRUE(same_code_text(stills[i].expected_text, symbol.text))
                << "misread " << stills[i].description << ": " << symbol.format << " '" << symbol.text << "'";
            read = read || same_code_text(stills[i].expected_text, symbol.text);
        }
        ours_read += read;
        if (!read) misses.append(" [").append(stills[i].description).append("]");
        if (zxing[i].aborted) continue;  // zxing-cpp 1.4 aborts on some DataBar: neither counted nor timed
        zxing_read += same_code_text(stills[i].expected_text, zxing[i].text);
        ours_total += ours_ms[i];
        zxing_total += zxing[i].cpu_ms;
    }
    ASSERT_GT(zxing_total, 0) << "zxing-cpp aborted on every still: nothing to compare with";
    const double ratio = ours_total / zxing_total;
    std::cout << "[stills speed] seed " << kSeed << ": read " << ours_read << " vs zxing-cpp " << zxing_read
              << " of " << images.size() << "; " << ours_total / static_cast<double>(images.size()) << " vs "
              << zxing_total / static_cast<double>(images.size()) << " ms per still, ratio " << ratio << "\n";
    EXPECT_GE(ours_read, zxing_read) << "not read:" << misses;
}

}  // namespace
