// The real Tesseract reader on generated box faces (see label_faces.hpp), read frame by frame with
// the kiosk's ≥2-frame agreement. Thresholds from the issue: no wrong date proposed, ≥ 80% right.
// The full set runs in tests/bench/ocr_bench; this is a smaller set with a different seed.

#include <gtest/gtest.h>

#include <iostream>

#include "label_faces.hpp"
#include "ocr_trial.hpp"

namespace {

using namespace medkiosk;

constexpr int kFaces = 24;             // two of each of the 12 printed forms
constexpr std::uint64_t kSeed = 7001;  // not the benchmark's seed
constexpr int kMaxFrames = 4;

TEST(OcrRegression, GeneratedFacesNoWrongDateAndMostRight) {
    const auto fonts = test::ocr::find_label_fonts();
    ASSERT_GE(fonts.size(), 3u)
        << "fontconfig found too few label fonts (fonts-noto-cjk, fonts-wqy-microhei, fonts-arphic-ukai)";
    auto opened = scanner::ocr::TextReader::open();
    ASSERT_TRUE(opened.reader) << opened.error;

    test::ocr::TrialSummary summary;
    for (int index = 0; index < kFaces; ++index) {
        const test::ocr::FaceScene scene(index, kSeed, fonts);
        const auto trial = test::ocr::run_trial(*opened.reader, scene, kMaxFrames);
        summary.add(trial);
        EXPECT_NE(trial.outcome, test::ocr::Outcome::Wrong)
            << "face " << index << ": " << test::ocr::describe(trial);
        if (trial.outcome == test::ocr::Outcome::None)
            std::cout << "face " << index << " not read: " << test::ocr::describe(trial) << "\n";
    }
    std::cout << "right " << summary.right << ", wrong " << summary.wrong << ", none " << summary.none
              << " of " << kFaces << "\n";
    EXPECT_EQ(summary.wrong, 0);
    EXPECT_GE(summary.right * 100, kFaces * 80) << summary.right << " of " << kFaces << " right";
}

TEST(OcrRegression, AnEmptyOrTinyImageReadsNothing) {
    auto opened = scanner::ocr::TextReader::open();
    ASSERT_TRUE(opened.reader) << opened.error;
    const cv::Mat blank(1080, 1920, CV_8U, cv::Scalar(200));
    EXPECT_TRUE(opened.reader->read(scanner::ocr::GreyImage{blank.cols, blank.rows, blank.data, blank.step})
                    .lines.empty());
    const cv::Mat tiny(8, 8, CV_8U, cv::Scalar(0));
    EXPECT_TRUE(opened.reader->read(scanner::ocr::GreyImage{tiny.cols, tiny.rows, tiny.data, tiny.step})
                    .lines.empty());
    scanner::Frame broken;
    broken.width = 1920;
    broken.height = 1080;  // no pixels
    EXPECT_TRUE(opened.reader->read(broken).lines.empty());
}

TEST(OcrRegression, MissingLanguageDataIsAClearError) {
    scanner::ocr::TextReaderOptions options;
    options.tessdata_dir = "/nonexistent/tessdata";
    auto opened = scanner::ocr::TextReader::open(options);
    EXPECT_FALSE(opened.reader);
    EXPECT_NE(opened.error.find("/nonexistent/tessdata"), std::string::npos) << opened.error;

    const auto lookup = scanner::ocr::find_tessdata_dir("chi_sim+klingon");
    EXPECT_TRUE(lookup.dir.empty());
    EXPECT_NE(lookup.error.find("tesseract-ocr-klingon"), std::string::npos) << lookup.error;
}

}  // namespace
