// medkioskctl scan: reads pack codes in image files, folders and video files, with the kiosk's decoder,
// parser and confirmation rule, so a technician can check a photo or a recording offline.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string extension_of(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool is_image(const fs::path& path) {
    const std::string ext = extension_of(path);
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp" || ext == ".bmp";
}

bool is_video(const fs::path& path) {
    const std::string ext = extension_of(path);
    return ext == ".mp4" || ext == ".avi" || ext == ".mkv" || ext == ".mov" || ext == ".webm";
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

double round2(double value) {
    return static_cast<double>(static_cast<long long>(value * 100 + 0.5)) / 100;
}

class Scanner {
  public:
    Scanner(bool json, scanner::ConfirmOptions confirm, CommandIo io)
        : json_(json), confirm_(confirm), io_(io), today_(scanner::today_utc()) {}

    void scan_path(const fs::path& path) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<fs::path> files;
            for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
                if (it->is_regular_file(ec) && (is_image(it->path()) || is_video(it->path())))
                    files.push_back(it->path());
            if (ec) return report_error(path, "folder could not be listed: " + ec.message());
            std::sort(files.begin(), files.end());
            for (const auto& file : files) scan_file(file);
            return;
        }
        if (!fs::exists(path, ec)) return report_error(path, "no such file or folder");
        scan_file(path);
    }

    bool failed() const { return failed_; }

  private:
    void scan_file(const fs::path& path) {
        if (is_video(path)) return scan_video(path);
        if (!is_image(path))
            return report_error(
                path, "not an image (png, jpg, jpeg, webp, bmp) or video (mp4, avi, mkv, mov, webm)");
        cv::Mat grey;
        try {
            grey = cv::imread(path.string(), cv::IMREAD_GRAYSCALE);
        } catch (const cv::Exception& e) {
            return report_error(path, std::string("image could not be read: ") + e.what());
        }
        if (grey.empty())
            return report_error(path, "image could not be read (missing, damaged or unsupported format)");
        const auto started = Clock::now();
        const auto symbols =
            decoder_.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        if (json_) {
            nlohmann::ordered_json line{
                {"file", path.string()}, {"codes", codes_json(symbols)}, {"ms", round2(ms)}};
            io_.out << dump_line(line) << '\n';
        } else {
            print_readable(path, symbols, -1);
            if (symbols.empty()) io_.out << path.string() << ": no code found\n";
        }
    }

    void scan_video(const fs::path& path) {
        cv::VideoCapture capture;
        try {
            capture.open(path.string());
        } catch (const cv::Exception& e) {
            return report_error(path, std::string("video could not be opened: ") + e.what());
        }
        if (!capture.isOpened())
            return report_error(path, "video could not be opened (missing, damaged or unsupported format)");
        double fps = capture.get(cv::CAP_PROP_FPS);
        if (!(fps > 0 && fps < 1000)) fps = 25;
        // Not paced: the recording's own timeline decides when a code "left" or its hold ran out.
        scanner::CodeConfirmer confirmer(confirm_);
        scanner::TrackingDecoder
            tracker;  // the live pipeline's decoder, so a recording behaves like the camera
        const Clock::time_point start{};
        std::vector<double> decode_ms;
        long long frame_index = 0;
        cv::Mat image, grey;
        for (;; ++frame_index) {
            try {
                if (!capture.read(image) || image.empty()) break;
                if (image.channels() == 3)
                    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
                else if (image.channels() == 4)
                    cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
                else
                    grey = image;
            } catch (const cv::Exception&) {
                break;
            }
            const auto started = Clock::now();
            const auto symbols =
                tracker.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
            decode_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
            const auto at = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                        static_cast<double>(frame_index) / fps));
            const auto confirmed = confirmer.update(symbols, at);
            if (confirmed.empty()) continue;
            if (json_) {
                nlohmann::ordered_json line{
                    {"file", path.string()}, {"frame", frame_index}, {"codes", codes_json(confirmed)}};
                io_.out << dump_line(line) << '\n';
            } else {
                print_readable(path, confirmed, frame_index);
            }
        }
        if (frame_index == 0) return report_error(path, "video has no readable frames");
        if (json_) {
            nlohmann::ordered_json line{{"file", path.string()},
                                        {"frames", frame_index},
                                        {"decode_ms_p50", round2(percentile(decode_ms, 0.5))},
                                        {"decode_ms_p95", round2(percentile(decode_ms, 0.95))}};
            io_.out << dump_line(line) << '\n';
        } else {
            io_.out << path.string() << ": " << frame_index << " frames, decode p50 "
                    << round2(percentile(decode_ms, 0.5)) << " ms, p95 "
                    << round2(percentile(decode_ms, 0.95)) << " ms\n";
        }
    }

    nlohmann::ordered_json codes_json(const std::vector<scanner::DecodedSymbol>& symbols) const {
        nlohmann::ordered_json codes = nlohmann::ordered_json::array();
        for (const auto& symbol : symbols)
            codes.push_back(
                {{"format", symbol.format},
                 {"symbology", symbol.symbology},
                 {"text", symbol.text},
                 {"pack", pack_to_json(scanner::parse_scan(symbol.text, symbol.symbology, today_))}});
        return codes;
    }

    void print_readable(const fs::path& path, const std::vector<scanner::DecodedSymbol>& symbols,
                        long long frame) {
        for (const auto& symbol : symbols) {
            io_.out << path.string();
            if (frame >= 0) io_.out << " frame " << frame;
            io_.out << ": " << symbol.format << ' ' << symbol.symbology << ' ' << show_controls(symbol.text)
                    << "  ->  " << pack_summary(scanner::parse_scan(symbol.text, symbol.symbology, today_))
                    << '\n';
        }
    }

    void report_error(const fs::path& path, const std::string& message) {
        failed_ = true;
        if (json_)
            io_.out << dump_line(nlohmann::ordered_json{{"file", path.string()}, {"error", message}}) << '\n';
        else
            io_.err << path.string() << ": " << message << '\n';
    }

    bool json_;
    scanner::ConfirmOptions confirm_;
    CommandIo io_;
    scanner::Date today_;
    scanner::Decoder decoder_;
    bool failed_ = false;
};

}  // namespace

