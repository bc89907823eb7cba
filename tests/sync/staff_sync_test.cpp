// What besides drop-offs reaches the hub: where each expiry came from (issue 8), staff review actions
// and dispatches (issue 6), and the heartbeat's decode statistics and audit head — all against a real
// PostgreSQL.

#include <algorithm>
#include <atomic>

#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

using storage::testing::RawDb;
using storage::testing::sample_dropoff;

std::string sql_literal(const std::string& text) {
    return "'" + text + "'";
}

TEST_F(SyncFixture, TheExpirySourceReachesTheHubAndAnOldKioskPayloadLeavesItNull) {
    auto kiosk = make_kiosk("expsrc");
    const auto session = kiosk.ledger->dropoffs().begin_session().value().id;
    std::vector<std::string> uuids;
    for (const char* source : {"code", "ocr-confirmed", "picker", ""}) {
        auto input = sample_dropoff(session, std::string("SN-src-") + source);
        input.expiry_source = source;
        if (input.expiry_source.empty()) {  // a device: no expiry at all
            input.expiry.clear();
            input.expiry_precision.clear();
        }
        auto recorded = kiosk.ledger->dropoffs().record(input);
        ASSERT_TRUE(recorded.ok()) << recorded.error().message;
        uuids.push_back(recorded.value().uuid);
    }
    // A kiosk not yet upgraded sends drop-offs without the field.
    auto old_style = kiosk.ledger->dropoffs().record(sample_dropoff(session, "SN-old-kiosk"));
    ASSERT_TRUE(old_style.ok());
    RawDb(kiosk.ledger_file)
        .exec("UPDATE outbox SET payload = json_remove(payload, '$.expiry_source') WHERE entity_id = " +
              sql_literal(old_style.value().uuid));

    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    expect_agreement(kiosk);
    const auto hub_source = [&](const std::string& uuid) {
        return pg.scalar(database, "SELECT coalesce(expiry_source, 'NULL') FROM hub.dropoff WHERE uuid = " +
                                       sql_literal(uuid));
    };
    EXPECT_EQ(hub_source(uuids[0]), "code");
    EXPECT_EQ(hub_source(uuids[1]), "ocr-confirmed");
    EXPECT_EQ(hub_source(uuids[2]), "picker");
    EXPECT_EQ(hub_source(uuids[3]), "NULL");
    EXPECT_EQ(hub_source(old_style.value().uuid), "NULL");

    // The same payloads again are duplicates: the field is part of the hashed payload, not a new one.
    RawDb(kiosk.ledger_file).exec("UPDATE outbox SET acked_at = NULL");
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().duplicates, 5);
    EXPECT_EQ(worker->progress().dead_lettered, 0);
    // Changing only the expiry source under the same uuid is a mismatch, and the hub keeps the original.
    RawDb(kiosk.ledger_file)
        .exec(
            "UPDATE outbox SET acked_at = NULL, payload = json_set(payload, '$.expiry_source', 'picker') "
            "WHERE entity_id = " +
            sql_literal(uuids[0]));
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().dead_lettered, 1);
    EXPECT_EQ(hub_source(uuids[0]), "code");
    // A value the hub does not know is refused by its CHECK, as invalid.
    auto bad = kiosk.ledger->dropoffs().record(sample_dropoff(session, "SN-bad-source"));
    ASSERT_TRUE(bad.ok());
    RawDb(kiosk.ledger_file)
        .exec("UPDATE outbox SET payload = json_set(payload, '$.expiry_source', 'guess') WHERE entity_id = " +
              sql_literal(bad.value().uuid));
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().dead_lettered, 2);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_reason LIKE 'invalid:%expiry_source%'"), 1);
}

