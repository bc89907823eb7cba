// medkioskctl catalog: import the county catalogue from CSV (all rows or none) or export it.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ostream>
#include <system_error>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/catalogue_import.hpp"
#include "medkiosk/scanner/image_file.hpp"

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

// A county catalogue is a few thousand rows of a few hundred bytes; these leave room a hundredfold.
constexpr std::size_t kMaxCatalogueBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxCatalogueLineBytes = 64 * 1024;

// Reads the file into `text`, or says why not: only a regular file is read (a folder aborted the
// import, a FIFO hung it, /dev/zero grew it without bound), of at most kMaxCatalogueBytes, no line over
// kMaxCatalogueLineBytes. What was opened is judged by fstat, so it cannot be swapped after a check.
std::string read_catalogue_file(const std::string& path, std::string& text) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        if (std::string why = scanner::why_not_a_regular_file(path); !why.empty()) return why;
        return "cannot be opened: " + std::error_code(error, std::generic_category()).message();
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return "cannot be looked at: " + std::error_code(errno, std::generic_category()).message();
    if (!S_ISREG(info.st_mode)) return scanner::why_not_a_regular_file(path);
    if (static_cast<std::uintmax_t>(info.st_size) > kMaxCatalogueBytes)
        return "is " + std::to_string(info.st_size >> 20) + " MB; a catalogue file holds at most " +
               std::to_string(kMaxCatalogueBytes >> 20) + " MB";
    text.assign(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return "cannot be read: " + std::error_code(errno, std::generic_category()).message();
        if (n == 0) break;  // shrank while being read
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    std::size_t line_start = 0;
    for (std::size_t line = 1; line_start < text.size(); ++line) {
        const std::size_t end = std::min(text.find('\n', line_start), text.size());
        if (end - line_start > kMaxCatalogueLineBytes)
            return "line " + std::to_string(line) + " is " + std::to_string(end - line_start) +
                   " bytes; a catalogue line holds at most " + std::to_string(kMaxCatalogueLineBytes);
        line_start = end + 1;
    }
    return {};
}

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
            io.out << ledger_cli::dump(ledger_cli::catalogue_entry_json(e)) << '\n';
        }
        return 0;
    }

    std::string text;
    if (const std::string why = read_catalogue_file(words[1], text); !why.empty()) {
        io.err << "medkioskctl catalog: " << words[1] << ": " << why << " — nothing was imported\n";
        return 1;
    }
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
