#pragma once
// The technician's screen as a plain class, driven by tests without a window: the kiosk's settings
// (checked field by field — a bad value is refused with the reason — then written to kiosk.toml
// atomically by the back office), live diagnostics, the hub test, the catalogue import, the users and
// the county's rules and drives. Everything that touches the disk, the database or the network goes
// through the asynchronous TechnicianPort; this class only keeps drafts and the answers.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "medkiosk/kiosk/back_office_ports.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/sound_cues.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

struct TechnicianSettings {
    std::string camera = "auto";  // a frame source spec: auto, demo, camera:0, camera:/dev/video2 …
    int width = 0;                // 0 × 0 = the camera's own resolution
    int height = 0;
    int idle_timeout_seconds = 90;
    Language language = Language::Chinese;
    std::string kiosk_id = "kiosk-local";
    std::string location;
    std::string hub_url;
    std::string catalogue_file;
    bool sound_enabled = true;  // the donor's verdict chimes
    int sound_volume = 70;      // 0 to 100
    // "collection-point" takes donations; "clinic" receives dispatches for `clinic_id`, chosen from the
    // clinic list (the Clinics tab). Only a restart applies either.
    std::string mode = "collection-point";
    std::string clinic_id;

    bool operator==(const TechnicianSettings&) const = default;
};

TechnicianSettings technician_settings(const KioskConfig& config);
// The settings as kiosk.toml keys and values (as typed, strings unquoted).
std::vector<std::pair<std::string, std::string>> config_values(const TechnicianSettings& settings);

// Field name → translation key of the reason it is refused ("tech.error.<field>"). Empty when every
// field is fine. The same checks as kiosk.toml's (config_value_problem).
std::map<std::string, std::string> validate(const TechnicianSettings& settings);

// Camera choices offered besides typing: auto, demo and the devices found (see list_camera_sources).
std::vector<std::string> list_camera_sources(const std::filesystem::path& dev_dir = "/dev");

// fps, decode time and codes per minute, from successive PipelineStats snapshots.
class DiagnosticsMeter {
  public:
    void sample(const scanner::PipelineStats& stats, std::chrono::steady_clock::time_point now);
    double fps() const { return fps_; }
    double decode_ms() const { return decode_ms_; }
    double codes_per_minute() const;
    std::uint64_t frames() const { return frames_; }

  private:
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> events_;  // last minute
    double fps_ = 0;
    double decode_ms_ = 0;
    std::uint64_t frames_ = 0;
};

struct TaskState {
    bool running = false;
    std::optional<Result<Done>> result;  // the last outcome: what was done, or why not
};

enum class TechnicianTab { Settings, Camera, Users, Rules, Clinics };

// The Clinics tab's form for a clinic the technician adds (the hub does not know it, or not yet).
struct ClinicDraft {
    std::string clinic_id;
    std::string name_zh;
    std::string name_en;
    std::string township_zh;
    std::string township_en;
    std::string kind = "village-clinic";  // or "township-health-centre"
};

// Field → translation key of why the draft is refused ("tech.clinics.error.<why>"); empty when it may be
// sent. `known` is the list as last read: an id already in it is refused before asking the ledger.
std::map<std::string, std::string> validate(const ClinicDraft& draft,
                                            const std::vector<storage::ClinicChoice>& known);

// The user forms of the Users tab.
struct UserDraft {
    std::string login;
    Role role = Role::Staff;
    std::string pin;
    std::string pin_again;
};

// The rules tab's editable text, as the technician types it.
struct RulesDraft {
    std::string minimum_shelf_life_days = "90";
    std::string shelf_life_by_category;  // "antiviral=180, vaccine=30"
    std::string excluded_categories;     // "controlled, cold-chain"
    bool accept_unknown_for_review = true;
};

struct DriveDraft {
    std::int64_t id = 0;  // 0: a new drive
    std::string name;
    std::string starts_on;  // YYYY-MM-DD
    std::string ends_on;
    std::string accepted_categories;  // "fever, cough"; empty: every category
    std::string rules_json = "{}";    // kept as it was
};

RulesDraft rules_draft(const PolicyRules& rules);
DriveDraft drive_draft(const storage::Drive& drive);
// Parses the draft; on a mistake nullopt and `errors` gets field → translation key.
std::optional<PolicyRules> parse_rules_draft(const RulesDraft& draft,
                                             std::map<std::string, std::string>& errors);
std::optional<storage::Drive> parse_drive_draft(const DriveDraft& draft,
                                                std::map<std::string, std::string>& errors);

class TechnicianFlow {
  public:
    // `config_file` is where settings are saved (the kiosk.toml the kiosk read); `current` is what runs.
    TechnicianFlow(TechnicianPort& office, TechnicianSettings current,
                   std::filesystem::path config_file = {});

    TechnicianTab tab() const { return tab_; }
    void show(TechnicianTab tab);  // also (re)loads what the tab shows
    void opened();                 // the technician signed in: the saved settings, fresh data for the tab

    // --- Settings
    const TechnicianSettings& saved() const { return saved_; }
    TechnicianSettings& draft() { return draft_; }
    const std::map<std::string, std::string>& errors() const { return errors_; }
    const std::filesystem::path& config_file() const { return config_file_; }
    bool dirty() const { return draft_ != saved_; }
    // Checks the draft; a bad field is refused (errors()) and nothing is written. Otherwise the back
    // office writes kiosk.toml; true when the write was asked for.
    bool save();
    void revert();
    const TaskState& saving() const { return save_; }
    // Saved settings that differ from the running ones in what only a restart applies.
    bool restart_needed() const;
    // The settings just written, once, so the app applies what can change live.
    std::optional<TechnicianSettings> take_saved() { return std::exchange(just_saved_, std::nullopt); }

