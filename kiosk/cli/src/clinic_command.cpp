// medkioskctl clinic: a clinic-mode kiosk's work over SSH or from scripts — a dispatch confirmed from
// its manifest, packs given out (by line or one scanned pack), disposals, the stock with its expiry
// warnings. The same ledger, outbox and sync as the kiosk's screens.

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/clinic_flow.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/storage/clinic_store.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: medkioskctl clinic COMMAND [--data-dir DIR] [--clinic ID] [--json] [--today DATE]

Commands:
  arrive --user LOGIN (--manifest TEXT | --manifest-file FILE) [--received LINE:PACKS]...
         [--damaged LINE:PACKS]... [--extra PRODUCT:EXPIRY:CATEGORY:PACKS]... [--note TEXT]
                               confirm a dispatch from its manifest (the packing list's QR text); lines
                               not counted arrived in full; EXPIRY is YYYY-MM-DD or -
  give-out --user LOGIN (--line ARRIVAL:LINE --quantity N | --pack CODE)
                               packs given out free: N of a stock line, or one scanned pack (its code
                               as read, e.g. "(01)06901234567892(17)270630") from the line expiring first
  dispose --user LOGIN --line ARRIVAL:LINE --quantity N --reason expired|damaged
  dispose-expired --user LOGIN every expired pack on hand to disposal
  stock [--warn-days N]        packs on hand, earliest expiry first, expiring (30 days) and expired marked
  arrivals                     dispatches received, with what was missing, damaged or extra
  totals                       received, given out, disposed and on hand since the start

--clinic defaults to kiosk.clinic_id of the kiosk's settings file ($MEDKIOSK_CONFIG or
/etc/medkiosk/kiosk.toml). LOGIN is a user of the role "clinic". DATE (YYYY-MM-DD) is the clinic's
day, by default today's local date.
)";

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl clinic: " << message << '\n';
    return 1;
}

int usage(CommandIo io, const std::string& message) {
    io.err << "medkioskctl clinic: " << message << "\n\n" << kUsage;
    return 2;
}

std::optional<int> count(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(text);
}

// "A:B" → (A, B as a number).
std::optional<std::pair<std::string, int>> pair_of(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    const auto number = count(text.substr(colon + 1));
    if (!number) return std::nullopt;
    return std::pair<std::string, int>{text.substr(0, colon), *number};
}

nlohmann::ordered_json arrival_json(const storage::ArrivalRecord& a) {
    nlohmann::ordered_json lines = nlohmann::ordered_json::array();
    for (const auto& l : a.lines) {
        lines.push_back({{"line", l.line},
                         {"product", l.product},
                         {"expiry", l.expiry},
                         {"category", l.category},
                         {"expected", l.expected},
                         {"received", l.received},
                         {"damaged", l.damaged},
                         {"missing", l.missing()},
                         {"extra", l.extra}});
    }
    return {{"uuid", a.uuid},
            {"clinic_id", a.clinic_id},
            {"dispatch_kiosk_id", a.dispatch_kiosk_id},
            {"dispatch_uuid", a.dispatch_uuid},
            {"order_uuid", a.order_uuid},
            {"received_at", a.received_at},
            {"lines", lines}};
}

}  // namespace

