#include "medkiosk/ui/kiosk_app.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>
#include <utility>

#include "fonts.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/expiry_reader.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/storage/sync.hpp"
#include "preview_texture.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

struct GlfwSession {
    GlfwSession() : ok(glfwInit() == GLFW_TRUE) {}
    ~GlfwSession() {
        if (ok) glfwTerminate();
    }
    bool ok;
};

volatile std::sig_atomic_t g_stop_requested = 0;

// SIGTERM (systemd, tests) ends the loop so queued drop-offs are written before exit.
void request_stop(int) {
    g_stop_requested = 1;
}

KeyPresses g_pending_keys;  // written by the key callback on the UI thread, read once per frame

void on_key(GLFWwindow*, int key, int, int action, int) {
    if (action != GLFW_PRESS) return;
    if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) g_pending_keys.enter = true;
    if (key == GLFW_KEY_ESCAPE) g_pending_keys.escape = true;
    if (key == GLFW_KEY_BACKSPACE) g_pending_keys.backspace = true;
    if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9)
        g_pending_keys.digits += static_cast<char>('0' + (key - GLFW_KEY_0));
    if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9)
        g_pending_keys.digits += static_cast<char>('0' + (key - GLFW_KEY_KP_0));
}

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : fallback;
}

long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return 0;
}

// Frame-time figures for the benchmark (MEDKIOSK_BENCH_FRAMES=N): N frames after the first camera
// frame is shown, then the kiosk prints them and exits.
struct FrameBench {
    int wanted = 0;
    std::vector<double> frame_ms;
    bool done() const { return wanted > 0 && static_cast<int>(frame_ms.size()) >= wanted; }
    void report(long first_frame_ms) const {
        std::vector<double> sorted = frame_ms;
        std::sort(sorted.begin(), sorted.end());
        auto at = [&](double q) {
            return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
        };
        kiosk::log_event("bench", {{"frames", std::to_string(sorted.size())},
                                   {"p50_ms", std::to_string(at(0.5))},
                                   {"p95_ms", std::to_string(at(0.95))},
                                   {"max_ms", std::to_string(sorted.back())},
                                   {"rss_kib", std::to_string(resident_kib())},
                                   {"first_frame_ms", std::to_string(first_frame_ms)}});
    }
};

const char* screen_name(const kiosk::DonationFlow& flow, const kiosk::StaffFlow& staff) {
    switch (staff.screen()) {
        case kiosk::StaffScreen::Pin:
            return "pin";
        case kiosk::StaffScreen::Queue:
            return "queue";
        case kiosk::StaffScreen::Technician:
            return "technician";
        case kiosk::StaffScreen::Dispatch:
            return "dispatch";
        case kiosk::StaffScreen::Charts:
            return "charts";
        case kiosk::StaffScreen::Closed:
            break;
    }
    static std::string name;
    name = std::string(kiosk::to_string(flow.screen()));
    return name.c_str();
}

void on_glfw_error(int code, const char* description) {
    kiosk::log_event("display-error", {{"code", std::to_string(code)}, {"detail", description}});
}

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

// Which pack the OCR reader is working on, so each pack gets at most one proposal: after a "no",
// the donor's own answer in the picker is final.
struct ExpiryReading {
    std::uint64_t pack_id = 0;
    std::uint64_t last_frame = 0;
    bool proposed = false;
};

