#pragma once
// Words the staff screens share: a drop-off's product, category, decision and state in the screen's
// language, and times in the kiosk's local time.

#include <string>

#include "screens.hpp"

namespace medkiosk::ui {

// The product's name in the screen's language; the other language's name when the font lacks a glyph
// of it (the atlas holds the translation strings' glyphs, not every catalogue name); else the code.
std::string ProductLabel(const UiContext& ui, const kiosk::QueueItem& item);
std::string CategoryLabel(const UiContext& ui, const std::string& category);  // "" → unclassified
std::string StateLabel(const UiContext& ui, const kiosk::QueueItem& item);    // decision and review state
// "MM-DD HH:MM" in local time from a UTC ISO-8601 time; the text as is when it does not parse.
std::string LocalTimeLabel(const std::string& utc_iso);
// A command's outcome in the screen's language (Done's key and values; a review's action and a
// category named as the screens name them); its English detail when it has no key.
std::string DoneText(const UiContext& ui, const kiosk::Done& done);
// The staff flow's last message in the screen's language.
std::string StaffMessage(const UiContext& ui);
// True when the current font has a glyph for every character of `text`.
bool FontHasGlyphs(const std::string& text);

}  // namespace medkiosk::ui
