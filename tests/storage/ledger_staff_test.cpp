// The staff screens' queries: queue filters in SQL, categories, re-classification (atomic with its
// review, outbox and audit rows), dispatch candidates earliest expiry first, clinics, chart counts.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using testing::RawDb;
using testing::sample_dropoff;

CatalogueEntry product(std::string id, std::string en, std::string category) {
    CatalogueEntry entry;
    entry.product_id = std::move(id);
    entry.name_zh = "药" + en;
    entry.name_en = std::move(en);
    entry.form = "tablet";
    entry.category = std::move(category);
    return entry;
}

class LedgerStaffTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ledger = open_ok();
        ASSERT_TRUE(ledger);
        ASSERT_TRUE(ledger->reference()
                        .replace_catalogue({product("06900000000014", "Paracetamol", "fever"),
                                            product("06900000000069", "Dextromethorphan", "cough")},
                                           "test")
                        .ok());
        staff_id = ledger->users().add("wang", "staff", "$argon2id$placeholder", "test").value().id;
        session = ledger->dropoffs().begin_session().value().id;
    }
    fs::path ledger_path() const { return dir_.path() / "ledger.db"; }
    std::unique_ptr<Ledger> open_ok() {
        auto opened =
            Ledger::open(ledger_path(), LedgerOptions{"kiosk-test-staff", dir_.path() / "county.key"});
        EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
        return opened.ok() ? std::move(opened).value() : nullptr;
    }
    std::string record(const std::string& gtin, const std::string& expiry, const std::string& decision,
                       const std::string& category, int quantity = 1) {
        DropOffInput input = sample_dropoff(session, "S" + std::to_string(++serial));
        input.gtin = gtin;
        input.expiry = expiry;
        input.expiry_precision = expiry.empty() ? "" : "day";
        input.expiry_source = expiry.empty() ? "" : "code";
        input.decision = decision;
        input.reason = decision == "refuse" ? "expired" : "ok";
        input.category = category;
        input.quantity = quantity;
        auto recorded = ledger->dropoffs().record(input);
        EXPECT_TRUE(recorded.ok()) << recorded.error().message;
        return recorded.value().uuid;
    }
    // Moves a drop-off's time, as if recorded `days_ago` local days before today.
    void age(const std::string& uuid, int days_ago) {
        RawDb raw(ledger_path());
        raw.exec(
            "UPDATE dropoff SET recorded_at = strftime('%Y-%m-%dT12:00:00.000Z', 'now', 'localtime', '-" +
            std::to_string(days_ago) + " days') WHERE uuid = '" + uuid + "'");
    }
    static std::vector<std::string> uuids(const Result<std::vector<StaffQueueRow>>& rows) {
        EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
        std::vector<std::string> out;
        if (rows.ok())
            for (const auto& row : rows.value()) out.push_back(row.dropoff.uuid);
        return out;
    }
    std::string local_day(int days_ago) {
        RawDb raw(ledger_path());
        return raw.text("SELECT date('now', 'localtime', '-" + std::to_string(days_ago) + " days')");
    }

    medkiosk::test::TempDir dir_;
    std::unique_ptr<Ledger> ledger;
    std::int64_t staff_id = 0;
    std::int64_t session = 0;
    int serial = 0;
};

