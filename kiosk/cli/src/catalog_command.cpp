// medkioskctl catalog: import the county catalogue from CSV (all rows or none) or export it.

#include <fstream>
#include <iterator>
#include <ostream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/catalogue_import.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage = R"(usage: medkioskctl catalog import FILE.csv [--data-dir DIR] [--dry-run]
       medkioskctl catalog export [--data-dir DIR] [--json]

import   replaces the catalogue with the file's rows, or changes nothing and lists every bad row
         as LINE:COLUMN: why. Columns (UTF-8, header row, any order): product_id, name_zh, name_en,
         form, strength, category, prescription, controlled, cold_chain, injectable, device
         (flags 1/0, yes/no, true/false). See assets/catalogue/README.md.
export   the catalogue as CSV in the same columns (or JSON lines with --json)
)";

}  // namespace

int run_catalog(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(args, {}, {"--dry-run"}, options)) {
        io.err << "medkioskctl catalog: " << *error << "\n\n" << kUsage;
        return 2;
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    const auto& words = options.positional;
    const bool import = words.size() == 2 && words[0] == "import";
    const bool export_ = words.size() == 1 && words[0] == "export";
    if (!import && !export_) {
        io.err << "medkioskctl catalog: which command? import FILE or export\n\n" << kUsage;
        return 2;
    }
    if (export_) {
        auto opened = ledger_cli::open_read_only(options);
        if (!opened) {
            io.err << "medkioskctl catalog: " << opened.error().message << '\n';
            return 1;
        }
        auto entries = opened.value()->reference().catalogue();
        if (!entries) {
            io.err << "medkioskctl catalog: " << entries.error().message << '\n';
            return 1;
        }
        if (!options.json) {
            io.out << kiosk::catalogue_to_csv(entries.value());
            return 0;
        }
        for (const auto& e : entries.value()) {
            io.out << ledger_cli::dump({{"product_id", e.product_id},
                                        {"name_zh", e.name_zh},
                                        {"name_en", e.name_en},
                                        {"form", e.form},
                                        {"strength", e.strength},
                                        {"category", e.category},
                                        {"prescription", e.prescription},
                                        {"controlled", e.controlled},
                                        {"cold_chain", e.cold_chain},
                                        {"injectable", e.injectable},
                                        {"device", e.device}})
                   << '\n';
        }
        return 0;
    }

    std::ifstream in(words[1], std::ios::binary);
    if (!in) {
        io.err << "medkioskctl catalog: cannot read " << words[1] << '\n';
        return 1;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto parsed = kiosk::parse_catalogue_csv(text);
    if (!parsed.ok()) {
        for (const auto& problem : parsed.problems) {
            io.err << words[1] << ':' << problem.line << ':'
                   << (problem.column.empty() ? "-" : problem.column) << ": " << problem.why << '\n';
        }
        io.err << "medkioskctl catalog: " << parsed.problems.size()
               << " problem(s); nothing was imported — fix the file and run the import again\n";
        return 1;
    }
    if (ledger_cli::has_flag(options, "--dry-run")) {
        io.out << parsed.entries.size() << " entries are valid (dry run: nothing imported)\n";
        return 0;
    }
    auto opened = ledger_cli::open_writable(options);
    if (!opened) {
        io.err << "medkioskctl catalog: " << opened.error().message << '\n';
        return 1;
    }
    if (auto s = opened.value()->reference().replace_catalogue(parsed.entries, "medkioskctl"); !s) {
        io.err << "medkioskctl catalog: " << s.error().message << '\n';
        return 1;
    }
    io.out << "imported " << parsed.entries.size() << " catalogue entries\n";
    return 0;
}

}  // namespace medkiosk::cli
