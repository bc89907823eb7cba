#include "medkiosk/kiosk/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/scanner/frame_source.hpp"

namespace medkiosk::kiosk {
namespace fs = std::filesystem;
namespace {

constexpr std::array kKeys{
    ConfigKey{"kiosk.id", ConfigValueType::String,
              "1 to 64 letters, digits, '-', '_' or '.', e.g. \"county3-pharmacy12\""},
    ConfigKey{"kiosk.location", ConfigValueType::String,
              "any text up to 200 characters, e.g. \"Pharmacy No. 3\""},
    ConfigKey{"kiosk.language", ConfigValueType::String, "\"zh\" or \"en\""},
    ConfigKey{"kiosk.idle_timeout_seconds", ConfigValueType::Integer,
              "a whole number of seconds from 30 to 3600, e.g. 90"},
    ConfigKey{"kiosk.font", ConfigValueType::String,
              "the path of a font file, or \"\" to find Noto Sans CJK SC through fontconfig"},
    ConfigKey{"kiosk.catalogue_file", ConfigValueType::String,
              "\"\" or the absolute path of the county catalogue CSV, e.g. \"/media/usb/catalogue.csv\""},
    ConfigKey{"kiosk.mode", ConfigValueType::String,
              "\"collection-point\" (takes donations) or \"clinic\" (receives dispatches, gives packs out)"},
    ConfigKey{"kiosk.clinic_id", ConfigValueType::String,
              "\"\" or the clinic's id from the hub (medkioskctl hub clinics list), e.g. \"shitang-vc\"; "
              "needed with mode = \"clinic\""},
    ConfigKey{"camera.source", ConfigValueType::String,
              "\"auto\", \"demo\", \"camera:0\", \"camera:/dev/video0\", \"video:FILE\" or \"images:DIR\""},
    ConfigKey{"camera.resolution", ConfigValueType::String, "\"auto\" or WIDTHxHEIGHT, e.g. \"1920x1080\""},
    ConfigKey{"storage.data_dir", ConfigValueType::String, "an absolute path, or \"\" for /var/lib/medkiosk"},
    ConfigKey{"storage.min_free_disk_mb", ConfigValueType::Integer,
              "a whole number of MiB from 1 to 100000, e.g. 64"},
    ConfigKey{"policy.min_shelf_life_days", ConfigValueType::Integer,
              "a whole number of days from 0 to 3650, e.g. 90"},
    ConfigKey{"hub.url", ConfigValueType::String,
              "\"\" (no hub yet) or a PostgreSQL URL, e.g. "
              "\"postgresql://kiosk_k1:PASSWORD@hub.example:5432/medkiosk\""},
    ConfigKey{"sound.enabled", ConfigValueType::Boolean, "true (chimes on) or false (silent)"},
    ConfigKey{"sound.volume", ConfigValueType::Integer, "a whole number from 0 (silent) to 100, e.g. 70"},
    ConfigKey{"sound.device", ConfigValueType::String,
              "an ALSA device name (aplay -L), e.g. \"default\" or \"plughw:1,0\""},
    ConfigKey{"display.diagonal_inches", ConfigValueType::Decimal,
              "the screen's diagonal in inches from 4 to 100, e.g. 10.1, or 0 to use the size the monitor "
              "reports"},
};

struct Position {
    int line = 0;
    int column = 0;
};

Position position_of(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a decimal number";
        case toml::node_type::boolean:
            return "true/false";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time:
            return "a date or time";
        default:
            return "nothing";
    }
}

bool parse_resolution(std::string_view text, int& width, int& height) {
    if (text == "auto") {
        width = height = 0;
        return true;
    }
    const auto x = text.find('x');
    if (x == std::string_view::npos) return false;
    auto number = [](std::string_view digits, int& out) {
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
    };
    return number(text.substr(0, x), width) && number(text.substr(x + 1), height) && width >= 160 &&
           height >= 120 && width <= 8192 && height <= 8192;
}

bool valid_kiosk_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
    });
}

