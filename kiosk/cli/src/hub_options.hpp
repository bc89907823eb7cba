#pragma once
// Option parsing shared by the hub, sync and report commands: "--name value", "--name=value", flags
// and positional arguments.

#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medkiosk/cli/commands.hpp"

namespace medkiosk::cli::detail {

struct ParsedOptions {
    std::map<std::string, std::string> values;
    std::set<std::string> flags;
    std::vector<std::string> positional;
    std::string error;  // a usage error, empty when parsing succeeded

    std::string value(const std::string& name, const std::string& fallback = {}) const {
        auto found = values.find(name);
        return found == values.end() ? fallback : found->second;
    }
    bool has(const std::string& flag) const { return flags.count(flag) > 0; }
};

inline ParsedOptions parse_options(const Args& args, const std::set<std::string>& value_options,
                                   const std::set<std::string>& flag_options) {
    ParsedOptions parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0 && arg != "-h") {
            parsed.positional.push_back(arg);
            continue;
        }
        const auto equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        if (flag_options.count(name) && equals == std::string::npos) {
            parsed.flags.insert(name);
        } else if (value_options.count(name)) {
            if (equals != std::string::npos) {
                parsed.values[name] = arg.substr(equals + 1);
            } else if (i + 1 < args.size()) {
                parsed.values[name] = args[++i];
            } else {
                parsed.error = name + " needs a value";
                return parsed;
            }
        } else {
            parsed.error = "unknown option '" + arg + "'";
            return parsed;
        }
    }
    return parsed;
}

// --hub, else $MEDKIOSK_HUB_URL.
inline std::string hub_conninfo(const ParsedOptions& options) {
    if (auto given = options.value("--hub"); !given.empty()) return given;
    const char* env = std::getenv("MEDKIOSK_HUB_URL");
    return env ? std::string(env) : std::string();
}

}  // namespace medkiosk::cli::detail
