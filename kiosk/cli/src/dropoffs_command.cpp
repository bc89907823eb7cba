// medkioskctl dropoffs list: the drop-offs, newest first, or the pharmacist's queue (--pending).

#include <charconv>
#include <ostream>

#include "ledger_cli.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: medkioskctl dropoffs list [--data-dir DIR] [--limit N] [--pending] [--json]

  list        drop-offs newest first; --pending: those waiting for a pharmacist, oldest first
  --json      one JSON object per line (serials appear only as keyed hashes)
)";

}  // namespace

int run_dropoffs(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(args, {"--limit"}, {"--pending"}, options)) {
        io.err << "medkioskctl dropoffs: " << *error << "\n\n" << kUsage;
        return 2;
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    if (options.positional.size() != 1 || options.positional.front() != "list") {
        io.err << "medkioskctl dropoffs: which command? list\n\n" << kUsage;
        return 2;
    }
    int limit = 100;
    if (auto text = ledger_cli::named(options, "--limit")) {
        const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
        if (error != std::errc() || end != text->data() + text->size() || limit < 1) {
            io.err << "medkioskctl dropoffs: --limit must be a positive whole number\n";
            return 2;
        }
    }
    auto opened = ledger_cli::open_read_only(options);
    if (!opened) {
        io.err << "medkioskctl dropoffs: " << opened.error().message << '\n';
        return 1;
    }
    auto records = ledger_cli::has_flag(options, "--pending") ? opened.value()->staff().review_queue(limit)
                                                              : opened.value()->dropoffs().recent(limit);
    if (!records) {
        io.err << "medkioskctl dropoffs: " << records.error().message << '\n';
        return 1;
    }
    for (const auto& record : records.value()) {
        if (options.json) {
            io.out << ledger_cli::dump(ledger_cli::dropoff_json(record)) << '\n';
        } else {
            const std::string& product = record.gtin.empty() ? record.product_id : record.gtin;
            io.out << '#' << record.sequence << "  " << record.recorded_at << "  " << record.decision << '/'
                   << record.reason << "  " << (product.empty() ? "-" : product) << "  "
                   << (record.category.empty() ? "-" : record.category) << "  x" << record.quantity << "  "
                   << record.review_state << "  " << record.uuid << '\n';
        }
    }
    if (!options.json && records.value().empty()) io.out << "no drop-offs\n";
    return 0;
}

}  // namespace medkiosk::cli
