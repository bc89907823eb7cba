#pragma once
// A clinic-mode kiosk as a plain state machine (issue 17): sign in with a clinic PIN, then
//   - Arrival: scan the dispatch's manifest QR; each line starts as it was listed; scanning packs
//     instead counts them one by one (a pack not on the list becomes an extra line); missing and
//     damaged packs are set per line; confirm.
//   - Give out: scan a pack (the line of that product expiring first gives one) or choose a line and a
//     quantity. Anonymous: a count and a day.
//   - Stock: packs on hand, earliest expiry first, those expiring within 30 days and those expired
//     marked; expired ones go to disposal in one touch.
// The screens draw from here and turn touches into these calls; the ledger's answers come back
// through on_reply. No window, so tests drive it directly.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/kiosk/clinic_office.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

enum class ClinicScreen { Welcome, Pin, Home, Arrival, GiveOut, Stock };
std::string_view to_string(ClinicScreen screen);  // "clinic-welcome", "clinic-pin", …

// The clinic's local day, YYYY-MM-DD: what "today" means for giving out, stock and expiry warnings.
std::string clinic_today();

struct ClinicSettings {
    std::chrono::seconds idle_timeout{180};  // an unattended screen signs out
    std::size_t min_pin_digits = 4;
    std::size_t max_pin_digits = 12;
    int warn_days = 30;
};

class ClinicFlow {
  public:
    using Clock = std::chrono::steady_clock;
    ClinicFlow(ClinicPort& office, ClinicSettings settings = {});

    ClinicScreen screen() const { return screen_; }

    // Welcome and PIN pad.
    void open_pin(Clock::time_point now);
    void press_digit(int digit, Clock::time_point now);
    void erase(Clock::time_point now);
    void submit(Clock::time_point now);
    std::size_t pin_length() const { return pin_.size(); }
    bool checking() const { return pin_ticket_ != 0; }
    const std::optional<PinCheck>& last_check() const { return last_check_; }
    bool locked(Clock::time_point now) const { return now < locked_until_; }
    int locked_seconds(Clock::time_point now) const;
    void sign_out();
    // The clinic's name in `language` (the other language's if that one is empty), as the kiosk's
    // clinic list has it; `clinic_id` until the list answered, or when it does not know the clinic.
    // Asked for when the flow starts and each time it is back at the welcome.
    std::string clinic_name(Language language, const std::string& clinic_id) const;
    const std::optional<ClinicNames>& clinic_names() const { return clinic_names_; }

    // Home and the three tasks; `today` is the clinic's local date, YYYY-MM-DD.
    void home(const std::string& today, Clock::time_point now);
    void open_arrival(Clock::time_point now);
    void open_give_out(const std::string& today, Clock::time_point now);
    void open_stock(const std::string& today, Clock::time_point now);
    const std::optional<ClinicOverview>& overview() const { return overview_; }
    bool loading() const { return overview_ticket_ != 0; }
    int expiring_soon() const;  // stock lines within the warning days
    int expired() const;        // stock lines past their expiry

    // A code the camera read (or a keyboard wedge typed): a manifest on the arrival screen, a pack on
    // the arrival (counting) and give-out screens.
    void on_scan(const scanner::ScanEvent& event, const std::string& today, Clock::time_point now);

    // Arrival.
    struct ArrivalLine {
        storage::ManifestLine line;
        ProductNames names;
        int received = 0;
        int damaged = 0;
        bool extra = false;
        int missing() const { return line.quantity > received ? line.quantity - received : 0; }
    };
    const std::optional<storage::Manifest>& manifest() const { return manifest_; }
    const std::vector<ArrivalLine>& arrival_lines() const { return arrival_lines_; }
    bool counting_packs() const { return counting_; }  // scanned packs, not the list, give the counts
    const std::optional<storage::ArrivalRecord>& already_confirmed() const { return already_; }
    void set_received(int line, int received, Clock::time_point now);
    void set_damaged(int line, int damaged, Clock::time_point now);
    void confirm_arrival(Clock::time_point now);
    void forget_manifest(Clock::time_point now);

    // Give out.
    void give_out(const std::string& arrival_uuid, int line, int quantity, const std::string& today,
                  Clock::time_point now);

    // Stock.
    void dispose_expired(const std::string& today, Clock::time_point now);

    bool busy() const { return action_ticket_ != 0; }
    // The last outcome to show: a translation key and its {values}, ok or not.
    struct Message {
        bool ok = false;
        std::string key;
        std::vector<std::pair<std::string, std::string>> values;
        std::string detail;  // the ledger's words when it refused
    };
    const std::optional<Message>& message() const { return message_; }

    void on_reply(const ClinicReply& reply, Clock::time_point now);
    void tick(Clock::time_point now);
    void touch(Clock::time_point now) { last_activity_ = now; }

  private:
    void refresh(const std::string& today);
    void show(bool ok, std::string key, std::vector<std::pair<std::string, std::string>> values = {},
              std::string detail = {});
    void count_pack(const scanner::PackCode& pack, Clock::time_point now);

    ClinicPort& office_;
    ClinicSettings settings_;
    ClinicScreen screen_ = ClinicScreen::Welcome;
    std::string pin_;
    std::uint64_t pin_ticket_ = 0;
    std::optional<PinCheck> last_check_;
    Clock::time_point locked_until_{};
    std::uint64_t overview_ticket_ = 0;
    std::optional<ClinicOverview> overview_;
    std::uint64_t manifest_ticket_ = 0;
    std::optional<storage::Manifest> manifest_;
    std::optional<storage::ArrivalRecord> already_;
    std::vector<ArrivalLine> arrival_lines_;
    bool counting_ = false;
    std::map<std::uint64_t, std::string> names_tickets_;  // product names asked for extra lines
    std::uint64_t clinic_names_ticket_ = 0;
    std::optional<ClinicNames> clinic_names_;
    std::uint64_t action_ticket_ = 0;
    std::string action_today_;
    std::optional<Message> message_;
    Clock::time_point last_activity_{};
};

}  // namespace medkiosk::kiosk
