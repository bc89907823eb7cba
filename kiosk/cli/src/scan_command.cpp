// medkioskctl scan: reads pack codes in image files, folders and video files, with the kiosk's decoder,
// parser and confirmation rule, so a technician can check a photo or a recording offline. Decoding runs
// in the medkiosk-decoder helper as in the kiosk: an image or frame it crashes on is reported and
// skipped, and the scan goes on. Only regular files are read, images only up to a declared size.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "media_input.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/decode_worker.hpp"
#include "medkiosk/scanner/image_file.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/scanner/video_frames.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The number after option `i`, when it is one in (low, high]; -1 otherwise.
double number_after(const Args& args, std::size_t i, double low, double high) {
    if (i + 1 >= args.size()) return -1;
    try {
        std::size_t used = 0;
        const double value = std::stod(args[i + 1], &used);
        return used == args[i + 1].size() && value > low && value <= high ? value : -1;
    } catch (const std::exception&) {
        return -1;
    }
}

// Ends the message for an image or video over the pixel limit.
constexpr std::string_view kRaiseTheLimit =
    "medkioskctl scan --max-megapixels raises the limit for a genuine image";

constexpr const char* kScanUsage = "medkioskctl scan [--json] [--hold SECONDS] [--max-megapixels N] PATH...";

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

double round2(double value) {
    return static_cast<double>(static_cast<long long>(value * 100 + 0.5)) / 100;
}

scanner::DecodeWorkerOptions offline_decoding() {
    scanner::DecodeWorkerOptions options;
    options.restart_backoff = std::chrono::milliseconds(0);  // offline: the next image goes on at once
    return options;
}

class Scanner {
  public:
    Scanner(bool json, scanner::ConfirmOptions confirm, std::uint64_t max_pixels, CommandIo io)
        : json_(json),
          confirm_(confirm),
          max_pixels_(max_pixels),
          io_(io),
          today_(scanner::local_today()),
          decoder_(offline_decoding()) {}