TEST_F(LedgerStaffTest, TheQueueFiltersByStateDecisionCategoryAndDayInSql) {
    const std::string fever = record("06900000000014", "2028-01-31", "accept", "fever");
    const std::string unknown = record("06911111111111", "2027-05-31", "review", "");
    const std::string cough = record("06900000000069", "2027-09-30", "accept", "cough");
    const std::string refused = record("06900000000014", "2020-01-31", "refuse", "fever");
    age(cough, 10);
    ASSERT_TRUE(ledger->staff().record_review(fever, staff_id, "approve", "").ok());

    StaffQueueQuery pending;  // the default: the pharmacist's queue
    EXPECT_EQ(uuids(ledger->staff().queue(pending)), (std::vector<std::string>{unknown, cough}))
        << "pending, kiosk refusals left out, oldest recorded first";
    StaffQueueQuery approved;
    approved.review_state = "approved";
    const auto approved_rows = ledger->staff().queue(approved);
    ASSERT_EQ(uuids(approved_rows), std::vector<std::string>{fever});
    EXPECT_EQ(approved_rows.value()[0].name_en, "Paracetamol") << "names come from the catalogue";
    EXPECT_EQ(approved_rows.value()[0].dropoff.category, "fever");

    StaffQueueQuery any;
    any.review_state = "";
    EXPECT_EQ(uuids(ledger->staff().queue(any)).size(), 4u);
    any.decision = "refuse";
    EXPECT_EQ(uuids(ledger->staff().queue(any)), std::vector<std::string>{refused});
    any.decision = "";
    any.category = "fever";
    EXPECT_EQ(uuids(ledger->staff().queue(any)), (std::vector<std::string>{refused, fever}))
        << "history: newest first";
    any.category = kNoCategory;
    const auto none = ledger->staff().queue(any);
    ASSERT_EQ(uuids(none), std::vector<std::string>{unknown});
    EXPECT_EQ(none.value()[0].name_en, "") << "an unknown product has no name";
    any.category = "";
    any.since_local_date = local_day(6);
    EXPECT_EQ(uuids(ledger->staff().queue(any)).size(), 3u) << "the cough pack is 10 days old";
    any.since_local_date = local_day(29);
    EXPECT_EQ(uuids(ledger->staff().queue(any)).size(), 4u);
    any.limit = 1;
    EXPECT_EQ(uuids(ledger->staff().queue(any)).size(), 1u);

    StaffQueueQuery bad;
    bad.review_state = "lost";
    EXPECT_FALSE(ledger->staff().queue(bad).ok());
    bad.review_state = "";
    bad.since_local_date = "last week";
    const auto refused_query = ledger->staff().queue(bad);
    ASSERT_FALSE(refused_query.ok());
    EXPECT_NE(refused_query.error().message.find("YYYY-MM-DD"), std::string::npos);
    bad.since_local_date = "2026-01-01' OR 1=1 --";
    EXPECT_FALSE(ledger->staff().queue(bad).ok());
}

TEST_F(LedgerStaffTest, CategoriesAreTheCataloguesSorted) {
    EXPECT_EQ(ledger->reference().categories().value(), (std::vector<std::string>{"cough", "fever"}));
}

