// The county's side of the hub on a real PostgreSQL: the migration of free-text dispatches, the
// bureau's requests and allocation (never a pack twice, also under concurrent runs), the clinic
// devices' door and what the clinic and bureau roles may not do.

#include <barrier>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "county_fixture.hpp"
#include "medkiosk/kiosk/allocation.hpp"
#include "medkiosk/kiosk/county_csv.hpp"

namespace medkiosk::test {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

std::string date_in(PgServer& pg, const std::string& database, int days) {
    return pg.scalar(database, "SELECT (current_date + " + std::to_string(days) + ")::text");
}

// Registers collection point `kiosk_id` and gives the hub its dispatch `uuid`, typed with `clinic_name`
// (a name no clinic matches, so the hub holds it for clinic "other"): line 1, 3 packs of ibuprofen.
void ingest_other_dispatch(storage::HubSession& admin, const std::string& kiosk_id, const std::string& uuid,
                           const std::string& clinic_name) {
    ASSERT_TRUE(storage::add_kiosk(admin, kiosk_id, "pw").ok());
    const nlohmann::json payload = {{"uuid", uuid},
                                    {"clinic", clinic_name},
                                    {"dispatched_at", "2026-12-01T08:00:00Z"},
                                    {"lines",
                                     {{{"line", 1},
                                       {"product", "06901234567892"},
                                       {"expiry", "2027-06-30"},
                                       {"category", "fever"},
                                       {"quantity", 3}}}},
                                    {"items", nlohmann::json::array()}};
    auto inserted = admin.query(
        "INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
        "VALUES ($1, $2, $3, now(), 3, $4::jsonb)",
        {kiosk_id, uuid, clinic_name, payload.dump()});
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
    auto clinic = admin.query("SELECT clinic_id FROM hub.dispatch WHERE uuid = $1", {uuid});
    ASSERT_TRUE(clinic.ok()) << clinic.error().message;
    ASSERT_EQ(clinic.value().size(), 1u);
    ASSERT_EQ(clinic.value()[0].at(0).value_or(""), "other");
}

// Clinic `clinic_id`'s arrival `uuid` of dispatch `dispatch` from `kiosk_id` as ingest_other_dispatch
// (or the like) gives it: all 3 packs of its line 1 received, none damaged.
nlohmann::json whole_line_arrival(const std::string& kiosk_id, const std::string& dispatch,
                                  const std::string& uuid, const std::string& clinic_id) {
    return nlohmann::json{{"uuid", uuid},
                          {"clinic_id", clinic_id},
                          {"dispatch_kiosk_id", kiosk_id},
                          {"dispatch_uuid", dispatch},
                          {"received_at", "2026-12-02T09:00:00Z"},
                          {"lines",
                           {{{"line", 1},
                             {"product", "06901234567892"},
                             {"expiry", "2027-06-30"},
                             {"category", "fever"},
                             {"expected", 3},
                             {"received", 3},
                             {"damaged", 0}}}}};
}

TEST_F(CountyFixture, AHubFromBeforeClinicsMatchesItsFreeTextDispatchesOrKeepsThemAsOther) {
    // A database holding the hub as it was before issue 17, with dispatches typed as free text.
    const std::string old_hub =
        "old_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand() % 100000);
    ASSERT_TRUE(pg.admin("postgres")->exec("CREATE DATABASE " + old_hub).ok());
    auto admin = pg.admin(old_hub);
    ASSERT_TRUE(admin->exec("SET client_min_messages = warning").ok());
    auto old_sql = admin->query(read_text(MEDKIOSK_COUNTY_DATA_DIR "/hub_before_issue17.sql"));
    ASSERT_TRUE(old_sql.ok()) << old_sql.error().message;
    ASSERT_TRUE(admin->exec("SELECT hub.add_kiosk('old-kiosk', 'pw')").ok());
    const char* typed[] = {"Shitang Village Clinic", "  shitang village-clinic ", "石塘村卫生室", "Dr Wang's",
                           "Hexi"};
    for (const char* clinic : typed) {
        auto inserted = admin->query(
            "INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
            "VALUES ('old-kiosk', gen_random_uuid(), $1, now(), 2, '{}')",
            {clinic});
        ASSERT_TRUE(inserted.ok()) << inserted.error().message;
    }
    // Upgrading: every old dispatch gets a clinic, 'other' while no clinic is known.
    ASSERT_TRUE(storage::init_hub(*admin).ok());
    EXPECT_EQ(pg.scalar(old_hub, "SELECT count(*) FROM hub.dispatch WHERE clinic_id = 'other'"), "5");
    EXPECT_NE(pg.scalar(old_hub, "SELECT pg_get_function_result('hub.receipt_lookup(text)'::regprocedure)")
                  .find("given_out_week"),
              std::string::npos);
    // Importing the clinics matches the typed names (case, spaces and dashes aside); the rest stays other.
    const auto csv = write_file(temp.path() / "clinics.csv",
                                "clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
                                "shitang-vc,石塘村卫生室,Shitang Village Clinic,村卫生室,石塘镇,Shitang\n"
                                "hexi-a,河西甲村卫生室,Hexi,village-clinic,河西镇,Hexi\n"
                                "hexi-b,河西乙村卫生室,Hexi,village-clinic,河西镇,Hexi\n");
    auto imported = run_ctl({"hub", "clinics", "import", csv, "--hub", pg.admin_conninfo(old_hub)});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.out.find("3 earlier free-text dispatch(es) now matched"), std::string::npos)
        << imported.out;
    EXPECT_EQ(pg.scalar(old_hub, "SELECT count(*) FROM hub.dispatch WHERE clinic_id = 'shitang-vc'"), "3");
    // "Hexi" names two clinics: ambiguous, so still other; so is a name nobody has.
    EXPECT_EQ(pg.scalar(old_hub,
                        "SELECT string_agg(clinic, '|' ORDER BY clinic) FROM hub.dispatch "
                        "WHERE clinic_id = 'other'"),
              "Dr Wang's|Hexi");
    // Applying the schema again changes nothing.
    ASSERT_TRUE(storage::init_hub(*admin).ok());
    EXPECT_EQ(pg.scalar(old_hub, "SELECT count(*) FROM hub.dispatch WHERE clinic_id = 'shitang-vc'"), "3");
    admin.reset();
    (void)pg.admin("postgres")->exec("DROP DATABASE " + old_hub);
}

TEST_F(CountyFixture, RequestsFromTheCommandLineAndCsvAllOrNoneWithLineAndColumn) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    const std::string soon = date_in(pg, database, 10), past = date_in(pg, database, -1);
    auto added = run_ctl({"hub", "request", "add", "--clinic", "shitang-vc", "--category", "fever",
                          "--quantity", "20", "--needed-by", soon, "--hub", hub});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_EQ(run_ctl({"hub", "request", "add", "--clinic", "shitang-vc", "--category", "fever", "--quantity",
                       "-2", "--needed-by", soon, "--hub", hub})
                  .exit_code,
              2);
    auto unknown = run_ctl({"hub", "request", "add", "--clinic", "nowhere", "--category", "fever",
                            "--quantity", "2", "--needed-by", soon, "--hub", hub});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("\"nowhere\" is not a clinic"), std::string::npos) << unknown.err;

    // The hub's own checks still name the CSV's line and column, and store nothing.
    const auto bad = write_file(temp.path() / "bad.csv",
                                "clinic_id,category,quantity,needed_by\n"
                                "hexi-vc,fever,5," +
                                    soon +
                                    "\n"
                                    "hexi-vc,antibiotics,5," +
                                    soon + "\n");
    auto refused = run_ctl({"hub", "request", "import", bad, "--hub", hub});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("line 3, column category: \"antibiotics\" is no category"), std::string::npos)
        << refused.err;
    const auto stale = write_file(temp.path() / "stale.csv",
                                  "clinic_id,category,quantity,needed_by\n"
                                  "hexi-vc,fever,5," +
                                      past + "\n");
    auto in_the_past = run_ctl({"hub", "request", "import", stale, "--hub", hub});
    EXPECT_NE(in_the_past.err.find("stale.csv:2:4: needed_by: " + past + " is in the past"),
              std::string::npos)
        << in_the_past.err;
    const auto garbage = write_file(temp.path() / "garbage.csv",
                                    "clinic_id,category,quantity,needed_by\n"
                                    "hexi-vc,fever,lots,tomorrow\n");
    auto garbled = run_ctl({"hub", "request", "import", garbage, "--hub", hub});
    EXPECT_EQ(garbled.exit_code, 1);
    EXPECT_NE(garbled.err.find("garbage.csv:2:3: quantity"), std::string::npos) << garbled.err;
    EXPECT_NE(garbled.err.find("garbage.csv:2:4: needed_by"), std::string::npos) << garbled.err;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.clinic_request"), "1");

    const auto good = write_file(temp.path() / "good.csv",
                                 "clinic_id,category,quantity,needed_by,note\n"
                                 "hexi-vc,fever,5," +
                                     soon +
                                     ",\"flu, winter\"\n"
                                     "shitang-thc,cough,7," +
                                     soon + ",\n");
    auto imported = run_ctl({"hub", "request", "import", good, "--hub", hub});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto listed = run_ctl({"hub", "request", "list", "--json", "--hub", hub});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto requests = nlohmann::json::parse(listed.out);
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(hub_text("SELECT note FROM hub.clinic_request WHERE clinic_id = 'hexi-vc'"), "flu, winter");
}

