// The technician's screen: a header, tabs (settings, camera, users, rules and drives, clinics) and,
// for the two settings tabs, the save bar. Users, rules and clinics have their own files
// (users_screen.cpp, rules_screen.cpp, clinics_screen.cpp). Nothing here waits: every action goes to the back
// office and its answer shows up on a later frame.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "layout_report.hpp"
#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "screens.hpp"
#include "staff_words.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

void FieldError(UiContext& ui, const char* field) {
    const auto& errors = ui.back_office.technician.errors();
    if (auto it = errors.find(field); it != errors.end())
        TextWrappedColoured(colours::refuse, "× " + ui.tr(it->second));
}

void ShowResult(const std::optional<Result<kiosk::Done>>& result, const std::string& ok_text,
                const std::string& failed_text) {
    if (!result) return;
    if (result->ok())
        TextWrappedColoured(colours::accept, "✓ " + ok_text);
    else
        TextWrappedColoured(colours::refuse, "× " + failed_text + ": " + kiosk::outcome_text(*result));
}

void DrawHubResult(UiContext& ui, float hub_row_top) {
    auto& tech = ui.back_office.technician;
    if (tech.hub_test_running()) TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    if (const auto& report = tech.hub_report()) {
        if (report->ok) {
            char line[256];
            std::snprintf(line, sizeof line,
                          "✓ %s  ·  PostgreSQL %s  ·  %s %s UTC  ·  %s %+.1f s  ·  %.0f ms",
                          ui.tr("tech.hub.ok").c_str(), report->server_version.c_str(),
                          ui.tr("tech.hub.time").c_str(), report->hub_time.c_str(),
                          ui.tr("tech.hub.skew").c_str(), report->clock_skew_seconds, report->round_trip_ms);
            TextWrappedColoured(colours::accept, line);
            if (std::abs(report->clock_skew_seconds) > 60)
                TextWrappedColoured(colours::review, "! " + ui.tr("tech.hub.skew_warning"));
        } else {
            TextWrappedColoured(colours::refuse, "× " + ui.tr(report->problem_key));
            // libpq's own words, for the technician who must dig further; none when nothing was tried.
            if (report->problem_key != "tech.hub.no_url")
                TextWrappedColoured(colours::muted_text, kiosk::mask_conninfo_password(report->detail));
        }
    } else if (const auto& result = tech.hub_test().result; result && !result->ok()) {
        TextWrappedColoured(colours::refuse,
                            "× " + kiosk::mask_conninfo_password(kiosk::outcome_text(*result)));
    }
    // On a short screen the Test button sits at the tab's bottom edge and its answer would appear
    // below the fold: the tab scrolls once to show the answer (or "running"), each time a new one comes,
    // never so far that the address and its Test button leave the top.
    static int shown_state = 0;  // 0 nothing, 1 running, 2 an answer
    const bool answered =
        tech.hub_report().has_value() || (tech.hub_test().result && !tech.hub_test().result->ok());
    const int state = tech.hub_test_running() ? 1 : answered ? 2 : 0;
    if (state != shown_state) {
        shown_state = state;
        const float bottom =
            ImGui::GetScrollY() + ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y;
        if (state != 0 && ImGui::GetCursorPosY() > bottom)
            ImGui::SetScrollY(std::min(ImGui::GetScrollY() + ImGui::GetCursorPosY() - bottom,
                                       hub_row_top - ImGui::GetStyle().ItemSpacing.y));
    }
}

