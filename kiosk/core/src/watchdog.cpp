#include "medkiosk/kiosk/watchdog.hpp"

#include <systemd/sd-daemon.h>

#include <charconv>
#include <cstdlib>
#include <string>

namespace medkiosk::kiosk {

SystemdNotifier SystemdNotifier::from_environment() {
    SystemdNotifier notifier;
    if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket != nullptr) notifier.socket_ = socket;
    if (const char* usec = std::getenv("WATCHDOG_USEC"); usec != nullptr) {
        std::int64_t value = 0;
        const std::string_view text(usec);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value > 0)
            notifier.watchdog_ = std::chrono::microseconds(value);
    }
    return notifier;
}

bool SystemdNotifier::send(std::string_view message) const {
    if (!active()) return false;
    // sd_notify reads NOTIFY_SOCKET itself; keeping our copy only decides whether to bother.
    return sd_notify(0, std::string(message).c_str()) > 0;
}

bool SystemdNotifier::ready() const {
    return send("READY=1");
}

bool SystemdNotifier::watchdog() const {
    return send("WATCHDOG=1");
}

bool SystemdNotifier::status(std::string_view text) const {
    return send(std::string("STATUS=") + std::string(text));
}

bool SystemdNotifier::stopping() const {
    return send("STOPPING=1");
}

LoopWatchdog::LoopWatchdog(std::chrono::microseconds timeout) : timeout_(timeout) {}

bool LoopWatchdog::beat(Clock::time_point now) {
    last_beat_ = now;
    beaten_ = true;
    if (!enabled()) return false;
    if (pinged_ && now - last_ping_ < ping_interval()) return false;
    last_ping_ = now;
    pinged_ = true;
    return true;
}

bool LoopWatchdog::hung(Clock::time_point now) const {
    return enabled() && beaten_ && now - last_beat_ > timeout_;
}

}  // namespace medkiosk::kiosk