TEST_F(LedgerStaffTest, ReclassifyWritesCategoryReviewOutboxAndAuditTogether) {
    const std::string unknown = record("06911111111111", "2027-05-31", "review", "");
    const auto before_outbox = RawDb(ledger_path()).integer("SELECT COUNT(*) FROM outbox");
    const auto before_audit = ledger->audit().rows().value().size();

    auto changed = ledger->staff().record_reclassify(unknown, staff_id, "cough", "syrup, not a tablet");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(changed.value().from_category, "");
    EXPECT_EQ(changed.value().to_category, "cough");
    RawDb raw(ledger_path());
    EXPECT_EQ(raw.text("SELECT category FROM dropoff WHERE uuid = '" + unknown + "'"), "cough");
    EXPECT_EQ(raw.text("SELECT review_state FROM dropoff WHERE uuid = '" + unknown + "'"), "pending")
        << "re-classifying is not a confirmation";
    EXPECT_EQ(
        raw.text("SELECT action || ' ' || category || ' ' || note FROM review_action WHERE dropoff_uuid = '" +
                 unknown + "'"),
        "reclassify cough syrup, not a tablet");
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM outbox"), before_outbox + 1);
    const auto payload =
        nlohmann::json::parse(raw.text("SELECT payload FROM outbox ORDER BY id DESC LIMIT 1"));
    EXPECT_EQ(payload["action"], "reclassify");
    EXPECT_EQ(payload["category"], "cough");
    const auto audit = ledger->audit().rows().value();
    ASSERT_EQ(audit.size(), before_audit + 1);
    EXPECT_EQ(audit.back().action, "review-reclassify");
    EXPECT_EQ(audit.back().actor, "wang");
    EXPECT_EQ(audit.back().entity_id, unknown);
    EXPECT_TRUE(ledger->audit().verify().value().ok());

    // Refusals change nothing at all.
    const auto rows_now = raw.integer("SELECT COUNT(*) FROM review_action");
    EXPECT_FALSE(ledger->staff().record_reclassify(unknown, staff_id, "cough", "").ok()) << "already there";
    EXPECT_FALSE(ledger->staff().record_reclassify(unknown, staff_id, "psychotropic", "").ok())
        << "not in the catalogue";
    EXPECT_FALSE(ledger->staff().record_reclassify(unknown, 999, "fever", "").ok()) << "no such user";
    EXPECT_FALSE(ledger->staff().record_reclassify("no-such-uuid", staff_id, "fever", "").ok());
    ASSERT_TRUE(ledger->staff().record_review(unknown, staff_id, "dispose", "").ok());
    const auto disposed = ledger->staff().record_reclassify(unknown, staff_id, "fever", "");
    ASSERT_FALSE(disposed.ok());
    EXPECT_NE(disposed.error().message.find("disposed"), std::string::npos) << disposed.error().message;
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM review_action"), rows_now + 1)
        << "only the dispose row was added";
    EXPECT_EQ(raw.text("SELECT category FROM dropoff WHERE uuid = '" + unknown + "'"), "cough");
}

// A refusal taken back within its undo window was never stored (the kiosk holds it back): the undo
// writes only its audit row: no review row, no outbox row, the drop-off untouched.
TEST_F(LedgerStaffTest, AnUndoneRefusalIsOnlyAnAuditRow) {
    const std::string pending = record("06900000000014", "2027-05-31", "review", "fever");
    RawDb raw(ledger_path());
    const auto before_outbox = raw.integer("SELECT COUNT(*) FROM outbox");
    const auto before_audit = ledger->audit().rows().value().size();
    const std::string before_row = raw.text(
        "SELECT quote(review_state) || quote(category) || quote(quantity) "
        "FROM dropoff WHERE uuid = '" +
        pending + "'");

    const auto undone = ledger->staff().record_review_undone(pending, staff_id, "reject");
    ASSERT_TRUE(undone.ok()) << undone.error().message;
    EXPECT_EQ(raw.text("SELECT quote(review_state) || quote(category) || quote(quantity) FROM dropoff WHERE "
                       "uuid = '" +
                       pending + "'"),
              before_row);
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM review_action"), 0);
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM outbox"), before_outbox) << "the hub hears nothing";
    const auto audit = ledger->audit().rows().value();
    ASSERT_EQ(audit.size(), before_audit + 1);
    EXPECT_EQ(audit.back().action, "review-undone");
    EXPECT_EQ(audit.back().actor, "wang");
    EXPECT_EQ(audit.back().entity_id, pending);
    EXPECT_EQ(nlohmann::json::parse(audit.back().detail)["undone_action"], "reject");
    EXPECT_TRUE(ledger->audit().verify().value().ok());

    // Only for a refusal or disposal, by a known user, of a drop-off that exists and is still pending.
    EXPECT_FALSE(ledger->staff().record_review_undone(pending, staff_id, "approve").ok());
    EXPECT_FALSE(ledger->staff().record_review_undone(pending, 999, "reject").ok());
    EXPECT_FALSE(ledger->staff().record_review_undone("no-such-uuid", staff_id, "reject").ok());
    ASSERT_TRUE(ledger->staff().record_review(pending, staff_id, "dispose", "").ok());
    const auto late = ledger->staff().record_review_undone(pending, staff_id, "dispose");
    ASSERT_FALSE(late.ok());
    EXPECT_NE(late.error().message.find("already disposed"), std::string::npos) << late.error().message;
    EXPECT_EQ(ledger->audit().rows().value().size(), before_audit + 2)
        << "the undo and the disposal, no more";
}