void DrawSettingsTab(UiContext& ui, float column, float field) {
    auto& tech = ui.back_office.technician;
    auto& draft = tech.draft();
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    // Wide enough for the longer of its two labels ("Test connection", "Import catalogue"): never cut.
    float longest_action = 0;
    for (const char* key : {"tech.test_hub", "tech.import"})
        longest_action = std::max(
            longest_action, ImGui::CalcTextSize(ui.tr(key).c_str()).x + ImGui::GetStyle().FramePadding.x * 2);
    const float action = std::max(std::min(em * 8.0f, field * 0.4f), longest_action);

    RowLabel(ui.tr("tech.kiosk_id"), column);
    InputString("##kiosk-id", draft.kiosk_id, field);
    FieldError(ui, "kiosk_id");
    RowLabel(ui.tr("tech.location"), column);
    InputString("##location", draft.location, field);
    FieldError(ui, "location");
    RowLabel(ui.tr("tech.language"), column);
    if (ChoiceButton("中文##lang-zh", draft.language == kiosk::Language::Chinese, ImVec2(0, 0)))
        draft.language = kiosk::Language::Chinese;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton("English##lang-en", draft.language == kiosk::Language::English, ImVec2(0, 0)))
        draft.language = kiosk::Language::English;
    NoteLatinOnPurpose();  // each language named in itself
    if (ui.display != nullptr) {
        // What the text and button sizes were computed from, and how to correct a wrong guess.
        const kiosk::DisplayMetrics& display = *ui.display;
        char inches[16];
        std::snprintf(inches, sizeof inches, "%.1f", display.diagonal_inches);
        const char* source = display.source == kiosk::DisplaySizeSource::Monitor  ? "tech.screen_monitor"
                             : display.source == kiosk::DisplaySizeSource::Config ? "tech.screen_config"
                                                                                  : "tech.screen_assumed";
        RowLabel(ui.tr("tech.screen"), column);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + field);
        ImGui::TextUnformatted(
            kiosk::fill(ui.tr("tech.screen_value"),
                        {{"inches", inches},
                         {"source", ui.tr(source)},
                         {"body", std::to_string(static_cast<int>(display.body_px))},
                         {"touch", std::to_string(static_cast<int>(display.min_touch_px))}})
                .c_str());
        ImGui::PopTextWrapPos();
    }
    RowLabel(ui.tr("tech.idle_timeout"), column);
    if (BigButton("−##idle-less", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds -= 15;
    ImGui::SameLine(0, spacing);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(
        kiosk::fill(ui.tr("tech.seconds"), {{"seconds", std::to_string(draft.idle_timeout_seconds)}})
            .c_str());
    ImGui::SameLine(0, spacing);
    if (BigButton("+##idle-more", ImVec2(em * 2.5f, 0), colours::primary)) draft.idle_timeout_seconds += 15;
    FieldError(ui, "idle_timeout");
    // The donor's verdict chimes: on or off, how loud, and a try before saving.
    RowLabel(ui.tr("tech.sound"), column);
    if (ChoiceButton(ui.tr("tech.sound_on") + "##sound-on", draft.sound_enabled, ImVec2(em * 4.0f, 0)))
        draft.sound_enabled = true;
    ImGui::SameLine(0, spacing);
    if (ChoiceButton(ui.tr("tech.sound_off") + "##sound-off", !draft.sound_enabled, ImVec2(em * 4.0f, 0)))
        draft.sound_enabled = false;
    FieldError(ui, "sound");
    RowLabel(ui.tr("tech.volume"), column);
    ImGui::BeginDisabled(!draft.sound_enabled);
    if (BigButton("−##volume-less", ImVec2(em * 2.5f, 0), colours::primary))
        draft.sound_volume = std::max(0, draft.sound_volume - 10);
    ImGui::SameLine(0, spacing);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%d", draft.sound_volume);
    ImGui::SameLine(0, spacing);
    if (BigButton("+##volume-more", ImVec2(em * 2.5f, 0), colours::primary))
        draft.sound_volume = std::min(kiosk::kMaxVolume, draft.sound_volume + 10);
    ImGui::SameLine(0, spacing * 2);
    if (BigButton(ui.tr("tech.sound_try") + "##sound-try", ImVec2(0, 0), colours::neutral))
        tech.preview_sound();
    ImGui::EndDisabled();
    FieldError(ui, "volume");
    ImGui::Separator();

    const float hub_row_top = ImGui::GetCursorPosY();
    RowLabel(ui.tr("tech.hub_url"), column);
    // Through the flow, so an edit forgets the test result of the address that was there before.
    std::string hub_url = draft.hub_url;
    // Its password masked (••••) unless it is being edited; kiosk.toml keeps the real one.
    if (InputStringMasked("##hub", hub_url, kiosk::mask_conninfo_password(hub_url), field - action - spacing))
        tech.set_hub_url(std::move(hub_url));
    ImGui::SameLine(0, spacing);
    ImGui::BeginDisabled(tech.hub_test_running());
    if (BigButton(ui.tr("tech.test_hub") + "##test-hub", ImVec2(action, 0), colours::primary))
        tech.test_hub();
    ImGui::EndDisabled();
    FieldError(ui, "hub_url");
    DrawHubResult(ui, hub_row_top);
    ImGui::Separator();

    RowLabel(ui.tr("tech.catalogue_file"), column);
    InputString("##catalogue", draft.catalogue_file, field - action - spacing);
    ImGui::SameLine(0, spacing);
    ImGui::BeginDisabled(tech.catalogue_import().running);
    if (BigButton(ui.tr("tech.import") + "##import", ImVec2(action, 0), colours::primary))
        tech.import_catalogue();
    ImGui::EndDisabled();
    FieldError(ui, "catalogue_file");
    if (tech.catalogue_import().running) {
        const kiosk::TaskProgress progress = ui.back_office.technician.import_progress();
        const std::string label = ui.tr("tech.import_rows") + " " + progress.label;
        ImGui::ProgressBar(progress.known ? static_cast<float>(progress.fraction) : 0.0f,
                           ImVec2(-1, em * 1.6f),
                           progress.known ? label.c_str() : ui.tr("tech.running").c_str());
    }
    const auto& imported = tech.catalogue_import().result;
    std::string import_done = ui.tr("tech.import_done");
    if (imported && imported->ok()) import_done.append(" ").append(DoneText(ui, imported->value()));
    ShowResult(imported, import_done, ui.tr("tech.import_failed"));
    ImGui::Separator();
    DrawClinicModeSetting(ui, column);  // clinics_screen.cpp: the clinic chosen from the clinic list
}

void DrawCameraTab(UiContext& ui, float column, float field) {
    auto& tech = ui.back_office.technician;
    auto& draft = tech.draft();
    const auto& meter = ui.back_office.diagnostics;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;

    TextWrappedColoured(colours::primary, ui.tr("tech.diagnostics"));
    char line[200];
    std::snprintf(line, sizeof line, "%s %.1f   ·   %s %.1f   ·   %s %.0f", ui.tr("tech.fps").c_str(),
                  meter.fps(), ui.tr("tech.decode_ms").c_str(), meter.decode_ms(),
                  ui.tr("tech.codes_per_minute").c_str(), meter.codes_per_minute());
    ImGui::TextWrapped("%s", line);
    if (const std::string& error = ui.pipeline.stats().source_error; !error.empty())
        TextWrappedColoured(colours::refuse, "× " + error);
    ImGui::Separator();

    // Each source a button, wrapped to the width; a video file is typed.
    RowLabel(ui.tr("tech.camera"), 0);
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("tech.camera_refresh") + "##camera-refresh", ImVec2(0, 0), colours::neutral))
        tech.refresh_cameras();
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    const auto& sources = tech.camera_sources();
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const std::string& source = sources[i];
        std::string shown = source == "auto"   ? ui.tr("tech.camera_auto")
                            : source == "demo" ? ui.tr("tech.camera_demo")
                                               : source;
        const std::string label = shown + "##source-" + std::to_string(i);
        const float width =
            ImGui::CalcTextSize(("✓ " + shown).c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
        if (i > 0 && ImGui::GetItemRectMax().x + spacing + width < right) ImGui::SameLine(0, spacing);
        if (ChoiceButton(label, draft.camera == source, ImVec2(0, 0))) draft.camera = source;
    }
    RowLabel(ui.tr("tech.camera_video"), column);
    std::string video = draft.camera.rfind("video:", 0) == 0 ? draft.camera.substr(6) : std::string();
    if (InputString("##camera-video", video, field)) draft.camera = video.empty() ? "auto" : "video:" + video;
    RowLabel(ui.tr("tech.camera_spec"), column);
    InputString("##camera", draft.camera, field);
    FieldError(ui, "camera");
    ImGui::Separator();

    RowLabel(ui.tr("tech.resolution"), 0);
    static const std::pair<int, int> kResolutions[] = {{0, 0}, {640, 480}, {1280, 720}, {1920, 1080}};
    for (const auto& [w, h] : kResolutions) {
        const std::string text =
            w == 0 ? ui.tr("tech.camera_auto") : std::to_string(w) + "×" + std::to_string(h);
        SameLineIfFits(text, true);
        if (ChoiceButton(text + "##res" + std::to_string(w), draft.width == w && draft.height == h,
                         ImVec2(0, 0))) {
            draft.width = w;
            draft.height = h;
        }
    }
    FieldError(ui, "resolution");
    (void)em;
}

