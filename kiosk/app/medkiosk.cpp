// medkiosk, the fullscreen donation kiosk, and its composition root: main builds the camera pipeline,
// the ledger worker, the back office, the sync worker and the flows, and hands them to the window
// (kiosk/ui), which draws them and turns taps into flow actions. KioskWiring below is the once-per-
// frame work that connects them: the workers' answers to the flows, scans to the donation flow.
//
// One tap, start to end: the window (kiosk/ui/src/kiosk_window.cpp) turns "I put it in the donation
// bin" into DonationFlow::confirm (kiosk/core/src/donation_flow.cpp), which asks the LedgerWorker built
// here to record the pack (kiosk/core/src/ledger_worker.cpp); on the ledger thread that is
// Ledger::dropoffs().record, which commits it (storage/src/dropoffs.cpp).

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "kiosk_options.hpp"
#include "medkiosk/audio/alsa_cue_player.hpp"
#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/clinic_flow.hpp"
#include "medkiosk/kiosk/clinic_office.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/expiry_feed.hpp"
#include "medkiosk/kiosk/expiry_reader.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/ledger_worker.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/sound_cues.hpp"
#include "medkiosk/kiosk/staff_flow.hpp"
#include "medkiosk/kiosk/stop_request.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "medkiosk/storage/sync.hpp"
#include "medkiosk/ui/kiosk_window.hpp"

namespace medkiosk::app {
namespace {

// Logs what the donor is shown, so tests and technicians can follow the flow without a screen.
void log_shown_pack(const kiosk::CurrentPack& current) {
    if (current.pack) {
        const auto& pack = *current.pack;
        kiosk::log_event("pack-shown",
                         {{"scheme", std::string(scanner::to_string(pack.scheme))},
                          {"gtin", pack.gtin},
                          {"product_id", pack.product_id},
                          {"expiry", pack.expiry ? scanner::to_iso(*pack.expiry) : std::string()},
                          {"batch", pack.batch},
                          {"decision", std::string(kiosk::to_string(current.assessment.decision))},
                          {"reason", current.assessment.reason}});
    } else {
        kiosk::log_event("pack-unreadable",
                         {{"format", current.symbol.format}, {"error", current.parse_error}});
    }
}

void log_recorded(const storage::DropOffRecord& record) {
    kiosk::log_event(
        "dropoff-recorded",
        {{"uuid", record.uuid},
         {"sequence", std::to_string(record.sequence)},
         {"decision", record.decision},
         {"expiry", record.expiry},
         {"expiry_source", record.expiry_source.empty() ? std::string("none") : record.expiry_source},
         {"condition", record.condition},
         {"quantity", std::to_string(record.quantity)}});
}

// Decoder and source failures count as errors (technician status, journal priority); a file the
// images: source passed over is a notice.
const char* scanner_event_name(scanner::ScannerIncident::Kind kind) {
    switch (kind) {
        case scanner::ScannerIncident::Kind::DecoderCrashed:
        case scanner::ScannerIncident::Kind::DecoderTimedOut:
        case scanner::ScannerIncident::Kind::DecoderUnavailable:
        case scanner::ScannerIncident::Kind::DecoderBadAnswer:
            return "decoder-error";
        case scanner::ScannerIncident::Kind::SourceFailed:
        case scanner::ScannerIncident::Kind::SourceStalled:
            return "camera-error";
        case scanner::ScannerIncident::Kind::InputSkipped:
            break;
    }
    return "input-skipped";
}

// The hub sync, started once the ledger exists; donations never wait for it.
class Sync {
  public:
    Sync(const KioskOptions& options, const scanner::ScanPipeline& pipeline)
        : options_(options), pipeline_(pipeline) {}
    ~Sync() { stop(); }

    void start_once() {
        if (attempted_ || options_.hub_url.empty()) return;
        attempted_ = true;
        storage::SyncOptions sync_options;
        // Runs on the sync thread; stats() takes the pipeline's own lock. The pipeline outlives the worker.
        sync_options.decode_stats = [&pipeline = pipeline_] {
            const scanner::PipelineStats stats = pipeline.stats();
            return storage::DecodeStats{stats.frames,      stats.decoded_frames, stats.events,
                                        stats.decode_ms,   stats.capture_fps,    stats.source_name,
                                        stats.source_error};
        };
        sync_options.ledger_file = kiosk::ledger_file(options_.data_dir);
        sync_options.hub_conninfo = options_.hub_url;
        sync_options.kiosk_version = MEDKIOSK_VERSION;
        auto created = storage::SyncWorker::create(std::move(sync_options));
        if (!created) {
            kiosk::log_event("sync-error", {{"detail", created.error().message}});
            return;
        }
        worker_ = std::move(created).value();
        worker_->start();
        kiosk::log_event("sync-started");
    }
    void wake() {
        if (worker_) worker_->wake();
    }
    void stop() {
        if (worker_) worker_->stop();
    }
    // The staff screen reads the sync worker's figures (no database) on the UI thread.
    kiosk::SyncSource source() {
        return [this, hub = !options_.hub_url.empty()]() -> std::optional<storage::SyncProgress> {
            if (!hub) return std::nullopt;
            return worker_ ? worker_->progress() : storage::SyncProgress{};
        };
    }

