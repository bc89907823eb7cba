// The watchdog rule (pings from the main loop only while it beats) and the health rules behind the
// out-of-order screen, driven directly with a fake clock and a fake systemd socket.

#include "medkiosk/kiosk/watchdog.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "medkiosk/kiosk/health.hpp"
#include "notify_socket.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;
using kiosk::LoopWatchdog;
using Clock = std::chrono::steady_clock;

TEST(LoopWatchdog, PingsAtAThirdOfTheTimeoutWhileTheLoopBeats) {
    LoopWatchdog watchdog(30s);
    const auto t0 = Clock::time_point{} + 1h;
    int pings = 0;
    for (auto t = t0; t < t0 + 60s; t += 100ms) pings += watchdog.beat(t) ? 1 : 0;
    EXPECT_GE(pings, 6);
    EXPECT_LE(pings, 7);
    EXPECT_FALSE(watchdog.hung(t0 + 60s));
}

TEST(LoopWatchdog, AHungLoopIsDetectedAfterTheTimeoutAndRecoversWhenItBeatsAgain) {
    LoopWatchdog watchdog(3s);
    const auto t0 = Clock::time_point{} + 1h;
    EXPECT_TRUE(watchdog.beat(t0));
    EXPECT_FALSE(watchdog.hung(t0 + 2900ms));
    EXPECT_TRUE(watchdog.hung(t0 + 3100ms));
    EXPECT_TRUE(watchdog.beat(t0 + 3100ms)) << "a late beat pings at once";
    EXPECT_FALSE(watchdog.hung(t0 + 3200ms));
}

TEST(LoopWatchdog, DisabledOutsideSystemd) {
    LoopWatchdog watchdog(0us);
    EXPECT_FALSE(watchdog.enabled());
    EXPECT_FALSE(watchdog.beat(Clock::now()));
    EXPECT_FALSE(watchdog.hung(Clock::now() + 1h));
}

TEST(SystemdNotifier, IsANoOpWithoutNotifySocket) {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    const auto notifier = kiosk::SystemdNotifier::from_environment();
    EXPECT_FALSE(notifier.active());
    EXPECT_FALSE(notifier.ready());
    EXPECT_EQ(notifier.watchdog_timeout().count(), 0);
}

// A main loop beating the watchdog in a thread, as the kiosk does; when it hangs the pings stop, which
// is exactly what systemd's WatchdogSec= acts on.
TEST(SystemdNotifier, PingsStopWhenTheMainLoopHangs) {
    TempDir dir;
    FakeNotifySocket systemd(dir.path() / "notify");
    ASSERT_TRUE(systemd.ok());
    ::setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
    ::setenv("WATCHDOG_USEC", "300000", 1);
    ::setenv("WATCHDOG_PID", "1", 1);  // someone else's PID, as under cage: must not disable the pings
    const auto notifier = kiosk::SystemdNotifier::from_environment();
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ASSERT_TRUE(notifier.active());
    ASSERT_EQ(notifier.watchdog_timeout(), 300ms);

    std::mutex mutex;
    std::condition_variable release;
    std::atomic<bool> hang{false};
    std::atomic<bool> stop{false};
    std::thread loop([&] {
        ::setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);  // sd_notify reads it on every call
        LoopWatchdog watchdog(notifier.watchdog_timeout());
        notifier.ready();
        while (!stop) {
            if (hang) {
                std::unique_lock lock(mutex);
                release.wait(lock, [&] { return !hang || stop; });
            }
            if (watchdog.beat(Clock::now())) notifier.watchdog();
            std::this_thread::sleep_for(10ms);
        }
    });

    auto healthy = systemd.collect(1000ms);
    EXPECT_EQ(count_containing(healthy, "READY=1"), 1);
    EXPECT_GE(count_containing(healthy, "WATCHDOG=1"), 7) << "pings every 100 ms expected";

    hang = true;
    systemd.collect(150ms);  // a ping may be in flight
    auto hung = systemd.collect(1000ms);
    EXPECT_EQ(count_containing(hung, "WATCHDOG=1"), 0) << "a hung loop must stop pinging";

    {
        std::lock_guard lock(mutex);
        hang = false;
    }
    release.notify_all();
    auto resumed = systemd.collect(500ms);
    EXPECT_GE(count_containing(resumed, "WATCHDOG=1"), 3);
    stop = true;
    release.notify_all();
    loop.join();
    ::unsetenv("NOTIFY_SOCKET");
}

kiosk::HealthTracker::Options small_limits() {
    kiosk::HealthTracker::Options options;
    options.min_free_bytes = 10 << 20;
    options.camera_grace = 2s;
    options.disk_full_hold = 10s;
    return options;
}

TEST(HealthTracker, ACameraLossShowsOutOfOrderAfterTheGraceAndClearsByItself) {
    kiosk::HealthTracker health(small_limits());
    const auto t0 = Clock::time_point{} + 1h;
    health.disk_free(100 << 20, t0);
    health.camera("camera /dev/video0 could not be opened: no such device", t0);
    EXPECT_EQ(health.reason(t0 + 1s), kiosk::OutOfOrder::None) << "a short hiccup shows nothing";
    EXPECT_EQ(health.reason(t0 + 2500ms), kiosk::OutOfOrder::Camera);
    EXPECT_NE(health.detail(t0 + 2500ms).find("/dev/video0"), std::string::npos);
    health.camera("", t0 + 3s);
    EXPECT_EQ(health.reason(t0 + 3s), kiosk::OutOfOrder::None);
    health.camera("again", t0 + 4s);
    EXPECT_EQ(health.reason(t0 + 5s), kiosk::OutOfOrder::None) << "the grace starts again after a recovery";
}

