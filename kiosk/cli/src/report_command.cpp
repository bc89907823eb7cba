// medkioskctl report: the bureau's public report from the hub's report views — donations, dispatches,
// and the clinics' use (received, given out, expired unused, in stock) — as CSV or as one
// self-contained HTML page; and a donor's receipt-code lookup.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "hub_options.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/iso_date.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/storage/sync.hpp"
#include "report_data.hpp"

namespace medkiosk::cli {
namespace {

namespace storage = medkiosk::storage;

constexpr std::string_view kUsage =
    R"(usage: medkioskctl report (--from DATE --to DATE | --weeks N) [--format csv|html] [--out FILE] [--hub CONNINFO]
       medkioskctl report --receipt CODE [--hub CONNINFO]

Donations accepted and refused by category, drop-off point and week; dispatches per clinic; and what
the clinics received, gave out, saw expire unused and hold in stock, per clinic, township, category
and week — for DATE through DATE (YYYY-MM-DD, both included), or the last N weeks up to the hub's
today. --format html writes one page in Chinese and English with inline charts, no script and no
other file, for the bureau's website. --out writes FILE atomically (a reader never sees half a page)
instead of standard output. --receipt shows one donation's items: accepted, dispatched to a
township, given out in a week. CONNINFO needs the medkiosk_report role (default $MEDKIOSK_HUB_URL).
)";

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl report: " << message << '\n';
    return 1;
}

int receipt(storage::HubSession& hub, const std::string& code, CommandIo io) {
    auto items = hub.query(
        "SELECT item::text, product, quantity::text, recorded_week, outcome, coalesce(reason, ''), "
        "coalesce(township_zh, ''), coalesce(township_en, ''), dispatched::text, given_out::text, "
        "coalesce(given_out_week, '') FROM hub.receipt_lookup($1)",
        {code});
    if (!items) return fail(io, items.error().message);
    if (items.value().empty()) {
        io.out << "no donation with receipt code " << code << " has reached the hub yet\n";
        return 1;
    }
    for (const auto& row : items.value()) {
        const auto at = [&](std::size_t i) { return row[i].value_or(""); };
        const std::string township = at(6).empty() ? "a clinic" : at(6) + " / " + at(7);
        io.out << at(0) << "  " << at(1) << "  x" << at(2) << "  week " << at(3) << "  ";
        const std::string outcome = at(4);
        if (outcome == "given out")
            io.out << "given out in week " << at(10) << " (" << township << ")";
        else if (outcome == "partly given out")
            io.out << at(9) << " of " << at(8) << " given out by week " << at(10) << " (" << township << ")";
        else if (outcome == "dispatched")
            io.out << "dispatched to " << township;
        else if (outcome == "refused")
            io.out << "refused (" << at(5) << ")";
        else
            io.out << outcome;
        io.out << '\n';
    }
    return 0;
}

}  // namespace

int run_report(const Args& args, CommandIo io) {
    const auto options = detail::parse_options(
        args, {"--hub", "--from", "--to", "--weeks", "--format", "--receipt", "--out"}, {"--help", "-h"});
    if (!options.error.empty() || !options.positional.empty()) {
        io.err << "medkioskctl report: " << (options.error.empty() ? "unexpected argument" : options.error)
               << "\n\n"
               << kUsage;
        return 2;
    }
    if (options.has("--help") || options.has("-h")) {
        io.out << kUsage;
        return 0;
    }
    const std::string code = options.value("--receipt");
    std::string from = options.value("--from"), to = options.value("--to");
    const std::string weeks = options.value("--weeks");
    const std::string format = options.value("--format", "csv");
    if (code.empty()) {
        if (!weeks.empty() && (!from.empty() || !to.empty())) {
            io.err << "medkioskctl report: give --weeks or --from and --to, not both\n\n" << kUsage;
            return 2;
        }
        const bool weeks_ok = !weeks.empty() && weeks.size() <= 3 &&
                              weeks.find_first_not_of("0123456789") == std::string::npos &&
                              std::stoi(weeks) > 0;
        if (weeks.empty() ? (!is_iso_date(from) || !is_iso_date(to)) : !weeks_ok) {
            io.err << "medkioskctl report: --from and --to must be dates YYYY-MM-DD (or --weeks 1-999)\n\n"
                   << kUsage;
            return 2;
        }
    }
    if (format != "csv" && format != "html") {
        io.err << "medkioskctl report: --format must be csv or html\n\n" << kUsage;
        return 2;
    }
    if (format == "html") {
        // The page's words come from the kiosk's translation files: refuse before asking the hub.
        kiosk::Translations words;
        if (auto loaded = words.load(kiosk::default_assets_dir() / "lang"); !loaded)
            return fail(
                io, "cannot read the page's words: " + loaded.error().message + " (set MEDKIOSK_ASSETS_DIR)");
    }
    auto session = storage::HubSession::connect(detail::hub_conninfo(options));
    if (!session) return fail(io, session.error().message);
    auto& hub = *session.value();
    if (!code.empty()) return receipt(hub, code, io);

    if (!weeks.empty()) {
        // The last N weeks (Monday to today) by the hub's calendar.
        auto window = hub.query(
            "SELECT (date_trunc('week', current_date) - ($1::int - 1) * interval '1 week')::date::text, "
            "current_date::text",
            {weeks});
        if (!window) return fail(io, window.error().message);
        from = window.value().at(0).at(0).value_or("");
        to = window.value().at(0).at(1).value_or("");
    }
    auto data = detail::read_report(hub, from, to);
    if (!data) return fail(io, data.error().message);
    const std::string page =
        format == "csv" ? detail::render_report_csv(data.value()) : detail::render_report_html(data.value());
    const std::string out = options.value("--out");
    if (out.empty()) {
        io.out << page;
        return 0;
    }
    // Atomically, so a web server never serves a half-written page.
    if (auto written = kiosk::write_file_atomically(out, page); !written)
        return fail(io, written.error().message);
    io.err << "wrote " << out << " (" << page.size() << " bytes, " << from << " to " << to << ")\n";
    return 0;
}

}  // namespace medkiosk::cli
