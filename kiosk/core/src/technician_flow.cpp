#include "medkiosk/kiosk/technician_flow.hpp"

#include <algorithm>

#include "medkiosk/scanner/frame_source.hpp"

namespace medkiosk::kiosk {

std::map<std::string, std::string> validate(const TechnicianSettings& settings) {
    std::map<std::string, std::string> errors;
    if (std::holds_alternative<std::string>(scanner::parse_source_spec(settings.camera))) {
        errors["camera"] = "tech.error.camera";
    }
    if (settings.width < 320 || settings.width > 4096 || settings.height < 240 || settings.height > 4096) {
        errors["resolution"] = "tech.error.resolution";
    }
    if (settings.idle_timeout_seconds < 30 || settings.idle_timeout_seconds > 600) {
        errors["idle_timeout"] = "tech.error.idle_timeout";
    }
    const bool id_ok = !settings.kiosk_id.empty() && settings.kiosk_id.size() <= 40 &&
                       std::all_of(settings.kiosk_id.begin(), settings.kiosk_id.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                       });
    if (!id_ok) errors["kiosk_id"] = "tech.error.kiosk_id";
    if (settings.location.size() > 120) errors["location"] = "tech.error.location";
    if (!settings.hub_url.empty() && settings.hub_url.rfind("postgresql://", 0) != 0 &&
        settings.hub_url.rfind("postgres://", 0) != 0 && settings.hub_url.find('=') == std::string::npos) {
        errors["hub_url"] = "tech.error.hub_url";
    }
    return errors;
}

void DiagnosticsMeter::sample(const scanner::PipelineStats& stats, std::chrono::steady_clock::time_point now) {
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

TechnicianFlow::TechnicianFlow(BackOfficePort& office, TechnicianSettings current)
    : office_(office), saved_(current), draft_(std::move(current)) {}

bool TechnicianFlow::dirty() const {
    return draft_.camera != saved_.camera || draft_.width != saved_.width || draft_.height != saved_.height ||
           draft_.idle_timeout_seconds != saved_.idle_timeout_seconds || draft_.language != saved_.language ||
           draft_.kiosk_id != saved_.kiosk_id || draft_.location != saved_.location || draft_.hub_url != saved_.hub_url;
}

bool TechnicianFlow::save() {
    errors_ = validate(draft_);
    if (!errors_.empty()) return false;
    saved_ = draft_;
    return true;
}

void TechnicianFlow::test_hub() {
    if (hub_test_.running) return;
    hub_test_ = {true, std::nullopt};
    hub_ticket_ = office_.test_hub(draft_.hub_url);
}

void TechnicianFlow::import_catalogue() {
    if (import_.running) return;
    import_ = {true, std::nullopt};
    import_ticket_ = office_.import_catalogue(draft_.catalogue_file);
}

void TechnicianFlow::on_reply(const BackOfficeReply& reply) {
    const auto* result = std::get_if<TaskResult>(&reply.result);
    if (result == nullptr || reply.ticket == 0) return;
    if (reply.ticket == hub_ticket_) {
        hub_ticket_ = 0;
        hub_test_ = {false, *result};
    } else if (reply.ticket == import_ticket_) {
        import_ticket_ = 0;
        import_ = {false, *result};
    }
}

}  // namespace medkiosk::kiosk
