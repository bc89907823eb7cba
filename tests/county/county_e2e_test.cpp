// The county's whole loop on a real PostgreSQL, driven the way operators do it — every step a
// medkioskctl process: three collection-point kiosks take donations, the bureau enters requests and
// allocates, the points fulfil the orders (fully, in parts, one closed short) and a free dispatch of
// part of a drop-off, two clinic-mode devices confirm the arrivals (one from the packing list's QR as
// a camera would read it) with missing, damaged and extra packs, give packs out and dispose of the
// expired ones, and the bureau publishes the report. Every sync phase runs under SIGKILLed sync
// processes and hub restarts; after each, hub and devices must agree exactly (nothing lost, nothing
// twice), and the report's figures must be the devices' own.
// MEDKIOSK_COUNTY_FAULT_ROUNDS raises the fault rounds per sync phase for a run by hand.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "browser.hpp"
#include "county_fixture.hpp"

namespace medkiosk::test {
namespace {

using storage::testing::RawDb;
using Json = nlohmann::json;

struct Device {
    std::string id;
    bool clinic = false;
    std::string clinic_id;  // clinic devices
    std::filesystem::path data;
    std::string conninfo;
    std::string user;  // the staff (or clinic) login on it
    std::filesystem::path ledger() const { return data / "ledger.db"; }
};

int fault_rounds() {
    const char* value = std::getenv("MEDKIOSK_COUNTY_FAULT_ROUNDS");
    return value && *value ? std::atoi(value) : 6;
}

class CountyEndToEnd : public CountyFixture {
  protected:
    std::mt19937 random{20261202u};
    std::vector<Device> points, clinics;
    std::string today = pg.scalar(database, "SELECT current_date::text");

    std::vector<std::string> env(const Device& d) {
        return {"MEDKIOSK_KIOSK_ID=" + d.id,
                "MEDKIOSK_PEPPER_FILE=" + (temp.path() / (d.id + ".pepper")).string(),
                "MEDKIOSK_CONFIG=" + (temp.path() / "no-config.toml").string()};
    }
    ProcessResult ctl(const Device& d, std::vector<std::string> args, const std::string& input = {}) {
        args.insert(args.begin(), MEDKIOSKCTL_PATH);
        args.push_back("--data-dir");
        args.push_back(d.data.string());
        return run_process(args, input, std::chrono::seconds(120), env(d));
    }
    Json ctl_json(const Device& d, const std::vector<std::string>& args) {
        const auto result = ctl(d, args);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return Json::parse(result.out, nullptr, false);
    }
    ProcessResult hub_ctl(std::vector<std::string> args, const std::string& input = {}) {
        args.insert(args.begin(), MEDKIOSKCTL_PATH);
        args.push_back("--hub");
        args.push_back(pg.admin_conninfo(database));
        return run_process(args, input, std::chrono::seconds(120));
    }
    std::int64_t local(const Device& d, const std::string& sql) {
        return RawDb(d.ledger(), true).integer(sql);
    }
    std::int64_t hub(const std::string& sql) { return hub_int(sql); }
    std::string q(const std::string& text) { return "'" + text + "'"; }