void DrawSaveBar(UiContext& ui) {
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    ImGui::BeginDisabled(tech.saving().running);
    if (BigButton("✓ " + ui.tr("tech.save") + "##save", ImVec2(em * 7.0f, 0), colours::accept) &&
        !tech.save()) {
        std::string fields;
        for (const auto& [field, reason] : tech.errors()) fields += (fields.empty() ? "" : ",") + field;
        kiosk::log_event("settings-refused", {{"fields", fields}});
    }
    ImGui::EndDisabled();
    ImGui::SameLine(0, spacing);
    if (BigButton(ui.tr("tech.revert") + "##revert", ImVec2(em * 7.0f, 0), colours::neutral)) tech.revert();
    const auto& last_save = tech.saving().result;
    const bool offer_restart = tech.errors().empty() && !tech.saving().running &&
                               !(last_save && !last_save->ok()) && !tech.dirty() && tech.restart_needed();
    if (offer_restart) {  // on the same row: the save bar has room for one row only on small screens
        ImGui::SameLine(0, spacing);
        if (BigButton(ui.tr("tech.restart_now") + "##restart-now", ImVec2(em * 9.0f, 0), colours::primary))
            ui.restart_requested = true;
    }
    ImGui::SameLine(0, spacing * 2);
    ImGui::PushTextWrapPos(0.0f);
    if (!tech.errors().empty()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("tech.not_saved"));
    } else if (tech.saving().running) {
        TextWrappedColoured(colours::muted_text, ui.tr("tech.running"));
    } else if (const auto& result = tech.saving().result; result && !result->ok()) {
        TextWrappedColoured(colours::refuse, "× " + ui.tr("tech.save_failed") + " " +
                                                 kiosk::mask_conninfo_password(kiosk::outcome_text(*result)));
    } else if (tech.dirty()) {
        TextWrappedColoured(colours::review, "! " + ui.tr("tech.unsaved"));
    } else if (tech.restart_needed()) {
        TextWrappedColoured(colours::review, "! " + ui.tr("tech.restart_needed"));
    } else if (result && result->ok()) {
        TextWrappedColoured(colours::accept, "✓ " + ui.tr("tech.saved"));
    }
    ImGui::PopTextWrapPos();
}

}  // namespace

