// Schema upgrade from version 1, the audit chain and its verification, staff actions with their outbox
// and audit rows, reference data (catalogue all-or-nothing, recalls, drives, settings).

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

class LedgerAdminTest : public ::testing::Test {
  protected:
    fs::path ledger_path() const { return dir_.path() / "ledger.db"; }
    LedgerOptions options() const { return LedgerOptions{"kiosk-test-02", dir_.path() / "county.key"}; }
    std::unique_ptr<Ledger> open_ok() {
        auto ledger = Ledger::open(ledger_path(), options());
        EXPECT_TRUE(ledger.ok()) << (ledger.ok() ? "" : ledger.error().message);
        return ledger.ok() ? std::move(ledger).value() : nullptr;
    }
    std::int64_t add_staff(Ledger& ledger, const std::string& login) {
        auto user = ledger.add_user(login, "staff", "$argon2id$placeholder", "test");
        EXPECT_TRUE(user.ok()) << (user.ok() ? "" : user.error().message);
        return user.ok() ? user.value().id : 0;
    }
    // Opens the file behind the ledger's back with the append-only triggers removed, as a tamperer would.
    void tamper(const std::string& sql) {
        RawDb raw(ledger_path());
        raw.exec("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;");
        raw.exec(sql);
    }
    AuditReport verify() {
        auto ledger = open_ok();
        auto report = ledger->verify_audit();
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.value();
    }
    void make_history() {
        auto ledger = open_ok();
        const auto session = ledger->begin_session().value().id;
        for (int i = 0; i < 4; ++i)
            ASSERT_TRUE(
                ledger->record_dropoff(sample_dropoff(session, std::string("S") + std::to_string(i))).ok());
        ASSERT_TRUE(ledger->set_setting("kiosk.location", "Pharmacy 3", "tech").ok());
    }

    medkiosk::test::TempDir dir_;
};

// The version 1 schema exactly as it shipped.
constexpr const char* kVersion1Schema = R"sql(
    CREATE TABLE donation_session (id INTEGER PRIMARY KEY, receipt_code TEXT NOT NULL UNIQUE, started_at TEXT NOT NULL) STRICT;
    CREATE TABLE dropoff (
        uuid TEXT PRIMARY KEY NOT NULL, session_id INTEGER NOT NULL REFERENCES donation_session(id),
        kiosk_id TEXT NOT NULL, recorded_at TEXT NOT NULL, sequence INTEGER NOT NULL UNIQUE, scheme TEXT NOT NULL,
        gtin TEXT, product_id TEXT, batch TEXT, expiry TEXT,
        expiry_precision TEXT CHECK (expiry_precision IN ('day', 'month')), serial_hash TEXT,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        condition TEXT NOT NULL CHECK (condition IN ('sealed', 'opened-usable')),
        decision TEXT NOT NULL CHECK (decision IN ('accept', 'refuse', 'review')),
        reason TEXT NOT NULL, review_state TEXT NOT NULL DEFAULT 'pending') STRICT;
    CREATE INDEX dropoff_by_session ON dropoff(session_id);
    CREATE INDEX dropoff_by_serial_hash ON dropoff(serial_hash) WHERE serial_hash IS NOT NULL;
    CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
        payload TEXT NOT NULL, created_at TEXT NOT NULL, acked_at TEXT) STRICT;
    CREATE INDEX outbox_pending ON outbox(id) WHERE acked_at IS NULL;
    CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
    PRAGMA application_id = 1296780359;
    PRAGMA user_version = 1;
    INSERT INTO donation_session VALUES (1, 'AAAA-BBBB-CCCC', '2026-11-01T10:00:00.000Z');
    INSERT INTO dropoff (uuid, session_id, kiosk_id, recorded_at, sequence, scheme, gtin, quantity, condition,
                         decision, reason)
        VALUES ('11111111-1111-4111-8111-111111111111', 1, 'k1', '2026-11-01T10:00:01.000Z', 1, 'gs1',
                '06901234567892', 1, 'sealed', 'accept', 'ok');
    INSERT INTO outbox (entity, entity_id, payload, created_at)
        VALUES ('dropoff', '11111111-1111-4111-8111-111111111111', '{}', '2026-11-01T10:00:01.000Z');
)sql";