// Checks one value and stores it; false when it is out of its allowed form.
bool apply_string(KioskConfig& config, std::string_view key, const std::string& value) {
    if (key == "kiosk.id") {
        if (!valid_kiosk_id(value)) return false;
        config.kiosk_id = value;
    } else if (key == "kiosk.location") {
        if (value.size() > 200 || value.find('\n') != std::string::npos) return false;
        config.location = value;
    } else if (key == "kiosk.language") {
        if (value != "zh" && value != "en") return false;
        config.language = value;
    } else if (key == "kiosk.font") {
        config.font = value;
    } else if (key == "kiosk.mode") {
        if (value != "collection-point" && value != "clinic") return false;
        config.mode = value;
    } else if (key == "kiosk.clinic_id") {
        const auto id_char = [](unsigned char c) {
            return (c >= 'a' && c <= 'z') || std::isdigit(c) || c == '_' || c == '-';
        };
        if (value.size() > 40 || !std::all_of(value.begin(), value.end(), id_char)) return false;
        config.clinic_id = value;
    } else if (key == "kiosk.catalogue_file") {
        if (!value.empty() && (!fs::path(value).is_absolute() || value.find('\n') != std::string::npos))
            return false;
        config.catalogue_file = value;
    } else if (key == "camera.source") {
        if (value != "auto" &&
            !std::holds_alternative<scanner::SourceSpec>(scanner::parse_source_spec(value)))
            return false;
        config.camera_source = value;
    } else if (key == "camera.resolution") {
        if (!parse_resolution(value, config.camera_width, config.camera_height)) return false;
    } else if (key == "storage.data_dir") {
        if (!value.empty() && !fs::path(value).is_absolute()) return false;
        config.data_dir = value;
    } else if (key == "hub.url") {
        if (!value.empty() && value.rfind("postgresql://", 0) != 0 && value.rfind("postgres://", 0) != 0)
            return false;
        config.hub_url = value;
    } else if (key == "sound.device") {
        // ALSA names: "default", "plughw:CARD=Device,DEV=0", "dmix:1"; never empty, no spaces or quotes.
        const auto device_char = [](unsigned char c) {
            return std::isalnum(c) || c == ':' || c == ',' || c == '=' || c == '_' || c == '-' || c == '.';
        };
        if (value.empty() || value.size() > 100 || !std::all_of(value.begin(), value.end(), device_char))
            return false;
        config.sound_device = value;
    } else {
        return false;
    }
    return true;
}

bool apply_integer(KioskConfig& config, std::string_view key, std::int64_t value) {
    auto in = [value](std::int64_t low, std::int64_t high) { return value >= low && value <= high; };
    if (key == "kiosk.idle_timeout_seconds") {
        if (!in(30, 3600)) return false;
        config.idle_timeout_seconds = static_cast<int>(value);
    } else if (key == "storage.min_free_disk_mb") {
        if (!in(1, 100000)) return false;
        config.min_free_disk_mb = static_cast<int>(value);
    } else if (key == "policy.min_shelf_life_days") {
        if (!in(0, 3650)) return false;
        config.min_shelf_life_days = static_cast<int>(value);
    } else if (key == "sound.volume") {
        if (!in(0, 100)) return false;
        config.sound_volume = static_cast<int>(value);
    } else {
        return false;
    }
    return true;
}

bool apply_decimal(KioskConfig& config, std::string_view key, double value) {
    if (key == "display.diagonal_inches") {
        if (!(value == 0 || (value >= 4.0 && value <= 100.0))) return false;
        config.display_diagonal_inches = value;
    } else {
        return false;
    }
    return true;
}

// A decimal as typed by a technician: "10.1", "7", "0". No exponent, no sign, no "inf" or "nan".
std::optional<double> parse_decimal(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The shortest text that reads back as the same number, always with a decimal point (a TOML float).
std::string decimal_text(double value) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, ec == std::errc() ? end : buffer);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return text;
}

bool apply_boolean(KioskConfig& config, std::string_view key, bool value) {
    if (key == "sound.enabled") {
        config.sound_enabled = value;
    } else {
        return false;
    }
    return true;
}

std::string keys_of_table(std::string_view table) {
    std::string list;
    for (const auto& key : kKeys) {
        if (key.name.substr(0, key.name.find('.')) != table) continue;
        if (!list.empty()) list += ", ";
        list += key.name.substr(key.name.find('.') + 1);
    }
    return list;
}

