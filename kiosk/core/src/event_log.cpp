#include "medkiosk/kiosk/event_log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <vector>

#include "medkiosk/kiosk/conninfo_mask.hpp"

namespace medkiosk::kiosk {
namespace {

std::mutex g_mutex;
std::string g_kiosk_id;
std::optional<LoggedError> g_last_error;
std::uint64_t g_error_count = 0;

LogSink detect_sink() {
    if (const char* forced = std::getenv("MEDKIOSK_LOG"); forced != nullptr) {
        if (std::string_view(forced) == "journal") return LogSink::Journal;
        if (std::string_view(forced) == "stderr") return LogSink::Stderr;
    }
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return LogSink::Stderr;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return LogSink::Stderr;
    struct stat st {};
    if (fstat(2, &st) != 0) return LogSink::Stderr;
    return st.st_dev == device && st.st_ino == inode ? LogSink::Journal : LogSink::Stderr;
}

bool is_error_event(std::string_view event) {
    return event.size() >= 6 && event.substr(event.size() - 6) == "-error";
}

std::string journal_field_name(std::string_view key) {
    std::string name = "MEDKIOSK_";
    for (char c : key)
        name += std::isalnum(static_cast<unsigned char>(c))
                    ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                    : '_';
    return name;
}

void send_to_journal(const std::string& line, std::string_view event,
                     const std::vector<std::pair<std::string_view, std::string>>& fields,
                     const std::string& error, const std::string& kiosk_id) {
    std::vector<std::string> entries;
    entries.push_back("MESSAGE=" + line);
    entries.push_back(std::string("PRIORITY=") + (error.empty() ? "6" : "3"));
    entries.push_back("SYSLOG_IDENTIFIER=medkiosk");
    entries.push_back("EVENT=" + std::string(event));
    if (!kiosk_id.empty()) entries.push_back("KIOSK_ID=" + kiosk_id);
    if (!error.empty()) entries.push_back("ERROR=" + error);
    for (const auto& [key, value] : fields) entries.push_back(journal_field_name(key) + "=" + value);
    std::vector<iovec> iov;
    iov.reserve(entries.size());
    for (auto& entry : entries) iov.push_back({entry.data(), entry.size()});
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
        std::fputs((line + "\n").c_str(), stderr);  // the journal is gone: stderr still reaches someone
    }
}

}  // namespace

std::string utc_now_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

// Not cached: an environment read and an fstat cost nothing next to the write, and a process whose
// stderr is redirected later follows along.
LogSink log_sink() {
    return detect_sink();
}

void set_log_kiosk_id(std::string kiosk_id) {
    std::lock_guard lock(g_mutex);
    g_kiosk_id = std::move(kiosk_id);
}

std::optional<LoggedError> last_logged_error() {
    std::lock_guard lock(g_mutex);
    return g_last_error;
}

std::uint64_t logged_error_count() {
    std::lock_guard lock(g_mutex);
    return g_error_count;
}

void log_event(std::string_view event,
               std::initializer_list<std::pair<std::string_view, std::string>> given) {
    // No hub password in a log: a libpq error or a settings problem may quote the hub's address.
    std::vector<std::pair<std::string_view, std::string>> fields;
    fields.reserve(given.size());
    for (const auto& [key, value] : given) fields.emplace_back(key, mask_conninfo_password(value));
    std::string line = "medkiosk: event=" + std::string(event);
    std::string error;
    std::string detail;
    for (const auto& [key, value] : fields) {
        const bool quote = value.empty() || value.find_first_of(" \"=") != std::string::npos;
        line += ' ';
        line += key;
        line += '=';
        if (quote) line += '"';
        for (char c : value) line += c == '"' ? '\'' : (c == '\n' ? ' ' : c);
        if (quote) line += '"';
        if ((key == "detail" || key == "error") && detail.empty()) detail = value;
    }
    // Only "-error" events count as failures: pack-unreadable's parse error is the donor's pack, not a fault.
    if (is_error_event(event)) error = detail.empty() ? std::string(event) : detail;

    std::lock_guard lock(g_mutex);
    if (!error.empty()) {
        g_last_error = LoggedError{std::string(event), error, utc_now_iso()};
        ++g_error_count;
    }
    if (log_sink() == LogSink::Journal) {
        send_to_journal(line, event, fields, error, g_kiosk_id);
        return;
    }
    line += '\n';
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace medkiosk::kiosk
