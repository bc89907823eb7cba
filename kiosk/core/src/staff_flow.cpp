#include "medkiosk/kiosk/staff_flow.hpp"

#include <utility>

namespace medkiosk::kiosk {

using Steady = std::chrono::steady_clock;

StaffFlow::StaffFlow(BackOfficePort& office, StaffSettings settings) : office_(office), settings_(settings) {}

int StaffFlow::locked_seconds(Steady::time_point now) const {
    if (now >= locked_until_) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(locked_until_ - now).count());
}

void StaffFlow::hold_corner(Steady::time_point since, Steady::time_point now, Role role) {
    if (screen_ == StaffScreen::Closed && now - since >= settings_.hidden_press) open_pin(role, now);
}

void StaffFlow::open_pin(Role role, Steady::time_point now) {
    screen_ = StaffScreen::Pin;
    role_ = role;
    pin_.clear();
    pin_ticket_ = 0;
    last_check_.reset();
    touch(now);
}

void StaffFlow::switch_role(Role role, Steady::time_point now) {
    if (screen_ != StaffScreen::Pin || checking()) return;
    role_ = role;
    pin_.clear();
    last_check_.reset();
    touch(now);
}

void StaffFlow::press_digit(int digit, Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Pin || checking() || locked(now)) return;
    if (digit < 0 || digit > 9 || pin_.size() >= settings_.max_pin_digits) return;
    pin_.push_back(static_cast<char>('0' + digit));
}

void StaffFlow::erase(Steady::time_point now) {
    touch(now);
    if (screen_ == StaffScreen::Pin && !checking() && !pin_.empty()) pin_.pop_back();
}

void StaffFlow::submit(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Pin || checking() || locked(now) || pin_.size() < settings_.min_pin_digits) return;
    pin_ticket_ = office_.verify_pin(role_, std::exchange(pin_, {}));
}

void StaffFlow::close() {
    screen_ = StaffScreen::Closed;
    pin_.clear();
    pin_ticket_ = 0;
    queue_ticket_ = 0;
    action_ticket_ = 0;
    items_.clear();
    selected_.clear();
    message_.clear();
    last_check_.reset();
}

void StaffFlow::set_filter(QueueFilter filter, Steady::time_point now) {
    filter_ = std::move(filter);
    refresh(now);
}

void StaffFlow::refresh(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Queue) return;
    queue_ticket_ = office_.query_queue(filter_);
}

void StaffFlow::toggle(const std::string& uuid, Steady::time_point now) {
    touch(now);
    if (!selected_.erase(uuid)) selected_.insert(uuid);
}

void StaffFlow::select_all(Steady::time_point now) {
    touch(now);
    for (const auto& item : items_) selected_.insert(item.uuid);
}

void StaffFlow::clear_selection(Steady::time_point now) {
    touch(now);
    selected_.clear();
}

void StaffFlow::apply(ReviewAction action, Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Queue || selected_.empty() || action_ticket_ != 0) return;
    action_ticket_ = office_.review(std::vector<std::string>(selected_.begin(), selected_.end()), action);
}

void StaffFlow::on_reply(const BackOfficeReply& reply, Steady::time_point now) {
    if (reply.ticket == 0) return;
    if (reply.ticket == pin_ticket_) {
        pin_ticket_ = 0;
        const auto* check = std::get_if<PinCheck>(&reply.result);
        if (check == nullptr || screen_ != StaffScreen::Pin) return;
        last_check_ = *check;
        if (check->outcome == PinCheck::Outcome::Accepted) {
            screen_ = role_ == Role::Staff ? StaffScreen::Queue : StaffScreen::Technician;
            touch(now);
            if (screen_ == StaffScreen::Queue) refresh(now);
        } else if (check->outcome == PinCheck::Outcome::LockedOut) {
            locked_until_ = now + check->locked_for;
        }
        return;
    }
    if (reply.ticket == queue_ticket_) {
        queue_ticket_ = 0;
        if (const auto* items = std::get_if<std::vector<QueueItem>>(&reply.result)) {
            items_ = *items;
            std::set<std::string> still_there;
            for (const auto& item : items_) {
                if (selected_.count(item.uuid)) still_there.insert(item.uuid);
            }
            selected_ = std::move(still_there);
        } else if (const auto* result = std::get_if<TaskResult>(&reply.result)) {
            message_ = result->message;
            message_ok_ = result->ok;
        }
        return;
    }
    if (reply.ticket == action_ticket_) {
        action_ticket_ = 0;
        if (const auto* result = std::get_if<TaskResult>(&reply.result)) {
            message_ = result->message;
            message_ok_ = result->ok;
            if (result->ok) {
                selected_.clear();
                refresh(now);
            }
        }
    }
}

void StaffFlow::tick(Steady::time_point now) {
    if (screen_ != StaffScreen::Closed && now - last_activity_ >= settings_.idle_timeout) close();
}

}  // namespace medkiosk::kiosk
