#include "medkiosk/kiosk/health.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {
namespace {

std::string utc_now_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string mib(std::uint64_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::string_view to_string(OutOfOrder reason) {
    switch (reason) {
        case OutOfOrder::None:
            return "none";
        case OutOfOrder::Camera:
            return "camera";
        case OutOfOrder::Storage:
            return "storage";
    }
    return "?";
}

HealthTracker::HealthTracker(Options options) : options_(options) {}

void HealthTracker::camera(std::string_view source_error, Clock::time_point now) {
    if (source_error.empty()) {
        camera_error_.clear();
        return;
    }
    if (camera_error_.empty()) camera_error_since_ = now;
    camera_error_ = source_error;
}

void HealthTracker::disk_free(std::optional<std::uint64_t> free_bytes, Clock::time_point now) {
    free_bytes_ = free_bytes;
    const bool enough = free_bytes && *free_bytes >= options_.min_free_bytes;
    if (!enough) {
        space_seen_ = false;
        return;
    }
    if (!space_seen_) {
        space_seen_ = true;
        space_seen_since_ = now;
    }
    if (ledger_disk_full_ && now - space_seen_since_ >= options_.disk_full_hold) ledger_disk_full_ = false;
}

void HealthTracker::ledger_failed(const storage::Error& error, Clock::time_point) {
    if (error.code != storage::ErrorCode::DiskFull) return;
    ledger_disk_full_ = true;
    space_seen_ = false;
}

void HealthTracker::ledger_unavailable(std::string_view open_error) {
    ledger_open_error_ = open_error;
}

OutOfOrder HealthTracker::reason(Clock::time_point now) const {
    // Storage first: with no place to record, a working camera does not help the donor.
    if (!ledger_open_error_.empty() || ledger_disk_full_) return OutOfOrder::Storage;
    if (free_bytes_ && *free_bytes_ < options_.min_free_bytes) return OutOfOrder::Storage;
    if (!camera_error_.empty() && now - camera_error_since_ >= options_.camera_grace)
        return OutOfOrder::Camera;
    return OutOfOrder::None;
}

std::string HealthTracker::detail(Clock::time_point now) const {
    switch (reason(now)) {
        case OutOfOrder::None:
            return {};
        case OutOfOrder::Camera:
            return camera_error_;
        case OutOfOrder::Storage:
            if (!ledger_open_error_.empty()) return ledger_open_error_;
            if (free_bytes_ && *free_bytes_ < options_.min_free_bytes)
                return "only " + mib(*free_bytes_) + " free for the ledger, below the minimum of " +
                       mib(options_.min_free_bytes) +
                       " (storage.min_free_disk_mb); free space on the data disk";
            return "the ledger reported a full disk; free space on the data disk";
    }
    return {};
}

ApplianceMonitor::ApplianceMonitor(ApplianceSettings settings, SystemdNotifier notifier,
                                   HealthTracker::Options health)
    : settings_(std::move(settings)),
      notifier_(std::move(notifier)),
      watchdog_(notifier_.watchdog_timeout()),
      health_([&] {
          health.min_free_bytes = settings_.min_free_bytes;
          return health;
      }()),
      probe_([](const std::filesystem::path& path) { return free_disk_bytes(path); }) {
    status_.version = settings_.version;
    status_.pid = static_cast<long>(::getpid());
    status_.kiosk_id = settings_.kiosk_id;
    status_.started_at = utc_now_iso();
    status_.camera_source = settings_.camera_source;
    status_.config_origin = settings_.config_origin;
}

void ApplianceMonitor::set_free_space_probe(
    std::function<std::optional<std::uint64_t>(const std::filesystem::path&)> probe) {
    probe_ = std::move(probe);
}

OutOfOrder ApplianceMonitor::tick(Clock::time_point now, const scanner::PipelineStats& camera,
                                  std::string_view ledger_open_error) {
    if (watchdog_.beat(now)) notifier_.watchdog();

    // No decoder is as bad as no camera: nothing can be read either way.
    health_.camera(camera.source_error.empty() ? camera.decoder_error : camera.source_error, now);
    health_.ledger_unavailable(ledger_open_error);
    if (now >= next_disk_check_) {
        health_.disk_free(probe_(settings_.data_dir), now);
        next_disk_check_ = now + settings_.disk_check_interval;
    }

    const OutOfOrder reason = health_.reason(now);
    const std::string detail = health_.detail(now);
    bool changed = !ready_sent_ || reason != reason_ || detail != detail_ ||
                   camera.source_error != camera_error_ || logged_error_count() != errors_seen_;
    if (reason != reason_) {
        if (reason == OutOfOrder::None) {
            log_event("back-in-service", {{"after", std::string(to_string(reason_))}});
        } else {
            log_event("out-of-order", {{"reason", std::string(to_string(reason))}, {"detail", detail}});
        }
        notifier_.status(reason == OutOfOrder::None ? "taking donations" : "out of order: " + detail);
    }
    reason_ = reason;
    detail_ = detail;
    camera_error_ = camera.source_error;
    if (changed) publish(now);
    if (!ready_sent_) {
        // READY only once the window is up and the loop runs: systemd's start timeout then covers a
        // kiosk that never manages to draw.
        notifier_.ready();
        if (reason_ == OutOfOrder::None) notifier_.status("taking donations");
        ready_sent_ = true;
    }
    return reason_;
}

void ApplianceMonitor::on_ledger_error(const storage::Error& error, Clock::time_point now) {
    health_.ledger_failed(error, now);
    // Check the disk at once: the screen should not wait for the next periodic probe.
    next_disk_check_ = now;
}

double ApplianceMonitor::max_idle_wait_seconds(double wanted) const {
    if (!watchdog_.enabled()) return wanted;
    return std::min(wanted, std::chrono::duration<double>(watchdog_.ping_interval()).count());
}

void ApplianceMonitor::on_stop() {
    notifier_.stopping();
    status_.state = "stopped";
    status_.updated_at = utc_now_iso();
    write_runtime_status(settings_.data_dir, status_);
}

void ApplianceMonitor::publish(Clock::time_point) {
    errors_seen_ = logged_error_count();
    status_.updated_at = utc_now_iso();
    status_.state = reason_ == OutOfOrder::None ? "in-service" : "out-of-order";
    status_.reason = reason_ == OutOfOrder::None ? std::string() : std::string(to_string(reason_));
    status_.detail = detail_;
    status_.camera_error = camera_error_;
    if (const auto error = last_logged_error()) {
        status_.last_error_event = error->event;
        status_.last_error = error->detail;
        status_.last_error_at = error->at;
    }
    // On a full disk this fails too; the journal already has the story.
    write_runtime_status(settings_.data_dir, status_);
}

}  // namespace medkiosk::kiosk
