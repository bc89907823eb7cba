#pragma once
// Whether the kiosk may take donations right now, and the appliance chores of its main loop: systemd
// notifications, the free-space check and the status file. The UI shows a calm "out of order" screen
// while a reason holds and resumes by itself when it clears; nothing here blocks.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "medkiosk/kiosk/status.hpp"
#include "medkiosk/kiosk/watchdog.hpp"
#include "medkiosk/result.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

enum class OutOfOrder { None, Camera, Storage };
std::string_view to_string(OutOfOrder reason);

// The rules, without I/O, so tests drive them with a fake clock.
class HealthTracker {
  public:
    using Clock = std::chrono::steady_clock;
    struct Options {
        std::uint64_t min_free_bytes = 64ull << 20;
        // A camera hiccup shorter than this (a file source looping, a USB reset) shows nothing.
        std::chrono::milliseconds camera_grace{2000};
        // After the ledger reported a full disk, free space must be seen for this long before donations
        // are taken again, so a log rotation freeing a few bytes does not flap the screen.
        std::chrono::milliseconds disk_full_hold{10000};
    };
    explicit HealthTracker(Options options);

    void camera(std::string_view source_error, Clock::time_point now);
    void disk_free(std::optional<std::uint64_t> free_bytes, Clock::time_point now);
    void ledger_failed(const Error& error, Clock::time_point now);
    void ledger_unavailable(std::string_view open_error);  // the ledger could not be opened at all

    OutOfOrder reason(Clock::time_point now) const;
    std::string detail(Clock::time_point now) const;  // the technician's explanation for reason()

  private:
    Options options_;
    std::string camera_error_;
    Clock::time_point camera_error_since_{};
    std::optional<std::uint64_t> free_bytes_;
    bool ledger_disk_full_ = false;
    Clock::time_point space_seen_since_{};
    bool space_seen_ = false;
    std::string ledger_open_error_;
};

struct ApplianceSettings {
    std::filesystem::path data_dir;
    std::uint64_t min_free_bytes = 64ull << 20;
    std::string kiosk_id;
    std::string version;
    std::string camera_source;  // as described to technicians
    std::string config_origin;
    std::chrono::milliseconds disk_check_interval{2000};
};

class ApplianceMonitor {
  public:
    using Clock = std::chrono::steady_clock;
    ApplianceMonitor(ApplianceSettings settings,
                     SystemdNotifier notifier = SystemdNotifier::from_environment(),
                     HealthTracker::Options health = {});

    // Once per main-loop iteration, on the UI thread: pings the watchdog when due, sends READY=1 the
    // first time, checks free space every few seconds and rewrites the status file when it changes.
    OutOfOrder tick(Clock::time_point now, const scanner::PipelineStats& camera,
                    std::string_view ledger_open_error);
    void on_ledger_error(const Error& error, Clock::time_point now);
    void on_stop();

    OutOfOrder reason() const { return reason_; }
    const SystemdNotifier& notifier() const { return notifier_; }
    // The longest the main loop may sleep waiting for input and still ping systemd in time.
    double max_idle_wait_seconds(double wanted) const;

    // Tests replace the statvfs probe with their own.
    void set_free_space_probe(
        std::function<std::optional<std::uint64_t>(const std::filesystem::path&)> probe);

  private:
    void publish(Clock::time_point now);

    ApplianceSettings settings_;
    SystemdNotifier notifier_;
    LoopWatchdog watchdog_;
    HealthTracker health_;
    std::function<std::optional<std::uint64_t>(const std::filesystem::path&)> probe_;
    bool ready_sent_ = false;
    Clock::time_point next_disk_check_{};
    OutOfOrder reason_ = OutOfOrder::None;
    std::string detail_;
    std::string camera_error_;
    std::uint64_t errors_seen_ = 0;
    RuntimeStatus status_;
};

}  // namespace medkiosk::kiosk