TEST_F(LedgerAdminTest, AVersion1LedgerIsUpgradedKeepingItsRecords) {
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(ledger_path().c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, kVersion1Schema, nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(db);
        sqlite3_close(db);
    }
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    EXPECT_EQ(ledger->summary().value().schema_version, Ledger::kSchemaVersion);
    auto old = ledger->recent_dropoffs(10);
    ASSERT_TRUE(old.ok()) << old.error().message;
    ASSERT_EQ(old.value().size(), 1u);
    EXPECT_EQ(old.value()[0].uuid, "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(old.value()[0].category, "");
    // New records continue the sequence and land in the new tables.
    auto record = ledger->record_dropoff(sample_dropoff(1, "after-upgrade"));
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(record.value().sequence, 2);
    EXPECT_EQ(ledger->integrity_check().value(), "ok");
    EXPECT_TRUE(ledger->verify_audit().value().ok());
}

TEST_F(LedgerAdminTest, EveryDropOffHasOneAuditRowAndTheChainVerifies) {
    make_history();
    const auto report = verify();
    EXPECT_TRUE(report.ok()) << report.problems.front();
    EXPECT_EQ(report.rows, 6);  // the ledger's instance, four drop-offs and one more change
    RawDb raw(ledger_path(), true);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff d JOIN audit_log a ON a.entity_id = d.uuid"), 4);
}

TEST_F(LedgerAdminTest, TheAuditLogRefusesUpdatesAndDeletesThroughSql) {
    make_history();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(ledger_path().c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 1", nullptr, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    EXPECT_TRUE(verify().ok());
}

TEST_F(LedgerAdminTest, VerifyFindsAChangedRow) {
    make_history();
    tamper("UPDATE audit_log SET detail = '{\"decision\":\"refuse\"}' WHERE seq = 2");
    const auto report = verify();
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.problems.front().find("audit row 2"), std::string::npos) << report.problems.front();
    EXPECT_NE(report.problems.front().find("changed"), std::string::npos) << report.problems.front();
}

TEST_F(LedgerAdminTest, VerifyFindsARemovedRow) {
    make_history();
    tamper("DELETE FROM audit_log WHERE seq = 3");
    const auto report = verify();
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.problems.front().find("removed"), std::string::npos) << report.problems.front();
}

TEST_F(LedgerAdminTest, VerifyFindsReorderedRows) {
    make_history();
    // Swap the content of rows 2 and 3, hashes included: each row is self-consistent, the chain is not.
    tamper(R"sql(
        CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (2, 3);
        UPDATE audit_log SET (at, actor, action, entity, entity_id, detail, prev_hash, hash) =
            (SELECT at, actor, action, entity, entity_id, detail, prev_hash, hash FROM swap
             WHERE swap.seq = 5 - audit_log.seq) WHERE seq IN (2, 3);
    )sql");
    const auto report = verify();
    ASSERT_FALSE(report.ok());
    bool order_reported = false;
    for (const auto& problem : report.problems)
        order_reported |= problem.find("reordered") != std::string::npos;
    EXPECT_TRUE(order_reported);
}

TEST_F(LedgerAdminTest, VerifyFindsTheLastRowCutOff) {
    make_history();
    tamper("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)");
    const auto report = verify();
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.problems.back().find("last row"), std::string::npos) << report.problems.back();
}

TEST_F(LedgerAdminTest, AReviewCommitsWithItsOutboxAndAuditRows) {
    auto ledger = open_ok();
    const auto staff = add_staff(*ledger, "pharmacist1");
    const auto session = ledger->begin_session().value().id;
    auto pack = sample_dropoff(session, "R1");
    pack.decision = "review";
    pack.reason = "unclassified";
    const auto record = ledger->record_dropoff(pack).value();
    auto refused = sample_dropoff(session, "R2");
    refused.decision = "refuse";
    refused.reason = "expired";
    ASSERT_TRUE(ledger->record_dropoff(refused).ok());

    auto queue = ledger->review_queue(10);
    ASSERT_TRUE(queue.ok());
    ASSERT_EQ(queue.value().size(), 1u) << "refused packs never reach the pharmacist";
    EXPECT_EQ(queue.value()[0].uuid, record.uuid);

    auto review = ledger->record_review(record.uuid, staff, "approve", "checked box");
    ASSERT_TRUE(review.ok()) << review.error().message;
    EXPECT_TRUE(ledger->review_queue(10).value().empty());
    // A second review of the same pack is refused and changes nothing.
    EXPECT_FALSE(ledger->record_review(record.uuid, staff, "reject", "").ok());
    EXPECT_FALSE(ledger->record_review(record.uuid, staff, "eat", "").ok());

    RawDb raw(ledger_path(), true);
    EXPECT_EQ(raw.text(std::string("SELECT review_state FROM dropoff WHERE uuid = '") + record.uuid + "'"),
              "approved");
    EXPECT_EQ(
        raw.integer(
            std::string("SELECT count(*) FROM outbox WHERE entity = 'review_action' AND entity_id = '") +
            review.value().uuid + "'"),
        1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM audit_log WHERE action = 'review-approve'"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM review_action"), 1);

    auto dispatch = ledger->record_dispatch("Village clinic 7", staff, {{record.uuid, 1}});
    ASSERT_TRUE(dispatch.ok()) << dispatch.error().message;
    EXPECT_EQ(raw.text(std::string("SELECT review_state FROM dropoff WHERE uuid = '") + record.uuid + "'"),
              "dispatched");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM outbox WHERE entity = 'dispatch'"), 1);
    // Only approved packs leave; a dispatch with one bad item writes nothing.
    auto again = ledger->record_dispatch("Village clinic 7", staff, {{record.uuid, 1}});
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dispatch"), 1);
    EXPECT_TRUE(ledger->verify_audit().value().ok());
}

