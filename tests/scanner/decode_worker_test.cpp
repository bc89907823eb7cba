// The decoding helper process: it decodes exactly what the in-process decoders decode, and every way it
// can fail (abort, segfault, exit, hang, garbage, a wrong answer, missing, failing at start) costs only
// the image it was reading. Faults come from a test build of the helper (medkiosk-decoder-with-faults)
// that fails on purpose when an image starts with "MKFAULT"; the installed helper has no such hook.

#include "medkiosk/scanner/decode_worker.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "linear_sweep.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"

using namespace medkiosk::scanner;
using Kind = DecodeIncident::Kind;

namespace {

DecodeWorkerOptions faulty_helper() {
    DecodeWorkerOptions options;
    options.executable = MEDKIOSK_FAULTY_DECODER_PATH;
    options.live_timeout = std::chrono::milliseconds(1500);
    options.still_timeout = std::chrono::milliseconds(1500);
    return options;
}

// A frame with three symbols a pack may carry, as the camera would see them.
cv::Mat pack_frame(unsigned seed) {
    using namespace medkiosk::test;
    cv::Mat frame = make_scene(1280, 720, seed);
    place_symbol(frame, render_symbol(gs1_datamatrix_code("SER" + std::to_string(seed))),
                 Placement{{300, 360}, 8.0 * seed, 5, 0, 1});
    place_symbol(frame, render_symbol(ean13_code("690123456789")), Placement{{850, 250}, 0, 3, 0, 1});
    place_symbol(frame, render_symbol(code128_code("81234560000123456789")),
                 Placement{{850, 520}, 0, 2, 0, 1});
    blur_and_noise(frame, 0.5, 2, seed);
    return frame;
}

// The same frame marked so the test helper fails on it in the way `fault` names.
cv::Mat faulty(char fault) {
    cv::Mat frame = medkiosk::test::upright_ean13().grey.clone();
    medkiosk::test::mark_fault(frame, fault);
    return frame;
}

DecodeReport decode(DecodeWorker& worker, const cv::Mat& grey, DecodeMode mode, const std::string& what) {
    return worker.decode_grey(mode, grey.data, grey.cols, grey.rows, static_cast<int>(grey.step), what);
}

bool same(const std::vector<DecodedSymbol>& a, const std::vector<DecodedSymbol>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].text != b[i].text || a[i].format != b[i].format || a[i].symbology != b[i].symbology)
            return false;
        for (int c = 0; c < 4; ++c)
            if (a[i].corners[c].x != b[i].corners[c].x || a[i].corners[c].y != b[i].corners[c].y)
                return false;
    }
    return true;
}

