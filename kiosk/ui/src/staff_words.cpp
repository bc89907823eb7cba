#include "staff_words.hpp"

#include <imgui.h>

#include <cstdio>
#include <ctime>

#include "medkiosk/kiosk/utf8.hpp"

namespace medkiosk::ui {

bool FontHasGlyphs(const std::string& text) {
    const ImFont* font = ImGui::GetFont();
    std::size_t i = 0;
    while (i < text.size()) {
        const kiosk::Utf8Step step = kiosk::utf8_next(text, i);
        if (!step.well_formed) return false;  // no glyph shows an ill-formed byte
        const char32_t c = step.code_point;
        i += step.length;
        if (c > 0xFFFF) return false;  // ImGui 1.86 is built with 16-bit ImWchar
        if (c >= 0x20 && font->FindGlyphNoFallback(static_cast<ImWchar>(c)) == nullptr) return false;
    }
    return true;
}

std::string ProductLabel(const UiContext& ui, const kiosk::QueueItem& item) {
    const bool chinese = ui.flow.language() == kiosk::Language::Chinese;
    const std::string& wanted = chinese ? item.name_zh : item.name_en;
    const std::string& other = chinese ? item.name_en : item.name_zh;
    if (!wanted.empty() && FontHasGlyphs(wanted)) return wanted;
    if (!other.empty() && FontHasGlyphs(other)) return other;
    return item.code;
}

std::string CategoryLabel(const UiContext& ui, const std::string& category) {
    if (category.empty()) return ui.tr("staff.no_category");
    // The catalogue's own category names; the known ones have words in both languages.
    const std::string key = "staff.category." + category;
    return ui.translations.has(ui.flow.language(), key) ? ui.tr(key) : category;
}

std::string StateLabel(const UiContext& ui, const kiosk::QueueItem& item) {
    namespace state = kiosk::review_state;
    if (item.partly_dispatched())  // the rest of the pack is still here to send
        return "→ " + kiosk::fill(ui.tr("staff.state_partly_dispatched"),
                                  {{"dispatched", std::to_string(item.dispatched)},
                                   {"boxes", std::to_string(item.recorded_boxes)}});
    if (item.review_state == state::kApproved) return "✓ " + ui.tr("staff.state_approved");
    if (item.review_state == state::kRejected) return "× " + ui.tr("staff.state_rejected");
    if (item.review_state == state::kDisposed) return "× " + ui.tr("staff.state_disposed");
    if (item.review_state == state::kDispatched) return "→ " + ui.tr("staff.state_dispatched");
    if (item.decision == "refuse") return "× " + ui.tr("staff.decision_refused");
    if (item.decision == "accept") return "✓ " + ui.tr("result.word_accepted");
    return "… " + ui.tr("staff.state_pending");
}

std::string LocalTimeLabel(const std::string& utc_iso) {
    std::tm utc{};
    if (std::sscanf(utc_iso.c_str(), "%d-%d-%dT%d:%d:%d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6)
        return utc_iso;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t when = timegm(&utc);
    std::tm local{};
    localtime_r(&when, &local);
    char text[32];
    std::strftime(text, sizeof text, "%m-%d %H:%M", &local);
    return text;
}

std::string DoneText(const UiContext& ui, const kiosk::Done& done) {
    if (done.key.empty()) return done.detail;
    std::string text = ui.tr(done.key);
    for (const auto& [name, raw] : done.values) {
        std::string value = raw;
        if (name == "category") value = CategoryLabel(ui, raw);
        // A review's action as the buttons name it (the ledger's words: approve, reject, dispose).
        if (name == "action" && raw == "approve") value = ui.tr("staff.action_approve");
        if (name == "action" && raw == "reject") value = ui.tr("staff.action_reject");
        if (name == "action" && raw == "dispose") value = ui.tr("staff.action_dispose");
        const std::string placeholder = "{" + name + "}";
        for (auto at = text.find(placeholder); at != std::string::npos;
             at = text.find(placeholder, at + value.size()))
            text.replace(at, placeholder.size(), value);
    }
    return text;
}

std::string StaffMessage(const UiContext& ui) {
    const auto& staff = ui.back_office.staff;
    return staff.message_ok() && !staff.message_done().key.empty() ? DoneText(ui, staff.message_done())
                                                                   : staff.message();
}

}  // namespace medkiosk::ui
