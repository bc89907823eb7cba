#pragma once
// The donor's path through the kiosk as a plain state machine: tests drive it without a window,
// the UI reads it every frame and calls its methods on taps.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "medkiosk/kiosk/expiry_source.hpp"
#include "medkiosk/kiosk/ledger_worker.hpp"
#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/kiosk/policy_snapshot.hpp"
#include "medkiosk/kiosk/product_info.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

using Clock = std::chrono::steady_clock;

// Welcome → Scan (result per pack) → [ConfirmExpiry | AskExpiry when the code has no date] →
// Scan (re-assessed) → Details (sealed/opened, quantity) → Scan (recorded) … → Receipt → Welcome.
enum class Screen { Welcome, Scan, ConfirmExpiry, AskExpiry, Details, Receipt };
std::string_view to_string(Screen screen);

enum class PackCondition { Sealed, OpenedUsable };
std::string_view to_string(PackCondition condition);  // "sealed", "opened-usable" (storage's words)

// True when the policy wants the donor to say the expiry: before the policy's AskExpiry decision
// exists it answers Review/"no-expiry", after it "ask-expiry"; both mean the same to the donor.
bool needs_donor_expiry(const Assessment& assessment);

// A date read from the box by OCR, waiting for the donor's yes or no.
struct ProposedExpiry {
    scanner::Date expiry;
    scanner::ExpiryPrecision precision = scanner::ExpiryPrecision::Month;
    std::string batch;
};

struct CurrentPack {
    enum class State { Shown, Saving, Saved, SaveFailed };
    State state = State::Shown;
    std::uint64_t id = 0;  // counts packs shown since start; tells one showing from the next
    scanner::DecodedSymbol symbol;
    std::optional<scanner::PackCode> pack;  // empty when the code could not be parsed
    std::optional<ProductInfo> product;
    std::string parse_error;
    Assessment assessment;
    PolicyContext context;      // what the policy knew when it judged the pack
    std::int64_t drive_id = 0;  // the drive running when the pack was shown, 0 for none
    // The ledger's recall and duplicate checks are on their way; the pack cannot be chosen before.
    bool checking = false;
    std::uint64_t check_ticket = 0;
    bool unchecked = false;                     // the checks failed
    std::optional<ExpirySource> expiry_source;  // empty while nobody has given an expiry
    std::optional<ProposedExpiry> proposal;     // the OCR reading being asked about
    PackCondition condition = PackCondition::Sealed;
    int quantity = 1;
    std::uint64_t ticket = 0;
    std::string saved_uuid;
    std::string save_error;
};

struct FlowSettings {
    std::chrono::seconds idle_timeout{90};
    std::chrono::seconds countdown{20};  // the last seconds of idle time are shown to the donor
    std::chrono::seconds receipt_shown{60};
    std::chrono::seconds proposal_timeout{20};  // an unanswered OCR question falls back to the picker
    int max_quantity = 20;
    int picker_years_ahead = 6;  // the month/year picker offers this year .. +N
    std::string kiosk_id = "kiosk-local";
    PolicyRules rules;
};

// The ledger's record of a judged pack; the caller adds session, quantity, condition, category and drive.
storage::DropOffInput dropoff_input(const scanner::PackCode& pack, const Assessment& assessment);

class DonationFlow {
  public:
    // Without a policy source packs are judged on expiry alone (the first kiosk version); with one, by
    // the full policy: the snapshot's catalogue, rules and drive plus the ledger's per-pack checks.
    DonationFlow(LedgerPort& ledger, FlowSettings settings = {}, const ProductInfoPort* products = nullptr,
                 PolicySource* policy = nullptr);

    Screen screen() const { return screen_; }
    Language language() const { return language_; }
    const std::optional<CurrentPack>& current() const { return current_; }
    const std::optional<storage::DonationSession>& session() const { return session_; }
    const std::string& session_error() const { return session_error_; }
    int recorded_count() const { return recorded_count_; }
    const FlowSettings& settings() const { return settings_; }
    const scanner::Date& today() const { return today_; }
    bool can_confirm() const;
    bool can_choose() const;  // the shown pack may go on to the details step

    void set_language(Language language, Clock::time_point now);
    // A technician's new idle timeout, from the next touch on.
    void set_idle_timeout(std::chrono::seconds timeout) { settings_.idle_timeout = timeout; }
    void start(Clock::time_point now);
    void on_scan(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now);

    // OCR found a date on the box for the pack that lacks one. Any type with expiry, precision and
    // batch members (the ExpiryReader's ExpiryProposal) is accepted.
    template <class Proposal>
    void on_expiry_proposal(const Proposal& proposal, Clock::time_point now) {
        on_proposed_expiry(ProposedExpiry{proposal.expiry, proposal.precision, proposal.batch}, now);
    }
    void on_proposed_expiry(ProposedExpiry proposal, Clock::time_point now);
    void answer_proposal(bool correct, Clock::time_point now);  // the donor's yes / no
    // The donor picked a month: the pack expires on its last day; the policy judges it again.
    void pick_expiry(int year, int month, Clock::time_point now);

    void choose(Clock::time_point now);  // Scan → Details for a donatable pack
    void set_condition(PackCondition condition, Clock::time_point now);
    void change_quantity(int delta, Clock::time_point now);
    void confirm(Clock::time_point now);  // donor puts the pack in the bin: record it (Scan or Details)
    void back(Clock::time_point now);     // one step back; on Scan it drops the shown pack
    void dismiss(Clock::time_point now);  // scan another without recording
    void finish(Clock::time_point now);   // donor is done: receipt, or welcome when nothing recorded
    void on_reply(const LedgerReply& reply);
    void touch(Clock::time_point now);  // any tap counts as activity
    void tick(Clock::time_point now);   // idle timeout, proposal timeout and receipt expiry

    // Seconds left before the idle timeout returns to welcome, when inside the visible countdown.
    std::optional<int> countdown_seconds(Clock::time_point now) const;

  private:
    void reset();
    void reassess(Clock::time_point now);
    Assessment judge(const CurrentPack& pack) const;
    void on_checks(const LedgerReply& reply);
    bool saving() const { return current_ && current_->state == CurrentPack::State::Saving; }

    LedgerPort& ledger_;
    FlowSettings settings_;
    const ProductInfoPort* products_;
    PolicySource* policy_;
    scanner::Date refresh_asked_for_{};
    Screen screen_ = Screen::Welcome;
    Language language_ = Language::Chinese;
    std::optional<storage::DonationSession> session_;
    std::uint64_t session_ticket_ = 0;
    std::string session_error_;
    std::optional<CurrentPack> current_;
    int recorded_count_ = 0;
    std::uint64_t packs_shown_ = 0;
    bool finish_requested_ = false;
    scanner::Date today_{};
    Clock::time_point last_activity_{};
    Clock::time_point receipt_since_{};
    Clock::time_point proposal_since_{};
};

}  // namespace medkiosk::kiosk
