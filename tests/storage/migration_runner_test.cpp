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
Status record_version(Database& db) {
    g_applied->push_back(Version);
    const std::string sql = "CREATE TABLE t" + std::to_string(Version) + " (x INTEGER) STRICT";
    return db.exec(sql.c_str(), "test migration");
}

Status failing(Database&) {
    return Error{ErrorCode::Internal, "migration 11 failed"};
}

TEST(MigrationRunner, AppliesEveryVersionAboveTheFilesInOrderAcrossGaps) {
    medkiosk::test::TempDir dir;
    auto db = Database::open(dir.path() / "m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
    std::vector<int> applied;
    g_applied = &applied;
    const Migration list[] = {{1, "one", &record_version<1>}, {2, "two", &record_version<2>},
                              {10, "ten", &record_version<10>}};
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

}  // namespace
}  // namespace medkiosk::storage::detail