int run_clinic(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(
            args,
            {"--user", "--clinic", "--manifest", "--manifest-file", "--received", "--damaged", "--extra",
             "--note", "--line", "--quantity", "--pack", "--reason", "--warn-days"},
            {}, options)) {
        return usage(io, *error);
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    const auto& words = options.positional;
    const std::string command = words.size() == 1 ? words.front() : "";
    static const char* const kCommands[] = {"arrive", "give-out", "dispose", "dispose-expired",
                                            "stock",  "arrivals", "totals"};
    if (std::find(std::begin(kCommands), std::end(kCommands), command) == std::end(kCommands))
        return usage(io,
                     "which command? arrive, give-out, dispose, dispose-expired, stock, arrivals or totals");
    const std::string today = scanner::to_iso(ledger_cli::today(options));

    std::string clinic_id = ledger_cli::named(options, "--clinic").value_or("");
    if (clinic_id.empty()) {
        const auto config = kiosk::read_config_file(kiosk::default_config_file());
        if (config.ok()) clinic_id = config.config.clinic_id;
    }
    if (clinic_id.empty())
        return usage(io,
                     "which clinic? pass --clinic ID or set kiosk.clinic_id in the kiosk's settings file");

    // Arguments are checked before the ledger is opened.
    storage::ArrivalInput arrival;
    if (command == "arrive") {
        std::string manifest_text = ledger_cli::named(options, "--manifest").value_or("");
        if (auto file = ledger_cli::named(options, "--manifest-file")) {
            std::ifstream in(*file, std::ios::binary);
            if (!in) return fail(io, "cannot read " + *file);
            std::getline(in, manifest_text);
        }
        if (manifest_text.empty()) return usage(io, "arrive needs --manifest TEXT or --manifest-file FILE");
        auto manifest = storage::decode_manifest(manifest_text);
        if (!manifest) return fail(io, manifest.error().message);
        arrival.manifest = std::move(manifest).value();
        std::map<int, storage::LineCount> counts;
        for (const auto& [name, value] : options.named) {
            if (name == "--received" || name == "--damaged") {
                const auto parsed = pair_of(value);
                const auto line = parsed ? count(parsed->first) : std::nullopt;
                if (!line) return usage(io, name + " takes LINE:PACKS, got \"" + value + "\"");
                auto& c = counts[*line];
                if (c.line == 0) {  // uncounted lines arrived in full
                    c.line = *line;
                    for (const auto& l : arrival.manifest.lines)
                        if (l.line == *line) c.received = l.quantity;
                }
                (name == "--received" ? c.received : c.damaged) = parsed->second;
            } else if (name == "--extra") {
                std::vector<std::string> parts;
                std::istringstream in(value);
                for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
                const auto packs = parts.size() == 4 ? count(parts[3]) : std::nullopt;
                if (!packs)
                    return usage(io, "--extra takes PRODUCT:EXPIRY:CATEGORY:PACKS, got \"" + value + "\"");
                arrival.extras.push_back({parts[0], parts[1] == "-" ? "" : parts[1], parts[2], *packs, 0});
            }
        }
        for (const auto& [line, c] : counts) arrival.counts.push_back(c);
        arrival.note = ledger_cli::named(options, "--note").value_or("");
    }

    auto ledger = ledger_cli::open_writable(options);
    if (!ledger) return fail(io, ledger.error().message);
    std::int64_t user_id = 0;
    if (command == "arrive" || command == "give-out" || command == "dispose" ||
        command == "dispose-expired") {
        const auto login = ledger_cli::named(options, "--user");
        if (!login) return usage(io, command + " needs --user LOGIN (a user of the role clinic)");
        auto user = ledger.value()->users().find(*login);
        if (!user) return fail(io, user.error().message);
        if (!user.value() || user.value()->role != "clinic" || storage::is_disabled(*user.value()))
            return fail(io, "\"" + *login +
                                "\" is no active clinic user (medkioskctl users add LOGIN --role clinic)");
        user_id = user.value()->id;
    }
    storage::LedgerOptions ledger_options;
    ledger_options.county_key_file = kiosk::county_key_file(ledger_cli::data_dir(options));
    auto opened = storage::ClinicStore::open(kiosk::ledger_file(ledger_cli::data_dir(options)),
                                             ledger_options, clinic_id);
    if (!opened) return fail(io, opened.error().message);
    auto& clinic = *opened.value();

    const auto print_out = [&](const storage::StockOut& out) {
        if (options.json) {
            io.out << ledger_cli::dump({{"uuid", out.uuid},
                                        {"arrival_uuid", out.arrival_uuid},
                                        {"line", out.line},
                                        {"kind", out.kind},
                                        {"quantity", out.quantity},
                                        {"day", out.day}})
                   << '\n';
        } else {
            io.out << out.quantity << " pack(s) of line " << out.arrival_uuid << ":" << out.line << " "
                   << (out.kind == "given_out" ? "given out" : "sent to disposal (" + out.kind + ")")
                   << " on " << out.day << '\n';
        }
    };

    if (command == "arrive") {
        arrival.user_id = user_id;
        auto signature = clinic.manifest_signature(arrival.manifest);
        if (!signature) return fail(io, signature.error().message);
        auto recorded = clinic.record_arrival(arrival);
        if (!recorded) return fail(io, recorded.error().message);
        // Taken, but said: the hub counts it only against a dispatch it holds from that collection point.
        if (signature.value() == storage::ManifestSignature::Unsigned)
            io.err
                << "medkioskctl clinic: note: the list is unsigned (printed before lists were signed); the "
                   "bureau checks it against "
                << arrival.manifest.kiosk_id << "'s records\n";
        else if (signature.value() == storage::ManifestSignature::KeyUnknown)
            io.err
                << "medkioskctl clinic: note: the list's signature could not be checked: this device has no "
                   "key for "
                << arrival.manifest.kiosk_id << " yet (it comes with the next sync)\n";
        if (options.json) {
            io.out << ledger_cli::dump(arrival_json(recorded.value())) << '\n';
        } else {
            int received = 0, missing = 0, damaged = 0, extra = 0;
            for (const auto& l : recorded.value().lines) {
                (l.extra ? extra : received) += l.received;
                missing += l.missing();
                damaged += l.damaged;
            }
            io.out << "arrival " << recorded.value().uuid << " of dispatch " << recorded.value().dispatch_uuid
                   << " from " << recorded.value().dispatch_kiosk_id << ": " << received << " received, "
                   << missing << " missing, " << damaged << " damaged, " << extra << " extra\n";
        }
        return 0;
    }
    if (command == "give-out" || command == "dispose") {
        if (command == "give-out" && ledger_cli::named(options, "--pack")) {
            const auto parsed =
                scanner::parse_scan(*ledger_cli::named(options, "--pack"), "", ledger_cli::today(options));
            if (!parsed) return fail(io, "the pack's code cannot be read: " + parsed.error().message);
            const scanner::PackCode* pack = &parsed.code();
            const std::string product = pack->gtin.empty() ? pack->product_id : pack->gtin;
            auto out = clinic.give_out_pack(product, pack->expiry ? scanner::to_iso(*pack->expiry) : "",
                                            user_id, today);
            if (!out) return fail(io, out.error().message);
            print_out(out.value());
            return 0;
        }
        const auto line = pair_of(ledger_cli::named(options, "--line").value_or(""));
        const auto quantity = count(ledger_cli::named(options, "--quantity").value_or(""));
        if (!line || !quantity) return usage(io, command + " needs --line ARRIVAL:LINE and --quantity N");
        auto out = command == "give-out"
                       ? clinic.give_out(line->first, line->second, *quantity, user_id, today)
                       : clinic.dispose(line->first, line->second, *quantity,
                                        ledger_cli::named(options, "--reason").value_or(""), user_id, today);
        if (!out) return fail(io, out.error().message);
        print_out(out.value());
        return 0;
    }
    if (command == "dispose-expired") {
        auto outs = clinic.dispose_expired(user_id, today);
        if (!outs) return fail(io, outs.error().message);
        int packs = 0;
        for (const auto& out : outs.value()) packs += out.quantity;
        io.out << packs << " expired pack(s) on " << outs.value().size() << " line(s) sent to disposal\n";
        return 0;
    }
    if (command == "stock") {
        const auto warn = count(ledger_cli::named(options, "--warn-days").value_or("30"));
        if (!warn) return usage(io, "--warn-days must be a whole number of days");
        auto lines = clinic.stock(today, *warn);
        if (!lines) return fail(io, lines.error().message);
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& l : lines.value()) {
            if (options.json) {
                out.push_back({{"arrival_uuid", l.arrival_uuid},
                               {"line", l.line},
                               {"product", l.product},
                               {"name_zh", l.name_zh},
                               {"name_en", l.name_en},
                               {"expiry", l.expiry},
                               {"category", l.category},
                               {"on_hand", l.on_hand},
                               {"days_left", l.days_left ? nlohmann::ordered_json(*l.days_left)
                                                         : nlohmann::ordered_json()},
                               {"expiring_soon", l.expiring_soon},
                               {"expired", l.expired}});
            } else {
                io.out << l.arrival_uuid << ":" << l.line << "  "
                       << (l.name_en.empty() ? l.product : l.name_en) << "  "
                       << (l.expiry.empty() ? "no expiry" : l.expiry) << "  " << l.on_hand << " on hand"
                       << (l.expired         ? "  EXPIRED: send to disposal"
                           : l.expiring_soon ? "  expires soon"
                                             : "")
                       << '\n';
            }
        }
        if (options.json) io.out << ledger_cli::dump(out) << '\n';
        return 0;
    }
    if (command == "arrivals") {
        auto list = clinic.arrivals(200);
        if (!list) return fail(io, list.error().message);
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& a : list.value()) out.push_back(arrival_json(a));
        io.out << ledger_cli::dump(out) << '\n';
        return 0;
    }
    auto totals = clinic.totals();
    if (!totals) return fail(io, totals.error().message);
    const auto& t = totals.value();
    io.out << ledger_cli::dump({{"arrivals", t.arrivals},
                                {"received", t.received},
                                {"given_out", t.given_out},
                                {"expired", t.expired},
                                {"damaged", t.damaged},
                                {"on_hand", t.on_hand}})
           << '\n';
    return 0;
}

}  // namespace medkiosk::cli
