#pragma once
// Staff and technician mode as a plain state machine: the hidden entry, the PIN pad with lockout
// (judged by the back office port), the staff queue with filters and selection, and the way out.

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medkiosk/kiosk/back_office.hpp"

namespace medkiosk::kiosk {

enum class StaffScreen { Closed, Pin, Queue, Technician };

struct StaffSettings {
    std::chrono::milliseconds hidden_press{3000};  // hold the top-left corner this long to open the PIN pad
    std::chrono::seconds idle_timeout{120};        // an unattended staff screen closes itself
    std::size_t max_pin_digits = 8;
    std::size_t min_pin_digits = 4;
};

class StaffFlow {
public:
    StaffFlow(BackOfficePort& office, StaffSettings settings = {});

    StaffScreen screen() const { return screen_; }
    bool open() const { return screen_ != StaffScreen::Closed; }
    Role role() const { return role_; }
    std::size_t pin_length() const { return pin_.size(); }  // the pad shows dots, never digits
    bool checking() const { return pin_ticket_ != 0; }
    const std::optional<PinCheck>& last_check() const { return last_check_; }
    bool locked(std::chrono::steady_clock::time_point now) const { return now < locked_until_; }
    int locked_seconds(std::chrono::steady_clock::time_point now) const;

    // The hidden entry: the corner is held from `since`; opens the PIN pad once held long enough.
    void hold_corner(std::chrono::steady_clock::time_point since, std::chrono::steady_clock::time_point now, Role role);
    void open_pin(Role role, std::chrono::steady_clock::time_point now);
    void switch_role(Role role, std::chrono::steady_clock::time_point now);
    void press_digit(int digit, std::chrono::steady_clock::time_point now);
    void erase(std::chrono::steady_clock::time_point now);
    void submit(std::chrono::steady_clock::time_point now);
    void close();

    // Queue (staff)
    const QueueFilter& filter() const { return filter_; }
    void set_filter(QueueFilter filter, std::chrono::steady_clock::time_point now);
    void refresh(std::chrono::steady_clock::time_point now);
    bool loading() const { return queue_ticket_ != 0; }
    const std::vector<QueueItem>& items() const { return items_; }
    const std::set<std::string>& selected() const { return selected_; }
    void toggle(const std::string& uuid, std::chrono::steady_clock::time_point now);
    void select_all(std::chrono::steady_clock::time_point now);
    void clear_selection(std::chrono::steady_clock::time_point now);
    void apply(ReviewAction action, std::chrono::steady_clock::time_point now);  // on the selection
    const std::string& message() const { return message_; }  // the last error or outcome to show
    bool message_ok() const { return message_ok_; }

    void on_reply(const BackOfficeReply& reply, std::chrono::steady_clock::time_point now);
    void tick(std::chrono::steady_clock::time_point now);

private:
    void touch(std::chrono::steady_clock::time_point now) { last_activity_ = now; }

    BackOfficePort& office_;
    StaffSettings settings_;
    StaffScreen screen_ = StaffScreen::Closed;
    Role role_ = Role::Staff;
    std::string pin_;
    std::uint64_t pin_ticket_ = 0;
    std::optional<PinCheck> last_check_;
    std::chrono::steady_clock::time_point locked_until_{};
    QueueFilter filter_;
    std::uint64_t queue_ticket_ = 0;
    std::uint64_t action_ticket_ = 0;
    std::vector<QueueItem> items_;
    std::set<std::string> selected_;
    std::string message_;
    bool message_ok_ = false;
    std::chrono::steady_clock::time_point last_activity_{};
};

}  // namespace medkiosk::kiosk