std::string quote_toml(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                    out += buffer;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// A value as a problem message shows it: hub.url's password masked, since `config check`, `config set`
// and the technician's screen print what was refused, and a refused address still holds the password.
std::string shown_value(std::string_view dotted_name, std::string value) {
    return dotted_name == "hub.url" ? mask_conninfo_password(value) : value;
}

// Why a hub address holding kMaskedPassword is refused, wherever it comes from (`config set`, the
// technician's screen, kiosk.toml edited by hand): it is the masked form that `config show`, the screen
// and the logs print, copied back, and the kiosk would log in with the bullets as its password.
constexpr const char* kMaskedHubAddress =
    "this is the masked form shown by config show; type the real password "
    "(medkioskctl config set hub.url 'postgresql://USER:PASSWORD@HOST/DB')";

bool is_masked_hub_address(std::string_view dotted_name, std::string_view value) {
    return dotted_name == "hub.url" && value.find(kMaskedPassword) != std::string_view::npos;
}

Result<std::string> read_whole_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{ErrorCode::Io, std::string("cannot read the file: ") + std::strerror(errno)};
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

ConfigIssue unreadable(const fs::path& file, const Error& error) {
    return {file.string(), 0, 0, "", error.message};
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string::size_type start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::string ConfigIssue::to_string() const {
    std::string text = file;
    if (line > 0) {
        text += ':' + std::to_string(line);
        if (column > 0) text += ':' + std::to_string(column);
    }
    text += ": ";
    if (!key.empty()) text += key + ": ";
    return text + message;
}

std::span<const ConfigKey> config_keys() {
    return kKeys;
}

const ConfigKey* find_config_key(std::string_view dotted_name) {
    for (const auto& key : kKeys)
        if (key.name == dotted_name) return &key;
    return nullptr;
}

ConfigParse parse_config(std::string_view text, const std::string& file_name) {
    ConfigParse result;
    auto issue = [&](Position at, std::string key, std::string message) {
        result.issues.push_back({file_name, at.line, at.column, std::move(key), std::move(message)});
    };
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        issue({1, 0}, "",
              "the file is empty; expected the settings documented in /usr/share/doc/medkiosk/kiosk.toml");
        return result;
    }
    toml::table root;
    try {
        root = toml::parse(text, file_name);
    } catch (const toml::parse_error& error) {
        issue(position_of(error.source()), "",
              std::string("not valid TOML: ") + std::string(error.description()));
        return result;
    }
    for (auto&& [table_key, table_node] : root) {
        const std::string table_name(table_key.str());
        const std::string known = keys_of_table(table_name);
        if (known.empty()) {
            issue(position_of(table_key.source()), table_name,
                  "unknown section; expected one of [kiosk], [camera], [storage], [policy], [hub], "
                  "[sound], [display]");
            continue;
        }
        const toml::table* table = table_node.as_table();
        if (table == nullptr) {
            issue(position_of(table_node.source()), table_name,
                  "expected a section [" + table_name + "], got " + type_name(table_node));
            continue;
        }
        for (auto&& [key, node] : *table) {
            const std::string dotted = table_name + "." + std::string(key.str());
            const ConfigKey* schema = find_config_key(dotted);
            if (schema == nullptr) {
                issue(position_of(key.source()), dotted, "unknown key; [" + table_name + "] has " + known);
                continue;
            }
            if (node.is_string() && is_masked_hub_address(dotted, node.as_string()->get())) {
                issue(position_of(node.source()), dotted, kMaskedHubAddress);
                continue;
            }
            bool applied = false;
            if (schema->type == ConfigValueType::String && node.is_string()) {
                applied = apply_string(result.config, dotted, node.as_string()->get());
            } else if (schema->type == ConfigValueType::Integer && node.is_integer()) {
                applied = apply_integer(result.config, dotted, node.as_integer()->get());
            } else if (schema->type == ConfigValueType::Boolean && node.is_boolean()) {
                applied = apply_boolean(result.config, dotted, node.as_boolean()->get());
            } else if (schema->type == ConfigValueType::Decimal && node.is_floating_point()) {
                applied = apply_decimal(result.config, dotted, node.as_floating_point()->get());
            } else if (schema->type == ConfigValueType::Decimal && node.is_integer()) {
                applied = apply_decimal(result.config, dotted, static_cast<double>(node.as_integer()->get()));
            }
            if (!applied) {
                std::string got = type_name(node);
                // Masked before it is written as TOML: its escapes ("\tpassword", "ab\\ cd") would
                // hide the keyword and the value's end from the masking.
                if (node.is_string()) got = quote_toml(shown_value(dotted, node.as_string()->get()));
                if (node.is_integer()) got = std::to_string(node.as_integer()->get());
                if (node.is_floating_point() && schema->type == ConfigValueType::Decimal)
                    got = decimal_text(node.as_floating_point()->get());
                issue(position_of(node.source()), dotted,
                      "expected " + std::string(schema->expected) + ", got " + got);
            }
        }
    }
    // A clinic-mode kiosk belongs to one clinic.
    if (result.config.mode == "clinic" && result.config.clinic_id.empty()) {
        const toml::node* mode = root.at_path("kiosk.mode").node();
        issue(mode != nullptr ? position_of(mode->source()) : Position{1, 0}, "kiosk.clinic_id",
              "mode = \"clinic\" needs the clinic: clinic_id = an id from medkioskctl hub clinics list");
    }
    // toml++ keeps keys sorted by name; a technician reads the file top to bottom.
    std::stable_sort(result.issues.begin(), result.issues.end(),
                     [](const ConfigIssue& a, const ConfigIssue& b) { return a.line < b.line; });
    return result;
}

ConfigParse read_config_file(const fs::path& file) {
    const auto text = read_whole_file(file);
    if (!text) return ConfigParse{{}, {unreadable(file, text.error())}};
    return parse_config(text.value(), file.string());
}

std::string config_value_text(const KioskConfig& config, std::string_view key) {
    if (key == "kiosk.id") return quote_toml(config.kiosk_id);
    if (key == "kiosk.location") return quote_toml(config.location);
    if (key == "kiosk.language") return quote_toml(config.language);
    if (key == "kiosk.idle_timeout_seconds") return std::to_string(config.idle_timeout_seconds);
    if (key == "kiosk.font") return quote_toml(config.font);
    if (key == "kiosk.mode") return quote_toml(config.mode);
    if (key == "kiosk.clinic_id") return quote_toml(config.clinic_id);
    if (key == "kiosk.catalogue_file") return quote_toml(config.catalogue_file);
    if (key == "camera.source") return quote_toml(config.camera_source);
    if (key == "camera.resolution") {
        if (config.camera_width == 0) return quote_toml("auto");
        return quote_toml(std::to_string(config.camera_width) + "x" + std::to_string(config.camera_height));
    }
    if (key == "storage.data_dir") return quote_toml(config.data_dir);
    if (key == "storage.min_free_disk_mb") return std::to_string(config.min_free_disk_mb);
    if (key == "policy.min_shelf_life_days") return std::to_string(config.min_shelf_life_days);
    if (key == "hub.url") return quote_toml(config.hub_url);
    if (key == "sound.enabled") return config.sound_enabled ? "true" : "false";
    if (key == "sound.volume") return std::to_string(config.sound_volume);
    if (key == "sound.device") return quote_toml(config.sound_device);
    if (key == "display.diagonal_inches") return decimal_text(config.display_diagonal_inches);
    return {};
}

std::string render_config(const KioskConfig& config) {
    std::string text;
    std::string_view current_table;
    for (const auto& key : kKeys) {
        const std::string_view table = key.name.substr(0, key.name.find('.'));
        if (table != current_table) {
            if (!text.empty()) text += '\n';
            text += '[';
            text += table;
            text += "]\n";
            current_table = table;
        }
        text += std::string(key.name.substr(key.name.find('.') + 1)) + " = " +
                config_value_text(config, key.name) + "\n";
    }
    return text;
}

std::string_view to_string(ConfigOrigin origin) {
    switch (origin) {
        case ConfigOrigin::File:
            return "file";
        case ConfigOrigin::LastGood:
            return "last-good";
        case ConfigOrigin::Defaults:
            return "defaults";
    }
    return "?";
}

LoadedConfig load_config_with_fallback(const fs::path& file, const fs::path& last_good_file) {
    LoadedConfig loaded;
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        loaded.file_missing = true;
    } else {
        const auto text = read_whole_file(file);
        ConfigParse parsed = text ? parse_config(text.value(), file.string())
                                  : ConfigParse{{}, {unreadable(file, text.error())}};
        if (parsed.ok()) {
            loaded.config = parsed.config;
            loaded.origin = ConfigOrigin::File;
            if (const auto previous = read_whole_file(last_good_file);
                !last_good_file.empty() && (!previous || previous.value() != text.value())) {
                if (auto written = write_file_atomically(last_good_file, text.value()); !written)
                    loaded.last_good_error = written.error().message;
            }
            return loaded;
        }
        loaded.issues = std::move(parsed.issues);
    }
    if (!last_good_file.empty() && fs::exists(last_good_file, ec)) {
        ConfigParse last_good = read_config_file(last_good_file);
        if (last_good.ok()) {
            loaded.config = last_good.config;
            loaded.origin = ConfigOrigin::LastGood;
            return loaded;
        }
        for (auto& issue : last_good.issues) loaded.issues.push_back(std::move(issue));
    }
    loaded.origin = ConfigOrigin::Defaults;
    return loaded;
}