void DrawTechnicianScreen(UiContext& ui) {
    if (!BeginFullscreen("technician")) {
        ImGui::End();
        return;
    }
    auto& tech = ui.back_office.technician;
    const float em = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float column = std::min(em * 8.0f, area.x * 0.3f);
    const float field = area.x - column - spacing - ImGui::GetStyle().ScrollbarSize;
    const float close_width = em * 5.0f;

    ImGui::PushFont(ui.fonts.title);
    ImGui::TextUnformatted(ui.tr("tech.heading").c_str());
    ImGui::PopFont();
    ImGui::SameLine(area.x - close_width);
    if (BigButton(ui.tr("staff.close") + "##close", ImVec2(close_width, 0), colours::neutral) ||
        ui.keys.escape) {
        ui.back_office.staff.close();
        ImGui::End();
        return;
    }

    struct Tab {
        kiosk::TechnicianTab tab;
        const char* key;
        const char* id;
    };
    static constexpr Tab kTabs[] = {{kiosk::TechnicianTab::Settings, "tech.tab.settings", "tab-settings"},
                                    {kiosk::TechnicianTab::Camera, "tech.tab.camera", "tab-camera"},
                                    {kiosk::TechnicianTab::Users, "tech.tab.users", "tab-users"},
                                    {kiosk::TechnicianTab::Rules, "tech.tab.rules", "tab-rules"},
                                    {kiosk::TechnicianTab::Clinics, "tech.tab.clinics", "tab-clinics"}};
    constexpr int kTabCount = static_cast<int>(std::size(kTabs));
    const float tab_width = (area.x - spacing * (kTabCount - 1)) / kTabCount;
    for (const auto& tab : kTabs) {
        if (tab.tab != kiosk::TechnicianTab::Settings) ImGui::SameLine(0, spacing);
        // A name too wide for its fifth of a 1024 px screen ("✓ Kiosk & hub") goes on two lines at the
        // space nearest its middle; the tab is tall enough for two.
        std::string label = ui.tr(tab.key);
        const float room = tab_width - ImGui::GetStyle().FramePadding.x * 2;
        if (ImGui::CalcTextSize(("✓ " + label).c_str()).x > room) {
            std::size_t best = std::string::npos;
            const auto off_middle = [&](std::size_t at) {
                const std::size_t twice = at * 2;
                return twice > label.size() ? twice - label.size() : label.size() - twice;
            };
            for (std::size_t at = label.find(' '); at != std::string::npos; at = label.find(' ', at + 1))
                if (best == std::string::npos || off_middle(at) < off_middle(best)) best = at;
            if (best != std::string::npos) label[best] = '\n';
        }
        const bool two_lines = label.find('\n') != std::string::npos;
        if (two_lines)
            ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, 2));
        const bool tapped =
            ChoiceButton(label + "##" + tab.id, tech.tab() == tab.tab, ImVec2(tab_width, em * 2.2f));
        if (two_lines) ImGui::PopStyleVar();
        if (tapped && tech.tab() != tab.tab) {
            CloseTouchKeyboard();  // its field is on the tab being left: Done must not write it unseen
            tech.show(tab.tab);
        }
    }

    const bool settings_tab =
        tech.tab() == kiosk::TechnicianTab::Settings || tech.tab() == kiosk::TechnicianTab::Camera;
    // The save bar stays in view below the scrolling tab; it may wrap to a second line of text.
    const float bar = settings_tab ? em * 3.6f : 0.0f;
    // One child per tab: each keeps its own scroll position.
    ImGui::BeginChild(kTabs[static_cast<int>(tech.tab())].id, ImVec2(0, -bar), true);
    switch (tech.tab()) {
        case kiosk::TechnicianTab::Settings:
            DrawSettingsTab(ui, column, field - em);
            break;
        case kiosk::TechnicianTab::Camera:
            DrawCameraTab(ui, column, field - em);
            break;
        case kiosk::TechnicianTab::Users:
            DrawTechnicianUsers(ui);
            break;
        case kiosk::TechnicianTab::Rules:
            DrawTechnicianRules(ui);
            break;
        case kiosk::TechnicianTab::Clinics:
            DrawTechnicianClinics(ui);
            break;
    }
    ImGui::EndChild();
    if (settings_tab) DrawSaveBar(ui);
    ImGui::End();
}

}  // namespace medkiosk::ui
