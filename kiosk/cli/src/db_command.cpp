// medkioskctl db: look into the kiosk's ledger over SSH without changing it.

#include <charconv>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "ledger_cli.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
namespace storage = medkiosk::storage;

constexpr std::string_view kUsage = R"(usage: medkioskctl db COMMAND [--data-dir DIR] [--limit N] [--json]

Commands:
  summary   schema version, donation sessions, drop-offs, outbox rows not yet sent to the hub
  list      the most recent drop-offs, newest first (--limit N, default 20)
  check     full integrity check: prints "ok" (exit 0) or SQLite's report (exit 1)
  init      create the ledger (and county key) or upgrade it to the current schema. A ledger that
            is missing or empty where this data directory had one (DIR/ledger.db.instance says so)
            is never recreated silently: restore it from a backup, or
  init --new-instance
            start a new, empty ledger with a new instance id. Receipts the hub already holds keep
            their items; donations the lost ledger had not synced are gone; new receipts never mix
            with old ones
  verify-audit
            walk the hash-chained audit log: "ok" (exit 0) or every changed, removed or
            reordered row (exit 1)
  export    everything as one JSON document (drop-offs with serial hashes only, catalogue,
            audit log) on stdout

The ledger is DIR/ledger.db (default DIR: $MEDKIOSK_DATA_DIR, /var/lib/medkiosk as root, else
~/.local/share/medkiosk). Except for init it is opened read-only and never created.
)";

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 1'000'000;

struct DbOptions {
    std::string command;
    fs::path data_dir;
    int limit = kDefaultLimit;
    bool json = false;
    bool help = false;
    bool new_instance = false;
};

std::optional<int> parse_limit(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxLimit)
        return std::nullopt;
    return value;
}

// The options, or the usage error.
Result<DbOptions> parse_args(const Args& args) {
    const auto usage = [](std::string why) { return Error{ErrorCode::Invalid, std::move(why)}; };
    DbOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const auto take_value = [&](std::string_view name) -> std::optional<std::string> {
            const std::string prefix = std::string(name) + "=";
            if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
            if (i + 1 < args.size()) return args[++i];
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--new-instance") {
            options.new_instance = true;
        } else if (arg == "--data-dir" || arg.rfind("--data-dir=", 0) == 0) {
            auto value = take_value("--data-dir");
            if (!value || value->empty()) return usage("--data-dir needs a directory");
            options.data_dir = *value;
        } else if (arg == "--limit" || arg.rfind("--limit=", 0) == 0) {
            auto value = take_value("--limit");
            if (!value) return usage("--limit needs a number");
            auto limit = parse_limit(*value);
            if (!limit) {
                return usage("--limit must be a whole number from 1 to " + std::to_string(kMaxLimit) +
                             ", got '" + *value + "'");
            }
            options.limit = *limit;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage("unknown option '" + arg + "'");
        } else if (options.command.empty()) {
            options.command = arg;
        } else {
            return usage("unexpected argument '" + arg + "'");
        }
    }
    if (options.help) return options;
    if (options.new_instance && options.command != "init")
        return std::string("--new-instance goes with init");
    if (options.command.empty())
        return usage("which command? summary, list, check, init, verify-audit or export");
    if (options.command != "summary" && options.command != "list" && options.command != "check" &&
        options.command != "init" && options.command != "verify-audit" && options.command != "export") {
        return usage("unknown command '" + options.command + "'");
    }
    return options;
}

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

void print_line(std::ostream& out, const storage::DropOffRecord& record) {
    const std::string& product = record.gtin.empty() ? record.product_id : record.gtin;
    out << '#' << record.sequence << "  " << record.recorded_at << "  " << record.decision << '/'
        << record.reason << "  " << record.scheme << ' ' << or_dash(product) << "  batch "
        << or_dash(record.batch) << "  expiry " << or_dash(record.expiry) << "  x" << record.quantity << ' '
        << record.condition << "  " << record.review_state << "  session " << record.session_id << "  serial#"
        << or_dash(record.serial_hash.substr(0, 12)) << "  " << record.uuid << '\n';
}

int fail(CommandIo io, const Error& error) {
    io.err << "medkioskctl db: " << error.message << '\n';
    return 1;
}

}  // namespace