std::optional<std::string> config_value_problem(std::string_view dotted_name, std::string_view value) {
    const ConfigKey* schema = find_config_key(dotted_name);
    if (schema == nullptr) return std::string("unknown key");
    if (is_masked_hub_address(dotted_name, value)) return std::string(kMaskedHubAddress);
    KioskConfig scratch;
    bool applied = false;
    if (schema->type == ConfigValueType::Integer) {
        std::int64_t number = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        applied = ec == std::errc() && end == value.data() + value.size() && !value.empty() &&
                  apply_integer(scratch, dotted_name, number);
    } else if (schema->type == ConfigValueType::Boolean) {
        applied =
            (value == "true" || value == "false") && apply_boolean(scratch, dotted_name, value == "true");
    } else if (schema->type == ConfigValueType::Decimal) {
        const auto number = parse_decimal(value);
        applied = number && apply_decimal(scratch, dotted_name, *number);
    } else {
        applied = apply_string(scratch, dotted_name, std::string(value));
    }
    if (applied) return std::nullopt;
    return "expected " + std::string(schema->expected) + ", got " +
           shown_value(dotted_name, "\"" + std::string(value) + "\"");
}

std::vector<ConfigIssue> set_config_value(const fs::path& file, std::string_view dotted_name,
                                          std::string_view value) {
    return set_config_values(file, {{std::string(dotted_name), std::string(value)}});
}

