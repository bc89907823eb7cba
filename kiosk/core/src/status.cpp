#include "medkiosk/kiosk/status.hpp"

#include <sqlite3.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {
namespace fs = std::filesystem;
namespace {

// The newest hub acknowledgement. Read here, read-only, because the ledger's summary does not carry
// it yet; the query touches only the outbox's documented columns.
std::string newest_ack(const fs::path& ledger, std::string& error) {
    sqlite3* db = nullptr;
    std::string result;
    const std::string uri = ledger.string();
    if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return result;
    }
    sqlite3_busy_timeout(db, 500);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT max(acked_at) FROM outbox", -1, &statement, nullptr) == SQLITE_OK) {
        if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) != SQLITE_NULL)
            result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    } else {
        error = sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
}

bool process_is_medkiosk(long pid) {
    if (pid <= 0) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return comm && std::getline(comm, name) && name == "medkiosk";
}

}  // namespace

fs::path runtime_status_file(const fs::path& data_dir) {
    return data_dir / "runtime-status.json";
}

std::string write_runtime_status(const fs::path& data_dir, const RuntimeStatus& s) {
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
            return "cannot write " + temp.string();
        }
    }
    std::error_code ec;
    fs::rename(temp, file, ec);
    if (ec) {
        fs::remove(temp, ec);
        return "cannot replace " + file.string() + ": " + ec.message();
    }
    return {};
}

std::optional<RuntimeStatus> read_runtime_status(const fs::path& data_dir, std::string& error) {
    std::ifstream in(runtime_status_file(data_dir));
    if (!in) return std::nullopt;
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        error = runtime_status_file(data_dir).string() + " is not valid JSON";
        return std::nullopt;
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
    return s;
}

std::optional<std::uint64_t> free_disk_bytes(const fs::path& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

StatusReport gather_status(const fs::path& data_dir) {
    StatusReport report;
    report.data_dir = data_dir.string();
    std::string runtime_error;
    report.runtime = read_runtime_status(data_dir, runtime_error);
    if (report.runtime) report.kiosk_running = process_is_medkiosk(report.runtime->pid);
    report.free_disk_bytes = free_disk_bytes(data_dir);

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
    } else {
        report.database_error = summary.error().message;
    }
    std::string sync_error;
    report.last_sync = newest_ack(ledger, sync_error);
    if (!sync_error.empty() && report.database_error.empty()) report.database_error = sync_error;
    return report;
}

}  // namespace medkiosk::kiosk
