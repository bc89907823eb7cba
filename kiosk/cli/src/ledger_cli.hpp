#pragma once
// Shared by the medkioskctl commands that read or change the ledger: option parsing for --data-dir and
// friends, opening the ledger, reading a PIN without putting it in argv, JSON of a drop-off.

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/pack_code.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::cli::ledger_cli {

struct CommonOptions {
    std::filesystem::path data_dir;      // --data-dir, else the default
    std::filesystem::path pepper_file;   // --pepper-file, else kiosk::default_pepper_file
    std::optional<scanner::Date> today;  // --today
    bool json = false;
    bool help = false;
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> named;  // other --name value options, in order
};

// `value_options` lists the command's own "--name" options that take a value; `flag_options` those that
// do not. Returns an error message on a usage error.
std::optional<std::string> parse(const Args& args, const std::vector<std::string>& value_options,
                                 const std::vector<std::string>& flag_options, CommonOptions& options);
std::optional<std::string> named(const CommonOptions& options, const std::string& name);
bool has_flag(const CommonOptions& options, const std::string& name);

std::filesystem::path data_dir(const CommonOptions& options);
std::filesystem::path pepper_file(const CommonOptions& options);
scanner::Date today(const CommonOptions& options);

// A command that only reads never creates anything: a data directory that does not exist is an error
// naming it (`users list --data-dir TYPO` must not answer "no users" from a new, empty ledger).
Result<void> require_data_dir(const std::filesystem::path& dir);

Result<std::unique_ptr<storage::Ledger>> open_writable(const CommonOptions& options);
Result<std::unique_ptr<storage::Ledger>> open_read_only(const CommonOptions& options);

// One line from stdin: a prompt without echo on a terminal, a plain line from a pipe.
std::optional<std::string> read_secret(CommandIo io, const std::string& prompt);

nlohmann::ordered_json dropoff_json(const storage::DropOffRecord& record);
// One catalogue row with the same keys as the catalogue CSV's columns.
nlohmann::ordered_json catalogue_entry_json(const storage::CatalogueEntry& entry);
std::string dump(const nlohmann::ordered_json& json);

}  // namespace medkiosk::cli::ledger_cli
