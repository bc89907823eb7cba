#include "medkiosk/kiosk/donation_flow.hpp"

namespace medkiosk::kiosk {

DonationFlow::DonationFlow(LedgerPort& ledger, FlowSettings settings)
    : ledger_(ledger), settings_(std::move(settings)) {}

bool DonationFlow::can_confirm() const {
    return screen_ == Screen::Scan && session_ && current_ && current_->pack &&
           current_->state == CurrentPack::State::Shown && current_->assessment.decision != Decision::Refuse;
}

void DonationFlow::set_language(Language language, Clock::time_point now) {
    language_ = language;
    touch(now);
}

void DonationFlow::start(Clock::time_point now) {
    if (screen_ != Screen::Welcome) return;
    screen_ = Screen::Scan;
    session_error_.clear();
    session_ticket_ = ledger_.begin_session();
    touch(now);
}

void DonationFlow::on_scan(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now) {
    if (screen_ != Screen::Scan) return;
    // A pack being saved stays on screen until the ledger answers; the next scan waits its turn.
    if (current_ && current_->state == CurrentPack::State::Saving) return;
    CurrentPack pack;
    pack.id = ++packs_shown_;
    pack.symbol = event.symbol;
    if (event.parsed.ok()) {
        pack.pack = event.parsed.code();
        pack.assessment = assess(*pack.pack, today, settings_.rules);
    } else {
        pack.parse_error = event.parsed.error().message;
        pack.assessment = {Decision::Refuse, "unreadable", "result.unreadable"};
    }
    current_ = std::move(pack);
    touch(now);
}

void DonationFlow::confirm(Clock::time_point now) {
    if (!can_confirm()) return;
    const scanner::PackCode& pack = *current_->pack;
    storage::DropOffInput input;
    input.session_id = session_->id;
    input.scheme = std::string(scanner::to_string(pack.scheme));
    input.gtin = pack.gtin;
    input.product_id = pack.product_id;
    input.batch = pack.batch;
    if (pack.expiry) {
        input.expiry = scanner::to_iso(*pack.expiry);
        input.expiry_precision = pack.expiry_precision == scanner::ExpiryPrecision::Day ? "day" : "month";
    }
    input.serial = pack.serial;
    input.decision = std::string(to_string(current_->assessment.decision));
    input.reason = current_->assessment.reason;
    current_->ticket = ledger_.record(std::move(input));
    current_->state = CurrentPack::State::Saving;
    touch(now);
}

void DonationFlow::dismiss(Clock::time_point now) {
    if (current_ && current_->state == CurrentPack::State::Saving) return;
    current_.reset();
    touch(now);
}

void DonationFlow::finish(Clock::time_point now) {
    touch(now);
    if (screen_ == Screen::Receipt) {
        reset();
        return;
    }
    if (current_ && current_->state == CurrentPack::State::Saving) {
        finish_requested_ = true;  // leave once the ledger has answered
        return;
    }
    if (recorded_count_ == 0) {
        reset();
        return;
    }
    screen_ = Screen::Receipt;
    receipt_since_ = now;
    current_.reset();
}

void DonationFlow::on_reply(const LedgerReply& reply) {
    if (reply.ticket == session_ticket_) {
        if (const auto* session = std::get_if<storage::DonationSession>(&reply.result)) {
            session_ = *session;
        } else if (const auto* error = std::get_if<storage::Error>(&reply.result)) {
            session_error_ = error->message;
        }
        return;
    }
    if (!current_ || current_->ticket != reply.ticket) return;
    if (const auto* record = std::get_if<storage::DropOffRecord>(&reply.result)) {
        current_->state = CurrentPack::State::Saved;
        current_->saved_uuid = record->uuid;
        ++recorded_count_;
    } else if (const auto* error = std::get_if<storage::Error>(&reply.result)) {
        current_->state = CurrentPack::State::SaveFailed;
        current_->save_error = error->message;
    }
    if (finish_requested_) {
        finish_requested_ = false;
        finish(last_activity_);
    }
}

void DonationFlow::touch(Clock::time_point now) { last_activity_ = now; }

void DonationFlow::tick(Clock::time_point now) {
    if (screen_ == Screen::Receipt) {
        if (now - receipt_since_ >= settings_.receipt_shown) reset();
        return;
    }
    if (screen_ == Screen::Scan && now - last_activity_ >= settings_.idle_timeout) {
        // Recorded packs stay recorded; what was only on screen is dropped with the donation.
        if (current_ && current_->state == CurrentPack::State::Saving) return;
        if (recorded_count_ > 0) {
            screen_ = Screen::Receipt;
            receipt_since_ = now;
            current_.reset();
        } else {
            reset();
        }
    }
}

std::optional<int> DonationFlow::countdown_seconds(Clock::time_point now) const {
    if (screen_ != Screen::Scan) return std::nullopt;
    const auto left = settings_.idle_timeout - (now - last_activity_);
    if (left > settings_.countdown) return std::nullopt;
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
    return static_cast<int>(seconds < 0 ? 0 : seconds);
}

void DonationFlow::reset() {
    screen_ = Screen::Welcome;
    session_.reset();
    session_ticket_ = 0;
    session_error_.clear();
    current_.reset();
    recorded_count_ = 0;
    finish_requested_ = false;
}

}  // namespace medkiosk::kiosk