// Alive, and not a zombie waiting to be reaped.
bool process_exists(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const std::size_t close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

void expect_reads_ean13(DecodeWorker& worker, const std::string& after) {
    const auto report = decode(worker, medkiosk::test::upright_ean13().grey, DecodeMode::Still, "check");
    EXPECT_FALSE(report.skipped) << "after " << after;
    EXPECT_FALSE(report.incident) << "after " << after << ": " << report.incident->detail;
    ASSERT_EQ(report.symbols.size(), 1u) << "after " << after;
    EXPECT_EQ(report.symbols[0].text, "6901234567892");
}

TEST(scannerDecodeWorker, FindsTheInstalledOrBuiltHelper) {
    const std::string path = find_decoder_executable();
    ASSERT_FALSE(path.empty());
    EXPECT_EQ(std::filesystem::path(path).filename(), "medkiosk-decoder");
}

TEST(scannerDecodeWorker, DecodesExactlyWhatTheInProcessDecodersDecode) {
    DecodeWorker worker;
    ASSERT_FALSE(worker.start());
    const Decoder still;
    TrackingDecoder live;
    int symbols = 0;
    for (unsigned seed = 0; seed < 6; ++seed) {
        const cv::Mat frame = pack_frame(seed);
        const auto expected_still =
            still.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
        const auto expected_live =
            live.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
        const auto got_still = decode(worker, frame, DecodeMode::Still, "seed " + std::to_string(seed));
        const auto got_live = decode(worker, frame, DecodeMode::Live, "seed " + std::to_string(seed));
        EXPECT_FALSE(got_still.skipped || got_live.skipped);
        EXPECT_TRUE(same(got_still.symbols, expected_still)) << "still, seed " << seed;
        EXPECT_TRUE(same(got_live.symbols, expected_live)) << "live, seed " << seed;
        EXPECT_GT(got_still.helper_cpu_ms, 0);
        // A still reports every symbol printed on it, not only the first a pass reads.
        std::vector<std::string> texts;
        for (const DecodedSymbol& symbol : got_still.symbols) texts.push_back(symbol.text);
        std::sort(texts.begin(), texts.end());
        EXPECT_EQ(texts.size(), 3u) << "still, seed " << seed;
        EXPECT_TRUE(std::binary_search(texts.begin(), texts.end(), "6901234567892")) << "seed " << seed;
        EXPECT_TRUE(std::binary_search(texts.begin(), texts.end(), "81234560000123456789"))
            << "seed " << seed;
        symbols += static_cast<int>(got_still.symbols.size());
    }
    EXPECT_EQ(symbols, 18);  // the frames are worth comparing
    EXPECT_EQ(worker.starts(), 1u);
}

TEST(scannerDecodeWorker, EveryWayTheHelperFailsSkipsOnlyThatImage) {
    DecodeWorker worker(faulty_helper());
    expect_reads_ean13(worker, "start");
    struct Case {
        char fault;
        Kind kind;
        const char* detail;
    };
    const Case cases[] = {
        {'A', Kind::Crashed, "killed by signal 6 (SIGABRT"},
        {'S', Kind::Crashed, "killed by signal 11 (SIGSEGV"},
        {'X', Kind::Crashed, "exited with status 7"},
        {'H', Kind::TimedOut, "no answer within 1.5 s"},
        {'G', Kind::BadAnswer, "not the result asked for"},
        {'W', Kind::BadAnswer, "not the result asked for"},
    };
    std::uint64_t starts = worker.starts();
    for (const Case& c : cases) {
        const pid_t before = worker.helper_pid();
        ASSERT_GT(before, 0);
        const std::string what = std::string("image with fault ") + c.fault;
        const auto report =
            decode(worker, faulty(c.fault), c.fault == 'A' ? DecodeMode::Live : DecodeMode::Still, what);
        EXPECT_TRUE(report.skipped) << c.fault;
        EXPECT_TRUE(report.symbols.empty()) << c.fault;
        ASSERT_TRUE(report.incident) << c.fault;
        EXPECT_EQ(report.incident->kind, c.kind) << c.fault << ": " << report.incident->detail;
        EXPECT_EQ(report.incident->skipped, what);
        EXPECT_NE(report.incident->detail.find(c.detail), std::string::npos) << report.incident->detail;
        EXPECT_EQ(worker.helper_pid(), 0) << "a failed helper is not kept";
        EXPECT_FALSE(process_exists(before)) << "helper " << before << " after fault " << c.fault;
        expect_reads_ean13(worker, std::string("fault ") + c.fault);
        EXPECT_EQ(worker.starts(), ++starts);
    }
    // The helper's own words about an abort reach the incident.
    const auto report = decode(worker, faulty('A'), DecodeMode::Still, "again");
    ASSERT_TRUE(report.incident);
    EXPECT_NE(report.incident->detail.find("fault hook: abort"), std::string::npos)
        << report.incident->detail;
}

TEST(scannerDecodeWorker, CrashesInARowBackOffAndSkipQuietlyMeanwhile) {
    DecodeWorkerOptions options = faulty_helper();
    options.restart_backoff = std::chrono::milliseconds(300);
    options.max_restart_backoff = std::chrono::milliseconds(600);
    DecodeWorker worker(options);
    const cv::Mat abort_frame = faulty('A');
    // The first crash restarts at once: the next image is read by a new helper.
    auto report = decode(worker, abort_frame, DecodeMode::Live, "1");
    ASSERT_TRUE(report.incident);
    EXPECT_NE(report.incident->detail.find("a new helper takes the next image"), std::string::npos);
    report = decode(worker, abort_frame, DecodeMode::Live, "2");  // second in a row: back off 0.3 s
    ASSERT_TRUE(report.incident);
    EXPECT_NE(report.incident->detail.find("the next helper starts in 0.3 s"), std::string::npos)
        << report.incident->detail;
    const std::uint64_t starts = worker.starts();
    report = decode(worker, medkiosk::test::upright_ean13().grey, DecodeMode::Live, "3");
    EXPECT_TRUE(report.skipped);
    EXPECT_FALSE(report.incident) << "frames skipped while backing off are not incidents";
    EXPECT_EQ(worker.starts(), starts);
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    report = decode(worker, abort_frame, DecodeMode::Live, "4");  // third: doubles to 0.6 s
    ASSERT_TRUE(report.incident);
    EXPECT_NE(report.incident->detail.find("0.6 s"), std::string::npos) << report.incident->detail;
    std::this_thread::sleep_for(std::chrono::milliseconds(650));
    expect_reads_ean13(worker, "backing off");
    // A success resets the count: the next crash restarts at once again.
    report = decode(worker, abort_frame, DecodeMode::Live, "5");
    ASSERT_TRUE(report.incident);
    EXPECT_NE(report.incident->detail.find("a new helper takes the next image"), std::string::npos);
}

TEST(scannerDecodeWorker, AMissingOrBrokenHelperIsReportedNotHidden) {
    DecodeWorkerOptions options;
    options.executable = "/nonexistent/medkiosk-decoder";
    DecodeWorker missing(options);
    const auto error = missing.start();
    ASSERT_TRUE(error);
    EXPECT_NE(error->find("/nonexistent/medkiosk-decoder could not be started: No such file"),
              std::string::npos)
        << *error;
    auto report = decode(missing, medkiosk::test::upright_ean13().grey, DecodeMode::Live, "frame 1");
    EXPECT_TRUE(report.skipped);
    ASSERT_TRUE(report.incident);
    EXPECT_EQ(report.incident->kind, Kind::Unavailable);

    options.executable = "/bin/false";  // starts, then leaves without a word
    DecodeWorker broken(options);
    const auto broken_error = broken.start();
    ASSERT_TRUE(broken_error);
    EXPECT_NE(broken_error->find("exited with status 1 before it was ready"), std::string::npos)
        << *broken_error;

    medkiosk::test::TempDir dir;  // a program that starts and never says it is ready
    // A helper of another build: a well-formed Ready (one message) announcing another message layout.
    const auto other_path = dir.path() / "other-version";
    std::ofstream(other_path)
        << "#!/bin/bash\nprintf "
           "'\\x57\\x44\\x4b\\x4d\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01\\x01\\x01"
           "\\x01\\x01\\x01\\x01\\x01\\x39\\x30\\x00\\x00\\x00\\x00\\x00\\x00' >&3\nexec sleep 60\n";
    std::filesystem::permissions(other_path, std::filesystem::perms::owner_all);
    options.executable = other_path.string();
    DecodeWorker other(options);
    const auto other_error = other.start();
    ASSERT_TRUE(other_error);
    EXPECT_NE(other_error->find("belongs to another version of medkiosk"), std::string::npos) << *other_error;

    const auto silent_path = dir.path() / "silent-helper";
    std::ofstream(silent_path) << "#!/bin/sh\nexec sleep 60\n";
    std::filesystem::permissions(silent_path, std::filesystem::perms::owner_all);
    options.executable = silent_path.string();
    options.start_timeout = std::chrono::milliseconds(300);
    DecodeWorker silent(options);
    const auto silent_error = silent.start();
    ASSERT_TRUE(silent_error);
    EXPECT_NE(silent_error->find("did not report ready within 0.3 s and was killed by signal 9"),
              std::string::npos)
        << *silent_error;
    EXPECT_EQ(silent.helper_pid(), 0);
}

// systemd stops the kiosk by sending SIGTERM to every process of its unit, and Ctrl-C sends SIGINT to
// the terminal's whole group (SIGHUP when that terminal goes away): the helper is not the one to act on them.
// It keeps reading until the kiosk closes its socket or dies, so a stopping kiosk does not log a decoder
// crash.
TEST(scannerDecodeWorker, AStopSignalForTheWholeGroupIsLeftToTheOwner) {
    DecodeWorker worker(faulty_helper());
    ASSERT_FALSE(worker.start());
    const pid_t helper = worker.helper_pid();
    const std::uint64_t starts = worker.starts();
    ::kill(helper, SIGTERM);
    ::kill(helper, SIGINT);
    ::kill(helper, SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(process_exists(helper)) << "the helper ended on a signal meant for the kiosk";
    expect_reads_ean13(worker, "after SIGTERM, SIGINT and SIGHUP");
    EXPECT_EQ(worker.starts(), starts) << "the same helper reads on";
}

TEST(scannerDecodeWorker, TheHelperEndsWithItsOwnerEvenMidDecode) {
    DecodeWorker worker(faulty_helper());
    ASSERT_FALSE(worker.start());
    const pid_t helper = worker.helper_pid();
    {
        DecodeWorker gone(faulty_helper());
        ASSERT_FALSE(gone.start());
        const pid_t short_lived = gone.helper_pid();
        ASSERT_TRUE(process_exists(short_lived));
        // Destroyed here.
        (void)short_lived;
    }
    EXPECT_TRUE(process_exists(helper));

    // An owner that dies without cleaning up (killed) takes a helper stuck in a decode with it.
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t owner = ::fork();
    if (owner == 0) {
        DecodeWorkerOptions options = faulty_helper();
        options.still_timeout = std::chrono::hours(1);
        DecodeWorker orphaned(options);
        if (orphaned.start()) _exit(1);
        const pid_t pid = orphaned.helper_pid();
        if (::write(pipe_fds[1], &pid, sizeof pid) != sizeof pid) _exit(1);
        decode(orphaned, faulty('H'), DecodeMode::Still, "hang");  // never returns
        _exit(0);
    }
    ::close(pipe_fds[1]);
    pid_t stuck = 0;
    ASSERT_EQ(::read(pipe_fds[0], &stuck, sizeof stuck), static_cast<ssize_t>(sizeof stuck));
    ::close(pipe_fds[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(owner, SIGKILL);
    ::waitpid(owner, nullptr, 0);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
        // The helper is the owner's child: once orphaned, init reaps it.
        gone = !process_exists(stuck);
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(gone) << "helper " << stuck << " outlived its owner";
}

TEST(scannerDecodeWorker, TheHelperGetsNoneOfTheOwnersFiles) {
    const int leaked = ::open("/proc/self/status", O_RDONLY);  // deliberately without O_CLOEXEC
    ASSERT_GE(leaked, 0);
    DecodeWorker worker;
    ASSERT_FALSE(worker.start());
    std::vector<std::string> fds;
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(worker.helper_pid()) + "/fd"))
        fds.push_back(entry.path().filename().string());
    ::close(leaked);
    std::sort(fds.begin(), fds.end());
    EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST(scannerDecodeWorker, ImagesOfAnySizeShareOneBufferThatGrows) {
    DecodeWorker worker;
    cv::Mat big(4000, 6000, CV_8UC1, cv::Scalar(255));  // 24 MP, after nothing: the buffer grows
    const cv::Mat ean = medkiosk::test::upright_ean13().grey;
    ean.copyTo(big(cv::Rect(4000, 2500, ean.cols, ean.rows)));
    auto report = decode(worker, big, DecodeMode::Still, "big");
    EXPECT_FALSE(report.skipped);
    ASSERT_EQ(report.symbols.size(), 1u);
    EXPECT_EQ(report.symbols[0].text, "6901234567892");
    EXPECT_GT(report.symbols[0].corners[0].x, 4000);
    expect_reads_ean13(worker, "a big image");
    EXPECT_EQ(worker.starts(), 1u);
}

}  // namespace
