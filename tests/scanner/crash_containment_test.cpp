// Real aborts of Debian's zxing-cpp 1.4 (`Result.cpp:140 … Assertion 'lineCount() == 1' failed`), made
// by rotation sweeps of GS1 DataBar Expanded and the other linear formats, contained everywhere the kiosk
// decodes: the decoding helper itself, the live pipeline (the kiosk's camera path), and `medkioskctl
// scan` on stills and on a video. The decoder no longer reads the way that aborts (issue 13), so the
// tests decode with the test build of the helper, which on a frame marked 'Z' first makes the read that
// aborts the library (linear_sweep.hpp); `medkioskctl` is the shipped program, copied beside that helper.
// Each test first shows, in a forked child, that the same frames abort a process that decodes them as
// that helper does, so it proves something only while the library still aborts.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <thread>

#include "json_lines.hpp"
#include "linear_sweep.hpp"
#include "medkiosk/scanner/decode_worker.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace medkiosk::scanner;
using medkiosk::test::json_lines;
using medkiosk::test::SweepFrame;
using nlohmann::json;

namespace {

constexpr const char* kAssertion = "lineCount() == 1";
using medkiosk::test::in_process;
using medkiosk::test::InProcess;
using medkiosk::test::joined;
using medkiosk::test::zxing_aborting_frames;

// Every frame marked: the test helper makes the aborting read on each, and decodes those that survive.
std::vector<SweepFrame> sweep_frames() {
    auto frames = medkiosk::test::databar_expanded_near_axes();
    auto others = medkiosk::test::linear_rotation_sweep(30);
    frames.insert(frames.end(), std::make_move_iterator(others.begin()),
                  std::make_move_iterator(others.end()));
    for (SweepFrame& frame : frames) medkiosk::test::mark_fault(frame.grey, 'Z');
    return frames;
}

DecodeWorkerOptions faulty_helper() {
    DecodeWorkerOptions options;
    options.executable = medkiosk::test::faulty_decoder_path();
    return options;
}

// A box held still before the camera: frames this many.
constexpr int kHeldFrames = 9;

void expect_abort_incident(const DecodeReport& report, const std::string& label) {
    EXPECT_TRUE(report.skipped) << label;
    ASSERT_TRUE(report.incident) << label;
    EXPECT_EQ(report.incident->kind, DecodeIncident::Kind::Crashed) << label;
    EXPECT_NE(report.incident->detail.find("SIGABRT"), std::string::npos) << report.incident->detail;
    EXPECT_NE(report.incident->detail.find(kAssertion), std::string::npos) << report.incident->detail;
}

TEST(scannerCrashContainment, StillSweepAbortsOnlyCostTheirFrame) {
    const auto frames = sweep_frames();
    DecodeWorker worker(faulty_helper());
    int aborted = 0, read = 0;
    for (const SweepFrame& frame : frames) {
        const cv::Mat& grey = frame.grey;
        const InProcess truth = medkiosk::test::decode_in_child(grey, false, 1);
        const DecodeReport report = worker.decode_grey(DecodeMode::Still, grey.data, grey.cols, grey.rows,
                                                       static_cast<int>(grey.step), frame.label);
        if (truth.aborted) {
            ++aborted;
            expect_abort_incident(report, frame.label);
            continue;
        }
        ASSERT_EQ(truth.texts.size(), 1u) << frame.label;
        EXPECT_FALSE(report.incident) << frame.label << ": " << report.incident->detail;
        EXPECT_EQ(joined(report.symbols), truth.texts[0]) << frame.label;
        if (!report.symbols.empty()) ++read;
    }
    std::cout << "[containment] still: " << frames.size() << " frames, " << aborted
              << " aborted zxing in-process, " << read << " read, helpers started " << worker.starts()
              << "\n";
    EXPECT_GE(aborted, 1)
        << "no frame aborts zxing any more: this test proves nothing until new ones are found";
    EXPECT_EQ(worker.starts(), static_cast<std::uint64_t>(aborted) + 1);
    EXPECT_GE(read, static_cast<int>(frames.size()) / 3);
}

TEST(scannerCrashContainment, LiveSweepAbortsOnlyCostTheirFrame) {
    // Each frame held still, as a donor holds a box; a fresh live decoder per frame on both sides.
    const auto frames = sweep_frames();
    DecodeWorker worker(faulty_helper());
    int aborted = 0;
    for (const SweepFrame& frame : frames) {
        const cv::Mat& grey = frame.grey;
        // DataBar Expanded long enough to reach the live decoder's periodic full-frame pass.
        const int held = frame.label.rfind("DataBarExpanded", 0) == 0 ? kHeldFrames : 3;
        const InProcess truth = medkiosk::test::decode_in_child(grey, true, held);
        worker.reset_live();
        std::vector<DecodeReport> reports;
        for (int i = 0; i < held; ++i)
            reports.push_back(worker.decode_grey(DecodeMode::Live, grey.data, grey.cols, grey.rows,
                                                 static_cast<int>(grey.step),
                                                 frame.label + " #" + std::to_string(i)));
        if (truth.aborted) {
            ++aborted;
            // Up to the abort, the helper read what the in-process decoder read; then it crashed.
            const std::size_t crash = truth.texts.size();
            ASSERT_LT(crash, reports.size());
            for (std::size_t i = 0; i < crash; ++i) EXPECT_EQ(joined(reports[i].symbols), truth.texts[i]);
            expect_abort_incident(reports[crash], frame.label);
            continue;
        }
        for (std::size_t i = 0; i < reports.size(); ++i) {
            EXPECT_FALSE(reports[i].incident) << frame.label;
            EXPECT_EQ(joined(reports[i].symbols), truth.texts.at(i)) << frame.label << " #" << i;
        }
    }
    std::cout << "[containment] live: " << frames.size() << " frames held 3 (DataBar Expanded " << kHeldFrames
              << ") times, " << aborted << " aborted zxing in-process, helpers started " << worker.starts()
              << "\n";
    EXPECT_GE(aborted, 1)
        << "no frame aborts zxing any more: this test proves nothing until new ones are found";
    EXPECT_GE(worker.starts(), static_cast<std::uint64_t>(aborted) + 1);
}

// The frames a camera would deliver: a box read normally, then one held at an aborting angle, then
// the first box again.
std::vector<cv::Mat> held_sequence(const SweepFrame& aborting) {
    const cv::Mat ean = medkiosk::test::upright_ean13().grey;
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 4; ++i) frames.push_back(ean);
    for (int i = 0; i < 2 * kHeldFrames; ++i) frames.push_back(aborting.grey);
    for (int i = 0; i < 6; ++i) frames.push_back(ean);
    return frames;
}

