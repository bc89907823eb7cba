#pragma once
// systemd's service notifications (READY=1, WATCHDOG=1) and the rule for when the main loop pings.
// The pings come from the UI thread's own loop, not a helper thread: a hung loop then stops them and
// systemd restarts the kiosk (WatchdogSec= in deploy/medkiosk.service).

#include <chrono>
#include <string>
#include <string_view>

namespace medkiosk::kiosk {

class SystemdNotifier {
  public:
    // Reads NOTIFY_SOCKET and WATCHDOG_USEC. WATCHDOG_PID is deliberately not checked: under cage the
    // kiosk is the compositor's child, so the PID systemd started is not ours (NotifyAccess=all).
    static SystemdNotifier from_environment();

    bool active() const { return !socket_.empty(); }  // false outside systemd: every call is a no-op
    std::chrono::microseconds watchdog_timeout() const { return watchdog_; }  // 0 = no watchdog
    const std::string& socket() const { return socket_; }

    bool ready() const;
    bool watchdog() const;
    bool status(std::string_view text) const;
    bool stopping() const;
    bool send(std::string_view message) const;

  private:
    std::string socket_;
    std::chrono::microseconds watchdog_{0};
};

// Decides, from the loop's own clock, when the next WATCHDOG=1 is due, and tells a test or a monitor
// whether the loop has stopped beating for longer than the timeout.
class LoopWatchdog {
  public:
    using Clock = std::chrono::steady_clock;

    explicit LoopWatchdog(std::chrono::microseconds timeout);

    bool enabled() const { return timeout_.count() > 0; }
    // Called once per loop iteration; true when a ping should be sent now (every timeout/3, so one
    // late frame never costs a restart).
    bool beat(Clock::time_point now);
    // True when the loop has not beaten for longer than the timeout: what systemd would act on.
    bool hung(Clock::time_point now) const;
    std::chrono::microseconds ping_interval() const { return timeout_ / 3; }

  private:
    std::chrono::microseconds timeout_;
    Clock::time_point last_beat_{};
    Clock::time_point last_ping_{};
    bool beaten_ = false;
    bool pinged_ = false;
};

}  // namespace medkiosk::kiosk
