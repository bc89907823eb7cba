// Issue 12, item 2, end to end on a real hub: a kiosk whose ledger is lost and made anew, or restored
// from a backup older than its last sync, numbers its sessions from 1 again. Before, the hub attached
// the new donor's packs to the first donor's session (one receipt showed both donations, the other
// none). Now every receipt shows exactly its own items, and a receipt code belongs to one donation in
// the whole county.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;

class LedgerIdentityTest : public SyncFixture {
  protected:
    // One donation session of `packs` packs; returns its receipt code.
    std::string donate(TestKiosk& kiosk, int packs) {
        auto session = kiosk.ledger->begin_session();
        EXPECT_TRUE(session.ok()) << session.error().message;
        if (!session.ok()) return {};
        for (int i = 0; i < packs; ++i) {
            auto recorded = kiosk.ledger->record_dropoff(storage::testing::sample_dropoff(
                session.value().id, "SN-" + session.value().receipt_code + "-" + std::to_string(i)));
            EXPECT_TRUE(recorded.ok()) << recorded.error().message;
        }
        return session.value().receipt_code;
    }
    void sync(const TestKiosk& kiosk) {
        auto worker = worker_for(kiosk);
        ASSERT_NE(worker, nullptr);
        ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    }
    void reopen(TestKiosk& kiosk) {
        storage::LedgerOptions options;
        options.kiosk_id = kiosk.id;
        auto ledger = storage::Ledger::open(kiosk.ledger_file, options);
        ASSERT_TRUE(ledger.ok()) << ledger.error().message;
        kiosk.ledger = std::move(ledger).value();
    }
    // What a donor sees for `code`: the number of items.
    std::int64_t receipt_items(const std::string& code) {
        return hub_int("SELECT count(*) FROM hub.receipt_lookup('" + code + "')");
    }
    std::int64_t dead_letters(const TestKiosk& kiosk) {
        return kiosk.local("SELECT count(*) FROM sync_event WHERE kind = 'dead-letter'");
    }
    static void remove_ledger_files(const fs::path& ledger) {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(ledger.string() + suffix);
    }
};

TEST_F(LedgerIdentityTest, ARecreatedLedgerNeverMergesReceipts) {
    auto kiosk = make_kiosk("recreated");
    const std::string first = donate(kiosk, 2);
    sync(kiosk);
    ASSERT_EQ(receipt_items(first), 2);

    // The ledger is lost (a 0-byte file after a bad disk, a technician's rm).
    kiosk.ledger.reset();
    remove_ledger_files(kiosk.ledger_file);
    storage::testing::write_file_bytes(kiosk.ledger_file, "");
    storage::LedgerOptions options;
    options.kiosk_id = kiosk.id;
    auto refused = storage::Ledger::open(kiosk.ledger_file, options);
    ASSERT_FALSE(refused.ok()) << "the kiosk made a new ledger in the lost one's place";
    EXPECT_NE(refused.error().message.find("db init --new-instance"), std::string::npos)
        << refused.error().message;

    auto renewed = run_ctl({"db", "init", "--new-instance", "--data-dir", kiosk.data_dir.string()});
    ASSERT_EQ(renewed.exit_code, 0) << renewed.err;
    reopen(kiosk);
    const std::string second = donate(kiosk, 3);
    const std::string third = donate(kiosk, 1);
    sync(kiosk);

    EXPECT_EQ(receipt_items(first), 2) << "the first donor's receipt gained another donor's packs";
    EXPECT_EQ(receipt_items(second), 3);
    EXPECT_EQ(receipt_items(third), 1);
    EXPECT_EQ(dead_letters(kiosk), 0);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.session WHERE kiosk_id = '" + kiosk.id + "'"), 3);
    EXPECT_EQ(hub_dropoffs(kiosk), 6);
    // The hub can tell the two ledgers apart.
    EXPECT_EQ(
        hub_int("SELECT count(DISTINCT instance_id) FROM hub.session WHERE kiosk_id = '" + kiosk.id + "'"),
        2);
}

