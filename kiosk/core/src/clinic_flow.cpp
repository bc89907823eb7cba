#include "medkiosk/kiosk/clinic_flow.hpp"

#include <algorithm>
#include <ctime>

#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::kiosk {

std::string clinic_today() {
    return scanner::to_iso(scanner::local_today());
}

std::string_view to_string(ClinicScreen screen) {
    switch (screen) {
        case ClinicScreen::Welcome:
            return "clinic-welcome";
        case ClinicScreen::Pin:
            return "clinic-pin";
        case ClinicScreen::Home:
            return "clinic-home";
        case ClinicScreen::Arrival:
            return "clinic-arrival";
        case ClinicScreen::GiveOut:
            return "clinic-give-out";
        case ClinicScreen::Stock:
            return "clinic-stock";
    }
    return "clinic-welcome";
}

ClinicFlow::ClinicFlow(ClinicPort& office, ClinicSettings settings) : office_(office), settings_(settings) {
    clinic_names_ticket_ = office_.clinic_names();
}

std::string ClinicFlow::clinic_name(Language language, const std::string& clinic_id) const {
    if (!clinic_names_) return clinic_id;
    const std::string& wanted =
        language == Language::Chinese ? clinic_names_->name_zh : clinic_names_->name_en;
    const std::string& other =
        language == Language::Chinese ? clinic_names_->name_en : clinic_names_->name_zh;
    return !wanted.empty() ? wanted : !other.empty() ? other : clinic_id;
}

int ClinicFlow::locked_seconds(Clock::time_point now) const {
    if (now >= locked_until_) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(locked_until_ - now).count());
}

void ClinicFlow::open_pin(Clock::time_point now) {
    touch(now);
    screen_ = ClinicScreen::Pin;
    pin_.clear();
    last_check_.reset();
}

void ClinicFlow::press_digit(int digit, Clock::time_point now) {
    touch(now);
    if (screen_ != ClinicScreen::Pin || checking() || locked(now) || digit < 0 || digit > 9) return;
    if (pin_.size() < settings_.max_pin_digits) pin_ += static_cast<char>('0' + digit);
}

void ClinicFlow::erase(Clock::time_point now) {
    touch(now);
    if (!pin_.empty()) pin_.pop_back();
}

void ClinicFlow::submit(Clock::time_point now) {
    touch(now);
    if (screen_ != ClinicScreen::Pin || checking() || locked(now) || pin_.size() < settings_.min_pin_digits)
        return;
    pin_ticket_ = office_.verify_pin(std::exchange(pin_, {}));
}

void ClinicFlow::sign_out() {
    if (screen_ != ClinicScreen::Welcome && screen_ != ClinicScreen::Pin) office_.sign_out();
    screen_ = ClinicScreen::Welcome;
    pin_.clear();
    manifest_.reset();
    already_.reset();
    arrival_lines_.clear();
    counting_ = false;
    message_.reset();
    overview_.reset();
    // The hub may have fed or renamed the clinic since: the welcome shows the list as it is now.
    if (clinic_names_ticket_ == 0) clinic_names_ticket_ = office_.clinic_names();
}

void ClinicFlow::refresh(const std::string& today) {
    overview_ticket_ = office_.overview(today);
}

void ClinicFlow::home(const std::string& today, Clock::time_point now) {
    touch(now);
    if (screen_ == ClinicScreen::Welcome || screen_ == ClinicScreen::Pin) return;
    screen_ = ClinicScreen::Home;
    message_.reset();
    refresh(today);
}

void ClinicFlow::open_arrival(Clock::time_point now) {
    touch(now);
    if (screen_ == ClinicScreen::Welcome || screen_ == ClinicScreen::Pin) return;
    screen_ = ClinicScreen::Arrival;
    forget_manifest(now);
}

void ClinicFlow::open_give_out(const std::string& today, Clock::time_point now) {
    touch(now);
    if (screen_ == ClinicScreen::Welcome || screen_ == ClinicScreen::Pin) return;
    screen_ = ClinicScreen::GiveOut;
    message_.reset();
    refresh(today);
}

void ClinicFlow::open_stock(const std::string& today, Clock::time_point now) {
    touch(now);
    if (screen_ == ClinicScreen::Welcome || screen_ == ClinicScreen::Pin) return;
    screen_ = ClinicScreen::Stock;
    message_.reset();
    refresh(today);
}

int ClinicFlow::expiring_soon() const {
    if (!overview_) return 0;
    return static_cast<int>(std::count_if(overview_->stock.begin(), overview_->stock.end(),
                                          [](const storage::StockLine& l) { return l.expiring_soon; }));
}

int ClinicFlow::expired() const {
    if (!overview_) return 0;
    return static_cast<int>(std::count_if(overview_->stock.begin(), overview_->stock.end(),
                                          [](const storage::StockLine& l) { return l.expired; }));
}

void ClinicFlow::show(bool ok, std::string key, std::vector<std::pair<std::string, std::string>> values,
                      std::string detail) {
    message_ = Message{ok, std::move(key), std::move(values), std::move(detail)};
}