int run_scan(const Args& args, CommandIo io) {
    bool json = false;
    scanner::ConfirmOptions confirm;
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") {
            json = true;
        } else if (arg == "--hold") {
            // Seconds before a pack that stays in view may fire again (videos only).
            double seconds = -1;
            if (i + 1 < args.size()) {
                try {
                    std::size_t used = 0;
                    seconds = std::stod(args[i + 1], &used);
                    if (used != args[i + 1].size()) seconds = -1;
                } catch (const std::exception&) {
                    seconds = -1;
                }
            }
            if (!(seconds > 0 && seconds < 86400)) {
                io.err << "medkioskctl scan: --hold needs a number of seconds, e.g. --hold 8\n";
                return 2;
            }
            confirm.hold = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
            ++i;
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            io.err << "medkioskctl scan: unknown option '" << arg
                   << "'\nusage: medkioskctl scan [--json] [--hold SECONDS] PATH...\n";
            return 2;
        } else {
            paths.push_back(arg);
        }
    }
    if (paths.empty()) {
        io.err << "usage: medkioskctl scan [--json] [--hold SECONDS] PATH...\n"
                  "  PATH: image (png, jpg, jpeg, webp, bmp), folder (searched recursively) or video (mp4, "
                  "avi, mkv, mov, webm)\n";
        return 2;
    }
    Scanner scanner_run(json, confirm, io);
    for (const auto& path : paths) {
        scanner_run.scan_path(path);
        io.out.flush();
    }
    return scanner_run.failed() ? 1 : 0;
}

}  // namespace medkiosk::cli
