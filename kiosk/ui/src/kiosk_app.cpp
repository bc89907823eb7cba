#include "medkiosk/ui/kiosk_app.hpp"

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <utility>

#include "fonts.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/health.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/scanner/parse.hpp"
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
}

void on_glfw_error(int code, const char* description) {
    kiosk::log_event("display-error", {{"code", std::to_string(code)}, {"detail", description}});
}

// Logs what the donor is shown, so tests and technicians can follow the flow without a screen.
void log_shown_pack(const kiosk::CurrentPack& current) {
    if (current.pack) {
        const auto& pack = *current.pack;
        kiosk::log_event("pack-shown", {{"scheme", std::string(scanner::to_string(pack.scheme))},
                                        {"gtin", pack.gtin},
                                        {"product_id", pack.product_id},
                                        {"expiry", pack.expiry ? scanner::to_iso(*pack.expiry) : std::string()},
                                        {"batch", pack.batch},
                                        {"decision", std::string(kiosk::to_string(current.assessment.decision))},
                                        {"reason", current.assessment.reason}});
    } else {
        kiosk::log_event("pack-unreadable", {{"format", current.symbol.format}, {"error", current.parse_error}});
    }
}

}  // namespace

int run_kiosk(const KioskOptions& options) {
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
    kiosk::log_event("starting", {{"source", scanner::describe(spec)}, {"data_dir", options.data_dir.string()},
                                  {"kiosk_id", options.kiosk_id}});

    // Camera and ledger start on their own threads before the window exists: the first frame and
    // the open database are ready sooner, and the UI thread never waits for either.
    scanner::ScanPipeline pipeline(spec);
    pipeline.start();
    kiosk::LedgerWorker ledger(kiosk::ledger_file(options.data_dir),
                               storage::LedgerOptions{options.kiosk_id, kiosk::county_key_file(options.data_dir)});
    kiosk::FlowSettings settings;
    settings.kiosk_id = options.kiosk_id;
    settings.idle_timeout = options.idle_timeout;                          // appliance: kiosk.toml
    settings.rules.minimum_shelf_life_days = options.min_shelf_life_days;  // appliance: kiosk.toml
    kiosk::DonationFlow flow(ledger, settings);
    flow.set_language(options.language, kiosk::Clock::now());

    glfwSetErrorCallback(on_glfw_error);
    GlfwSession glfw;
    if (!glfw.ok) {
        std::cerr << "medkiosk: cannot open the display (is DISPLAY or WAYLAND_DISPLAY set? on the appliance the "
                     "kiosk runs under cage; for development use an X session or Xvfb)\n";
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
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
    const Fonts fonts = load_fonts(options.font_file, translations.all_text(), body_px);
    ApplyKioskStyle(body_px);

    PreviewTexture preview;
    std::uint64_t last_logged_pack = 0;
    std::string last_source_error;
    bool first_frame_logged = false;
    const auto started = kiosk::Clock::now();

    // Appliance: systemd READY/WATCHDOG from this loop, out-of-order detection, status file.
    kiosk::ApplianceMonitor appliance({options.data_dir, options.min_free_disk_bytes, options.kiosk_id, MEDKIOSK_VERSION,
                                       scanner::describe(spec), options.config_origin});

    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    while (!glfwWindowShouldClose(window) && !g_stop_requested) {
        // Idle slowly on the welcome screen; follow the camera while scanning.
        glfwWaitEventsTimeout(flow.screen() == kiosk::Screen::Welcome ? 0.1 : 1.0 / 30.0);
        const auto now = kiosk::Clock::now();

        for (const auto& reply : ledger.take_replies()) {
            flow.on_reply(reply);
            if (const auto* record = std::get_if<storage::DropOffRecord>(&reply.result)) {
                kiosk::log_event("dropoff-recorded", {{"uuid", record->uuid}, {"sequence", std::to_string(record->sequence)},
                                                      {"decision", record->decision}});
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

        if (const auto& current = flow.current(); current && current->id != last_logged_pack) {
            log_shown_pack(*current);
            last_logged_pack = current->id;
        }

        if (std::string source_error = pipeline.stats().source_error; source_error != last_source_error) {
            if (!source_error.empty()) kiosk::log_event("camera-error", {{"detail", source_error}});
            else kiosk::log_event("camera-ok", {{"source", scanner::describe(spec)}});
            last_source_error = std::move(source_error);
        }
        const scanner::FramePtr frame = pipeline.latest_frame();
        preview.update(frame);
        if (frame && !first_frame_logged) {
            first_frame_logged = true;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
            kiosk::log_event("first-frame", {{"ms_since_start", std::to_string(ms)}});
        }

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::PushFont(fonts.body);
        UiContext ui{flow, translations, pipeline, ledger, preview, fonts, now, std::exchange(g_pending_keys, {})};
        if (out_of_order != kiosk::OutOfOrder::None) DrawOutOfOrderScreen(ui, out_of_order);
        else switch (flow.screen()) {
            case kiosk::Screen::Welcome: DrawWelcomeScreen(ui); break;
            case kiosk::Screen::Scan: DrawScanScreen(ui); break;
            case kiosk::Screen::Receipt: DrawReceiptScreen(ui); break;
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
    pipeline.stop();
    appliance.on_stop();
    kiosk::log_event("stopped");
    return 0;
}

}  // namespace medkiosk::ui