void ClinicFlow::on_scan(const scanner::ScanEvent& event, const std::string& today, Clock::time_point now) {
    const std::string& text = event.symbol.text;
    if (screen_ == ClinicScreen::Arrival) {
        touch(now);
        if (storage::looks_like_manifest(text)) {
            if (manifest_ && !counting_ && storage::encode_manifest(*manifest_) == text)
                return;  // still in view
            auto decoded = storage::decode_manifest(text);
            if (!decoded) {
                show(false, "clinic.manifest_unreadable", {}, decoded.error().message);
                return;
            }
            forget_manifest(now);
            manifest_ticket_ = office_.check_manifest(std::move(decoded).value());
            return;
        }
        if (!manifest_) {
            show(false, "clinic.scan_manifest_first");
            return;
        }
        if (event.parsed.ok()) count_pack(event.parsed.code(), now);
        return;
    }
    if (screen_ == ClinicScreen::GiveOut) {
        touch(now);
        if (busy()) return;
        if (storage::looks_like_manifest(text)) {  // a delivery's list, not a pack
            show(false, "clinic.manifest_on_give_out");
            return;
        }
        if (!event.parsed.ok()) {
            show(false, "clinic.pack_unreadable", {}, event.parsed.error().message);
            return;
        }
        const auto& pack = event.parsed.code();
        action_today_ = today;
        action_ticket_ =
            office_.give_out_pack(pack.gtin.empty() ? pack.product_id : pack.gtin,
                                  pack.expiry ? scanner::to_iso(*pack.expiry) : std::string(), today);
    }
}

// A scanned pack counts on its line (same product, and expiry when the code has one); the first
// scanned pack switches the arrival from "as listed" to counting, so every line starts at zero.
void ClinicFlow::count_pack(const scanner::PackCode& pack, Clock::time_point now) {
    touch(now);
    if (!counting_) {
        counting_ = true;
        for (auto& line : arrival_lines_) line.received = line.extra ? line.received : 0;
    }
    const std::string product = pack.gtin.empty() ? pack.product_id : pack.gtin;
    const std::string expiry = pack.expiry ? scanner::to_iso(*pack.expiry) : std::string();
    for (auto& line : arrival_lines_) {
        if (line.line.product != product || (!expiry.empty() && line.line.expiry != expiry)) continue;
        if (!line.extra && line.received >= line.line.quantity) continue;  // this line is full: try the next
        ++line.received;
        if (line.extra) ++line.line.quantity;
        show(true, "clinic.pack_counted", {{"line", std::to_string(line.line.line)}});
        return;
    }
    // Not on the manifest (or more than it lists): an extra line.
    ArrivalLine extra;
    int last = 0;
    for (const auto& line : arrival_lines_) last = std::max(last, line.line.line);
    extra.line = {last + 1, product, expiry, "unclassified", 1};
    extra.received = 1;
    extra.extra = true;
    arrival_lines_.push_back(extra);
    names_tickets_[office_.product_names(product)] = product;
    show(false, "clinic.pack_extra", {{"line", std::to_string(extra.line.line)}});
}

void ClinicFlow::set_received(int line, int received, Clock::time_point now) {
    touch(now);
    for (auto& l : arrival_lines_) {
        if (l.line.line != line) continue;
        const int most = l.extra ? 9999 : l.line.quantity;
        l.received = std::clamp(received, 0, most);
        if (l.extra) l.line.quantity = std::max(l.received, 1);
        l.damaged = std::min(l.damaged, l.received);
    }
    // An extra line counted down to nothing is no line at all.
    std::erase_if(arrival_lines_, [](const ArrivalLine& l) { return l.extra && l.received == 0; });
}

void ClinicFlow::set_damaged(int line, int damaged, Clock::time_point now) {
    touch(now);
    for (auto& l : arrival_lines_)
        if (l.line.line == line) l.damaged = std::clamp(damaged, 0, l.received);
}

void ClinicFlow::forget_manifest(Clock::time_point now) {
    touch(now);
    manifest_.reset();
    already_.reset();
    arrival_lines_.clear();
    counting_ = false;
    message_.reset();
    manifest_ticket_ = 0;
}

void ClinicFlow::confirm_arrival(Clock::time_point now) {
    touch(now);
    if (screen_ != ClinicScreen::Arrival || !manifest_ || already_ || busy()) return;
    storage::ArrivalInput input;
    input.manifest = *manifest_;
    for (const auto& line : arrival_lines_) {
        if (line.extra)
            input.extras.push_back({line.line.product, line.line.expiry, "", line.received, line.damaged});
        else
            input.counts.push_back({line.line.line, line.received, line.damaged});
    }
    action_ticket_ = office_.record_arrival(std::move(input));
}

void ClinicFlow::give_out(const std::string& arrival_uuid, int line, int quantity, const std::string& today,
                          Clock::time_point now) {
    touch(now);
    if (screen_ != ClinicScreen::GiveOut || busy() || quantity <= 0) return;
    action_today_ = today;
    action_ticket_ = office_.give_out(arrival_uuid, line, quantity, today);
}

