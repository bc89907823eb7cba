// medkioskctl parse: one scan per stdin line → one JSON object (or readable line) per input line.

#include <istream>
#include <ostream>
#include <string>

#include "medkiosk/cli/commands.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {

nlohmann::json pack_to_json(const scanner::ParseResult& parsed) {
    nlohmann::json out = nlohmann::json::object();
    out["ok"] = parsed.ok();
    if (!parsed.ok()) {
        out["error"] = parsed.error().message;
        out["error_kind"] = std::string(scanner::to_string(parsed.error().kind));
        return out;
    }
    const scanner::PackCode& code = parsed.code();
    out["scheme"] = std::string(scanner::to_string(code.scheme));
    if (code.scheme == scanner::Scheme::Gs1) {
        nlohmann::json ais = nlohmann::json::array();
        for (const auto& [ai, value] : code.ais) ais.push_back(nlohmann::json::array({ai, value}));
        out["ais"] = std::move(ais);
    }
    if (!code.gtin.empty()) out["gtin"] = code.gtin;
    if (code.expiry) {
        out["expiry"] = scanner::to_iso(*code.expiry);
        out["expiry_precision"] = std::string(scanner::to_string(code.expiry_precision));
    }
    if (code.production) out["production"] = scanner::to_iso(*code.production);
    if (!code.batch.empty()) out["batch"] = code.batch;
    if (!code.serial.empty()) out["serial"] = code.serial;
    if (!code.product_id.empty()) out["product_id"] = code.product_id;
    return out;
}

std::string dump_line(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string show_controls(const std::string& text) {
    std::string line;
    for (char c : text) {
        if (c == '\x1d') line += "<GS>";
        else if (c == '\x1e') line += "<RS>";
        else if (c == '\x04') line += "<EOT>";
        else line.push_back(c);
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
    scanner::Date today = scanner::today_utc();
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
    for (std::string line; std::getline(io.in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const scanner::SplitScan split = scanner::split_symbology(line);
        const scanner::ParseResult parsed = scanner::parse_scan(split.data, split.symbology, today);
        if (!parsed.ok()) status = 1;
        if (json) {
            nlohmann::json out = nlohmann::json::object();
            out["input"] = line;
            if (!split.symbology.empty()) out["symbology"] = std::string(split.symbology);
            out.update(pack_to_json(parsed));
            io.out << dump_line(out) << '\n';
        } else {
            io.out << show_controls(line) << "  ->  " << pack_summary(parsed) << '\n';
        }
    }
    io.out.flush();
    return status;
}

}  // namespace medkiosk::cli