TEST_F(LedgerStaffTest, ReclassifyRollsBackWhenItsAuditRowCannotBeWritten) {
    const std::string unknown = record("06911111111111", "2027-05-31", "review", "");
    {
        RawDb raw(ledger_path());
        // The audit row is the last write of the transaction: make it fail.
        raw.exec(
            "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk says "
            "no'); END;");
    }
    const auto failed = ledger->staff().record_reclassify(unknown, staff_id, "fever", "");
    ASSERT_FALSE(failed.ok());
    RawDb raw(ledger_path());
    EXPECT_EQ(raw.text("SELECT COALESCE(category, '') FROM dropoff WHERE uuid = '" + unknown + "'"), "");
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM review_action"), 0);
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM outbox WHERE entity = 'review_action'"), 0);
}

TEST_F(LedgerStaffTest, DispatchCandidatesComeEarliestExpiryFirstAndLeaveWhenDispatched) {
    const std::string late = record("06900000000014", "2029-03-31", "accept", "fever", 3);
    const std::string device = record("06922222222222", "", "accept", "device");
    const std::string soon = record("06900000000069", "2027-02-28", "accept", "cough");
    const std::string review = record("06911111111111", "2026-12-31", "review", "");
    const std::string middle = record("06900000000014", "2028-01-31", "review", "fever");
    record("06900000000014", "2020-01-31", "refuse", "fever");
    ASSERT_TRUE(ledger->staff().record_review(middle, staff_id, "approve", "").ok());

    EXPECT_EQ(uuids(ledger->staff().dispatch_candidates(50)),
              (std::vector<std::string>{soon, middle, late, device}))
        << "a pack still waiting for review is not offered; no expiry goes last";
    EXPECT_EQ(uuids(ledger->staff().dispatch_candidates(2)), (std::vector<std::string>{soon, middle}));

    ASSERT_TRUE(ledger->staff().record_dispatch("Xinan village clinic", staff_id, {{middle, 1}}).ok());
    RawDb raw(ledger_path());
    EXPECT_EQ(raw.text("SELECT review_state FROM dropoff WHERE uuid = '" + middle + "'"), "dispatched");
    EXPECT_EQ(raw.text("SELECT clinic FROM dispatch"), "Xinan village clinic");
    EXPECT_EQ(uuids(ledger->staff().dispatch_candidates(50)), (std::vector<std::string>{soon, late, device}));
    StaffQueueQuery dispatched;
    dispatched.review_state = "dispatched";
    EXPECT_EQ(uuids(ledger->staff().queue(dispatched)), std::vector<std::string>{middle});
    (void)review;
}

