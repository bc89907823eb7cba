// medkioskctl hub: the bureau's county commands — clinics as reference data, where collection points
// are, clinic-mode devices, clinics' requests, the allocation that turns them into dispatch orders.

#include "hub_county_command.hpp"

#include <sodium.h>

#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "medkiosk/kiosk/allocation.hpp"
#include "medkiosk/kiosk/county_csv.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/storage/county.hpp"

namespace medkiosk::cli::detail {
namespace {

namespace storage = medkiosk::storage;
namespace kiosk = medkiosk::kiosk;

constexpr std::size_t kMaxCsvBytes = 64 * 1024 * 1024;

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl hub: " << message << '\n';
    return 1;
}

int usage(CommandIo io, const std::string& message) {
    io.err << "medkioskctl hub: " << message << "\n\n" << kHubCountyUsage;
    return 2;
}

// The whole file, or an error a person can act on (missing, unreadable, too large).
std::optional<std::string> read_file(const std::string& path, CommandIo io) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        fail(io, "cannot read " + path + ": " + ec.message());
        return std::nullopt;
    }
    if (size > kMaxCsvBytes) {
        fail(io, path + " is larger than 64 MB; no county list is that long — is it the right file?");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        fail(io, "cannot read " + path);
        return std::nullopt;
    }
    return text.str();
}

int report_problems(const std::vector<kiosk::CsvProblem>& problems, const std::string& file, CommandIo io) {
    for (const auto& problem : problems) io.err << kiosk::describe(problem, file) << '\n';
    io.err << "medkioskctl hub: " << file << ": " << problems.size()
           << " problem(s); nothing was imported — fix them and import the file again\n";
    return 1;
}

std::optional<int> positive(const std::string& text) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(text);
}

std::optional<double> degrees(const std::string& text, double limit) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || value < -limit || value > limit)
        return std::nullopt;
    return value;
}

std::string generated_password() {
    unsigned char bytes[18];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text;
}

std::string km_text(const std::optional<double>& km) {
    if (!km) return "distance unknown";
    std::ostringstream text;
    text << std::fixed << std::setprecision(1) << *km << " km";
    return text.str();
}

// Connects on first use, so a bad file or argument is refused without a hub.
class LazyHub {
  public:
    LazyHub(const ParsedOptions& options, CommandIo io) : options_(options), io_(io) {}
    storage::HubSession* get() {
        if (session_) return session_.get();
        auto session = storage::HubSession::connect(hub_conninfo(options_));
        if (!session) {
            fail(io_, session.error().message);
            return nullptr;
        }
        session_ = std::move(session).value();
        return session_.get();
    }

  private:
    const ParsedOptions& options_;
    CommandIo io_;
    std::unique_ptr<storage::HubSession> session_;
};

int clinics(const ParsedOptions& options, LazyHub& lazy, CommandIo io) {
    const std::string& verb = options.positional.size() > 1 ? options.positional[1] : "";
    if (verb == "import" && options.positional.size() == 3) {
        const std::string& file = options.positional[2];
        auto text = read_file(file, io);
        if (!text) return 1;
        const auto parsed = kiosk::parse_clinics_csv(*text);
        if (!parsed.ok()) return report_problems(parsed.problems, file, io);
        auto* hub = lazy.get();
        if (!hub) return 1;
        auto imported = storage::import_clinics(*hub, parsed.rows);
        if (!imported) return fail(io, imported.error().message);
        io.out << parsed.rows.size() << " clinic(s) in " << file << ": " << imported.value().written
               << " added or changed; " << imported.value().rematched
               << " earlier free-text dispatch(es) now matched to a clinic\n";
        return 0;
    }
    if (verb == "list" && options.positional.size() == 2) {
        auto* hub = lazy.get();
        if (!hub) return 1;
        auto list = storage::list_clinics(*hub);
        if (!list) return fail(io, list.error().message);
        if (options.has("--json")) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& c : list.value()) {
                out.push_back({{"clinic_id", c.clinic_id},
                               {"name_zh", c.name_zh},
                               {"name_en", c.name_en},
                               {"kind", c.kind},
                               {"township_zh", c.township_zh},
                               {"township_en", c.township_en},
                               {"retired", c.deleted}});
            }
            io.out << out.dump(2) << '\n';
            return 0;
        }
        for (const auto& c : list.value()) {
            io.out << c.clinic_id << "  " << c.name_zh << " / " << c.name_en << "  (" << c.kind << ", "
                   << c.township_zh << " / " << c.township_en << ")" << (c.deleted ? "  retired" : "")
                   << '\n';
        }
        return 0;
    }
    return usage(io, "clinics takes: import FILE | list [--json]");
}

