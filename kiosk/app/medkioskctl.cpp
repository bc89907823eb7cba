// medkioskctl: the technician's command line. Dispatches to the sub-commands in kiosk/cli.

#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/storage/sync.hpp"

namespace {

constexpr std::string_view kUsage = R"(usage: medkioskctl [--help] [--version] COMMAND [ARGS]

Commands:
  scan [--json] PATH...             read pack codes in images, folders (recursively) and video files
  parse [--json] [--today DATE]     parse scan data lines from stdin (AIM id optional, GS as 0x1D)
  db summary|list|check [--data-dir DIR] [--limit N] [--json]
                                    inspect the local ledger (default data dir: $MEDKIOSK_DATA_DIR,
                                    /var/lib/medkiosk as root, else ~/.local/share/medkiosk)
  db init|verify-audit|export       create/upgrade the ledger; verify the audit chain; export as JSON
  catalog import FILE|export        the county catalogue (CSV, all rows or none)
  users add|list|unlock|reset-pin   staff and technician accounts (PINs read from stdin)
  rules show|set|drive|recall       acceptance rules, drives and recalled batches
  dropoffs list [--pending] [--json]
                                    drop-offs, or the pharmacist's queue
  record [--today DATE] ...         record drop-offs from scan lines on stdin; prints JSON per record
  hub init|add-kiosk ID|import FILE|clinics|request|allocate|orders … [--hub CONNINFO]
                                    county hub: schema, kiosk roles, offline bundle import; the
                                    bureau's clinics, requests and allocation (hub --help)
  sync run|status|export [--data-dir DIR] [--hub CONNINFO] [--to DIR]
                                    send queued records to the hub, show the queue, write a bundle
  report (--from DATE --to DATE | --weeks N) [--format csv|html] [--out FILE] | --receipt CODE
                                    the public report of donations and their use
  dispatch clinics|orders|candidates|send|list|show|packing-list [--data-dir DIR]
                                    a collection point's dispatches to clinics and the bureau's orders
  clinic arrive|give-out|dispose|dispose-expired|stock|arrivals|totals [--data-dir DIR]
                                    a clinic-mode kiosk: arrivals, packs given out, stock
  ocr [--json] [--lines] IMAGE...   read the printed expiry and batch on photos of box faces
  config check|show|set KEY VALUE|keys [--config FILE]
                                    validate, show or change /etc/medkiosk/kiosk.toml
  status [--data-dir DIR] [--json]  version, camera, database size, backlog, last sync, last error

Exit status: 0 success, 1 an input or operation failed, 2 usage error.
)";

}  // namespace

namespace {

#if MEDKIOSK_TEST_HOOKS
// MEDKIOSK_SYNC_FAULT=kill-after-hub-commit:N (or kill-before-upload, kill-after-local-mark) makes the
// process SIGKILL itself at the Nth such point: the crash tests use it to hit the narrowest windows.
medkiosk::cli::SyncFaultHook sync_fault_from_environment() {
    const char* spec = std::getenv("MEDKIOSK_SYNC_FAULT");
    if (!spec || !*spec) return {};
    const std::string text(spec);
    const auto colon = text.find(':');
    const std::string where = text.substr(0, colon);
    const int nth = colon == std::string::npos ? 1 : std::atoi(text.c_str() + colon + 1);
    auto point = medkiosk::storage::SyncPoint::AfterHubCommit;
    if (where == "kill-before-upload")
        point = medkiosk::storage::SyncPoint::BeforeUpload;
    else if (where == "kill-after-local-mark")
        point = medkiosk::storage::SyncPoint::AfterLocalMark;
    auto seen = std::make_shared<int>(0);
    return [point, nth, seen](medkiosk::storage::SyncPoint at) {
        if (at == point && ++*seen >= nth) ::raise(SIGKILL);
        return true;
    };
}
#else
medkiosk::cli::SyncFaultHook sync_fault_from_environment() {
    return {};
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string command = args.front();
    const medkiosk::cli::Args rest(args.begin() + 1, args.end());
    medkiosk::cli::CommandIo io{std::cin, std::cout, std::cerr};

    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "--version") {
        std::cout << "medkioskctl " << MEDKIOSK_VERSION << "\n";
        return 0;
    }
    if (command == "scan") return medkiosk::cli::run_scan(rest, io);
    if (command == "parse") return medkiosk::cli::run_parse(rest, io);
    if (command == "db") return medkiosk::cli::run_db(rest, io);
    if (command == "catalog") return medkiosk::cli::run_catalog(rest, io);
    if (command == "users") return medkiosk::cli::run_users(rest, io);
    if (command == "rules") return medkiosk::cli::run_rules(rest, io);
    if (command == "dropoffs") return medkiosk::cli::run_dropoffs(rest, io);
    if (command == "record") return medkiosk::cli::run_record(rest, io);
    if (command == "hub") return medkiosk::cli::run_hub(rest, io);
    if (command == "sync") return medkiosk::cli::run_sync(rest, io, sync_fault_from_environment());
    if (command == "report") return medkiosk::cli::run_report(rest, io);
    if (command == "ocr") return medkiosk::cli::run_ocr(rest, io);
    if (command == "config") return medkiosk::cli::run_config(rest, io);
    if (command == "status") return medkiosk::cli::run_status(rest, io);
    if (command == "dispatch") return medkiosk::cli::run_dispatch(rest, io);
    if (command == "clinic") return medkiosk::cli::run_clinic(rest, io);

    std::cerr << "medkioskctl: unknown command '" << command << "'. Run 'medkioskctl --help' for the list.\n";
    return 2;
}
