// Clinic mode after sign-in: the clinic's figures and its three tasks, and sign out.
#include <imgui.h>

#include <algorithm>

#include "screens.hpp"
#include "widgets.hpp"

namespace medkiosk::ui {

void DrawClinicHomeScreen(UiContext& ui) {
    if (!BeginFullscreen("clinic-home")) {
        ImGui::End();
        return;
    }
    auto& clinic = *ui.clinic;
    const std::string today = kiosk::clinic_today();
    // The figures are asked for once per visit; the answer comes back through the office's queue.
    if (!clinic.overview() && !clinic.loading() && !clinic.message()) clinic.home(today, ui.now);
    if (DrawClinicHeading(ui, kiosk::fill(ui.tr("clinic.home_heading"), {{"clinic", ui.clinic_id}})))
        clinic.sign_out();
    DrawClinicMessage(ui);
    if (const auto& view = clinic.overview()) {
        const auto& t = view->totals;
        ImGui::TextUnformatted(
            kiosk::fill(ui.tr("clinic.home_figures"), {{"on_hand", std::to_string(t.on_hand)},
                                                       {"received", std::to_string(t.received)},
                                                       {"given_out", std::to_string(t.given_out)},
                                                       {"arrivals", std::to_string(t.arrivals)}})
                .c_str());
        if (clinic.expired() > 0)
            TextWrappedColoured(colours::refuse, kiosk::fill(ui.tr("clinic.home_expired"),
                                                             {{"lines", std::to_string(clinic.expired())}}));
        if (clinic.expiring_soon() > 0)
            TextWrappedColoured(colours::review,
                                kiosk::fill(ui.tr("clinic.home_expiring"),
                                            {{"lines", std::to_string(clinic.expiring_soon())}}));
    } else {
        ImGui::TextUnformatted(ui.tr("clinic.loading").c_str());
    }
    ImGui::Spacing();
    const float em = ImGui::GetFontSize();
    const float width = std::min(ImGui::GetContentRegionAvail().x, em * 22.0f);
    // Three tasks and sign-out fit a 7" 1024x600 panel with 3 mm capitals: 11 mm and a fifth each.
    const float task_height = std::max(MinTouchPx() * 1.2f, em * 2.2f);
    ImGui::PushFont(ui.fonts.title);
    if (BigButton(ui.tr("clinic.task_arrival") + "##arrival", ImVec2(width, task_height), colours::primary))
        clinic.open_arrival(ui.now);
    if (BigButton(ui.tr("clinic.task_give_out") + "##give-out", ImVec2(width, task_height), colours::primary))
        clinic.open_give_out(today, ui.now);
    if (BigButton(ui.tr("clinic.task_stock") + "##stock", ImVec2(width, task_height), colours::primary))
        clinic.open_stock(today, ui.now);
    ImGui::PopFont();
    ImGui::Spacing();
    if (BigButton(ui.tr("clinic.sign_out") + "##sign-out", ImVec2(width, std::max(MinTouchPx(), em * 1.8f)),
                  colours::neutral))
        clinic.sign_out();
    ImGui::End();
}

}  // namespace medkiosk::ui
