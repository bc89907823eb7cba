// medkioskctl scan / parse as a technician runs them.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "json_lines.hpp"
#include "medkiosk/scanner/demo_source.hpp"
#include "scene_generator.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"

using medkiosk::test::json_lines;
using medkiosk::test::run_ctl;
using nlohmann::json;

namespace {

// A generated still of `code` (libzint, turned a little, on a cluttered counter) as a PNG in `dir`.
std::string write_code_image(const medkiosk::test::TempDir& dir, const std::string& name,
                             const medkiosk::test::SyntheticCode& code, double angle = 7) {
    const std::string path = (dir.path() / name).string();
    const cv::Mat still =
        medkiosk::test::make_still(code, angle, 5, 800, 600, std::hash<std::string>{}(name));
    EXPECT_TRUE(cv::imwrite(path, still)) << path;
    return path;
}

TEST(scannerCli, ScanJsonReadsAGeneratedGs1DataMatrixExactly) {
    medkiosk::test::TempDir dir;
    const auto code = medkiosk::test::gs1_datamatrix_code("09501101530003", "270531", "AB1234", "SN42");
    const std::string image = write_code_image(dir, "pack.png", code);
    const auto result = run_ctl({"scan", "--json", image});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 1u) << result.out;
    EXPECT_EQ(lines[0]["file"], image);
    ASSERT_EQ(lines[0]["codes"].size(), 1u);
    const json& found = lines[0]["codes"][0];
    EXPECT_EQ(found["format"], "DataMatrix");
    EXPECT_EQ(found["symbology"], "]d2");
    EXPECT_EQ(found["text"], code.expected_text);
    EXPECT_EQ(found["pack"]["gtin"], "09501101530003");
    EXPECT_EQ(found["pack"]["serial"], "SN42");
    EXPECT_TRUE(lines[0]["ms"].is_number());
}

TEST(scannerCli, ScanEan13ImageParsesAsGtin) {
    medkiosk::test::TempDir dir;
    const std::string image =
        write_code_image(dir, "box.png", medkiosk::test::ean13_code("978076454420"), -12);
    const auto result = run_ctl({"scan", "--json", image});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 1u);
    const json& code = lines[0]["codes"].at(0);
    EXPECT_EQ(code["text"], "9780764544200");
    EXPECT_EQ(code["pack"]["scheme"], "gtin");
    EXPECT_EQ(code["pack"]["gtin"], "09780764544200");
}

TEST(scannerCli, ScanMissingFileReportsAndContinues) {
    medkiosk::test::TempDir dir;
    const std::string image = write_code_image(dir, "box.png", medkiosk::test::ean13_code("978076454420"));
    const auto result = run_ctl({"scan", "--json", "/nonexistent/pack.png", image});
    EXPECT_EQ(result.exit_code, 1);
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 2u) << result.out;
    EXPECT_EQ(lines[0]["file"], "/nonexistent/pack.png");
    EXPECT_TRUE(lines[0].contains("error"));
    EXPECT_EQ(lines[1]["file"], image);
    EXPECT_EQ(lines[1]["codes"].at(0)["text"], "9780764544200");
}

TEST(scannerCli, ScanFolderRecursesInSortedOrder) {
    medkiosk::test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "b-inner");
    write_code_image(dir, "c.png", medkiosk::test::ean13_code("690123456789"));
    write_code_image(dir, "a.png", medkiosk::test::code128_code("81234560000123456789"));
    write_code_image(dir, "b-inner/d.png", medkiosk::test::gs1_datamatrix_code("FOLDER1"));
    const auto result = run_ctl({"scan", "--json", dir.path().string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 3u) << result.out;
    EXPECT_EQ(lines[0]["file"], (dir.path() / "a.png").string());
    EXPECT_EQ(lines[1]["file"], (dir.path() / "b-inner/d.png").string());
    EXPECT_EQ(lines[2]["file"], (dir.path() / "c.png").string());
    for (const json& line : lines) EXPECT_EQ(line["codes"].size(), 1u) << line;
}