    Device make_point(const std::string& stem) {
        Device d;
        d.id = unique_kiosk_id(stem);
        d.data = temp.path() / d.id;
        d.user = "staff-" + stem;
        auto added = hub_ctl({"hub", "add-kiosk", d.id, "--password", "pw-" + d.id});
        EXPECT_EQ(added.exit_code, 0) << added.err;
        d.conninfo = pg.role_conninfo(database, "kiosk_" + d.id, "pw-" + d.id);
        EXPECT_EQ(
            ctl(d, {"catalog", "import", MEDKIOSK_ASSETS_DIR "/catalogue/sample_catalogue.csv"}).exit_code,
            0);
        EXPECT_EQ(ctl(d, {"users", "add", d.user, "--role", "staff"}, "2468\n").exit_code, 0);
        return d;
    }
    Device make_clinic(const std::string& stem, const std::string& clinic_id) {
        Device d;
        d.id = unique_kiosk_id(stem);
        d.clinic = true;
        d.clinic_id = clinic_id;
        d.data = temp.path() / d.id;
        d.user = "nurse-" + stem;
        auto added =
            hub_ctl({"hub", "add-clinic-device", d.id, "--clinic", clinic_id, "--password", "pw-" + d.id});
        EXPECT_EQ(added.exit_code, 0) << added.err;
        d.conninfo = pg.role_conninfo(database, "clinic_" + d.id, "pw-" + d.id);
        EXPECT_EQ(ctl(d, {"users", "add", d.user, "--role", "clinic"}, "1357\n").exit_code, 0);
        EXPECT_EQ(ctl(d, {"clinic", "totals", "--clinic", clinic_id}).exit_code,
                  0);  // the device's clinic, once
        return d;
    }

    // Donations: `count` packs in two sessions (quantities 1 and 2), products and expiries varied.
    void donate(const Device& d, int count, int seed) {
        const char* products[] = {"06900000000014", "06900000000021", "06900000000069", "06900000000090"};
        std::string ones, twos;
        for (int i = 0; i < count; ++i) {
            const int months = 4 + (seed * 7 + i * 5) % 18;  // 4 to 21 months ahead: past the 90-day rule
            char expiry[16];
            std::snprintf(expiry, sizeof expiry, "%02d%02d28", 27 + months / 12, 1 + months % 12);
            const std::string line = std::string("(01)") + products[(seed + i) % 4] + "(17)" + expiry +
                                     "(21)" + d.id + "-" + std::to_string(i) + "\n";
            (i % 3 == 0 ? twos : ones) += line;
        }
        for (const auto& [lines, quantity] : {std::pair{ones, "1"}, std::pair{twos, "2"}}) {
            auto recorded = ctl(d, {"record", "--quantity", quantity}, lines);
            ASSERT_EQ(recorded.exit_code, 0) << recorded.err << recorded.out;
        }
    }

    // Starts medkioskctl sync run for `d`; its pid.
    pid_t spawn_sync(const Device& d) {
        const auto environment = env(d);
        const pid_t pid = ::fork();
        if (pid == 0) {
            for (const auto& entry : environment) ::putenv(const_cast<char*>(entry.c_str()));
            const int null_fd = ::open("/dev/null", O_WRONLY);
            ::dup2(null_fd, 1);
            ::dup2(null_fd, 2);
            ::execl(MEDKIOSKCTL_PATH, MEDKIOSKCTL_PATH, "sync", "run", "--batch", "3", "--data-dir",
                    d.data.c_str(), "--hub", d.conninfo.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        return pid;
    }

    // Syncs every device through rounds of faults — sync processes SIGKILLed at random moments, the
    // hub stopped or killed and restarted — then once more cleanly; no backlog may remain.
    void sync_under_faults(const std::vector<Device>& devices, const std::string& phase) {
        int killed = 0, restarts = 0;
        for (int round = 0; round < fault_rounds(); ++round) {
            std::vector<pid_t> running;
            for (const auto& d : devices) running.push_back(spawn_sync(d));
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % 250));
            if (round % 3 == 1) {
                round % 2 ? pg.kill_postmaster() : pg.stop("immediate");
                ++restarts;
            }
            for (pid_t pid : running)
                if (random() % 2 == 0 && ::kill(pid, SIGKILL) == 0) ++killed;
            if (!pg.running()) pg.start();
            for (pid_t pid : running) {
                int status = 0;
                ::waitpid(pid, &status, 0);
            }
        }
        for (const auto& d : devices) {
            auto clean = run_process(
                {MEDKIOSKCTL_PATH, "sync", "run", "--data-dir", d.data.string(), "--hub", d.conninfo}, {},
                std::chrono::seconds(120), env(d));
            ASSERT_EQ(clean.exit_code, 0) << phase << " " << d.id << ": " << clean.err;
            EXPECT_EQ(local(d, "SELECT count(*) FROM outbox WHERE acked_at IS NULL AND dead_at IS NULL"), 0);
            EXPECT_EQ(local(d, "SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL"), 0)
                << phase << " " << d.id << ": "
                << RawDb(d.ledger(), true).text("SELECT dead_reason FROM outbox WHERE dead_at IS NOT NULL");
        }
        std::printf("[ %s ] %d fault round(s): %d sync process(es) killed, %d hub restart(s)\n",
                    phase.c_str(), fault_rounds(), killed, restarts);
    }