    // "Try it": the next verdict chime at the draft's volume, before it is saved (each tap the next of
    // the three cues). The app takes it once and plays it.
    void preview_sound();
    std::optional<std::pair<SoundCue, int>> take_sound_preview() {
        return std::exchange(sound_preview_, std::nullopt);
    }

    const std::vector<std::string>& camera_sources() const { return camera_sources_; }
    void refresh_cameras();

    // The hub test's result always belongs to the address in the field: an edit of the address, or a
    // revert that changes it, forgets the last result (and ignores a test still running for the old one).
    void set_hub_url(std::string hub_url);
    void test_hub();
    void import_catalogue();
    const TaskState& hub_test() const;
    bool hub_test_running() const { return hub_ticket_ != 0; }
    const std::optional<HubTestReport>& hub_report() const;
    const TaskState& catalogue_import() const { return import_; }
    TaskProgress import_progress() const { return office_.import_progress(); }  // cheap: every frame

    // --- Users
    void refresh_users();
    const std::optional<UserList>& users() const { return users_; }
    UserDraft& new_user() { return new_user_; }
    UserDraft& pin_reset() { return pin_reset_; }                  // login = the user whose PIN is reset
    const std::string& user_error() const { return user_error_; }  // translation key or ""
    void add_user();
    void reset_pin();
    void disable_user(const std::string& login);
    void unlock_user(const std::string& login);
    const TaskState& user_action() const { return user_action_; }

    // --- Rules and drives
    void refresh_rules();
    const std::optional<RulesView>& rules() const { return rules_; }
    RulesDraft& rules_draft() { return rules_draft_; }
    DriveDraft& drive_draft() { return drive_draft_; }
    void edit_drive(const storage::Drive& drive);
    void new_drive();
    const std::map<std::string, std::string>& rules_errors() const { return rules_errors_; }
    void save_rules();
    void save_drive();
    const TaskState& rules_action() const { return rules_action_; }
    // True once after a rules, drive or catalogue change was stored: the donation flow's policy
    // snapshot must reload.
    bool take_policy_changed() { return std::exchange(policy_changed_, false); }

    // --- Clinics (also read for the Settings tab's clinic-mode choice)
    void refresh_clinics();
    const std::optional<ClinicBook>& clinics() const { return clinics_; }
    // The clinics this kiosk may belong to in clinic mode (not retired), or the one chosen even when
    // retired since, so the setting still shows what it is.
    std::vector<storage::ClinicChoice> clinic_choices() const;
    ClinicDraft& clinic_draft() { return clinic_draft_; }
    const std::map<std::string, std::string>& clinic_errors() const { return clinic_errors_; }
    void add_clinic();
    // Renaming one local clinic at a time: its names in a draft until saved or cancelled.
    void edit_clinic(const std::string& clinic_id);
    const std::string& clinic_editing() const { return clinic_editing_; }
    std::pair<std::string, std::string>& clinic_names() { return clinic_names_; }  // zh, en
    void save_clinic_names();
    void cancel_clinic_edit();
    void retire_clinic(const std::string& clinic_id);
    void restore_clinic(const std::string& clinic_id);
    const TaskState& clinic_action() const { return clinic_action_; }

    void on_reply(const BackOfficeReply& reply);

  private:
    TechnicianPort& office_;
    TechnicianTab tab_ = TechnicianTab::Settings;
    const TechnicianSettings running_;
    TechnicianSettings saved_;
    TechnicianSettings draft_;
    TechnicianSettings pending_;
    std::optional<TechnicianSettings> just_saved_;
    std::filesystem::path config_file_;
    std::map<std::string, std::string> errors_;
    std::vector<std::string> camera_sources_;
    std::optional<std::pair<SoundCue, int>> sound_preview_;
    int sound_previews_ = 0;
    TaskState save_;
    TaskState hub_test_;
    std::optional<HubTestReport> hub_report_;
    std::string hub_tested_url_;  // the address the result (or the running test) is about
    void forget_hub_test();
    bool hub_result_current() const { return hub_tested_url_ == draft_.hub_url; }
    TaskState import_;
    std::optional<UserList> users_;
    UserDraft new_user_;
    UserDraft pin_reset_;
    std::string user_error_;
    TaskState user_action_;
    std::optional<RulesView> rules_;
    RulesDraft rules_draft_;
    DriveDraft drive_draft_;
    std::map<std::string, std::string> rules_errors_;
    TaskState rules_action_;
    bool policy_changed_ = false;
    bool drive_action_ = false;  // the rules action running is a drive's save
    std::uint64_t save_ticket_ = 0;
    std::uint64_t hub_ticket_ = 0;
    std::uint64_t import_ticket_ = 0;
    std::uint64_t users_ticket_ = 0;
    std::uint64_t user_action_ticket_ = 0;
    std::uint64_t rules_ticket_ = 0;
    std::uint64_t rules_action_ticket_ = 0;
    std::optional<ClinicBook> clinics_;
    ClinicDraft clinic_draft_;
    std::map<std::string, std::string> clinic_errors_;
    std::string clinic_editing_;
    std::pair<std::string, std::string> clinic_names_;
    TaskState clinic_action_;
    std::uint64_t clinics_ticket_ = 0;
    std::uint64_t clinic_action_ticket_ = 0;
    void start_clinic_action(std::uint64_t ticket);
};

}  // namespace medkiosk::kiosk