TEST(scannerCli, ScanVideoConfirmsEachCodeOnceAndSummarises) {
    medkiosk::test::TempDir dir;
    const std::string video = (dir.path() / "counter.avi").string();
    {
        medkiosk::scanner::DemoOptions options;
        options.pace = false;
        options.width = 640;
        options.height = 360;
        options.frames_per_pack = 40;
        auto source = medkiosk::scanner::make_demo_source(options);
        cv::VideoWriter writer(video, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(640, 360));
        ASSERT_TRUE(writer.isOpened());
        for (int i = 0; i < 40; ++i) {  // the GS1 DataMatrix box passing once
            auto frame = source->next();
            cv::Mat rgb(frame->height, frame->width, CV_8UC3, frame->rgb.data()), bgr;
            cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
            writer.write(bgr);
        }
    }
    const auto result = run_ctl({"scan", "--json", video});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 2u) << result.out;
    EXPECT_EQ(lines[0]["codes"].at(0)["text"], medkiosk::scanner::demo_packs()[0].expected_text);
    EXPECT_EQ(lines[0]["codes"].at(0)["pack"]["serial"], "SN7F3K9Q2");
    EXPECT_TRUE(lines[0]["frame"].is_number_integer());
    EXPECT_EQ(lines[1]["frames"], 40);
    EXPECT_TRUE(lines[1]["decode_ms_p95"].is_number());
}

// Red team F9: a JPEG or a video cut at half its bytes was reported as a clean read (exit 0).
TEST(scannerCli, ScanReportsAJpegCutShortButStillListsWhatItRead) {
    medkiosk::test::TempDir dir;
    const cv::Mat still =
        medkiosk::test::make_still(medkiosk::test::ean13_code("978076454420"), 0, 5, 800, 600, 29);
    std::vector<std::uint8_t> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", still, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95}));
    const std::string whole = (dir.path() / "whole.jpg").string();
    const std::string cut = (dir.path() / "cut.jpg").string();
    std::ofstream(whole, std::ios::binary)
        .write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
    std::ofstream(cut, std::ios::binary)
        .write(reinterpret_cast<const char*>(jpeg.data()),
               static_cast<std::streamsize>(jpeg.size() * 9 / 10));

    const auto clean = run_ctl({"scan", "--json", whole});
    EXPECT_EQ(clean.exit_code, 0) << clean.out;
    ASSERT_EQ(json_lines(clean.out).size(), 1u);
    EXPECT_FALSE(json_lines(clean.out)[0].contains("error")) << clean.out;

    const auto result = run_ctl({"scan", "--json", cut});
    EXPECT_EQ(result.exit_code, 1) << result.out;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 1u) << result.out;
    EXPECT_NE(lines[0].value("error", "").find("cut short (truncated)"), std::string::npos) << result.out;
    EXPECT_TRUE(lines[0]["codes"].is_array()) << "what came before the cut is still listed";

    const auto readable = run_ctl({"scan", cut});
    EXPECT_EQ(readable.exit_code, 1);
    EXPECT_NE(readable.err.find(cut + ": JPEG is cut short"), std::string::npos) << readable.err;
}

TEST(scannerCli, ScanReportsAVideoCutAtHalfItsBytes) {
    medkiosk::test::TempDir dir;
    struct Case {
        const char* name;
        int fourcc;
    };
    const Case cases[] = {{"mjpeg.avi", cv::VideoWriter::fourcc('M', 'J', 'P', 'G')},
                          {"h264.avi", cv::VideoWriter::fourcc('H', '2', '6', '4')},
                          {"h264.mp4", cv::VideoWriter::fourcc('a', 'v', 'c', '1')},
                          {"mpeg4.mp4", cv::VideoWriter::fourcc('m', 'p', '4', 'v')},
                          {"ffv1.mkv", cv::VideoWriter::fourcc('F', 'F', 'V', '1')}};
    cv::RNG rng(29);
    int checked = 0;
    for (const Case& c : cases) {
        const std::filesystem::path whole = dir.path() / c.name;
        {
            cv::VideoWriter writer(whole.string(), cv::CAP_FFMPEG, c.fourcc, 10, cv::Size(320, 240));
            if (!writer.isOpened()) continue;  // an encoder this FFmpeg build lacks
            for (int i = 0; i < 40; ++i) {
                cv::Mat frame(240, 320, CV_8UC3);
                rng.fill(frame, cv::RNG::UNIFORM, 0, 255);
                writer.write(frame);
            }
        }
        ++checked;
        const std::filesystem::path cut = dir.path() / ("cut-" + std::string(c.name));
        std::filesystem::copy_file(whole, cut);
        std::filesystem::resize_file(cut, std::filesystem::file_size(whole) / 2);

        const auto clean = run_ctl({"scan", "--json", whole.string()});
        EXPECT_EQ(clean.exit_code, 0) << c.name << ": " << clean.out;
        EXPECT_EQ(clean.out.find("error"), std::string::npos) << c.name << ": " << clean.out;

        const auto result = run_ctl({"scan", "--json", cut.string()});
        EXPECT_EQ(result.exit_code, 1) << c.name << ": " << result.out;
        const auto lines = json_lines(result.out);
        ASSERT_FALSE(lines.empty()) << c.name;
        const std::string error = lines.back().value("error", "");
        EXPECT_TRUE(error.find("cut short") != std::string::npos ||
                    error.find("never finished") != std::string::npos)
            << c.name << ": " << result.out;
    }
    EXPECT_GE(checked, 3) << "MJPEG, MPEG-4 and FFV1 are in every OpenCV FFmpeg build";
}

