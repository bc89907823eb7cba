// The kiosk's one window. Each frame: the composition root's work (FrameWork::before_frame), then the
// screen the flows are on (a switch: one function per screen, one file each), then what the donor asked
// for applied to the donation flow (ApplyDonorActions). A tap on "I put it in the donation bin" sets
// DonorActions::confirm in details_screen.cpp and becomes DonationFlow::confirm here.

#include "medkiosk/ui/kiosk_window.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fonts.hpp"
#include "layout_report.hpp"
#include "medkiosk/kiosk/display_metrics.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/stop_request.hpp"
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

KeyPresses g_pending_keys;  // written by the key callback on the UI thread, read once per frame

void on_key(GLFWwindow*, int key, int, int action, int) {
    if (action != GLFW_PRESS) return;
    g_pending_keys.typed = true;
    if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) g_pending_keys.enter = true;
    if (key == GLFW_KEY_ESCAPE) g_pending_keys.escape = true;
    if (key == GLFW_KEY_BACKSPACE) g_pending_keys.backspace = true;
    if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9)
        g_pending_keys.digits += static_cast<char>('0' + (key - GLFW_KEY_0));
    if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9)
        g_pending_keys.digits += static_cast<char>('0' + (key - GLFW_KEY_KP_0));
}

void on_glfw_error(int code, const char* description) {
    kiosk::log_event("display-error", {{"code", std::to_string(code)}, {"detail", description}});
}

long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return 0;
}

// Frame-time figures for the benchmark (test builds): N frames after the first camera frame is shown,
// then the window logs them and closes.
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

const char* screen_name(const kiosk::DonationFlow& flow, const kiosk::StaffFlow& staff,
                        const kiosk::ClinicFlow* clinic, kiosk::OutOfOrder out_of_order) {
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
    if (clinic == nullptr && out_of_order != kiosk::OutOfOrder::None) return "out-of-order";
    static std::string name;
    name =
        std::string(clinic != nullptr ? kiosk::to_string(clinic->screen()) : kiosk::to_string(flow.screen()));
    return name.c_str();
}

// Clinic mode's screens, chosen by the clinic flow.
void DrawClinicScreen(UiContext& ui) {
    switch (ui.clinic->screen()) {
        case kiosk::ClinicScreen::Welcome:
            return DrawClinicWelcomeScreen(ui);
        case kiosk::ClinicScreen::Pin:
            return DrawClinicPinScreen(ui);
        case kiosk::ClinicScreen::Home:
            return DrawClinicHomeScreen(ui);
        case kiosk::ClinicScreen::Arrival:
            return DrawClinicArrivalScreen(ui);
        case kiosk::ClinicScreen::GiveOut:
            return DrawClinicGiveOutScreen(ui);
        case kiosk::ClinicScreen::Stock:
            return DrawClinicStockScreen(ui);
    }
}

// The one switch from the flows' state to the screen drawn.
void DrawScreen(UiContext& ui, kiosk::OutOfOrder out_of_order) {
    switch (ui.back_office.staff.screen()) {
        case kiosk::StaffScreen::Pin:
            return DrawPinScreen(ui);
        case kiosk::StaffScreen::Queue:
            return DrawStaffQueueScreen(ui);
        case kiosk::StaffScreen::Technician:
            return DrawTechnicianScreen(ui);
        case kiosk::StaffScreen::Dispatch:
            return DrawDispatchScreen(ui);
        case kiosk::StaffScreen::Charts:
            return DrawChartsScreen(ui);
        case kiosk::StaffScreen::Closed:
            break;
    }
    if (ui.clinic != nullptr) return DrawClinicScreen(ui);
    if (out_of_order != kiosk::OutOfOrder::None) return DrawOutOfOrderScreen(ui, out_of_order);
    switch (ui.flow.screen()) {
        case kiosk::Screen::Welcome:
            return DrawWelcomeScreen(ui);
        case kiosk::Screen::Scan:
            return DrawScanScreen(ui);
        case kiosk::Screen::AskExpiry:
            return DrawAskExpiryScreen(ui);
        case kiosk::Screen::ConfirmExpiry:
            return DrawConfirmExpiryScreen(ui);
        case kiosk::Screen::Details:
            return DrawDetailsScreen(ui);
        case kiosk::Screen::Receipt:
            return DrawReceiptScreen(ui);
    }
}