std::vector<ConfigIssue> set_config_values(const fs::path& file,
                                           const std::vector<std::pair<std::string, std::string>>& values) {
    const std::string file_name = file.string();
    std::vector<std::pair<std::string, std::string>> texts;  // dotted name → value as written in TOML
    for (const auto& [dotted_name, value] : values) {
        const ConfigKey* schema = find_config_key(dotted_name);
        if (schema == nullptr) {
            std::string known;
            for (const auto& key : kKeys) known += (known.empty() ? "" : ", ") + std::string(key.name);
            return {{file_name, 0, 0, dotted_name, "unknown key; known keys: " + known}};
        }
        if (is_masked_hub_address(dotted_name, value))
            return {{file_name, 0, 0, dotted_name, kMaskedHubAddress}};
        if (schema->type == ConfigValueType::Integer) {
            std::int64_t number = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
            if (ec != std::errc() || end != value.data() + value.size() || value.empty())
                return {{file_name, 0, 0, dotted_name,
                         "expected " + std::string(schema->expected) + ", got \"" + value + "\""}};
            texts.emplace_back(dotted_name, std::to_string(number));
        } else if (schema->type == ConfigValueType::Boolean) {
            if (value != "true" && value != "false")
                return {{file_name, 0, 0, dotted_name,
                         "expected " + std::string(schema->expected) + ", got \"" + value + "\""}};
            texts.emplace_back(dotted_name, value);
        } else if (schema->type == ConfigValueType::Decimal) {
            const auto number = parse_decimal(value);
            if (!number)
                return {{file_name, 0, 0, dotted_name,
                         "expected " + std::string(schema->expected) + ", got \"" + value + "\""}};
            texts.emplace_back(dotted_name, decimal_text(*number));
        } else {
            texts.emplace_back(dotted_name, quote_toml(value));
        }
    }

    std::string text;
    std::error_code ec;
    if (fs::exists(file, ec)) {
        auto read = read_whole_file(file);
        if (!read) return {unreadable(file, read.error())};
        text = std::move(read).value();
    }
    // One key at a time on the text, re-parsed after each, so the line numbers stay right; the file
    // is written once at the end, all keys or none.
    for (const auto& [dotted_name, value_text] : texts) {
        const std::string table_name(dotted_name.substr(0, dotted_name.find('.')));
        const std::string leaf(dotted_name.substr(dotted_name.find('.') + 1));
        std::vector<std::string> lines = split_lines(text);
        toml::table root;
        if (!text.empty()) {
            try {
                root = toml::parse(text, file_name);
            } catch (const toml::parse_error& error) {
                const Position at = position_of(error.source());
                return {{file_name, at.line, at.column, "",
                         std::string("not valid TOML, fix it by hand first: ") +
                             std::string(error.description())}};
            }
        }
        const std::string new_line = leaf + " = " + value_text;
        const toml::node* existing = root.at_path(dotted_name).node();
        const toml::node* table = root.get(table_name);
        if (existing != nullptr && existing->source().begin.line >= 1 &&
            existing->source().begin.line <= lines.size()) {
            std::string& line = lines[existing->source().begin.line - 1];
            const auto indent = line.find_first_not_of(" \t");
            line = line.substr(0, indent == std::string::npos ? 0 : indent) + new_line;
        } else if (table != nullptr && table->is_table() && table->source().begin.line >= 1 &&
                   table->source().begin.line <= lines.size()) {
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(table->source().begin.line), new_line);
        } else {
            if (!lines.empty() && !lines.back().empty()) lines.emplace_back();
            lines.push_back("[" + table_name + "]");
            lines.push_back(new_line);
        }
        text.clear();
        for (const auto& line : lines) text += line + "\n";
    }

    ConfigParse check = parse_config(text, file_name);
    if (!check.ok()) return check.issues;
    for (const auto& [dotted_name, value_text] : texts) {
        if (config_value_text(check.config, dotted_name) != value_text)
            return {{file_name, 0, 0, dotted_name, "could not be changed in place; edit the file by hand"}};
    }
    if (auto written = write_file_atomically(file, text); !written)
        return {unreadable(file, written.error())};
    return {};
}

