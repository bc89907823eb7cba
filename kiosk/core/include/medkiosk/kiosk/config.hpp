#pragma once
// The kiosk's settings file (TOML, /etc/medkiosk/kiosk.toml on the appliance). Every key is listed in
// config_keys() with its expected form; deploy/kiosk.toml documents them all. A file with any wrong key
// or value is refused as a whole and the kiosk falls back to the last good copy, so a technician's typo
// never keeps the kiosk from starting.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "medkiosk/result.hpp"

namespace medkiosk::kiosk {

struct KioskConfig {
    std::string kiosk_id = "kiosk-local";
    std::string location;         // free text shown to staff, e.g. "Pharmacy No. 3, Main Street"
    std::string language = "zh";  // "zh" | "en": the language the welcome screen starts in
    int idle_timeout_seconds = 90;
    std::string font;            // font file; empty = Noto Sans CJK SC through fontconfig
    std::string catalogue_file;  // the technician's catalogue CSV (USB stick); empty = none yet
    // "collection-point" takes donations; "clinic" receives dispatches and gives packs out (issue 17).
    std::string mode = "collection-point";
    std::string clinic_id;               // the clinic a clinic-mode kiosk belongs to (an id of hub.clinic)
    std::string camera_source = "auto";  // auto | demo | camera:N | camera:/dev/X | video:FILE | images:DIR
    int camera_width = 0;                // 0 = the device's default resolution
    int camera_height = 0;
    std::string data_dir;       // empty = the default (/var/lib/medkiosk on the appliance)
    int min_free_disk_mb = 64;  // below this the kiosk stops taking donations
    int min_shelf_life_days = 90;
    std::string hub_url;  // empty = no hub configured yet
    // The donor's verdict chimes (issue 16): on/off, 0 to 100, and the ALSA device they play on.
    bool sound_enabled = true;
    int sound_volume = 70;
    std::string sound_device = "default";
    // The screen's diagonal in inches when the monitor does not report a believable size (issue 16:
    // text and touch targets are sized in millimetres); 0 = the monitor's report or a typical panel.
    double display_diagonal_inches = 0;
};

// One problem in a config file, e.g. "/etc/medkiosk/kiosk.toml:12:1: camera.resolution: expected …".
struct ConfigIssue {
    std::string file;
    int line = 0;  // 1-based; 0 when the problem has no position (file missing)
    int column = 0;
    std::string key;  // dotted key, empty for syntax errors
    std::string message;
    std::string to_string() const;
};

struct ConfigParse {
    KioskConfig config;  // defaults overlaid with the file's values (valid only if issues is empty)
    std::vector<ConfigIssue> issues;
    bool ok() const { return issues.empty(); }
};

enum class ConfigValueType { String, Integer, Boolean, Decimal };

struct ConfigKey {
    std::string_view name;  // dotted: "camera.resolution"
    ConfigValueType type;
    std::string_view expected;  // the expected form, told to the technician on a mistake
};

std::span<const ConfigKey> config_keys();
const ConfigKey* find_config_key(std::string_view dotted_name);

// Parses TOML text; `file_name` only labels the messages.
ConfigParse parse_config(std::string_view text, const std::string& file_name);
ConfigParse read_config_file(const std::filesystem::path& file);

// The value of one key as it would be written in the file (strings quoted).
std::string config_value_text(const KioskConfig& config, std::string_view dotted_name);
// The whole config as a TOML document, every key present.
std::string render_config(const KioskConfig& config);

enum class ConfigOrigin { File, LastGood, Defaults };
std::string_view to_string(ConfigOrigin origin);

struct LoadedConfig {
    KioskConfig config;
    ConfigOrigin origin = ConfigOrigin::Defaults;
    std::vector<ConfigIssue> issues;  // why the file was not used (empty when it was, or was absent)
    bool file_missing = false;
    std::string last_good_error;  // non-empty when the last-good copy could not be written
};

// The kiosk's start-up path: the file when it is valid (and then also saved as `last_good_file`),
// else the last good copy, else the built-in defaults. Never fails.
LoadedConfig load_config_with_fallback(const std::filesystem::path& file,
                                       const std::filesystem::path& last_good_file);

// Sets one key in the file's text, keeping comments and the other lines; validates the result and
// writes it atomically. Returns the issues that stopped it (nothing written) or an empty vector.
std::vector<ConfigIssue> set_config_value(const std::filesystem::path& file, std::string_view dotted_name,
                                          std::string_view value);

// Several keys at once: all are set and the file written once, or nothing is written.
std::vector<ConfigIssue> set_config_values(const std::filesystem::path& file,
                                           const std::vector<std::pair<std::string, std::string>>& values);

// Why `value` (as typed, strings unquoted) is not allowed for the key, or nullopt when it is.
std::optional<std::string> config_value_problem(std::string_view dotted_name, std::string_view value);

// Writes through a temporary file in the same folder, fsync and rename: a reader (or a power cut)
// sees the old content or the new one, never half.
Result<void> write_file_atomically(const std::filesystem::path& file, std::string_view content);

// $MEDKIOSK_CONFIG, else /etc/medkiosk/kiosk.toml.
std::filesystem::path default_config_file();
// data_dir/kiosk.toml.last-good
std::filesystem::path last_good_config_file(const std::filesystem::path& data_dir);

}  // namespace medkiosk::kiosk