int requests(const ParsedOptions& options, LazyHub& lazy, CommandIo io) {
    const std::string& verb = options.positional.size() > 1 ? options.positional[1] : "";
    if (verb == "add" && options.positional.size() == 2) {
        storage::ClinicRequestInput request;
        request.clinic_id = options.value("--clinic");
        request.category = options.value("--category");
        request.needed_by = options.value("--needed-by");
        request.note = options.value("--note");
        const auto quantity = positive(options.value("--quantity"));
        request.quantity = quantity.value_or(0);
        auto problems = kiosk::check_request(request, scanner::to_iso(scanner::local_today()));
        if (!problems.empty()) {
            std::string message = "request add:";
            for (const auto& p : problems)
                message += " --" + (p.column == "clinic_id" ? "clinic" : p.column) + " " + p.why + ";";
            std::replace(message.begin(), message.end(), '_', '-');
            return usage(io, message);
        }
        auto* hub = lazy.get();
        if (!hub) return 1;
        auto ids = storage::add_requests(*hub, {request}, "cli");
        if (!ids) return fail(io, ids.error().message);
        io.out << "request " << ids.value().front() << ": " << request.quantity << " pack(s) of "
               << request.category << " for " << request.clinic_id << " by " << request.needed_by << '\n';
        return 0;
    }
    if (verb == "import" && options.positional.size() == 3) {
        const std::string& file = options.positional[2];
        auto text = read_file(file, io);
        if (!text) return 1;
        const auto parsed = kiosk::parse_requests_csv(*text, scanner::to_iso(scanner::local_today()));
        if (!parsed.ok()) return report_problems(parsed.problems, file, io);
        if (parsed.rows.empty()) return fail(io, file + " holds no request (only its header)");
        auto* hub = lazy.get();
        if (!hub) return 1;
        auto imported = storage::import_requests(*hub, parsed.rows);
        if (!imported) return fail(io, file + ": " + imported.error().message);
        std::vector<std::int64_t> added, present;
        for (const auto& r : imported.value()) (r.already_present ? present : added).push_back(r.request_id);
        const auto ids = [](const std::vector<std::int64_t>& list) {
            std::string joined;
            for (const auto id : list) joined += (joined.empty() ? "" : ", ") + std::to_string(id);
            return joined;
        };
        io.out << added.size() << " request(s) from " << file << " stored"
               << (added.empty() ? "" : ", ids " + ids(added)) << '\n';
        // A request not cancelled with the same clinic, category, quantity and needed-by date is the
        // same request: a file imported again does not double what the county asks for.
        if (!present.empty())
            io.out << present.size() << " already at the hub, not added again (same clinic, category, "
                   << "quantity and needed-by as request(s) " << ids(present) << ")\n";
        return 0;
    }
    if (verb == "list" && options.positional.size() == 2) {
        auto* hub = lazy.get();
        if (!hub) return 1;
        auto list = storage::list_requests(*hub, options.has("--all"));
        if (!list) return fail(io, list.error().message);
        if (options.has("--json")) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& r : list.value()) {
                out.push_back({{"request_id", r.request_id},
                               {"clinic_id", r.clinic_id},
                               {"category", r.category},
                               {"quantity", r.quantity},
                               {"needed_by", r.needed_by},
                               {"note", r.note},
                               {"allocated", r.allocated},
                               {"sent", r.sent},
                               {"outstanding", r.outstanding},
                               {"state", r.state}});
            }
            io.out << out.dump(2) << '\n';
            return 0;
        }
        io.out << "id  clinic  category  quantity  needed_by  allocated  sent  state\n";
        for (const auto& r : list.value()) {
            io.out << r.request_id << "  " << r.clinic_id << "  " << r.category << "  " << r.quantity << "  "
                   << r.needed_by << "  " << r.allocated << "  " << r.sent << "  " << r.state << '\n';
        }
        return 0;
    }
    if (verb == "cancel" && options.positional.size() == 3) {
        const auto id = positive(options.positional[2]);
        if (!id) return usage(io, "request cancel takes a request id (a number)");
        auto* hub = lazy.get();
        if (!hub) return 1;
        if (auto s = storage::cancel_request(*hub, *id); !s) return fail(io, s.error().message);
        io.out << "request " << *id << " cancelled; its open orders were withdrawn\n";
        return 0;
    }
    return usage(io,
                 "request takes: add --clinic ID --category C --quantity N --needed-by DATE [--note TEXT] | "
                 "import FILE | list [--all] [--json] | cancel ID");
}

