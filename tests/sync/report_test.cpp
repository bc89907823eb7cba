// The public report and the receipt-code lookup, from a hub filled by real syncs.

#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

TEST_F(SyncFixture, ReportCountsByCategoryPointAndWeekInCsvAndHtml) {
    auto a = make_kiosk("repa");
    auto b = make_kiosk("repb");
    a.record(7);
    b.record(4);
    {
        auto session = b.ledger->dropoffs().begin_session();
        auto refused = storage::testing::sample_dropoff(session.value().id, "SN-refused");
        refused.decision = "refuse";
        refused.reason = "expired";
        refused.gtin = "06901234567809";
        ASSERT_TRUE(b.ledger->dropoffs().record(refused).ok());
        // A pack recorded with 3 boxes, waiting for a pharmacist: 3 in every column, not 1.
        auto boxes = storage::testing::sample_dropoff(session.value().id, "SN-boxes");
        boxes.decision = "review";
        boxes.reason = "unknown-product";
        boxes.gtin = "06901234567816";
        boxes.quantity = 3;
        ASSERT_TRUE(b.ledger->dropoffs().record(boxes).ok());
    }
    auto admin = pg.admin(database);
    ASSERT_TRUE(admin
                    ->exec(std::string("INSERT INTO hub.catalogue (gtin, name, category) VALUES "
                                       "('06901234567892', 'Ibuprofen', 'fever');"
                                       "INSERT INTO hub.dispatch (kiosk_id, uuid, clinic, dispatched_at, "
                                       "item_count, payload) VALUES "
                                       "('") +
                           a.id + "', gen_random_uuid(), 'Village clinic 3', now(), 6, '{}')")
                    .ok());
    ASSERT_TRUE(worker_for(a)->run_round().ok());
    ASSERT_TRUE(worker_for(b)->run_round().ok());

    const std::string today = pg.scalar(database, "SELECT current_date::text");
    auto csv =
        run_ctl({"report", "--from", "2020-01-01", "--to", today, "--hub", pg.admin_conninfo(database)});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_NE(csv.out.find("category,fever,11,0,0,11"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find("category,unclassified,0,1,3,4"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find(std::string("drop_off_point,") + a.id + ",7,0,0,7"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find(std::string("drop_off_point,") + b.id + ",4,1,3,8"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find("dispatch_clinic,Village clinic 3,1,,,6"), std::string::npos) << csv.out;

    auto html = run_ctl({"report", "--from", "2020-01-01", "--to", today, "--format", "html", "--hub",
                         pg.admin_conninfo(database)});
    ASSERT_EQ(html.exit_code, 0) << html.err;
    EXPECT_NE(html.out.find("<svg"), std::string::npos);
    EXPECT_EQ(html.out.find("<script"), std::string::npos);
    EXPECT_EQ(html.out.find("src="), std::string::npos);  // self-contained
    EXPECT_EQ(html.out.find("SN-"), std::string::npos);

    // An empty window is empty, and a bad date is a usage error.
    auto none = run_ctl(
        {"report", "--from", "2001-01-01", "--to", "2001-01-31", "--hub", pg.admin_conninfo(database)});
    EXPECT_EQ(none.out,
              "section,key,accepted,refused,review,packs\n\nsection,key,week,received,given_out,expired_"
              "unused,in_stock\n");
    EXPECT_EQ(run_ctl({"report", "--from", "yesterday", "--to", today}).exit_code, 2);
}

TEST_F(SyncFixture, AReceiptCodeShowsItsOwnItemsAndNothingElse) {
    auto kiosk = make_kiosk("receipt");
    kiosk.record(2);
    kiosk.record(3);
    ASSERT_TRUE(worker_for(kiosk)->run_round().ok());
    storage::testing::RawDb raw(kiosk.ledger_file, true);
    const std::string code = raw.text("SELECT receipt_code FROM donation_session ORDER BY id LIMIT 1");
    auto lookup = run_ctl({"report", "--receipt", code, "--hub", pg.admin_conninfo(database)});
    EXPECT_EQ(lookup.exit_code, 0) << lookup.err;
    EXPECT_EQ(std::count(lookup.out.begin(), lookup.out.end(), '\n'), 2) << lookup.out;
    auto unknown = run_ctl({"report", "--receipt", "0000-0000-0000", "--hub", pg.admin_conninfo(database)});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.out.find("no donation"), std::string::npos);
}

}  // namespace
}  // namespace medkiosk::test
