#include "medkiosk/kiosk/status.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/storage/disk_space.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {
namespace fs = std::filesystem;
namespace {

bool process_is_medkiosk(long pid) {
    if (pid <= 0) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    // The kernel keeps 15 characters of the name: the test build medkiosk-test-hooks shows as
    // "medkiosk-test-h"; it is a running kiosk all the same.
    return comm && std::getline(comm, name) && (name == "medkiosk" || name == "medkiosk-test-h");
}

}  // namespace

fs::path runtime_status_file(const fs::path& data_dir) {
    return data_dir / "runtime-status.json";
}

Result<void> write_runtime_status(const fs::path& data_dir, const RuntimeStatus& s) {
    const nlohmann::json json = {
        {"version", s.version},
        {"pid", s.pid},
        {"kiosk_id", s.kiosk_id},
        {"started_at", s.started_at},
        {"updated_at", s.updated_at},
        {"state", s.state},
        {"reason", s.reason},
        {"detail", s.detail},
        {"camera_source", s.camera_source},
        {"camera_error", s.camera_error},
        {"config_origin", s.config_origin},
        {"last_error_event", s.last_error_event},
        {"last_error", s.last_error},
        {"last_error_at", s.last_error_at},
    };
    const fs::path file = runtime_status_file(data_dir);
    const fs::path temp = data_dir / ".runtime-status.json.tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << json.dump(2) << "\n";
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(temp, ec);
            return Error{ErrorCode::Io,
                         "cannot write " + temp.string() + "; check free space and permissions"};
        }
    }
    std::error_code ec;
    fs::rename(temp, file, ec);
    if (ec) {
        fs::remove(temp, ec);
        return Error{ErrorCode::Io, "cannot replace " + file.string() + ": " + ec.message()};
    }
    return {};
}

Result<std::optional<RuntimeStatus>> read_runtime_status(const fs::path& data_dir) {
    std::ifstream in(runtime_status_file(data_dir));
    if (!in) return std::optional<RuntimeStatus>();
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return Error{ErrorCode::Corrupt,
                     runtime_status_file(data_dir).string() +
                         " is not valid JSON; the kiosk rewrites it when its state changes"};
    }
    RuntimeStatus s;
    auto text = [&](const char* key) {
        return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : std::string();
    };
    s.version = text("version");
    s.pid = json.contains("pid") && json["pid"].is_number_integer() ? json["pid"].get<long>() : 0;
    s.kiosk_id = text("kiosk_id");
    s.started_at = text("started_at");
    s.updated_at = text("updated_at");
    s.state = text("state");
    s.reason = text("reason");
    s.detail = text("detail");
    s.camera_source = text("camera_source");
    s.camera_error = text("camera_error");
    s.config_origin = text("config_origin");
    s.last_error_event = text("last_error_event");
    s.last_error = text("last_error");
    s.last_error_at = text("last_error_at");
    return std::optional<RuntimeStatus>(std::move(s));
}

StatusReport gather_status(const fs::path& data_dir) {
    StatusReport report;
    report.data_dir = data_dir.string();
    // A damaged status file is as good as none: the kiosk rewrites it when its state changes.
    if (auto runtime = read_runtime_status(data_dir)) report.runtime = std::move(runtime).value();
    if (report.runtime) report.kiosk_running = process_is_medkiosk(report.runtime->pid);
    report.free_disk_bytes = storage::free_disk_bytes(data_dir);

    const fs::path ledger = ledger_file(data_dir);
    std::error_code ec;
    report.database_present = fs::exists(ledger, ec);
    if (auto present = storage::check_ledger_present(ledger); !present) {
        // Lost (the kiosk stays out of order until it is restored) is an error; not yet made is not.
        report.ledger_lost = fs::exists(ledger.string() + ".instance", ec);  // the marker says there was one
        if (report.ledger_lost) report.database_error = present.error().message;
        return report;
    }
    for (const fs::path& part : {ledger, fs::path(ledger.string() + "-wal")}) {
        const auto size = fs::file_size(part, ec);
        if (!ec) report.database_bytes += size;
    }
    storage::LedgerOptions options;
    options.read_only = true;
    auto opened = storage::Ledger::open(ledger, options);
    if (!opened) {
        report.database_error = opened.error().message;
        return report;
    }
    if (auto summary = opened.value()->summary()) {
        report.backlog = summary.value().outbox_pending;
        report.dropoffs = summary.value().dropoffs;
        report.last_sync = summary.value().last_acknowledged_at;
    } else {
        report.database_error = summary.error().message;
    }
    return report;
}

}  // namespace medkiosk::kiosk