// What the allocation leaves aside because its clinic is retired: never silently, and each with the
// command that withdraws it.
void print_retired_clinics(const storage::AllocationInput& input, std::ostream& out) {
    if (!input.retired_clinic_requests.empty()) {
        out << "\nSkipped " << input.retired_clinic_requests.size() << " request(s) of retired clinics:\n";
        for (const auto& r : input.retired_clinic_requests)
            out << "  request " << r.request_id << "  " << r.clinic_id << "  " << r.category << "  needed by "
                << r.needed_by << "  " << r.outstanding << " outstanding: clinic " << r.clinic_id
                << " is retired; withdraw the request with `medkioskctl hub request cancel " << r.request_id
                << "`, or import the clinic again with retired 0\n";
    }
    if (!input.retired_clinic_orders.empty()) {
        out << "\nOpen order(s) for retired clinics, their packs held until withdrawn:\n";
        for (const auto& o : input.retired_clinic_orders)
            out << "  order " << o.order_uuid << "  " << o.kiosk_id << " -> " << o.clinic_id << "  request "
                << o.request_id << "  " << o.sent << "/" << o.ordered << " sent: clinic " << o.clinic_id
                << " is retired; withdraw it with `medkioskctl hub orders cancel " << o.order_uuid << "`\n";
    }
}

void print_plan(const kiosk::AllocationPlan& plan, const storage::AllocationInput& input,
                const kiosk::AllocationSettings& settings, std::ostream& out) {
    out << "Allocation as of " << input.as_of << ": expiry margin " << settings.margin_days
        << " days, earliest "
        << (settings.fefo == kiosk::FefoGranularity::Month ? "expiry month" : "expiry day")
        << " first, then the nearest collection point\n"
        << input.stock.size() << " drop-off(s) in stock, " << input.requests.size() << " open request(s)\n\n";
    out << "request  clinic  category  needed by  wanted  allocated\n";
    for (const auto& r : plan.requests) {
        out << r.request_id << "  " << r.clinic_id << "  " << r.category << "  " << r.needed_by << "  "
            << r.wanted << "  " << r.allocated;
        if (r.allocated < r.wanted)
            out << "  (" << r.wanted - r.allocated << " short: no more usable " << r.category << " in stock)";
        out << '\n';
    }
    print_retired_clinics(input, out);
    struct OrderSummary {
        int packs = 0;
        std::string first_expiry, last_expiry;
        std::optional<double> km;
        std::string clinic_id, category;
    };
    std::map<std::pair<std::int64_t, std::string>, OrderSummary> orders;
    for (const auto& line : plan.lines) {
        auto& order = orders[{line.pack.request_id, line.pack.kiosk_id}];
        order.packs += line.pack.quantity;
        order.km = line.km;
        order.clinic_id = line.clinic_id;
        order.category = line.category;
        const std::string expiry = line.expiry.empty() ? "no expiry" : line.expiry;
        if (order.first_expiry.empty() || expiry < order.first_expiry) order.first_expiry = expiry;
        if (order.last_expiry.empty() || expiry > order.last_expiry) order.last_expiry = expiry;
    }
    out << "\nOrders (collection point -> clinic):\n";
    for (const auto& [key, order] : orders) {
        out << "  " << key.second << " -> " << order.clinic_id << " (request " << key.first << ", "
            << order.category << "): " << order.packs << " pack(s), " << km_text(order.km) << ", expiry "
            << order.first_expiry;
        if (order.last_expiry != order.first_expiry) out << " to " << order.last_expiry;
        out << '\n';
    }
    int served = 0;
    for (const auto& r : plan.requests) served += r.allocated > 0 ? 1 : 0;
    out << "\nTotal: " << plan.packs() << " pack(s) in " << orders.size() << " order(s) for " << served
        << " of " << plan.requests.size() << " request(s)\n";
}