Result<void> write_file_atomically(const fs::path& file, std::string_view content) {
    std::error_code ec;
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    fs::create_directories(dir, ec);
    // Appended rather than "." + name: GCC 12 at -O3 warns falsely (-Wrestrict) on that operator+.
    std::string temp_name = ".";
    temp_name += file.filename().string();
    temp_name += ".XXXXXX";
    std::string temp = (dir / temp_name).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0)
        return Error{ErrorCode::Io,
                     "cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno)};
    auto fail = [&](const char* what) {
        Error error{ErrorCode::Io, std::string(what) + " " + temp + ": " + std::strerror(errno)};
        ::close(fd);
        ::unlink(temp.c_str());
        return error;
    };
    // Keep the mode (and owner, when allowed) of the file being replaced: a conffile stays readable.
    struct stat old_stat {};
    if (::stat(file.c_str(), &old_stat) == 0) {
        ::fchmod(fd, old_stat.st_mode & 07777);
        if (::fchown(fd, old_stat.st_uid, old_stat.st_gid) != 0) {
            // Not root: the new file is ours, which is what writing it as ourselves means anyway.
        }
    } else {
        ::fchmod(fd, 0644);
    }
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot flush");
    if (::close(fd) != 0) {
        Error error{ErrorCode::Io, "cannot close " + temp + ": " + std::strerror(errno)};
        ::unlink(temp.c_str());
        return error;
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        Error error{ErrorCode::Io, "cannot replace " + file.string() + ": " + std::strerror(errno)};
        ::unlink(temp.c_str());
        return error;
    }
    if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return {};
}

fs::path default_config_file() {
    if (const char* value = std::getenv("MEDKIOSK_CONFIG"); value != nullptr && *value != '\0') return value;
    return "/etc/medkiosk/kiosk.toml";
}

fs::path last_good_config_file(const fs::path& data_dir) {
    return data_dir / "kiosk.toml.last-good";
}

}  // namespace medkiosk::kiosk
