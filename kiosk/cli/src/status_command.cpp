// medkioskctl status: the first thing a technician runs — is the kiosk up, is the camera there, how much
// is waiting for the hub, and what went wrong last.

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "ledger_cli.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/status.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
namespace kiosk = medkiosk::kiosk;

constexpr std::string_view kUsage = R"(usage: medkioskctl status [--data-dir DIR] [--config FILE] [--json]

Prints the version, whether the kiosk runs and takes donations, the camera, the database size, the
backlog (drop-offs not yet acknowledged by the hub), the last sync and the last error.
DIR defaults to --data-dir, else storage.data_dir in the config, else $MEDKIOSK_DATA_DIR,
/var/lib/medkiosk as root, ~/.local/share/medkiosk otherwise.
)";

std::string human_bytes(std::uint64_t bytes) {
    char buffer[32];
    if (bytes < 10 * 1024) {
        std::snprintf(buffer, sizeof buffer, "%llu bytes", static_cast<unsigned long long>(bytes));
    } else if (bytes < 10ull * 1024 * 1024) {
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    }
    return buffer;
}

}  // namespace

int run_status(const Args& args, CommandIo io) {
    fs::path data_dir;
    fs::path config_file = kiosk::default_config_file();
    bool json = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            io.out << kUsage;
            return 0;
        } else if (arg == "--json") {
            json = true;
        } else if ((arg == "--data-dir" || arg == "--config") && i + 1 < args.size()) {
            (arg == "--data-dir" ? data_dir : config_file) = args[++i];
        } else {
            io.err << "medkioskctl status: unexpected '" << arg << "'\n" << kUsage;
            return 2;
        }
    }
    std::error_code ec;
    const bool config_exists = fs::exists(config_file, ec);
    const kiosk::ConfigParse config =
        config_exists ? kiosk::read_config_file(config_file) : kiosk::ConfigParse{};
    if (data_dir.empty()) {
        data_dir = config.ok() && !config.config.data_dir.empty() ? fs::path(config.config.data_dir)
                                                                  : kiosk::default_data_dir();
    }
    if (auto s = ledger_cli::require_data_dir(data_dir); !s) {
        io.err << "medkioskctl status: " << s.error().message << '\n';
        return 1;
    }
    const kiosk::StatusReport report = kiosk::gather_status(data_dir);
    const auto& runtime = report.runtime;

    std::string state = report.ledger_lost ? "CANNOT START: its ledger was lost (see last error)"
                                           : "never started with this data directory";
    if (runtime) {
        if (!report.kiosk_running)
            state = "not running (last: " + runtime->state + " at " + runtime->updated_at + ")";
        else if (runtime->state == "out-of-order")
            state = "running, OUT OF ORDER (" + runtime->reason + "): " + runtime->detail;
        else
            state = "running, " + runtime->state + " since " + runtime->started_at;
    }
    std::string camera = "unknown (the kiosk has not run)";
    if (runtime) {
        camera = runtime->camera_source +
                 (runtime->camera_error.empty() ? ": ok" : ": ERROR " + runtime->camera_error);
        if (!report.kiosk_running) camera += " (when the kiosk last ran)";
    }
    std::string config_state = config_file.string();
    if (!config_exists)
        config_state += " (missing: built-in defaults)";
    else if (!config.ok())
        config_state +=
            " (HAS ERRORS: " + config.issues.front().to_string() + "; run medkioskctl config check)";
    else
        config_state += " (ok)";
    if (runtime && !runtime->config_origin.empty() && runtime->config_origin != "file")
        config_state += "; the kiosk runs on " + runtime->config_origin;

    const std::string database = report.ledger_lost ? "LOST (" + kiosk::ledger_file(data_dir).string() + ")"
                                 : !report.database_present
                                     ? "none yet (" + kiosk::ledger_file(data_dir).string() + ")"
                                     : human_bytes(report.database_bytes) + " (" +
                                           kiosk::ledger_file(data_dir).string() + ", " +
                                           std::to_string(report.dropoffs) + " drop-offs)";
    const std::string backlog =
        report.backlog ? std::to_string(*report.backlog) + " rows waiting for the hub" : "unknown";
    const std::string last_sync = report.last_sync.empty() ? "never" : report.last_sync;
    std::string last_error = "none";
    if (runtime && !runtime->last_error.empty())
        last_error = runtime->last_error_at + " " + runtime->last_error_event + ": " + runtime->last_error;
    if (!report.database_error.empty()) last_error = "database: " + report.database_error;

    if (json) {
        nlohmann::json out = {
            {"version", MEDKIOSK_VERSION},
            {"kiosk_id",
             runtime ? runtime->kiosk_id : (config.ok() ? config.config.kiosk_id : std::string())},
            {"running", report.kiosk_running},
            {"state", runtime ? runtime->state : std::string("never-started")},
            {"camera_source", runtime ? runtime->camera_source : std::string()},
            {"camera_error", runtime ? runtime->camera_error : std::string()},
            {"config_file", config_file.string()},
            {"config_ok", config_exists && config.ok()},
            {"data_dir", report.data_dir},
            {"database_bytes", report.database_bytes},
            {"backlog", report.backlog ? nlohmann::json(*report.backlog) : nlohmann::json(nullptr)},
            {"last_sync", report.last_sync},
            {"last_error", runtime ? runtime->last_error : std::string()},
            {"database_error", report.database_error},
            {"free_disk_bytes",
             report.free_disk_bytes ? nlohmann::json(*report.free_disk_bytes) : nlohmann::json(nullptr)},
        };
        io.out << out.dump(2) << "\n";
    } else {
        io.out << "version:     medkiosk " << MEDKIOSK_VERSION << "\n"
               << "kiosk:       " << (runtime ? runtime->kiosk_id : config.config.kiosk_id) << ", " << state
               << "\n"
               << "config:      " << config_state << "\n"
               << "camera:      " << camera << "\n"
               << "database:    " << database << "\n"
               << "free disk:   "
               << (report.free_disk_bytes ? human_bytes(*report.free_disk_bytes) : std::string("unknown"))
               << "\n"
               << "backlog:     " << backlog << "\n"
               << "last sync:   " << last_sync << "\n"
               << "last error:  " << last_error << "\n";
    }
    return report.database_error.empty() ? 0 : 1;
}

}  // namespace medkiosk::cli