nlohmann::json plan_json(const kiosk::AllocationPlan& plan, const storage::AllocationInput& input) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : plan.lines) {
        lines.push_back({{"request_id", line.pack.request_id},
                         {"kiosk_id", line.pack.kiosk_id},
                         {"dropoff_uuid", line.pack.dropoff_uuid},
                         {"quantity", line.pack.quantity},
                         {"clinic_id", line.clinic_id},
                         {"category", line.category},
                         {"expiry", line.expiry},
                         {"km", line.km ? nlohmann::json(*line.km) : nlohmann::json()}});
    }
    nlohmann::json requests = nlohmann::json::array();
    for (const auto& r : plan.requests) {
        requests.push_back({{"request_id", r.request_id},
                            {"clinic_id", r.clinic_id},
                            {"category", r.category},
                            {"needed_by", r.needed_by},
                            {"wanted", r.wanted},
                            {"allocated", r.allocated}});
    }
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& r : input.retired_clinic_requests) {
        skipped.push_back({{"request_id", r.request_id},
                           {"clinic_id", r.clinic_id},
                           {"category", r.category},
                           {"needed_by", r.needed_by},
                           {"outstanding", r.outstanding},
                           {"why", "clinic " + r.clinic_id + " is retired"}});
    }
    nlohmann::json held = nlohmann::json::array();
    for (const auto& o : input.retired_clinic_orders) {
        held.push_back({{"order_uuid", o.order_uuid},
                        {"request_id", o.request_id},
                        {"kiosk_id", o.kiosk_id},
                        {"clinic_id", o.clinic_id},
                        {"ordered", o.ordered},
                        {"sent", o.sent},
                        {"why", "clinic " + o.clinic_id + " is retired"}});
    }
    return {{"as_of", input.as_of}, {"packs", plan.packs()},       {"lines", lines},
            {"requests", requests}, {"skipped_requests", skipped}, {"retired_clinic_orders", held}};
}