// A pack the kiosk accepted is confirmed by the dispatch itself, in its transaction: a dispatch that
// fails on another item leaves it unconfirmed, with no review, outbox or audit row of its own.
TEST_F(LedgerStaffTest, ADispatchConfirmsKioskAcceptedPacksAllOrNothing) {
    const std::string accepted = record("06900000000069", "2027-02-28", "accept", "cough", 2);
    const std::string waiting = record("06911111111111", "2026-12-31", "review", "");
    RawDb raw(ledger_path());
    const auto rows = [&] {
        return raw.integer(
            "SELECT (SELECT count(*) FROM review_action) * 10000 + (SELECT count(*) FROM outbox) * 100 + "
            "(SELECT count(*) FROM audit_log)");
    };
    const auto before = rows();
    EXPECT_FALSE(ledger->staff().record_dispatch("East clinic", staff_id, {{accepted, 2}}).ok())
        << "without the flag only a pharmacist's approval lets a pack leave";
    auto mixed =
        ledger->staff().record_dispatch("East clinic", staff_id, {{accepted, 2}, {waiting, 1}}, true);
    EXPECT_FALSE(mixed.ok()) << "a pack still waiting for review is not the kiosk's acceptance";
    EXPECT_EQ(rows(), before)
        << "nothing of the failed dispatch remains, not even the first item's confirmation";
    EXPECT_EQ(raw.text("SELECT review_state FROM dropoff WHERE uuid = '" + accepted + "'"), "pending");

    auto dispatched = ledger->staff().record_dispatch("East clinic", staff_id, {{accepted, 2}}, true);
    ASSERT_TRUE(dispatched.ok()) << dispatched.error().message;
    EXPECT_EQ(raw.text("SELECT review_state FROM dropoff WHERE uuid = '" + accepted + "'"), "dispatched");
    EXPECT_EQ(
        raw.text("SELECT action || ' ' || note FROM review_action WHERE dropoff_uuid = '" + accepted + "'"),
        "approve confirmed for dispatch");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM outbox WHERE entity IN ('review_action', 'dispatch')"), 2);
    EXPECT_TRUE(ledger->audit().verify().value().ok());
}

TEST_F(LedgerStaffTest, ClinicsUsedBeforeAreOfferedMostRecentFirst) {
    const std::string a = record("06900000000014", "2028-01-31", "accept", "fever");
    const std::string b = record("06900000000014", "2028-02-29", "accept", "fever");
    const std::string c = record("06900000000014", "2028-03-31", "accept", "fever");
    for (const auto& uuid : {a, b, c})
        ASSERT_TRUE(ledger->staff().record_review(uuid, staff_id, "approve", "").ok());
    EXPECT_TRUE(ledger->staff().recent_clinics(10).value().empty());
    ASSERT_TRUE(ledger->staff().record_dispatch("East clinic", staff_id, {{a, 1}}).ok());
    ASSERT_TRUE(ledger->staff().record_dispatch("West clinic", staff_id, {{b, 1}}).ok());
    ASSERT_TRUE(ledger->staff().record_dispatch("East clinic", staff_id, {{c, 1}}).ok());
    EXPECT_EQ(ledger->staff().recent_clinics(10).value(),
              (std::vector<std::string>{"East clinic", "West clinic"}));
    EXPECT_EQ(ledger->staff().recent_clinics(1).value(), std::vector<std::string>{"East clinic"});
}

TEST_F(LedgerStaffTest, ChartCountsByDayAndCategory) {
    const std::string today_accept = record("06900000000014", "2028-01-31", "accept", "fever");
    record("06900000000014", "2020-01-31", "refuse", "fever");
    const std::string old_cough = record("06900000000069", "2028-01-31", "accept", "cough");
    const std::string rejected = record("06900000000069", "2028-01-31", "review", "cough");
    record("06911111111111", "2028-01-31", "review", "");
    age(old_cough, 3);
    age(rejected, 3);
    ASSERT_TRUE(ledger->staff().record_review(rejected, staff_id, "reject", "").ok());
    (void)today_accept;

    const auto days = ledger->staff().dropoffs_by_day(local_day(4), local_day(0));
    ASSERT_TRUE(days.ok()) << days.error().message;
    ASSERT_EQ(days.value().size(), 5u) << "every day, also empty ones";
    EXPECT_EQ(days.value()[0].key, local_day(4));
    EXPECT_EQ(days.value()[0].accepted + days.value()[0].refused, 0);
    EXPECT_EQ(days.value()[1].key, local_day(3));
    EXPECT_EQ(days.value()[1].accepted, 1);
    EXPECT_EQ(days.value()[1].refused, 1) << "refused by the pharmacist";
    EXPECT_EQ(days.value()[4].accepted, 1) << "accepted by the kiosk";
    EXPECT_EQ(days.value()[4].awaiting, 1) << "sent to a pharmacist, not decided: not accepted yet";
    EXPECT_EQ(days.value()[4].refused, 1) << "refused by the kiosk";
    EXPECT_FALSE(ledger->staff().dropoffs_by_day(local_day(0), local_day(4)).ok()) << "first after last";
    EXPECT_FALSE(ledger->staff().dropoffs_by_day("yesterday", local_day(0)).ok());

    const auto all = ledger->staff().dropoffs_by_category("");
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(all.value().size(), 3u);
    EXPECT_EQ(all.value()[0].key, "cough");  // 2 packs, then by name
    EXPECT_EQ(all.value()[0].accepted, 1);
    EXPECT_EQ(all.value()[0].refused, 1);
    EXPECT_EQ(all.value()[1].key, "fever");
    EXPECT_EQ(all.value()[1].accepted, 1);
    EXPECT_EQ(all.value()[1].refused, 1);
    EXPECT_EQ(all.value()[2].key, "") << "no category";
    EXPECT_EQ(all.value()[2].accepted, 0);
    EXPECT_EQ(all.value()[2].awaiting, 1);
    const auto recent = ledger->staff().dropoffs_by_category(local_day(1));
    ASSERT_EQ(recent.value().size(), 2u) << "the cough packs are 3 days old";
    EXPECT_EQ(recent.value()[0].key, "fever");
}