// What the donor tapped, as donation-flow actions.
void ApplyDonorActions(const DonorActions& asked, kiosk::DonationFlow& flow, kiosk::Clock::time_point now) {
    if (asked.language) flow.set_language(*asked.language, now);
    if (asked.toggle_larger_text) flow.toggle_larger_text(now);
    if (asked.touched) flow.touch(now);
    if (asked.start) flow.start(now);
    if (asked.choose) flow.choose(now);
    if (asked.dismiss) flow.dismiss(now);
    if (asked.back) flow.back(now);
    if (asked.picked_expiry) flow.pick_expiry(asked.picked_expiry->first, asked.picked_expiry->second, now);
    if (asked.proposal_answer) flow.answer_proposal(*asked.proposal_answer, now);
    if (asked.condition) flow.set_condition(*asked.condition, now);
    if (asked.quantity_change != 0) flow.change_quantity(asked.quantity_change, now);
    if (asked.confirm) flow.confirm(now);  // records the drop-off through the ledger worker
    if (asked.finish) flow.finish(now);
}

std::string fixed(double value, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// Text and touch sizes in millimetres, from the monitor the window is on (the whole panel's pixels and
// the size it reports), kiosk.toml's diagonal, and the capitals of the font the atlas will use.
kiosk::DisplayMetrics measure_display(const WindowOptions& options, GLFWwindow* window) {
    GLFWmonitor* monitor = glfwGetWindowMonitor(window);
    if (monitor == nullptr) monitor = glfwGetPrimaryMonitor();
    kiosk::DisplayInputs inputs;
    glfwGetFramebufferSize(window, &inputs.width_px, &inputs.height_px);
    if (monitor != nullptr) {
        if (const GLFWvidmode* mode = glfwGetVideoMode(monitor); mode != nullptr) {
            inputs.width_px = mode->width;
            inputs.height_px = mode->height;
        }
        glfwGetMonitorPhysicalSize(monitor, &inputs.width_mm, &inputs.height_mm);
    }
    inputs.configured_diagonal_inches = options.display_diagonal_inches;
    const double cap_per_px = measure_cap_height_per_px(options.font_file);
    const kiosk::DisplayMetrics metrics = kiosk::compute_display_metrics(inputs, cap_per_px);
    const std::string source(kiosk::to_string(metrics.source));
    const std::string monitor_text =
        std::to_string(inputs.width_px) + "x" + std::to_string(inputs.height_px) + "px/" +
        std::to_string(inputs.width_mm) + "x" + std::to_string(inputs.height_mm) + "mm";
    const std::string why(kiosk::implausible_monitor_size(inputs));
    if (metrics.source == kiosk::DisplaySizeSource::Assumed) {
        kiosk::log_event("display",
                         {{"source", source},
                          {"mm_per_px", fixed(metrics.mm_per_px, 4)},
                          {"body_px", fixed(metrics.body_px, 0)},
                          {"min_touch_px", fixed(metrics.min_touch_px, 0)},
                          {"cap_mm", fixed(metrics.cap_height_mm, 2)},
                          {"diagonal_inches", fixed(metrics.diagonal_inches, 1)},
                          {"monitor", monitor_text},
                          {"why", why},
                          {"fix", "set [display] diagonal_inches in kiosk.toml to the panel's size"}});
    } else {
        kiosk::log_event("display", {{"source", source},
                                     {"mm_per_px", fixed(metrics.mm_per_px, 4)},
                                     {"body_px", fixed(metrics.body_px, 0)},
                                     {"min_touch_px", fixed(metrics.min_touch_px, 0)},
                                     {"cap_mm", fixed(metrics.cap_height_mm, 2)},
                                     {"diagonal_inches", fixed(metrics.diagonal_inches, 1)},
                                     {"monitor", monitor_text}});
    }
    return metrics;
}

// The hidden entry: hold the top-left corner of the welcome screen for staff, the top-right corner for
// the technician.
void FollowCornerHold(kiosk::StaffFlow& staff, const kiosk::DonationFlow& flow, kiosk::Clock::time_point now,
                      std::optional<kiosk::Clock::time_point>& held_since, bool staff_entry) {
    const float corner = ImGui::GetFontSize() * 3.0f;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float right_edge = ImGui::GetMainViewport()->Size.x;
    const bool in_left = mouse.x >= 0 && mouse.x < corner && mouse.y >= 0 && mouse.y < corner;
    const bool in_right =
        mouse.x > right_edge - corner && mouse.x <= right_edge && mouse.y >= 0 && mouse.y < corner;
    if (!staff.open() && flow.screen() == kiosk::Screen::Welcome && ImGui::GetIO().MouseDown[0] &&
        ((in_left && staff_entry) || in_right)) {
        if (!held_since) held_since = now;
        staff.hold_corner(*held_since, now, in_left ? kiosk::Role::Staff : kiosk::Role::Technician);
        if (staff.open())
            kiosk::log_event("staff-entry", {{"role", std::string(kiosk::to_string(staff.role()))}});
    } else {
        held_since.reset();
    }
}

}  // namespace