int allocate(const ParsedOptions& options, LazyHub& lazy, CommandIo io) {
    if (options.positional.size() != 1) return usage(io, "allocate takes no argument");
    kiosk::AllocationSettings settings;
    if (options.values.count("--margin-days")) {
        const auto margin = positive(options.value("--margin-days"));
        if (!margin || *margin > 3650)
            return usage(io, "--margin-days must be a whole number of days, 0-3650");
        settings.margin_days = *margin;
    }
    const std::string fefo = options.value("--fefo", "month");
    if (fefo != "month" && fefo != "day") return usage(io, "--fefo must be month or day");
    settings.fefo = fefo == "day" ? kiosk::FefoGranularity::Day : kiosk::FefoGranularity::Month;
    const std::string as_of = options.value("--as-of");
    if (!as_of.empty() && !kiosk::civil_days(as_of)) return usage(io, "--as-of must be a date YYYY-MM-DD");

    auto* hub = lazy.get();
    if (!hub) return 1;
    auto input = storage::load_allocation_input(*hub, as_of);
    if (!input) return fail(io, input.error().message);
    const auto plan = kiosk::plan_allocation(input.value(), settings);
    const bool json = options.has("--json");
    if (json)
        io.out << plan_json(plan, input.value()).dump(2) << '\n';
    else
        print_plan(plan, input.value(), settings, io.out);
    if (plan.lines.empty()) {
        if (!json) io.out << "Nothing to publish.\n";
        return 0;
    }
    if (options.has("--dry-run")) {
        if (!json) io.out << "Dry run: nothing was published.\n";
        return 0;
    }
    if (!options.has("--yes")) {
        // With --json the plan alone goes to stdout, so a script can read it; the question goes aside.
        std::ostream& ask = json ? io.err : io.out;
        ask << "Publish these orders to the collection points? Type yes to publish: " << std::flush;
        std::string answer;
        std::getline(io.in, answer);
        if (answer != "yes" && answer != "y") {
            ask << "Not published.\n";
            return 0;
        }
    }
    auto published =
        storage::publish_allocation(*hub, plan.packs_to_publish(), settings.margin_days, input.value().as_of);
    if (!published) return fail(io, published.error().message);
    int packs = 0;
    for (const auto& order : published.value()) packs += order.packs;
    (json ? io.err : io.out)
        << "Published " << published.value().size() << " order(s), " << packs
        << " pack(s); each collection point sees its orders on the dispatch screen after "
           "its next sync\n";
    return 0;
}

int orders(const ParsedOptions& options, storage::HubSession& hub, CommandIo io) {
    const std::string& verb = options.positional.size() > 1 ? options.positional[1] : "list";
    if (verb == "cancel" && options.positional.size() == 3) {
        if (auto s = storage::cancel_order(hub, options.positional[2]); !s)
            return fail(io, s.error().message);
        io.out << "order " << options.positional[2]
               << " cancelled; its packs are free for the next allocation\n";
        return 0;
    }
    if (verb != "list" || options.positional.size() > 2)
        return usage(io, "orders takes: [list] [--all] | cancel UUID");
    auto list = storage::list_orders(hub, options.has("--all"));
    if (!list) return fail(io, list.error().message);
    if (options.has("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& o : list.value()) {
            out.push_back({{"order_uuid", o.order_uuid},
                           {"request_id", o.request_id},
                           {"kiosk_id", o.kiosk_id},
                           {"clinic_id", o.clinic_id},
                           {"created_at", o.created_at},
                           {"ordered", o.ordered},
                           {"sent", o.sent},
                           {"state", o.state}});
        }
        io.out << out.dump(2) << '\n';
        return 0;
    }
    for (const auto& o : list.value()) {
        io.out << o.order_uuid << "  " << o.kiosk_id << " -> " << o.clinic_id << "  request " << o.request_id
               << "  " << o.sent << "/" << o.ordered << " sent  " << o.state << "  " << o.created_at << '\n';
    }
    return 0;
}

}  // namespace

