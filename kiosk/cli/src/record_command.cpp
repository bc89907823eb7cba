// medkioskctl record: records drop-offs from scan lines on stdin (the `parse` format), through the same
// policy as the kiosk, and prints each new record as a JSON line once it is durably committed.

#include <charconv>
#include <istream>
#include <limits>
#include <ostream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/policy_lookup.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "pack_json.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: medkioskctl record [--data-dir DIR] [--today YYYY-MM-DD] [--quantity N]
                          [--condition sealed|opened-usable] [--expiry YYYY-MM] [--session ID] < lines

Each stdin line is scan data as `medkioskctl parse` reads it (AIM id optional, GS as 0x1D). The pack
is judged by the county's rules, the catalogue, the active drive and the recall list; packs the
policy accepts or sends to review are recorded in one new donation session (or --session ID) and
printed as one JSON line each after the commit ("recorded": true). A refused pack, or one without
expiry when no --expiry (month/year the donor read from the box) is given, is not recorded; its line
has "recorded": false with the decision and reason. Exit 1 when any line was not recorded.
)";

std::optional<int> parse_int(const std::string& text, int low, int high) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < low || value > high)
        return std::nullopt;
    return value;
}

}  // namespace

int run_record(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error =
            ledger_cli::parse(args, {"--quantity", "--condition", "--expiry", "--session"}, {}, options)) {
        io.err << "medkioskctl record: " << *error << "\n\n" << kUsage;
        return 2;
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    if (!options.positional.empty()) {
        io.err << "medkioskctl record: unexpected argument '" << options.positional.front() << "'\n\n"
               << kUsage;
        return 2;
    }
    int quantity = 1;
    if (auto text = ledger_cli::named(options, "--quantity")) {
        auto value = parse_int(*text, 1, 1000);
        if (!value) {
            io.err << "medkioskctl record: --quantity must be a whole number from 1 to 1000\n";
            return 2;
        }
        quantity = *value;
    }
    const std::string condition = ledger_cli::named(options, "--condition").value_or("sealed");
    if (condition != "sealed" && condition != "opened-usable") {
        io.err << "medkioskctl record: --condition must be sealed or opened-usable\n";
        return 2;
    }
    std::optional<scanner::Date> donor_expiry;
    if (auto text = ledger_cli::named(options, "--expiry")) {
        auto day = scanner::parse_iso_date(*text + "-01");
        if (!day) {
            io.err << "medkioskctl record: --expiry must be YYYY-MM (the month printed on the box)\n";
            return 2;
        }
        donor_expiry = scanner::last_day_of_month(day->year, day->month);
    }
    std::int64_t session_id = 0;
    if (auto text = ledger_cli::named(options, "--session")) {
        auto value = parse_int(*text, 1, std::numeric_limits<int>::max());
        if (!value) {
            io.err << "medkioskctl record: --session must be a session number\n";
            return 2;
        }
        session_id = *value;
    }

    auto opened = ledger_cli::open_writable(options);
    if (!opened) {
        io.err << "medkioskctl record: " << opened.error().message << '\n';
        return 1;
    }
    storage::Ledger& ledger = *opened.value();
    const scanner::Date today = ledger_cli::today(options);

    int status = 0;
    std::string line;
    for (std::size_t bytes = 0; read_bounded_line(io.in, line, bytes);) {
        if (line.empty()) continue;  // a line that was longer than a scan is refused by the parser
        const auto split = scanner::split_symbology(line);
        const auto parsed = scanner::parse_scan(split.data, split.symbology, today);
        nlohmann::ordered_json out;
        if (!parsed.ok()) {
            out = {{"recorded", false},
                   {"decision", "refuse"},
                   {"reason", "unreadable"},
                   {"error", parsed.error().message}};
            io.out << ledger_cli::dump(out) << std::endl;
            status = 1;
            continue;
        }
        scanner::PackCode pack = parsed.code();
        // --expiry is the month the donor read off the box, as in the kiosk's picker.
        const char* expiry_source = pack.expiry ? "code" : donor_expiry ? "picker" : "";
        if (!pack.expiry && donor_expiry) {
            pack.expiry = donor_expiry;
            pack.expiry_precision = scanner::ExpiryPrecision::Month;
        }
        auto inputs = kiosk::policy_inputs(ledger, pack, today);
        if (!inputs) {
            io.err << "medkioskctl record: " << inputs.error().message << '\n';
            return 1;
        }
        const auto assessment = kiosk::assess(pack, today, inputs.value().rules, inputs.value().context);
        if (assessment.decision == kiosk::Decision::Refuse ||
            assessment.decision == kiosk::Decision::AskExpiry) {
            out = {{"recorded", false},
                   {"decision", std::string(kiosk::to_string(assessment.decision))},
                   {"reason", assessment.reason}};
            io.out << ledger_cli::dump(out) << std::endl;
            status = 1;
            continue;
        }
        if (session_id == 0) {
            auto session = ledger.dropoffs().begin_session();
            if (!session) {
                io.err << "medkioskctl record: " << session.error().message << '\n';
                return 1;
            }
            session_id = session.value().id;
        }
        storage::DropOffInput input = kiosk::dropoff_input(pack, assessment);
        input.session_id = session_id;
        input.quantity = quantity;
        input.condition = condition;
        input.category = inputs.value().category;
        input.drive_id = inputs.value().drive_id;
        if (!input.expiry.empty()) input.expiry_source = expiry_source;
        auto record = ledger.dropoffs().record(input);
        if (!record) {
            io.err << "medkioskctl record: " << record.error().message << '\n';
            return 1;
        }
        out = ledger_cli::dropoff_json(record.value());
        out["recorded"] = true;
        // Flushed per line: a script (or the crash test) may rely on every printed record being committed.
        io.out << ledger_cli::dump(out) << std::endl;
    }
    return status;
}

}  // namespace medkiosk::cli
