// Source specs and the errors a technician sees when a source cannot be opened.

#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/frame_source.hpp"
#include "support/temp_dir.hpp"

using namespace medkiosk::scanner;

namespace {

SourceSpec parsed(std::string_view text) {
    auto result = parse_source_spec(text);
    EXPECT_TRUE(std::holds_alternative<SourceSpec>(result)) << text << ": " << std::get<std::string>(result);
    return std::holds_alternative<SourceSpec>(result) ? std::get<SourceSpec>(result) : SourceSpec{};
}

std::string rejected(std::string_view text) {
    auto result = parse_source_spec(text);
    EXPECT_TRUE(std::holds_alternative<std::string>(result)) << text;
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

TEST(scannerSourceSpec, GoodForms) {
    EXPECT_EQ(parsed("demo").kind, SourceSpec::Kind::Demo);
    auto spec = parsed("camera:0");
    EXPECT_EQ(spec.kind, SourceSpec::Kind::Camera);
    EXPECT_EQ(spec.location, "0");
    spec = parsed("camera:/dev/video2@1280x720");
    EXPECT_EQ(spec.location, "/dev/video2");
    EXPECT_EQ(spec.width, 1280);
    EXPECT_EQ(spec.height, 720);
    spec = parsed("video:/tmp/clip.mp4");
    EXPECT_EQ(spec.kind, SourceSpec::Kind::Video);
    EXPECT_EQ(spec.location, "/tmp/clip.mp4");
    spec = parsed("images:/srv/shots@640x480");
    EXPECT_EQ(spec.kind, SourceSpec::Kind::Images);
    EXPECT_EQ(spec.location, "/srv/shots");
    EXPECT_EQ(spec.width, 640);
    EXPECT_EQ(describe(spec), "images:/srv/shots@640x480");
    EXPECT_EQ(describe(parsed("demo@800x600")), "demo@800x600");
    EXPECT_EQ(describe(parsed("camera:0")), "camera:0");
}

TEST(scannerSourceSpec, BadFormsNameTheAcceptedOnes) {
    for (std::string_view bad :
         {"", "webcam", "camera:", "camera:front", "ftp:x", "demo@12", "camera:0@axb", "video:"}) {
        const std::string message = rejected(bad);
        EXPECT_NE(message.find("camera:N"), std::string::npos) << bad << ": " << message;
        EXPECT_NE(message.find("images:DIR"), std::string::npos) << message;
    }
}

TEST(scannerSourceSpec, DefaultIsDemoWithoutCameras) {
    const SourceSpec spec = default_source_spec();
    std::error_code ec;
    bool any_camera = false;
    for (const auto& entry : std::filesystem::directory_iterator("/dev", ec))
        if (entry.path().filename().string().rfind("video", 0) == 0) any_camera = true;
    EXPECT_EQ(spec.kind, any_camera ? SourceSpec::Kind::Camera : SourceSpec::Kind::Demo);
}

TEST(scannerSource, MissingCameraNamesDeviceAndFix) {
    const OpenedSource opened = open_source(parsed("camera:/dev/video99"));
    EXPECT_EQ(opened.source, nullptr);
    EXPECT_NE(opened.error.find("/dev/video99"), std::string::npos) << opened.error;
    EXPECT_NE(opened.error.find("demo"), std::string::npos) << opened.error;
    EXPECT_NE(opened.error.find("video' group"), std::string::npos) << opened.error;
    const OpenedSource by_index = open_source(parsed("camera:97"));
    EXPECT_NE(by_index.error.find("/dev/video97"), std::string::npos) << by_index.error;
}

TEST(scannerSource, ImageFolderErrors) {
    medkiosk::test::TempDir dir;
    OpenedSource opened = open_source(parsed("images:" + (dir.path() / "missing").string()));
    EXPECT_EQ(opened.source, nullptr);
    EXPECT_NE(opened.error.find("does not exist"), std::string::npos) << opened.error;
    opened = open_source(parsed("images:" + dir.path().string()));
    EXPECT_EQ(opened.source, nullptr);
    EXPECT_NE(opened.error.find("holds no images"), std::string::npos) << opened.error;
    std::ofstream(dir.path() / "notes.txt") << "not an image";
    EXPECT_EQ(open_source(parsed("images:" + dir.path().string())).source, nullptr);
}

TEST(scannerSource, ImageFolderLoopsInSortedOrderAsRgb) {
    medkiosk::test::TempDir dir;
    // BGR on disk: blue, then red.
    cv::imwrite((dir.path() / "b.png").string(), cv::Mat(4, 6, CV_8UC3, cv::Scalar(0, 0, 255)));
    cv::imwrite((dir.path() / "a.png").string(), cv::Mat(4, 6, CV_8UC3, cv::Scalar(255, 0, 0)));
    SourceSpec spec = parsed("images:" + dir.path().string());
    spec.fps = 1000;
    OpenedSource opened = open_source(spec);
    ASSERT_TRUE(opened.source) << opened.error;
    std::vector<int> first_red;
    for (int i = 0; i < 4; ++i) {
        auto frame = opened.source->next();
        ASSERT_TRUE(frame);
        EXPECT_EQ(frame->width, 6);
        EXPECT_EQ(frame->rgb.size(), 6u * 4u * 3u);
        EXPECT_EQ(frame->sequence, static_cast<std::uint64_t>(i + 1));
        first_red.push_back(frame->rgb[0]);
    }
    EXPECT_EQ(first_red,
              (std::vector<int>{0, 255, 0, 255}));  // a.png (blue) first, then b.png (red), looping
}

TEST(scannerSource, MissingVideoIsAClearError) {
    const OpenedSource opened = open_source(parsed("video:/nonexistent/clip.mp4"));
    EXPECT_EQ(opened.source, nullptr);
    EXPECT_NE(opened.error.find("/nonexistent/clip.mp4"), std::string::npos);
}

TEST(scannerConfirmer, NeedsTwoReadsInThreeFramesAndFiresOncePerVisit) {
    using namespace std::chrono_literals;
    CodeConfirmer confirmer(ConfirmOptions{2, 8000ms, 1000ms});
    DecodedSymbol symbol;
    symbol.format = "DataMatrix";
    symbol.text = "X";
    const auto t0 = CodeConfirmer::Clock::time_point{} + 1h;
    EXPECT_TRUE(confirmer.update({symbol}, t0 - 100ms).empty());  // one read is never enough
    EXPECT_TRUE(confirmer.update({}, t0).empty());
    EXPECT_TRUE(confirmer.update({}, t0 + 100ms).empty());
    EXPECT_TRUE(confirmer.update({symbol}, t0 + 200ms).empty());   // two frames apart: not in three frames
    EXPECT_EQ(confirmer.update({symbol}, t0 + 300ms).size(), 1u);  // second read in three frames
    EXPECT_TRUE(confirmer.update({symbol}, t0 + 400ms).empty());   // still in view
    EXPECT_TRUE(confirmer.update({}, t0 + 900ms).empty());
    EXPECT_TRUE(confirmer.update({symbol}, t0 + 1000ms).empty());  // brief dropout: same visit
    EXPECT_TRUE(confirmer.update({symbol}, t0 + 1100ms).empty());
    EXPECT_TRUE(confirmer.update({}, t0 + 2500ms).empty());  // gone for > 1 s
    EXPECT_TRUE(confirmer.update({symbol}, t0 + 2600ms).empty());
    EXPECT_EQ(confirmer.update({symbol}, t0 + 2700ms).size(), 1u);  // a new visit fires again
    // Held in view past `hold`: fires again.
    auto t = t0 + 2700ms;
    std::size_t fired = 0;
    for (int i = 0; i < 90; ++i) fired += confirmer.update({symbol}, t += 100ms).size();
    EXPECT_EQ(fired, 1u);
}

// The live decoder's per-frame budget may go to two codes in turn, so each is read every other frame
// (read, miss, read, miss): such a code is still a code held in view, and becomes one event.
TEST(scannerConfirmer, CodeReadInAlternateFramesIsConfirmedOnce) {
    using namespace std::chrono_literals;
    CodeConfirmer confirmer(ConfirmOptions{2, 8000ms, 1000ms});
    DecodedSymbol first, second;
    first.format = "EAN-8";
    first.text = "96385074";
    second.format = "UPC-A";
    second.text = "036000291452";
    auto t = CodeConfirmer::Clock::time_point{} + 1h;
    std::vector<int> first_events, second_events;
    for (int frame = 0; frame < 40; ++frame) {
        const DecodedSymbol& read = frame % 2 == 0 ? first : second;
        for (const auto& event : confirmer.update({read}, t += 33ms))
            (event.text == first.text ? first_events : second_events).push_back(frame);
    }
    EXPECT_EQ(first_events, (std::vector<int>{2})) << "read in frames 0 and 2 of the three frames 0-2";
    EXPECT_EQ(second_events, (std::vector<int>{3}));
}

// Decoded frames further apart than `absence` (a slow decode, a decoder restarting, a paced source under
// one frame a second): a box read in every one of them is still in view, and becomes one event. Every code
// was forgotten between two reads, and none was ever confirmed (red team, a video at 0.5 fps).
TEST(scannerConfirmer, CodeReadInEveryFrameOfASlowStreamIsConfirmedOnce) {
    using namespace std::chrono_literals;
    CodeConfirmer confirmer(ConfirmOptions{2, 8000ms, 1000ms});
    DecodedSymbol symbol;
    symbol.format = "EAN-13";
    symbol.text = "6901234567892";
    auto t = CodeConfirmer::Clock::time_point{} + 1h;
    std::vector<int> events;
    for (int frame = 0; frame < 4; ++frame)  // 8 s in all: within `hold`, which fires again after it
        if (!confirmer.update({symbol}, t += 2000ms).empty()) events.push_back(frame);
    EXPECT_EQ(events, (std::vector<int>{1}));
    // Gone from one slow frame, back in the next: left the view, so a new visit.
    EXPECT_TRUE(confirmer.update({}, t += 2000ms).empty());
    EXPECT_TRUE(confirmer.update({symbol}, t += 2000ms).empty());
    EXPECT_EQ(confirmer.update({symbol}, t += 2000ms).size(), 1u);
}

}  // namespace
