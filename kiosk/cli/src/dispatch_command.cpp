// medkioskctl dispatch: a collection point's dispatches to clinics, over SSH or from scripts — the
// clinics and the bureau's orders the kiosk pulled from the hub, the packs free to send, a dispatch
// to a clinic or for an order (fully or partly), and its manifest and printable packing list.

#include <fstream>
#include <ostream>
#include <sstream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/county_csv.hpp"
#include "medkiosk/kiosk/packing_list.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/storage/dispatch_book.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage = R"(usage: medkioskctl dispatch COMMAND [--data-dir DIR] [--json]

Commands:
  clinics                      the county's clinics this kiosk has (pulled from the hub)
  clinics import FILE          the clinic list from the hub's CSV, for a site without a network
  orders [--all]               the bureau's orders for this collection point, what each still wants
                               and what of it is here
  candidates [--limit N]       accepted packs free to send (not dispatched, not held for an order),
                               earliest expiry first
  send --user LOGIN (--clinic ID | --order UUID) [--item DROPOFF[:PACKS]]... [--close]
                               record a dispatch: to a clinic from the list, or for an order (without
                               --item: every pack of the order that is here); PACKS defaults to all
                               that can go; --close tells the bureau nothing more comes for the order
  list [--limit N]             recent dispatches
  show UUID                    a dispatch's manifest (the QR's text) and lines
  packing-list UUID --out FILE the one-page packing list to print (HTML, Chinese and English)

LOGIN is the staff member who dispatches (medkioskctl users list); the dispatch is theirs in the audit
log. A drop-off the kiosk accepted and nobody reviewed yet is confirmed by the dispatch.
)";

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl dispatch: " << message << '\n';
    return 1;
}

int usage(CommandIo io, const std::string& message) {
    io.err << "medkioskctl dispatch: " << message << "\n\n" << kUsage;
    return 2;
}

storage::LedgerOptions ledger_options(const ledger_cli::CommonOptions& options) {
    storage::LedgerOptions ledger;
    ledger.county_key_file = kiosk::county_key_file(ledger_cli::data_dir(options));
    if (const char* kiosk_id = std::getenv("MEDKIOSK_KIOSK_ID"); kiosk_id != nullptr && *kiosk_id != '\0')
        ledger.kiosk_id = kiosk_id;
    return ledger;
}

nlohmann::ordered_json record_json(const storage::DispatchRecord& record) {
    nlohmann::ordered_json lines = nlohmann::ordered_json::array();
    for (const auto& line : record.manifest.lines) {
        lines.push_back({{"line", line.line},
                         {"product", line.product},
                         {"expiry", line.expiry},
                         {"category", line.category},
                         {"quantity", line.quantity}});
    }
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& item : record.dispatch.items)
        items.push_back({{"dropoff_uuid", item.dropoff_uuid}, {"quantity", item.quantity}});
    return {{"uuid", record.dispatch.uuid},
            {"clinic", record.dispatch.clinic},
            {"clinic_id", record.clinic_id},
            {"order_uuid", record.order_uuid},
            {"closes_order", record.closes_order},
            {"dispatched_at", record.dispatch.dispatched_at},
            {"packs", record.manifest.packs()},
            {"items", items},
            {"lines", lines},
            {"manifest", record.manifest_code}};
}

}  // namespace

