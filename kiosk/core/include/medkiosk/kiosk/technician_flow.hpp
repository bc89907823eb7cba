#pragma once
// The technician's settings screen as a plain class: a draft of the settings checked field by field
// (a bad value is refused with the reason), live diagnostics from the scan pipeline's counters, and
// the hub test and catalogue import as tasks that run off the UI thread through the back office.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"

namespace medkiosk::kiosk {

struct TechnicianSettings {
    std::string camera = "demo";   // a frame source spec: demo, camera:0, camera:/dev/video2 …
    int width = 1280;
    int height = 720;
    int idle_timeout_seconds = 90;
    Language language = Language::Chinese;
    std::string kiosk_id = "kiosk-local";
    std::string location;
    std::string hub_url;
    std::string catalogue_file;
};

// Field name → translation key of the reason it is refused. Empty when every field is fine.
std::map<std::string, std::string> validate(const TechnicianSettings& settings);

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
    std::optional<TaskResult> result;
};

class TechnicianFlow {
public:
    TechnicianFlow(BackOfficePort& office, TechnicianSettings current);

    const TechnicianSettings& saved() const { return saved_; }
    TechnicianSettings& draft() { return draft_; }
    const std::map<std::string, std::string>& errors() const { return errors_; }
    bool dirty() const;

    // Checks the draft; on success it becomes the saved settings and true is returned.
    bool save();
    void revert() { draft_ = saved_; errors_.clear(); }

    void test_hub();
    void import_catalogue();
    const TaskState& hub_test() const { return hub_test_; }
    const TaskState& catalogue_import() const { return import_; }
    void on_reply(const BackOfficeReply& reply);

private:
    BackOfficePort& office_;
    TechnicianSettings saved_;
    TechnicianSettings draft_;
    std::map<std::string, std::string> errors_;
    TaskState hub_test_;
    TaskState import_;
    std::uint64_t hub_ticket_ = 0;
    std::uint64_t import_ticket_ = 0;
};

}  // namespace medkiosk::kiosk
