// Issue 12, item 2, on the kiosk's side: a ledger gets a random instance id when it is made, and a
// ledger that is missing or empty where there was one is never silently recreated — neither by the
// library (the kiosk, the sync worker) nor by medkioskctl — until a technician asks for a new instance.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using medkiosk::test::run_ctl;
using testing::RawDb;
using testing::sample_dropoff;
using testing::write_file_bytes;

class LedgerInstanceTest : public ::testing::Test {
  protected:
    fs::path data_dir() const { return dir_.path() / "data"; }
    fs::path ledger_path() const { return data_dir() / "ledger.db"; }
    fs::path marker() const { return data_dir() / "ledger.db.instance"; }
    LedgerOptions options(bool new_instance = false) const {
        LedgerOptions o{"kiosk-instance-01", data_dir() / "county.key"};
        o.new_instance = new_instance;
        return o;
    }
    std::string record_one_session(Ledger& ledger, int packs) {
        auto session = ledger.dropoffs().begin_session();
        EXPECT_TRUE(session.ok()) << session.error().message;
        for (int i = 0; i < packs; ++i) {
            auto recorded = ledger.dropoffs().record(
                sample_dropoff(session.value().id, "SN-" + session.value().receipt_code + std::to_string(i)));
            EXPECT_TRUE(recorded.ok()) << recorded.error().message;
        }
        return session.value().receipt_code;
    }
    void lose_the_ledger(bool keep_empty_file) {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(ledger_path().string() + suffix);
        if (keep_empty_file) write_file_bytes(ledger_path(), "");
    }
    static void expect_lost_reason(const std::string& message, const fs::path& ledger) {
        EXPECT_NE(message.find(ledger.string()), std::string::npos) << message;
        EXPECT_NE(message.find("medkioskctl db init --new-instance"), std::string::npos) << message;
        EXPECT_NE(message.find("backup"), std::string::npos) << message;
        EXPECT_NE(message.find("nothing was created"), std::string::npos) << message;
    }
    medkiosk::test::TempDir dir_;
};

TEST_F(LedgerInstanceTest, AFirstStartMakesTheLedgerWithARandomInstanceAndItsMarker) {
    std::string first_id;
    {
        auto ledger = Ledger::open(ledger_path(), options());
        ASSERT_TRUE(ledger.ok()) << ledger.error().message;
        first_id = ledger.value()->instance_id();
        EXPECT_TRUE(
            std::regex_match(first_id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                                  "[0-9a-f]{12}")))
            << first_id;
    }
    EXPECT_EQ(testing::read_file_bytes(marker()), first_id + "\n");
    // Stable across opens, read-only ones too; another ledger gets another id.
    auto again = Ledger::open(ledger_path(), options());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value()->instance_id(), first_id);
    auto look = Ledger::open(ledger_path(), LedgerOptions{"", {}, true});
    ASSERT_TRUE(look.ok()) << look.error().message;
    EXPECT_EQ(look.value()->instance_id(), first_id);
    auto other = Ledger::open(dir_.path() / "other" / "ledger.db", options());
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other.value()->instance_id(), first_id);
    // The identity cannot be changed as a setting.
    EXPECT_FALSE(again.value()->reference().set_setting("ledger.instance_id", "x", "test").ok());
}

TEST_F(LedgerInstanceTest, AMissingOrEmptyLedgerIsNeverRecreatedSilently) {
    for (const bool keep_empty_file : {false, true}) {
        SCOPED_TRACE(keep_empty_file ? "0-byte ledger" : "missing ledger");
        {
            auto ledger = Ledger::open(ledger_path(), options(true));
            ASSERT_TRUE(ledger.ok()) << ledger.error().message;
            record_one_session(*ledger.value(), 2);
        }
        lose_the_ledger(keep_empty_file);
        auto writable = Ledger::open(ledger_path(), options());
        ASSERT_FALSE(writable.ok()) << "a lost ledger was replaced by an empty one";
        EXPECT_EQ(writable.error().code, ErrorCode::NotFound);
        expect_lost_reason(writable.error().message, ledger_path());
        EXPECT_NE(writable.error().message.find(keep_empty_file ? "empty (0 bytes)" : "missing"),
                  std::string::npos)
            << writable.error().message;
        auto look = Ledger::open(ledger_path(), LedgerOptions{"", {}, true});
        ASSERT_FALSE(look.ok());
        expect_lost_reason(look.error().message, ledger_path());
        EXPECT_EQ(fs::exists(ledger_path()), keep_empty_file) << "nothing was created or removed";
        if (keep_empty_file) {
            EXPECT_EQ(fs::file_size(ledger_path()), 0u);
        }
    }
}

