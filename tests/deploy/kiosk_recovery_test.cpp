// The real kiosk under Xvfb, the way systemd and a technician meet it: READY and watchdog pings on a
// fake notification socket, a camera (a video file) that disappears and comes back, a data disk (a
// small tmpfs) that fills up and is freed again.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <regex>
#include <thread>

#include "medkiosk/kiosk/status.hpp"
#include "notify_socket.hpp"
#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void write_file(const fs::path& file, const std::string& text) {
    std::ofstream(file) << text;
}

// A short grey clip: enough for OpenCV's VideoCapture to open and loop, nothing to decode.
bool write_clip(const fs::path& file) {
    cv::VideoWriter writer(file.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10,
                           cv::Size(320, 240));
    if (!writer.isOpened()) return false;
    for (int i = 0; i < 10; ++i) {
        cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(90 + i, 90, 90));
        cv::putText(frame, std::to_string(i), {140, 130}, cv::FONT_HERSHEY_SIMPLEX, 1.5, {255, 255, 255}, 2);
        writer.write(frame);
    }
    return true;
}

std::string kiosk_config(const std::string& extra = {}) {
    return "[kiosk]\nid = \"recovery-test\"\nlanguage = \"en\"\n[storage]\nmin_free_disk_mb = 1\n" + extra;
}

long kiosk_pid(const fs::path& data_dir) {
    const auto status = kiosk::read_runtime_status(data_dir);
    return status && status.value() ? status.value()->pid : 0;
}

