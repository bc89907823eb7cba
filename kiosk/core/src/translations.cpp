#include "medkiosk/kiosk/translations.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace medkiosk::kiosk {
namespace {

using StringMap = std::map<std::string, std::string, std::less<>>;

Result<StringMap> load_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
        return Error{ErrorCode::NotFound, "cannot read " + file.string() +
                                              ": check that the assets folder is installed (--assets DIR)"};
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
        return Error{ErrorCode::Corrupt, file.string() +
                                             " is not a JSON object of key → text; fix the file or reinstall "
                                             "the assets"};
    }
    StringMap loaded;
    for (const auto& [key, value] : doc.items()) {
        if (!value.is_string())
            return Error{ErrorCode::Invalid, file.string() + ": value of \"" + key + "\" must be a string"};
        loaded.emplace(key, value.get<std::string>());
    }
    return loaded;
}

// The glossary: "{term.donation_bin}" in any text is the "term.donation_bin" entry of the same file, so
// each bin, person and outcome has one name in each language wherever a sentence uses it.
Result<void> use_glossary(StringMap& table, const std::filesystem::path& file) {
    static constexpr std::string_view kOpen = "{term.";
    for (auto& [key, text] : table) {
        if (key.rfind("term.", 0) == 0) continue;
        for (std::size_t at = text.find(kOpen); at != std::string::npos; at = text.find(kOpen, at)) {
            const std::size_t close = text.find('}', at);
            if (close == std::string::npos)
                return Error{ErrorCode::Invalid, file.string() + ": \"" + key + "\" has an unclosed {term."};
            const std::string term = text.substr(at + 1, close - at - 1);
            const auto found = table.find(term);
            if (found == table.end())
                return Error{ErrorCode::Invalid, file.string() + ": \"" + key + "\" uses {" + term +
                                                     "}, which the file does not define"};
            text.replace(at, close - at + 1, found->second);
            at += found->second.size();
        }
    }
    return {};
}

}  // namespace

std::string_view language_code(Language language) {
    return language == Language::Chinese ? "zh-CN" : "en";
}

Result<void> Translations::load(const std::filesystem::path& lang_dir) {
    auto chinese = load_file(lang_dir / "zh-CN.json");
    if (!chinese) return chinese.error();
    auto english = load_file(lang_dir / "en.json");
    if (!english) return english.error();
    if (auto used = use_glossary(chinese.value(), lang_dir / "zh-CN.json"); !used) return used.error();
    if (auto used = use_glossary(english.value(), lang_dir / "en.json"); !used) return used.error();
    chinese_ = std::move(chinese).value();
    english_ = std::move(english).value();
    return {};
}

const std::string& Translations::text(Language language, std::string_view key) const {
    const auto& table = language == Language::Chinese ? chinese_ : english_;
    if (auto it = table.find(key); it != table.end()) return it->second;
    auto [it, inserted] = missing_.emplace(std::string(key), std::string(key));
    return it->second;
}

bool Translations::has(Language language, std::string_view key) const {
    const auto& table = language == Language::Chinese ? chinese_ : english_;
    return table.find(key) != table.end();
}

std::vector<std::string> Translations::keys(Language language) const {
    std::vector<std::string> result;
    for (const auto& [key, value] : language == Language::Chinese ? chinese_ : english_)
        result.push_back(key);
    return result;
}

std::string Translations::all_text() const {
    std::string all;
    for (const auto* table : {&chinese_, &english_}) {
        for (const auto& [key, value] : *table) all += value;
    }
    return all;
}

}  // namespace medkiosk::kiosk

namespace medkiosk::kiosk {

std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
    // Builds a new string rather than replacing in place, so a value containing "{name}" is not
    // expanded again.
    std::string result;
    result.reserve(text.size());
    std::size_t at = 0;
    while (at < text.size()) {
        bool replaced = false;
        if (text[at] == '{') {
            for (const auto& [name, value] : values) {
                if (text.compare(at + 1, name.size(), name) == 0 && at + 1 + name.size() < text.size() &&
                    text[at + 1 + name.size()] == '}') {
                    result += value;
                    at += name.size() + 2;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) result += text[at++];
    }
    return result;
}

}  // namespace medkiosk::kiosk