TEST(scannerCrashContainment, TheLivePipelineKeepsRunningAndReportsEachCrash) {
    const auto aborting = zxing_aborting_frames(1);
    ASSERT_EQ(aborting.size(), 1u) << "no frame aborts zxing any more: this test proves nothing";
    medkiosk::test::TempDir dir;
    const auto sequence = held_sequence(aborting[0]);
    // Decoding in-process as the helper does would die on this very folder, looped as the images:
    // source does.
    const InProcess truth = in_process([&](auto emit) {
        TrackingDecoder live;
        for (int round = 0; round < 2; ++round)
            for (const cv::Mat& grey : sequence) {
                medkiosk::test::fault_hooks_in_process(grey);
                emit(joined(live.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step))));
            }
    });
    ASSERT_TRUE(truth.aborted) << "this sequence no longer aborts in-process";
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "frame%03zu.png", i);
        ASSERT_TRUE(cv::imwrite((dir.path() / name).string(), sequence[i]));
    }
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Images;
    spec.location = dir.path().string();
    spec.fps = 12;
    PipelineOptions options;
    options.decoding.executable = medkiosk::test::faulty_decoder_path();
    options.hold = std::chrono::milliseconds(500);  // the box comes back within a round: fire again
    ScanPipeline pipeline(spec, options);
    pipeline.start();
    std::vector<ScannerIncident> crashes;
    std::vector<ScanEvent> events;
    std::uint64_t frames_at_first_crash = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        for (auto& incident : pipeline.take_incidents())
            if (incident.kind == ScannerIncident::Kind::DecoderCrashed)
                crashes.push_back(std::move(incident));
        for (auto& event : pipeline.take_events()) events.push_back(std::move(event));
        if (!crashes.empty() && frames_at_first_crash == 0) frames_at_first_crash = pipeline.stats().frames;
        // Two crashes, and the box read again after them: the camera path survived, twice.
        if (crashes.size() >= 2 && events.size() >= 2 && pipeline.stats().frames > frames_at_first_crash + 30)
            break;
    }
    const PipelineStats stats = pipeline.stats();
    pipeline.stop();
    ASSERT_GE(crashes.size(), 2u) << "frames " << stats.frames << ", decoded " << stats.decoded_frames;
    for (const auto& crash : crashes) {
        EXPECT_NE(crash.subject.find("frame "), std::string::npos) << crash.subject;
        EXPECT_NE(crash.subject.find("(1920x1080) from images " + dir.path().string()), std::string::npos)
            << crash.subject;
        EXPECT_NE(crash.detail.find(kAssertion), std::string::npos) << crash.detail;
    }
    EXPECT_GE(stats.decoder_failures, crashes.size());
    EXPECT_TRUE(stats.decoder_error.empty()) << stats.decoder_error;
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.front().symbol.text, "6901234567892");
    EXPECT_GT(events.back().frame_sequence, frames_at_first_crash) << "a code was read after a crash";
}