class StaffSyncTest : public SyncFixture {
  protected:
    // Five drop-offs for review; 0 and 1 approved and dispatched (quantities 2 and 3), 2 rejected,
    // 3 sent to disposal, 4 left pending.
    struct History {
        std::vector<storage::DropOffRecord> packs;
        std::vector<storage::ReviewAction> reviews;
        storage::Dispatch dispatch;
    };
    History make_history(TestKiosk& kiosk) {
        History history;
        auto user = kiosk.ledger->users().add("pharmacist1", "staff", "$argon2id$placeholder", "test");
        EXPECT_TRUE(user.ok()) << (user.ok() ? "" : user.error().message);
        const auto session = kiosk.ledger->dropoffs().begin_session().value().id;
        for (int i = 0; i < 5; ++i) {
            auto input = sample_dropoff(session, "SN-staff-" + std::to_string(i));
            input.decision = "review";
            input.reason = "unclassified";
            input.quantity = i + 1;
            auto recorded = kiosk.ledger->dropoffs().record(input);
            EXPECT_TRUE(recorded.ok()) << recorded.error().message;
            history.packs.push_back(recorded.value());
        }
        const char* actions[] = {"approve", "approve", "reject", "dispose"};
        for (int i = 0; i < 4; ++i) {
            auto review =
                kiosk.ledger->staff().record_review(history.packs[i].uuid, user.value().id, actions[i], "");
            EXPECT_TRUE(review.ok()) << review.error().message;
            history.reviews.push_back(review.value());
        }
        auto dispatch = kiosk.ledger->staff().record_dispatch(
            "Village clinic 5", user.value().id, {{history.packs[0].uuid, 1}, {history.packs[1].uuid, 2}});
        EXPECT_TRUE(dispatch.ok()) << dispatch.error().message;
        history.dispatch = dispatch.value();
        return history;
    }
};

TEST_F(StaffSyncTest, ReviewsAndDispatchesReachTheHubOnceAndResyncChangesNothing) {
    auto kiosk = make_kiosk("staff");
    const auto history = make_history(kiosk);
    EXPECT_EQ(kiosk.backlog(), 10);  // 5 drop-offs, 4 reviews, 1 dispatch
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    expect_agreement(kiosk);
    EXPECT_EQ(worker->progress().inserted, 11);  // + the session
    EXPECT_EQ(worker->progress().dead_lettered, 0);

    const std::string mine = " WHERE kiosk_id = " + sql_literal(kiosk.id);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.review_action" + mine), 4);
    for (const auto& review : history.reviews) {
        EXPECT_EQ(pg.scalar(database, "SELECT action || ' ' || dropoff_uuid || CASE WHEN acted_at = " +
                                          sql_literal(review.at) +
                                          "::timestamptz THEN ' same time' ELSE ' other time' END "
                                          "FROM hub.review_action WHERE uuid = " +
                                          sql_literal(review.uuid)),
                  review.action + " " + review.dropoff_uuid + " same time");
    }
    EXPECT_EQ(pg.scalar(database, "SELECT clinic || ' ' || item_count FROM hub.dispatch WHERE uuid = " +
                                      sql_literal(history.dispatch.uuid)),
              "Village clinic 5 2");
    EXPECT_EQ(hub_int("SELECT sum(quantity) FROM hub.dispatch_item" + mine +
                      " AND dispatch_uuid = " + sql_literal(history.dispatch.uuid)),
              3);
    EXPECT_EQ(hub_int("SELECT quantity FROM hub.dispatch_item WHERE dropoff_uuid = " +
                      sql_literal(history.packs[1].uuid)),
              2);

    // Sent again (a restored backup): every record is a duplicate and the hub's tables do not change.
    const auto before = hub_int(
        "SELECT (SELECT count(*) FROM hub.ingest_record) * 1000000 + "
        "(SELECT count(*) FROM hub.review_action) * 1000 + (SELECT count(*) FROM hub.dispatch_item)");
    RawDb(kiosk.ledger_file).exec("UPDATE outbox SET acked_at = NULL");
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().duplicates, 10);
    EXPECT_EQ(worker->progress().inserted, 11);
    EXPECT_EQ(
        hub_int("SELECT (SELECT count(*) FROM hub.ingest_record) * 1000000 + "
                "(SELECT count(*) FROM hub.review_action) * 1000 + (SELECT count(*) FROM hub.dispatch_item)"),
        before);
    expect_agreement(kiosk);

    // The public report counts the dispatched packs per clinic, and the receipt shows each item's outcome.
    const std::string today = pg.scalar(database, "SELECT current_date::text");
    auto csv =
        run_ctl({"report", "--from", "2020-01-01", "--to", today, "--hub", pg.admin_conninfo(database)});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_NE(csv.out.find("dispatch_clinic,Village clinic 5,1,,,3"), std::string::npos) << csv.out;
    const std::string code = RawDb(kiosk.ledger_file, true).text("SELECT receipt_code FROM donation_session");
    auto receipt = run_ctl({"report", "--receipt", code, "--hub", pg.admin_conninfo(database)});
    ASSERT_EQ(receipt.exit_code, 0) << receipt.err;
    for (const char* state :
         {"dispatched to", "refused by a pharmacist", "sent to disposal", "awaiting review"})
        EXPECT_NE(receipt.out.find(state), std::string::npos) << state << " in\n" << receipt.out;
    EXPECT_EQ(std::count(receipt.out.begin(), receipt.out.end(), '\n'), 5) << receipt.out;
}

