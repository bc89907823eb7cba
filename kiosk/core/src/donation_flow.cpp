#include "medkiosk/kiosk/donation_flow.hpp"

#include <algorithm>

namespace medkiosk::kiosk {
namespace {

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

bool asks_expiry(Screen screen) {
    return screen == Screen::AskExpiry || screen == Screen::ConfirmExpiry;
}

}  // namespace

std::string_view to_string(Screen screen) {
    switch (screen) {
        case Screen::Welcome:
            return "welcome";
        case Screen::Scan:
            return "scan";
        case Screen::ConfirmExpiry:
            return "confirm-expiry";
        case Screen::AskExpiry:
            return "ask-expiry";
        case Screen::Details:
            return "details";
        case Screen::Receipt:
            return "receipt";
    }
    return "welcome";
}

std::string_view to_string(PackCondition condition) {
    return condition == PackCondition::Sealed ? "sealed" : "opened-usable";
}

std::string code_key(const scanner::DecodedSymbol& symbol) {
    return symbol.text.empty() ? std::string() : symbol.format + '\n' + symbol.text;
}

bool needs_donor_expiry(const Assessment& assessment) {
    return assessment.reason == "no-expiry" || assessment.reason == "ask-expiry";
}

DonationFlow::DonationFlow(LedgerPort& ledger, FlowSettings settings, const ProductInfoPort* products,
                           PolicySource* policy)
    : ledger_(ledger),
      settings_(std::move(settings)),
      products_(products),
      policy_(policy),
      language_(settings_.default_language) {}

Assessment DonationFlow::judge(const CurrentPack& pack) const {
    if (policy_ == nullptr) return assess(*pack.pack, today_, settings_.rules);
    const auto snapshot = policy_->policy();
    const PolicyRules rules = snapshot ? snapshot->rules(settings_.rules) : settings_.rules;
    Assessment assessment = assess(*pack.pack, today_, rules, pack.context);
    // Unchecked (the ledger failed), the pack may be recalled or given before: a pharmacist looks at
    // it instead of it going straight to the shelf.
    if (pack.unchecked && assessment.decision == Decision::Accept) assessment.decision = Decision::Review;
    return assessment;
}

bool DonationFlow::can_choose() const {
    return screen_ == Screen::Scan && session_ && current_ && current_->pack && !current_->checking &&
           current_->state == CurrentPack::State::Shown &&
           current_->assessment.decision != Decision::Refuse && !needs_donor_expiry(current_->assessment);
}

bool DonationFlow::can_confirm() const {
    if (screen_ != Screen::Details) return can_choose();
    return session_ && current_ && current_->pack && !current_->checking &&
           current_->state == CurrentPack::State::Shown &&
           current_->assessment.decision != Decision::Refuse && !needs_donor_expiry(current_->assessment);
}

void DonationFlow::set_language(Language language, Clock::time_point now) {
    language_ = language;
    touch(now);
}

void DonationFlow::toggle_larger_text(Clock::time_point now) {
    larger_text_ = !larger_text_;
    touch(now);
}

void DonationFlow::set_default_language(Language language) {
    settings_.default_language = language;
    if (screen_ == Screen::Welcome) language_ = language;
}

void DonationFlow::start(Clock::time_point now) {
    if (screen_ != Screen::Welcome) return;
    screen_ = Screen::Scan;
    session_error_.clear();
    session_ticket_ = ledger_.begin_session();
    // Each donation sees the catalogue, rules and drive as they are now (a technician may have
    // imported a catalogue since the last one); the reload runs on the ledger thread.
    if (policy_ != nullptr) policy_->refresh_policy();
    touch(now);
    // A box already held up while the donor read the welcome screen is judged now.
    take_waiting(now);
}

bool DonationFlow::in_view(const std::string& key, Clock::time_point last_seen, Clock::time_point now) const {
    if (!key.empty()) {
        if (auto it = in_view_.find(key); it != in_view_.end())
            last_seen = std::max(last_seen, it->second.last_seen);
    }
    return now - last_seen < settings_.out_of_view;
}

bool DonationFlow::bound() const {
    if (!current_) return false;
    if (screen_ != Screen::Scan) return true;  // a question or the details are being answered
    switch (current_->state) {
        case CurrentPack::State::Saving:
            return true;
        case CurrentPack::State::Saved:
        case CurrentPack::State::SaveFailed:
            return false;
        case CurrentPack::State::Shown:
            break;
    }
    return current_->checking || current_->assessment.decision != Decision::Refuse;
}

void DonationFlow::on_scan(const scanner::ScanEvent& event, const scanner::Date& today,
                           Clock::time_point now) {
    const std::string key = code_key(event.symbol);
    if (!key.empty()) {
        // Unseen for a while before this read, the box left the view and this is it (or another like
        // it) shown again.
        if (!in_view(key, {}, now)) settled_in_view_.erase(key);
        in_view_[key] = Sighting{event.symbol, now};
    }
    if (screen_ == Screen::Receipt) return;
    // The scanner reports a code once when it appears: one read while the donor is on the welcome
    // screen is kept, and judged at Start if the box is still in view.
    if (screen_ == Screen::Welcome) {
        if (!key.empty()) waiting_ = WaitingBox{event, today, now};
        return;
    }
    // The box in front of the camera is read again and again (the scanner repeats a code held in view):
    // the same code is the same box, and showing it afresh would throw away the donor's answers.
    if (current_ && !key.empty() && key == current_code_ &&
        (current_->state == CurrentPack::State::Shown || current_->state == CurrentPack::State::Saving))
        return;
    // A recorded box still in front of the camera stays recorded; once it has left the view the same
    // code is another box of the product (or, with a serial, the same pack again: the ledger's check
    // calls it a duplicate).
    if (!key.empty() && settled_in_view_.count(key) != 0) return;
    touch(now);  // a new box is the donor at work
    // One box at a time: the shown pack keeps the screen until it is recorded, refused or dismissed; a
    // just-judged refusal or "recorded" stays long enough to be read.
    if (bound() || (current_ && now - verdict_at_ < settings_.verdict_read_time)) {
        waiting_ = WaitingBox{event, today, now};
        return;
    }
    waiting_.reset();
    show(event, today, now);
}

void DonationFlow::on_view(const std::vector<scanner::DecodedSymbol>& symbols, Clock::time_point now) {
    for (const auto& symbol : symbols) {
        const std::string key = code_key(symbol);
        if (!key.empty()) in_view_[key] = Sighting{symbol, now};
    }
    for (auto it = in_view_.begin(); it != in_view_.end();) {
        if (now - it->second.last_seen >= settings_.out_of_view) {
            settled_in_view_.erase(it->first);  // the recorded box has gone: the next one is another box
            it = in_view_.erase(it);
        } else {
            ++it;
        }
    }
}

void DonationFlow::take_waiting(Clock::time_point now) {
    if (!waiting_ || screen_ != Screen::Scan || bound()) return;
    WaitingBox next = std::move(*waiting_);
    waiting_.reset();
    if (!in_view(code_key(next.event.symbol), next.last_seen, now))
        return;  // put down: read again when shown
    show(next.event, next.today, now);
}

void DonationFlow::show(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now) {
    today_ = today;
    CurrentPack pack;
    pack.id = ++packs_shown_;
    pack.symbol = event.symbol;
    if (event.parsed.ok()) {
        pack.pack = event.parsed.code();
        if (pack.pack->expiry) pack.expiry_source = ExpirySource::Code;
        if (policy_ != nullptr) {
            const auto snapshot = policy_->policy();
            if (snapshot) {
                pack.context.product = snapshot->find(*pack.pack);
                pack.context.drive = snapshot->drive;
                pack.drive_id = snapshot->drive_id;
            }
            // The active drive depends on the day; a snapshot from yesterday is reloaded once.
            if ((!snapshot || snapshot->loaded_for != today) && refresh_asked_for_ != today) {
                refresh_asked_for_ = today;
                policy_->refresh_policy();
            }
            pack.check_ticket = ledger_.check_pack(pack.pack->gtin, pack.pack->batch, pack.pack->serial);
            pack.checking = pack.check_ticket != 0;
        }
        pack.product = products_ != nullptr ? products_->find(*pack.pack) : pack.context.product;
        pack.assessment = judge(pack);
    } else {
        pack.parse_error = event.parsed.error().message;
        pack.assessment = {Decision::Refuse, "unreadable", "result.unreadable"};
    }
    current_ = std::move(pack);
    current_code_ = code_key(event.symbol);
    // The question comes with the verdict, once the ledger's checks are back (a recalled pack is
    // never asked its expiry first).
    if (!current_->checking) {
        if (needs_donor_expiry(current_->assessment)) screen_ = Screen::AskExpiry;
        verdict_final(now);
    }
    touch(now);
}

void DonationFlow::verdict_final(Clock::time_point now) {
    verdict_at_ = now;
}

void DonationFlow::on_proposed_expiry(ProposedExpiry proposal, Clock::time_point now) {
    if (!current_ || !current_->pack || !needs_donor_expiry(current_->assessment)) return;
    if (screen_ != Screen::AskExpiry && screen_ != Screen::ConfirmExpiry) return;
    if (proposal.expiry.month < 1 || proposal.expiry.month > 12) return;
    current_->proposal = std::move(proposal);
    screen_ = Screen::ConfirmExpiry;
    proposal_since_ = now;
}

void DonationFlow::answer_proposal(bool correct, Clock::time_point now) {
    if (screen_ != Screen::ConfirmExpiry || !current_ || !current_->proposal) return;
    touch(now);
    if (!correct) {
        current_->proposal.reset();
        screen_ = Screen::AskExpiry;
        return;
    }
    const ProposedExpiry proposal = *current_->proposal;
    current_->proposal.reset();
    scanner::PackCode& pack = *current_->pack;
    pack.expiry = proposal.expiry;
    pack.expiry_precision = proposal.precision;
    if (proposal.precision == scanner::ExpiryPrecision::Month) {
        pack.expiry->day = days_in_month(proposal.expiry.year, proposal.expiry.month);
    }
    if (pack.batch.empty()) pack.batch = proposal.batch;
    current_->expiry_source = ExpirySource::OcrConfirmed;
    reassess(now);
}

void DonationFlow::pick_expiry(int year, int month, Clock::time_point now) {
    if (!asks_expiry(screen_) || !current_ || !current_->pack) return;
    if (month < 1 || month > 12 || year < 2000 || year > 2100) return;
    touch(now);
    current_->proposal.reset();
    scanner::PackCode& pack = *current_->pack;
    pack.expiry = scanner::Date{year, month, days_in_month(year, month)};
    pack.expiry_precision = scanner::ExpiryPrecision::Month;
    current_->expiry_source = ExpirySource::Picker;
    reassess(now);
}

void DonationFlow::reassess(Clock::time_point now) {
    current_->assessment = judge(*current_);
    screen_ = needs_donor_expiry(current_->assessment) ? Screen::AskExpiry : Screen::Scan;
    verdict_final(now);
    touch(now);
}

void DonationFlow::choose(Clock::time_point now) {
    if (!can_choose()) return;
    screen_ = Screen::Details;
    touch(now);
}

void DonationFlow::set_condition(PackCondition condition, Clock::time_point now) {
    if (screen_ != Screen::Details || !current_) return;
    current_->condition = condition;
    touch(now);
}

void DonationFlow::change_quantity(int delta, Clock::time_point now) {
    if (screen_ != Screen::Details || !current_) return;
    current_->quantity = std::clamp(current_->quantity + delta, 1, settings_.max_quantity);
    touch(now);
}

storage::DropOffInput dropoff_input(const scanner::PackCode& pack, const Assessment& assessment) {
    storage::DropOffInput input;
    input.scheme = std::string(scanner::to_string(pack.scheme));
    input.gtin = pack.gtin;
    input.product_id = pack.product_id;
    input.batch = pack.batch;
    if (pack.expiry) {
        input.expiry = scanner::to_iso(*pack.expiry);
        input.expiry_precision = std::string(scanner::to_string(pack.expiry_precision));
    }
    input.serial = pack.serial;  // storage keeps only its keyed hash
    input.decision = std::string(to_string(assessment.decision));
    input.reason = assessment.reason;
    return input;
}

void DonationFlow::confirm(Clock::time_point now) {
    if (!can_confirm()) return;
    storage::DropOffInput input = dropoff_input(*current_->pack, current_->assessment);
    input.session_id = session_->id;
    input.quantity = current_->quantity;
    input.condition = std::string(to_string(current_->condition));
    if (current_->context.product) input.category = current_->context.product->category;
    input.drive_id = current_->drive_id;
    if (current_->expiry_source && !input.expiry.empty())
        input.expiry_source = std::string(to_string(*current_->expiry_source));
    current_->ticket = ledger_.record(std::move(input));
    current_->state = CurrentPack::State::Saving;
    screen_ = Screen::Scan;
    touch(now);
}

void DonationFlow::back(Clock::time_point now) {
    switch (screen_) {
        case Screen::Welcome:
            return;
        case Screen::Scan:
            dismiss(now);
            return;
        case Screen::ConfirmExpiry:
            answer_proposal(false, now);
            return;
        case Screen::AskExpiry:
            dismiss(now);
            return;
        case Screen::Details:
            screen_ = Screen::Scan;
            touch(now);
            return;
        case Screen::Receipt:
            finish(now);
            return;
    }
}

void DonationFlow::dismiss(Clock::time_point now) {
    if (saving()) return;
    // The dismissed box may still be in view: it is not shown again until it has left.
    if (current_ && !current_code_.empty() && in_view(current_code_, {}, now))
        settled_in_view_.insert(current_code_);
    current_.reset();
    current_code_.clear();
    if (screen_ != Screen::Welcome && screen_ != Screen::Receipt) screen_ = Screen::Scan;
    touch(now);
    take_waiting(now);
}

void DonationFlow::finish(Clock::time_point now) {
    touch(now);
    if (screen_ == Screen::Receipt) {
        reset();
        return;
    }
    if (screen_ == Screen::Welcome) return;
    if (saving()) {
        finish_requested_ = true;  // leave once the ledger has answered
        return;
    }
    if (recorded_count_ == 0) {
        reset();
        return;
    }
    screen_ = Screen::Receipt;
    current_.reset();
    current_code_.clear();
    waiting_.reset();
}

void DonationFlow::on_reply(const LedgerReply& reply) {
    if (reply.ticket == session_ticket_) {
        if (const auto* session = answer_if<storage::DonationSession>(reply)) {
            session_ = *session;
        } else if (!reply.result) {
            session_error_ = reply.result.error().message;
        }
        return;
    }
    if (current_ && current_->checking && current_->check_ticket == reply.ticket) {
        on_checks(reply);
        return;
    }
    if (!current_ || current_->ticket != reply.ticket) return;
    if (const auto* record = answer_if<storage::DropOffRecord>(reply)) {
        current_->state = CurrentPack::State::Saved;
        current_->saved_uuid = record->uuid;
        ++recorded_count_;
        recorded_boxes_ += current_->quantity;
        if (!current_code_.empty()) settled_in_view_.insert(current_code_);
    } else if (!reply.result) {
        current_->state = CurrentPack::State::SaveFailed;
        current_->save_error = reply.result.error().message;
    }
    verdict_final(last_activity_);
    if (finish_requested_) {
        finish_requested_ = false;
        finish(last_activity_);
    }
}

void DonationFlow::on_checks(const LedgerReply& reply) {
    current_->checking = false;
    // The ledger thread loads the catalogue before it answers a check queued after the load: a pack
    // shown before the first snapshot is named and classified now, before its verdict is shown.
    if (policy_ != nullptr && !current_->context.product && current_->pack) {
        if (const auto snapshot = policy_->policy()) {
            current_->context.product = snapshot->find(*current_->pack);
            current_->context.drive = snapshot->drive;
            current_->drive_id = snapshot->drive_id;
            if (!current_->product && products_ != nullptr)
                current_->product = products_->find(*current_->pack);
        }
    }
    if (const auto* checks = answer_if<PackChecks>(reply)) {
        current_->context.batch_recalled = checks->batch_recalled;
        current_->context.serial_already_recorded = checks->serial_already_recorded;
    } else {
        current_->unchecked = true;
    }
    current_->assessment = judge(*current_);
    // The answer may come while the donor is being asked the expiry: a refusal ends the question,
    // otherwise the question stays.
    if (needs_donor_expiry(current_->assessment)) {
        if (screen_ == Screen::Scan) screen_ = Screen::AskExpiry;
    } else if (asks_expiry(screen_)) {
        current_->proposal.reset();
        screen_ = Screen::Scan;
    }
    verdict_final(last_activity_);
}

void DonationFlow::touch(Clock::time_point now) {
    last_activity_ = now;
}

void DonationFlow::tick(Clock::time_point now) {
    const auto idle = now - last_activity_;
    if (screen_ == Screen::Welcome) {
        // A donor who chose English (or larger text) and walked away: the next one finds the kiosk's
        // language and text size.
        if (idle >= settings_.idle_timeout) {
            language_ = settings_.default_language;
            larger_text_ = false;
        }
        return;
    }
    if (screen_ == Screen::Receipt) {
        if (idle >= settings_.receipt_shown) reset();
        return;
    }
    if (screen_ == Screen::ConfirmExpiry && now - proposal_since_ >= settings_.proposal_timeout &&
        idle < settings_.idle_timeout) {
        current_->proposal.reset();
        screen_ = Screen::AskExpiry;
    }
    if (idle >= settings_.idle_timeout) {
        // Recorded packs stay recorded; what was only on screen is dropped with the donation.
        if (saving()) return;
        current_.reset();
        current_code_.clear();
        waiting_.reset();
        if (recorded_count_ > 0) {
            screen_ = Screen::Receipt;
            touch(now);
        } else {
            reset();
        }
        return;
    }
    // The box that waited its turn, once the last verdict has been read.
    if (waiting_ && now - verdict_at_ >= settings_.verdict_read_time) take_waiting(now);
}

std::optional<int> DonationFlow::countdown_seconds(Clock::time_point now) const {
    if (screen_ == Screen::Welcome) return std::nullopt;
    const auto limit = screen_ == Screen::Receipt ? settings_.receipt_shown : settings_.idle_timeout;
    const auto left = limit - (now - last_activity_);
    if (left > settings_.countdown) return std::nullopt;
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
    return static_cast<int>(seconds < 0 ? 0 : seconds);
}

void DonationFlow::reset() {
    screen_ = Screen::Welcome;
    language_ = settings_.default_language;  // the next donor starts in the kiosk's language
    larger_text_ = false;                    // and at the normal text size
    current_code_.clear();
    waiting_.reset();
    settled_in_view_.clear();
    recorded_boxes_ = 0;
    session_.reset();
    session_ticket_ = 0;
    session_error_.clear();
    current_.reset();
    recorded_count_ = 0;
    finish_requested_ = false;
}

}  // namespace medkiosk::kiosk