void feed_expiry_reader(kiosk::ExpiryReader& reader, ExpiryReading& reading, kiosk::DonationFlow& flow,
                        const scanner::FramePtr& frame, kiosk::Clock::time_point now) {
    const auto& current = flow.current();
    if (flow.screen() != kiosk::Screen::AskExpiry || !current) return;
    if (current->id != reading.pack_id) {
        // The OCR models (~100 MB) load with the first pack that needs them, not at start.
        reader.start();
        reader.reset();
        reading = ExpiryReading{current->id, 0, false};
    }
    if (reading.proposed) return;
    // The same frame twice would let one reading agree with itself.
    if (frame && frame->sequence != reading.last_frame) {
        reader.submit_frame(frame);
        reading.last_frame = frame->sequence;
    }
    if (auto proposal = reader.take_proposal()) {
        reading.proposed = true;
        kiosk::log_event("expiry-read",
                         {{"expiry", scanner::to_iso(proposal->expiry)},
                          {"precision", std::string(scanner::to_string(proposal->precision))}});
        flow.on_expiry_proposal(*proposal, now);
    }
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

std::unique_ptr<storage::SyncWorker> start_sync(const KioskOptions& options,
                                                const scanner::ScanPipeline& pipeline) {
    storage::SyncOptions sync_options;
    // Runs on the sync thread; stats() takes the pipeline's own lock. The pipeline outlives the worker.
    sync_options.decode_stats = [&pipeline] {
        const scanner::PipelineStats stats = pipeline.stats();
        return storage::DecodeStats{stats.frames,      stats.decoded_frames, stats.events,
                                    stats.decode_ms,   stats.capture_fps,    stats.source_name,
                                    stats.source_error};
    };
    sync_options.ledger_file = kiosk::ledger_file(options.data_dir);
    sync_options.hub_conninfo = options.hub_url;
    sync_options.kiosk_version = MEDKIOSK_VERSION;
    auto created = storage::SyncWorker::create(std::move(sync_options));
    if (!created) {
        kiosk::log_event("sync-error", {{"detail", created.error().message}});
        return nullptr;
    }
    auto worker = std::move(created).value();
    worker->start();
    kiosk::log_event("sync-started");
    return worker;
}

}  // namespace

