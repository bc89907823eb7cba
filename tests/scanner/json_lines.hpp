#pragma once
// medkioskctl --json output: one JSON object per line.

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace medkiosk::test {

inline std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

}  // namespace medkiosk::test
