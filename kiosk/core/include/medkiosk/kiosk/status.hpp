#pragma once
// What a technician needs first: the running kiosk writes data_dir/runtime-status.json when its state
// changes, and `medkioskctl status` combines it with the ledger's figures.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "medkiosk/result.hpp"

namespace medkiosk::kiosk {

// The running kiosk's view of itself. Nothing about donors.
struct RuntimeStatus {
    std::string version;
    long pid = 0;
    std::string kiosk_id;
    std::string started_at;  // UTC ISO-8601
    std::string updated_at;
    std::string state = "starting";  // "in-service" | "out-of-order" | "stopped"
    std::string reason;              // why out of order: "camera" | "storage"
    std::string detail;              // the message behind the reason
    std::string camera_source;
    std::string camera_error;   // empty while the camera delivers
    std::string config_origin;  // "file" | "last-good" | "defaults"
    std::string last_error_event;
    std::string last_error;
    std::string last_error_at;
};

std::filesystem::path runtime_status_file(
    const std::filesystem::path& data_dir);  // data_dir/runtime-status.json
// Atomic (rename), no fsync: losing the latest status in a power cut costs nothing.
Result<void> write_runtime_status(const std::filesystem::path& data_dir, const RuntimeStatus& status);
// nullopt when the kiosk never wrote one; an error when the file is not valid JSON.
Result<std::optional<RuntimeStatus>> read_runtime_status(const std::filesystem::path& data_dir);

// Everything `medkioskctl status` prints.
struct StatusReport {
    std::string data_dir;
    std::optional<RuntimeStatus> runtime;  // absent when the kiosk never ran with this data dir
    bool kiosk_running = false;            // runtime->pid is alive and is medkiosk
    std::uint64_t database_bytes = 0;      // ledger.db plus its WAL
    bool database_present = false;
    bool ledger_lost = false;  // missing or empty where there was one: database_error says how to recover
    std::optional<std::int64_t> backlog;  // outbox rows the hub has not acknowledged
    std::int64_t dropoffs = 0;
    std::string last_sync;  // newest acknowledgement, empty when never synced
    std::string database_error;
    std::optional<std::uint64_t> free_disk_bytes;
};

StatusReport gather_status(const std::filesystem::path& data_dir);

}  // namespace medkiosk::kiosk
