#pragma once
// The donor's path through the kiosk as a plain state machine: tests drive it without a window,
// the UI reads it every frame and calls its methods on taps.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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
//
// One box at a time: the flow binds to the pack it shows until that pack is recorded, refused, or the
// donor taps "Scan another". Another code read meanwhile waits (waiting_box(): the screens say "one box
// at a time") and is shown next if it is still in front of the camera; the shown pack, its answers and
// the screen's layout stay as they are. The camera's view (on_view) tells which codes are in front of
// it: a code still in view when the donor taps Start is judged, and a recorded box still in view stays
// recorded instead of being asked about again.
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
    // The printed line the date was read from, a grey picture (row-major, one byte a pixel) for the
    // donor to check against the box; kept in memory only, never written anywhere. Empty when none.
    int picture_width = 0;
    int picture_height = 0;
    std::vector<std::uint8_t> picture;
    // Worked out from the production date and shelf life printed (生产日期 + 有效期 24个月), not read as a
    // printed expiry. Right only when the box prints none: the donor is asked to look for one.
    bool derived = false;
};

// Any type with expiry, precision and batch members (the ExpiryReader's ExpiryProposal), with its
// basis and picture when it has them. The one conversion, so the kiosk and its tests cannot differ
// in what reaches the donor.
template <class Proposal>
ProposedExpiry proposed_expiry_from(Proposal&& proposal) {
    ProposedExpiry proposed{proposal.expiry, proposal.precision, proposal.batch, 0, 0, {}};
    if constexpr (requires { proposal.basis; }) {
        proposed.derived =
            proposal.basis == std::remove_cvref_t<decltype(proposal.basis)>::ProductionPlusShelfLife;
    }
    if constexpr (requires { proposal.picture.pixels; }) {
        proposed.picture_width = proposal.picture.width;
        proposed.picture_height = proposal.picture.height;
        proposed.picture = std::forward<Proposal>(proposal).picture.pixels;
    }
    return proposed;
}

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

// "format\ntext": what tells one code from another (empty when the text is: no identity).
std::string code_key(const scanner::DecodedSymbol& symbol);

struct FlowSettings {
    std::chrono::seconds idle_timeout{90};  // from the donor's last touch (or new box shown)
    // The last seconds before any return to the start are a "Still there? Tap to continue" warning.
    std::chrono::seconds countdown{20};
    std::chrono::seconds receipt_shown{60};  // from the last touch on the receipt
    // A code unseen this long has left the camera's view (the scanner's confirmer forgets it after 1 s).
    std::chrono::milliseconds out_of_view{1500};
    // A refusal or "recorded" stays at least this long before a waiting box takes its place.
    std::chrono::milliseconds verdict_read_time{2500};
    Language default_language = Language::Chinese;  // each donor starts in it
    std::chrono::seconds proposal_timeout{20};      // an unanswered OCR question falls back to the picker
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
    // The donor asked for text a quarter bigger ("A+ 大字"); like the language, the next donor starts
    // without it.
    bool larger_text() const { return larger_text_; }
    const std::optional<CurrentPack>& current() const { return current_; }
    const std::optional<storage::DonationSession>& session() const { return session_; }
    // Another box was shown while the donor finishes this one: it is taken next.
    bool waiting_box() const { return waiting_.has_value(); }
    // The verdict of the shown pack is final (the ledger's checks are back): only then is it shown, so
    // it never changes in front of the donor.
    bool verdict_ready() const { return current_ && !current_->checking; }
    // The code the shown pack came from, as on_view last saw it in front of the camera.
    const std::string& current_code() const { return current_code_; }
    const std::string& session_error() const { return session_error_; }
    int recorded_count() const { return recorded_count_; }  // drop-offs recorded
    int recorded_boxes() const { return recorded_boxes_; }  // boxes in them (a drop-off may hold several)
    const FlowSettings& settings() const { return settings_; }
    const scanner::Date& today() const { return today_; }
    bool can_confirm() const;
    bool can_choose() const;  // the shown pack may go on to the details step

    void set_language(Language language, Clock::time_point now);
    void toggle_larger_text(Clock::time_point now);
    // The kiosk's language (kiosk.toml, technician): the next donor starts in it; on the welcome screen
    // it applies at once.
    void set_default_language(Language language);
    // A technician's new idle timeout, from the next touch on.
    void set_idle_timeout(std::chrono::seconds timeout) { settings_.idle_timeout = timeout; }
    void start(Clock::time_point now);
    void on_scan(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now);
    // The codes in the newest decoded frame (the scanner's latest_symbols), every UI frame.
    void on_view(const std::vector<scanner::DecodedSymbol>& symbols, Clock::time_point now);

    // OCR found a date on the box for the pack that lacks one; any type proposed_expiry_from takes.
    template <class Proposal>
    void on_expiry_proposal(Proposal&& proposal, Clock::time_point now) {
        on_proposed_expiry(proposed_expiry_from(std::forward<Proposal>(proposal)), now);
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

    // Seconds left before the kiosk returns to the start without a touch, while the "Still there?"
    // warning is up (the last FlowSettings::countdown seconds; also on the receipt).
    std::optional<int> countdown_seconds(Clock::time_point now) const;

  private:
    struct Sighting {
        scanner::DecodedSymbol symbol;
        Clock::time_point last_seen{};
    };
    struct WaitingBox {
        scanner::ScanEvent event;
        scanner::Date today;
        Clock::time_point last_seen{};
    };
    void reset();
    void show(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now);
    bool bound() const;  // the shown pack holds the screen: other codes wait
    bool in_view(const std::string& key, Clock::time_point last_seen, Clock::time_point now) const;
    void take_waiting(Clock::time_point now);
    void verdict_final(Clock::time_point now);
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
    Language language_;
    bool larger_text_ = false;
    std::optional<storage::DonationSession> session_;
    std::uint64_t session_ticket_ = 0;
    std::string session_error_;
    std::optional<CurrentPack> current_;
    int recorded_count_ = 0;
    int recorded_boxes_ = 0;
    std::uint64_t packs_shown_ = 0;
    std::string current_code_;
    std::optional<WaitingBox> waiting_;
    std::map<std::string, Sighting> in_view_;  // by code_key
    // Recorded or dismissed boxes whose code has not left the view since: not shown again while there.
    std::set<std::string> settled_in_view_;
    Clock::time_point verdict_at_{};
    bool finish_requested_ = false;
    scanner::Date today_{};
    Clock::time_point last_activity_{};
    Clock::time_point proposal_since_{};
};

}  // namespace medkiosk::kiosk