    // Hub and collection point hold the same drop-offs, dispatches, items and manifest lines.
    void expect_point_agrees(const Device& d) {
        const std::string mine = " WHERE kiosk_id = " + q(d.id);
        EXPECT_EQ(hub("SELECT count(*) FROM hub.dropoff" + mine), local(d, "SELECT count(*) FROM dropoff"));
        EXPECT_EQ(hub("SELECT coalesce(sum(quantity), 0) FROM hub.dropoff" + mine),
                  local(d, "SELECT coalesce(sum(quantity), 0) FROM dropoff"));
        EXPECT_EQ(hub("SELECT count(*) FROM hub.dispatch" + mine), local(d, "SELECT count(*) FROM dispatch"));
        EXPECT_EQ(hub("SELECT coalesce(sum(quantity), 0) FROM hub.dispatch_item" + mine),
                  local(d, "SELECT coalesce(sum(quantity), 0) FROM dispatch_item"));
        EXPECT_EQ(hub("SELECT coalesce(sum(quantity), 0) FROM hub.dispatch_line" + mine),
                  local(d, "SELECT coalesce(sum(quantity), 0) FROM dispatch_line"));
        EXPECT_EQ(hub("SELECT count(*) FROM hub.review_action" + mine),
                  local(d, "SELECT count(*) FROM review_action"));
    }
    // Hub and clinic device hold the same arrivals, lines, packs given out and disposals.
    void expect_clinic_agrees(const Device& d) {
        const std::string mine = " WHERE kiosk_id = " + q(d.id);
        EXPECT_EQ(hub("SELECT count(*) FROM hub.arrival" + mine),
                  local(d, "SELECT count(*) FROM clinic_arrival"));
        EXPECT_EQ(hub("SELECT coalesce(sum(received * 1000 + damaged), 0) FROM hub.arrival_line" + mine),
                  local(d, "SELECT coalesce(sum(received * 1000 + damaged), 0) FROM clinic_arrival_line"));
        EXPECT_EQ(
            hub("SELECT coalesce(sum(quantity), 0) FROM hub.given_out" + mine),
            local(d, "SELECT coalesce(sum(quantity), 0) FROM clinic_stock_out WHERE kind = 'given_out'"));
        EXPECT_EQ(
            hub("SELECT coalesce(sum(quantity), 0) FROM hub.clinic_disposal" + mine),
            local(d, "SELECT coalesce(sum(quantity), 0) FROM clinic_stock_out WHERE kind <> 'given_out'"));
    }
    // Every drop-off's packs: dispatched + held for open orders + still available = its quantity.
    void expect_stock_adds_up() {
        EXPECT_EQ(hub("SELECT count(*) FROM hub.allocatable_stock WHERE dispatched + reserved + available <> "
                      "quantity "
                      "AND dispatched + reserved <= quantity"),
                  0);
        EXPECT_EQ(hub("SELECT count(*) FROM hub.allocatable_stock WHERE dispatched + reserved > quantity"),
                  0);
    }
};

TEST_F(CountyEndToEnd, RequestsAllocationDispatchArrivalGivenOutAndReportAddUpUnderFaults) {
    // --- The county: three clinics (two with a device), three collection points with locations.
    const auto clinics_csv = temp.path() / "clinics.csv";
    std::ofstream(clinics_csv)
        << "clinic_id,name_zh,name_en,kind,township_zh,township_en,latitude,longitude\n"
           "shitang-vc,石塘村卫生室,Shitang Village Clinic,村卫生室,石塘镇,Shitang,23.10,113.30\n"
           "hexi-thc,河西镇卫生院,Hexi Township Health Centre,乡镇卫生院,河西镇,Hexi,23.40,113.60\n"
           "beishan-vc,北山村卫生室,Beishan Village Clinic,村卫生室,河西镇,Hexi,23.50,113.70\n";
    ASSERT_EQ(hub_ctl({"hub", "clinics", "import", clinics_csv.string()}).exit_code, 0);
    ASSERT_TRUE(pg.admin(database)
                    ->exec("INSERT INTO hub.catalogue (gtin, name, category) VALUES "
                           "('06900000000014', 'Paracetamol tablets', 'fever'), ('06900000000021', "
                           "'Ibuprofen', 'fever'), "
                           "('06900000000069', 'Dextromethorphan syrup', 'cough'), ('06900000000090', "
                           "'Oseltamivir', 'antiviral')")
                    .ok());
    const std::pair<double, double> places[] = {{23.11, 113.31}, {23.42, 113.62}, {23.30, 113.45}};
    for (int i = 0; i < 3; ++i) {
        points.push_back(make_point("cp" + std::to_string(i)));
        ASSERT_EQ(hub_ctl({"hub", "location", points.back().id, "--lat", std::to_string(places[i].first),
                           "--lon", std::to_string(places[i].second)})
                      .exit_code,
                  0);
    }
    clinics.push_back(make_clinic("shitang", "shitang-vc"));
    clinics.push_back(make_clinic("hexi", "hexi-thc"));
    for (std::size_t i = 0; i < points.size(); ++i) donate(points[i], 24, static_cast<int>(i));

    // --- Step 1: the drop-offs reach the hub; every device receives the clinics.
    std::vector<Device> everyone = points;
    everyone.insert(everyone.end(), clinics.begin(), clinics.end());
    sync_under_faults(everyone, "donations");
    for (const auto& d : points) expect_point_agrees(d);
    for (const auto& d : everyone)
        EXPECT_EQ(local(d, "SELECT count(*) FROM hub_clinic WHERE deleted = 0"), 3) << d.id;
    const auto donated = hub("SELECT sum(quantity) FROM hub.dropoff");
    EXPECT_EQ(hub("SELECT sum(available) FROM hub.allocatable_stock"), donated);

    // --- Step 2: the bureau's requests and allocation.
    const auto requests_csv = temp.path() / "requests.csv";
    const std::string soon = pg.scalar(database, "SELECT (current_date + 10)::text");
    std::ofstream(requests_csv) << "clinic_id,category,quantity,needed_by,note\n"
                                   "shitang-vc,fever,10,"
                                << soon
                                << ",winter\n"
                                   "hexi-thc,fever,8,"
                                << soon
                                << ",\n"
                                   "hexi-thc,cough,5,"
                                << soon
                                << ",\n"
                                   "beishan-vc,antiviral,4,"
                                << soon << ",\n";
    auto imported = hub_ctl({"hub", "request", "import", requests_csv.string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto allocated = hub_ctl({"hub", "allocate", "--margin-days", "30"}, "yes\n");
    ASSERT_EQ(allocated.exit_code, 0) << allocated.err;
    ASSERT_NE(allocated.out.find("Published"), std::string::npos) << allocated.out;
    const auto ordered = hub("SELECT sum(quantity) FROM hub.dispatch_order_item");
    EXPECT_EQ(ordered, hub("SELECT sum(allocated) FROM hub.request_status"));
    EXPECT_EQ(ordered, 10 + 8 + 5 + 4) << "the stock covers every request";
    EXPECT_EQ(
        hub("SELECT count(*) FROM hub.dispatch_order_item i JOIN hub.dropoff d ON d.kiosk_id = i.kiosk_id "
            "AND "
            "d.uuid = i.dropoff_uuid JOIN hub.dispatch_order o USING (order_uuid) JOIN hub.clinic_request r "
            "USING (request_id) WHERE d.expiry < r.needed_by + 30"),
        0)
        << "no pack expiring within the margin";
    expect_stock_adds_up();

    // --- Step 3: the collection points receive their orders and fulfil them.
    sync_under_faults(points, "orders");
    std::int64_t orders_seen = 0;
    for (const auto& d : points) {
        const auto here = hub("SELECT count(*) FROM hub.dispatch_order WHERE kiosk_id = " + q(d.id));
        EXPECT_EQ(local(d, "SELECT count(*) FROM hub_order WHERE deleted = 0"), here) << d.id;
        orders_seen += here;
    }
    EXPECT_EQ(orders_seen, hub("SELECT count(*) FROM hub.dispatch_order"));
    std::vector<std::pair<Device, std::string>> sent;  // (collection point, dispatch uuid)
    bool split = false;
    std::string closed_short;
    for (const auto& d : points) {
        for (const auto& order : ctl_json(d, {"dispatch", "orders", "--json"})) {
            const std::string uuid = order["order_uuid"];
            if (!split && order["ordered"].get<int>() >= 2) {
                split = true;
                // In two parts: one pack now, the rest later.
                const auto& item = order["items"][0];
                auto first = ctl(d, {"dispatch", "send", "--user", d.user, "--order", uuid, "--item",
                                     item["dropoff_uuid"].get<std::string>() + ":1", "--json"});
                ASSERT_EQ(first.exit_code, 0) << first.err;
                sent.emplace_back(d, Json::parse(first.out)["uuid"]);
                auto rest = ctl(d, {"dispatch", "send", "--user", d.user, "--order", uuid, "--json"});
                ASSERT_EQ(rest.exit_code, 0) << rest.err;
                sent.emplace_back(d, Json::parse(rest.out)["uuid"]);
            } else if (closed_short.empty() && order["items"].size() >= 2) {
                // Short: one item only, and the order closed (a box was found broken).
                const auto& item = order["items"][0];
                auto part = ctl(d, {"dispatch", "send", "--user", d.user, "--order", uuid, "--item",
                                    item["dropoff_uuid"].get<std::string>(), "--close", "--json"});
                ASSERT_EQ(part.exit_code, 0) << part.err;
                sent.emplace_back(d, Json::parse(part.out)["uuid"]);
                closed_short = uuid;
            } else {
                auto all = ctl(d, {"dispatch", "send", "--user", d.user, "--order", uuid, "--json"});
                ASSERT_EQ(all.exit_code, 0) << all.err;
                sent.emplace_back(d, Json::parse(all.out)["uuid"]);
            }
        }
    }
    ASSERT_TRUE(split) << "no order had two packs to send in parts";
    ASSERT_FALSE(closed_short.empty()) << "no order had two drop-offs to close one short";
    // And a dispatch the bureau did not order: one of a two-pack drop-off to Shitang; the other stays.
    {
        const Device& d = points[2];
        std::string two;
        for (const auto& c : ctl_json(d, {"dispatch", "candidates", "--json"}))
            if (c["free"] == 2 && two.empty()) two = c["uuid"];
        ASSERT_FALSE(two.empty());
        auto free = ctl(d, {"dispatch", "send", "--user", d.user, "--clinic", "shitang-vc", "--item",
                            two + ":1", "--json"});
        ASSERT_EQ(free.exit_code, 0) << free.err;
        sent.emplace_back(d, Json::parse(free.out)["uuid"]);
        bool still_here = false;
        for (const auto& c : ctl_json(d, {"dispatch", "candidates", "--json"}))
            if (c["uuid"] == two) still_here = c["free"] == 1;
        EXPECT_TRUE(still_here) << "the second box of a partly dispatched drop-off stays in the queue";
    }
    sync_under_faults(points, "dispatches");
    for (const auto& d : points) expect_point_agrees(d);
    expect_stock_adds_up();
    // Each order's sent packs at the hub are what the points dispatched for it; the short one is closed
    // and its rest went back to the stock, so its request is open for the next allocation.
    EXPECT_EQ(hub("SELECT coalesce(sum(sent), 0) FROM hub.order_progress"),
              hub("SELECT coalesce(sum(i.quantity), 0) FROM hub.dispatch d JOIN hub.dispatch_item i ON "
                  "i.kiosk_id = d.kiosk_id AND i.dispatch_uuid = d.uuid WHERE d.order_uuid IS NOT NULL"));
    EXPECT_EQ(
        hub("SELECT count(*) FROM hub.order_progress WHERE order_uuid = " + q(closed_short) + " AND open"),
        0);
    EXPECT_EQ(hub("SELECT count(*) FROM hub.request_status WHERE state IN ('open', 'partly allocated')"), 1);
    EXPECT_EQ(hub("SELECT count(*) FROM hub.dispatch WHERE clinic_id = 'other'"), 0);

    // --- Step 4: the clinics confirm what arrived, from each dispatch's manifest.
    std::map<std::string, const Device*> device_of;
    for (const auto& c : clinics) device_of[c.clinic_id] = &c;
    int arrivals = 0;
    bool from_paper = false, with_trouble = false;
    for (const auto& [point, uuid] : sent) {
        const auto shown = ctl_json(point, {"dispatch", "show", uuid, "--json"});
        const auto found = device_of.find(shown["clinic_id"].get<std::string>());
        if (found == device_of.end()) continue;  // Beishan has no device yet
        const Device& clinic = *found->second;
        std::string manifest = shown["manifest"];
        if (!from_paper) {
            // As the clinic's camera reads it: the QR of the printed packing list.
            const auto page = temp.path() / "packing.html";
            ASSERT_EQ(ctl(point, {"dispatch", "packing-list", uuid, "--out", page.string()}).exit_code, 0);
            const auto visit = visit_in_chromium(page, 794, 1123, temp.path() / "packing.png", temp.path());
            ASSERT_TRUE(visit.ran) << visit.problem;
            EXPECT_TRUE(visit.console.empty() && visit.requests.empty());
            auto read =
                run_process({MEDKIOSKCTL_PATH, "scan", "--json", (temp.path() / "packing.png").string()});
            ASSERT_EQ(read.exit_code, 0) << read.err;
            EXPECT_NE(read.out.find(manifest), std::string::npos)
                << "the packing list's QR reads as its manifest";
            from_paper = true;
        }
        std::vector<std::string> args = {"clinic", "arrive",   "--user",         clinic.user, "--manifest",
                                         manifest, "--clinic", clinic.clinic_id, "--json"};
        const auto& lines = shown["lines"];
        if (!with_trouble && lines[0]["quantity"].get<int>() >= 2) {
            // One pack missing on line 1, one damaged on the last line, a pack that was not on the list.
            args.insert(args.end(),
                        {"--received", "1:" + std::to_string(lines[0]["quantity"].get<int>() - 1)});
            args.insert(args.end(), {"--damaged", std::to_string(lines.back()["line"].get<int>()) + ":1"});
            args.insert(args.end(), {"--extra", "06900000000021:2027-12-28:fever:1"});
            with_trouble = true;
        }
        auto arrived = ctl(clinic, args);
        ASSERT_EQ(arrived.exit_code, 0) << arrived.err;
        ++arrivals;
        // Scanning it again is refused: a dispatch arrives once.
        EXPECT_EQ(ctl(clinic, {"clinic", "arrive", "--user", clinic.user, "--manifest", manifest, "--clinic",
                               clinic.clinic_id})
                      .exit_code,
                  1);
    }
    EXPECT_TRUE(from_paper);
    EXPECT_TRUE(with_trouble);
    sync_under_faults(clinics, "arrivals");
    for (const auto& c : clinics) expect_clinic_agrees(c);
    EXPECT_EQ(hub("SELECT count(*) FROM hub.arrival"), arrivals);
    EXPECT_EQ(hub("SELECT sum(missing) FROM hub.report_arrival"), 1);
    EXPECT_EQ(hub("SELECT sum(extra) FROM hub.report_arrival"), 1);

    // --- Step 5: packs given out (by line and as a scanned pack), the expired ones disposed of.
    for (const auto& clinic : clinics) {
        const auto stock = ctl_json(clinic, {"clinic", "stock", "--json", "--clinic", clinic.clinic_id});
        ASSERT_FALSE(stock.empty());
        const auto& first = stock[0];
        const std::string line =
            first["arrival_uuid"].get<std::string>() + ":" + std::to_string(first["line"].get<int>());
        auto given = ctl(clinic, {"clinic", "give-out", "--user", clinic.user, "--line", line, "--quantity",
                                  "1", "--clinic", clinic.clinic_id});
        ASSERT_EQ(given.exit_code, 0) << given.err;
        for (const auto& l : stock) {
            if (l["on_hand"].get<int>() < 1 || l["expiry"].get<std::string>().empty() || l == first) continue;
            const std::string expiry = l["expiry"];
            const std::string code = "(01)" + l["product"].get<std::string>() + "(17)" + expiry.substr(2, 2) +
                                     expiry.substr(5, 2) + expiry.substr(8, 2);
            auto scanned = ctl(clinic, {"clinic", "give-out", "--user", clinic.user, "--pack", code,
                                        "--clinic", clinic.clinic_id});
            ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
            break;
        }
        // The day after the earliest expiry on hand: those packs are expired and go to disposal.
        std::string earliest;
        for (const auto& l : ctl_json(clinic, {"clinic", "stock", "--json", "--clinic", clinic.clinic_id}))
            if (!l["expiry"].get<std::string>().empty() && (earliest.empty() || l["expiry"] < earliest))
                earliest = l["expiry"];
        ASSERT_FALSE(earliest.empty());
        const std::string after = pg.scalar(database, "SELECT ('" + earliest + "'::date + 1)::text");
        auto disposed = ctl(clinic, {"clinic", "dispose-expired", "--user", clinic.user, "--today", after,
                                     "--clinic", clinic.clinic_id});
        ASSERT_EQ(disposed.exit_code, 0) << disposed.err;
        EXPECT_EQ(disposed.out.find("0 expired pack"), std::string::npos) << disposed.out;
    }
    sync_under_faults(clinics, "use");
    for (const auto& c : clinics) expect_clinic_agrees(c);

    // --- Step 6: the report's figures are the devices' own, per clinic.
    auto report = hub_ctl({"report", "--from", today, "--to", "2031-12-31"});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    std::map<std::string, std::array<std::int64_t, 4>> reported;  // clinic → received, given, expired, stock
    std::istringstream rows(report.out);
    for (std::string row; std::getline(rows, row);) {
        if (row.rfind("clinic,", 0) != 0) continue;
        std::vector<std::string> f;
        std::istringstream cells(row);
        for (std::string cell; std::getline(cells, cell, ',');) f.push_back(cell);
        ASSERT_EQ(f.size(), 7u) << row;
        auto& r = reported[f[1]];
        r[0] += std::stoll(f[3]);
        r[1] += std::stoll(f[4]);
        r[2] += std::stoll(f[5]);
        r[3] = std::stoll(f[6]);  // the last week's stock
    }
    for (const auto& clinic : clinics) {
        const auto totals = ctl_json(clinic, {"clinic", "totals", "--clinic", clinic.clinic_id});
        const auto& r = reported[clinic.clinic_id];
        EXPECT_EQ(r[0], totals["received"].get<std::int64_t>()) << clinic.clinic_id << "\n" << report.out;
        EXPECT_EQ(r[1], totals["given_out"].get<std::int64_t>()) << clinic.clinic_id;
        EXPECT_EQ(r[2], totals["expired"].get<std::int64_t>()) << clinic.clinic_id;
        EXPECT_EQ(r[3], totals["on_hand"].get<std::int64_t>()) << clinic.clinic_id;
        EXPECT_EQ(r[0], r[1] + r[2] + r[3] + totals["damaged"].get<std::int64_t>()) << clinic.clinic_id;
        std::printf("[ counts ] %s: received %lld, given out %lld, expired %lld, in stock %lld\n",
                    clinic.clinic_id.c_str(), static_cast<long long>(r[0]), static_cast<long long>(r[1]),
                    static_cast<long long>(r[2]), static_cast<long long>(r[3]));
    }
    std::int64_t dispatched_to_devices = 0;
    for (const auto& c : clinics)
        dispatched_to_devices +=
            hub("SELECT coalesce(sum(packs), 0) FROM hub.report_dispatch_clinic WHERE clinic_id = " +
                q(c.clinic_id));
    std::int64_t lines_arrived = hub("SELECT coalesce(sum(expected), 0) FROM hub.arrival_line");
    EXPECT_EQ(lines_arrived, dispatched_to_devices)
        << "every pack sent to a clinic with a device was confirmed";
    std::printf(
        "[ counts ] donated %lld packs, ordered %lld, dispatched to the two clinics %lld, arrivals %d\n",
        static_cast<long long>(donated), static_cast<long long>(ordered),
        static_cast<long long>(dispatched_to_devices), arrivals);

    // A donor's receipt follows their packs to the township and the week they were given out.
    const std::string given_dropoff = pg.scalar(database,
                                                "SELECT il.dropoff_uuid FROM hub.dispatch_item_line il JOIN "
                                                "hub.arrival a ON a.dispatch_kiosk_id = il.kiosk_id "
                                                "AND a.dispatch_uuid = il.dispatch_uuid JOIN hub.given_out g "
                                                "ON g.kiosk_id = a.kiosk_id AND g.arrival_uuid = "
                                                "a.uuid AND g.line_no = il.line_no ORDER BY il.ord LIMIT 1");
    ASSERT_FALSE(given_dropoff.empty());
    const std::string code =
        pg.scalar(database,
                  "SELECT s.receipt_code FROM hub.session s JOIN hub.dropoff d ON "
                  "d.kiosk_id = s.kiosk_id AND d.session_id = s.session_id WHERE d.uuid = " +
                      q(given_dropoff));
    auto receipt = hub_ctl({"report", "--receipt", code});
    ASSERT_EQ(receipt.exit_code, 0) << receipt.err;
    // Wholly given out ("given out in week N") or partly ("1 of 2 given out by week N"): the line
    // picked above may hold more packs of this drop-off than the clinic has given out yet.
    EXPECT_TRUE(receipt.out.find("given out in week ") != std::string::npos ||
                receipt.out.find(" given out by week ") != std::string::npos)
        << receipt.out;
    EXPECT_TRUE(receipt.out.find("石塘镇") != std::string::npos ||
                receipt.out.find("河西镇") != std::string::npos)
        << receipt.out;
    EXPECT_EQ(receipt.out.find(given_dropoff), std::string::npos);
    EXPECT_EQ(receipt.out.find(today), std::string::npos) << "never a date finer than a week";
}

}  // namespace
}  // namespace medkiosk::test