int run_dispatch(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(args, {"--user", "--clinic", "--order", "--item", "--limit", "--out"},
                                       {"--all", "--close"}, options)) {
        return usage(io, *error);
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    const auto& words = options.positional;
    const std::string command = words.empty() ? "" : words.front();
    int limit = 200;
    if (auto text = ledger_cli::named(options, "--limit")) {
        if (text->empty() || text->size() > 6 || text->find_first_not_of("0123456789") != std::string::npos)
            return usage(io, "--limit must be a whole number");
        limit = std::stoi(*text);
    }
    // Files and arguments are checked before the ledger is opened.
    std::optional<kiosk::CsvParse<storage::Clinic>> clinic_file;
    if (command == "clinics" && words.size() == 3 && words[1] == "import") {
        std::ifstream in(words[2], std::ios::binary);
        if (!in) return fail(io, "cannot read " + words[2]);
        std::ostringstream text;
        text << in.rdbuf();
        clinic_file = kiosk::parse_clinics_csv(text.str());
        if (!clinic_file->ok()) {
            for (const auto& problem : clinic_file->problems)
                io.err << kiosk::describe(problem, words[2]) << '\n';
            return fail(io, words[2] + ": nothing was imported — fix the problems above");
        }
    } else if (!((command == "clinics" || command == "orders" || command == "candidates" ||
                  command == "list" || command == "send") &&
                 words.size() == 1) &&
               !((command == "show" || command == "packing-list") && words.size() == 2)) {
        return usage(
            io, "which command? clinics, orders, candidates, send, list, show UUID or packing-list UUID");
    }
    if (command == "packing-list" && !ledger_cli::named(options, "--out"))
        return usage(io, "packing-list needs --out FILE.html");

    auto book = storage::DispatchBook::open(kiosk::ledger_file(ledger_cli::data_dir(options)),
                                            ledger_options(options));
    if (!book) return fail(io, book.error().message);
    auto& dispatches = *book.value();

    if (command == "clinics" && clinic_file) {
        if (auto s = dispatches.import_clinics(clinic_file->rows, "medkioskctl"); !s)
            return fail(io, s.error().message);
        io.out << clinic_file->rows.size() << " clinic(s) imported; a sync with the hub replaces them\n";
        return 0;
    }
    if (command == "clinics") {
        auto clinics = dispatches.clinics();
        if (!clinics) return fail(io, clinics.error().message);
        if (options.json) {
            nlohmann::ordered_json out = nlohmann::ordered_json::array();
            for (const auto& c : clinics.value())
                out.push_back({{"clinic_id", c.clinic_id},
                               {"name_zh", c.name_zh},
                               {"name_en", c.name_en},
                               {"kind", c.kind},
                               {"township_zh", c.township_zh},
                               {"township_en", c.township_en}});
            io.out << ledger_cli::dump(out) << '\n';
            return 0;
        }
        if (clinics.value().empty())
            io.out << "no clinics yet: sync with the hub, or medkioskctl dispatch clinics import FILE\n";
        for (const auto& c : clinics.value())
            io.out << c.clinic_id << "  " << c.name_zh << " / " << c.name_en << "  (" << c.township_zh
                   << ")\n";
        return 0;
    }
    if (command == "orders") {
        auto orders = dispatches.orders(ledger_cli::has_flag(options, "--all"));
        if (!orders) return fail(io, orders.error().message);
        if (options.json) {
            nlohmann::ordered_json out = nlohmann::ordered_json::array();
            for (const auto& o : orders.value()) {
                nlohmann::ordered_json items = nlohmann::ordered_json::array();
                for (const auto& i : o.items)
                    items.push_back({{"dropoff_uuid", i.dropoff_uuid},
                                     {"ordered", i.ordered},
                                     {"sent", i.sent},
                                     {"available", i.available},
                                     {"here", i.dropoff.has_value()}});
                out.push_back({{"order_uuid", o.order_uuid},
                               {"clinic_id", o.clinic_id},
                               {"request_id", o.request_id},
                               {"category", o.category},
                               {"needed_by", o.needed_by},
                               {"ordered", o.ordered()},
                               {"sent", o.sent()},
                               {"closed", o.closed},
                               {"items", items}});
            }
            io.out << ledger_cli::dump(out) << '\n';
            return 0;
        }
        for (const auto& o : orders.value()) {
            int available = 0;
            for (const auto& i : o.items) available += i.available;
            io.out << o.order_uuid << "  to " << o.clinic_id << "  " << o.category << " by " << o.needed_by
                   << "  " << o.sent() << "/" << o.ordered() << " sent, " << available << " here to send"
                   << (o.closed ? "  closed" : "") << '\n';
        }
        return 0;
    }
    if (command == "candidates") {
        auto candidates = dispatches.candidates(limit);
        if (!candidates) return fail(io, candidates.error().message);
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& c : candidates.value()) {
            if (options.json) {
                auto row = ledger_cli::dropoff_json(c.row.dropoff);
                row["free"] = c.free;
                row["dispatched"] = c.dispatched;
                row["held_for_orders"] = c.held_for_orders;
                out.push_back(row);
            } else {
                io.out << c.row.dropoff.uuid << "  "
                       << (c.row.dropoff.expiry.empty() ? "no expiry" : c.row.dropoff.expiry) << "  "
                       << (c.row.name_en.empty() ? c.row.dropoff.gtin : c.row.name_en) << "  " << c.free
                       << " of " << c.row.dropoff.quantity << " free\n";
            }
        }
        if (options.json) io.out << ledger_cli::dump(out) << '\n';
        return 0;
    }
    if (command == "list" || command == "show" || command == "packing-list") {
        std::vector<storage::DispatchRecord> records;
        if (command == "list") {
            auto recent = dispatches.recent(limit);
            if (!recent) return fail(io, recent.error().message);
            records = std::move(recent).value();
        } else {
            auto found = dispatches.find(words[1]);
            if (!found) return fail(io, found.error().message);
            records.push_back(std::move(found).value());
        }
        if (command == "packing-list") {
            auto ledger = ledger_cli::open_writable(options);
            if (!ledger) return fail(io, ledger.error().message);
            auto clinics = dispatches.clinics();
            if (!clinics) return fail(io, clinics.error().message);
            const auto config = kiosk::read_config_file(kiosk::default_config_file());
            auto html = kiosk::render_packing_list(records.front(), clinics.value(), ledger.value().get(),
                                                   kiosk::default_assets_dir(),
                                                   config.ok() ? config.config.location : std::string());
            if (!html) return fail(io, html.error().message);
            const std::string out = *ledger_cli::named(options, "--out");
            if (auto written = kiosk::write_file_atomically(out, html.value()); !written)
                return fail(io, written.error().message);
            io.out << "packing list for dispatch " << records.front().dispatch.uuid << " written to " << out
                   << '\n';
            return 0;
        }
        if (options.json) {
            nlohmann::ordered_json out = nlohmann::ordered_json::array();
            for (const auto& r : records) out.push_back(record_json(r));
            io.out << ledger_cli::dump(command == "show" ? out.front() : out) << '\n';
            return 0;
        }
        for (const auto& r : records) {
            io.out << r.dispatch.uuid << "  " << r.dispatch.dispatched_at << "  to " << r.dispatch.clinic
                   << "  " << r.manifest.packs() << " pack(s)"
                   << (r.order_uuid.empty() ? "" : "  order " + r.order_uuid) << '\n';
            if (command == "show") {
                for (const auto& line : r.manifest.lines)
                    io.out << "  " << line.line << "  " << line.product << "  "
                           << (line.expiry.empty() ? "-" : line.expiry) << "  " << line.category << "  "
                           << line.quantity << '\n';
                io.out << "manifest: " << r.manifest_code << '\n';
            }
        }
        return 0;
    }

    // send
    const auto login = ledger_cli::named(options, "--user");
    const auto clinic = ledger_cli::named(options, "--clinic");
    const auto order = ledger_cli::named(options, "--order");
    if (!login) return usage(io, "send needs --user LOGIN (the staff member dispatching)");
    if (clinic.has_value() == order.has_value()) return usage(io, "send needs --clinic ID or --order UUID");
    auto ledger = ledger_cli::open_writable(options);
    if (!ledger) return fail(io, ledger.error().message);
    auto user = ledger.value()->users().find(*login);
    if (!user) return fail(io, user.error().message);
    if (!user.value() || user.value()->role != "staff" || storage::is_disabled(*user.value()))
        return fail(io, "\"" + *login + "\" is no active staff user (medkioskctl users list)");
    storage::DispatchRequest request;
    request.clinic_id = clinic.value_or("");
    request.order_uuid = order.value_or("");
    request.closes_order = ledger_cli::has_flag(options, "--close");
    request.user_id = user.value()->id;
    request.confirm_kiosk_accepted = true;
    for (const auto& [name, value] : options.named) {
        if (name != "--item") continue;
        const auto colon = value.find(':');
        storage::DispatchItem item{value.substr(0, colon), 0};
        if (colon != std::string::npos) {
            const std::string packs = value.substr(colon + 1);
            if (packs.empty() || packs.size() > 5 ||
                packs.find_first_not_of("0123456789") != std::string::npos)
                return usage(io, "--item takes DROPOFF or DROPOFF:PACKS, got \"" + value + "\"");
            item.quantity = std::stoi(packs);
        }
        request.items.push_back(item);
    }
    // Without counts: what can go — for an order, what it still wants that is here; else all that is free.
    if (order) {
        auto orders = dispatches.orders(true);
        if (!orders) return fail(io, orders.error().message);
        const storage::DispatchOrder* found = nullptr;
        for (const auto& o : orders.value())
            if (o.order_uuid == *order) found = &o;
        if (found == nullptr)
            return fail(io, "no order " + *order + " at this collection point (sync first?)");
        if (request.items.empty())
            for (const auto& i : found->items)
                if (i.available > 0) request.items.push_back({i.dropoff_uuid, i.available});
        for (auto& item : request.items)
            for (const auto& i : found->items)
                if (item.quantity == 0 && i.dropoff_uuid == item.dropoff_uuid) item.quantity = i.available;
        if (request.items.empty()) return fail(io, "nothing of order " + *order + " is here to send");
    } else {
        if (request.items.empty()) return usage(io, "a dispatch to a clinic lists its packs with --item");
        auto candidates = dispatches.candidates(100000);
        if (!candidates) return fail(io, candidates.error().message);
        for (auto& item : request.items)
            for (const auto& c : candidates.value())
                if (item.quantity == 0 && c.row.dropoff.uuid == item.dropoff_uuid) item.quantity = c.free;
    }
    for (const auto& item : request.items)
        if (item.quantity == 0) return fail(io, "nothing of drop-off " + item.dropoff_uuid + " can go");
    auto recorded = dispatches.record(request);
    if (!recorded) return fail(io, recorded.error().message);
    if (options.json) {
        io.out << ledger_cli::dump(record_json(recorded.value())) << '\n';
    } else {
        io.out << "dispatch " << recorded.value().dispatch.uuid << " to " << recorded.value().dispatch.clinic
               << ": " << recorded.value().manifest.packs() << " pack(s) on "
               << recorded.value().manifest.lines.size()
               << " line(s)\nmanifest: " << recorded.value().manifest_code << '\n';
    }
    return 0;
}

}  // namespace medkiosk::cli