TEST_F(LedgerStaffTest, ChartsCountBoxesAndKeepThoseAwaitingAPharmacistApartFromAccepted) {
    // The red team's donation: a pack of 2 boxes and one more, all three sent to a pharmacist.
    const std::string pair = record("06900000000014", "2028-01-31", "review", "fever", 2);
    const std::string single = record("06900000000069", "2028-01-31", "review", "fever");
    const auto today = [&] {
        const auto days = ledger->staff().dropoffs_by_day(local_day(0), local_day(0));
        EXPECT_TRUE(days.ok() && days.value().size() == 1u);
        return days.ok() && !days.value().empty() ? days.value().front() : DropOffCount{};
    };
    EXPECT_EQ(today().accepted, 0) << "nothing is accepted before the pharmacist decides";
    EXPECT_EQ(today().awaiting, 3) << "three boxes, not two drop-offs";
    EXPECT_EQ(today().refused, 0);

    ASSERT_TRUE(ledger->staff().record_review(pair, staff_id, "approve", "").ok());
    EXPECT_EQ(today().accepted, 2) << "accepted once the pharmacist approved it";
    EXPECT_EQ(today().awaiting, 1);
    ASSERT_TRUE(ledger->staff().record_review(single, staff_id, "reject", "").ok());
    EXPECT_EQ(today().awaiting, 0);
    EXPECT_EQ(today().refused, 1);

    record("06900000000014", "2020-01-31", "refuse", "cough", 3);
    const std::string kiosk_accepted = record("06900000000014", "2028-01-31", "accept", "cough", 2);
    EXPECT_EQ(today().refused, 4) << "3 boxes refused by the kiosk, 1 by the pharmacist";
    EXPECT_EQ(today().accepted, 4) << "2 approved, 2 accepted by the kiosk";
    ASSERT_TRUE(ledger->staff().record_dispatch("East clinic", staff_id, {{kiosk_accepted, 1}}, true).ok());
    EXPECT_EQ(today().accepted, 4) << "a dispatch does not change what was accepted";

    const auto categories = ledger->staff().dropoffs_by_category("");
    ASSERT_TRUE(categories.ok()) << categories.error().message;
    ASSERT_EQ(categories.value().size(), 2u);
    EXPECT_EQ(categories.value()[0].key, "cough") << "5 boxes before fever's 3: most boxes first";
    EXPECT_EQ(categories.value()[0].accepted, 2);
    EXPECT_EQ(categories.value()[0].refused, 3);
    EXPECT_EQ(categories.value()[1].key, "fever");
    EXPECT_EQ(categories.value()[1].accepted, 2);
    EXPECT_EQ(categories.value()[1].refused, 1);
    EXPECT_EQ(categories.value()[1].awaiting, 0);
}

