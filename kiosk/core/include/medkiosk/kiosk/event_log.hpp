#pragma once
// One line per notable event, "medkiosk: event=NAME key=value …", so a technician (and the journal)
// can follow what the kiosk did. Under systemd (stderr connected to the journal) each event goes to
// journald as a structured entry instead: MESSAGE (the same line), EVENT, KIOSK_ID, ERROR for
// failures, and every field as MEDKIOSK_<KEY>. Never logs serials or anything about the donor.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace medkiosk::kiosk {

void log_event(std::string_view event,
               std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

// "2026-11-29T04:14:40Z": the time stamps of the log and the status file.
std::string utc_now_iso();

// Added to every journal entry as KIOSK_ID (and to the status file).
void set_log_kiosk_id(std::string kiosk_id);

enum class LogSink { Stderr, Journal };
// Journal when $JOURNAL_STREAM names our stderr (systemd's documented test), else stderr.
// $MEDKIOSK_LOG=stderr|journal overrides the detection.
LogSink log_sink();

// The most recent failure logged (an event whose name ends in "-error"), for `medkioskctl status`.
struct LoggedError {
    std::string event;
    std::string detail;
    std::string at;  // UTC ISO-8601
};
std::optional<LoggedError> last_logged_error();
std::uint64_t logged_error_count();  // changes whenever last_logged_error() does

}  // namespace medkiosk::kiosk
