// medkioskctl ocr: reads the printed expiry and batch on photos of box faces with the kiosk's OCR
// reader and parser, so a technician can check what the kiosk would propose for a box.
// One image is one frame: the kiosk's ≥2-frame agreement cannot apply, so this shows a single reading.

#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "media_input.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/image_file.hpp"
#include "medkiosk/scanner/ocr/expiry_ocr.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
namespace {

// Ends the message for an image over the pixel limit: OCR reads a box face at a few megapixels, so a
// genuine photo that large loses nothing when scaled down.
constexpr std::string_view kScaleItDown =
    "if it is a genuine photo, scale it down, e.g. to 4000x3000, and read that copy";

constexpr const char* kUsage = "usage: medkioskctl ocr [--json] [--lines] IMAGE...\n";

void report_error(bool json, CommandIo io, const std::string& file, const std::string& message) {
    if (json) {
        io.out << dump_line(nlohmann::json{{"file", file}, {"error", message}}) << "\n";
    } else {
        io.err << file << ": " << message << "\n";
    }
}

}  // namespace

int run_ocr(const Args& args, CommandIo io) {
    bool json = false, show_lines = false;
    std::vector<std::string> files;
    for (const auto& arg : args) {
        if (arg == "--json")
            json = true;
        else if (arg == "--lines")
            show_lines = true;
        else if (arg == "--help" || arg == "-h") {
            io.out << kUsage;
            return 0;
        } else if (!arg.empty() && arg[0] == '-') {
            io.err << "medkioskctl ocr: unknown option '" << arg << "'\n" << kUsage;
            return 2;
        } else {
            files.push_back(arg);
        }
    }
    if (files.empty()) {
        io.err << kUsage;
        return 2;
    }
    auto opened = scanner::ocr::ExpiryOcr::open();
    if (!opened.ocr) {
        io.err << "medkioskctl ocr: " << opened.error << "\n";
        return 1;
    }
    quiet_media_libraries();
    bool failed = false;
    for (const auto& file : files) {
        // Read as `scan` reads a photo, so a file that is missing, empty, cut short, not an image or an
        // image bomb is told apart, each with what to do about it.
        io.err.flush();
        auto loaded = [&] {
            const StderrMuted muted;
            return scanner::load_grey_image(file, scanner::kDefaultMaxImagePixels, kScaleItDown);
        }();
        if (const auto* why = std::get_if<std::string>(&loaded)) {
            report_error(json, io, file, *why == "no such file" ? no_such_path("file") : *why);
            failed = true;
            continue;
        }
        const scanner::GreyImage& grey = std::get<scanner::GreyImage>(loaded);
        // A cut photo still shows what came before the cut, and is read; the line says it is cut.
        if (!grey.damage.empty()) failed = true;
        // Each image is a box of its own, read once (the kiosk's ≥2-frame agreement needs a video).
        opened.ocr->start_pack();
        const auto outcome = opened.ocr->read(scanner::ocr::GreyImage{
            grey.width, grey.height, grey.pixels.data(), static_cast<std::size_t>(grey.width)});
        if (!outcome.error.empty()) {
            report_error(json, io, file, outcome.error);
            failed = true;
            continue;
        }
        const auto& reading = outcome.reading;
        std::vector<std::string> lines;
        for (const auto& line : outcome.lines.lines) lines.push_back(line.text);
        if (json) {
            nlohmann::json out{{"file", file}};
            if (reading.expiry) {
                out["expiry"] = scanner::to_iso(*reading.expiry);
                out["expiry_precision"] = std::string(scanner::to_string(reading.precision));
                out["source_text"] = reading.source_text;
            }
            if (!reading.batch.empty()) out["batch"] = reading.batch;
            if (show_lines) out["lines"] = lines;
            if (!grey.damage.empty()) out["error"] = grey.damage;
            io.out << dump_line(out) << "\n";
            continue;
        }
        io.out << file << ": ";
        if (reading.expiry) {
            io.out << "expiry " << scanner::to_iso(*reading.expiry) << " ("
                   << scanner::to_string(reading.precision) << ") from \"" << reading.source_text << "\"";
        } else {
            io.out << (reading.contradictory ? "no expiry (two different dates read)" : "no expiry read");
        }
        if (!reading.batch.empty()) io.out << ", batch " << reading.batch;
        io.out << "\n";
        if (show_lines)
            for (const auto& line : lines) io.out << "  | " << line << "\n";
        if (!grey.damage.empty()) io.err << file << ": " << grey.damage << "\n";
    }
    return failed ? 1 : 0;
}

}  // namespace medkiosk::cli