TEST_F(CountyFixture, ANeededByDateMoreThanTwoYearsAheadOrPastIsRefusedByTheCommandAndTheHub) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    auto typo = run_ctl({"hub", "request", "add", "--clinic", "shitang-vc", "--category", "fever",
                         "--quantity", "2", "--needed-by", "9999-12-31", "--hub", hub});
    EXPECT_EQ(typo.exit_code, 2);
    EXPECT_NE(typo.err.find("--needed-by 9999-12-31 is more than two years ahead: check the year"),
              std::string::npos)
        << typo.err;
    // The hub refuses it too, whatever the client's clock: by its own date, the last day is two years on.
    auto admin = pg.admin(database);
    const std::string latest = hub_text("SELECT (current_date + interval '2 years')::date");
    const std::string too_late = hub_text("SELECT (current_date + interval '2 years')::date + 1");
    const auto far = storage::add_requests(*admin, {{1, "shitang-vc", "fever", 2, too_late, ""}}, "cli");
    ASSERT_FALSE(far.ok());
    EXPECT_NE(far.error().message.find("line 1, column needed_by"), std::string::npos) << far.error().message;
    EXPECT_NE(far.error().message.find("more than two years ahead: check the year; the latest is " + latest),
              std::string::npos)
        << far.error().message;
    const auto past =
        storage::add_requests(*admin, {{1, "shitang-vc", "fever", 2, date_in(pg, database, -1), ""}}, "cli");
    ASSERT_FALSE(past.ok());
    EXPECT_NE(past.error().message.find("is in the past"), std::string::npos) << past.error().message;
    EXPECT_TRUE(storage::add_requests(*admin, {{1, "shitang-vc", "fever", 2, latest, ""}}, "cli").ok());
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.clinic_request"), "1");
}

TEST_F(CountyFixture, ImportingTheSameRequestFileTwiceStoresItsRequestsOnce) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    const std::string soon = date_in(pg, database, 10);
    // Two rows alike are two requests: the clinic asked twice.
    const auto requests_file = [&](const std::string& name, const std::string& cough_packs) {
        return write_file(temp.path() / name, "clinic_id,category,quantity,needed_by\nhexi-vc,fever,5," +
                                                  soon + "\nhexi-vc,fever,5," + soon +
                                                  "\nshitang-thc,cough," + cough_packs + "," + soon + "\n");
    };
    const auto file = requests_file("requests.csv", "7");
    auto first = run_ctl({"hub", "request", "import", file, "--hub", hub});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.out.find("3 request(s) from " + file + " stored"), std::string::npos) << first.out;
    auto again = run_ctl({"hub", "request", "import", file, "--hub", hub});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 request(s) from " + file + " stored"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("3 already at the hub, not added again"), std::string::npos) << again.out;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.clinic_request"), "3");
    EXPECT_EQ(hub_text("SELECT sum(quantity) FROM hub.clinic_request WHERE clinic_id = 'hexi-vc'"), "10");

    // A cancelled request is not there any more: the same row asks anew. So does a changed quantity.
    ASSERT_EQ(run_ctl({"hub", "request", "cancel",
                       hub_text("SELECT max(request_id) FROM hub.clinic_request WHERE clinic_id = 'hexi-vc'"),
                       "--hub", hub})
                  .exit_code,
              0);
    const auto changed = requests_file("changed.csv", "8");
    auto third = run_ctl({"hub", "request", "import", changed, "--hub", hub});
    ASSERT_EQ(third.exit_code, 0) << third.err;
    EXPECT_NE(third.out.find("2 request(s) from " + changed + " stored"), std::string::npos) << third.out;
    EXPECT_NE(third.out.find("1 already at the hub"), std::string::npos) << third.out;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.clinic_request WHERE cancelled_at IS NULL"), "4");
}

TEST_F(CountyFixture, AllocateNamesTheRequestsAndOpenOrdersOfARetiredClinicWithTheCommandToWithdrawThem) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-near", "pw").ok());
    hub_stock("cp-near", 10, 100);
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "hexi-vc", "fever", 4, date_in(pg, database, 5), ""}}, "cli")
            .ok());
    ASSERT_EQ(run_ctl({"hub", "allocate", "--yes", "--hub", hub}).exit_code, 0);
    const std::string order = hub_text("SELECT order_uuid FROM hub.dispatch_order");
    const auto more =
        storage::add_requests(*admin, {{1, "hexi-vc", "fever", 3, date_in(pg, database, 9), ""}}, "cli");
    ASSERT_TRUE(more.ok());
    const std::string waiting = std::to_string(more.value().front());
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "shitang-vc", "fever", 2, date_in(pg, database, 9), ""}}, "cli")
            .ok());
    // The clinic closes (its CSV row says retired): its request still lists as open.
    ASSERT_TRUE(admin->exec("UPDATE hub.clinic SET deleted = true WHERE clinic_id = 'hexi-vc'").ok());
    auto listed = run_ctl({"hub", "request", "list", "--hub", hub});
    EXPECT_NE(listed.out.find(waiting + "  hexi-vc  fever  3"), std::string::npos) << listed.out;

    auto plan = run_ctl({"hub", "allocate", "--dry-run", "--hub", hub});
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    EXPECT_NE(plan.out.find("1 open request(s)"), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find("Skipped 1 request(s) of retired clinics:\n  request " + waiting +
                            "  hexi-vc  fever  needed by " + date_in(pg, database, 9) +
                            "  3 outstanding: clinic hexi-vc is retired; withdraw the request with "
                            "`medkioskctl hub request cancel " +
                            waiting + "`"),
              std::string::npos)
        << plan.out;
    EXPECT_NE(plan.out.find("  order " + order + "  cp-near -> hexi-vc  request " +
                            hub_text("SELECT request_id FROM hub.dispatch_order") +
                            "  0/4 sent: clinic hexi-vc is retired; withdraw it with `medkioskctl hub orders "
                            "cancel " +
                            order + "`"),
              std::string::npos)
        << plan.out;
    auto as_json = run_ctl({"hub", "allocate", "--dry-run", "--json", "--hub", hub});
    ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
    const auto json = nlohmann::json::parse(as_json.out);
    ASSERT_EQ(json["skipped_requests"].size(), 1u);
    EXPECT_EQ(json["skipped_requests"][0]["why"], "clinic hexi-vc is retired");
    ASSERT_EQ(json["retired_clinic_orders"].size(), 1u);
    EXPECT_EQ(json["retired_clinic_orders"][0]["order_uuid"], order);

    // Withdrawn as the plan says: the order's request is outstanding again, and named in turn.
    ASSERT_EQ(run_ctl({"hub", "request", "cancel", waiting, "--hub", hub}).exit_code, 0);
    ASSERT_EQ(run_ctl({"hub", "orders", "cancel", order, "--hub", hub}).exit_code, 0);
    const std::string first = hub_text("SELECT request_id FROM hub.dispatch_order");
    auto after = run_ctl({"hub", "allocate", "--dry-run", "--hub", hub});
    EXPECT_NE(after.out.find("`medkioskctl hub request cancel " + first + "`"), std::string::npos)
        << after.out;
    EXPECT_EQ(after.out.find("Open order(s) for retired clinics"), std::string::npos) << after.out;
    ASSERT_EQ(run_ctl({"hub", "request", "cancel", first, "--hub", hub}).exit_code, 0);
    after = run_ctl({"hub", "allocate", "--dry-run", "--hub", hub});
    EXPECT_EQ(after.out.find("retired"), std::string::npos) << after.out;
}

