#pragma once
// medkioskctl hub's county commands (clinics, locations, distances, clinic devices, requests,
// allocation, orders), called by run_hub.

#include <string>

#include "hub_options.hpp"
#include "medkiosk/cli/commands.hpp"

namespace medkiosk::cli::detail {

// True when `command` is one of them.
bool is_hub_county_command(const std::string& command);
// options.positional[0] is the command. Returns the exit code.
int run_hub_county(const ParsedOptions& options, CommandIo io);
// Their usage lines, for hub's --help.
extern const char* const kHubCountyUsage;

}  // namespace medkiosk::cli::detail