// Red team F10: OpenCV, FFmpeg, GStreamer and libpng printed their own lines on stderr during a scan.
TEST(scannerCli, ScanPrintsOnlyItsOwnMessagesForDamagedMedia) {
    ::unsetenv("OPENCV_LOG_LEVEL");
    ::unsetenv("OPENCV_FFMPEG_LOGLEVEL");
    medkiosk::test::TempDir dir;
    cv::Mat frame(240, 320, CV_8UC3);
    cv::RNG(10).fill(frame, cv::RNG::UNIFORM, 0, 255);
    std::vector<std::string> files;
    for (const auto& [name, fourcc] : {std::pair{"a.avi", cv::VideoWriter::fourcc('M', 'J', 'P', 'G')},
                                       std::pair{"b.mp4", cv::VideoWriter::fourcc('m', 'p', '4', 'v')}}) {
        const std::filesystem::path path = dir.path() / name;
        {
            cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, fourcc, 10, frame.size());
            ASSERT_TRUE(writer.isOpened()) << name;
            for (int i = 0; i < 20; ++i) writer.write(frame);
        }
        std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
        files.push_back(path.string());
    }
    for (const char* name : {"c.png", "d.bmp"}) {
        const std::filesystem::path path = dir.path() / name;
        ASSERT_TRUE(cv::imwrite(path.string(), frame));
        std::filesystem::resize_file(path, std::filesystem::file_size(path) * 6 / 10);
        files.push_back(path.string());
    }
    std::vector<std::string> args{"scan", "--json"};
    args.insert(args.end(), files.begin(), files.end());
    const auto json_run = run_ctl(args);
    EXPECT_EQ(json_run.exit_code, 1);
    EXPECT_EQ(json_run.err, "") << "in JSON every message is a line on stdout";
    EXPECT_EQ(json_lines(json_run.out).size(), files.size()) << json_run.out;

    args.erase(args.begin() + 1);
    const auto readable = run_ctl(args);
    EXPECT_EQ(readable.exit_code, 1);
    std::istringstream lines(readable.err);
    int said = 0;
    for (std::string line; std::getline(lines, line); ++said)
        EXPECT_TRUE(std::any_of(files.begin(), files.end(),
                                [&](const std::string& file) { return line.rfind(file + ": ", 0) == 0; }))
            << "not ours: " << line;
    EXPECT_EQ(said, static_cast<int>(files.size())) << readable.err;
}

// Red team F12: each bad input says what is wrong and what to do; an empty folder said nothing (exit 0).
TEST(scannerCli, ScanSaysWhatIsWrongWithEachBadInputAndWhatToDo) {
    medkiosk::test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "empty-folder");
    std::filesystem::create_directories(dir.path() / "notes-only");
    std::ofstream(dir.path() / "notes-only/readme.txt") << "no photos here";
    std::ofstream(dir.path() / "empty.png");
    std::ofstream(dir.path() / "empty.mp4");
    std::ofstream(dir.path() / "text.png") << "this is a note, not a photo\n";
    std::ofstream(dir.path() / "box.tiff") << "II*";
    const auto error_for = [&](const std::string& name) {
        const std::string path = (dir.path() / name).string();
        const auto result = run_ctl({"scan", "--json", path});
        EXPECT_EQ(result.exit_code, 1) << name << ": " << result.out;
        const auto lines = json_lines(result.out);
        EXPECT_EQ(lines.size(), 1u) << name << ": " << result.out;
        return lines.empty() ? std::string() : lines[0].value("error", std::string());
    };
    for (const char* folder : {"empty-folder", "notes-only"})
        EXPECT_NE(error_for(folder).find("holds no image (png, jpg"), std::string::npos) << folder;
    for (const char* empty : {"empty.png", "empty.mp4"})
        EXPECT_NE(error_for(empty).find("empty (0 bytes): the copy or download did not finish"),
                  std::string::npos)
            << empty;
    const std::string text = error_for("text.png");
    EXPECT_NE(text.find("(it is text)"), std::string::npos) << text;
    EXPECT_NE(text.find("convert it as PNG or JPEG"), std::string::npos) << text;
    EXPECT_NE(error_for("box.tiff").find("convert it to PNG or JPEG"), std::string::npos);
    EXPECT_NE(error_for("missing/box.png").find("check the path"), std::string::npos);
}