  private:
    const KioskOptions& options_;
    const scanner::ScanPipeline& pipeline_;
    bool attempted_ = false;
    std::unique_ptr<storage::SyncWorker> worker_;
};

// The once-per-frame work between the parts main built.
class KioskWiring final : public ui::FrameWork {
  public:
    struct Parts {
        const KioskOptions& options;
        const TestHooks& hooks;
        scanner::ScanPipeline& pipeline;
        kiosk::LedgerWorker& ledger;
        kiosk::BackOffice& office;
        kiosk::DonationFlow& flow;
        kiosk::StaffFlow& staff;
        kiosk::TechnicianFlow& technician;
        kiosk::DiagnosticsMeter& diagnostics;
        kiosk::ExpiryReader& expiry_reader;
        kiosk::ApplianceMonitor& appliance;
        Sync& sync;
        kiosk::CuePlayer& sound;
        const scanner::WallClock& wall_clock;
        kiosk::ClinicPort* clinic_office = nullptr;  // clinic mode only
        kiosk::ClinicFlow* clinic = nullptr;
        std::atomic<bool>* clinic_recorded = nullptr;  // set by the clinic office's thread after a record
    };
    explicit KioskWiring(Parts parts)
        : p_(parts), expiry_dates_(p_.expiry_reader), expiry_feed_(expiry_dates_) {}

    kiosk::OutOfOrder before_frame(kiosk::Clock::time_point now) override {
        route_back_office(now);
        route_ledger(now);
        const kiosk::OutOfOrder out_of_order =
            p_.appliance.tick(now, p_.pipeline.stats(), p_.ledger.open_error());
        if (p_.clinic != nullptr) {
            route_clinic(now);
        } else {
            const scanner::Date today = scanner::local_today(p_.wall_clock);
            // What is in front of the camera now: the donor's box, a box waiting its turn, a recorded one.
            p_.flow.on_view(p_.pipeline.latest_symbols(), now);
            for (const auto& event : p_.pipeline.take_events())
                if (out_of_order == kiosk::OutOfOrder::None) p_.flow.on_scan(event, today, now);
            p_.flow.tick(now);
            propose_expiry(now);
            // One chime per verdict the donor is shown; play() only hands it to the audio thread.
            if (const auto cue = verdict_cues_.on_frame(p_.flow)) {
                p_.sound.play(*cue);
                kiosk::log_event("verdict-cue", {{"cue", std::string(kiosk::to_string(*cue))}});
            }
        }
        if (p_.ledger.ready()) p_.sync.start_once();
        log_changes();
        return out_of_order;
    }

    double max_idle_wait_seconds(double wanted) override {
        return p_.appliance.max_idle_wait_seconds(wanted);
    }

  private:
    // The back office's answers to the staff and technician flows.
    void route_back_office(kiosk::Clock::time_point now) {
        for (const auto& reply : p_.office.take_replies()) {
            if (const auto* check = kiosk::answer_if<kiosk::PinCheck>(reply)) {
                static constexpr const char* kOutcomes[] = {"accepted", "wrong", "locked-out", "unavailable"};
                kiosk::log_event("staff-signin", {{"role", std::string(kiosk::to_string(p_.staff.role()))},
                                                  {"outcome", kOutcomes[static_cast<int>(check->outcome)]}});
            }
            p_.staff.on_reply(reply, now);
            p_.technician.on_reply(reply);
        }
        p_.staff.tick(now);
        p_.diagnostics.sample(p_.pipeline.stats(), now);
        if (p_.staff.screen() == kiosk::StaffScreen::Technician &&
            last_staff_screen_ != kiosk::StaffScreen::Technician)
            p_.technician.opened();
        last_staff_screen_ = p_.staff.screen();
        // What a saved setting can change without a restart applies now; the screen says what waits.
        if (const auto saved = p_.technician.take_saved()) {
            p_.flow.set_default_language(saved->language);
            p_.flow.set_idle_timeout(std::chrono::seconds(saved->idle_timeout_seconds));
            p_.sound.set_volume(saved->sound_enabled, saved->sound_volume);
            kiosk::log_event("settings-applied",
                             {{"language", saved->language == kiosk::Language::English ? "en" : "zh"},
                              {"idle_timeout_seconds", std::to_string(saved->idle_timeout_seconds)},
                              {"restart_needed", p_.technician.restart_needed() ? "yes" : "no"},
                              {"sound", saved->sound_enabled ? "on" : "off"},
                              {"volume", std::to_string(saved->sound_volume)}});
        }
        if (p_.technician.take_policy_changed()) p_.ledger.refresh_policy();
        if (const auto preview = p_.technician.take_sound_preview())
            p_.sound.preview(preview->first, preview->second);
    }

