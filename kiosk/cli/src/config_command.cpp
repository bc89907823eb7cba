// medkioskctl config: check, show and change the kiosk's settings file without a text editor's typos.

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/paths.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
namespace kiosk = medkiosk::kiosk;

constexpr std::string_view kUsage = R"(usage: medkioskctl config COMMAND [--config FILE] [--data-dir DIR]

Commands:
  check            validate the file: "ok" (exit 0), or each problem as FILE:LINE:COLUMN: KEY: what is
                   expected (exit 1)
  show             the settings the kiosk would use now, every key, as TOML; when the file is wrong,
                   the last good copy (DIR/kiosk.toml.last-good) or the defaults, with the reason
  set KEY VALUE    change one key (e.g. camera.resolution 1280x720), keeping comments; the new file is
                   validated first and written atomically, the old one stays on any problem
  keys             every key with its expected form

FILE defaults to $MEDKIOSK_CONFIG, else /etc/medkiosk/kiosk.toml. DIR defaults to $MEDKIOSK_DATA_DIR,
/var/lib/medkiosk as root, else ~/.local/share/medkiosk. The kiosk reads the file when it starts:
restart it (systemctl restart medkiosk) after a change.
)";

void print_issues(const std::vector<kiosk::ConfigIssue>& issues, std::ostream& err) {
    for (const auto& issue : issues) err << issue.to_string() << "\n";
}

}  // namespace

int run_config(const Args& args, CommandIo io) {
    std::string command;
    std::vector<std::string> positional;
    fs::path file = kiosk::default_config_file();
    fs::path data_dir = kiosk::default_data_dir();
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            io.out << kUsage;
            return 0;
        }
        if (arg == "--config" || arg == "--data-dir") {
            if (i + 1 >= args.size()) {
                io.err << "medkioskctl config: " << arg << " needs a value\n" << kUsage;
                return 2;
            }
            (arg == "--config" ? file : data_dir) = args[++i];
        } else if (command.empty()) {
            command = arg;
        } else {
            positional.push_back(arg);
        }
    }

    if (command == "check" && positional.empty()) {
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            io.err << file.string() << ": no such file; the kiosk runs on its built-in defaults "
                   << "(copy /usr/share/doc/medkiosk/kiosk.toml there to start from the documented file)\n";
            return 1;
        }
        const kiosk::ConfigParse parsed = kiosk::read_config_file(file);
        if (!parsed.ok()) {
            print_issues(parsed.issues, io.err);
            return 1;
        }
        io.out << "ok\n";
        return 0;
    }
    if (command == "show" && positional.empty()) {
        kiosk::KioskConfig config;
        std::string origin = "defaults";
        std::error_code ec;
        if (fs::exists(file, ec)) {
            const kiosk::ConfigParse parsed = kiosk::read_config_file(file);
            if (parsed.ok()) {
                config = parsed.config;
                origin = file.string();
            } else {
                print_issues(parsed.issues, io.err);
                const fs::path last_good = kiosk::last_good_config_file(data_dir);
                if (const kiosk::ConfigParse previous = kiosk::read_config_file(last_good); previous.ok()) {
                    config = previous.config;
                    origin = last_good.string() + " (the last good copy; " + file.string() + " has errors)";
                } else {
                    origin = std::string("defaults (") + file.string() +
                             " has errors and there is no last good copy)";
                }
            }
        } else {
            origin = std::string("defaults (") + file.string() + " does not exist)";
        }
        // The hub's password masked: a screen or a terminal log is no place for it (kiosk.toml keeps it).
        // Masked before it is written as TOML, whose escapes would hide the password's end, and the
        // whole text after, for a password anywhere else.
        config.hub_url = kiosk::mask_conninfo_password(config.hub_url);
        io.out << "# medkiosk settings from " << origin << "\n"
               << kiosk::mask_conninfo_password(kiosk::render_config(config));
        return 0;
    }
    if (command == "set" && positional.size() == 2) {
        const auto issues = kiosk::set_config_value(file, positional[0], positional[1]);
        if (!issues.empty()) {
            print_issues(issues, io.err);
            io.err << "medkioskctl config: nothing was changed\n";
            return 1;
        }
        kiosk::KioskConfig written = kiosk::read_config_file(file).config;
        written.hub_url = kiosk::mask_conninfo_password(written.hub_url);  // before TOML escapes it
        io.out << positional[0] << " = "
               << kiosk::mask_conninfo_password(kiosk::config_value_text(written, positional[0])) << "  ("
               << file.string() << "; restart the kiosk to apply)\n";
        return 0;
    }
    if (command == "keys" && positional.empty()) {
        for (const auto& key : kiosk::config_keys()) io.out << key.name << "\t" << key.expected << "\n";
        return 0;
    }
    io.err << kUsage;
    return 2;
}

}  // namespace medkiosk::cli