TEST(scannerCli, ScanWithoutPathsIsUsageError) {
    const auto result = run_ctl({"scan"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("usage"), std::string::npos);
}

TEST(scannerCli, ParseJsonLines) {
    const std::string input = std::string(
                                  "]d2010952012345678817160200"
                                  "10ABC123\x1d"
                                  "21XYZ987\r\n") +
                              "(01)09520123456788(17)260531(10)ABC123(21)XYZ987\n" + "garbage\n" +
                              "]E06901234567892\n" + "]C081234560000123456789\n";
    const auto result = run_ctl({"parse", "--json", "--today", "2025-06-01"}, input);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 5u) << result.out;
    EXPECT_EQ(lines[0]["ok"], true);
    EXPECT_EQ(lines[0]["scheme"], "gs1");
    EXPECT_EQ(lines[0]["expiry"], "2016-02-29");
    EXPECT_EQ(lines[0]["expiry_precision"], "month");
    EXPECT_EQ(lines[0]["ais"],
              json::parse(R"([["01","09520123456788"],["17","160200"],["10","ABC123"],["21","XYZ987"]])"));
    EXPECT_EQ(lines[0]["input"],
              "]d2010952012345678817160200"
              "10ABC123\x1d"
              "21XYZ987");
    EXPECT_EQ(lines[1]["batch"], "ABC123");
    EXPECT_EQ(lines[2]["ok"], false);
    EXPECT_FALSE(lines[2]["error"].get<std::string>().empty());
    EXPECT_FALSE(lines[2].contains("gtin"));
    EXPECT_EQ(lines[3]["scheme"], "gtin");
    EXPECT_FALSE(lines[3].contains("ais"));
    EXPECT_EQ(lines[4]["scheme"], "cn-trace");
    EXPECT_EQ(lines[4]["product_id"], "8123456");
}

TEST(scannerCli, ParseAllGoodExitsZero) {
    const auto result = run_ctl({"parse", "--json"}, "]E06901234567892\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST(scannerCli, ParseTakesATypedElementStringAndAnUpperCaseLink) {
    const auto result =
        run_ctl({"parse", "--json"}, "0109520123456788\nHTTPS://ID.GS1.ORG/01/09520123456788/10/AB1\n");
    EXPECT_EQ(result.exit_code, 0) << result.out;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 2u) << result.out;
    for (const json& line : lines) EXPECT_EQ(line["gtin"], "09520123456788") << line;
    EXPECT_EQ(lines[1]["batch"], "AB1");
}

TEST(scannerCli, ParseBadTodayIsUsageError) {
    const auto result = run_ctl({"parse", "--json", "--today", "2025-02-30"}, "]E06901234567892\n");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("--today"), std::string::npos);
    EXPECT_TRUE(result.out.empty());
}

}  // namespace

namespace {

TEST(scannerCli, ParseJsonKeysComeInTheIssuesOrderAndNdcIsReported) {
    const auto result = run_ctl({"parse", "--json", "--today", "2025-06-01"},
                                "]d20100301234567896172701311"
                                "0L1\x1d"
                                "21S1\n(01)09520123456788(02)09520123456788(37)5\n");
    EXPECT_EQ(result.exit_code, 1);
    std::istringstream lines(result.out);
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    // Keys in the documented order: input, ok, scheme, ais, gtin, … expiry, batch, serial.
    std::vector<std::size_t> at;
    for (const char* key : {"\"input\"", "\"ok\"", "\"scheme\"", "\"ais\"", "\"gtin\"", "\"ndc\"",
                            "\"expiry\"", "\"batch\"", "\"serial\""})
        at.push_back(first.find(key));
    for (std::size_t i = 0; i < at.size(); ++i) ASSERT_NE(at[i], std::string::npos) << i << ": " << first;
    EXPECT_TRUE(std::is_sorted(at.begin(), at.end())) << first;
    const json parsed = json::parse(first);
    EXPECT_EQ(parsed["ndc"], "0123456789");
    EXPECT_EQ(parsed["scheme"], "gs1");
    const json rejected = json::parse(second);
    EXPECT_EQ(rejected["ok"], false);
    EXPECT_EQ(rejected["error_kind"], "exclusive-ai");
    EXPECT_FALSE(rejected.contains("gtin"));
    EXPECT_FALSE(rejected.contains("scheme"));
    EXPECT_LT(second.find("\"input\""), second.find("\"error\""));
}

}  // namespace
