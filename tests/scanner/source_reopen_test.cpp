// Every way a frame source can stop is a failure the pipeline reports and recovers from by opening it
// again with backoff (issue 15 item 4): an error, an exception (with a message, without one, not even a
// std::exception), nullopt with no error at all, a stall inside next() or inside opening, an open that
// fails. Only a non-looping file that reached its end is a clean end. Scripted sources stand in for
// camera drivers that misbehave; real video and image folders that disappear and come back too.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <stdexcept>
#include <thread>

#include "linear_sweep.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace medkiosk::scanner;
using namespace std::chrono_literals;
using Kind = ScannerIncident::Kind;

namespace {

enum class Failure { Error, Throw, ThrowEmpty, ThrowNonStd, EmptyError, Stall, Finish };

// A source that delivers `frames` small frames, then fails as told. Shared counters let the test see
// how often it was opened and let a stalled call end when the test is over.
struct Script {
    Failure failure = Failure::Error;
    std::atomic<int> frames{3};
    std::atomic<int> opened{0};
    std::atomic<bool> release{false};
};

class ScriptedSource final : public FrameSource {
  public:
    explicit ScriptedSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}
    std::optional<Frame> next() override {
        if (delivered_ < script_->frames) {
            std::this_thread::sleep_for(10ms);
            Frame frame;
            frame.width = 8;
            frame.height = 8;
            frame.rgb.assign(8 * 8 * 3, static_cast<std::uint8_t>(40 * delivered_));
            frame.sequence = static_cast<std::uint64_t>(++delivered_);
            return frame;
        }
        switch (script_->failure) {
            case Failure::Error:
                error_ = "scripted camera lost its sensor";
                return std::nullopt;
            case Failure::Throw:
                throw std::runtime_error("scripted driver exploded");
            case Failure::ThrowEmpty:
                throw std::runtime_error("");
            case Failure::ThrowNonStd:
                throw 42;
            case Failure::EmptyError:
                return std::nullopt;
            case Failure::Stall:
                while (!script_->release) std::this_thread::sleep_for(5ms);
                return std::nullopt;
            case Failure::Finish:
                finished_ = true;
                return std::nullopt;
        }
        return std::nullopt;
    }
    std::string error() const override { return error_; }
    std::string name() const override { return "scripted camera"; }
    bool finished() const override { return finished_; }

  private:
    std::shared_ptr<Script> script_;
    int delivered_ = 0;
    std::string error_;
    bool finished_ = false;
};

PipelineOptions quick_options() {
    PipelineOptions options;
    options.reopen_backoff = 50ms;
    options.max_reopen_backoff = 200ms;
    options.stall_timeout = 400ms;
    options.open_timeout = 600ms;
    return options;
}

// Collects incidents until `done` says enough, or the deadline.
template <typename Done>
std::vector<ScannerIncident> watch(ScanPipeline& pipeline, Done done, std::chrono::seconds limit = 20s) {
    std::vector<ScannerIncident> incidents;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline && !done(incidents)) {
        std::this_thread::sleep_for(20ms);
        for (auto& incident : pipeline.take_incidents()) incidents.push_back(std::move(incident));
    }
    return incidents;
}

std::vector<ScannerIncident> source_incidents(const std::vector<ScannerIncident>& all) {
    std::vector<ScannerIncident> source;
    for (const auto& incident : all)
        if (incident.kind == Kind::SourceFailed || incident.kind == Kind::SourceStalled)
            source.push_back(incident);
    return source;
}

struct FailureCase {
    Failure failure;
    Kind kind;
    const char* detail;
};

