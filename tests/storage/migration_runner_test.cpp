// The migration runner applies every registered migration above the file's version, in ascending
// order, whatever gaps lie between versions (the ledger owns 2..9, hub sync 10 and up).

#include <gtest/gtest.h>

#include <vector>

#include "../../storage/src/migrations.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage::detail {
namespace {

std::vector<int>* g_applied = nullptr;

template <int Version>
Result<void> record_version(Database& db) {
    g_applied->push_back(Version);
    const std::string sql = "CREATE TABLE t" + std::to_string(Version) + " (x INTEGER) STRICT";
    return db.exec(sql.c_str(), "test migration");
}

Result<void> failing(Database&) {
    return Error{ErrorCode::Internal, "migration 11 failed"};
}

TEST(MigrationRunner, AppliesEveryVersionAboveTheFilesInOrderAcrossGaps) {
    medkiosk::test::TempDir dir;
    auto db = Database::open(dir.path() / "m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
    std::vector<int> applied;
    g_applied = &applied;
    const Migration list[] = {
        {1, "one", &record_version<1>}, {2, "two", &record_version<2>}, {10, "ten", &record_version<10>}};
    ASSERT_TRUE(apply_migrations(*db, 0, list).ok());
    EXPECT_EQ(applied, (std::vector<int>{1, 2, 10}));
    EXPECT_EQ(db->query_int64("PRAGMA user_version", "test").value(), 10);

    // A file at version 2 gets only 10; one at 10 gets nothing.
    applied.clear();
    auto db2 = Database::open(dir.path() / "m2.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
    ASSERT_TRUE(apply_migrations(*db2, 2, list).ok());
    EXPECT_EQ(applied, (std::vector<int>{10}));
    applied.clear();
    ASSERT_TRUE(apply_migrations(*db2, 10, list).ok());
    EXPECT_TRUE(applied.empty());

    // A failing migration stops the run and leaves the version at the last one applied.
    applied.clear();
    auto db3 = Database::open(dir.path() / "m3.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
    const Migration broken[] = {{2, "two", &record_version<2>}, {11, "eleven", &failing}};
    EXPECT_FALSE(apply_migrations(*db3, 0, broken).ok());
    EXPECT_EQ(db3->query_int64("PRAGMA user_version", "test").value(), 2);
    g_applied = nullptr;
}

TEST(MigrationRunner, TheRegisteredMigrationsAscendAndEndAtTheSchemaVersion) {
    const auto list = migrations();
    ASSERT_FALSE(list.empty());
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1].version, list[i].version);
    EXPECT_EQ(list.back().version, Ledger::kSchemaVersion);
}

// A ledger file at version 10 (written with the real migrations 1, 2 and 10) opens at the current
// version: its rows stay, and they gain the expiry source — "unknown" where an expiry was recorded,
// NULL where there was none.
TEST(MigrationRunner, AVersion10LedgerKeepsItsRowsAndGainsTheExpirySource) {
    medkiosk::test::TempDir dir;
    const auto file = dir.path() / "v10.db";
    {
        auto db = Database::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
        std::vector<Migration> up_to_10;
        for (const Migration& m : migrations())
            if (m.version <= 10) up_to_10.push_back(m);
        ASSERT_EQ(up_to_10.back().version, 10);
        ASSERT_TRUE(apply_migrations(*db, 0, up_to_10).ok());
        ASSERT_TRUE(db->exec(R"sql(
            INSERT INTO donation_session VALUES (1, 'AAAA-BBBB-CCCC', '2026-10-01T08:00:00.000Z');
            INSERT INTO dropoff (uuid, session_id, kiosk_id, recorded_at, sequence, scheme, gtin, expiry,
                                 expiry_precision, quantity, condition, decision, reason, category)
            VALUES ('11111111-1111-4111-8111-111111111111', 1, 'k10', '2026-10-01T08:00:01.000Z', 1, 'gs1',
                    '06901234567892', '2027-06-30', 'day', 2, 'sealed', 'accept', 'ok', 'fever'),
                   ('22222222-2222-4222-8222-222222222222', 1, 'k10', '2026-10-01T08:00:02.000Z', 2, 'retail',
                    NULL, NULL, NULL, 1, 'opened-usable', 'review', 'unclassified', NULL);
            INSERT INTO outbox (entity, entity_id, payload, created_at)
            VALUES ('dropoff', '11111111-1111-4111-8111-111111111111', '{}', '2026-10-01T08:00:01.000Z');
        )sql",
                             "writing version 10 rows")
                        .ok());
        ASSERT_EQ(db->query_int64("PRAGMA user_version", "test").value(), 10);
    }

    auto ledger = Ledger::open(file, LedgerOptions{"k10", dir.path() / "county.key"});
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    auto summary = ledger.value()->summary();
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary.value().schema_version, Ledger::kSchemaVersion);
    EXPECT_GE(Ledger::kSchemaVersion, 11);
    EXPECT_EQ(summary.value().dropoffs, 2);
    EXPECT_EQ(summary.value().outbox_pending, 1);
    auto rows = ledger.value()->dropoffs().of_session(1);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows.value().size(), 2u);
    EXPECT_EQ(rows.value()[0].uuid, "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(rows.value()[0].quantity, 2);
    EXPECT_EQ(rows.value()[0].category, "fever");
    EXPECT_EQ(rows.value()[0].expiry, "2027-06-30");
    EXPECT_EQ(rows.value()[0].expiry_source, "unknown");
    EXPECT_EQ(rows.value()[1].expiry_source, "");

    // New drop-offs in the upgraded file keep their source.
    DropOffInput input;
    input.session_id = 1;
    input.scheme = "cn-trace";
    input.product_id = "81234567";
    input.expiry = "2028-01-31";
    input.expiry_precision = "month";
    input.expiry_source = "picker";
    input.decision = "accept";
    input.reason = "ok";
    auto recorded = ledger.value()->dropoffs().record(input);
    ASSERT_TRUE(recorded.ok()) << recorded.error().message;
    EXPECT_EQ(ledger.value()->dropoffs().of_session(1).value().back().expiry_source, "picker");
    EXPECT_EQ(ledger.value()->integrity_check().value(), "ok");
}

}  // namespace
}  // namespace medkiosk::storage::detail