int run_db(const Args& args, CommandIo io) {
    const auto parsed = parse_args(args);
    if (!parsed) {
        io.err << "medkioskctl db: " << parsed.error().message << "\n\n" << kUsage;
        return 2;
    }
    const DbOptions& options = parsed.value();
    if (options.help) {
        io.out << kUsage;
        return 0;
    }

    const fs::path data_dir =
        options.data_dir.empty() ? medkiosk::kiosk::default_data_dir() : options.data_dir;
    const fs::path ledger_path = medkiosk::kiosk::ledger_file(data_dir);
    if (options.command == "init") {
        storage::LedgerOptions writable;
        writable.county_key_file = medkiosk::kiosk::county_key_file(data_dir);
        writable.new_instance = options.new_instance;
        auto created = storage::Ledger::open(ledger_path, writable);
        if (!created) return fail(io, created.error());
        auto summary = created.value()->summary();
        if (!summary) return fail(io, summary.error());
        io.out << "ledger " << ledger_path.string() << " ready (schema version "
               << summary.value().schema_version << ", instance " << created.value()->instance_id() << ")\n";
        if (options.new_instance) {
            io.out << "A new ledger instance: receipts the hub already holds keep showing their items; "
                      "donations "
                      "the lost ledger had recorded but not synced cannot be recovered; new receipts are "
                      "keyed by "
                      "the new instance and never mix with the old ones.\n";
        }
        return 0;
    }
    if (auto s = ledger_cli::require_data_dir(data_dir); !s) return fail(io, s.error());
    if (auto present = storage::check_ledger_present(ledger_path); !present) return fail(io, present.error());

    storage::LedgerOptions ledger_options;
    ledger_options.read_only = true;  // a look over SSH must never change the kiosk's records
    auto opened = storage::Ledger::open(ledger_path, ledger_options);
    if (!opened) return fail(io, opened.error());
    storage::Ledger& ledger = *opened.value();

    if (options.command == "summary") {
        auto summary = ledger.summary();
        if (!summary) return fail(io, summary.error());
        const auto& s = summary.value();
        if (options.json) {
            io.out << ledger_cli::dump({{"ledger", ledger_path.string()},
                                        {"schema_version", s.schema_version},
                                        {"sessions", s.sessions},
                                        {"dropoffs", s.dropoffs},
                                        {"outbox_pending", s.outbox_pending}})
                   << '\n';
        } else {
            io.out << "ledger:          " << ledger_path.string() << '\n'
                   << "schema version:  " << s.schema_version << '\n'
                   << "sessions:        " << s.sessions << '\n'
                   << "drop-offs:       " << s.dropoffs << '\n'
                   << "outbox pending:  " << s.outbox_pending << '\n';
        }
        return 0;
    }

    if (options.command == "list") {
        auto records = ledger.dropoffs().recent(options.limit);
        if (!records) return fail(io, records.error());
        for (const auto& record : records.value()) {
            if (options.json) {
                io.out << ledger_cli::dump(ledger_cli::dropoff_json(record)) << '\n';
            } else {
                print_line(io.out, record);
            }
        }
        if (!options.json && records.value().empty()) io.out << "no drop-offs recorded yet\n";
        return 0;
    }

    if (options.command == "verify-audit") {
        auto report = ledger.audit().verify();
        if (!report) return fail(io, report.error());
        if (options.json) {
            io.out << ledger_cli::dump({{"ok", report.value().ok()},
                                        {"rows", report.value().rows},
                                        {"problems", report.value().problems}})
                   << '\n';
        } else if (report.value().ok()) {
            io.out << "ok (" << report.value().rows << " audit rows, chain intact)\n";
        } else {
            for (const auto& problem : report.value().problems) io.out << problem << '\n';
        }
        return report.value().ok() ? 0 : 1;
    }

    if (options.command == "export") {
        auto records = ledger.dropoffs().recent(std::numeric_limits<int>::max());
        if (!records) return fail(io, records.error());
        auto catalogue = ledger.reference().catalogue();
        if (!catalogue) return fail(io, catalogue.error());
        auto audit = ledger.audit().rows();
        if (!audit) return fail(io, audit.error());
        nlohmann::ordered_json document;
        document["ledger"] = ledger_path.string();
        document["schema_version"] = storage::Ledger::kSchemaVersion;
        document["dropoffs"] = nlohmann::ordered_json::array();
        // Oldest first, as they happened.
        for (auto it = records.value().rbegin(); it != records.value().rend(); ++it)
            document["dropoffs"].push_back(ledger_cli::dropoff_json(*it));
        document["catalogue"] = nlohmann::ordered_json::array();
        for (const auto& e : catalogue.value()) {
            document["catalogue"].push_back(ledger_cli::catalogue_entry_json(e));
        }
        document["audit"] = nlohmann::ordered_json::array();
        for (const auto& row : audit.value()) {
            document["audit"].push_back({{"seq", row.seq},
                                         {"at", row.at},
                                         {"actor", row.actor},
                                         {"action", row.action},
                                         {"entity", row.entity},
                                         {"entity_id", row.entity_id},
                                         {"detail", row.detail},
                                         {"prev_hash", row.prev_hash},
                                         {"hash", row.hash}});
        }
        io.out << ledger_cli::dump(document) << '\n';
        return 0;
    }

    // check
    auto report = ledger.integrity_check();
    if (!report) return fail(io, report.error());
    const bool ok = report.value() == "ok";
    if (options.json) {
        io.out << ledger_cli::dump({{"ok", ok}, {"report", report.value()}}) << '\n';
    } else {
        io.out << report.value() << '\n';
    }
    return ok ? 0 : 1;
}

}  // namespace medkiosk::cli