TEST_F(LedgerInstanceTest, ANewInstanceReplacesOnlyAMissingOrEmptyLedger) {
    std::string old_id;
    {
        auto ledger = Ledger::open(ledger_path(), options());
        ASSERT_TRUE(ledger.ok());
        old_id = ledger.value()->instance_id();
        record_one_session(*ledger.value(), 1);
    }
    auto refused = Ledger::open(ledger_path(), options(true));
    ASSERT_FALSE(refused.ok()) << "--new-instance replaced a ledger holding records";
    EXPECT_NE(refused.error().message.find("holds records"), std::string::npos) << refused.error().message;

    lose_the_ledger(true);
    auto fresh = Ledger::open(ledger_path(), options(true));
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;
    EXPECT_NE(fresh.value()->instance_id(), old_id);
    EXPECT_EQ(testing::read_file_bytes(marker()), fresh.value()->instance_id() + "\n");
    EXPECT_EQ(fresh.value()->summary().value().sessions, 0);
    bool kept_aside = false;
    for (const auto& entry : fs::directory_iterator(data_dir()))
        kept_aside |= entry.path().filename().string().rfind("ledger.db.empty-", 0) == 0;
    EXPECT_TRUE(kept_aside) << "the empty file is moved aside, not deleted";
}

// A power cut during the very first start can leave a 0-byte ledger and no marker yet: still a first
// start, or the kiosk would never come up.
TEST_F(LedgerInstanceTest, AnEmptyLedgerWithoutMarkerIsStillAFirstStart) {
    fs::create_directories(data_dir());
    write_file_bytes(ledger_path(), "");
    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    EXPECT_FALSE(ledger.value()->instance_id().empty());
    EXPECT_TRUE(fs::exists(marker()));
}

// A ledger from before instances: its sessions keep the numbers the hub knows them by; sessions after
// the upgrade are keyed by UUID.
TEST_F(LedgerInstanceTest, ALedgerFromBeforeInstancesKeepsItsSessionNumbersAndKeysNewOnesByUuid) {
    {
        auto ledger = Ledger::open(ledger_path(), options());
        ASSERT_TRUE(ledger.ok());
        record_one_session(*ledger.value(), 1);
        record_one_session(*ledger.value(), 1);
    }
    {
        RawDb raw(ledger_path());
        raw.exec("DELETE FROM settings WHERE key LIKE 'ledger.%'");
        raw.exec("UPDATE outbox SET payload = json_remove(payload, '$.session_uuid')");
    }
    fs::remove(marker());
    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    record_one_session(*ledger.value(), 1);
    RawDb raw(ledger_path(), true);
    EXPECT_EQ(raw.text("SELECT value FROM settings WHERE key = 'ledger.numbered_sessions_up_to'"), "2");
    EXPECT_EQ(
        raw.integer("SELECT count(*) FROM outbox WHERE json_extract(payload, '$.session_uuid') IS NULL"), 2);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM outbox WHERE json_extract(payload, '$.session_id') = 3 AND "
                          "length(json_extract(payload, '$.session_uuid')) = 36"),
              1);
}