TEST(HealthTracker, LowDiskSpaceAndALedgerDiskFullRefuseDonationsUntilSpaceIsBack) {
    kiosk::HealthTracker health(small_limits());
    const auto t0 = Clock::time_point{} + 1h;
    health.disk_free(100 << 20, t0);
    EXPECT_EQ(health.reason(t0), kiosk::OutOfOrder::None);
    health.disk_free(1 << 20, t0 + 1s);
    EXPECT_EQ(health.reason(t0 + 1s), kiosk::OutOfOrder::Storage);
    EXPECT_NE(health.detail(t0 + 1s).find("min_free_disk_mb"), std::string::npos) << health.detail(t0 + 1s);
    health.disk_free(100 << 20, t0 + 2s);
    EXPECT_EQ(health.reason(t0 + 2s), kiosk::OutOfOrder::None);

    // The ledger itself hit ENOSPC although statvfs looks fine (reserved blocks, inodes, quotas).
    health.ledger_failed({storage::ErrorCode::DiskFull, "database or disk is full"}, t0 + 3s);
    health.disk_free(100 << 20, t0 + 4s);
    EXPECT_EQ(health.reason(t0 + 4s), kiosk::OutOfOrder::Storage);
    health.disk_free(100 << 20, t0 + 15s);
    EXPECT_EQ(health.reason(t0 + 15s), kiosk::OutOfOrder::None);

    health.ledger_failed({storage::ErrorCode::Busy, "locked"}, t0 + 16s);
    EXPECT_EQ(health.reason(t0 + 16s), kiosk::OutOfOrder::None) << "only a full disk stops donations";
    health.ledger_unavailable("ledger.db is corrupt");
    EXPECT_EQ(health.reason(t0 + 16s), kiosk::OutOfOrder::Storage);
}

TEST(ApplianceMonitor, ADecoderThatCannotStartIsOutOfOrderLikeALostCamera) {
    TempDir dir;
    kiosk::ApplianceSettings settings;
    settings.data_dir = dir.path();
    settings.min_free_bytes = 10 << 20;
    settings.disk_check_interval = 0ms;
    kiosk::ApplianceMonitor monitor(settings);
    monitor.set_free_space_probe(
        [](const std::filesystem::path&) { return std::optional<std::uint64_t>(100 << 20); });
    const auto t0 = Clock::now();
    scanner::PipelineStats camera;
    camera.decoder_error = "the decoding helper medkiosk-decoder is not installed …: reinstall medkiosk";
    EXPECT_EQ(monitor.tick(t0, camera, ""), kiosk::OutOfOrder::None);
    EXPECT_EQ(monitor.tick(t0 + 3s, camera, ""), kiosk::OutOfOrder::Camera) << "no decoder, no donations";
    std::string error;
    const auto status = kiosk::read_runtime_status(dir.path(), error);
    ASSERT_TRUE(status) << error;
    EXPECT_NE(status->detail.find("medkiosk-decoder"), std::string::npos) << status->detail;
    camera.decoder_error.clear();
    EXPECT_EQ(monitor.tick(t0 + 4s, camera, ""), kiosk::OutOfOrder::None);
}

TEST(ApplianceMonitor, SendsReadyOncePingsAndWritesTheStatusFile) {
    TempDir dir;
    FakeNotifySocket systemd(dir.path() / "notify");
    ASSERT_TRUE(systemd.ok());
    ::setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
    ::setenv("WATCHDOG_USEC", "3000000", 1);
    kiosk::ApplianceSettings settings;
    settings.data_dir = dir.path();
    settings.min_free_bytes = 10 << 20;
    settings.kiosk_id = "k-test";
    settings.camera_source = "demo";
    settings.disk_check_interval = 0ms;
    kiosk::ApplianceMonitor monitor(settings);
    std::uint64_t free_bytes = 100 << 20;
    monitor.set_free_space_probe(
        [&](const std::filesystem::path&) { return std::optional<std::uint64_t>(free_bytes); });

    const auto t0 = Clock::now();
    scanner::PipelineStats camera;
    EXPECT_EQ(monitor.tick(t0, camera, ""), kiosk::OutOfOrder::None);
    EXPECT_EQ(monitor.tick(t0 + 10ms, camera, ""), kiosk::OutOfOrder::None);
    free_bytes = 1 << 20;
    EXPECT_EQ(monitor.tick(t0 + 1100ms, camera, ""), kiosk::OutOfOrder::Storage);
    auto messages = systemd.collect(300ms);
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    EXPECT_EQ(count_containing(messages, "READY=1"), 1);
    EXPECT_EQ(count_containing(messages, "WATCHDOG=1"), 2);
    EXPECT_GE(count_containing(messages, "STATUS=out of order"), 1);

    std::string error;
    const auto status = kiosk::read_runtime_status(dir.path(), error);
    ASSERT_TRUE(status) << error;
    EXPECT_EQ(status->state, "out-of-order");
    EXPECT_EQ(status->reason, "storage");
    EXPECT_EQ(status->kiosk_id, "k-test");
    monitor.on_stop();
    EXPECT_EQ(kiosk::read_runtime_status(dir.path(), error)->state, "stopped");
}

}  // namespace
}  // namespace medkiosk::test
