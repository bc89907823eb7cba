#include "medkiosk/kiosk/staff_flow.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {

using Steady = std::chrono::steady_clock;

StaffFlow::StaffFlow(SignInPort& sign_in, StaffPort& office, StaffSettings settings)
    : sign_in_(sign_in), office_(office), settings_(settings), hold_(settings.undo_window) {}

int StaffFlow::locked_seconds(Steady::time_point now) const {
    const auto until = locked_until_.find(role_);
    if (until == locked_until_.end() || now >= until->second) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(until->second - now).count());
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
    if (screen_ != StaffScreen::Pin || checking() || locked(now) || pin_.size() < settings_.min_pin_digits)
        return;
    pin_ticket_ = sign_in_.verify_pin(role_, std::exchange(pin_, {}));
}

void StaffFlow::close() {
    // Leaving makes a held refusal final; its answer comes to nobody (the queue is gone), which is fine.
    store_held(hold_.release());
    storing_.clear();
    undo_ticket_ = 0;
    made_final_ = {};
    screen_ = StaffScreen::Closed;
    pin_.clear();
    pin_ticket_ = 0;
    queue_ticket_ = 0;
    action_ticket_ = 0;
    items_.clear();
    selected_.clear();
    message_.clear();
    message_done_ = {};
    notice_.clear();
    last_check_.reset();
    categories_ticket_ = 0;
    categories_.clear();
    picking_category_ = false;
    plan_ticket_ = 0;
    dispatch_lines_.clear();
    free_items_.clear();
    clinics_.clear();
    clinic_id_.clear();
    orders_.clear();
    order_.clear();
    dispatched_.reset();
    charts_ticket_ = 0;
    charts_.reset();
}

void StaffFlow::set_filter(QueueFilter filter, Steady::time_point now) {
    filter_ = std::move(filter);
    refresh(now);
}

void StaffFlow::refresh(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Queue) return;
    queue_ticket_ = office_.query_queue(filter_);
    // The category filter and picker follow the catalogue, which a technician may replace any time.
    if (categories_ticket_ == 0) categories_ticket_ = office_.query_categories();
}

void StaffFlow::show_result(const BackOfficeReply& reply) {
    if (const auto* done = answer_if<Done>(reply)) {
        message_ = done->detail;
        message_done_ = *done;
        message_ok_ = true;
    } else {
        message_ = reply.result ? std::string("unexpected answer") : reply.result.error().message;
        message_done_ = {};
        message_ok_ = false;
        // On screen for the pharmacist, and in the journal for the technician they call.
        log_event("staff-save-error", {{"why", message_}});
    }
}

void StaffFlow::start_reclassify(Steady::time_point now) {
    touch(now);
    notice_.clear();
    if (screen_ != StaffScreen::Queue || busy()) return;
    if (selected_.empty()) {
        notice_ = "staff.notice_select_first";
        return;
    }
    if (categories_.empty()) {
        notice_ = "staff.notice_no_categories";
        if (categories_ticket_ == 0) categories_ticket_ = office_.query_categories();
        return;
    }
    picking_category_ = true;
}

void StaffFlow::cancel_reclassify(Steady::time_point now) {
    touch(now);
    picking_category_ = false;
}

void StaffFlow::reclassify(const std::string& category, Steady::time_point now) {
    touch(now);
    if (!picking_category_ || screen_ != StaffScreen::Queue || busy()) return;
    if (std::find(categories_.begin(), categories_.end(), category) == categories_.end()) return;
    picking_category_ = false;
    action_ticket_ =
        office_.reclassify(std::vector<std::string>(selected_.begin(), selected_.end()), category);
}

void StaffFlow::open_dispatch(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Queue) return;
    // Final before the plan is read: the back office runs requests in order, so a pack refused a
    // moment ago is not offered for dispatch.
    store_held(hold_.release());
    screen_ = StaffScreen::Dispatch;
    picking_category_ = false;
    notice_.clear();
    message_.clear();
    message_done_ = {};
    dispatch_lines_.clear();
    free_items_.clear();
    clinic_id_.clear();
    order_.clear();
    closes_order_ = false;
    dispatched_.reset();
    plan_ticket_ = office_.query_dispatch_plan();
}

std::vector<std::string> StaffFlow::townships() const {
    std::vector<std::string> list;
    for (const auto& c : clinics_)
        if (std::find(list.begin(), list.end(), c.township_zh) == list.end()) list.push_back(c.township_zh);
    return list;
}

void StaffFlow::choose_township(std::string township, Steady::time_point now) {
    touch(now);
    township_ = std::move(township);
}

const storage::ClinicChoice* StaffFlow::clinic() const {
    for (const auto& c : clinics_)
        if (c.clinic_id == clinic_id_) return &c;
    return nullptr;
}

void StaffFlow::choose_clinic(const std::string& clinic_id, Steady::time_point now) {
    touch(now);
    if (!order_.empty()) return;  // an order's clinic is the bureau's choice
    for (const auto& c : clinics_) {
        if (c.clinic_id != clinic_id) continue;
        clinic_id_ = clinic_id;
        township_ = c.township_zh;
        if (notice_ == "staff.notice_need_clinic") notice_.clear();
    }
}