TEST(scannerSourceReopen, EveryWayASourceStopsIsReportedAndReopenedWithBackoff) {
    const FailureCase cases[] = {
        {Failure::Error, Kind::SourceFailed, "scripted camera lost its sensor"},
        {Failure::Throw, Kind::SourceFailed,
         "scripted camera failed while reading a frame: scripted driver exploded"},
        {Failure::ThrowEmpty, Kind::SourceFailed,
         "failed while reading a frame: an exception without a message"},
        {Failure::ThrowNonStd, Kind::SourceFailed, "failed while reading a frame: an unknown exception"},
        {Failure::EmptyError, Kind::SourceFailed,
         "scripted camera stopped delivering frames without saying why"},
        {Failure::Stall, Kind::SourceStalled, "scripted camera delivered no frame for 0.4 s (stalled)"},
    };
    for (const FailureCase& c : cases) {
        SCOPED_TRACE(c.detail);
        auto script = std::make_shared<Script>();
        script->failure = c.failure;
        ScanPipeline pipeline(
            [script]() -> OpenedSource {
                ++script->opened;
                return {std::make_unique<ScriptedSource>(script), {}};
            },
            "scripted:camera", quick_options());
        pipeline.start();
        const auto incidents = source_incidents(
            watch(pipeline, [](const auto& seen) { return source_incidents(seen).size() >= 3; }));
        const PipelineStats stats = pipeline.stats();
        script->release = true;
        pipeline.stop();
        ASSERT_GE(incidents.size(), 3u);
        EXPECT_GE(script->opened.load(), 3) << "opened again after each failure";
        EXPECT_GE(stats.source_failures, 3u);
        EXPECT_GE(stats.frames, 9u) << "frames flowed again after each reopen";
        for (const auto& incident : incidents) {
            EXPECT_EQ(incident.kind, c.kind);
            EXPECT_EQ(incident.subject, "scripted camera");
            EXPECT_NE(incident.detail.find(c.detail), std::string::npos) << incident.detail;
        }
        // The wait doubles while the failures go on: 50 ms, 0.1 s, 0.2 s (the maximum).
        EXPECT_NE(incidents[0].detail.find("opening it again in 50 ms"), std::string::npos)
            << incidents[0].detail;
        EXPECT_NE(incidents[1].detail.find("opening it again in 0.1 s"), std::string::npos)
            << incidents[1].detail;
        EXPECT_NE(incidents[2].detail.find("opening it again in 0.2 s"), std::string::npos)
            << incidents[2].detail;
    }
}

TEST(scannerSourceReopen, FailedAndHungOpensAreRetried) {
    auto attempts = std::make_shared<std::atomic<int>>(0);
    auto release = std::make_shared<std::atomic<bool>>(false);
    ScanPipeline pipeline(
        [attempts, release]() -> OpenedSource {
            const int attempt = ++*attempts;
            if (attempt == 1) return {nullptr, "camera /dev/video7 could not be opened: busy"};
            if (attempt == 2) return {nullptr, ""};
            if (attempt == 3) throw std::runtime_error("driver refused the format");
            if (attempt == 4) {
                while (!*release) std::this_thread::sleep_for(5ms);  // a driver that never returns
                return {nullptr, "late"};
            }
            auto script = std::make_shared<Script>();
            script->frames = 1000000;
            return {std::make_unique<ScriptedSource>(script), {}};
        },
        "camera:/dev/video7", quick_options());
    pipeline.start();
    const auto incidents = watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= 5; });
    const PipelineStats stats = pipeline.stats();
    *release = true;
    pipeline.stop();
    ASSERT_EQ(incidents.size(), 4u);
    EXPECT_NE(incidents[0].detail.find("busy"), std::string::npos);
    EXPECT_EQ(incidents[0].subject, "camera:/dev/video7");
    EXPECT_NE(incidents[1].detail.find("could not be opened (no reason given)"), std::string::npos);
    EXPECT_NE(incidents[2].detail.find("failed while opening: driver refused the format"), std::string::npos);
    EXPECT_EQ(incidents[3].kind, Kind::SourceStalled);
    EXPECT_NE(incidents[3].detail.find("delivered no first frame for 0.6 s"), std::string::npos)
        << incidents[3].detail;
    EXPECT_GE(stats.frames, 5u);
    EXPECT_TRUE(stats.source_error.empty()) << "cleared once frames came: " << stats.source_error;
    EXPECT_EQ(stats.source_name, "scripted camera");
}

TEST(scannerSourceReopen, OnlyAFinishedFileIsACleanEnd) {
    auto script = std::make_shared<Script>();
    script->failure = Failure::Finish;
    ScanPipeline pipeline(
        [script]() -> OpenedSource {
            ++script->opened;
            return {std::make_unique<ScriptedSource>(script), {}};
        },
        "video:once.mp4", quick_options());
    pipeline.start();
    const auto incidents = watch(
        pipeline, [](const auto&) { return false; }, 1s);
    const PipelineStats stats = pipeline.stats();
    pipeline.stop();
    EXPECT_TRUE(incidents.empty()) << incidents.front().detail;
    EXPECT_EQ(script->opened.load(), 1);
    EXPECT_EQ(stats.frames, 3u);
    EXPECT_TRUE(stats.source_error.empty());
}