TEST_F(CountyFixture, AllocateShowsThePlanPublishesOnYesAndNeverTwice) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-near", "pw").ok());
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-far", "pw").ok());
    ASSERT_EQ(
        run_ctl({"hub", "location", "cp-near", "--lat", "23.11", "--lon", "113.31", "--hub", hub}).exit_code,
        0);
    ASSERT_EQ(
        run_ctl({"hub", "location", "cp-far", "--lat", "23.45", "--lon", "113.65", "--hub", hub}).exit_code,
        0);
    hub_stock("cp-near", 10, 10);  // expiring in 17, 24 … 80 days
    hub_stock("cp-far", 10, 100);  // all later than the near point's
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "shitang-vc", "fever", 8, date_in(pg, database, 5), ""}}, "cli")
            .ok());

    // Declined: nothing published.
    auto declined = run_ctl({"hub", "allocate", "--margin-days", "30", "--hub", hub}, "no\n");
    ASSERT_EQ(declined.exit_code, 0) << declined.err;
    EXPECT_NE(declined.out.find("cp-near -> shitang-vc"), std::string::npos) << declined.out;
    EXPECT_NE(declined.out.find("Not published."), std::string::npos);
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.dispatch_order"), "0");

    auto published = run_ctl({"hub", "allocate", "--margin-days", "30", "--hub", hub}, "yes\n");
    ASSERT_EQ(published.exit_code, 0) << published.err;
    EXPECT_NE(published.out.find("Published"), std::string::npos) << published.out;
    // Needed in 5 days + 30 days' margin: nothing expiring before day 35 went; 8 packs from the nearer point.
    EXPECT_EQ(hub_text("SELECT sum(i.quantity) FROM hub.dispatch_order_item i"), "8");
    EXPECT_EQ(
        hub_text(
            "SELECT count(*) FROM hub.dispatch_order_item i JOIN hub.dropoff d ON d.uuid = i.dropoff_uuid "
            "WHERE d.expiry < current_date + 35"),
        "0");
    EXPECT_EQ(hub_text("SELECT string_agg(DISTINCT kiosk_id, ',') FROM hub.dispatch_order"), "cp-near");
    // The request is allocated: another run finds nothing to do.
    auto again = run_ctl({"hub", "allocate", "--yes", "--hub", hub});
    EXPECT_NE(again.out.find("Nothing to publish"), std::string::npos) << again.out;

    // A plan made before another allocation published is refused whole.
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "hexi-vc", "fever", 6, date_in(pg, database, 5), ""}}, "cli")
            .ok());
    auto input = storage::load_allocation_input(*admin);
    ASSERT_TRUE(input.ok());
    const auto stale = kiosk::plan_allocation(input.value(), {});
    ASSERT_GT(stale.packs(), 0);
    ASSERT_EQ(run_ctl({"hub", "allocate", "--yes", "--hub", hub}).exit_code, 0);
    const auto orders_before = hub_text("SELECT count(*) FROM hub.dispatch_order");
    auto refused = storage::publish_allocation(*admin, stale.packs_to_publish(), 30, input.value().as_of);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("run hub allocate again"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.dispatch_order"), orders_before);

    // A hand-made plan that breaks the margin is refused too.
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "hexi-vc", "fever", 1, date_in(pg, database, 5), ""}}, "cli")
            .ok());
    const auto early = hub_text(
        "SELECT dropoff_uuid FROM hub.allocatable_stock WHERE available > 0 ORDER BY expiry LIMIT 1");
    const auto kiosk_of =
        hub_text("SELECT kiosk_id FROM hub.allocatable_stock WHERE dropoff_uuid = '" + early + "'");
    const auto request = hub_text("SELECT max(request_id) FROM hub.clinic_request");
    auto too_early = storage::publish_allocation(*admin, {{std::stoll(request), kiosk_of, early, 1}}, 30,
                                                 input.value().as_of);
    ASSERT_FALSE(too_early.ok());
    EXPECT_NE(too_early.error().message.find("cannot serve request"), std::string::npos)
        << too_early.error().message;

    // Cancelling the order frees its packs; the request is open again.
    const auto order =
        hub_text("SELECT order_uuid FROM hub.dispatch_order WHERE clinic_id = 'shitang-vc' LIMIT 1");
    ASSERT_EQ(run_ctl({"hub", "orders", "cancel", order, "--hub", hub}).exit_code, 0);
    EXPECT_EQ(hub_text("SELECT state FROM hub.request_status WHERE clinic_id = 'shitang-vc'"), "open");
}

// Any login may take any advisory lock and keep it: the allocation's writers must not wait on one.
// A kiosk's login holding the lock the allocation once took, for as long as it likes, and unable to
// lock the table the allocation takes now, leaves the bureau's work unhindered.
TEST_F(CountyFixture, AKioskLoginCannotFreezeTheAllocation) {
    add_clinics();
    auto admin = pg.admin(database);
    auto role = storage::add_kiosk(*admin, "cp-hold", "pw-hold");
    ASSERT_TRUE(role.ok()) << role.error().message;
    auto kiosk = storage::HubSession::connect(pg.role_conninfo(database, role.value(), "pw-hold"));
    ASSERT_TRUE(kiosk.ok()) << kiosk.error().message;
    ASSERT_TRUE(kiosk.value()->exec("SELECT pg_advisory_lock(hashtext('medkiosk.allocation'))").ok());
    EXPECT_FALSE(kiosk.value()->exec("BEGIN; LOCK TABLE hub.allocation_lock IN ACCESS SHARE MODE").ok())
        << "a kiosk login may lock what serialises the allocation";
    (void)kiosk.value()->exec("ROLLBACK");

    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "shitang-vc", "fever", 2, date_in(pg, database, 5), ""}}, "cli")
            .ok());
    const std::string request = hub_text("SELECT max(request_id) FROM hub.clinic_request");
    ASSERT_TRUE(admin->exec("SET statement_timeout = '5s'").ok());
    auto cancelled = admin->exec("SELECT hub.cancel_request(" + request + ")");
    EXPECT_TRUE(cancelled.ok()) << "the bureau waited on the kiosk's lock: " << cancelled.error().message;
}

