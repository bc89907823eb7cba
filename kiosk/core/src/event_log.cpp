#include "medkiosk/kiosk/event_log.hpp"

#include <cstdio>
#include <mutex>

namespace medkiosk::kiosk {

void log_event(std::string_view event, std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    std::string line = "medkiosk: event=" + std::string(event);
    for (const auto& [key, value] : fields) {
        const bool quote = value.empty() || value.find_first_of(" \"=") != std::string::npos;
        line += ' ';
        line += key;
        line += '=';
        if (quote) line += '"';
        for (char c : value) line += c == '"' ? '\'' : (c == '\n' ? ' ' : c);
        if (quote) line += '"';
    }
    line += '\n';
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace medkiosk::kiosk