TEST_F(LedgerIdentityTest, ARestoredBackupOlderThanTheLastSyncNeverMergesReceipts) {
    auto kiosk = make_kiosk("restored");
    const std::string first = donate(kiosk, 2);
    sync(kiosk);
    // The README's backup: the ledger file, copied while the kiosk is stopped.
    kiosk.ledger.reset();
    const fs::path backup = temp.path() / "ledger-backup.db";
    fs::copy_file(kiosk.ledger_file, backup);
    ASSERT_FALSE(fs::exists(kiosk.ledger_file.string() + "-wal") &&
                 fs::file_size(kiosk.ledger_file.string() + "-wal") > 0)
        << "the closed ledger left a write-ahead log; the backup would miss it";
    reopen(kiosk);
    const std::string second = donate(kiosk, 3);
    sync(kiosk);

    // Restore the older backup over it, as the README advises after a damaged disk.
    kiosk.ledger.reset();
    remove_ledger_files(kiosk.ledger_file);
    fs::copy_file(backup, kiosk.ledger_file);
    reopen(kiosk);
    const std::string third = donate(kiosk, 1);  // gets the number the second session had
    sync(kiosk);

    EXPECT_EQ(receipt_items(first), 2);
    EXPECT_EQ(receipt_items(second), 3) << "the second donor's receipt gained the third donor's pack";
    EXPECT_EQ(receipt_items(third), 1) << "the third donor's receipt shows nothing";
    EXPECT_EQ(dead_letters(kiosk), 0);
    EXPECT_EQ(hub_dropoffs(kiosk), 6);
}

TEST_F(LedgerIdentityTest, AReceiptCodeBelongsToOneDonationInTheWholeCounty) {
    auto a = make_kiosk("codea");
    auto b = make_kiosk("codeb");
    const std::string code = donate(a, 2);
    sync(a);
    const std::string a_session =
        pg.scalar(database, "SELECT session_uuid::text FROM hub.session WHERE receipt_code = '" + code + "'");
    ASSERT_FALSE(a_session.empty());

    auto session = storage::HubSession::connect(b.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const auto ingest = [&](const std::string& element) {
        auto rows = hub.query("SELECT outcome, coalesce(detail, '') FROM hub.ingest($1::jsonb)",
                              {"[" + element + "]"});
        EXPECT_TRUE(rows.ok()) << rows.error().message;
        return rows.ok() && !rows.value().empty()
                   ? std::pair{rows.value()[0][0].value_or(""), rows.value()[0][1].value_or("")}
                   : std::pair<std::string, std::string>{};
    };
    // Kiosk B opens a session with A's receipt code, in the new form and the old one.
    const std::string forged_uuid = "7b1c2a9e-5555-4a4a-8a8a-000000000001";
    auto forged =
        ingest(ingest_element("session", forged_uuid,
                              R"({"session_uuid":")" + forged_uuid + R"(","session_id":1,"receipt_code":")" +
                                  code + R"(","started_at":"2026-11-29T08:00:00Z"})"));
    EXPECT_EQ(forged.first, "invalid");
    EXPECT_NE(forged.second.find("already used by another donation"), std::string::npos) << forged.second;
    auto legacy = ingest(ingest_element(
        "session", "session-1",
        R"({"session_id":1,"receipt_code":")" + code + R"(","started_at":"2026-11-29T08:00:00Z"})"));
    EXPECT_EQ(legacy.first, "invalid");
    EXPECT_NE(legacy.second.find("already used by another donation"), std::string::npos) << legacy.second;
    // And attaches a drop-off to A's session: stored as B's, never on A's receipt.
    const std::string pack = "7b1c2a9e-5555-4a4a-8a8a-000000000002";
    auto attached = ingest(ingest_element(
        "dropoff", pack,
        R"({"uuid":")" + pack + R"(","session_id":1,"session_uuid":")" + a_session +
            R"(","recorded_at":"2026-11-29T08:00:00Z","sequence":1,"scheme":"gs1","quantity":1,)"
            R"("condition":"sealed","decision":"accept","reason":"ok"})"));
    EXPECT_EQ(attached.first, "inserted") << attached.second;
    EXPECT_EQ(receipt_items(code), 2) << "a receipt showed another kiosk's items";
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.session WHERE receipt_code = '" + code + "'"), 1);
    // B's own donations sync as usual.
    const std::string b_code = donate(b, 1);
    sync(b);
    EXPECT_EQ(receipt_items(b_code), 1);
}

}  // namespace
}  // namespace medkiosk::test