TEST_F(CountyFixture, ConcurrentAllocationsNeverGiveAPackTwice) {
    add_clinics();
    const std::string hub = pg.admin_conninfo(database);
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-one", "pw").ok());
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-two", "pw").ok());
    hub_stock("cp-one", 150, 40);
    hub_stock("cp-two", 150, 40);
    const std::string stock = hub_text("SELECT sum(quantity) FROM hub.dropoff");
    std::vector<storage::ClinicRequestInput> requests;
    const char* clinics[] = {"shitang-vc", "shitang-thc", "hexi-vc"};
    for (int i = 0; i < 60; ++i)
        requests.push_back(
            {i + 2, clinics[i % 3], "fever", 3 + i % 9, date_in(pg, database, 1 + i % 20), ""});
    ASSERT_TRUE(storage::add_requests(*admin, requests, "csv").ok());
    // Six clerks read the same stock, plan, and publish at the same moment: one plan wins, the others
    // are refused as stale, whatever the timing.
    {
        constexpr int kClerks = 6;
        std::barrier both_planned(kClerks), all_loaded(kClerks);
        std::vector<std::string> outcomes(kClerks);
        std::vector<std::thread> clerks;
        for (int i = 0; i < kClerks; ++i) {
            clerks.emplace_back([&, i] {
                auto session = pg.admin(database);
                auto input = storage::load_allocation_input(*session);
                all_loaded.arrive_and_wait();
                if (!input.ok()) {
                    both_planned.arrive_and_wait();
                    outcomes[i] = input.error().message;
                    return;
                }
                kiosk::AllocationSettings settings;
                settings.margin_days = 0;
                const auto plan = kiosk::plan_allocation(input.value(), settings);
                both_planned.arrive_and_wait();
                auto published =
                    storage::publish_allocation(*session, plan.packs_to_publish(), 0, input.value().as_of);
                outcomes[i] = published.ok() ? "published" : published.error().message;
            });
        }
        for (auto& clerk : clerks) clerk.join();
        int won = 0;
        for (const auto& outcome : outcomes) {
            if (outcome == "published")
                ++won;
            else
                EXPECT_NE(outcome.find("run hub allocate again"), std::string::npos) << outcome;
        }
        EXPECT_EQ(won, 1);
    }
    // And through the command line: six runs at once, twice over.
    ASSERT_TRUE(
        storage::add_requests(*admin, {{1, "hexi-vc", "fever", 20, date_in(pg, database, 3), ""}}, "cli")
            .ok());
    for (int round = 0; round < 2; ++round) {
        std::vector<std::thread> clerks;
        std::vector<ProcessResult> results(6);
        for (std::size_t i = 0; i < results.size(); ++i)
            clerks.emplace_back([&, i] {
                results[i] = run_ctl({"hub", "allocate", "--yes", "--margin-days", "0", "--hub", hub});
            });
        for (auto& clerk : clerks) clerk.join();
        int refused = 0;
        for (const auto& r : results) {
            if (r.exit_code != 0) {
                ++refused;
                EXPECT_NE(r.err.find("run hub allocate again"), std::string::npos) << r.err;
            }
        }
        std::printf("[ concurrent ] command-line round %d: %d of 6 runs refused as stale\n", round, refused);
    }
    // No pack is held beyond its quantity, and no request beyond what it asked for.
    EXPECT_EQ(hub_text("SELECT count(*) FROM (SELECT i.kiosk_id, i.dropoff_uuid, sum(i.quantity) q "
                       "FROM hub.dispatch_order_item i JOIN hub.dispatch_order o USING (order_uuid) "
                       "WHERE o.cancelled_at IS NULL GROUP BY 1, 2) x "
                       "JOIN hub.dropoff d ON d.kiosk_id = x.kiosk_id AND d.uuid = x.dropoff_uuid WHERE x.q "
                       "> d.quantity"),
              "0");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.request_status WHERE allocated > quantity"), "0");
    // Everything that could be allocated was: all requests (≤ stock) are allocated in full.
    const auto wanted = hub_text("SELECT sum(quantity) FROM hub.clinic_request");
    ASSERT_LT(std::stoi(wanted), std::stoi(stock));
    EXPECT_EQ(hub_text("SELECT sum(allocated) FROM hub.request_status"), wanted);
}

