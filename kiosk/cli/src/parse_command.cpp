// medkioskctl parse: one scan per stdin line → one JSON object (or readable line) per input line.

#include <istream>
#include <ostream>
#include <string>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
bool read_bounded_line(std::istream& in, std::string& line, std::size_t& bytes) {
    line.clear();
    bytes = 0;
    const std::size_t keep = 3 + scanner::kMaxScanBytes + 1;
    std::streambuf* buffer = in.rdbuf();
    int last = 0;
    for (int c = buffer->sbumpc();; c = buffer->sbumpc()) {
        if (c == std::char_traits<char>::eof()) {
            in.setstate(std::ios::eofbit);
            if (bytes == 0) return false;
            break;
        }
        if (c == '\n') break;
        ++bytes;
        last = c;
        if (line.size() < keep) line.push_back(static_cast<char>(c));
    }
    if (last == '\r') {
        if (line.size() == bytes) line.pop_back();
        --bytes;
    }
    return true;
}

nlohmann::ordered_json pack_to_json(const scanner::ParseResult& parsed) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    append_pack_fields(out, parsed);
    return out;
}

void append_pack_fields(nlohmann::ordered_json& out, const scanner::ParseResult& parsed) {
    out["ok"] = parsed.ok();
    if (!parsed.ok()) {
        out["error"] = parsed.error().message;
        out["error_kind"] = std::string(scanner::to_string(parsed.error().kind));
        return;
    }
    const scanner::PackCode& code = parsed.code();
    out["scheme"] = std::string(scanner::to_string(code.scheme));
    if (code.scheme == scanner::Scheme::Gs1) {
        nlohmann::ordered_json ais = nlohmann::ordered_json::array();
        for (const auto& [ai, value] : code.ais) ais.push_back(nlohmann::ordered_json::array({ai, value}));
        out["ais"] = std::move(ais);
    }
    if (!code.gtin.empty()) out["gtin"] = code.gtin;
    if (!code.ndc.empty()) out["ndc"] = code.ndc;
    if (code.expiry) {
        out["expiry"] = scanner::to_iso(*code.expiry);
        out["expiry_precision"] = std::string(scanner::to_string(code.expiry_precision));
    }
    if (code.production) out["production"] = scanner::to_iso(*code.production);
    if (!code.batch.empty()) out["batch"] = code.batch;
    if (!code.serial.empty()) out["serial"] = code.serial;
    if (!code.product_id.empty()) out["product_id"] = code.product_id;
}

std::string dump_line(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string show_controls(const std::string& text) {
    std::string line;
    for (char c : text) {
        if (c == '\x1d')
            line += "<GS>";
        else if (c == '\x1e')
            line += "<RS>";
        else if (c == '\x04')
            line += "<EOT>";
        else
            line.push_back(c);
    }
    return line;
}

std::string pack_summary(const scanner::ParseResult& parsed) {
    if (!parsed.ok()) return "ERROR: " + parsed.error().message;
    const scanner::PackCode& code = parsed.code();
    std::string line(scanner::to_string(code.scheme));
    if (!code.gtin.empty()) line += " gtin=" + code.gtin;
    if (!code.product_id.empty()) line += " product=" + code.product_id;
    if (code.expiry)
        line += " expiry=" + scanner::to_iso(*code.expiry) +
                (code.expiry_precision == scanner::ExpiryPrecision::Month ? " (month)" : "");
    if (!code.batch.empty()) line += " batch=" + code.batch;
    if (!code.serial.empty()) line += " serial=" + code.serial;
    return line;
}

int run_parse(const Args& args, CommandIo io) {
    bool json = false;
    scanner::Date today = scanner::local_today();
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") {
            json = true;
        } else if (args[i] == "--today") {
            if (i + 1 >= args.size()) {
                io.err << "medkioskctl parse: --today needs a date (YYYY-MM-DD)\n";
                return 2;
            }
            auto date = scanner::parse_iso_date(args[++i]);
            if (!date) {
                io.err << "medkioskctl parse: --today '" << args[i] << "' is not a valid date (YYYY-MM-DD)\n";
                return 2;
            }
            today = *date;
        } else {
            io.err << "medkioskctl parse: unknown option '" << args[i]
                   << "'\nusage: medkioskctl parse [--json] [--today YYYY-MM-DD] < lines\n";
            return 2;
        }
    }
    int status = 0;
    std::string line;
    for (std::size_t bytes = 0; read_bounded_line(io.in, line, bytes);) {
        const bool oversized = bytes > line.size();
        const scanner::SplitScan split = scanner::split_symbology(line);
        const scanner::ParseResult parsed = scanner::parse_scan(split.data, split.symbology, today);
        if (!parsed.ok()) status = 1;
        // A flood is not echoed back: its start and its size say enough.
        if (oversized) line = line.substr(0, 64) + "…";
        if (json) {
            nlohmann::ordered_json out = nlohmann::ordered_json::object();
            out["input"] = line;
            if (oversized) out["input_bytes"] = bytes;
            append_pack_fields(out, parsed);
            if (!split.symbology.empty()) out["symbology"] = std::string(split.symbology);
            io.out << dump_line(out) << '\n';
        } else {
            io.out << show_controls(line) << "  ->  " << pack_summary(parsed) << '\n';
        }
    }
    io.out.flush();
    return status;
}

}  // namespace medkiosk::cli
