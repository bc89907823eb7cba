#pragma once
// Every string the donor sees comes from assets/lang/<code>.json, keyed by a stable id.

#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/result.hpp"

namespace medkiosk::kiosk {

enum class Language { Chinese, English };

std::string_view language_code(Language language);  // "zh-CN", "en"

class Translations {
  public:
    // Loads both languages from `lang_dir`, or says which file is wrong and how (missing file, bad
    // JSON, a value that is not a string); then nothing is replaced.
    Result<void> load(const std::filesystem::path& lang_dir);

    // The text for `key`; a missing key yields the key itself (visible on screen, caught by tests).
    const std::string& text(Language language, std::string_view key) const;
    bool has(Language language, std::string_view key) const;
    std::vector<std::string> keys(Language language) const;

    // Every string in both languages, for building the font's glyph set.
    std::string all_text() const;

  private:
    std::map<std::string, std::string, std::less<>> chinese_;
    std::map<std::string, std::string, std::less<>> english_;
    mutable std::map<std::string, std::string, std::less<>> missing_;
};

}  // namespace medkiosk::kiosk

namespace medkiosk::kiosk {

// Replaces "{name}" in a translated text with its value, e.g. {{"seconds", "12"}}.
std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string>> values);

}  // namespace medkiosk::kiosk