TEST_F(CountyFixture, AClinicDeviceWritesOnlyItsOwnClinicsRecordsAndNeverTooMuch) {
    add_clinics();
    auto device = make_clinic_device("clinic", "shitang-vc");
    auto other = make_clinic_device("clinic-other", "hexi-vc");
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-x", "pw").ok());
    // A dispatch from cp-x to shitang-vc with two manifest lines, as a kiosk of issue 17 sends it.
    const std::string dispatch = "8e0c2a9e-1111-4a4a-8a8a-000000000001";
    const nlohmann::json payload = {{"uuid", dispatch},
                                    {"clinic", "Shitang Village Clinic"},
                                    {"clinic_id", "shitang-vc"},
                                    {"dispatched_at", "2026-12-01T08:00:00Z"},
                                    {"lines",
                                     {{{"line", 1},
                                       {"product", "06901234567892"},
                                       {"expiry", "2027-06-30"},
                                       {"category", "fever"},
                                       {"quantity", 3}},
                                      {{"line", 2},
                                       {"product", "06901234567809"},
                                       {"expiry", "2027-03-31"},
                                       {"category", "cough"},
                                       {"quantity", 1}}}},
                                    {"items", nlohmann::json::array()}};
    ASSERT_TRUE(
        admin
            ->query("INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
                    "VALUES ('cp-x', $1, 'Shitang Village Clinic', now(), 4, $2::jsonb)",
                    {dispatch, payload.dump()})
            .ok());
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.dispatch_line WHERE dispatch_uuid = '" + dispatch + "'"),
              "2");

    const std::string arrival_id = "a0000000-0000-4000-8000-000000000001";
    nlohmann::json arrival = {{"uuid", arrival_id},
                              {"clinic_id", "shitang-vc"},
                              {"dispatch_kiosk_id", "cp-x"},
                              {"dispatch_uuid", dispatch},
                              {"received_at", "2026-12-02T09:00:00Z"},
                              {"lines",
                               {{{"line", 1},
                                 {"product", "06901234567892"},
                                 {"expiry", "2027-06-30"},
                                 {"category", "fever"},
                                 {"expected", 3},
                                 {"received", 3},
                                 {"damaged", 1}},
                                {{"line", 2},
                                 {"product", "06901234567809"},
                                 {"expiry", "2027-03-31"},
                                 {"category", "cough"},
                                 {"expected", 1},
                                 {"received", 0},
                                 {"damaged", 0}},
                                {{"line", 3},
                                 {"product", "06901234567892"},
                                 {"expiry", "2027-08-31"},
                                 {"category", "fever"},
                                 {"expected", 0},
                                 {"received", 1},
                                 {"extra", true}}}}};
    auto answers = clinic_ingest(device, batch({{"arrival", arrival}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(clinic_ingest(device, batch({{"arrival", arrival}}))[0].first, "duplicate");
    auto changed = arrival;
    changed["note"] = "edited";
    EXPECT_EQ(clinic_ingest(device, batch({{"arrival", changed}}))[0].first, "mismatch");

    const auto given = [&](const std::string& id, int line, int quantity, const std::string& clinic) {
        return nlohmann::json{{"uuid", id},   {"clinic_id", clinic},  {"arrival_uuid", arrival_id},
                              {"line", line}, {"quantity", quantity}, {"given_on", "2026-12-03"}};
    };
    // Line 1 holds 2 usable packs: 2 go out, a third is refused; line 3 (extra) gives its one.
    answers = clinic_ingest(
        device, batch({{"given_out", given("b0000000-0000-4000-8000-000000000001", 1, 2, "shitang-vc")},
                       {"given_out", given("b0000000-0000-4000-8000-000000000002", 1, 1, "shitang-vc")},
                       {"given_out", given("b0000000-0000-4000-8000-000000000003", 3, 1, "shitang-vc")},
                       {"given_out", given("b0000000-0000-4000-8000-000000000004", 1, 1, "hexi-vc")},
                       {"dropoff", given("b0000000-0000-4000-8000-000000000005", 1, 1, "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(answers[1].first, "invalid");
    EXPECT_NE(answers[1].second.find("too many"), std::string::npos) << answers[1].second;
    EXPECT_EQ(answers[2].first, "inserted") << answers[2].second;
    EXPECT_EQ(answers[3].first, "invalid");  // another clinic's row
    EXPECT_NE(answers[3].second.find("belongs to clinic shitang-vc"), std::string::npos) << answers[3].second;
    EXPECT_EQ(answers[4].first, "invalid");  // a clinic device sends no drop-offs
    EXPECT_EQ(hub_text("SELECT coalesce(sum(quantity), 0) FROM hub.given_out"), "3");

    // The other clinic's device can neither confirm this dispatch nor give out from this arrival.
    auto foreign = arrival;
    foreign["uuid"] = "a0000000-0000-4000-8000-000000000002";
    foreign["clinic_id"] = "hexi-vc";
    answers = clinic_ingest(
        other, batch({{"arrival", foreign},
                      {"given_out", given("b0000000-0000-4000-8000-000000000006", 3, 1, "hexi-vc")}}));
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].first, "invalid");
    EXPECT_NE(answers[0].second.find("was sent to clinic shitang-vc"), std::string::npos)
        << answers[0].second;
    EXPECT_EQ(answers[1].first, "invalid");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.arrival"), "1");
}

// A manifest QR is not signed: anyone can print one and a clinic device takes it. The public figures
// count an arrival only against a dispatch the hub holds for that clinic, line by line, never more
// packs than the line listed; an arrival whose dispatch has not synced yet counts once it has.
TEST_F(CountyFixture, AnArrivalCountsInThePublicFiguresOnlyAgainstADispatchTheHubHolds) {
    add_clinics();
    auto device = make_clinic_device("counted", "shitang-vc");
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-y", "pw").ok());
    const auto add_dispatch = [&](const std::string& uuid, int quantity) {
        const nlohmann::json payload = {{"uuid", uuid},
                                        {"clinic", "Shitang Village Clinic"},
                                        {"clinic_id", "shitang-vc"},
                                        {"dispatched_at", "2026-12-01T08:00:00Z"},
                                        {"lines",
                                         {{{"line", 1},
                                           {"product", "06901234567892"},
                                           {"expiry", "2027-06-30"},
                                           {"category", "fever"},
                                           {"quantity", quantity}}}},
                                        {"items", nlohmann::json::array()}};
        ASSERT_TRUE(
            admin
                ->query(
                    "INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
                    "VALUES ('cp-y', $1, 'Shitang Village Clinic', now(), $2::integer, $3::jsonb)",
                    {uuid, std::to_string(quantity), payload.dump()})
                .ok());
    };
    const auto arrival = [](const std::string& uuid, const std::string& dispatch, int received) {
        return nlohmann::json{{"uuid", uuid},
                              {"clinic_id", "shitang-vc"},
                              {"dispatch_kiosk_id", "cp-y"},
                              {"dispatch_uuid", dispatch},
                              {"received_at", "2026-12-02T09:00:00Z"},
                              {"lines",
                               {{{"line", 1},
                                 {"product", "06901234567892"},
                                 {"expiry", "2027-06-30"},
                                 {"category", "fever"},
                                 {"expected", received},
                                 {"received", received},
                                 {"damaged", 0}}}}};
    };
    const auto counted = [&](const char* column) {
        return hub_text(std::string("SELECT coalesce(sum(") + column +
                        "), 0) FROM hub.report_clinic_use WHERE clinic_id = 'shitang-vc'");
    };

    // Ahead of its dispatch (or with none at all): taken, not counted.
    const std::string early_dispatch = "8e0c2a9e-2222-4a4a-8a8a-000000000001";
    const std::string early = "a0000000-0000-4000-8000-000000000011";
    auto answers = clinic_ingest(
        device, batch({{"arrival", arrival(early, early_dispatch, 5)},
                       {"given_out", nlohmann::json{{"uuid", "b0000000-0000-4000-8000-000000000011"},
                                                    {"clinic_id", "shitang-vc"},
                                                    {"arrival_uuid", early},
                                                    {"line", 1},
                                                    {"quantity", 2},
                                                    {"given_on", "2026-12-03"}}}}));
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(answers[1].first, "inserted") << answers[1].second;
    EXPECT_EQ(counted("received"), "0") << "an arrival of a dispatch the hub does not hold was counted";
    EXPECT_EQ(counted("given_out"), "0");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.report_arrival"), "0");

    // The collection point's dispatch syncs: now it counts.
    add_dispatch(early_dispatch, 5);
    EXPECT_EQ(counted("received"), "5");
    EXPECT_EQ(counted("given_out"), "2");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.report_arrival"), "1");

    // A real dispatch of 1 pack claimed as 4 received: the line does not count.
    const std::string small_dispatch = "8e0c2a9e-2222-4a4a-8a8a-000000000002";
    add_dispatch(small_dispatch, 1);
    answers = clinic_ingest(
        device, batch({{"arrival", arrival("a0000000-0000-4000-8000-000000000012", small_dispatch, 4)}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(counted("received"), "5") << "more packs than the dispatch listed were counted";

    // Extra packs (not on the list) count up to the list's own size: a million extra packs claimed
    // beside a 1-pack dispatch count none of them, nor anything given out of them; one extra pack
    // beside a 2-pack dispatch counts.
    const auto with_extra = [](nlohmann::json counted_arrival, int extra) {
        counted_arrival["lines"].push_back({{"line", 2},
                                            {"product", "06901234567892"},
                                            {"expiry", "2027-06-30"},
                                            {"category", "fever"},
                                            {"expected", 0},
                                            {"received", extra},
                                            {"damaged", 0},
                                            {"extra", true}});
        return counted_arrival;
    };
    const std::string inflated_dispatch = "8e0c2a9e-2222-4a4a-8a8a-000000000003";
    const std::string inflated = "a0000000-0000-4000-8000-000000000013";
    add_dispatch(inflated_dispatch, 1);
    answers = clinic_ingest(
        device, batch({{"arrival", with_extra(arrival(inflated, inflated_dispatch, 1), 1000000)},
                       {"given_out", nlohmann::json{{"uuid", "b0000000-0000-4000-8000-000000000013"},
                                                    {"clinic_id", "shitang-vc"},
                                                    {"arrival_uuid", inflated},
                                                    {"line", 2},
                                                    {"quantity", 999999},
                                                    {"given_on", "2026-12-03"}}}}));
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(counted("received"), "6") << "a million extra packs on a 1-pack dispatch were counted";
    EXPECT_EQ(counted("given_out"), "2") << "packs given out of uncounted extras were counted";
    EXPECT_EQ(hub_text("SELECT sum(extra) FROM hub.report_arrival"), "1000000")
        << "the bureau no longer sees the claim";
    const std::string plausible_dispatch = "8e0c2a9e-2222-4a4a-8a8a-000000000004";
    add_dispatch(plausible_dispatch, 2);
    answers = clinic_ingest(
        device,
        batch({{"arrival",
                with_extra(arrival("a0000000-0000-4000-8000-000000000014", plausible_dispatch, 2), 1)}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(counted("received"), "9") << "one extra pack beside a 2-pack list was not counted";
}

// A clinic device may confirm a dispatch before it syncs from its collection point, when the hub
// cannot yet tell which clinic it was sent to. Another clinic's device claiming it first must neither
// lock the addressee's arrival out nor count anywhere: not in the reports, the stock or the donor's
// receipt. A second device of the addressee is still told the dispatch is confirmed.
TEST_F(CountyFixture, AnotherClinicsEarlyClaimOnADispatchNeitherLocksItsClinicOutNorCounts) {
    add_clinics();
    auto clinic_a = make_clinic_device("twin-a", "shitang-vc");
    auto clinic_a_second = make_clinic_device("twin-a2", "shitang-vc");
    auto clinic_b = make_clinic_device("twin-b", "hexi-vc");
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-twin", "pw").ok());
    // A hub from before one arrival per dispatch per clinic, upgraded by applying the schema again.
    ASSERT_TRUE(admin
                    ->exec("DROP INDEX hub.arrival_once_per_dispatch_clinic; CREATE UNIQUE INDEX "
                           "arrival_once_per_dispatch ON hub.arrival (dispatch_kiosk_id, dispatch_uuid)")
                    .ok());
    ASSERT_TRUE(storage::init_hub(*admin).ok());
    const std::string dispatch = "8e0c2a9e-3333-4a4a-8a8a-000000000001";
    const std::string dropoff = "d0000000-3333-4000-8000-000000000001";
    const std::string session = "50000000-3333-4000-8000-000000000001";
    // A donor's drop-off of 3 packs with its receipt code, as a synced collection point has it.
    ASSERT_TRUE(
        admin
            ->exec("INSERT INTO hub.session (kiosk_id, session_uuid, session_id, receipt_code, started_at) "
                   "VALUES ('cp-twin', '" +
                   session +
                   "', 1, 'TWIN-CODE', now());"
                   "INSERT INTO hub.receipt_code VALUES ('TWIN-CODE', 'cp-twin', '" +
                   session +
                   "');"
                   "INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, session_uuid, recorded_at, "
                   "sequence, scheme, gtin, quantity, condition, decision, reason, review_state) VALUES "
                   "('cp-twin', '" +
                   dropoff + "', 1, '" + session +
                   "', now(), 1, 'gs1', '06901234567892', 3, 'sealed', 'accept', 'ok', 'pending')")
            .ok());
    const auto arrival = [&](const std::string& uuid, const std::string& clinic) {
        return whole_line_arrival("cp-twin", dispatch, uuid, clinic);
    };
    const auto given = [](const std::string& uuid, const std::string& clinic, const std::string& arrival_uuid,
                          int quantity) {
        return nlohmann::json{{"uuid", uuid}, {"clinic_id", clinic},  {"arrival_uuid", arrival_uuid},
                              {"line", 1},    {"quantity", quantity}, {"given_on", "2026-12-03"}};
    };
    const auto use = [&](const std::string& clinic, const char* column) {
        return hub_text(std::string("SELECT coalesce(sum(") + column +
                        "), 0) FROM hub.report_clinic_use WHERE clinic_id = '" + clinic + "'");
    };
    const auto receipt = [&] {
        return hub_text(
            "SELECT outcome || ' ' || dispatched || ' ' || given_out FROM hub.receipt_lookup('twin-code')");
    };

    // Clinic B's device claims the dispatch, and gives all of it out, before the hub holds it.
    const std::string squat = "a0000000-3333-4000-8000-0000000000b1";
    auto answers = clinic_ingest(
        clinic_b, batch({{"arrival", arrival(squat, "hexi-vc")},
                         {"given_out", given("b0000000-3333-4000-8000-0000000000b1", "hexi-vc", squat, 3)}}));
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(answers[1].first, "inserted") << answers[1].second;

    // The collection point's dispatch to clinic A syncs.
    const nlohmann::json payload = {{"uuid", dispatch},
                                    {"clinic", "Shitang Village Clinic"},
                                    {"clinic_id", "shitang-vc"},
                                    {"dispatched_at", "2026-12-01T08:00:00Z"},
                                    {"lines",
                                     {{{"line", 1},
                                       {"product", "06901234567892"},
                                       {"expiry", "2027-06-30"},
                                       {"category", "fever"},
                                       {"quantity", 3}}}},
                                    {"items", {{{"dropoff_uuid", dropoff}, {"line", 1}, {"quantity", 3}}}}};
    for (const auto& [sql, params] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
              "VALUES ('cp-twin', $1, 'Shitang Village Clinic', now(), 3, $2::jsonb)",
              {dispatch, payload.dump()}},
             {"INSERT INTO hub.dispatch_item VALUES ('cp-twin', $1, $2, 3)", {dispatch, dropoff}}}) {
        auto inserted = admin->query(sql, params);
        ASSERT_TRUE(inserted.ok()) << inserted.error().message;
    }
    EXPECT_EQ(use("hexi-vc", "received"), "0") << "a claim by a clinic the dispatch was not sent to counted";
    EXPECT_EQ(use("hexi-vc", "given_out"), "0");
    EXPECT_EQ(receipt(), "dispatched 3 0")
        << "the donor sees packs given out by a clinic that never got them";

    // Clinic A's own device confirms it: taken, and counted once.
    const std::string genuine = "a0000000-3333-4000-8000-0000000000a1";
    answers = clinic_ingest(clinic_a, batch({{"arrival", arrival(genuine, "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted")
        << "clinic B's early claim locked clinic A out: " << answers[0].second;
    EXPECT_EQ(use("shitang-vc", "received"), "3");
    EXPECT_EQ(hub_text("SELECT coalesce(sum(received), 0) FROM hub.report_clinic_use"), "3");
    EXPECT_EQ(hub_text("SELECT coalesce(sum(given_out), 0) FROM hub.report_clinic_use"), "0");
    EXPECT_EQ(hub_text("SELECT string_agg(clinic_id || ':' || received, ',') FROM hub.report_arrival"),
              "shitang-vc:3");
    EXPECT_EQ(hub_text("SELECT string_agg(DISTINCT clinic_id, ',') FROM hub.arrival_line_counted"),
              "shitang-vc");
    EXPECT_EQ(receipt(), "dispatched 3 0");
    answers = clinic_ingest(
        clinic_a,
        batch({{"given_out", given("b0000000-3333-4000-8000-0000000000a1", "shitang-vc", genuine, 1)}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(use("shitang-vc", "given_out"), "1");
    EXPECT_EQ(receipt(), "partly given out 3 1");

    // A second device of clinic A confirming the same dispatch is refused, and told why.
    answers = clinic_ingest(
        clinic_a_second, batch({{"arrival", arrival("a0000000-3333-4000-8000-0000000000a2", "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "invalid");
    EXPECT_NE(answers[0].second.find("another device of this same clinic (shitang-vc): device \"" +
                                     clinic_a.id + "\""),
              std::string::npos)
        << answers[0].second;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.arrival WHERE dispatch_uuid = '" + dispatch + "'"), "2");
    EXPECT_EQ(use("shitang-vc", "received"), "3");

    // The device that confirmed it, confirming it again under a new id (its ledger restored from a
    // backup), is told that it did so itself, and as which arrival.
    answers = clinic_ingest(
        clinic_a, batch({{"arrival", arrival("a0000000-3333-4000-8000-0000000000a3", "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "invalid");
    EXPECT_NE(answers[0].second.find("this device already confirmed this dispatch as arrival " + genuine),
              std::string::npos)
        << answers[0].second;
    EXPECT_EQ(answers[0].second.find("another device"), std::string::npos) << answers[0].second;
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.arrival WHERE dispatch_uuid = '" + dispatch + "'"), "2");
}

// The donor's receipt follows a pack only through an arrival line the public figures count
// (hub.arrival_line_counted): a line whose product is not the one the dispatch listed, or that claims
// more packs than it listed, counts nowhere, so its packs given out must not show on the receipt either.
// Packs a clinic counted as extra (not on the manifest) are not the donor's, whatever their line number.
TEST_F(CountyFixture, TheReceiptLookupShowsPacksGivenOutOnlyFromArrivalLinesTheReportsCount) {
    add_clinics();
    auto device = make_clinic_device("lookup", "shitang-vc");
    auto admin = pg.admin(database);
    ASSERT_TRUE(storage::add_kiosk(*admin, "cp-look", "pw").ok());
    const std::string session = "50000000-7777-4000-8000-000000000001";
    ASSERT_TRUE(admin
                    ->exec("INSERT INTO hub.session (kiosk_id, session_uuid, session_id, receipt_code, "
                           "started_at) VALUES ('cp-look', '" +
                           session +
                           "', 1, 'LOOK-CODE', now()); INSERT INTO hub.receipt_code VALUES ('LOOK-CODE', "
                           "'cp-look', '" +
                           session + "')")
                    .ok());
    const std::string listed_product = "06901234567892";
    // Drop-off n (3 packs) goes on line 1 of its own dispatch; a clinic confirms that line as
    // `arrived_product` with `received` packs (as extra packs when `extra`) and gives 2 of them out.
    const auto dispatched_and_given = [&](int n, const std::string& arrived_product, int received,
                                          bool extra = false) {
        const std::string tail = std::to_string(n);
        const std::string dropoff = "d0000000-7777-4000-8000-00000000000" + tail;
        const std::string dispatch = "8e0c2a9e-7777-4a4a-8a8a-00000000000" + tail;
        const std::string arrival = "a0000000-7777-4000-8000-00000000000" + tail;
        const nlohmann::json payload = {
            {"uuid", dispatch},
            {"clinic", "Shitang Village Clinic"},
            {"clinic_id", "shitang-vc"},
            {"dispatched_at", "2026-12-01T08:00:00Z"},
            {"lines",
             {{{"line", 1},
               {"product", listed_product},
               {"expiry", "2027-06-30"},
               {"category", "fever"},
               {"quantity", 3}}}},
            {"items", {{{"dropoff_uuid", dropoff}, {"line", 1}, {"quantity", 3}}}}};
        for (const auto& [sql, params] : std::vector<std::pair<std::string, std::vector<std::string>>>{
                 {"INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, session_uuid, recorded_at, sequence, "
                  "scheme, gtin, quantity, condition, decision, reason, review_state) VALUES ('cp-look', $1, "
                  "1, $2, now(), $3::integer, 'gs1', $4, 3, 'sealed', 'accept', 'ok', 'pending')",
                  {dropoff, session, tail, listed_product}},
                 {"INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, item_count, payload) "
                  "VALUES ('cp-look', $1, 'Shitang Village Clinic', now(), 3, $2::jsonb)",
                  {dispatch, payload.dump()}},
                 {"INSERT INTO hub.dispatch_item VALUES ('cp-look', $1, $2, 3)", {dispatch, dropoff}}}) {
            auto inserted = admin->query(sql, params);
            ASSERT_TRUE(inserted.ok()) << inserted.error().message;
        }
        const nlohmann::json confirmed = {{"uuid", arrival},
                                          {"clinic_id", "shitang-vc"},
                                          {"dispatch_kiosk_id", "cp-look"},
                                          {"dispatch_uuid", dispatch},
                                          {"received_at", "2026-12-02T09:00:00Z"},
                                          {"lines",
                                           {{{"line", 1},
                                             {"product", arrived_product},
                                             {"expiry", "2027-06-30"},
                                             {"category", "fever"},
                                             {"expected", extra ? 0 : 3},
                                             {"received", received},
                                             {"damaged", 0},
                                             {"extra", extra}}}}};
        const nlohmann::json given = {{"uuid", "b0000000-7777-4000-8000-00000000000" + tail},
                                      {"clinic_id", "shitang-vc"},
                                      {"arrival_uuid", arrival},
                                      {"line", 1},
                                      {"quantity", 2},
                                      {"given_on", "2026-12-03"}};
        const auto answers = clinic_ingest(device, batch({{"arrival", confirmed}, {"given_out", given}}));
        ASSERT_EQ(answers.size(), 2u);
        EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
        EXPECT_EQ(answers[1].first, "inserted") << answers[1].second;
    };
    dispatched_and_given(1, "06909999999990", 3);  // not the product the dispatch listed on line 1
    dispatched_and_given(2, listed_product, 5);    // more packs than the dispatch listed
    dispatched_and_given(3, listed_product, 3);    // as listed: counted
    dispatched_and_given(4, listed_product, 3,
                         true);  // extra packs, numbered as the listed line (a bad device)

    // The reports count the counted line's 2 and the extra line's 2.
    EXPECT_EQ(hub_text("SELECT coalesce(sum(given_out), 0) FROM hub.report_clinic_use"), "4");
    EXPECT_EQ(hub_text("SELECT string_agg(item || ': ' || outcome || ' ' || dispatched || ' ' || given_out, "
                       "'; ' ORDER BY item) FROM hub.receipt_lookup('look-code')"),
              "1: dispatched 3 0; 2: dispatched 3 0; 3: partly given out 3 2; 4: dispatched 3 0")
        << "the receipt shows packs given out from an arrival line the reports do not count as the "
           "manifest's";
}

// A dispatch typed with a clinic name the hub matched to no clinic ("other") may be confirmed by any
// clinic: it counts once, the first arrival the hub took, until the bureau's clinics say whose it is.
TEST_F(CountyFixture, ADispatchToAnUnknownClinicConfirmedByTwoClinicsCountsOnce) {
    add_clinics();
    auto clinic_a = make_clinic_device("other-a", "shitang-vc");
    auto clinic_b = make_clinic_device("other-b", "hexi-vc");
    auto admin = pg.admin(database);
    const std::string dispatch = "8e0c2a9e-4444-4a4a-8a8a-000000000001";
    ASSERT_NO_FATAL_FAILURE(ingest_other_dispatch(*admin, "cp-other", dispatch, "Dr Wang's"));
    const auto arrival = [&](const std::string& uuid, const std::string& clinic) {
        return whole_line_arrival("cp-other", dispatch, uuid, clinic);
    };
    const auto counted = [&] {
        return hub_text(
            "SELECT coalesce(string_agg(clinic_id || ':' || received, ',' ORDER BY clinic_id), '') "
            "FROM (SELECT clinic_id, sum(received) AS received FROM hub.report_clinic_use "
            "GROUP BY clinic_id) x");
    };
    auto answers = clinic_ingest(
        clinic_b, batch({{"arrival", arrival("a0000000-4444-4000-8000-0000000000b1", "hexi-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    answers = clinic_ingest(
        clinic_a, batch({{"arrival", arrival("a0000000-4444-4000-8000-0000000000a1", "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    EXPECT_EQ(counted(), "hexi-vc:3")
        << "a dispatch to no known clinic counted twice, or not the first arrival";
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.report_arrival"), "1");
    // The bureau learns it was Shitang's: Shitang's arrival counts, Hexi's no longer does.
    ASSERT_TRUE(
        admin->exec("UPDATE hub.dispatch SET clinic_id = 'shitang-vc' WHERE uuid = '" + dispatch + "'").ok());
    EXPECT_EQ(counted(), "shitang-vc:3");
}

// A clinic device's dates go through the same window as a collection point's (today -/+ 30 years):
// 'infinity' or a year 0001 would skew every week the public reports count.
TEST_F(CountyFixture, AClinicRecordWithADateOutsideTheHubsWindowIsRefusedSayingWhichField) {
    add_clinics();
    auto device = make_clinic_device("dates", "shitang-vc");
    const auto arrival = [](const std::string& uuid, const std::string& received_at) {
        return nlohmann::json{{"uuid", uuid},
                              {"clinic_id", "shitang-vc"},
                              {"dispatch_kiosk_id", "cp-dates"},
                              {"dispatch_uuid", "8e0c2a9e-6666-4a4a-8a8a-000000000001"},
                              {"received_at", received_at},
                              {"lines",
                               {{{"line", 1},
                                 {"product", "06901234567892"},
                                 {"expiry", "2027-06-30"},
                                 {"category", "fever"},
                                 {"expected", 3},
                                 {"received", 3},
                                 {"damaged", 0}}}}};
    };
    const std::string held = "a0000000-6666-4000-8000-000000000001";
    auto given = nlohmann::json{{"uuid", "b0000000-6666-4000-8000-000000000001"},
                                {"clinic_id", "shitang-vc"},
                                {"arrival_uuid", held},
                                {"line", 1},
                                {"quantity", 1},
                                {"given_on", "infinity"}};
    auto disposed = nlohmann::json{{"uuid", "c0000000-6666-4000-8000-000000000001"},
                                   {"clinic_id", "shitang-vc"},
                                   {"arrival_uuid", held},
                                   {"line", 1},
                                   {"quantity", 1},
                                   {"reason", "expired"},
                                   {"disposed_on", "9999-12-31"}};
    auto answers = clinic_ingest(
        device, batch({{"arrival", arrival(held, "2026-12-02T09:00:00Z")},
                       {"arrival", arrival("a0000000-6666-4000-8000-000000000002", "infinity")},
                       {"arrival", arrival("a0000000-6666-4000-8000-000000000003", "0001-01-01T00:00:00Z")},
                       {"given_out", given},
                       {"clinic_disposal", disposed}}));
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    const std::pair<std::size_t, std::string> refused[] = {
        {1, "arrival received_at \"infinity\" is not a date between"},
        {2, "arrival received_at \"0001-01-01T00:00:00Z\" is not a date between"},
        {3, "given_out given_on \"infinity\" is not a date between"},
        {4, "clinic_disposal disposed_on \"9999-12-31\" is not a date between"}};
    for (const auto& [index, detail] : refused) {
        EXPECT_EQ(answers[index].first, "invalid") << index;
        EXPECT_NE(answers[index].second.find(detail), std::string::npos) << answers[index].second;
    }
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.arrival"), "1");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.given_out"), "0");
    EXPECT_EQ(hub_text("SELECT count(*) FROM hub.clinic_disposal"), "0");
}

// "The first arrival the hub took" is the first inserted, not the first transaction begun: a device
// that opens its transaction early (now() is fixed then) and confirms only after the genuine clinic
// has must not take the count over when it commits.
TEST_F(CountyFixture, AnArrivalFromATransactionBegunEarlyDoesNotTakeOverAnOtherDispatchsCount) {
    add_clinics();
    auto genuine = make_clinic_device("early-a", "shitang-vc");
    auto attacker = make_clinic_device("early-b", "hexi-vc");
    auto admin = pg.admin(database);
    const std::string dispatch = "8e0c2a9e-5555-4a4a-8a8a-000000000001";
    ASSERT_NO_FATAL_FAILURE(ingest_other_dispatch(*admin, "cp-early", dispatch, "Dr Li's"));
    const auto arrival = [&](const std::string& uuid, const std::string& clinic) {
        return whole_line_arrival("cp-early", dispatch, uuid, clinic);
    };

    // The attacker's transaction begins (and fixes its now()) before the genuine clinic confirms.
    auto early = storage::HubSession::connect(attacker.conninfo);
    ASSERT_TRUE(early.ok()) << early.error().message;
    ASSERT_TRUE(early.value()->exec("BEGIN").ok());
    ASSERT_TRUE(early.value()->exec("SELECT now()").ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto answers = clinic_ingest(
        genuine, batch({{"arrival", arrival("a0000000-5555-4000-8000-0000000000a1", "shitang-vc")}}));
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].first, "inserted") << answers[0].second;
    auto late = early.value()->query(
        "SELECT outcome, coalesce(detail, '') FROM hub.clinic_ingest($1::jsonb)",
        {batch({{"arrival", arrival("a0000000-5555-4000-8000-0000000000b1", "hexi-vc")}})});
    ASSERT_TRUE(late.ok()) << late.error().message;
    ASSERT_EQ(late.value().size(), 1u);
    EXPECT_EQ(late.value()[0].at(0).value_or(""), "inserted");
    ASSERT_TRUE(early.value()->exec("COMMIT").ok());
    ASSERT_EQ(hub_text("SELECT count(*) FROM hub.arrival WHERE dispatch_uuid = '" + dispatch + "'"), "2");
    EXPECT_EQ(hub_text("SELECT string_agg(clinic_id, ',') FROM hub.arrival_counted WHERE dispatch_uuid = '" +
                       dispatch + "'"),
              "shitang-vc")
        << "an arrival inserted after the genuine one took the count over by its transaction's start";

    // Applying the schema again keeps the order the hub took them in.
    ASSERT_TRUE(storage::init_hub(*admin).ok());
    EXPECT_EQ(hub_text("SELECT string_agg(clinic_id, ',') FROM hub.arrival_counted WHERE dispatch_uuid = '" +
                       dispatch + "'"),
              "shitang-vc");
    // A hub from before the column numbers what it holds in the order that decided then, so an upgrade
    // changes no count (here the early transaction's, as it was counted before).
    ASSERT_TRUE(
        admin->exec("DROP VIEW hub.arrival_counted CASCADE; ALTER TABLE hub.arrival DROP COLUMN taken_order")
            .ok());
    auto upgraded = storage::init_hub(*admin);
    ASSERT_TRUE(upgraded.ok()) << upgraded.error().message;
    EXPECT_EQ(hub_text("SELECT string_agg(clinic_id, ',') FROM hub.arrival_counted WHERE dispatch_uuid = '" +
                       dispatch + "'"),
              "hexi-vc");
    EXPECT_EQ(hub_text("SELECT string_agg(taken_order::text, ',' ORDER BY taken_order) FROM hub.arrival"),
              "1,2");
}

TEST_F(CountyFixture, TheClinicRoleCanDoNothingButItsOwnDoorsEvenWithShadowingTemporaryTables) {
    add_clinics();
    auto device = make_clinic_device("priv", "shitang-vc");
    auto kiosk = make_kiosk("privk");
    kiosk.record(2);
    ASSERT_TRUE(worker_for(kiosk)->run_round().ok());
    auto session = storage::HubSession::connect(device.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const char* refused[] = {
        "SELECT * FROM hub.dropoff",
        "SELECT * FROM hub.session",
        "SELECT * FROM hub.dispatch",
        "SELECT * FROM hub.dispatch_item",
        "SELECT * FROM hub.dispatch_line",
        "SELECT * FROM hub.dispatch_item_line",
        "SELECT * FROM hub.review_action",
        "SELECT * FROM hub.ingest_record",
        "SELECT * FROM hub.kiosk",
        "SELECT * FROM hub.clinic",
        "SELECT * FROM hub.arrival",
        "SELECT * FROM hub.arrival_line",
        "SELECT * FROM hub.arrival_counted",
        "SELECT * FROM hub.given_out",
        "SELECT * FROM hub.clinic_disposal",
        "SELECT * FROM hub.order_feed",
        "SELECT * FROM hub.rule_feed",
        "SELECT * FROM hub.allocatable_stock",
        "SELECT * FROM hub.request_status",
        "SELECT * FROM hub.report_dropoff",
        "SELECT * FROM hub.report_clinic_use",
        "SELECT * FROM hub.receipt_lookup('X')",
        "SELECT * FROM hub.ingest('[]'::jsonb)",
        "SELECT * FROM hub.ingest_for('x', '[]'::jsonb, 'sync')",
        "SELECT * FROM hub.clinic_ingest_for('x', '[]'::jsonb, 'sync')",
        "SELECT * FROM hub.ingest_device_for('x', '[]'::jsonb, 'sync')",
        "SELECT hub.clinic_record('x', 'shitang-vc', 'given_out', 'x', '{}'::jsonb)",
        "SELECT hub.add_clinic_device('evil', 'shitang-vc', 'pw')",
        "SELECT hub.add_kiosk('evil', 'pw')",
        "SELECT * FROM hub.add_requests('[]'::jsonb, 'cli')",
        "SELECT * FROM hub.publish_allocation('[]'::jsonb, 0, current_date)",
        "SELECT hub.rematch_other_dispatches()",
        "UPDATE hub.given_out SET quantity = 9",
        "DELETE FROM hub.arrival",
        "INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en) "
        "VALUES ('evil', 'x', 'x', 'village-clinic', 'x', 'x')",
        "CREATE TABLE hub.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "SET SESSION AUTHORIZATION postgres",
    };
    for (const char* sql : refused) EXPECT_FALSE(hub.query(sql).ok()) << "a clinic role was allowed: " << sql;
    EXPECT_FALSE(hub.query("SET ROLE " + kiosk.role).ok())
        << "a clinic device could become a collection point";
    // Its doors.
    EXPECT_TRUE(hub.query("SELECT count(*) FROM hub.clinic_feed").ok());
    EXPECT_TRUE(hub.query("SELECT count(*) FROM hub.catalogue_feed").ok());
    EXPECT_TRUE(hub.query("SELECT hub.heartbeat('{}'::jsonb)").ok());

    // A clinic device cannot create even a temporary table (TEMP is revoked from PUBLIC).
    EXPECT_FALSE(hub.exec("CREATE TEMPORARY TABLE mine (x int)").ok())
        << "a clinic role created a temp table";
    // Granted TEMP by mistake, temporary tables named like the hub's own (pg_temp comes first unless
    // pinned last) change nothing: the arrival lands in hub.arrival, owned by the clinic, and the shadows
    // stay empty.
    ASSERT_TRUE(pg.admin(database)
                    ->exec("GRANT TEMPORARY ON DATABASE " + database + " TO \"" + device.role + "\"")
                    .ok());
    for (const char* shadow : {"kiosk", "ingest_record", "arrival", "arrival_line", "clinic", "dispatch"}) {
        ASSERT_TRUE(
            hub.exec(std::string("CREATE TEMPORARY TABLE ") + shadow + " (LIKE pg_catalog.pg_class)").ok())
            << shadow;
    }
    const nlohmann::json arrival = {{"uuid", "a0000000-0000-4000-8000-0000000000aa"},
                                    {"clinic_id", "shitang-vc"},
                                    {"dispatch_kiosk_id", kiosk.id},
                                    {"dispatch_uuid", "8e0c2a9e-1111-4a4a-8a8a-0000000000aa"},
                                    {"received_at", "2026-12-02T09:00:00Z"},
                                    {"lines",
                                     {{{"line", 1},
                                       {"product", "06901234567892"},
                                       {"expiry", "2027-06-30"},
                                       {"category", "fever"},
                                       {"expected", 1},
                                       {"received", 1}}}}};
    auto answer = hub.query("SELECT outcome, coalesce(detail, '') FROM hub.clinic_ingest($1::jsonb)",
                            {batch({{"arrival", arrival}})});
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(answer.value().at(0).at(0).value_or(""), "inserted") << answer.value().at(0).at(1).value_or("");
    EXPECT_EQ(hub_text("SELECT kiosk_id FROM hub.arrival"), device.id);
    EXPECT_EQ(hub.query("SELECT count(*) FROM pg_temp.arrival").value().at(0).at(0).value_or(""), "0");

    // The bureau's role: requests, allocation and the stock, never a drop-off's serial hash or a receipt.
    ASSERT_TRUE(pg.admin(database)
                    ->exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                           "'bureau_clerk') THEN CREATE ROLE bureau_clerk LOGIN PASSWORD 'pw-clerk' "
                           "IN ROLE medkiosk_bureau; END IF; END $$")
                    .ok());
    auto clerk = storage::HubSession::connect(pg.role_conninfo(database, "bureau_clerk", "pw-clerk"));
    ASSERT_TRUE(clerk.ok()) << clerk.error().message;
    EXPECT_TRUE(clerk.value()->query("SELECT count(*) FROM hub.allocatable_stock").ok());
    EXPECT_TRUE(clerk.value()->query("SELECT count(*) FROM hub.request_status").ok());
    for (const char* sql : {"SELECT serial_hash FROM hub.dropoff", "SELECT * FROM hub.session",
                            "SELECT * FROM hub.receipt_lookup('X')", "SELECT * FROM hub.ingest('[]'::jsonb)",
                            "SELECT * FROM hub.given_out", "DELETE FROM hub.dispatch_order",
                            "SELECT hub.add_kiosk('evil', 'pw')"}) {
        EXPECT_FALSE(clerk.value()->query(sql).ok()) << "the bureau role was allowed: " << sql;
    }
}

}  // namespace
}  // namespace medkiosk::test