void StaffFlow::fill_lines() {
    dispatch_lines_.clear();
    if (order_.empty()) {
        for (const auto& item : free_items_)
            dispatch_lines_.push_back({item, true, std::max(1, item.quantity)});
        return;
    }
    for (const auto& order : orders_) {
        if (order.order_uuid != order_) continue;
        for (const auto& wanted : order.items) {
            if (wanted.available <= 0 || !wanted.dropoff) continue;
            QueueItem item = to_queue_item(*wanted.dropoff);
            item.quantity = wanted.available;
            dispatch_lines_.push_back({item, true, wanted.available});
        }
    }
}

void StaffFlow::choose_order(const std::string& order_uuid, Steady::time_point now) {
    touch(now);
    if (busy() || dispatched_) return;
    order_.clear();
    closes_order_ = false;
    for (const auto& order : orders_) {
        if (order.order_uuid != order_uuid) continue;
        order_ = order_uuid;
        clinic_id_ = order.clinic_id;
        if (const auto* chosen = clinic()) township_ = chosen->township_zh;
    }
    if (order_.empty()) clinic_id_.clear();
    notice_.clear();
    fill_lines();
}

void StaffFlow::set_closes_order(bool closes, Steady::time_point now) {
    touch(now);
    if (!order_.empty()) closes_order_ = closes;
}

void StaffFlow::set_included(const std::string& uuid, bool included, Steady::time_point now) {
    touch(now);
    for (auto& line : dispatch_lines_)
        if (line.item.uuid == uuid) line.included = included;
}

void StaffFlow::set_quantity(const std::string& uuid, int quantity, Steady::time_point now) {
    touch(now);
    for (auto& line : dispatch_lines_)
        if (line.item.uuid == uuid) line.quantity = std::clamp(quantity, 1, std::max(1, line.item.quantity));
}

int StaffFlow::dispatch_count() const {
    return static_cast<int>(std::count_if(dispatch_lines_.begin(), dispatch_lines_.end(),
                                          [](const DispatchLine& line) { return line.included; }));
}

int StaffFlow::dispatch_packs() const {
    int packs = 0;
    for (const auto& line : dispatch_lines_) packs += line.included ? line.quantity : 0;
    return packs;
}

void StaffFlow::confirm_dispatch(Steady::time_point now) {
    touch(now);
    notice_.clear();
    if (screen_ != StaffScreen::Dispatch || busy() || dispatch_loading() || dispatched_) return;
    if (clinic_id_.empty()) {
        notice_ = "staff.notice_need_clinic";
        return;
    }
    DispatchChoice choice{clinic_id_, order_, closes_order_, {}};
    for (const auto& line : dispatch_lines_)
        if (line.included) choice.items.push_back({line.item.uuid, line.quantity});
    if (choice.items.empty()) {
        notice_ = "staff.notice_need_items";
        return;
    }
    message_.clear();
    message_done_ = {};
    action_ticket_ = office_.dispatch(std::move(choice));
}

void StaffFlow::finish_dispatch(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Dispatch || !dispatched_) return;
    dispatched_.reset();
    screen_ = StaffScreen::Queue;
    dispatch_lines_.clear();
    clinic_id_.clear();
    order_.clear();
    refresh(now);
}

void StaffFlow::back_to_queue(Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Dispatch && screen_ != StaffScreen::Charts) return;
    screen_ = StaffScreen::Queue;
    notice_.clear();
    plan_ticket_ = 0;
    charts_ticket_ = 0;
    refresh(now);
}

void StaffFlow::open_charts(int days, Steady::time_point now) {
    touch(now);
    if (screen_ != StaffScreen::Queue && screen_ != StaffScreen::Charts) return;
    store_held(hold_.release());
    screen_ = StaffScreen::Charts;
    picking_category_ = false;
    notice_.clear();
    message_.clear();
    message_done_ = {};
    charts_ticket_ = office_.query_charts(days);
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
    notice_.clear();
    if (screen_ != StaffScreen::Queue || selected_.empty() || action_ticket_ != 0) return;
    std::vector<std::string> uuids(selected_.begin(), selected_.end());
    if (!ReviewHold::undoable(action)) {
        action_ticket_ = office_.review(std::move(uuids), action);
        return;
    }
    message_.clear();
    message_done_ = {};
    auto displaced = hold_.hold(std::move(uuids), action, now);
    // A hold whose window had already passed was final anyway; one still undoable is made final by
    // this tap, which the banner says (else the pharmacist would believe Undo still reaches it).
    if (displaced && now < displaced->until) {
        (displaced->action == ReviewAction::Dispose ? made_final_.disposed : made_final_.rejected) +=
            displaced->uuids.size();
        log_event("review-made-final",
                  {{"dropoffs", std::to_string(displaced->uuids.size())}, {"by", "next-action"}});
    } else {
        made_final_ = {};
    }
    store_held(std::move(displaced));
    selected_.clear();
    std::erase_if(items_, [this](const QueueItem& item) { return hidden(item.uuid); });
}