TEST_F(LedgerStaffTest, TheQueueTellsHowManyBoxesOfADropOffWereDispatched) {
    const std::string pair = record("06900000000014", "2028-01-31", "accept", "fever", 2);
    ASSERT_TRUE(ledger->staff().record_review(pair, staff_id, "approve", "").ok());
    StaffQueueQuery approved;
    approved.review_state = "approved";
    const auto shown = [&](const StaffQueueQuery& query) {
        auto rows = ledger->staff().queue(query);
        EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
        return rows.ok() ? rows.value() : std::vector<StaffQueueRow>{};
    };
    ASSERT_EQ(shown(approved).size(), 1u);
    EXPECT_EQ(shown(approved)[0].dispatched, 0);

    ASSERT_TRUE(ledger->staff().record_dispatch("East clinic", staff_id, {{pair, 1}}).ok());
    ASSERT_EQ(shown(approved).size(), 1u) << "one box is still here";
    EXPECT_EQ(shown(approved)[0].dropoff.quantity, 2) << "as recorded";
    EXPECT_EQ(shown(approved)[0].dispatched, 1);
    const auto free = ledger->staff().dispatch_candidates(10);
    ASSERT_TRUE(free.ok());
    ASSERT_EQ(free.value().size(), 1u);
    EXPECT_EQ(free.value()[0].dropoff.quantity, 1) << "the rest is free to go";
    EXPECT_EQ(free.value()[0].dispatched, 1);
    EXPECT_FALSE(ledger->staff().record_dispatch("East clinic", staff_id, {{pair, 2}}).ok())
        << "never more than recorded";

    ASSERT_TRUE(ledger->staff().record_dispatch("West clinic", staff_id, {{pair, 1}}).ok());
    EXPECT_TRUE(shown(approved).empty());
    StaffQueueQuery dispatched;
    dispatched.review_state = "dispatched";
    ASSERT_EQ(shown(dispatched).size(), 1u);
    EXPECT_EQ(shown(dispatched)[0].dispatched, 2);
    EXPECT_TRUE(ledger->staff().dispatch_candidates(10).value().empty());
}

TEST_F(LedgerStaffTest, AnOlderLedgerGainsReclassificationAndKeepsItsReviews) {
    const std::string fever = record("06900000000014", "2028-01-31", "review", "fever");
    ASSERT_TRUE(ledger->staff().record_review(fever, staff_id, "approve", "ok").ok());
    ledger.reset();
    {
        // Back to the table as a kiosk of the previous release has it (version 11: the expiry source
        // column stays, the review table loses re-classification).
        RawDb raw(ledger_path());
        raw.exec(
            "CREATE TABLE ra10 (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, dropoff_uuid TEXT NOT "
            "NULL, "
            "user_id INTEGER NOT NULL, action TEXT NOT NULL CHECK (action IN ('approve', 'reject', "
            "'dispose')), "
            "note TEXT, at TEXT NOT NULL) STRICT;"
            "INSERT INTO ra10 SELECT id, uuid, dropoff_uuid, user_id, action, note, at FROM review_action;"
            "DROP TABLE review_action; ALTER TABLE ra10 RENAME TO review_action;"
            "DROP INDEX IF EXISTS dropoff_by_recorded_at;" +
            std::string(testing::kUndoSchemaVersion30) + "PRAGMA user_version = 11;");
    }
    ledger = open_ok();
    ASSERT_TRUE(ledger);
    RawDb raw(ledger_path());
    EXPECT_EQ(raw.integer("PRAGMA user_version"), Ledger::kSchemaVersion);
    EXPECT_EQ(raw.text("SELECT action || ' ' || note FROM review_action"), "approve ok");
    ASSERT_TRUE(ledger->staff().record_reclassify(fever, staff_id, "cough", "").ok());
    EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM review_action"), 2);
}

}  // namespace
}  // namespace medkiosk::storage