int run_kiosk_window(const WindowOptions& options, KioskParts parts, FrameWork& work) {
    const auto started = kiosk::Clock::now();  // "first frame" is measured from here
    kiosk::DonationFlow& flow = parts.flow;
    kiosk::StaffFlow& staff = parts.staff;

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
    int width = options.width;
    int height = options.height;
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
    // Capitals of body text at least 3 mm tall and touch targets at least 11 mm, on this screen.
    const kiosk::DisplayMetrics metrics = measure_display(options, window);
    SetMinTouchPx(metrics.min_touch_px);
    float body_px = metrics.body_px;  // ×1.25 while a donor has asked for larger text
    // Only the glyphs the kiosk shows are in the atlas: its own strings now, the catalogue's product
    // names once the ledger thread has loaded them (see below).
    const float title_px = std::round(metrics.body_px * 1.6f);  // titles keep their size with larger text
    Fonts fonts = build_font_texture(options.font_file, parts.translations.all_text(), body_px, title_px);
    std::shared_ptr<const kiosk::PolicySnapshot> names_checked;
    std::string product_names;  // the catalogue's, as the atlas last saw them
    std::size_t clinics_checked = 0;
    std::string clinic_names;
    ApplyKioskStyle(body_px);
    if (options.layout_report) EnableLayoutReport(options.layout_data_words);

    PreviewTexture preview;
    FrameBench bench;
    bench.wanted = options.bench_frames;
    if (bench.wanted > 0) flow.start(kiosk::Clock::now());  // the preview is what the benchmark measures
    long first_frame_ms = -1;
    std::optional<kiosk::Clock::time_point> corner_held_since;
    std::optional<kiosk::Language> logged_language;

    // SIGTERM, SIGINT and SIGHUP end the loop so queued drop-offs are written before exit; main
    // installed their handlers before anything else (stop_request.hpp).
    auto frame_started = kiosk::Clock::now();
    // ImGui acts on a tap one frame after the press, and a language or screen change is fully drawn
    // only on the frame after it happened: after any input or change, a few frames follow at once.
    int prompt_frames = 0;
    while (!glfwWindowShouldClose(window) && !kiosk::stop_requested()) {
        // Only the live preview needs the camera's pace; every other screen waits for input and
        // wakes twice a second for its countdown.
        const bool preview_shown =
            !staff.open() && (parts.clinic != nullptr ? parts.clinic->screen() == kiosk::ClinicScreen::Arrival
                                                      : flow.screen() == kiosk::Screen::Scan);
        const bool technician_shown = staff.screen() == kiosk::StaffScreen::Technician;
        if (bench.wanted == 0 && prompt_frames == 0) {
            glfwWaitEventsTimeout(work.max_idle_wait_seconds(preview_shown      ? 1.0 / 30.0
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

        const kiosk::OutOfOrder out_of_order = work.before_frame(now);

        const scanner::FramePtr frame = parts.pipeline.latest_frame();
        preview.update(frame);
        if (frame && first_frame_ms < 0) {
            first_frame_ms = static_cast<long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count());
            kiosk::log_event("first-frame", {{"ms_since_start", std::to_string(first_frame_ms)}});
        }

        // A catalogue (at start, or newly imported) may name products with characters the atlas lacks:
        // rebuild it once with them, between frames, rather than show "?" for a product's name.
        // The same for the county's clinics and townships once the dispatch screen has them.
        bool names_changed = false;
        if (auto snapshot = parts.ledger.policy(); snapshot && snapshot != names_checked) {
            names_checked = snapshot;
            product_names.clear();
            for (const auto& [key, product] : snapshot->products)
                product_names += product.name_zh + product.name_en;
            names_changed = true;
        }
        // The dispatch screen's clinics and the technician's Clinics tab (a rename or a clinic added
        // there changes the names, not always the count).
        std::string clinics_now;
        std::size_t clinics_count = 0;
        const auto add_clinic_names = [&](const std::vector<storage::ClinicChoice>& clinics) {
            clinics_count += clinics.size();
            for (const auto& c : clinics)
                clinics_now += c.name_zh + c.name_en + c.township_zh + c.township_en;
        };
        add_clinic_names(staff.clinics());
        if (parts.clinic != nullptr && parts.clinic->clinic_names())  // clinic mode's welcome names it
            clinics_now += parts.clinic->clinic_names()->name_zh + parts.clinic->clinic_names()->name_en;
        if (const auto& book = parts.technician.clinics()) add_clinic_names(book->clinics);
        if (clinics_now != clinic_names) {
            clinics_checked = clinics_count;
            clinic_names = std::move(clinics_now);
            names_changed = true;
        }
        // A donor's "larger text" (never on staff or clinic screens, which are laid out for one size).
        const bool donor_screens = !staff.open() && parts.clinic == nullptr;
        const float wanted_body_px = metrics.body_px_for(donor_screens && flow.larger_text());
        const bool glyphs_missing = names_changed && !covers(fonts.body, product_names + clinic_names);
        if (glyphs_missing || wanted_body_px != body_px) {
            const auto rebuild_started = kiosk::Clock::now();
            body_px = wanted_body_px;
            fonts = build_font_texture(options.font_file,
                                       parts.translations.all_text() + product_names + clinic_names, body_px,
                                       title_px);
            ApplyKioskStyle(body_px);
            const auto rebuild_ms = std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(kiosk::Clock::now() - rebuild_started)
                    .count());
            if (glyphs_missing) {
                kiosk::log_event(
                    "font-glyphs-added",
                    {{"products", std::to_string(names_checked ? names_checked->products.size() : 0)},
                     {"clinics", std::to_string(clinics_checked)},
                     {"ms", rebuild_ms}});
            } else {
                kiosk::log_event("text-size", {{"body_px", fixed(body_px, 0)},
                                               {"larger", body_px > metrics.body_px ? "yes" : "no"},
                                               {"ms", rebuild_ms}});
            }
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::PushFont(fonts.body);
        UiContext ui{flow,
                     parts.translations,
                     parts.pipeline,
                     parts.ledger,
                     preview,
                     fonts,
                     now,
                     std::exchange(g_pending_keys, {}),
                     BackOfficeContext{staff, parts.technician, parts.diagnostics},
                     DonorActions{},
                     false,
                     parts.clinic,
                     parts.clinic_id,
                     &metrics};
        const std::string shown_screen = screen_name(flow, staff, parts.clinic, out_of_order);
        const auto language_before = flow.language();
        // First, so that a key meant for the warning does not reach the screen (it stays on top).
        if (!staff.open() && out_of_order == kiosk::OutOfOrder::None) DrawStillThere(ui);
        // Escape closes the on-screen keyboard first; only the next one is the screen's (sign out).
        const bool keyboard_cancelled = ui.keys.escape && CancelTouchKeyboard();
        if (keyboard_cancelled) ui.keys.escape = false;
        DrawScreen(ui, out_of_order);
        DrawTouchKeyboard(ui);
        FlushButtonLog(shown_screen.c_str());
        ApplyDonorActions(ui.donor, flow, now);
        // The language the donor screens speak: chosen by a donor, back to the kiosk's after a donation.
        if (flow.language() != logged_language) {
            logged_language = flow.language();
            kiosk::log_event("donor-language",
                             {{"language", std::string(kiosk::language_code(flow.language()))}});
        }
        if (ui.restart_requested) {
            kiosk::log_event("restart-requested", {{"by", "technician"}});
            kiosk::request_stop();
        }
        const ImGuiIO& input = ImGui::GetIO();
        const bool mouse_busy = input.MouseDown[0] || input.MouseReleased[0] || input.MouseClicked[0];
        if (mouse_busy || ui.keys.enter || ui.keys.escape || keyboard_cancelled || !ui.keys.digits.empty() ||
            ui.keys.backspace || language_before != flow.language() ||
            shown_screen != screen_name(flow, staff, parts.clinic, out_of_order)) {
            prompt_frames = 3;
        }
        if (parts.clinic == nullptr || parts.clinic->screen() == kiosk::ClinicScreen::Welcome)
            FollowCornerHold(staff, flow, now, corner_held_since, parts.clinic == nullptr);
        // Staff and technician sign-out counts from the last touch or key, as the donor's does.
        if (staff.open() && (mouse_busy || input.MouseWheel != 0.0f || ui.keys.enter || ui.keys.escape ||
                             !ui.keys.digits.empty() || ui.keys.backspace || ui.keys.typed))
            staff.touch(now);
        if (ImGui::GetIO().MouseClicked[0] || ui.keys.enter || ui.keys.escape) {
            flow.touch(now);
            if (parts.clinic != nullptr)
                parts.clinic->touch(now);  // clinic sign-out counts from the last touch
        }
        ImGui::PopFont();
        ImGui::Render();
        ReportLayout(shown_screen, language_before == kiosk::Language::Chinese ? "zh" : "en");

        glfwGetFramebufferSize(window, &fb_width, &fb_height);
        glViewport(0, 0, fb_width, fb_height);
        glClearColor(colours::background.x, colours::background.y, colours::background.z, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
    }

    // A refusal still in its undo window is final when the kiosk stops (the back office stores it
    // before its thread ends).
    staff.close();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    return 0;
}

}  // namespace medkiosk::ui
