// medkiosk: the fullscreen donation kiosk. Parses the command line and hands over to kiosk/ui.

#include <malloc.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/ui/kiosk_app.hpp"

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
void apply_config_file(int argc, char** argv, medkiosk::ui::KioskOptions& options) {
    namespace kiosk = medkiosk::kiosk;
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
}

}  // namespace

int main(int argc, char** argv) {
    // Camera frames and their grey and preview copies (1-6 MB) are allocated and freed many times a
    // second on several threads. glibc's adaptive threshold moves such blocks into per-thread arenas
    // that never shrink (about 25 MB at 1080p); a fixed threshold keeps them as mappings that go back
    // to the system when freed.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    medkiosk::ui::KioskOptions options;
    options.data_dir = medkiosk::kiosk::default_data_dir();
    options.assets_dir = medkiosk::kiosk::default_assets_dir();
    const bool wants_help_or_version = [&] {
        for (int i = 1; i < argc; ++i)
            if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h" ||
                std::string_view(argv[i]) == "--version")
                return true;
        return false;
    }();
    if (!wants_help_or_version) apply_config_file(argc, argv, options);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view name) -> const char* {
            if (i + 1 >= argc) {
                std::cerr << "medkiosk: " << name << " needs a value\n" << kUsage;
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (arg == "--version") {
            std::cout << "medkiosk " << MEDKIOSK_VERSION << "\n";
            return 0;
        } else if (arg == "--windowed") {
            options.windowed = true;
        } else if (arg == "--size") {
            if (!parse_size(value(arg), options.window_width, options.window_height)) {
                std::cerr << "medkiosk: --size wants WIDTHxHEIGHT, at least 320x240, e.g. 1280x800\n";
                return 2;
            }
        } else if (arg == "--source") {
            options.source = value(arg);
        } else if (arg == "--data-dir") {
            options.data_dir = value(arg);
        } else if (arg == "--assets") {
            options.assets_dir = value(arg);
        } else if (arg == "--kiosk-id") {
            options.kiosk_id = value(arg);
        } else if (arg == "--config") {
            value(arg);  // read before the loop by apply_config_file
        } else if (arg == "--font") {
            options.font_file = value(arg);
        } else if (arg == "--lang") {
            const std::string_view lang = value(arg);
            if (lang == "zh" || lang == "zh-CN") {
                options.language = medkiosk::kiosk::Language::Chinese;
            } else if (lang == "en") {
                options.language = medkiosk::kiosk::Language::English;
            } else {
                std::cerr << "medkiosk: --lang wants zh or en\n";
                return 2;
            }
        } else {
            std::cerr << "medkiosk: unknown option '" << arg << "'\n" << kUsage;
            return 2;
        }
    }
    medkiosk::kiosk::set_log_kiosk_id(options.kiosk_id);
    return medkiosk::ui::run_kiosk(options);
}
