#include "kiosk_options.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>

#include "medkiosk/iso_date.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/paths.hpp"

namespace medkiosk::app {
namespace {

constexpr std::string_view kUsage = R"(usage: medkiosk [OPTIONS]

  --windowed              a window instead of fullscreen (development)
  --size WxH              window size with --windowed (default 1280x800)
  --source SPEC           demo | camera:INDEX | camera:/dev/videoN | video:FILE | images:DIR,
                          optionally with @WxH (e.g. camera:0@1920x1080). Default: the first camera
                          when /dev/video* exists, else the demo source.
  --data-dir DIR          where the ledger lives (default $MEDKIOSK_DATA_DIR, /var/lib/medkiosk as
                          root, else ~/.local/share/medkiosk)
  --assets DIR            UI strings and sample data (default: installed or source-tree assets)
  --kiosk-id ID           this kiosk's id in the county's records (default kiosk-local)
  --lang zh|en            starting language (default zh)
  --font FILE             font file to use instead of fontconfig's Noto Sans CJK SC
  --config FILE           settings file (default $MEDKIOSK_CONFIG, else /etc/medkiosk/kiosk.toml);
                          the options above override it. A wrong file is reported and the last good
                          copy (DATA_DIR/kiosk.toml.last-good) or the defaults are used instead.
  --help, --version
)";

bool parse_size(std::string_view text, int& width, int& height) {
    return std::sscanf(std::string(text).c_str(), "%dx%d", &width, &height) == 2 && width >= 320 &&
           height >= 240;
}

// Settings from kiosk.toml, applied before the command line so that every flag overrides them.
// Never fails: a broken file is logged key by key and the last good copy or the defaults take over.
void apply_config_file(int argc, char** argv, KioskOptions& options) {
    std::filesystem::path file = kiosk::default_config_file();
    std::filesystem::path bootstrap_data_dir = kiosk::default_data_dir();
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string_view(argv[i]) == "--config") file = argv[i + 1];
        if (std::string_view(argv[i]) == "--data-dir") bootstrap_data_dir = argv[i + 1];
    }
    const kiosk::LoadedConfig loaded =
        kiosk::load_config_with_fallback(file, kiosk::last_good_config_file(bootstrap_data_dir));
    for (const auto& issue : loaded.issues)
        kiosk::log_event("config-error", {{"file", issue.file},
                                          {"line", std::to_string(issue.line)},
                                          {"key", issue.key},
                                          {"detail", issue.to_string()}});
    if (!loaded.last_good_error.empty())
        kiosk::log_event("config-last-good-error", {{"detail", loaded.last_good_error}});
    kiosk::log_event("config-loaded", {{"file", file.string()},
                                       {"using", std::string(kiosk::to_string(loaded.origin))},
                                       {"missing", loaded.file_missing ? "yes" : "no"}});
    const kiosk::KioskConfig& config = loaded.config;
    options.config_origin = std::string(kiosk::to_string(loaded.origin));
    options.config_file = file;
    options.location = config.location;
    options.catalogue_file = config.catalogue_file;
    options.kiosk_id = config.kiosk_id;
    options.language = config.language == "en" ? kiosk::Language::English : kiosk::Language::Chinese;
    options.font_file = config.font;
    if (config.camera_source != "auto") options.source = config.camera_source;
    options.camera_width = config.camera_width;
    options.camera_height = config.camera_height;
    if (!config.data_dir.empty()) options.data_dir = config.data_dir;
    options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
    options.min_shelf_life_days = config.min_shelf_life_days;
    options.min_free_disk_bytes = static_cast<std::uint64_t>(config.min_free_disk_mb) << 20;
    options.hub_url = config.hub_url;
    options.mode = config.mode;
    options.clinic_id = config.clinic_id;
    options.sound = {config.sound_enabled, config.sound_volume, config.sound_device};
    options.display_diagonal_inches = config.display_diagonal_inches;
}

}  // namespace

CommandLine read_command_line(int argc, char** argv) {
    CommandLine result;
    KioskOptions& options = result.options;
    options.data_dir = kiosk::default_data_dir();
    options.assets_dir = kiosk::default_assets_dir();
    const bool wants_help_or_version = [&] {
        for (int i = 1; i < argc; ++i)
            if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h" ||
                std::string_view(argv[i]) == "--version")
                return true;
        return false;
    }();
    if (!wants_help_or_version) apply_config_file(argc, argv, options);
    const auto stop = [&result](int code) {
        result.exit_now = code;
        return result;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return stop(0);
        }
        if (arg == "--version") {
            std::cout << "medkiosk " << MEDKIOSK_VERSION << "\n";
            return stop(0);
        }
        if (arg == "--windowed") {
            options.windowed = true;
            continue;
        }
        const bool takes_value = arg == "--size" || arg == "--source" || arg == "--data-dir" ||
                                 arg == "--assets" || arg == "--kiosk-id" || arg == "--config" ||
                                 arg == "--font" || arg == "--lang";
        if (!takes_value) {
            std::cerr << "medkiosk: unknown option '" << arg << "'\n" << kUsage;
            return stop(2);
        }
        if (i + 1 >= argc) {
            std::cerr << "medkiosk: " << arg << " needs a value\n" << kUsage;
            return stop(2);
        }
        const std::string_view value = argv[++i];
        if (arg == "--size") {
            if (!parse_size(value, options.window_width, options.window_height)) {
                std::cerr << "medkiosk: --size wants WIDTHxHEIGHT, at least 320x240, e.g. 1280x800\n";
                return stop(2);
            }
        } else if (arg == "--source") {
            options.source = value;
        } else if (arg == "--data-dir") {
            options.data_dir = value;
        } else if (arg == "--assets") {
            options.assets_dir = value;
        } else if (arg == "--kiosk-id") {
            options.kiosk_id = value;
        } else if (arg == "--font") {
            options.font_file = value;
        } else if (arg == "--lang") {
            if (value == "zh" || value == "zh-CN") {
                options.language = kiosk::Language::Chinese;
            } else if (value == "en") {
                options.language = kiosk::Language::English;
            } else {
                std::cerr << "medkiosk: --lang wants zh or en\n";
                return stop(2);
            }
        }
        // --config was read before the loop by apply_config_file.
    }
    return result;
}

TestHooks read_test_hooks() {
    TestHooks hooks;
#if MEDKIOSK_TEST_HOOKS
    const auto env = [](const char* name) {
        const char* value = std::getenv(name);
        return value != nullptr ? std::string(value) : std::string();
    };
    hooks.bench_frames = std::atoi(env("MEDKIOSK_BENCH_FRAMES").c_str());
    hooks.staff_pin = env("MEDKIOSK_STAFF_PIN");
    hooks.technician_pin = env("MEDKIOSK_TECHNICIAN_PIN");
    hooks.layout_report = env("MEDKIOSK_LOG_LAYOUT") == "1";
    hooks.layout_data_words = env("MEDKIOSK_LAYOUT_DATA_WORDS");
    std::stringstream proposals(env("MEDKIOSK_TEST_EXPIRY_PROPOSAL"));
    for (std::string item; std::getline(proposals, item, ',');) {
        constexpr std::string_view kDerived = "+derived";
        const bool derived = item.ends_with(kDerived);
        if (derived) item.resize(item.size() - kDerived.size());
        if (const auto day = parse_iso_day(item + "-01")) {
            hooks.expiry_proposals.push_back({day->year, day->month, derived});
        }
    }
#endif
    return hooks;
}

}  // namespace medkiosk::app
