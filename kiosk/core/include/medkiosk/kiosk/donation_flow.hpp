#pragma once
// The donor's path through the kiosk as a plain state machine: tests drive it without a window,
// the UI reads it every frame and calls its methods on taps.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "medkiosk/kiosk/ledger_worker.hpp"
#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

using Clock = std::chrono::steady_clock;

enum class Screen { Welcome, Scan, Receipt };

struct CurrentPack {
    enum class State { Shown, Saving, Saved, SaveFailed };
    State state = State::Shown;
    std::uint64_t id = 0;  // counts packs shown since start; tells one showing from the next
    scanner::DecodedSymbol symbol;
    std::optional<scanner::PackCode> pack;  // empty when the code could not be parsed
    std::string parse_error;
    Assessment assessment;
    std::uint64_t ticket = 0;
    std::string saved_uuid;
    std::string save_error;
};

struct FlowSettings {
    std::chrono::seconds idle_timeout{90};
    std::chrono::seconds countdown{20};       // the last seconds of idle time are shown to the donor
    std::chrono::seconds receipt_shown{60};
    std::string kiosk_id = "kiosk-local";
    PolicyRules rules;
};

class DonationFlow {
public:
    DonationFlow(LedgerPort& ledger, FlowSettings settings = {});

    Screen screen() const { return screen_; }
    Language language() const { return language_; }
    const std::optional<CurrentPack>& current() const { return current_; }
    const std::optional<storage::DonationSession>& session() const { return session_; }
    const std::string& session_error() const { return session_error_; }
    int recorded_count() const { return recorded_count_; }
    const FlowSettings& settings() const { return settings_; }
    bool can_confirm() const;

    void set_language(Language language, Clock::time_point now);
    void start(Clock::time_point now);
    void on_scan(const scanner::ScanEvent& event, const scanner::Date& today, Clock::time_point now);
    void confirm(Clock::time_point now);   // donor puts the pack in the bin: record it
    void dismiss(Clock::time_point now);   // scan another without recording
    void finish(Clock::time_point now);    // donor is done: receipt, or welcome when nothing recorded
    void on_reply(const LedgerReply& reply);
    void touch(Clock::time_point now);     // any tap counts as activity
    void tick(Clock::time_point now);      // idle timeout and receipt expiry

    // Seconds left before the idle timeout returns to welcome, when inside the visible countdown.
    std::optional<int> countdown_seconds(Clock::time_point now) const;

private:
    void reset();

    LedgerPort& ledger_;
    FlowSettings settings_;
    Screen screen_ = Screen::Welcome;
    Language language_ = Language::Chinese;
    std::optional<storage::DonationSession> session_;
    std::uint64_t session_ticket_ = 0;
    std::string session_error_;
    std::optional<CurrentPack> current_;
    int recorded_count_ = 0;
    std::uint64_t packs_shown_ = 0;
    bool finish_requested_ = false;
    Clock::time_point last_activity_{};
    Clock::time_point receipt_since_{};
};

}  // namespace medkiosk::kiosk
