// medkioskctl sync: send the ledger's queued records to the hub now, look at the queue, or export
// them to an offline bundle.

#include <chrono>
#include <cstdlib>
#include <ostream>
#include <thread>
#include <utility>

#include "hub_options.hpp"
#include "ledger_cli.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/storage/bundle.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
namespace storage = medkiosk::storage;

constexpr std::string_view kUsage = R"(usage: medkioskctl sync COMMAND [--data-dir DIR] [--hub CONNINFO]

Commands:
  run [--retry-for SECONDS] [--batch N]
                  one sync round: heartbeat, upload every queued record, pull catalogue, rules,
                  recalls and drives. After a failure, retries with backoff for up to SECONDS
                  (default 0: no retry). Exit 0 when the round succeeded.
  status          queued, dead-lettered and sent records, last success, last error, clock skew
  export --to DIR [--kiosk-id ID]
                  write every unacknowledged record to a signed offline bundle in DIR (a USB stick)

CONNINFO defaults to $MEDKIOSK_HUB_URL; the ledger is DIR/ledger.db (default DIR: $MEDKIOSK_DATA_DIR,
/var/lib/medkiosk as root, else ~/.local/share/medkiosk).
)";

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl sync: " << message << '\n';
    return 1;
}

}  // namespace

int run_sync(const Args& args, CommandIo io, SyncFaultHook fault_hook) {
    const auto options = detail::parse_options(
        args, {"--hub", "--data-dir", "--retry-for", "--batch", "--to", "--kiosk-id"}, {"--help", "-h"});
    if (!options.error.empty()) {
        io.err << "medkioskctl sync: " << options.error << "\n\n" << kUsage;
        return 2;
    }
    if (options.has("--help") || options.has("-h")) {
        io.out << kUsage;
        return 0;
    }
    if (options.positional.size() != 1) {
        io.err << "medkioskctl sync: which command? run, status or export\n\n" << kUsage;
        return 2;
    }
    const std::string& command = options.positional.front();
    const fs::path data_dir = options.value("--data-dir").empty() ? medkiosk::kiosk::default_data_dir()
                                                                  : fs::path(options.value("--data-dir"));
    const fs::path ledger = medkiosk::kiosk::ledger_file(data_dir);
    const fs::path key_file = data_dir / "kiosk_sign.key";

    if (command == "export" && options.value("--to").empty()) {
        io.err << "medkioskctl sync: export needs --to DIR\n\n" << kUsage;
        return 2;
    }
    if (command == "status" || command == "export") {
        if (auto s = ledger_cli::require_data_dir(data_dir); !s) return fail(io, s.error().message);
    }
    if (command == "status") {
        auto status = storage::read_outbox_status(ledger);
        if (!status) return fail(io, status.error().message);
        const auto& s = status.value();
        io.out << "queued:          " << s.pending << '\n'
               << "dead-lettered:   " << s.dead << '\n'
               << "sent:            " << s.acknowledged << '\n'
               << "oldest queued:   " << s.oldest_pending_age_s << " s\n"
               << "last success:    " << (s.last_success_at.empty() ? "never" : s.last_success_at) << '\n'
               << "last error:      " << (s.last_error.empty() ? "none" : s.last_error) << '\n'
               << "clock skew:      "
               << (s.clock_skew_ms ? std::to_string(*s.clock_skew_ms) + " ms" : "unknown") << '\n';
        for (const auto& event : s.recent_events) io.out << "event: " << event << '\n';
        return 0;
    }
    if (command == "export") {
        if (options.value("--to").empty()) {
            io.err << "medkioskctl sync: export needs --to DIR\n\n" << kUsage;
            return 2;
        }
        auto exported =
            storage::export_bundle(ledger, key_file, options.value("--kiosk-id"), options.value("--to"));
        if (!exported) return fail(io, exported.error().message);
        io.out << "wrote " << exported.value().records << " record(s) of kiosk " << exported.value().kiosk_id
               << " to " << exported.value().file.string() << '\n';
        return 0;
    }
    if (command != "run") {
        io.err << "medkioskctl sync: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    }

    storage::SyncOptions sync_options;
    sync_options.ledger_file = ledger;
    sync_options.kiosk_key_file = key_file;
    sync_options.hub_conninfo = detail::hub_conninfo(options);
    sync_options.kiosk_version = MEDKIOSK_VERSION;
    if (!options.value("--batch").empty())
        sync_options.batch_size = std::atoi(options.value("--batch").c_str());
    sync_options.fault_hook = std::move(fault_hook);
    auto worker = storage::SyncWorker::create(sync_options);
    if (!worker) return fail(io, worker.error().message);

    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(std::atoi(options.value("--retry-for", "0").c_str()));
    std::chrono::milliseconds backoff = sync_options.backoff_initial;
    for (;;) {
        auto round = worker.value()->run_round();
        const auto progress = worker.value()->progress();
        if (round) {
            io.out << "synced: " << progress.inserted << " inserted, " << progress.duplicates
                   << " already at the hub, " << progress.dead_lettered << " dead-lettered, "
                   << progress.backlog << " queued, " << progress.bytes_sent << " bytes sent";
            if (progress.clock_skew_ms) io.out << ", clock skew " << *progress.clock_skew_ms << " ms";
            io.out << '\n';
            // A clinic device syncs through this command too: its technician looks for a clinic
            // device, not for a collection point's kiosk.
            if (progress.clock_skew_flagged)
                io.err
                    << "medkioskctl sync: warning: the "
                    << (worker.value()->clinic_device() ? "clinic device's" : "kiosk's")
                    << " clock differs from the hub's by more than 2 minutes; check its time server (NTP)\n";
            return 0;
        }
        io.err << "medkioskctl sync: " << progress.last_error << '\n';
        if (std::chrono::steady_clock::now() + backoff > deadline) return 1;
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
    }
}

}  // namespace medkiosk::cli