    void scan_path(const fs::path& path) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) return scan_folder(path);
        if (std::string why = scanner::why_not_a_regular_file(path); !why.empty())
            return report_error(path, why == "no such file" ? no_such_path("file or folder") : why);
        scan_file(path);
    }

    bool failed() const { return failed_; }

  private:
    // Every image and video below `top`, in order; what looks like one but cannot be read (a FIFO, a
    // dangling link, a folder named x.png) is reported, other files are not images and pass quietly. A
    // folder that cannot be opened is reported by its own name and the others are still scanned: one
    // locked subfolder must not hide a whole tree of readable photos.
    void scan_folder(const fs::path& top) {
        std::vector<fs::path> files;
        std::vector<std::pair<fs::path, std::string>> passed_over;
        std::vector<fs::path> folders{top};
        while (!folders.empty()) {
            const fs::path folder = std::move(folders.back());
            folders.pop_back();
            std::error_code ec;
            fs::directory_iterator it(folder, ec);
            if (ec) {
                passed_over.emplace_back(folder, unlistable_folder(ec, "opened"));
                continue;
            }
            for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
                const fs::path& path = it->path();
                const bool media = scanner::has_image_extension(path) || scanner::has_video_extension(path);
                std::error_code entry_ec;
                const fs::file_status own = it->symlink_status(entry_ec);
                if (fs::is_directory(own)) {  // a link to a folder is not followed (no loops, no escapes)
                    if (media)
                        passed_over.emplace_back(path, "a folder, not a file (its contents are scanned)");
                    folders.push_back(path);
                    continue;
                }
                const std::string why = scanner::why_not_a_regular_file(path);
                if (why.empty() && media) files.push_back(path);
                // A special file or a dangling link is worth a word whatever its name.
                if (!why.empty() &&
                    (media || !fs::is_symlink(own) || why.find("dangling") != std::string::npos))
                    passed_over.emplace_back(path, why);
            }
            if (ec) passed_over.emplace_back(folder, unlistable_folder(ec, "listed to the end"));
        }
        // Silence here would read as "scanned, nothing found": say that nothing was there to scan.
        if (files.empty() && passed_over.empty())
            return report_error(top,
                                "folder holds no image (png, jpg, jpeg, webp, bmp) or video (mp4, avi, mkv, "
                                "mov, webm), in it or below it: nothing was scanned; check it is the folder "
                                "the photos were copied to");
        std::sort(passed_over.begin(), passed_over.end());
        for (const auto& [path, why] : passed_over) report_error(path, why);
        std::sort(files.begin(), files.end());
        for (const auto& file : files) scan_file(file);
    }

    static std::string unlistable_folder(const std::error_code& ec, const char* what) {
        std::string message = std::string("folder could not be ") + what + ": " + ec.message();
        if (ec == std::errc::permission_denied)
            message +=
                " (its files were not scanned: give this user read and execute permission on it, "
                "or run medkioskctl as a user who has it)";
        else
            message += " (its files were not scanned)";
        return message;
    }

    void scan_file(const fs::path& path) {
        if (scanner::has_video_extension(path)) return scan_video(path);
        if (!scanner::has_image_extension(path))
            return report_error(path,
                                "not an image (png, jpg, jpeg, webp, bmp) or video (mp4, avi, mkv, mov, "
                                "webm) by its name: only those are scanned; convert it to PNG or JPEG (a "
                                "photo) or MP4 (a video) first");
        io_.err.flush();
        auto loaded = [&] {
            const StderrMuted muted;
            return scanner::load_grey_image(path, max_pixels_, kRaiseTheLimit);
        }();
        if (const auto* why = std::get_if<std::string>(&loaded)) return report_error(path, *why);
        const scanner::GreyImage& grey = std::get<scanner::GreyImage>(loaded);
        const auto started = Clock::now();
        const scanner::DecodeReport report =
            decoder_.decode_grey(scanner::DecodeMode::Still, grey.pixels.data(), grey.width, grey.height,
                                 grey.width, path.string());
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        if (report.skipped) return report_skip(path, -1, report);
        const auto& symbols = report.symbols;
        // A cut file still shows the codes above the cut, but is not a clean read: the line says so.
        if (!grey.damage.empty()) failed_ = true;
        if (json_) {
            nlohmann::ordered_json line{
                {"file", path.string()}, {"codes", codes_json(symbols)}, {"ms", round2(ms)}};
            if (!grey.damage.empty()) line["error"] = grey.damage;
            io_.out << dump_line(line) << '\n';
        } else {
            print_readable(path, symbols, -1);
            if (symbols.empty()) io_.out << path.string() << ": no code found\n";
            if (!grey.damage.empty()) io_.err << path.string() << ": " << grey.damage << '\n';
        }
    }

    void scan_video(const fs::path& path) {
        if (std::string empty = scanner::check_video_not_empty(path); !empty.empty())
            return report_error(path, empty);
        cv::VideoCapture capture;
        try {
            capture.open(path.string());
        } catch (const cv::Exception& e) {
            return report_error(path, std::string("video could not be opened: ") + e.what());
        }
        if (!capture.isOpened()) {
            if (std::string damage = scanner::check_mp4_boxes(path); !damage.empty())
                return report_error(path, damage);
            return report_error(path,
                                "video could not be opened: damaged, or a format OpenCV here cannot decode "
                                "(H.264, MJPEG, MPEG-4 and FFV1 in mp4, avi, mkv or mov are read)");
        }
        const scanner::ImageSize declared{"video", static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                                          static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT))};
        if (std::string error = scanner::check_image_pixels(declared, max_pixels_, kRaiseTheLimit);
            !error.empty())
            return report_error(path, error);
        const double file_fps = capture.get(cv::CAP_PROP_FPS);
        const bool fps_known = file_fps > 0 && file_fps < 1000;
        const double fps = fps_known ? file_fps : 25;
        // Not paced: the recording's own timeline decides when a code "left" or its hold ran out.
        scanner::CodeConfirmer confirmer(confirm_);
        decoder_.reset_live();  // the live pipeline's decoder, following codes from this video's start
        const Clock::time_point start{};
        std::vector<double> decode_ms;
        scanner::VideoFrameTally tally;
        std::string stopped;  // why the frames ended before the file's end, if they did
        cv::Mat image;
        for (;;) {
            if (!read_frame(capture, image)) {
                if (tally.undecodable()) continue;  // a damaged frame: the next one may be whole
                break;
            }
            const long long frame_index =
                tally.decoded(capture.get(cv::CAP_PROP_POS_MSEC), fps_known ? fps : 0);
            std::uint8_t* shared = nullptr;
            try {
                if (std::uint64_t(image.cols) * std::uint64_t(image.rows) > max_pixels_) {
                    report_error(path, scanner::check_image_pixels({"video frame", image.cols, image.rows},
                                                                   max_pixels_, kRaiseTheLimit));
                    break;
                }
                // Converted straight into the memory the decoding helper reads.
                shared = decoder_.grey_buffer(image.cols, image.rows);
                if (!shared) break;
                cv::Mat grey(image.rows, image.cols, CV_8UC1, shared);
                if (image.channels() == 3)
                    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
                else if (image.channels() == 4)
                    cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
                else
                    image.copyTo(grey);
            } catch (const cv::Exception& e) {
                stopped =
                    "video frame " + std::to_string(frame_index) +
                    " could not be converted for decoding, so the frames after it were not read: " + e.what();
                break;
            }
            const auto started = Clock::now();
            const scanner::DecodeReport report =
                decoder_.decode_buffer(scanner::DecodeMode::Live, image.cols, image.rows,
                                       path.string() + " frame " + std::to_string(frame_index));
            decode_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
            if (report.incident || report.skipped) report_skip(path, frame_index, report);
            // The latest frame reached, not this one's index: a frame returned late after damage would
            // turn the confirmer's clock back.
            const auto at = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                        static_cast<double>(tally.frames() - 1) / fps));
            const auto confirmed = confirmer.update(report.symbols, at);
            if (confirmed.empty()) continue;
            if (json_) {
                nlohmann::ordered_json line{
                    {"file", path.string()}, {"frame", frame_index}, {"codes", codes_json(confirmed)}};
                io_.out << dump_line(line) << '\n';
            } else {
                print_readable(path, confirmed, frame_index);
            }
        }
        const long long frames = tally.frames();
        const double frames_declared = capture.get(cv::CAP_PROP_FRAME_COUNT);
        if (frames == 0)
            return report_error(path, stopped.empty()
                                          ? "video has no readable frames: " +
                                                scanner::VideoFrameTally::no_frames_reason(frames_declared)
                                          : stopped);
        if (stopped.empty()) stopped = scanner::check_video_frame_count(frames, frames_declared);
        // Frames passed over and a cut are each said once, in the summary, and make the scan a failure:
        // FFmpeg reads past the one and up to the other without an error.
        std::vector<std::string> damage;
        if (std::string passed_over = tally.passed_over_message(); !passed_over.empty())
            damage.push_back(std::move(passed_over));
        if (!stopped.empty()) damage.push_back(stopped);
        if (!damage.empty()) failed_ = true;
        if (json_) {
            nlohmann::ordered_json line{{"file", path.string()},
                                        {"frames", frames},
                                        {"decode_ms_p50", round2(percentile(decode_ms, 0.5))},
                                        {"decode_ms_p95", round2(percentile(decode_ms, 0.95))}};
            if (tally.frames_passed_over() > 0) line["frames_passed_over"] = tally.frames_passed_over();
            if (!stopped.empty() && frames_declared > 0)
                line["frames_declared"] = static_cast<long long>(frames_declared + 0.5);
            if (!damage.empty()) {
                std::string error = damage.front();
                for (std::size_t i = 1; i < damage.size(); ++i) error += "; " + damage[i];
                line["error"] = error;
            }
            io_.out << dump_line(line) << '\n';
        } else {
            io_.out << path.string() << ": " << frames << " frames, decode p50 "
                    << round2(percentile(decode_ms, 0.5)) << " ms, p95 "
                    << round2(percentile(decode_ms, 0.95)) << " ms\n";
            for (const std::string& why : damage) io_.err << path.string() << ": " << why << '\n';
        }
    }

    // A frame whose data is damaged throws from some decoders; it is passed over like one that is not
    // returned at all.
    static bool read_frame(cv::VideoCapture& capture, cv::Mat& image) {
        try {
            return capture.read(image) && !image.empty();
        } catch (const cv::Exception&) {
            return false;
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

    // A decode that did not happen: the helper crashed or hung on this image (it was restarted).
    void report_skip(const fs::path& path, long long frame, const scanner::DecodeReport& report) {
        failed_ = true;
        const std::string kind =
            report.incident ? std::string(scanner::to_string(report.incident->kind)) : std::string("skipped");
        const std::string detail = report.incident ? report.incident->detail : "not decoded";
        if (json_) {
            nlohmann::ordered_json line{{"file", path.string()}};
            if (frame >= 0) line["frame"] = frame;
            line["decoder"] = kind;
            line["error"] = detail;
            io_.out << dump_line(line) << '\n';
        } else {
            io_.err << path.string();
            if (frame >= 0) io_.err << " frame " << frame;
            io_.err << ": not decoded, the decoder " << kind << ": " << detail << '\n';
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
    std::uint64_t max_pixels_;
    CommandIo io_;
    scanner::Date today_;
    scanner::DecodeWorker decoder_;
    bool failed_ = false;
};

}  // namespace

int run_scan(const Args& args, CommandIo io) {
    bool json = false;
    scanner::ConfirmOptions confirm;
    std::uint64_t max_pixels = scanner::kDefaultMaxImagePixels;
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") {
            json = true;
        } else if (arg == "--hold") {
            // Seconds before a pack that stays in view may fire again (videos only).
            const double seconds = number_after(args, i, 0, 86400);
            if (seconds <= 0) {
                io.err << "medkioskctl scan: --hold needs a number of seconds, e.g. --hold 8\n";
                return 2;
            }
            confirm.hold = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
            ++i;
        } else if (arg == "--max-megapixels") {
            // Images and videos declaring more pixels are refused before they are decoded.
            const double megapixels = number_after(args, i, 0, 2000);
            if (megapixels <= 0) {
                io.err << "medkioskctl scan: --max-megapixels needs a number from 0 to 2000, e.g. "
                          "--max-megapixels 100\n";
                return 2;
            }
            max_pixels = static_cast<std::uint64_t>(megapixels * 1e6);
            ++i;
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            io.err << "medkioskctl scan: unknown option '" << arg << "'\nusage: " << kScanUsage << "\n";
            return 2;
        } else {
            paths.push_back(arg);
        }
    }
    if (paths.empty()) {
        io.err
            << "usage: " << kScanUsage
            << "\n  PATH: image (png, jpg, jpeg, webp, bmp), folder (searched recursively) or video (mp4, "
               "avi, mkv, mov, webm)\n  --max-megapixels: images and videos declaring more are not decoded "
               "(default 50)\n";
        return 2;
    }
    quiet_media_libraries();
    Scanner scanner_run(json, confirm, max_pixels, io);
    for (const auto& path : paths) {
        scanner_run.scan_path(path);
        io.out.flush();
    }
    return scanner_run.failed() ? 1 : 0;
}

}  // namespace medkiosk::cli