int run_kiosk(const KioskOptions& options) {
    const auto started = kiosk::Clock::now();  // "first frame" is measured from here
    kiosk::Translations translations;
    const auto lang_dir = options.assets_dir / "lang";
    if (const std::string error = translations.load(lang_dir); !error.empty()) {
        std::cerr << "medkiosk: " << error << "\n";
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

    // Camera and ledger start on their own threads before the window exists: the first frame and
    // the open database are ready sooner, and the UI thread never waits for either.
    scanner::ScanPipeline pipeline(spec);
    pipeline.start();
    kiosk::LedgerWorker ledger(
        kiosk::ledger_file(options.data_dir),
        storage::LedgerOptions{options.kiosk_id, kiosk::county_key_file(options.data_dir)});
    kiosk::FlowSettings settings;
    settings.kiosk_id = options.kiosk_id;
    settings.idle_timeout = options.idle_timeout;                          // appliance: kiosk.toml
    settings.rules.minimum_shelf_life_days = options.min_shelf_life_days;  // appliance: kiosk.toml
    kiosk::SnapshotProductInfo products(ledger);  // the catalogue as the ledger thread last loaded it
    kiosk::DonationFlow flow(ledger, settings, &products, &ledger);
    flow.set_language(options.language, kiosk::Clock::now());

    // Sync to the county hub on its own thread, once the ledger exists; donations never wait for it.
    std::unique_ptr<storage::SyncWorker> sync;
    bool sync_attempted = false;
    // The staff screen reads the sync worker's figures (no database) on the UI thread.
    kiosk::SyncSource sync_source =
        [&sync, hub = !options.hub_url.empty()]() -> std::optional<storage::SyncProgress> {
        if (!hub) return std::nullopt;
        return sync ? sync->progress() : storage::SyncProgress{};
    };
    kiosk::LocalBackOfficeOptions office_options;
    office_options.ledger_file = kiosk::ledger_file(options.data_dir);
    office_options.staff_pin = env_or("MEDKIOSK_STAFF_PIN", "");
    office_options.technician_pin = env_or("MEDKIOSK_TECHNICIAN_PIN", "");
    office_options.ledger_options =
        storage::LedgerOptions{options.kiosk_id, kiosk::county_key_file(options.data_dir)};
    office_options.location = options.location;
    office_options.assets_dir = options.assets_dir;
    const auto office = kiosk::make_local_back_office(std::move(office_options), std::move(sync_source));
    kiosk::StaffFlow staff(*office);
    // What runs now: kiosk.toml with the command line's overrides.
    kiosk::TechnicianSettings technician_settings;
    technician_settings.camera = options.source.empty() ? std::string("auto") : options.source;
    technician_settings.width = options.camera_width;
    technician_settings.height = options.camera_height;
    technician_settings.kiosk_id = options.kiosk_id;
    technician_settings.language = options.language;
    technician_settings.idle_timeout_seconds = static_cast<int>(settings.idle_timeout.count());
    technician_settings.location = options.location;
    technician_settings.hub_url = options.hub_url;
    technician_settings.catalogue_file = options.catalogue_file;
    kiosk::TechnicianFlow technician(*office, technician_settings, options.config_file);
    kiosk::StaffScreen last_staff_screen = kiosk::StaffScreen::Closed;
    kiosk::DiagnosticsMeter diagnostics;
    FrameBench bench;
    bench.wanted = std::atoi(env_or("MEDKIOSK_BENCH_FRAMES", "0").c_str());
    if (bench.wanted > 0) flow.start(kiosk::Clock::now());  // the preview is what the benchmark measures
    long first_frame_ms = -1;
    std::optional<kiosk::Clock::time_point> corner_held_since;
    // Test mode: stands in for the OCR expiry reader (issue 8) so the confirm step can be driven.
    const std::optional<scanner::Date> test_proposal =
        scanner::parse_iso_date(env_or("MEDKIOSK_TEST_EXPIRY_PROPOSAL", "") + "-01");
    std::uint64_t proposed_for_pack = 0;

    // The printed expiry, read off the box while the donor is asked for it (packs whose code has none).
    // OCR runs at idle CPU priority on its own thread; the test stand-in above replaces it.
    kiosk::ExpiryReader expiry_reader;
    ExpiryReading expiry_reading;

    glfwSetErrorCallback(on_glfw_error);
    GlfwSession glfw;
    if (!glfw.ok) {
        std::cerr
            << "medkiosk: cannot open the display (is DISPLAY or WAYLAND_DISPLAY set? on the appliance the "
               "kiosk runs under cage; for development use an X session or Xvfb)\n";
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // ImGui draws flat triangles: no depth or stencil buffer (8 MB at 1080p with software GL).
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    GLFWmonitor* monitor = options.windowed ? nullptr : glfwGetPrimaryMonitor();
    int width = options.window_width;
    int height = options.window_height;
    if (monitor != nullptr) {
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        width = mode->width;
        height = mode->height;
    }
    GLFWwindow* window = glfwCreateWindow(width, height, "medkiosk 捐赠药品", monitor, nullptr);
    if (window == nullptr) {
        std::cerr << "medkiosk: cannot create an OpenGL 3 window (check the GPU driver or Mesa's llvmpipe)\n";
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // a kiosk has no saved window layout
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    glfwSetKeyCallback(window, on_key);  // installed first: ImGui's backend chains to it
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    int fb_width = 0;
    int fb_height = 0;
    glfwGetFramebufferSize(window, &fb_width, &fb_height);
    // Body text scales with the screen: 18 px minimum, about 1/30 of the shorter side (36 px at 1080p).
    const float body_px = std::max(18.0f, static_cast<float>(std::min(fb_width, fb_height)) / 30.0f);
    // Only the glyphs the kiosk shows are in the atlas: its own strings now, the catalogue's product
    // names once the ledger thread has loaded them (see below).
    Fonts fonts = build_font_texture(options.font_file, translations.all_text(), body_px);
    std::shared_ptr<const kiosk::PolicySnapshot> names_checked;
    std::string product_names;  // the catalogue's, as the atlas last saw them
    std::size_t clinics_checked = 0;
    std::string clinic_names;
    ApplyKioskStyle(body_px);

    PreviewTexture preview;
    std::uint64_t last_logged_pack = 0;
    std::string last_source_error;
    bool first_frame_logged = false;

    // Appliance: systemd READY/WATCHDOG from this loop, out-of-order detection, status file.
    kiosk::ApplianceMonitor appliance({options.data_dir, options.min_free_disk_bytes, options.kiosk_id,
                                       MEDKIOSK_VERSION, scanner::describe(spec), options.config_origin});

    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    auto frame_started = kiosk::Clock::now();
    // ImGui acts on a tap one frame after the press, and a language or screen change is fully drawn
    // only on the frame after it happened: after any input or change, a few frames follow at once.
    int prompt_frames = 0;
    while (!glfwWindowShouldClose(window) && !g_stop_requested) {
        // Only the live preview needs the camera's pace; every other screen waits for input and
        // wakes twice a second for its countdown.
        const bool preview_shown = flow.screen() == kiosk::Screen::Scan && !staff.open();
        const bool technician_shown = staff.screen() == kiosk::StaffScreen::Technician;
        if (bench.wanted == 0 && prompt_frames == 0) {
            glfwWaitEventsTimeout(appliance.max_idle_wait_seconds(preview_shown      ? 1.0 / 30.0
                                                                  : technician_shown ? 0.25
                                                                                     : 0.5));
        } else {
            glfwWaitEventsTimeout(bench.wanted == 0 ? 1.0 / 60.0 : 0.0);
            prompt_frames = std::max(0, prompt_frames - 1);
        }
        const auto now = kiosk::Clock::now();
        if (first_frame_ms >= 0 && bench.wanted > 0) {
            bench.frame_ms.push_back(std::chrono::duration<double, std::milli>(now - frame_started).count());
            if (bench.done()) {
                bench.report(first_frame_ms);
                break;
            }
        }
        frame_started = now;

        for (const auto& reply : office->take_replies()) {
            if (const auto* check = std::get_if<kiosk::PinCheck>(&reply.result)) {
                static constexpr const char* kOutcomes[] = {"accepted", "wrong", "locked-out", "unavailable"};
                kiosk::log_event("staff-signin", {{"role", std::string(kiosk::to_string(staff.role()))},
                                                  {"outcome", kOutcomes[static_cast<int>(check->outcome)]}});
            }
            staff.on_reply(reply, now);
            technician.on_reply(reply);
        }
        staff.tick(now);
        diagnostics.sample(pipeline.stats(), now);
        if (staff.screen() == kiosk::StaffScreen::Technician &&
            last_staff_screen != kiosk::StaffScreen::Technician)
            technician.opened();
        last_staff_screen = staff.screen();
        // What a saved setting can change without a restart applies now; the screen says what waits.
        if (const auto saved = technician.take_saved()) {
            flow.set_language(saved->language, now);
            flow.set_idle_timeout(std::chrono::seconds(saved->idle_timeout_seconds));
            kiosk::log_event("settings-applied",
                             {{"language", saved->language == kiosk::Language::English ? "en" : "zh"},
                              {"idle_timeout_seconds", std::to_string(saved->idle_timeout_seconds)},
                              {"restart_needed", technician.restart_needed() ? "yes" : "no"}});
        }
        if (technician.take_policy_changed()) ledger.refresh_policy();

        for (const auto& reply : ledger.take_replies()) {
            flow.on_reply(reply);
            if (const auto* record = std::get_if<storage::DropOffRecord>(&reply.result)) {
                if (sync) sync->wake();
                kiosk::log_event("dropoff-recorded",
                                 {{"uuid", record->uuid},
                                  {"sequence", std::to_string(record->sequence)},
                                  {"decision", record->decision},
                                  {"expiry", record->expiry},
                                  {"expiry_source", record->expiry_source.empty() ? std::string("none")
                                                                                  : record->expiry_source},
                                  {"condition", record->condition},
                                  {"quantity", std::to_string(record->quantity)}});
            } else if (const auto* error = std::get_if<storage::Error>(&reply.result)) {
                kiosk::log_event("ledger-error", {{"detail", error->message}});
                appliance.on_ledger_error(*error, now);
            }
        }
        const kiosk::OutOfOrder out_of_order = appliance.tick(now, pipeline.stats(), ledger.open_error());
        const scanner::Date today = scanner::today_utc();
        for (const auto& event : pipeline.take_events())
            if (out_of_order == kiosk::OutOfOrder::None) flow.on_scan(event, today, now);
        flow.tick(now);
        if (test_proposal && flow.screen() == kiosk::Screen::AskExpiry && flow.current() &&
            flow.current()->id != proposed_for_pack) {
            proposed_for_pack = flow.current()->id;
            flow.on_proposed_expiry({*test_proposal, scanner::ExpiryPrecision::Month, ""}, now);
        }
        if (!test_proposal)
            feed_expiry_reader(expiry_reader, expiry_reading, flow, pipeline.latest_frame(), now);
        if (!sync_attempted && !options.hub_url.empty() && ledger.ready()) {
            sync_attempted = true;
            sync = start_sync(options, pipeline);
        }

        if (const auto& current = flow.current(); current && current->id != last_logged_pack) {
            log_shown_pack(*current);
            last_logged_pack = current->id;
        }

        // Each scanner failure once (a decoder crash and the frame it skipped, a source reopened, a
        // file passed over); the camera's recovery when frames flow again.
        for (const scanner::ScannerIncident& incident : pipeline.take_incidents())
            kiosk::log_event(scanner_event_name(incident.kind),
                             {{"what", std::string(scanner::to_string(incident.kind))},
                              {"subject", incident.subject},
                              {"detail", incident.detail}});
        if (std::string source_error = pipeline.stats().source_error; source_error != last_source_error) {
            if (source_error.empty()) kiosk::log_event("camera-ok", {{"source", scanner::describe(spec)}});
            last_source_error = std::move(source_error);
        }
        const scanner::FramePtr frame = pipeline.latest_frame();
        preview.update(frame);
        if (frame && !first_frame_logged) {
            first_frame_logged = true;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
            first_frame_ms = static_cast<long>(ms);
            kiosk::log_event("first-frame", {{"ms_since_start", std::to_string(ms)}});
        }

        // A catalogue (at start, or newly imported) may name products with characters the atlas lacks:
        // rebuild it once with them, between frames, rather than show "?" for a product's name.
        // The same for the county's clinics and townships once the dispatch screen has them.
        bool names_changed = false;
        if (auto snapshot = ledger.policy(); snapshot && snapshot != names_checked) {
            names_checked = snapshot;
            product_names.clear();
            for (const auto& [key, product] : snapshot->products)
                product_names += product.name_zh + product.name_en;
            names_changed = true;
        }
        if (staff.clinics().size() != clinics_checked) {
            clinics_checked = staff.clinics().size();
            clinic_names.clear();
            for (const auto& c : staff.clinics())
                clinic_names += c.name_zh + c.name_en + c.township_zh + c.township_en;
            names_changed = true;
        }
        if (names_changed && !covers(fonts.body, product_names + clinic_names)) {
            const auto rebuild_started = kiosk::Clock::now();
            fonts = build_font_texture(options.font_file,
                                       translations.all_text() + product_names + clinic_names, body_px);
            kiosk::log_event(
                "font-glyphs-added",
                {{"products", std::to_string(names_checked ? names_checked->products.size() : 0)},
                 {"clinics", std::to_string(clinics_checked)},
                 {"ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           kiosk::Clock::now() - rebuild_started)
                                           .count())}});
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::PushFont(fonts.body);
        UiContext ui{flow,
                     translations,
                     pipeline,
                     ledger,
                     preview,
                     fonts,
                     now,
                     std::exchange(g_pending_keys, {}),
                     BackOfficeContext{staff, technician, diagnostics, *office}};
        const std::string shown_screen = screen_name(flow, staff);
        const auto language_before = flow.language();
        switch (staff.screen()) {
            case kiosk::StaffScreen::Pin:
                DrawPinScreen(ui);
                break;
            case kiosk::StaffScreen::Queue:
                DrawStaffQueueScreen(ui);
                break;
            case kiosk::StaffScreen::Technician:
                DrawTechnicianScreen(ui);
                break;
            case kiosk::StaffScreen::Dispatch:
                DrawDispatchScreen(ui);
                break;
            case kiosk::StaffScreen::Charts:
                DrawChartsScreen(ui);
                break;
            case kiosk::StaffScreen::Closed:
                if (out_of_order != kiosk::OutOfOrder::None) {
                    DrawOutOfOrderScreen(ui, out_of_order);
                    break;
                }
                switch (flow.screen()) {
                    case kiosk::Screen::Welcome:
                        DrawWelcomeScreen(ui);
                        break;
                    case kiosk::Screen::Scan:
                        DrawScanScreen(ui);
                        break;
                    case kiosk::Screen::AskExpiry:
                        DrawAskExpiryScreen(ui);
                        break;
                    case kiosk::Screen::ConfirmExpiry:
                        DrawConfirmExpiryScreen(ui);
                        break;
                    case kiosk::Screen::Details:
                        DrawDetailsScreen(ui);
                        break;
                    case kiosk::Screen::Receipt:
                        DrawReceiptScreen(ui);
                        break;
                }
                break;
        }
        FlushButtonLog(shown_screen.c_str());
        if (ui.restart_requested) {
            kiosk::log_event("restart-requested", {{"by", "technician"}});
            g_stop_requested = 1;
        }
        const ImGuiIO& input = ImGui::GetIO();
        const bool mouse_busy = input.MouseDown[0] || input.MouseReleased[0] || input.MouseClicked[0];
        if (mouse_busy || ui.keys.enter || ui.keys.escape || !ui.keys.digits.empty() || ui.keys.backspace ||
            language_before != flow.language() || shown_screen != screen_name(flow, staff)) {
            prompt_frames = 3;
        }
        // The hidden entry: hold the top-left corner of the welcome screen for staff, the top-right
        // corner for the technician.
        const float corner = ImGui::GetFontSize() * 3.0f;
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const float right_edge = ImGui::GetMainViewport()->Size.x;
        const bool in_left = mouse.x >= 0 && mouse.x < corner && mouse.y >= 0 && mouse.y < corner;
        const bool in_right =
            mouse.x > right_edge - corner && mouse.x <= right_edge && mouse.y >= 0 && mouse.y < corner;
        if (!staff.open() && flow.screen() == kiosk::Screen::Welcome && ImGui::GetIO().MouseDown[0] &&
            (in_left || in_right)) {
            if (!corner_held_since) corner_held_since = now;
            staff.hold_corner(*corner_held_since, now,
                              in_left ? kiosk::Role::Staff : kiosk::Role::Technician);
            if (staff.open())
                kiosk::log_event("staff-entry", {{"role", std::string(kiosk::to_string(staff.role()))}});
        } else {
            corner_held_since.reset();
        }
        if (ImGui::GetIO().MouseClicked[0] || ui.keys.enter || ui.keys.escape) flow.touch(now);
        ImGui::PopFont();
        ImGui::Render();

        glfwGetFramebufferSize(window, &fb_width, &fb_height);
        glViewport(0, 0, fb_width, fb_height);
        glClearColor(colours::background.x, colours::background.y, colours::background.z, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    if (sync) sync->stop();
    expiry_reader.stop();
    pipeline.stop();
    appliance.on_stop();
    kiosk::log_event("stopped");
    return 0;
}

}  // namespace medkiosk::ui
