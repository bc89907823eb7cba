// medkiosk: the fullscreen donation kiosk. Parses the command line and hands over to kiosk/ui.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

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
  --help, --version
)";

bool parse_size(std::string_view text, int& width, int& height) {
    return std::sscanf(std::string(text).c_str(), "%dx%d", &width, &height) == 2 && width >= 320 && height >= 240;
}

}  // namespace

int main(int argc, char** argv) {
    medkiosk::ui::KioskOptions options;
    options.data_dir = medkiosk::kiosk::default_data_dir();
    options.assets_dir = medkiosk::kiosk::default_assets_dir();
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
    return medkiosk::ui::run_kiosk(options);
}