void ClinicFlow::dispose_expired(const std::string& today, Clock::time_point now) {
    touch(now);
    if (screen_ != ClinicScreen::Stock || busy()) return;
    action_today_ = today;
    action_ticket_ = office_.dispose_expired(today);
}

void ClinicFlow::on_reply(const ClinicReply& reply, Clock::time_point now) {
    if (reply.ticket == clinic_names_ticket_) {
        clinic_names_ticket_ = 0;
        // An error (the ledger unreadable) keeps what was shown: the id, or the names read before.
        if (const auto* names = answer_if<ClinicNames>(reply)) clinic_names_ = *names;
        return;
    }
    if (reply.ticket == pin_ticket_) {
        pin_ticket_ = 0;
        if (const auto* check = answer_if<PinCheck>(reply)) {
            last_check_ = *check;
            if (check->outcome == PinCheck::Outcome::Accepted) {
                screen_ = ClinicScreen::Home;
                touch(now);
                overview_ticket_ = 0;
                // The home screen asks for its figures on its first frame (it knows today).
                overview_.reset();
            } else if (check->outcome == PinCheck::Outcome::LockedOut ||
                       check->outcome == PinCheck::Outcome::Wrong) {
                locked_until_ = now + check->locked_for;  // a wrong PIN past the free ones waits too
            }
        }
        return;
    }
    if (reply.ticket == overview_ticket_) {
        overview_ticket_ = 0;
        if (const auto* view = answer_if<ClinicOverview>(reply)) overview_ = *view;
        if (!reply.result) show(false, "clinic.not_saved", {}, reply.result.error().message);
        return;
    }
    if (reply.ticket == manifest_ticket_) {
        manifest_ticket_ = 0;
        if (!reply.result) {
            show(false, "clinic.not_saved", {}, reply.result.error().message);
            return;
        }
        const auto* check = answer_if<ManifestCheck>(reply);
        if (check == nullptr || screen_ != ClinicScreen::Arrival) return;
        if (!check->for_this_clinic) {
            show(false, "clinic.manifest_other_clinic", {{"clinic", check->manifest.clinic_id}});
            return;
        }
        if (check->signature == storage::ManifestSignature::Invalid) {
            show(false, "clinic.manifest_forged", {{"collection_point", check->manifest.kiosk_id}});
            return;
        }
        manifest_ = check->manifest;
        already_ = check->already;
        for (std::size_t i = 0; i < check->manifest.lines.size(); ++i) {
            const auto& line = check->manifest.lines[i];
            arrival_lines_.push_back(
                {line, i < check->names.size() ? check->names[i] : ProductNames{}, line.quantity, 0, false});
        }
        if (already_)
            show(false, "clinic.arrival_already", {{"date", already_->received_at.substr(0, 10)}});
        else if (check->signature == storage::ManifestSignature::Valid)
            show(true, "clinic.manifest_read", {{"packs", std::to_string(manifest_->packs())}});
        else  // taken, saying why it could not be checked: the hub checks it against the dispatch
            show(true,
                 check->signature == storage::ManifestSignature::Unsigned
                     ? "clinic.manifest_read_unsigned"
                     : "clinic.manifest_read_key_unknown",
                 {{"packs", std::to_string(manifest_->packs())}, {"collection_point", manifest_->kiosk_id}});
        return;
    }
    if (const auto found = names_tickets_.find(reply.ticket); found != names_tickets_.end()) {
        if (const auto* names = answer_if<ProductNames>(reply))
            for (auto& line : arrival_lines_)
                if (line.extra && line.line.product == found->second) line.names = *names;
        names_tickets_.erase(found);
        return;
    }
    if (reply.ticket != action_ticket_) return;
    action_ticket_ = 0;
    if (!reply.result) {
        show(false, "clinic.not_saved", {}, reply.result.error().message);
        return;
    }
    if (const auto* arrival = answer_if<storage::ArrivalRecord>(reply)) {
        int received = 0, missing = 0, damaged = 0, extra = 0;
        for (const auto& line : arrival->lines) {
            (line.extra ? extra : received) += line.received;
            missing += line.missing();
            damaged += line.damaged;
        }
        already_ = *arrival;
        show(true, "clinic.arrival_saved",
             {{"received", std::to_string(received)},
              {"missing", std::to_string(missing)},
              {"damaged", std::to_string(damaged)},
              {"extra", std::to_string(extra)}});
    } else if (const auto* out = answer_if<storage::StockOut>(reply)) {
        show(true, "clinic.given_out_saved",
             {{"packs", std::to_string(out->quantity)}, {"line", std::to_string(out->line)}});
        refresh(action_today_);
    } else if (const auto* outs = answer_if<std::vector<storage::StockOut>>(reply)) {
        int packs = 0;
        for (const auto& o : *outs) packs += o.quantity;
        show(true, "clinic.disposed_saved", {{"packs", std::to_string(packs)}});
        refresh(action_today_);
    }
}

void ClinicFlow::tick(Clock::time_point now) {
    if (screen_ == ClinicScreen::Welcome) return;
    if (last_activity_ != Clock::time_point{} && now - last_activity_ > settings_.idle_timeout && !busy())
        sign_out();
}

}  // namespace medkiosk::kiosk
