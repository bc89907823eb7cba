#include "medkiosk/kiosk/technician_flow.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "medkiosk/iso_date.hpp"
#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/policy_lookup.hpp"
#include "medkiosk/kiosk/technician_office.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/clinic_list.hpp"

namespace medkiosk::kiosk {
namespace {

std::string resolution_text(const TechnicianSettings& settings) {
    if (settings.width == 0 && settings.height == 0) return "auto";
    return std::to_string(settings.width) + "x" + std::to_string(settings.height);
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find_first_of(",，", start), text.size());
        std::string item = trim(std::string_view(text).substr(start, end - start));
        if (!item.empty()) items.push_back(std::move(item));
        if (end >= text.size()) break;
        // "，" (full-width comma, typed with a Chinese input method) is 3 bytes; find_first_of sees its
        // first.
        start = end + (static_cast<unsigned char>(text[end]) == 0xEF ? 3 : 1);
    }
    return items;
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

std::optional<int> parse_int(const std::string& text) {
    const std::string digits = trim(text);
    int value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
    return value;
}

bool valid_category(const std::string& text) {
    return !text.empty() && text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

}  // namespace

TechnicianSettings technician_settings(const KioskConfig& config) {
    TechnicianSettings settings;
    settings.camera = config.camera_source;
    settings.width = config.camera_width;
    settings.height = config.camera_height;
    settings.idle_timeout_seconds = config.idle_timeout_seconds;
    settings.language = config.language == "en" ? Language::English : Language::Chinese;
    settings.kiosk_id = config.kiosk_id;
    settings.location = config.location;
    settings.hub_url = config.hub_url;
    settings.catalogue_file = config.catalogue_file;
    settings.sound_enabled = config.sound_enabled;
    settings.sound_volume = config.sound_volume;
    settings.mode = config.mode;
    settings.clinic_id = config.clinic_id;
    return settings;
}

std::vector<std::pair<std::string, std::string>> config_values(const TechnicianSettings& settings) {
    return {{"camera.source", settings.camera},
            {"camera.resolution", resolution_text(settings)},
            {"kiosk.idle_timeout_seconds", std::to_string(settings.idle_timeout_seconds)},
            {"kiosk.language", settings.language == Language::English ? "en" : "zh"},
            {"kiosk.id", settings.kiosk_id},
            {"kiosk.location", settings.location},
            {"hub.url", settings.hub_url},
            {"kiosk.catalogue_file", settings.catalogue_file},
            {"sound.enabled", settings.sound_enabled ? "true" : "false"},
            {"sound.volume", std::to_string(settings.sound_volume)},
            {"kiosk.mode", settings.mode},
            {"kiosk.clinic_id", settings.clinic_id}};
}

std::map<std::string, std::string> validate(const TechnicianSettings& settings) {
    static const std::map<std::string, std::string> kFieldOf = {
        {"camera.source", "camera"},
        {"camera.resolution", "resolution"},
        {"kiosk.idle_timeout_seconds", "idle_timeout"},
        {"kiosk.language", "language"},
        {"kiosk.id", "kiosk_id"},
        {"kiosk.location", "location"},
        {"hub.url", "hub_url"},
        {"kiosk.catalogue_file", "catalogue_file"},
        {"sound.enabled", "sound"},
        {"sound.volume", "volume"},
        {"kiosk.mode", "mode"},
        {"kiosk.clinic_id", "clinic_id"}};
    std::map<std::string, std::string> errors;
    for (const auto& [key, value] : config_values(settings)) {
        if (config_value_problem(key, value)) {
            const std::string& field = kFieldOf.at(key);
            // The masked form the screen shows, typed back: "must start with postgresql://" would
            // not tell the technician what is wrong.
            const bool masked = key == "hub.url" && value.find(kMaskedPassword) != std::string::npos;
            errors[field] = "tech.error." + field + (masked ? "_masked" : "");
        }
    }
    // A clinic-mode kiosk belongs to one clinic (as kiosk.toml's check says).
    if (settings.mode == "clinic" && settings.clinic_id.empty())
        errors["clinic_id"] = "tech.error.clinic_needed";
    return errors;
}

std::map<std::string, std::string> validate(const ClinicDraft& draft,
                                            const std::vector<storage::ClinicChoice>& known) {
    std::map<std::string, std::string> errors;
    const std::string id = trim(draft.clinic_id);
    if (!storage::clinic_id_is_acceptable(id))
        errors["clinic_id"] = "tech.clinics.error.id";
    else if (std::any_of(known.begin(), known.end(),
                         [&](const storage::ClinicChoice& c) { return c.clinic_id == id; }))
        errors["clinic_id"] = "tech.clinics.error.duplicate";
    if (trim(draft.name_zh).empty() && trim(draft.name_en).empty())
        errors["name"] = "tech.clinics.error.name";
    if (trim(draft.township_zh).empty() && trim(draft.township_en).empty())
        errors["township"] = "tech.clinics.error.township";
    return errors;
}

std::vector<std::string> list_camera_sources(const std::filesystem::path& dev_dir) {
    std::vector<std::string> sources{"auto", "demo"};
    std::error_code ec;
    std::vector<std::string> devices;
    for (const auto& entry : std::filesystem::directory_iterator(dev_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("video", 0) == 0 || name == "medkiosk-camera")
            devices.push_back("camera:" + entry.path().string());
    }
    std::sort(devices.begin(), devices.end());
    sources.insert(sources.end(), devices.begin(), devices.end());
    return sources;
}

void DiagnosticsMeter::sample(const scanner::PipelineStats& stats,
                              std::chrono::steady_clock::time_point now) {
    fps_ = stats.capture_fps;
    decode_ms_ = stats.decode_ms;
    frames_ = stats.frames;
    if (events_.empty() || events_.back().second != stats.events) events_.emplace_back(now, stats.events);
    while (events_.size() > 1 && now - events_[1].first >= std::chrono::minutes(1)) events_.pop_front();
}

double DiagnosticsMeter::codes_per_minute() const {
    if (events_.size() < 2) return 0;
    return static_cast<double>(events_.back().second - events_.front().second);
}

RulesDraft rules_draft(const PolicyRules& rules) {
    RulesDraft draft;
    draft.minimum_shelf_life_days = std::to_string(rules.minimum_shelf_life_days);
    for (const auto& [category, days] : rules.shelf_life_by_category)
        draft.shelf_life_by_category +=
            (draft.shelf_life_by_category.empty() ? "" : ", ") + category + "=" + std::to_string(days);
    draft.excluded_categories = join({rules.excluded_categories.begin(), rules.excluded_categories.end()});
    draft.accept_unknown_for_review = rules.accept_unknown_for_review;
    return draft;
}

DriveDraft drive_draft(const storage::Drive& drive) {
    return {drive.id,        drive.name, drive.starts_on, drive.ends_on, join(drive.accepted_categories),
            drive.rules_json};
}

std::optional<PolicyRules> parse_rules_draft(const RulesDraft& draft,
                                             std::map<std::string, std::string>& errors) {
    PolicyRules rules;
    const auto days = parse_int(draft.minimum_shelf_life_days);
    if (!days || *days < 0 || *days > 3650)
        errors["minimum_shelf_life_days"] = "tech.rules.error.days";
    else
        rules.minimum_shelf_life_days = *days;
    for (const auto& item : split_list(draft.shelf_life_by_category)) {
        const auto equals = item.find('=');
        const std::string category = trim(item.substr(0, equals == std::string::npos ? item.size() : equals));
        const auto category_days =
            equals == std::string::npos ? std::nullopt : parse_int(item.substr(equals + 1));
        if (!valid_category(category) || !category_days || *category_days < 0 || *category_days > 3650) {
            errors["shelf_life_by_category"] = "tech.rules.error.by_category";
            break;
        }
        rules.shelf_life_by_category[category] = *category_days;
    }
    for (const auto& category : split_list(draft.excluded_categories)) {
        if (!valid_category(category)) {
            errors["excluded_categories"] = "tech.rules.error.categories";
            break;
        }
        rules.excluded_categories.insert(category);
    }
    rules.accept_unknown_for_review = draft.accept_unknown_for_review;
    if (errors.count("minimum_shelf_life_days") || errors.count("shelf_life_by_category") ||
        errors.count("excluded_categories"))
        return std::nullopt;
    return rules;
}

std::optional<storage::Drive> parse_drive_draft(const DriveDraft& draft,
                                                std::map<std::string, std::string>& errors) {
    storage::Drive drive;
    drive.id = draft.id;
    drive.name = trim(draft.name);
    drive.starts_on = trim(draft.starts_on);
    drive.ends_on = trim(draft.ends_on);
    drive.rules_json = draft.rules_json.empty() ? "{}" : draft.rules_json;
    bool ok = true;
    if (drive.name.empty() || drive.name.size() > 120)
        errors["drive_name"] = "tech.drive.error.name", ok = false;
    if (!is_iso_date(drive.starts_on)) errors["drive_starts_on"] = "tech.drive.error.date", ok = false;
    if (!is_iso_date(drive.ends_on)) errors["drive_ends_on"] = "tech.drive.error.date", ok = false;
    if (ok && drive.starts_on > drive.ends_on) errors["drive_ends_on"] = "tech.drive.error.order", ok = false;
    for (const auto& category : split_list(draft.accepted_categories)) {
        if (!valid_category(category)) {
            errors["drive_categories"] = "tech.rules.error.categories";
            ok = false;
            break;
        }
        drive.accepted_categories.push_back(category);
    }
    if (!ok) return std::nullopt;
    return drive;
}

TechnicianFlow::TechnicianFlow(TechnicianPort& office, TechnicianSettings current,
                               std::filesystem::path config_file)
    : office_(office),
      running_(current),
      saved_(current),
      draft_(current),
      config_file_(std::move(config_file)) {}

void TechnicianFlow::show(TechnicianTab tab) {
    tab_ = tab;
    switch (tab) {
        case TechnicianTab::Settings:
            refresh_clinics();  // the clinic-mode choice lists them
            break;
        case TechnicianTab::Camera:
            if (camera_sources_.empty()) refresh_cameras();
            break;
        case TechnicianTab::Users:
            refresh_users();
            break;
        case TechnicianTab::Rules:
            refresh_rules();
            break;
        case TechnicianTab::Clinics:
            refresh_clinics();
            break;
    }
}

void TechnicianFlow::opened() {
    revert();  // a draft the last technician left unsaved is not the next one's
    show(tab_);
}

bool TechnicianFlow::save() {
    errors_ = validate(draft_);
    // The clinic chosen from the list must still be there, not retired (the list may have changed).
    if (draft_.mode == "clinic" && !draft_.clinic_id.empty() && clinics_ &&
        std::none_of(clinics_->clinics.begin(), clinics_->clinics.end(), [&](const storage::ClinicChoice& c) {
            return c.clinic_id == draft_.clinic_id && !c.retired;
        }))
        errors_["clinic_id"] = "tech.error.clinic_unknown";
    if (!errors_.empty() || save_ticket_ != 0) return false;
    if (config_file_.empty()) {
        save_ = {false,
                 Error{ErrorCode::Unavailable, "no settings file: start the kiosk with --config FILE"}};
        return false;
    }
    pending_ = draft_;
    save_ = {true, std::nullopt};
    save_ticket_ = office_.save_settings(config_file_, config_values(draft_));
    return true;
}

void TechnicianFlow::revert() {
    if (draft_.hub_url != saved_.hub_url) forget_hub_test();
    draft_ = saved_;
    errors_.clear();
    save_.result.reset();
}

bool TechnicianFlow::restart_needed() const {
    return saved_.camera != running_.camera || saved_.width != running_.width ||
           saved_.height != running_.height || saved_.kiosk_id != running_.kiosk_id ||
           saved_.hub_url != running_.hub_url || saved_.mode != running_.mode ||
           saved_.clinic_id != running_.clinic_id;
}

void TechnicianFlow::preview_sound() {
    static constexpr SoundCue kInTurn[] = {SoundCue::Accepted, SoundCue::NeedsPharmacist,
                                           SoundCue::NotAccepted};
    sound_preview_ = std::pair{kInTurn[sound_previews_++ % 3], draft_.sound_volume};
}

void TechnicianFlow::refresh_cameras() {
    camera_sources_ = list_camera_sources();
}

void TechnicianFlow::set_hub_url(std::string hub_url) {
    if (hub_url == draft_.hub_url) return;
    draft_.hub_url = std::move(hub_url);
    forget_hub_test();
}

void TechnicianFlow::forget_hub_test() {
    if (hub_ticket_ != 0 || hub_report_ || hub_test_.result) log_event("hub-test-forgotten", {});
    hub_ticket_ = 0;  // a test still running answers about an address no longer in the field
    hub_test_ = {};
    hub_report_.reset();
    hub_tested_url_.clear();
}

const TaskState& TechnicianFlow::hub_test() const {
    static const TaskState kNone;
    return hub_result_current() ? hub_test_ : kNone;
}

const std::optional<HubTestReport>& TechnicianFlow::hub_report() const {
    static const std::optional<HubTestReport> kNone;
    return hub_result_current() ? hub_report_ : kNone;
}

void TechnicianFlow::test_hub() {
    if (hub_ticket_ != 0) return;
    hub_test_ = {true, std::nullopt};
    hub_report_.reset();
    hub_tested_url_ = draft_.hub_url;
    hub_ticket_ = office_.test_hub(draft_.hub_url);
}

void TechnicianFlow::import_catalogue() {
    if (import_.running) return;
    import_ = {true, std::nullopt};
    import_ticket_ = office_.import_catalogue(draft_.catalogue_file);
}

void TechnicianFlow::refresh_users() {
    if (users_ticket_ == 0) users_ticket_ = office_.list_users();
}

void TechnicianFlow::add_user() {
    user_error_.clear();
    if (user_action_ticket_ == 0) user_action_.result.reset();
    if (!login_is_acceptable(new_user_.login))
        user_error_ = "tech.users.error.login";
    else if (!UserService::pin_is_acceptable(new_user_.pin))
        user_error_ = "tech.users.error.pin";
    else if (new_user_.pin != new_user_.pin_again)
        user_error_ = "tech.users.error.pin_again";
    if (!user_error_.empty() || user_action_ticket_ != 0) return;
    user_action_ = {true, std::nullopt};
    user_action_ticket_ = office_.add_user(new_user_.login, new_user_.role, new_user_.pin);
    new_user_.pin.clear();
    new_user_.pin_again.clear();
}

void TechnicianFlow::reset_pin() {
    user_error_.clear();
    if (user_action_ticket_ == 0) user_action_.result.reset();
    if (pin_reset_.login.empty())
        user_error_ = "tech.users.error.choose";
    else if (!UserService::pin_is_acceptable(pin_reset_.pin))
        user_error_ = "tech.users.error.pin";
    else if (pin_reset_.pin != pin_reset_.pin_again)
        user_error_ = "tech.users.error.pin_again";
    if (!user_error_.empty() || user_action_ticket_ != 0) return;
    user_action_ = {true, std::nullopt};
    user_action_ticket_ = office_.reset_pin(pin_reset_.login, pin_reset_.pin);
    pin_reset_.pin.clear();
    pin_reset_.pin_again.clear();
}

void TechnicianFlow::disable_user(const std::string& login) {
    if (user_action_ticket_ != 0) return;
    user_error_.clear();
    user_action_ = {true, std::nullopt};
    user_action_ticket_ = office_.disable_user(login);
}

void TechnicianFlow::unlock_user(const std::string& login) {
    if (user_action_ticket_ != 0) return;
    user_error_.clear();
    user_action_ = {true, std::nullopt};
    user_action_ticket_ = office_.unlock_user(login);
}

void TechnicianFlow::refresh_rules() {
    if (rules_ticket_ == 0) rules_ticket_ = office_.read_rules();
}

void TechnicianFlow::edit_drive(const storage::Drive& drive) {
    drive_draft_ = kiosk::drive_draft(drive);
    rules_errors_.clear();
}

void TechnicianFlow::new_drive() {
    drive_draft_ = DriveDraft{};
    rules_errors_.clear();
}

void TechnicianFlow::save_rules() {
    rules_errors_.clear();
    if (rules_action_ticket_ == 0) rules_action_.result.reset();  // an older answer would read as this one's
    const auto rules = parse_rules_draft(rules_draft_, rules_errors_);
    if (!rules || rules_action_ticket_ != 0) return;
    rules_action_ = {true, std::nullopt};
    drive_action_ = false;
    rules_action_ticket_ = office_.save_rules(*rules);
}

void TechnicianFlow::save_drive() {
    rules_errors_.clear();
    if (rules_action_ticket_ == 0) rules_action_.result.reset();  // an older answer would read as this one's
    const auto drive = parse_drive_draft(drive_draft_, rules_errors_);
    if (!drive || rules_action_ticket_ != 0) return;
    rules_action_ = {true, std::nullopt};
    drive_action_ = true;
    rules_action_ticket_ = office_.save_drive(*drive);
}

void TechnicianFlow::refresh_clinics() {
    if (clinics_ticket_ == 0) clinics_ticket_ = office_.list_clinics();
}

std::vector<storage::ClinicChoice> TechnicianFlow::clinic_choices() const {
    std::vector<storage::ClinicChoice> choices;
    if (!clinics_) return choices;
    for (const auto& clinic : clinics_->clinics)
        if (!clinic.retired || clinic.clinic_id == draft_.clinic_id) choices.push_back(clinic);
    return choices;
}

void TechnicianFlow::start_clinic_action(std::uint64_t ticket) {
    clinic_action_ = {true, std::nullopt};
    clinic_action_ticket_ = ticket;
}

void TechnicianFlow::add_clinic() {
    if (clinic_action_ticket_ != 0) return;
    clinic_action_.result.reset();
    clinic_errors_ =
        validate(clinic_draft_, clinics_ ? clinics_->clinics : std::vector<storage::ClinicChoice>{});
    if (!clinic_errors_.empty()) {
        std::string fields;
        for (const auto& [field, reason] : clinic_errors_) fields += (fields.empty() ? "" : ",") + field;
        log_event("clinic-refused", {{"fields", fields}});
        return;
    }
    storage::ClinicChoice clinic;
    clinic.clinic_id = trim(clinic_draft_.clinic_id);
    clinic.name_zh = trim(clinic_draft_.name_zh);
    clinic.name_en = trim(clinic_draft_.name_en);
    clinic.township_zh = trim(clinic_draft_.township_zh);
    clinic.township_en = trim(clinic_draft_.township_en);
    clinic.kind = clinic_draft_.kind;
    clinic.source = "local";
    start_clinic_action(office_.add_clinic(std::move(clinic)));
}

void TechnicianFlow::edit_clinic(const std::string& clinic_id) {
    if (!clinics_) return;
    for (const auto& clinic : clinics_->clinics) {
        if (clinic.clinic_id != clinic_id || clinic.source != "local") continue;
        clinic_editing_ = clinic_id;
        clinic_names_ = {clinic.name_zh, clinic.name_en};
        clinic_errors_.clear();
        clinic_action_.result.reset();
    }
}

void TechnicianFlow::save_clinic_names() {
    if (clinic_editing_.empty() || clinic_action_ticket_ != 0) return;
    clinic_errors_.clear();
    if (trim(clinic_names_.first).empty() && trim(clinic_names_.second).empty()) {
        clinic_errors_["rename"] = "tech.clinics.error.name";
        return;
    }
    start_clinic_action(
        office_.rename_clinic(clinic_editing_, trim(clinic_names_.first), trim(clinic_names_.second)));
}

void TechnicianFlow::cancel_clinic_edit() {
    clinic_editing_.clear();
    clinic_errors_.erase("rename");
}

void TechnicianFlow::retire_clinic(const std::string& clinic_id) {
    if (clinic_action_ticket_ != 0) return;
    clinic_errors_.clear();
    start_clinic_action(office_.set_clinic_retired(clinic_id, true));
}

void TechnicianFlow::restore_clinic(const std::string& clinic_id) {
    if (clinic_action_ticket_ != 0) return;
    clinic_errors_.clear();
    start_clinic_action(office_.set_clinic_retired(clinic_id, false));
}

namespace {

// A command's answer as its task's outcome: Done, or why not.
Result<Done> outcome_of(const BackOfficeReply& reply) {
    if (!reply.result) return reply.result.error();
    if (const auto* done = answer_if<Done>(reply)) return *done;
    return Error{ErrorCode::Internal, "the back office gave an unexpected answer; report this"};
}

}  // namespace

void TechnicianFlow::on_reply(const BackOfficeReply& reply) {
    if (reply.ticket == 0) return;
    const Result<Done> result = outcome_of(reply);
    if (reply.ticket == save_ticket_) {
        save_ticket_ = 0;
        save_ = {false, result};
        if (result) {
            saved_ = pending_;
            just_saved_ = saved_;
        }
    } else if (reply.ticket == hub_ticket_) {
        hub_ticket_ = 0;
        if (const auto* report = answer_if<HubTestReport>(reply)) {
            log_event("hub-test", {{"problem", report->ok ? "none" : report->problem_key}});
            hub_report_ = *report;
            hub_test_ = {false, report->ok ? Result<Done>(Done{report->detail})
                                           : Result<Done>(Error{ErrorCode::Io, report->detail})};
        } else {
            hub_test_ = {false, result};
        }
    } else if (reply.ticket == import_ticket_) {
        import_ticket_ = 0;
        import_ = {false, result};
        if (result) policy_changed_ = true;
    } else if (reply.ticket == users_ticket_) {
        users_ticket_ = 0;
        if (const auto* list = answer_if<UserList>(reply))
            users_ = *list;
        else
            user_action_ = {false, result};
    } else if (reply.ticket == user_action_ticket_) {
        user_action_ticket_ = 0;
        user_action_ = {false, result};
        if (result) {
            if (new_user_.login == result->detail) new_user_ = UserDraft{};
            refresh_users();
        }
    } else if (reply.ticket == rules_ticket_) {
        rules_ticket_ = 0;
        if (const auto* view = answer_if<RulesView>(reply)) {
            rules_ = *view;
            rules_draft_ = kiosk::rules_draft(view->rules);
        } else {
            rules_action_ = {false, result};
        }
    } else if (reply.ticket == clinics_ticket_) {
        clinics_ticket_ = 0;
        if (const auto* book = answer_if<ClinicBook>(reply))
            clinics_ = *book;
        else
            clinic_action_ = {false, result};
    } else if (reply.ticket == clinic_action_ticket_) {
        clinic_action_ticket_ = 0;
        clinic_action_ = {false, result};
        log_event("clinic-change", {{"outcome", result ? "done" : "refused"},
                                    {"clinic_id", result ? result->detail : std::string()}});
        if (result) {
            if (trim(clinic_draft_.clinic_id) == result->detail) clinic_draft_ = ClinicDraft{};
            if (clinic_editing_ == result->detail) clinic_editing_.clear();
            refresh_clinics();
        }
    } else if (reply.ticket == rules_action_ticket_) {
        rules_action_ticket_ = 0;
        rules_action_ = {false, result};
        if (result) {
            policy_changed_ = true;
            if (drive_action_) drive_draft_ = DriveDraft{};
            refresh_rules();
        }
    }
}

}  // namespace medkiosk::kiosk
