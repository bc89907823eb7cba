// medkioskctl ocr --json on generated box faces written as image files, and on bad files.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "label_faces.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace medkiosk;

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream stream(out);
    for (std::string line; std::getline(stream, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(OcrCli, OneLinePerImageAndAnErrorLineForABadFile) {
    const auto fonts = test::ocr::find_label_fonts();
    ASSERT_FALSE(fonts.empty());
    test::TempDir dir;
    // An English face ("EXP: YYYY-MM-DD" with a LOT) and a Chinese one (有效期至 YYYY年MM月DD日).
    auto plain = [](test::ocr::Form form, scanner::Date date, std::uint64_t seed, bool english) {
        test::ocr::FaceSpec spec;
        spec.form = form;
        spec.date = date;
        spec.seed = seed;
        spec.extra_fields = false;
        spec.english_labels = english;
        spec.batch_label = english ? "LOT" : "批号";
        spec.expiry_label = english ? "EXP" : "有效期至";
        spec.text_px = 28;
        spec.roll_degrees = 6;
        spec.blur_sigma = 0.8;
        return spec;
    };
    const test::ocr::FaceScene english(plain(test::ocr::Form::ExpIso, {2028, 7, 19}, 601, true), fonts);
    const test::ocr::FaceScene chinese(plain(test::ocr::Form::CnYearMonthDay, {2027, 2, 3}, 602, false),
                                       fonts);
    const auto english_file = (dir.path() / "english.png").string();
    const auto chinese_file = (dir.path() / "chinese.jpg").string();
    ASSERT_TRUE(cv::imwrite(english_file, english.frame(0)));
    ASSERT_TRUE(cv::imwrite(chinese_file, chinese.frame(0)));
    const auto broken_file = (dir.path() / "broken.png").string();
    std::ofstream(broken_file) << "not a picture";
    const auto blank_file = (dir.path() / "blank.png").string();
    ASSERT_TRUE(cv::imwrite(blank_file, cv::Mat(480, 640, CV_8UC3, cv::Scalar(230, 230, 230))));

    const auto result = test::run_ctl({"ocr", "--json", english_file, broken_file, chinese_file, blank_file,
                                       (dir.path() / "missing.png").string()});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 5u) << result.out;

    EXPECT_EQ(lines[0]["file"], english_file);
    EXPECT_EQ(lines[0].value("expiry", ""), scanner::to_iso(*english.truth().expiry)) << lines[0].dump();
    EXPECT_EQ(lines[0].value("expiry_precision", ""), "day");
    EXPECT_EQ(lines[0].value("batch", ""), english.truth().batch);
    EXPECT_TRUE(lines[0].contains("source_text"));

    EXPECT_EQ(lines[1]["file"], broken_file);
    EXPECT_TRUE(lines[1].contains("error"));
    EXPECT_FALSE(lines[1].contains("expiry"));

    EXPECT_EQ(lines[2].value("expiry", ""), scanner::to_iso(*chinese.truth().expiry)) << lines[2].dump();

    EXPECT_EQ(lines[3]["file"], blank_file);  // readable but nothing printed: keys absent, no error
    EXPECT_FALSE(lines[3].contains("expiry"));
    EXPECT_FALSE(lines[3].contains("batch"));
    EXPECT_FALSE(lines[3].contains("error"));

    EXPECT_TRUE(lines[4].contains("error"));
}

TEST(OcrCli, UsageErrors) {
    EXPECT_EQ(test::run_ctl({"ocr"}).exit_code, 2);
    EXPECT_EQ(test::run_ctl({"ocr", "--bogus", "x.png"}).exit_code, 2);
}

TEST(OcrCli, ATessdataPrefixWithoutModelsIsReported) {
    test::TempDir dir;
    const auto result =
        test::run_process({MEDKIOSKCTL_PATH, "ocr", "--json", "x.png"}, {}, std::chrono::seconds(60),
                          {"TESSDATA_PREFIX=" + dir.path().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("TESSDATA_PREFIX"), std::string::npos) << result.err;
}

}  // namespace