    // Clinic mode: the clinic office's answers and the camera's codes (manifests, packs) to the clinic
    // flow; what it did is logged for technicians and tests.
    void route_clinic(kiosk::Clock::time_point now) {
        kiosk::ClinicFlow& clinic = *p_.clinic;
        for (const auto& reply : p_.clinic_office->take_replies()) {
            if (const auto* check = kiosk::answer_if<kiosk::PinCheck>(reply)) {
                static constexpr const char* kOutcomes[] = {"accepted", "wrong", "locked-out", "unavailable"};
                kiosk::log_event("clinic-signin", {{"outcome", kOutcomes[static_cast<int>(check->outcome)]},
                                                   {"detail", check->message}});
            } else if (!reply.result) {
                kiosk::log_event("clinic-error", {{"detail", reply.result.error().message}});
            }
            clinic.on_reply(reply, now);
        }
        if (p_.clinic_recorded->exchange(false)) p_.sync.wake();
        const std::string today = kiosk::clinic_today();
        for (const auto& event : p_.pipeline.take_events()) clinic.on_scan(event, today, now);
        clinic.tick(now);
        if (clinic.screen() != last_clinic_screen_) {
            kiosk::log_event("clinic-screen", {{"screen", std::string(kiosk::to_string(clinic.screen()))}});
            last_clinic_screen_ = clinic.screen();
        }
        const auto& message = clinic.message();
        const std::string shown = message ? message->key + (message->ok ? "" : ":" + message->detail) : "";
        if (shown != last_clinic_message_) {
            last_clinic_message_ = shown;
            if (message) {
                std::string values;  // "received=4;missing=1;…"
                for (const auto& [name, value] : message->values)
                    values += (values.empty() ? "" : ";") + name + "=" + value;
                kiosk::log_event("clinic-outcome", {{"key", message->key},
                                                    {"ok", message->ok ? "yes" : "no"},
                                                    {"values", values},
                                                    {"detail", message->detail}});
            }
        }
    }

    // The ledger worker's answers (sessions, recorded drop-offs, pack checks) to the donation flow.
    void route_ledger(kiosk::Clock::time_point now) {
        for (const auto& reply : p_.ledger.take_replies()) {
            p_.flow.on_reply(reply);
            if (const auto* record = kiosk::answer_if<storage::DropOffRecord>(reply)) {
                p_.sync.wake();
                log_recorded(*record);
            } else if (!reply.result) {
                kiosk::log_event("ledger-error", {{"detail", reply.result.error().message}});
                p_.appliance.on_ledger_error(reply.result.error(), now);
            }
        }
    }

    // The printed expiry, read off the box while the donor is asked for it (packs whose code has none).
    // OCR runs at idle CPU priority on its own thread; in test builds MEDKIOSK_TEST_EXPIRY_PROPOSAL
    // stands in for it.
    void propose_expiry(kiosk::Clock::time_point now) {
        const auto& current = p_.flow.current();
        if (p_.flow.screen() != kiosk::Screen::AskExpiry || !current) return;
        if (const auto& hooked = p_.hooks.expiry_proposals; !hooked.empty()) {
            if (current->id == proposed_for_pack_) return;
            proposed_for_pack_ = current->id;
            const auto& next = hooked[std::min(hooked_proposals_made_++, hooked.size() - 1)];
            kiosk::ProposedExpiry proposed;
            proposed.expiry = scanner::Date{next.year, next.month, 1};
            proposed.precision = scanner::ExpiryPrecision::Month;
            proposed.derived = next.derived;
            p_.flow.on_proposed_expiry(std::move(proposed), now);
            return;
        }
        // Only the box being asked about is read (expiry_feed.hpp).
        expiry_feed_.step(p_.flow, p_.pipeline.latest_decoded(), now);
    }