TEST(scannerCrashContainment, ScanGoesOnPastStillsThatAbortTheDecoder) {
    const auto aborting = zxing_aborting_frames(2);
    ASSERT_GE(aborting.size(), 1u) << "no frame aborts zxing any more: this test proves nothing";
    medkiosk::test::TempDir dir;
    std::vector<std::string> abort_files;
    for (std::size_t i = 0; i < aborting.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "b%zu.png", i);
        abort_files.push_back((dir.path() / name).string());
        ASSERT_TRUE(cv::imwrite(abort_files.back(), aborting[i].grey));
    }
    ASSERT_TRUE(cv::imwrite((dir.path() / "a.png").string(), medkiosk::test::upright_ean13().grey));
    ASSERT_TRUE(cv::imwrite((dir.path() / "c.png").string(), medkiosk::test::upright_ean13().grey));

    medkiosk::test::TempDir bin;
    const std::string ctl = medkiosk::test::beside_faulty_decoder(bin.path(), MEDKIOSKCTL_PATH);
    const auto result = medkiosk::test::run_process({ctl, "scan", "--json", dir.path().string()});
    EXPECT_EQ(result.exit_code, 1) << "killed by a signal if -1: " << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), aborting.size() + 2) << result.out;
    EXPECT_EQ(lines.front()["codes"][0]["text"], "6901234567892");
    EXPECT_EQ(lines.back()["codes"][0]["text"], "6901234567892");  // read after the crashes
    for (std::size_t i = 0; i < aborting.size(); ++i) {
        const json& line = lines[i + 1];
        EXPECT_EQ(line["file"], abort_files[i]);
        EXPECT_EQ(line["decoder"], "crashed");
        EXPECT_NE(line["error"].get<std::string>().find(kAssertion), std::string::npos) << line.dump();
    }
}

TEST(scannerCrashContainment, ScanGoesOnPastVideoFramesThatAbortTheDecoder) {
    const auto aborting = zxing_aborting_frames(1);
    ASSERT_EQ(aborting.size(), 1u) << "no frame aborts zxing any more: this test proves nothing";
    const auto sequence = held_sequence(aborting[0]);
    const InProcess truth = in_process([&](auto emit) {
        TrackingDecoder live;
        for (const cv::Mat& grey : sequence) {
            medkiosk::test::fault_hooks_in_process(grey);
            emit(joined(live.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step))));
        }
    });
    ASSERT_TRUE(truth.aborted) << "this video no longer aborts in-process";
    medkiosk::test::TempDir dir;
    const std::string video = (dir.path() / "held.mkv").string();
    {
        // FFV1 is lossless: the frames decoded are the frames that abort.
        cv::VideoWriter writer(video, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 10, sequence[0].size(),
                               false);
        ASSERT_TRUE(writer.isOpened());
        for (const cv::Mat& frame : sequence) writer.write(frame);
    }
    medkiosk::test::TempDir bin;
    const std::string ctl = medkiosk::test::beside_faulty_decoder(bin.path(), MEDKIOSKCTL_PATH);
    const auto result = medkiosk::test::run_process({ctl, "scan", "--json", "--hold", "1", video});
    EXPECT_EQ(result.exit_code, 1) << "killed by a signal if -1: " << result.err;
    const auto lines = json_lines(result.out);
    ASSERT_FALSE(lines.empty()) << result.err;
    int crashes = 0, events = 0;
    long long first_crash = -1, last_event = -1;
    for (const json& line : lines) {
        if (line.contains("decoder")) {
            ++crashes;
            EXPECT_EQ(line["decoder"], "crashed") << line.dump();
            EXPECT_NE(line["error"].get<std::string>().find(kAssertion), std::string::npos) << line.dump();
            if (first_crash < 0) first_crash = line["frame"];
        } else if (line.contains("codes")) {
            ++events;
            last_event = line["frame"];
            EXPECT_EQ(line["codes"][0]["text"], "6901234567892");
        }
    }
    EXPECT_EQ(first_crash, static_cast<long long>(truth.texts.size())) << "the frame that aborts in-process";
    EXPECT_GE(crashes, 1);
    EXPECT_EQ(events, 2) << result.out;
    EXPECT_GT(last_event, first_crash) << "the box was read again after the crash";
    EXPECT_EQ(lines.back()["frames"], static_cast<long long>(sequence.size()))
        << "the whole video was scanned";
}

}  // namespace