TEST_F(LedgerInstanceTest, TheCommandLineStopsAtALostLedgerAndMakesANewInstanceOnlyWhenAsked) {
    const auto ctl = [&](std::vector<std::string> args, const std::string& input = {}) {
        args.insert(args.end(), {"--data-dir", data_dir().string()});
        return run_ctl(args, input);
    };
    ASSERT_EQ(ctl({"db", "init"}).exit_code, 0);
    ASSERT_EQ(ctl({"record", "--today", "2026-11-29"},
                  std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-CLI-0001\n")
                  .exit_code,
              0);
    lose_the_ledger(true);
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"db", "init"}, {"users", "list"}, {"db", "summary"}, {"dropoffs", "list"}, {"rules", "show"}}) {
        auto refused = ctl(command);
        std::string joined;
        for (const auto& word : command) joined += word + " ";
        EXPECT_EQ(refused.exit_code, 1) << joined << refused.out << refused.err;
        EXPECT_NE(refused.err.find("db init --new-instance"), std::string::npos) << joined << refused.err;
    }
    auto record = ctl({"record", "--today", "2026-11-29"},
                      std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-CLI-0002\n");
    EXPECT_NE(record.exit_code, 0);
    EXPECT_NE(record.err.find("db init --new-instance"), std::string::npos) << record.err;
    auto added = ctl({"users", "add", "tech", "--role", "technician"}, "13579\n");
    EXPECT_NE(added.exit_code, 0);
    EXPECT_EQ(fs::file_size(ledger_path()), 0u) << "nothing was written in the lost ledger's place";

    auto renewed = ctl({"db", "init", "--new-instance"});
    ASSERT_EQ(renewed.exit_code, 0) << renewed.err;
    EXPECT_NE(renewed.out.find("receipts the hub already holds keep showing their items"), std::string::npos)
        << renewed.out;
    EXPECT_EQ(ctl({"users", "list"}).exit_code, 0);
    EXPECT_EQ(ctl({"db", "init", "--new-instance"}).exit_code, 1)
        << "a ledger holding data is never replaced";
}

// Every command that looks at the ledger gives the same lost-ledger reason (not "never started" nor
// "the kiosk creates it on first start"), whether the ledger is missing, 0 bytes, or an SQLite file
// without a table (which `record` used to migrate into a new ledger, overwriting the marker).
TEST_F(LedgerInstanceTest, EveryCommandGivesTheLostLedgerReasonAndNothingIsCreated) {
    const auto ctl = [&](std::vector<std::string> args, const std::string& input = {}) {
        args.insert(args.end(), {"--data-dir", data_dir().string()});
        return run_ctl(args, input);
    };
    ASSERT_EQ(ctl({"db", "init"}).exit_code, 0);
    const std::string marker_before = testing::read_file_bytes(marker());
    const std::vector<std::vector<std::string>> commands = {
        {"status"},
        {"db", "summary"},
        {"db", "list"},
        {"db", "check"},
        {"db", "verify-audit"},
        {"db", "export"},
        {"sync", "status"},
        {"sync", "run", "--hub", "host=/nonexistent dbname=none"},
        {"sync", "export", "--to", (dir_.path() / "bundles").string()},
        {"users", "list"},
        {"record", "--today", "2026-11-29"},
    };
    for (const char* loss : {"missing", "0 bytes", "no tables"}) {
        SCOPED_TRACE(loss);
        lose_the_ledger(std::string(loss) != "missing");
        if (std::string(loss) == "no tables") {
            RawDb raw(ledger_path());  // what `sqlite3 ledger.db 'PRAGMA journal_mode=WAL;'` leaves
            raw.exec("PRAGMA journal_mode=WAL");
        }
        const auto size_before = fs::exists(ledger_path()) ? fs::file_size(ledger_path()) : 0;
        for (const auto& command : commands) {
            std::string joined;
            for (const auto& word : command) joined += word + " ";
            const auto result =
                ctl(command, std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-CLI-0009\n");
            const std::string said = result.out + result.err;
            EXPECT_NE(result.exit_code, 0) << joined << said;
            EXPECT_NE(said.find(ledger_path().string()), std::string::npos) << joined << said;
            EXPECT_NE(said.find("db init --new-instance"), std::string::npos) << joined << said;
            EXPECT_EQ(said.find("first start"), std::string::npos) << joined << said;
            EXPECT_EQ(said.find("never started"), std::string::npos) << joined << said;
            EXPECT_EQ(said.find("none yet"), std::string::npos) << joined << said;
        }
        if (std::string(loss) == "no tables") {
            auto writable = Ledger::open(ledger_path(), options());
            ASSERT_FALSE(writable.ok()) << "an SQLite file without tables was migrated into a new ledger";
            EXPECT_NE(writable.error().message.find("an empty SQLite database (no tables)"),
                      std::string::npos)
                << writable.error().message;
        }
        EXPECT_EQ(fs::exists(ledger_path()) ? fs::file_size(ledger_path()) : 0, size_before);
        EXPECT_EQ(testing::read_file_bytes(marker()), marker_before) << "the marker was overwritten";
    }
}

}  // namespace
}  // namespace medkiosk::storage