    void log_changes() {
        // Once its verdict is final (the ledger's checks back): what the donor was told.
        if (const auto& current = p_.flow.current();
            current && current->id != last_logged_pack_ && p_.flow.verdict_ready()) {
            log_shown_pack(*current);
            last_logged_pack_ = current->id;
        }
        // Each scanner failure once (a decoder crash and the frame it skipped, a source reopened, a file
        // passed over); the camera's recovery when frames flow again.
        for (const scanner::ScannerIncident& incident : p_.pipeline.take_incidents())
            kiosk::log_event(scanner_event_name(incident.kind),
                             {{"what", std::string(scanner::to_string(incident.kind))},
                              {"subject", incident.subject},
                              {"detail", incident.detail}});
        if (std::string source_error = p_.pipeline.stats().source_error; source_error != last_source_error_) {
            if (source_error.empty())
                kiosk::log_event("camera-ok", {{"source", p_.pipeline.stats().source_name}});
            last_source_error_ = std::move(source_error);
        }
    }

    Parts p_;
    kiosk::StaffScreen last_staff_screen_ = kiosk::StaffScreen::Closed;
    kiosk::ExpiryReaderDates expiry_dates_;
    kiosk::ExpiryFeed expiry_feed_;
    kiosk::VerdictCues verdict_cues_;
    std::uint64_t proposed_for_pack_ = 0;
    std::size_t hooked_proposals_made_ = 0;
    std::uint64_t last_logged_pack_ = 0;
    std::string last_source_error_;
    kiosk::ClinicScreen last_clinic_screen_ = kiosk::ClinicScreen::Welcome;
    std::string last_clinic_message_;
};

kiosk::TechnicianSettings running_settings(const KioskOptions& options) {
    kiosk::TechnicianSettings running;
    running.camera = options.source.empty() ? std::string("auto") : options.source;
    running.width = options.camera_width;
    running.height = options.camera_height;
    running.kiosk_id = options.kiosk_id;
    running.language = options.language;
    running.idle_timeout_seconds = static_cast<int>(options.idle_timeout.count());
    running.location = options.location;
    running.hub_url = options.hub_url;
    running.catalogue_file = options.catalogue_file;
    running.sound_enabled = options.sound.enabled;
    running.sound_volume = options.sound.volume;
    running.mode = options.clinic_mode() ? "clinic" : "collection-point";
    running.clinic_id = options.clinic_id;
    return running;
}

int run(const KioskOptions& options, const TestHooks& hooks) {
    kiosk::Translations translations;
    if (auto loaded = translations.load(options.assets_dir / "lang"); !loaded) {
        std::cerr << "medkiosk: " << loaded.error().message << "\n";
        return 1;
    }
    scanner::SourceSpec spec = scanner::default_source_spec();
    if (!options.source.empty()) {
        auto parsed = scanner::parse_source_spec(options.source);
        if (const auto* error = std::get_if<std::string>(&parsed)) {
            std::cerr << "medkiosk: --source " << options.source << ": " << *error << "\n";
            return 2;
        }
        spec = std::get<scanner::SourceSpec>(parsed);
    }
    if (spec.width == 0 && options.camera_width > 0) {  // appliance: camera.resolution in kiosk.toml
        spec.width = options.camera_width;
        spec.height = options.camera_height;
    }
    kiosk::log_event("starting", {{"source", scanner::describe(spec)},
                                  {"data_dir", options.data_dir.string()},
                                  {"kiosk_id", options.kiosk_id}});

    // Camera and ledger start on their own threads before the window exists: the first frame and the
    // open database are ready sooner, and the UI thread never waits for either.
    // One clock for every date the kiosk judges: the scanner's GS1 years, the policy's day, the flow's.
    const scanner::WallClock wall_clock = scanner::system_wall_clock();
    scanner::PipelineOptions pipeline_options;
    pipeline_options.wall_clock = wall_clock;
    scanner::ScanPipeline pipeline(spec, pipeline_options);
    pipeline.start();
    const storage::LedgerOptions ledger_options{options.kiosk_id, kiosk::county_key_file(options.data_dir)};
    kiosk::LedgerWorker ledger(kiosk::ledger_file(options.data_dir), ledger_options, {}, wall_clock);

    kiosk::FlowSettings settings;
    settings.kiosk_id = options.kiosk_id;
    settings.idle_timeout = options.idle_timeout;                          // appliance: kiosk.toml
    settings.rules.minimum_shelf_life_days = options.min_shelf_life_days;  // appliance: kiosk.toml
    settings.default_language = options.language;                          // each donor starts in it
    kiosk::SnapshotProductInfo products(ledger);  // the catalogue as the ledger thread last loaded it
    kiosk::DonationFlow flow(ledger, settings, &products, &ledger);

    Sync sync(options, pipeline);
    kiosk::LocalBackOfficeOptions office_options;
    office_options.ledger_file = kiosk::ledger_file(options.data_dir);
    office_options.staff_pin = hooks.staff_pin;
    office_options.technician_pin = hooks.technician_pin;
    office_options.ledger_options = ledger_options;
    office_options.location = options.location;
    office_options.assets_dir = options.assets_dir;
    const auto office = kiosk::make_local_back_office(office_options, sync.source());
    kiosk::StaffFlow staff(*office, *office);
    kiosk::TechnicianFlow technician(*office, running_settings(options), options.config_file);
    kiosk::DiagnosticsMeter diagnostics;
    kiosk::ExpiryReader expiry_reader;
    // Appliance: systemd READY/WATCHDOG from the window's loop, out-of-order detection, status file.
    kiosk::ApplianceMonitor appliance({options.data_dir, options.min_free_disk_bytes, options.kiosk_id,
                                       MEDKIOSK_VERSION, scanner::describe(spec), options.config_origin});

    // Clinic mode: the clinic's own office (its store in the same ledger) and flow; the clinic
    // sign-in comes first instead of the donor's welcome.
    std::atomic<bool> clinic_recorded = false;  // outlives the office, whose thread sets it
    std::unique_ptr<kiosk::ClinicPort> clinic_office;
    std::optional<kiosk::ClinicFlow> clinic;
    if (options.clinic_mode()) {
        kiosk::LocalClinicOfficeOptions clinic_options;
        clinic_options.ledger_file = kiosk::ledger_file(options.data_dir);
        clinic_options.ledger_options = ledger_options;
        clinic_options.clinic_id = options.clinic_id;
        // On the office's thread: only a flag, which the next frame turns into a wake of the sync worker.
        clinic_options.recorded = [&clinic_recorded] { clinic_recorded = true; };
        clinic_office = kiosk::make_local_clinic_office(std::move(clinic_options));
        clinic.emplace(*clinic_office);
        kiosk::log_event("clinic-mode", {{"clinic_id", options.clinic_id}});
    }

    // The verdict chimes on their own thread; without a sound card the kiosk logs it once and is silent.
    audio::AlsaCuePlayer sound({options.sound});

    KioskWiring wiring({options, hooks, pipeline, ledger, *office, flow, staff, technician, diagnostics,
                        expiry_reader, appliance, sync, sound, wall_clock, clinic_office.get(),
                        clinic ? &*clinic : nullptr, &clinic_recorded});
    ui::WindowOptions window;
    window.windowed = options.windowed;
    window.width = options.window_width;
    window.height = options.window_height;
    window.font_file = options.font_file;
    window.display_diagonal_inches = options.display_diagonal_inches;
    window.bench_frames = hooks.bench_frames;
    window.layout_report = hooks.layout_report;
    window.layout_data_words = hooks.layout_data_words;
    const int exit_code = ui::run_kiosk_window(window,
                                               {flow, staff, technician, diagnostics, translations, pipeline,
                                                ledger, clinic ? &*clinic : nullptr, options.clinic_id},
                                               wiring);

    sync.stop();
    expiry_reader.stop();
    pipeline.stop();
    appliance.on_stop();
    if (const int signal_number = kiosk::stop_signal(); signal_number != 0) {
        kiosk::log_event("stopped", {{"signal", signal_number == SIGHUP   ? "SIGHUP"
                                                : signal_number == SIGINT ? "SIGINT"
                                                                          : "SIGTERM"}});
    } else {
        kiosk::log_event("stopped");
    }
    return exit_code;
}

}  // namespace
}  // namespace medkiosk::app

int main(int argc, char** argv) {
    // First: a stop signal during start-up (reading the config, opening the camera and the ledger,
    // creating the window) must be a clean stop with event=stopped, not the default death.
    medkiosk::kiosk::install_stop_signal_handlers();
    // Camera frames and their grey and preview copies (1-6 MB) are allocated and freed many times a
    // second on several threads. glibc's adaptive threshold moves such blocks into per-thread arenas
    // that never shrink (about 25 MB at 1080p); a fixed threshold keeps them as mappings that go back
    // to the system when freed.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    const auto command_line = medkiosk::app::read_command_line(argc, argv);
    if (command_line.exit_now) return *command_line.exit_now;
    medkiosk::kiosk::set_log_kiosk_id(command_line.options.kiosk_id);
    return medkiosk::app::run(command_line.options, medkiosk::app::read_test_hooks());
}