TEST(KioskUnderSystemd, SendsReadyAndWatchdogPingsThatStopWhenTheLoopHangs) {
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir dir;
    FakeNotifySocket systemd(dir.path() / "notify");
    ASSERT_TRUE(systemd.ok());
    write_file(dir.path() / "kiosk.toml", kiosk_config());
    BackgroundProcess kiosk(
        {MEDKIOSK_PATH, "--windowed", "--size", "800x600", "--source", "demo", "--config",
         (dir.path() / "kiosk.toml").string(), "--data-dir", (dir.path() / "data").string()},
        (dir.path() / "kiosk").string(),
        {x.env(), "NOTIFY_SOCKET=" + systemd.path(), "WATCHDOG_USEC=900000"});
    ASSERT_TRUE(systemd.wait_for("READY=1", 30s)) << kiosk.output();
    const auto running = systemd.collect(1500ms);
    // Pings are due every 300 ms; a loaded 2-core CI machine may stretch a frame, so expect at least two.
    EXPECT_GE(count_containing(running, "WATCHDOG=1"), 2) << kiosk.output();
    EXPECT_NE(kiosk.output().find("event=config-loaded"), std::string::npos);
    EXPECT_NE(kiosk.output().find("using=file"), std::string::npos) << kiosk.output();

    // Freeze the process: from systemd's side this is a hung main loop.
    const long pid = kiosk_pid(dir.path() / "data");
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    systemd.collect(100ms);
    const auto hung = systemd.collect(1200ms);
    ::kill(static_cast<pid_t>(pid), SIGCONT);
    EXPECT_EQ(count_containing(hung, "WATCHDOG=1"), 0) << "pings went on while the loop was frozen";
    const auto resumed = systemd.collect(1000ms);
    EXPECT_GE(count_containing(resumed, "WATCHDOG=1"), 1);
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

// Any stop signal at any moment is a clean stop (exit code 0, queues drained, event=stopped): SIGTERM
// while the kiosk is still starting, before its window exists (the handlers were installed only once
// the window was up, so it died by the signal), and SIGHUP (a closed terminal or SSH session) once it
// runs, which had no handler at all.
TEST(KioskSignals, ATermDuringStartUpAndAHangUpAreCleanStops) {
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir dir;
    write_file(dir.path() / "kiosk.toml", kiosk_config());
    const std::vector<std::string> argv{MEDKIOSK_PATH, "--windowed",
                                        "--size",      "800x600",
                                        "--source",    "demo",
                                        "--config",    (dir.path() / "kiosk.toml").string(),
                                        "--data-dir",  (dir.path() / "data").string()};
    {
        BackgroundProcess kiosk(argv, (dir.path() / "early").string(), {x.env()});
        // The config is read first thing in main, well before the camera, the ledger and the window.
        ASSERT_TRUE(kiosk.wait_for_output("event=config-loaded", 30s)) << kiosk.output();
        EXPECT_EQ(kiosk.stop(), 0) << "killed by SIGTERM during start-up:\n" << kiosk.output();
        EXPECT_NE(kiosk.output().find("event=stopped signal=SIGTERM"), std::string::npos) << kiosk.output();
    }
    {
        BackgroundProcess kiosk(argv, (dir.path() / "hangup").string(), {x.env()});
        ASSERT_TRUE(kiosk.wait_for_output("event=first-frame", 30s)) << kiosk.output();
        ASSERT_EQ(::kill(-kiosk.pid(), SIGHUP), 0);  // the whole group, as a closed terminal does
        for (int i = 0; i < 100 && kiosk.running(); ++i) std::this_thread::sleep_for(100ms);
        EXPECT_FALSE(kiosk.running()) << "SIGHUP did not stop the kiosk";
        EXPECT_EQ(kiosk.stop(), 0) << "killed by SIGHUP:\n" << kiosk.output();
        EXPECT_NE(kiosk.output().find("event=stopped signal=SIGHUP"), std::string::npos) << kiosk.output();
        EXPECT_EQ(kiosk.output().find("decoder-crashed"), std::string::npos)
            << "the helper took the hang-up too";
    }
}

TEST(KioskConfig, FlagsOverrideTheFileAndABrokenFileFallsBackToTheLastGoodCopy) {
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir dir;
    // A broken config with a last good copy: the kiosk starts on the copy and says why.
    write_file(dir.path() / "kiosk.toml", kiosk_config("[camera]\nsource = \"camera:/dev/video99\"\n"));
    {
        // Command-line options win over the file.
        BackgroundProcess first(
            {MEDKIOSK_PATH, "--windowed", "--source", "demo", "--kiosk-id", "flag-wins", "--config",
             (dir.path() / "kiosk.toml").string(), "--data-dir", dir.path().string()},
            (dir.path() / "first").string(), {x.env()});
        ASSERT_TRUE(first.wait_for_output("event=first-frame", 30s)) << first.output();
        EXPECT_NE(first.output().find("kiosk_id=flag-wins"), std::string::npos) << first.output();
        EXPECT_EQ(first.output().find("/dev/video99"), std::string::npos) << first.output();
        EXPECT_EQ(first.stop(), 0);
    }
    ASSERT_TRUE(fs::exists(dir.path() / "kiosk.toml.last-good"));
    write_file(dir.path() / "kiosk.toml", "[kiosk]\nid = \"recovery test\"\n");
    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--config", (dir.path() / "kiosk.toml").string(),
                             "--data-dir", dir.path().string()},
                            (dir.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=camera-error", 30s)) << kiosk.output();
    const std::string out = kiosk.output();
    EXPECT_TRUE(
        std::regex_search(out, std::regex("event=config-error .*kiosk\\.toml:2:6: kiosk\\.id: expected")))
        << out;
    EXPECT_NE(out.find("using=last-good"), std::string::npos) << out;
    EXPECT_NE(out.find("kiosk_id=recovery-test"), std::string::npos) << "the last good id must be used\n"
                                                                     << out;
    EXPECT_NE(out.find("/dev/video99"), std::string::npos) << "the last good camera must be used\n" << out;
    EXPECT_EQ(kiosk.stop(), 0);
}

TEST(KioskRecovery, CameraLossShowsOutOfOrderAndResumesByItself) {
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir dir;
    const fs::path clip = dir.path() / "camera.avi";
    ASSERT_TRUE(write_clip(clip));
    write_file(dir.path() / "kiosk.toml",
               kiosk_config("[camera]\nsource = \"video:" + clip.string() + "\"\n"));
    BackgroundProcess kiosk(
        {MEDKIOSK_PATH, "--windowed", "--size", "800x600", "--config", (dir.path() / "kiosk.toml").string(),
         "--data-dir", (dir.path() / "data").string()},
        (dir.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=first-frame", 30s)) << kiosk.output();

    fs::rename(clip, dir.path() / "unplugged.avi");  // the camera goes away
    ASSERT_TRUE(kiosk.wait_for_output("event=out-of-order reason=camera", 20s)) << kiosk.output();
    EXPECT_TRUE(kiosk.running());
    EXPECT_TRUE(x.screenshot(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/deploy-out-of-order-camera.png"));
    auto status = run_ctl({"status", "--data-dir", (dir.path() / "data").string()});
    EXPECT_NE(status.out.find("OUT OF ORDER (camera)"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("last error:"), std::string::npos);
    EXPECT_NE(status.out.find("camera-error"), std::string::npos) << status.out;

    fs::rename(dir.path() / "unplugged.avi", clip);  // and comes back
    ASSERT_TRUE(kiosk.wait_for_output("event=back-in-service", 20s)) << kiosk.output();
    status = run_ctl({"status", "--data-dir", (dir.path() / "data").string()});
    EXPECT_NE(status.out.find("running, in-service"), std::string::npos) << status.out;
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

// Issue 12: a ledger lost after the kiosk has run (the marker says there was one) is not made anew:
// the kiosk goes out of order and says how to restore it or start a new instance.
TEST(KioskRecovery, ALostLedgerIsNotMadeAnewAndTheKioskSaysHowToRecover) {
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir dir;
    const fs::path data = dir.path() / "data";
    write_file(dir.path() / "kiosk.toml", kiosk_config("[camera]\nsource = \"demo\"\n"));
    ASSERT_EQ(run_ctl({"db", "init", "--data-dir", data.string()}).exit_code, 0);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(data.string() + "/ledger.db" + suffix);

    BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", "800x600", "--config",
                             (dir.path() / "kiosk.toml").string(), "--data-dir", data.string()},
                            (dir.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=out-of-order reason=storage", 30s)) << kiosk.output();
    EXPECT_TRUE(kiosk.running()) << "out of order, not crashed";
    auto status = run_ctl({"status", "--data-dir", data.string()});
    EXPECT_NE(status.out.find("OUT OF ORDER (storage)"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("db init --new-instance"), std::string::npos) << status.out;
    EXPECT_FALSE(fs::exists(data / "ledger.db")) << "the kiosk made a new, empty ledger";
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
}

// A tmpfs mounted for the test and unmounted whatever happens.
class SmallDisk {
  public:
    SmallDisk(const fs::path& where, const std::string& size) : where_(where) {
        fs::create_directories(where_);
        const std::string options = "size=" + size + ",mode=0755";
        mounted_ = ::mount("medkiosk-test", where_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }

  private:
    fs::path where_;
    bool mounted_ = false;
};

// Writes until the disk is full; returns the filler's path.
fs::path fill_disk(const fs::path& dir) {
    const fs::path filler = dir / "filler";
    std::FILE* file = std::fopen(filler.c_str(), "wb");
    if (file == nullptr) return filler;
    std::vector<char> block(64 * 1024, 'x');
    while (std::fwrite(block.data(), 1, block.size(), file) == block.size() && std::fflush(file) == 0) {
    }
    std::fclose(file);
    return filler;
}

TEST(KioskRecovery, AFullDataDiskStopsDonationsKeepsTheLedgerAndResumes) {
    if (::geteuid() != 0)
        MEDKIOSK_CANNOT_RUN_HERE() << "mounting a tmpfs needs root (CI runs the suite as root)";
    TempDir dir;
    SmallDisk disk(dir.path() / "data", "8m");
    if (!disk.mounted())
        MEDKIOSK_CANNOT_RUN_HERE() << "mount -t tmpfs is not allowed here: " << std::strerror(errno);
    Xvfb x(800, 600);
    ASSERT_TRUE(x.ok()) << x.error();
    write_file(dir.path() / "kiosk.toml", kiosk_config());
    BackgroundProcess kiosk(
        {MEDKIOSK_PATH, "--windowed", "--size", "800x600", "--source", "demo", "--config",
         (dir.path() / "kiosk.toml").string(), "--data-dir", (dir.path() / "data").string()},
        (dir.path() / "kiosk").string(), {x.env()});
    ASSERT_TRUE(kiosk.wait_for_output("event=first-frame", 30s)) << kiosk.output();
    // Let the ledger open (and create its file) before the disk fills.
    for (int i = 0; i < 50 && !fs::exists(dir.path() / "data/ledger.db"); ++i)
        std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(fs::exists(dir.path() / "data/ledger.db"));
    EXPECT_EQ(kiosk.output().find("event=out-of-order"), std::string::npos) << kiosk.output();

    const fs::path filler = fill_disk(dir.path() / "data");
    ASSERT_TRUE(kiosk.wait_for_output("event=out-of-order reason=storage", 20s)) << kiosk.output();
    EXPECT_TRUE(x.screenshot(std::string(MEDKIOSK_SCREENSHOT_DIR) + "/deploy-out-of-order-storage.png"));
    EXPECT_TRUE(kiosk.running()) << "a full disk must not crash the kiosk";
    auto checked = run_ctl({"db", "check", "--data-dir", (dir.path() / "data").string()});
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
    EXPECT_EQ(checked.out, "ok\n");

    fs::remove(filler);
    ASSERT_TRUE(kiosk.wait_for_output("event=back-in-service", 20s)) << kiosk.output();
    EXPECT_EQ(kiosk.stop(), 0) << kiosk.output();
    checked = run_ctl({"db", "check", "--data-dir", (dir.path() / "data").string()});
    EXPECT_EQ(checked.out, "ok\n") << checked.err;
}

}  // namespace
}  // namespace medkiosk::test
