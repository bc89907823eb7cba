// medkioskctl ocr: reads the printed expiry and batch on photos of box faces with the kiosk's OCR
// reader and parser, so a technician can check what the kiosk would propose for a box.
// One image is one frame: the kiosk's ≥2-frame agreement cannot apply, so this shows a single reading.

#include <opencv2/imgcodecs.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/ocr/expiry_ocr.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
namespace {

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
    bool failed = false;
    for (const auto& file : files) {
        cv::Mat grey;
        try {
            grey = cv::imread(file, cv::IMREAD_GRAYSCALE);
        } catch (const cv::Exception&) {
            grey.release();
        }
        if (grey.empty()) {
            report_error(json, io, file,
                         "cannot read the image (missing, unreadable or not png/jpg/bmp/webp)");
            failed = true;
            continue;
        }
        // Each image is a box of its own, read once (the kiosk's ≥2-frame agreement needs a video).
        opened.ocr->start_pack();
        const auto outcome =
            opened.ocr->read(scanner::ocr::GreyImage{grey.cols, grey.rows, grey.data, grey.step});
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
    }
    return failed ? 1 : 0;
}

}  // namespace medkiosk::cli