// The bureau's numbers are the final ones: a pharmacist's approve, reject or dispose replaces the
// kiosk's "review", and a re-classification moves the pack to its new category.
TEST_F(StaffSyncTest, ThePublicReportCountsThePharmacistsOutcomeAndTheNewCategory) {
    auto kiosk = make_kiosk("staffreport");
    storage::CatalogueEntry cough;
    cough.product_id = "06900000000021";
    cough.name_en = "Cough syrup";
    cough.name_zh = "止咳糖浆";
    cough.form = "syrup";
    cough.category = "cough";
    ASSERT_TRUE(kiosk.ledger->reference().replace_catalogue({cough}, "test").ok());
    const auto history = make_history(kiosk);
    // Pack 4 (still pending, quantity 5) is re-classified as cough medicine.
    auto reclassified = kiosk.ledger->staff().record_reclassify(history.packs[4].uuid,
                                                                history.reviews[0].user_id, "cough", "");
    ASSERT_TRUE(reclassified.ok()) << reclassified.error().message;
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_EQ(worker->progress().dead_lettered, 0);
    EXPECT_EQ(pg.scalar(database, "SELECT category FROM hub.review_action WHERE action = 'reclassify'"),
              "cough");

    const std::string today = pg.scalar(database, "SELECT current_date::text");
    auto csv =
        run_ctl({"report", "--from", "2020-01-01", "--to", today, "--hub", pg.admin_conninfo(database)});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    // section,key,accepted,refused,review,packs, all in boxes: packs 0 and 1 (1 + 2 boxes) approved,
    // 2 rejected and 3 disposed (3 + 4 boxes), 4 (5 boxes) awaiting review.
    EXPECT_NE(csv.out.find("category,unclassified,3,7,0,10\n"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find("category,cough,0,0,5,5\n"), std::string::npos) << csv.out;
    // What the kiosk decided at the counter is still there for the bureau's own checks.
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.report_dropoff WHERE kiosk_decision = 'review'"), 5);
}

TEST_F(StaffSyncTest, AChangedReviewOrDispatchUnderTheSameUuidIsAMismatchAndDeadLettered) {
    auto kiosk = make_kiosk("staffmm");
    const auto history = make_history(kiosk);
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;

    RawDb(kiosk.ledger_file)
        .exec(
            "UPDATE outbox SET acked_at = NULL, payload = json_set(payload, '$.action', 'dispose') "
            "WHERE entity_id = " +
            sql_literal(history.reviews[2].uuid) +
            ";"
            "UPDATE outbox SET acked_at = NULL, payload = json_set(payload, '$.clinic', 'Elsewhere') "
            "WHERE entity_id = " +
            sql_literal(history.dispatch.uuid));
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_EQ(worker->progress().dead_lettered, 2);
    EXPECT_EQ(kiosk.backlog(), 0) << "dead letters never block the queue";
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_reason = 'mismatch' AND entity IN "
                          "('review_action', 'dispatch')"),
              2);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM audit_log WHERE action = 'sync-dead-letter' AND entity IN "
                          "('review_action', 'dispatch')"),
              2);
    EXPECT_TRUE(kiosk.ledger->audit().verify().value().ok());
    // The hub keeps what it first received.
    EXPECT_EQ(pg.scalar(database, "SELECT action FROM hub.review_action WHERE uuid = " +
                                      sql_literal(history.reviews[2].uuid)),
              "reject");
    EXPECT_EQ(pg.scalar(database,
                        "SELECT clinic FROM hub.dispatch WHERE uuid = " + sql_literal(history.dispatch.uuid)),
              "Village clinic 5");

    // A review whose payload uuid is not its record id is invalid, never stored under either id.
    auto user = kiosk.ledger->users().find("pharmacist1").value().value();
    auto review = kiosk.ledger->staff().record_review(history.packs[4].uuid, user.id, "approve", "");
    ASSERT_TRUE(review.ok());
    RawDb(kiosk.ledger_file)
        .exec(
            "UPDATE outbox SET payload = json_set(payload, '$.uuid', '99999999-9999-4999-8999-999999999999') "
            "WHERE entity_id = " +
            sql_literal(review.value().uuid));
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().dead_lettered, 3);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_reason LIKE 'invalid:%uuid%'"), 1);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.review_action WHERE dropoff_uuid = " +
                      sql_literal(history.packs[4].uuid)),
              0);
}