TEST_F(LedgerAdminTest, CatalogueImportIsAllOrNothing) {
    auto ledger = open_ok();
    CatalogueEntry paracetamol{"06900000000014", "对乙酰氨基酚片", "Paracetamol",
                               "tablet",         "500 mg",         "fever"};
    CatalogueEntry thermometer{"06900000000120", "电子体温计", "Thermometer", "device", "", "device"};
    thermometer.device = true;
    ASSERT_TRUE(ledger->replace_catalogue({paracetamol, thermometer}, "test").ok());
    auto found = ledger->find_product("06900000000120");
    ASSERT_TRUE(found.ok() && found.value().has_value());
    EXPECT_EQ(*found.value(), thermometer);

    CatalogueEntry other{"06900000000021", "布洛芬", "Ibuprofen", "capsule", "", "fever"};
    // The duplicate key fails inside the transaction: the old catalogue stays whole.
    const auto failed = ledger->replace_catalogue({other, paracetamol, paracetamol}, "test");
    EXPECT_FALSE(failed.ok());
    const auto entries = ledger->catalogue().value();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], paracetamol);
    EXPECT_FALSE(ledger->find_product("06900000000021").value().has_value());
}

TEST_F(LedgerAdminTest, RecallsDrivesAndSettingsAreStoredAndAudited) {
    auto ledger = open_ok();
    ASSERT_TRUE(ledger->add_recall({"06900000000014", "B1", "contaminated"}, "tech").ok());
    EXPECT_TRUE(ledger->is_recalled("06900000000014", "B1").value());
    EXPECT_FALSE(ledger->is_recalled("06900000000014", "B2").value());
    EXPECT_FALSE(ledger->add_recall({"", "B1", ""}, "tech").ok());

    Drive winter{
        0, "winter", "2026-11-01", "2027-02-28", {"fever", "cough"}, R"({"minimum_shelf_life_days":180})"};
    auto added = ledger->add_drive(winter, "tech");
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_TRUE(ledger->active_drive("2027-02-28").value().has_value());
    EXPECT_FALSE(ledger->active_drive("2027-03-01").value().has_value());
    const auto active = *ledger->active_drive("2026-11-29").value();
    EXPECT_EQ(active.accepted_categories, (std::vector<std::string>{"fever", "cough"}));
    Drive backwards{0, "bad", "2027-01-01", "2026-01-01", {}, "{}"};
    EXPECT_FALSE(ledger->add_drive(backwards, "tech").ok());
    Drive bad_rules{0, "bad", "2026-01-01", "2026-02-01", {}, "[1]"};
    EXPECT_FALSE(ledger->add_drive(bad_rules, "tech").ok());

    ASSERT_TRUE(ledger->set_setting("policy.rules", "{}", "tech").ok());
    EXPECT_EQ(*ledger->setting("policy.rules").value(), "{}");
    EXPECT_FALSE(ledger->set_setting("audit.head_seq", "1", "tech").ok())
        << "the audit head is not a setting";
    EXPECT_TRUE(ledger->verify_audit().value().ok());
    EXPECT_EQ(ledger->verify_audit().value().rows, 4);  // the ledger's instance and three changes
}

TEST_F(LedgerAdminTest, UsersAreUniqueAndCarryTheirLoginState) {
    auto ledger = open_ok();
    add_staff(*ledger, "anna");
    EXPECT_FALSE(ledger->add_user("anna", "staff", "h", "t").ok());
    EXPECT_FALSE(ledger->add_user("bob", "admin", "h", "t").ok());
    auto anna = *ledger->find_user("anna").value();
    anna.failed_attempts = 6;
    anna.locked = true;
    anna.last_failure_at = "2026-11-29T05:00:00.000Z";
    ASSERT_TRUE(ledger->update_login_state(anna, "lock", "anna").ok());
    EXPECT_TRUE(ledger->find_user("anna").value()->locked);
    ASSERT_TRUE(ledger->set_pin_hash("anna", "$new", "tech").ok());
    const auto reset = *ledger->find_user("anna").value();
    EXPECT_FALSE(reset.locked);
    EXPECT_EQ(reset.failed_attempts, 0);
    EXPECT_EQ(reset.pin_hash, "$new");
    EXPECT_FALSE(ledger->set_pin_hash("nobody", "$x", "tech").ok());
}

TEST_F(LedgerAdminTest, DuplicateSerialsAreFoundByTheirHash) {
    auto ledger = open_ok();
    const auto session = ledger->begin_session().value().id;
    EXPECT_FALSE(ledger->serial_recorded("SER-1").value());
    ASSERT_TRUE(ledger->record_dropoff(sample_dropoff(session, "SER-1")).ok());
    EXPECT_TRUE(ledger->serial_recorded("SER-1").value());
    EXPECT_FALSE(ledger->serial_recorded("SER-2").value());
    EXPECT_FALSE(ledger->serial_recorded("").value());
}

}  // namespace
}  // namespace medkiosk::storage
