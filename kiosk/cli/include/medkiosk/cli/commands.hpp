#pragma once
// medkioskctl's sub-commands as functions, so the thin main only dispatches.
// Exit codes: 0 success, 1 an input or operation failed (the run went on where it could), 2 usage error.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace medkiosk::storage {
enum class SyncPoint;
}

namespace medkiosk::cli {

struct CommandIo {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

using Args = std::vector<std::string>;  // the arguments after the sub-command's name

int run_scan(const Args& args, CommandIo io);      // medkioskctl scan [--json] PATH...
int run_parse(const Args& args, CommandIo io);     // medkioskctl parse [--json] [--today YYYY-MM-DD]
int run_db(const Args& args, CommandIo io);        // medkioskctl db (summary|list|check) [--data-dir DIR]
int run_catalog(const Args& args, CommandIo io);   // medkioskctl catalog (import FILE|export)
int run_users(const Args& args, CommandIo io);     // medkioskctl users (add|list|unlock|reset-pin)
int run_rules(const Args& args, CommandIo io);     // medkioskctl rules (show|set|drive|recall)
int run_dropoffs(const Args& args, CommandIo io);  // medkioskctl dropoffs list [--pending] [--json]
int run_record(const Args& args, CommandIo io);    // medkioskctl record < scan lines
int run_hub(const Args& args, CommandIo io);  // medkioskctl hub (init|add-kiosk ID|import FILE) [--hub URL]
// Called at each point of a sync round where a crash is most harmful; only the test build of medkioskctl
// passes one (the crash tests kill the process there).
using SyncFaultHook = std::function<bool(storage::SyncPoint)>;
// medkioskctl sync (run|status|export) [--data-dir DIR]
int run_sync(const Args& args, CommandIo io, SyncFaultHook fault_hook = {});
int run_report(const Args& args, CommandIo io);    // medkioskctl report --from D --to D [--format csv|html]
int run_ocr(const Args& args, CommandIo io);       // medkioskctl ocr [--json] [--lines] IMAGE...
int run_config(const Args& args, CommandIo io);    // medkioskctl config (check|show|set KEY VALUE|keys)
int run_status(const Args& args, CommandIo io);    // medkioskctl status [--data-dir DIR] [--json]
int run_dispatch(const Args& args, CommandIo io);  // medkioskctl dispatch (orders|send|packing-list …)
int run_clinic(const Args& args, CommandIo io);    // medkioskctl clinic (arrive|give-out|stock …)

}  // namespace medkiosk::cli