void StaffFlow::undo(Steady::time_point now) {
    touch(now);
    auto taken = hold_.undo(now);
    if (!taken) return;
    made_final_ = {};
    message_.clear();
    message_done_ = {};
    undo_ticket_ = office_.undo_review(taken->uuids, taken->action);
    log_event("review-undone", {{"dropoffs", std::to_string(taken->uuids.size())}});
    selected_.insert(taken->uuids.begin(), taken->uuids.end());
    refresh(now);  // after the undo's audit row, in the back office's order: the items come back
}

void StaffFlow::store_held(std::optional<ReviewHold::Held> held) {
    if (!held) return;
    const std::uint64_t ticket = office_.review(held->uuids, held->action);
    storing_[ticket] = std::move(held->uuids);
}

bool StaffFlow::hidden(const std::string& uuid) const {
    if (hold_.holds(uuid)) return true;
    for (const auto& [ticket, uuids] : storing_)
        if (std::find(uuids.begin(), uuids.end(), uuid) != uuids.end()) return true;
    return false;
}

void StaffFlow::on_reply(const BackOfficeReply& reply, Steady::time_point now) {
    if (reply.ticket == 0) return;
    if (reply.ticket == pin_ticket_) {
        pin_ticket_ = 0;
        const auto* check = answer_if<PinCheck>(reply);
        if (check == nullptr || screen_ != StaffScreen::Pin) return;
        last_check_ = *check;
        if (check->outcome == PinCheck::Outcome::Accepted) {
            screen_ = role_ == Role::Staff ? StaffScreen::Queue : StaffScreen::Technician;
            touch(now);
            if (screen_ == StaffScreen::Queue) refresh(now);
        } else if (check->outcome == PinCheck::Outcome::LockedOut ||
                   check->outcome == PinCheck::Outcome::Wrong) {
            locked_until_[role_] = now + check->locked_for;  // a wrong PIN past the free ones waits too
        }
        return;
    }
    if (reply.ticket == queue_ticket_) {
        queue_ticket_ = 0;
        if (const auto* items = answer_if<std::vector<QueueItem>>(reply)) {
            items_ = *items;
            // Still pending in the ledger while held (or until stored), but no longer the pharmacist's
            // work: shown as gone, as the banner says.
            std::erase_if(items_, [this](const QueueItem& item) { return hidden(item.uuid); });
            std::set<std::string> still_there;
            for (const auto& item : items_) {
                if (selected_.count(item.uuid)) still_there.insert(item.uuid);
            }
            selected_ = std::move(still_there);
        } else {
            show_result(reply);
        }
        return;
    }
    if (reply.ticket == categories_ticket_) {
        categories_ticket_ = 0;
        if (const auto* list = answer_if<CategoryList>(reply)) {
            categories_ = list->categories;
            if (notice_ == "staff.notice_no_categories" && !categories_.empty()) notice_.clear();
        }
        return;
    }
    if (reply.ticket == plan_ticket_) {
        plan_ticket_ = 0;
        if (const auto* plan = answer_if<DispatchPlan>(reply)) {
            free_items_ = plan->items;
            clinics_ = plan->clinics;
            orders_ = plan->orders;
            if (township_.empty() && !clinics_.empty()) township_ = clinics_.front().township_zh;
            fill_lines();
        } else {
            show_result(reply);
        }
        return;
    }
    if (reply.ticket == charts_ticket_) {
        charts_ticket_ = 0;
        if (const auto* data = answer_if<ChartData>(reply)) {
            charts_ = *data;
        } else {
            show_result(reply);
        }
        return;
    }
    if (auto storing = storing_.find(reply.ticket); storing != storing_.end()) {
        storing_.erase(storing);
        show_result(reply);
        if (screen_ == StaffScreen::Queue) refresh(now);  // a failure brings the items back
        return;
    }
    if (reply.ticket == undo_ticket_) {
        undo_ticket_ = 0;
        if (!reply.result || answer_if<Done>(reply) == nullptr) show_result(reply);
        return;
    }
    if (reply.ticket == action_ticket_) {
        action_ticket_ = 0;
        if (const auto* done = answer_if<DispatchDone>(reply)) {
            // Recorded: the screen shows the manifest's QR and the packing list until "done".
            dispatched_ = *done;
            message_ = done->message;
            message_done_ = {};
            message_ok_ = done->message.empty();
            selected_.clear();
            return;
        }
        show_result(reply);
        {
            if (message_ok_) {
                selected_.clear();
                if (screen_ == StaffScreen::Dispatch) {
                    screen_ = StaffScreen::Queue;
                    dispatch_lines_.clear();
                    clinic_id_.clear();
                }
                refresh(now);
            }
        }
    }
}

void StaffFlow::tick(Steady::time_point now) {
    store_held(hold_.take_due(now));  // its answer reloads the queue
    if (screen_ != StaffScreen::Closed && now - last_activity_ >= settings_.idle_timeout) close();
}

}  // namespace medkiosk::kiosk
