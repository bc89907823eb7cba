// The real photos (shared/testdata, beside the repository; see README): registered only where they are.
// medkioskctl scan reads them exactly, and no image of them, nor its rotation, makes a decoder abort.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "json_lines.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using medkiosk::test::json_lines;
using medkiosk::test::run_ctl;
using nlohmann::json;
using namespace medkiosk::scanner;

namespace {

const std::string kSamples = std::string(MEDKIOSK_TESTDATA_DIR) + "/zxing-samples";

TEST(scannerPhotoCli, ScanJsonReadsARealImageExactly) {
    const std::string image = kSamples + "/datamatrix-4/gs1-figure-4.15.1-2-44x20.png";
    const auto result = run_ctl({"scan", "--json", image});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 1u) << result.out;
    EXPECT_EQ(lines[0]["file"], image);
    ASSERT_EQ(lines[0]["codes"].size(), 1u);
    const json& code = lines[0]["codes"][0];
    EXPECT_EQ(code["format"], "DataMatrix");
    EXPECT_EQ(code["symbology"], "]d8");
    EXPECT_EQ(code["text"],
              "01095040000591012112345678p901\x1d"
              "101234567p\x1d"
              "171411208200http://www.gs1.org/demo/");
    EXPECT_TRUE(code["pack"].contains("ok"));
    EXPECT_TRUE(lines[0]["ms"].is_number());
}

TEST(scannerPhotoCli, ScanEan13ImageParsesAsGtin) {
    const auto result = run_ctl({"scan", "--json", kSamples + "/ean13-3/01.png"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 1u);
    const json& code = lines[0]["codes"].at(0);
    EXPECT_EQ(code["text"], "9780764544200");
    EXPECT_EQ(code["pack"]["scheme"], "gtin");
    EXPECT_EQ(code["pack"]["gtin"], "09780764544200");
}

std::vector<fs::path> every_test_image() {
    std::vector<fs::path> images;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(MEDKIOSK_TESTDATA_DIR, ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp") images.push_back(it->path());
    }
    std::sort(images.begin(), images.end());
    return images;
}

// Runs `body` in a forked child; returns the wait status.
template <typename Body>
int in_child(Body body) {
    const pid_t child = fork();
    if (child == 0) {
        const int code = body();
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

TEST(scannerNoAbort, EveryTestImageAndItsRotationsDecodeWithoutAborting) {
    const auto images = every_test_image();
    ASSERT_GT(images.size(), 100u);
    const int status = in_child([&] {
        const Decoder still;
        TrackingDecoder live;
        for (const auto& path : images) {
            cv::Mat grey = cv::imread(path.string(), cv::IMREAD_GRAYSCALE);
            if (grey.empty()) return 3;
            // As a photo, and as successive video frames (the tracking path), also upside down.
            for (int pass = 0; pass < 2; ++pass) {
                still.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
                live.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
                live.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
                cv::rotate(grey, grey, cv::ROTATE_180);
            }
        }
        return 0;
    });
    EXPECT_TRUE(WIFEXITED(status)) << "the decoder killed the process with signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::cout << "[no-abort] " << images.size() << " images, 2 orientations, still + tracking decoders\n";
}

}  // namespace