TEST(scannerSourceReopen, TheErrorShowsWhileTheSourceIsDownAndClearsWhenFramesReturn) {
    auto script = std::make_shared<Script>();
    script->frames = 0;  // fails at once, every time, until told otherwise
    PipelineOptions options = quick_options();
    ScanPipeline pipeline(
        [script]() -> OpenedSource {
            ++script->opened;
            return {std::make_unique<ScriptedSource>(script), {}};
        },
        "scripted:camera", options);
    pipeline.start();
    watch(pipeline, [&](const auto& seen) { return seen.size() >= 2; });
    EXPECT_EQ(pipeline.stats().source_error,
              "scripted camera lost its sensor");  // for the out-of-service screen
    script->frames = 1000000;
    watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= 3; });
    EXPECT_TRUE(pipeline.stats().source_error.empty());
    pipeline.stop();
}

void write_video(const std::string& path, int frames) {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 50, cv::Size(320, 240), false);
    ASSERT_TRUE(writer.isOpened());
    for (int i = 0; i < frames; ++i) writer.write(cv::Mat(240, 320, CV_8UC1, cv::Scalar(20 * i)));
}

TEST(scannerSourceReopen, AVideoThatDisappearsIsReopenedWhenItComesBack) {
    medkiosk::test::TempDir dir;
    const std::string video = (dir.path() / "clip.mkv").string();
    write_video(video, 5);
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Video;
    spec.location = video;
    spec.fps = 50;
    ScanPipeline pipeline(spec, quick_options());
    pipeline.start();
    watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= 3; });
    fs::rename(video, video + ".away");  // unplugged drive, replaced file
    const auto gone = watch(pipeline, [](const auto& seen) { return source_incidents(seen).size() >= 2; });
    ASSERT_GE(source_incidents(gone).size(), 2u);
    EXPECT_NE(source_incidents(gone)[1].detail.find("no such file"), std::string::npos)
        << source_incidents(gone)[1].detail;
    EXPECT_FALSE(pipeline.stats().source_error.empty());
    const std::uint64_t frames_while_gone = pipeline.stats().frames;
    fs::rename(video + ".away", video);
    watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= frames_while_gone + 5; });
    const PipelineStats stats = pipeline.stats();
    pipeline.stop();
    EXPECT_GE(stats.frames, frames_while_gone + 5) << stats.source_error;
    EXPECT_TRUE(stats.source_error.empty()) << stats.source_error;
}

TEST(scannerSourceReopen, AnImageFolderEmptiedAndRefilledRecovers) {
    medkiosk::test::TempDir dir;
    const cv::Mat ean = medkiosk::test::upright_ean13().grey;
    ASSERT_TRUE(cv::imwrite((dir.path() / "a.png").string(), ean));
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Images;
    spec.location = dir.path().string();
    spec.fps = 20;
    ScanPipeline pipeline(spec, quick_options());
    pipeline.start();
    watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= 2; });
    fs::remove(dir.path() / "a.png");
    const auto emptied = source_incidents(
        watch(pipeline, [](const auto& seen) { return source_incidents(seen).size() >= 2; }));
    ASSERT_GE(emptied.size(), 2u);
    EXPECT_NE(emptied[0].detail.find("could be read as an image"), std::string::npos) << emptied[0].detail;
    EXPECT_NE(emptied[1].detail.find("holds no images"), std::string::npos) << emptied[1].detail;
    const std::uint64_t frames = pipeline.stats().frames;
    ASSERT_TRUE(cv::imwrite((dir.path() / "b.png").string(), ean));
    watch(pipeline, [&](const auto&) { return pipeline.stats().frames >= frames + 3; });
    const PipelineStats stats = pipeline.stats();
    pipeline.stop();
    EXPECT_GE(stats.frames, frames + 3);
    EXPECT_TRUE(stats.source_error.empty()) << stats.source_error;
}

}  // namespace