const char* const kHubCountyUsage =
    R"(County commands (the bureau):
  clinics import FILE       add or update the county's clinics from a CSV (clinic_id, name_zh, name_en,
                            kind, township_zh, township_en [, latitude, longitude, retired]); every
                            device receives them with its next sync
  clinics list [--json]
  location KIOSK --lat DEG --lon DEG
                            where collection point KIOSK is (for "nearest collection point first")
  distances import FILE     road distances in km (kiosk_id, clinic_id, km); they override the
                            straight line between locations
  add-clinic-device ID --clinic CLINIC [--password PW]
                            a clinic-mode device's login role (clinic_ID), allowed only its own
                            clinic's records
  request add --clinic ID --category C --quantity N --needed-by YYYY-MM-DD [--note TEXT]
                            needed-by from today to two years ahead
  request import FILE       requests from a CSV (clinic_id, category, quantity, needed_by [, note]):
                            all or none, each problem with its line and column; a row matching a
                            request already stored and not cancelled (clinic, category, quantity,
                            needed_by) is reported as already there, not added again
  request list [--all] [--json]
  request cancel ID         also withdraws its open orders
  allocate [--margin-days N] [--fefo month|day] [--as-of DATE] [--dry-run] [--yes] [--json]
                            plan dispatch orders from the county's accepted, undispatched stock:
                            earliest expiry first, never a pack that expires within N days (default
                            30) of the date needed, nearest collection point first; shows the plan and
                            publishes it when you type yes (or with --yes); names the requests and
                            open orders of retired clinics it leaves aside
  orders [--all] [--json]   published orders and how much of each was sent
  orders cancel UUID
)";

bool is_hub_county_command(const std::string& command) {
    return command == "clinics" || command == "location" || command == "distances" ||
           command == "add-clinic-device" || command == "request" || command == "allocate" ||
           command == "orders";
}

int run_hub_county(const ParsedOptions& options, CommandIo io) {
    const std::string& command = options.positional.front();
    if (command == "location") {
        if (options.positional.size() != 2) return usage(io, "location takes one collection point id");
        const auto lat = degrees(options.value("--lat"), 90), lon = degrees(options.value("--lon"), 180);
        if (!lat || !lon)
            return usage(io, "location needs --lat (-90..90) and --lon (-180..180) in decimal degrees");
        auto session = storage::HubSession::connect(hub_conninfo(options));
        if (!session) return fail(io, session.error().message);
        if (auto s =
                storage::set_collection_point_location(*session.value(), options.positional[1], *lat, *lon);
            !s)
            return fail(io, s.error().message);
        io.out << options.positional[1] << " is at " << *lat << ", " << *lon << '\n';
        return 0;
    }
    if (command == "distances") {
        if (options.positional.size() != 3 || options.positional[1] != "import")
            return usage(io, "distances takes: import FILE");
        auto text = read_file(options.positional[2], io);
        if (!text) return 1;
        const auto parsed = kiosk::parse_distances_csv(*text);
        if (!parsed.ok()) return report_problems(parsed.problems, options.positional[2], io);
        auto session = storage::HubSession::connect(hub_conninfo(options));
        if (!session) return fail(io, session.error().message);
        auto written = storage::import_road_distances(*session.value(), parsed.rows);
        if (!written) return fail(io, options.positional[2] + ": " + written.error().message);
        io.out << written.value() << " road distance(s) stored\n";
        return 0;
    }
    if (command == "add-clinic-device") {
        if (options.positional.size() != 2 || options.value("--clinic").empty())
            return usage(io, "add-clinic-device takes a device id and --clinic CLINIC");
        auto session = storage::HubSession::connect(hub_conninfo(options));
        if (!session) return fail(io, session.error().message);
        const bool generated = options.value("--password").empty();
        const std::string password = generated ? generated_password() : options.value("--password");
        auto role = storage::add_clinic_device(*session.value(), options.positional[1],
                                               options.value("--clinic"), password);
        if (!role) return fail(io, role.error().message);
        io.out << "clinic device " << options.positional[1] << " of " << options.value("--clinic")
               << ": role " << role.value() << '\n';
        if (generated)
            io.out << "password: " << password << "  (shown once; put it in the device's hub URL)\n";
        return 0;
    }
    LazyHub lazy(options, io);
    if (command == "clinics") return clinics(options, lazy, io);
    if (command == "request") return requests(options, lazy, io);
    if (command == "allocate") return allocate(options, lazy, io);
    auto* hub = lazy.get();
    if (!hub) return 1;
    return orders(options, *hub, io);
}

}  // namespace medkiosk::cli::detail
