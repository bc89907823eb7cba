#include "ledger_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <istream>

#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::cli::ledger_cli {

std::optional<std::string> parse(const Args& args, const std::vector<std::string>& value_options,
                                 const std::vector<std::string>& flag_options, CommonOptions& options) {
    const auto contains = [](const std::vector<std::string>& list, const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        const auto take = [&]() -> std::optional<std::string> {
            if (inline_value) return inline_value;
            if (i + 1 < args.size()) return args[++i];
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--data-dir" || arg == "--pepper-file" || arg == "--today" ||
                   contains(value_options, arg)) {
            auto value = take();
            if (!value || value->empty()) return arg + " needs a value";
            if (arg == "--data-dir") {
                options.data_dir = *value;
            } else if (arg == "--pepper-file") {
                options.pepper_file = *value;
            } else if (arg == "--today") {
                options.today = scanner::parse_iso_date(*value);
                if (!options.today) return "--today '" + *value + "' is not a date (YYYY-MM-DD)";
            } else {
                options.named.emplace_back(arg, *value);
            }
        } else if (contains(flag_options, arg)) {
            options.named.emplace_back(arg, "");
        } else if (arg.size() > 1 && arg[0] == '-') {
            return "unknown option '" + args[i] + "'";
        } else {
            options.positional.push_back(arg);
        }
    }
    return std::nullopt;
}

std::optional<std::string> named(const CommonOptions& options, const std::string& name) {
    std::optional<std::string> found;
    for (const auto& [key, value] : options.named)
        if (key == name) found = value;
    return found;
}

bool has_flag(const CommonOptions& options, const std::string& name) {
    return named(options, name).has_value();
}

std::filesystem::path data_dir(const CommonOptions& options) {
    return options.data_dir.empty() ? kiosk::default_data_dir() : options.data_dir;
}

std::filesystem::path pepper_file(const CommonOptions& options) {
    return options.pepper_file.empty() ? kiosk::default_pepper_file(data_dir(options)) : options.pepper_file;
}

scanner::Date today(const CommonOptions& options) {
    return options.today ? *options.today : scanner::local_today();
}

Result<std::unique_ptr<storage::Ledger>> open_writable(const CommonOptions& options) {
    storage::LedgerOptions ledger_options;
    ledger_options.county_key_file = kiosk::county_key_file(data_dir(options));
    if (const char* kiosk_id = std::getenv("MEDKIOSK_KIOSK_ID"); kiosk_id != nullptr && *kiosk_id != '\0')
        ledger_options.kiosk_id = kiosk_id;
    return storage::Ledger::open(kiosk::ledger_file(data_dir(options)), ledger_options);
}

Result<void> require_data_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return {};
    const bool exists = std::filesystem::exists(dir, ec);
    return Error{
        ErrorCode::NotFound,
        "data directory " + dir.string() + (exists ? " is not a directory" : " does not exist") +
            "; check --data-dir (default: $MEDKIOSK_DATA_DIR, /var/lib/medkiosk as root or its owner, "
            "else ~/.local/share/medkiosk) — nothing was created"};
}

Result<std::unique_ptr<storage::Ledger>> open_read_only(const CommonOptions& options) {
    if (auto s = require_data_dir(data_dir(options)); !s) return s.error();
    storage::LedgerOptions ledger_options;
    ledger_options.read_only = true;
    return storage::Ledger::open(kiosk::ledger_file(data_dir(options)), ledger_options);
}

std::optional<std::string> read_secret(CommandIo io, const std::string& prompt) {
    const bool terminal = &io.in == &std::cin && ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal) {
        io.err << prompt << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(io.in, line));
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        io.err << '\n';
    }
    if (!got) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

nlohmann::ordered_json dropoff_json(const storage::DropOffRecord& record) {
    // The same fields and order as the record's outbox payload, so the hub and a technician see one shape.
    return nlohmann::ordered_json::parse(storage::dropoff_json(record));
}

nlohmann::ordered_json catalogue_entry_json(const storage::CatalogueEntry& entry) {
    return {{"product_id", entry.product_id},
            {"name_zh", entry.name_zh},
            {"name_en", entry.name_en},
            {"form", entry.form},
            {"strength", entry.strength},
            {"category", entry.category},
            {"prescription", entry.prescription},
            {"controlled", entry.controlled},
            {"cold_chain", entry.cold_chain},
            {"injectable", entry.injectable},
            {"device", entry.device}};
}

std::string dump(const nlohmann::ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace medkiosk::cli::ledger_cli