TEST_F(SyncFixture, TheHeartbeatCarriesDecodeStatisticsAndTheAuditHead) {
    auto kiosk = make_kiosk("beat");
    kiosk.record(3);
    auto options = options_for(kiosk);
    std::atomic<int> calls{0};
    options.decode_stats = [&calls] {
        ++calls;
        return storage::DecodeStats{1200, 340, 7, 18.5, 29.9, "video:demo.mp4", ""};
    };
    auto worker = worker_with(options);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_GE(calls.load(), 1);

    const std::string mine = " FROM hub.heartbeat WHERE kiosk_id = " + sql_literal(kiosk.id);
    EXPECT_EQ(
        pg.scalar(database,
                  "SELECT decode_stats->>'frames' || ' ' || (decode_stats->>'decoded_frames') || ' ' || "
                  "(decode_stats->>'confirmed') || ' ' || (decode_stats->>'last_decode_ms') || ' ' || "
                  "(decode_stats->>'source')" +
                      mine),
        "1200 340 7 18.5 video:demo.mp4");
    // The head the hub got is the ledger's head when the heartbeat went out: the ledger's instance and
    // three drop-offs, four rows.
    RawDb raw(kiosk.ledger_file, true);
    const std::string head = raw.text("SELECT seq || ':' || hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    ASSERT_FALSE(head.empty());
    EXPECT_EQ(head.substr(0, 2), "4:");
    EXPECT_EQ(pg.scalar(database, "SELECT audit_head" + mine), head);

    // Without a camera (medkioskctl sync run) the heartbeat goes without decode statistics.
    auto plain = make_kiosk("beatplain");
    ASSERT_TRUE(worker_for(plain)->run_round().ok());
    // (Its audit log holds one row: the ledger's instance, made when the ledger was.)
    EXPECT_EQ(
        pg.scalar(
            database,
            "SELECT coalesce(decode_stats::text, 'none') || ' ' || coalesce(left(audit_head, 2), 'none') "
            "FROM hub.heartbeat WHERE kiosk_id = " +
                sql_literal(plain.id)),
        "none 1:");
}

}  // namespace
}  // namespace medkiosk::test
