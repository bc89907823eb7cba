// The ledger's contract: schema, records read back, anonymity, refusal of files it must not touch.

#include "medkiosk/storage/ledger.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <set>

#include "storage_test_util.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using testing::RawDb;
using testing::read_file_bytes;
using testing::sample_dropoff;
using testing::write_file_bytes;

class LedgerTest : public ::testing::Test {
  protected:
    fs::path ledger_path() const { return dir_.path() / "ledger.db"; }
    fs::path key_path() const { return dir_.path() / "county.key"; }
    LedgerOptions options() const { return LedgerOptions{"kiosk-test-01", key_path()}; }

    std::unique_ptr<Ledger> open_ok(const fs::path& file) {
        auto ledger = Ledger::open(file, options());
        EXPECT_TRUE(ledger.ok()) << (ledger.ok() ? "" : ledger.error().message);
        return ledger.ok() ? std::move(ledger).value() : nullptr;
    }
    std::unique_ptr<Ledger> open_ok() { return open_ok(ledger_path()); }

    // A ledger with `count` drop-offs in one session, closed again.
    void make_ledger_with(int count) {
        auto ledger = open_ok();
        ASSERT_NE(ledger, nullptr);
        auto session = ledger->dropoffs().begin_session();
        ASSERT_TRUE(session.ok()) << session.error().message;
        for (int i = 0; i < count; ++i) {
            auto recorded =
                ledger->dropoffs().record(sample_dropoff(session.value().id, "SN-" + std::to_string(i)));
            ASSERT_TRUE(recorded.ok()) << recorded.error().message;
        }
    }

    medkiosk::test::TempDir dir_;
};

// --- create / open / migrate ---------------------------------------------------------------------------

TEST_F(LedgerTest, CreatesSchemaParentDirectoryAndCountyKey) {
    const fs::path nested = dir_.path() / "var" / "lib" / "medkiosk" / "ledger.db";
    auto ledger = open_ok(nested);
    ASSERT_NE(ledger, nullptr);
    auto summary = ledger->summary();
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary.value().schema_version, Ledger::kSchemaVersion);
    EXPECT_EQ(summary.value().dropoffs, 0);
    ledger.reset();

    RawDb raw(nested);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), Ledger::kSchemaVersion);
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    for (const char* table : {"donation_session", "dropoff", "outbox", "settings"}) {
        const std::string sql =
            raw.text(std::string("SELECT sql FROM sqlite_schema WHERE name = '") + table + "'");
        EXPECT_NE(sql.find("STRICT"), std::string::npos) << table << ": " << sql;
    }

    struct stat key_stat {};
    ASSERT_EQ(stat(key_path().c_str(), &key_stat), 0);
    EXPECT_EQ(key_stat.st_size, 32);
    EXPECT_EQ(key_stat.st_mode & 0777, 0600u);
}

TEST_F(LedgerTest, ReopenKeepsRecordsAndDoesNotMigrateAgain) {
    make_ledger_with(3);
    const std::string key_before = read_file_bytes(key_path());
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    EXPECT_EQ(ledger->summary().value().dropoffs, 3);
    EXPECT_EQ(ledger->summary().value().schema_version, Ledger::kSchemaVersion);
    EXPECT_EQ(read_file_bytes(key_path()), key_before) << "the county key must not change on reopen";
}

TEST_F(LedgerTest, EmptyFileIsInitialised) {
    write_file_bytes(ledger_path(), "");
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    EXPECT_EQ(ledger->summary().value().schema_version, Ledger::kSchemaVersion);
}

TEST_F(LedgerTest, RefusesNewerSchemaAndLeavesFileUnchanged) {
    make_ledger_with(2);
    {
        RawDb raw(ledger_path());
        raw.exec("PRAGMA user_version = 9999");
    }
    const std::string before = read_file_bytes(ledger_path());
    ASSERT_FALSE(before.empty());

    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::TooNew);
    EXPECT_NE(ledger.error().message.find("newer medkiosk"), std::string::npos) << ledger.error().message;
    EXPECT_NE(ledger.error().message.find("upgrade medkiosk"), std::string::npos) << ledger.error().message;
    EXPECT_NE(ledger.error().message.find("not modified"), std::string::npos) << ledger.error().message;
    EXPECT_NE(ledger.error().message.find(ledger_path().string()), std::string::npos)
        << ledger.error().message;
    EXPECT_EQ(read_file_bytes(ledger_path()), before);
    EXPECT_EQ(RawDb(ledger_path(), true).integer("PRAGMA user_version"), 9999);
}

TEST_F(LedgerTest, RefusesGarbageFileAndLeavesItUnchanged) {
    std::string garbage;
    for (int i = 0; i < 3000; ++i) garbage += "not a ledger, just text " + std::to_string(i) + "\n";
    write_file_bytes(ledger_path(), garbage);

    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::Corrupt);
    EXPECT_NE(ledger.error().message.find("is not a valid ledger (file is not a database)"),
              std::string::npos)
        << ledger.error().message;
    EXPECT_NE(ledger.error().message.find("restore"), std::string::npos) << ledger.error().message;
    EXPECT_NE(ledger.error().message.find("not modified"), std::string::npos) << ledger.error().message;
    EXPECT_EQ(read_file_bytes(ledger_path()), garbage);
    EXPECT_FALSE(fs::exists(key_path())) << "a refused ledger must not leave a new county key behind";
}

TEST_F(LedgerTest, RefusesTruncatedDatabase) {
    make_ledger_with(300);  // several pages, so cutting the file loses b-tree pages
    const std::string whole = read_file_bytes(ledger_path());
    ASSERT_GT(whole.size(), 8u * 4096u);
    const std::string truncated = whole.substr(0, whole.size() / 2);
    write_file_bytes(ledger_path(), truncated);

    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::Corrupt);
    EXPECT_NE(ledger.error().message.find("not a valid ledger"), std::string::npos) << ledger.error().message;
    EXPECT_EQ(read_file_bytes(ledger_path()), truncated);
}

TEST_F(LedgerTest, RefusesAnotherProgramsSqliteDatabase) {
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(ledger_path().c_str(), &db), SQLITE_OK);
        sqlite3_exec(db, "CREATE TABLE contacts(name TEXT)", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
    const std::string before = read_file_bytes(ledger_path());
    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::Invalid);
    EXPECT_NE(ledger.error().message.find("not a medkiosk ledger"), std::string::npos)
        << ledger.error().message;
    EXPECT_EQ(read_file_bytes(ledger_path()), before);
}

TEST_F(LedgerTest, RefusesDamagedCountyKey) {
    write_file_bytes(key_path(), "too short");
    auto ledger = Ledger::open(ledger_path(), options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::Corrupt);
    EXPECT_NE(ledger.error().message.find("damaged"), std::string::npos) << ledger.error().message;
    EXPECT_NE(ledger.error().message.find(key_path().string()), std::string::npos) << ledger.error().message;
    EXPECT_EQ(read_file_bytes(key_path()), "too short");
}

TEST_F(LedgerTest, ReportsUncreatableDirectory) {
    write_file_bytes(dir_.path() / "blocker", "a file where a directory should be");
    auto ledger = Ledger::open(dir_.path() / "blocker" / "ledger.db", options());
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.error().code, ErrorCode::Io);
    EXPECT_NE(ledger.error().message.find("blocker"), std::string::npos) << ledger.error().message;
}

TEST_F(LedgerTest, ReadOnlyNeverCreatesOrWrites) {
    LedgerOptions read_only = options();
    read_only.read_only = true;
    auto missing = Ledger::open(ledger_path(), read_only);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_FALSE(fs::exists(ledger_path()));

    make_ledger_with(1);
    auto ledger = Ledger::open(ledger_path(), read_only);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    EXPECT_EQ(ledger.value()->summary().value().dropoffs, 1);
    EXPECT_EQ(ledger.value()->dropoffs().begin_session().error().code, ErrorCode::Invalid);
    EXPECT_EQ(ledger.value()->dropoffs().record(sample_dropoff(1)).error().code, ErrorCode::Invalid);
}

// --- recording and reading back -------------------------------------------------------------------------

TEST_F(LedgerTest, RecordsDropOffsAndReadsThemBack) {
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    auto session = ledger->dropoffs().begin_session();
    ASSERT_TRUE(session.ok()) << session.error().message;
    EXPECT_TRUE(
        std::regex_match(session.value().receipt_code,
                         std::regex("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")))
        << session.value().receipt_code;
    const std::regex iso_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    EXPECT_TRUE(std::regex_match(session.value().started_at, iso_ms)) << session.value().started_at;

    std::vector<DropOffRecord> recorded;
    for (int i = 0; i < 3; ++i) {
        auto input = sample_dropoff(session.value().id, "SERIAL-" + std::to_string(i));
        input.batch = "BATCH-" + std::to_string(i);
        auto record = ledger->dropoffs().record(input);
        ASSERT_TRUE(record.ok()) << record.error().message;
        recorded.push_back(record.value());
    }
    // An item with no GTIN, no expiry and no serial (e.g. a thermometer by product id).
    DropOffInput device;
    device.session_id = session.value().id;
    device.scheme = "retail";
    device.product_id = "THERMO-1";
    device.decision = "review";
    device.reason = "unclassified";
    device.condition = "opened-usable";
    auto device_record = ledger->dropoffs().record(device);
    ASSERT_TRUE(device_record.ok()) << device_record.error().message;
    recorded.push_back(device_record.value());

    std::set<std::string> uuids;
    const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (std::size_t i = 0; i < recorded.size(); ++i) {
        EXPECT_EQ(recorded[i].sequence, static_cast<std::int64_t>(i + 1));
        EXPECT_TRUE(std::regex_match(recorded[i].uuid, uuid_v4)) << recorded[i].uuid;
        EXPECT_TRUE(std::regex_match(recorded[i].recorded_at, iso_ms)) << recorded[i].recorded_at;
        EXPECT_EQ(recorded[i].kiosk_id, "kiosk-test-01");
        EXPECT_EQ(recorded[i].review_state, "pending");
        uuids.insert(recorded[i].uuid);
    }
    EXPECT_EQ(uuids.size(), recorded.size());
    EXPECT_EQ(recorded[3].serial_hash, "");
    EXPECT_EQ(recorded[0].serial_hash.size(), 64u);

    auto recent = ledger->dropoffs().recent(2);
    ASSERT_TRUE(recent.ok()) << recent.error().message;
    ASSERT_EQ(recent.value().size(), 2u);
    EXPECT_EQ(recent.value()[0].uuid, recorded[3].uuid) << "newest first";
    EXPECT_EQ(recent.value()[1].uuid, recorded[2].uuid);
    EXPECT_EQ(recent.value()[0].product_id, "THERMO-1");
    EXPECT_EQ(recent.value()[0].condition, "opened-usable");
    EXPECT_EQ(recent.value()[0].expiry, "");

    auto in_session = ledger->dropoffs().of_session(session.value().id);
    ASSERT_TRUE(in_session.ok()) << in_session.error().message;
    ASSERT_EQ(in_session.value().size(), 4u);
    const DropOffRecord& first = in_session.value()[0];
    EXPECT_EQ(first.uuid, recorded[0].uuid);
    EXPECT_EQ(first.gtin, "06901234567892");
    EXPECT_EQ(first.batch, "BATCH-0");
    EXPECT_EQ(first.expiry, "2027-06-30");
    EXPECT_EQ(first.expiry_precision, "day");
    EXPECT_EQ(first.serial_hash, recorded[0].serial_hash);
    EXPECT_EQ(first.recorded_at, recorded[0].recorded_at);
    EXPECT_EQ(first.decision, "accept");
    EXPECT_EQ(first.reason, "ok");

    auto other_session = ledger->dropoffs().begin_session();
    ASSERT_TRUE(other_session.ok());
    EXPECT_NE(other_session.value().receipt_code, session.value().receipt_code);
    EXPECT_TRUE(ledger->dropoffs().of_session(other_session.value().id).value().empty());

    auto summary = ledger->summary();
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary.value().sessions, 2);
    EXPECT_EQ(summary.value().dropoffs, 4);
    EXPECT_EQ(summary.value().outbox_pending, 4);
    EXPECT_EQ(ledger->integrity_check().value(), "ok");
}

TEST_F(LedgerTest, OutboxRowIsWrittenWithTheDropOff) {
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    auto session = ledger->dropoffs().begin_session();
    auto record = ledger->dropoffs().record(sample_dropoff(session.value().id, "OUTBOX-SERIAL-42"));
    ASSERT_TRUE(record.ok()) << record.error().message;

    RawDb raw(ledger_path(), true);
    const std::string where =
        " FROM outbox WHERE entity = 'dropoff' AND entity_id = '" + record.value().uuid + "'";
    EXPECT_EQ(raw.integer("SELECT count(*)" + where), 1);
    EXPECT_EQ(raw.integer("SELECT count(*)" + where + " AND acked_at IS NULL"), 1);
    const std::string payload = raw.text("SELECT payload" + where);
    EXPECT_NE(payload.find(record.value().uuid), std::string::npos) << payload;
    EXPECT_NE(payload.find(record.value().serial_hash), std::string::npos) << payload;
    EXPECT_EQ(payload.find("OUTBOX-SERIAL-42"), std::string::npos) << payload;
    EXPECT_EQ(raw.text("SELECT json_extract(payload, '$.sequence')" + where), "1");
    EXPECT_EQ(raw.text("SELECT created_at" + where), record.value().recorded_at);
}

TEST_F(LedgerTest, RefusesInvalidInputAndRecordsNothing) {
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    const auto session_id = ledger->dropoffs().begin_session().value().id;

    struct Case {
        const char* what;
        void (*change)(DropOffInput&);
        const char* message_part;
    };
    const Case cases[] = {
        {"zero quantity", [](DropOffInput& in) { in.quantity = 0; }, "quantity"},
        {"negative quantity", [](DropOffInput& in) { in.quantity = -3; }, "quantity"},
        {"bad condition", [](DropOffInput& in) { in.condition = "broken"; }, "condition"},
        {"bad decision", [](DropOffInput& in) { in.decision = "maybe"; }, "decision"},
        {"empty decision", [](DropOffInput& in) { in.decision.clear(); }, "decision"},
        {"month 13", [](DropOffInput& in) { in.expiry = "2026-13-01"; }, "expiry"},
        {"30 February", [](DropOffInput& in) { in.expiry = "2026-02-30"; }, "expiry"},
        {"not a date", [](DropOffInput& in) { in.expiry = "06/2027"; }, "expiry"},
        {"precision without date", [](DropOffInput& in) { in.expiry.clear(); }, "expiry"},
        {"bad precision", [](DropOffInput& in) { in.expiry_precision = "year"; }, "expiry_precision"},
        {"short gtin", [](DropOffInput& in) { in.gtin = "12345"; }, "gtin"},
        {"no scheme", [](DropOffInput& in) { in.scheme.clear(); }, "scheme"},
        {"no session", [](DropOffInput& in) { in.session_id = 0; }, "session"},
        {"unknown expiry source", [](DropOffInput& in) { in.expiry_source = "guess"; }, "expiry_source"},
        {"'unknown' is for old rows only", [](DropOffInput& in) { in.expiry_source = "unknown"; },
         "expiry_source"},
        {"expiry source without expiry",
         [](DropOffInput& in) {
             in.expiry.clear();
             in.expiry_precision.clear();
             in.expiry_source = "picker";
         },
         "expiry_source"},
    };
    for (const Case& c : cases) {
        DropOffInput input = sample_dropoff(session_id);
        c.change(input);
        auto result = ledger->dropoffs().record(input);
        ASSERT_FALSE(result.ok()) << c.what;
        EXPECT_EQ(result.error().code, ErrorCode::Invalid) << c.what << ": " << result.error().message;
        EXPECT_NE(result.error().message.find(c.message_part), std::string::npos)
            << c.what << ": " << result.error().message;
        EXPECT_NE(result.error().message.find("nothing was recorded"), std::string::npos)
            << result.error().message;
    }

    auto unknown_session = ledger->dropoffs().record(sample_dropoff(session_id + 1000));
    ASSERT_FALSE(unknown_session.ok());
    EXPECT_EQ(unknown_session.error().code, ErrorCode::NotFound) << unknown_session.error().message;

    // Month precision accepts GS1's "day 00" and the last day of a leap February.
    DropOffInput month_only = sample_dropoff(session_id);
    month_only.expiry = "2028-02-00";
    month_only.expiry_precision = "month";
    EXPECT_TRUE(ledger->dropoffs().record(month_only).ok());
    DropOffInput leap_day = sample_dropoff(session_id);
    leap_day.expiry = "2028-02-29";
    EXPECT_TRUE(ledger->dropoffs().record(leap_day).ok());

    EXPECT_EQ(ledger->summary().value().dropoffs, 2);
    EXPECT_EQ(ledger->summary().value().outbox_pending, 2);
}

// Issue 8: where the expiry came from is stored, read back, and travels in the outbox payload.
TEST_F(LedgerTest, ExpirySourceIsStoredReadBackAndSentToTheHub) {
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    const auto session_id = ledger->dropoffs().begin_session().value().id;
    std::vector<std::string> uuids;
    for (const char* source : {"code", "ocr-confirmed", "picker"}) {
        DropOffInput input = sample_dropoff(session_id, std::string("SRC-") + source);
        input.expiry_source = source;
        auto record = ledger->dropoffs().record(input);
        ASSERT_TRUE(record.ok()) << record.error().message;
        EXPECT_EQ(record.value().expiry_source, source);
        uuids.push_back(record.value().uuid);
    }
    DropOffInput device = sample_dropoff(session_id, "");
    device.expiry.clear();
    device.expiry_precision.clear();
    device.expiry_source.clear();
    ASSERT_TRUE(ledger->dropoffs().record(device).ok());

    auto read = ledger->dropoffs().of_session(session_id);
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_EQ(read.value().size(), 4u);
    EXPECT_EQ(read.value()[0].expiry_source, "code");
    EXPECT_EQ(read.value()[1].expiry_source, "ocr-confirmed");
    EXPECT_EQ(read.value()[2].expiry_source, "picker");
    EXPECT_EQ(read.value()[3].expiry_source, "");
    ledger.reset();

    RawDb raw(ledger_path(), true);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff WHERE expiry_source IS NULL"), 1)
        << "no expiry: NULL";
    EXPECT_EQ(raw.text("SELECT json_extract(payload, '$.expiry_source') FROM outbox WHERE entity_id = '" +
                       uuids[1] + "'"),
              "ocr-confirmed");
    EXPECT_EQ(raw.text("SELECT json_extract(payload, '$.expiry_source') FROM outbox WHERE entity_id = '" +
                       uuids[2] + "'"),
              "picker");
    // The column's CHECK holds even against a writer that skips the ledger's validation.
    RawDb writer(ledger_path());
    EXPECT_THROW(writer.exec("UPDATE dropoff SET expiry_source = 'guess' WHERE uuid = '" + uuids[0] + "'"),
                 std::runtime_error);
}

// --- anonymity ---------------------------------------------------------------------------------------------

TEST_F(LedgerTest, SerialIsNeverStoredInPlain) {
    const std::string serial = "PLAINSERIAL-7731-XYZZY";
    std::string hash;
    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    const auto session_id = ledger->dropoffs().begin_session().value().id;
    for (int i = 0; i < 5; ++i) {
        auto record = ledger->dropoffs().record(sample_dropoff(session_id, serial));
        ASSERT_TRUE(record.ok()) << record.error().message;
        hash = record.value().serial_hash;
    }
    // While open the records sit in the WAL; after close they are checkpointed into the main file.
    for (const char* suffix : {"", "-wal"}) {
        const std::string bytes = read_file_bytes(ledger_path().string() + suffix);
        EXPECT_EQ(bytes.find(serial), std::string::npos) << "plain serial found in ledger.db" << suffix;
    }
    ledger.reset();
    const std::string db_bytes = read_file_bytes(ledger_path());
    EXPECT_EQ(db_bytes.find(serial), std::string::npos);
    EXPECT_NE(db_bytes.find(hash), std::string::npos) << "the hash is what is stored";
    EXPECT_EQ(read_file_bytes(ledger_path().string() + "-wal").find(serial), std::string::npos);
}

TEST_F(LedgerTest, SerialHashIsKeyedBlake2bDeterministicPerKey) {
    const std::string serial = "0123456789ABC";
    const auto hash_with = [&](const fs::path& ledger_file, const fs::path& key_file) {
        auto ledger = Ledger::open(ledger_file, LedgerOptions{"kiosk-test-01", key_file});
        EXPECT_TRUE(ledger.ok()) << ledger.error().message;
        const auto session_id = ledger.value()->dropoffs().begin_session().value().id;
        return ledger.value()->dropoffs().record(sample_dropoff(session_id, serial)).value().serial_hash;
    };
    const fs::path key_a = dir_.path() / "a.key", key_b = dir_.path() / "b.key";
    const std::string first = hash_with(dir_.path() / "one.db", key_a);
    const std::string again = hash_with(dir_.path() / "two.db", key_a);
    const std::string other = hash_with(dir_.path() / "three.db", key_b);
    EXPECT_EQ(first, again) << "same county key, same serial: same hash (duplicates are found across kiosks)";
    EXPECT_NE(first, other) << "another county's key gives another hash";

    ASSERT_GE(sodium_init(), 0);
    const std::string key = read_file_bytes(key_a);
    ASSERT_EQ(key.size(), 32u);
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(serial.data()),
                       serial.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    EXPECT_EQ(first, std::string(hex)) << "BLAKE2b-256 keyed with the county key";
}

// --- durability across processes ------------------------------------------------------------------------

TEST_F(LedgerTest, RecordedDropOffSurvivesProcessExitRightAfterCommit) {
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipe_fds[0]);
        auto ledger = Ledger::open(ledger_path(), options());
        if (!ledger.ok()) _exit(2);
        auto session = ledger.value()->dropoffs().begin_session();
        if (!session.ok()) _exit(3);
        auto record = ledger.value()->dropoffs().record(sample_dropoff(session.value().id, "CRASH-SERIAL"));
        if (!record.ok()) _exit(4);
        const std::string uuid = record.value().uuid;
        if (write(pipe_fds[1], uuid.data(), uuid.size()) != static_cast<ssize_t>(uuid.size())) _exit(5);
        _exit(0);  // like a crash: no destructors, no sqlite3_close, no checkpoint
    }
    close(pipe_fds[1]);
    char buffer[64] = {};
    const ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
    close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    ASSERT_EQ(got, 36);
    const std::string uuid(buffer, static_cast<std::size_t>(got));
    EXPECT_TRUE(fs::exists(ledger_path().string() + "-wal"))
        << "the child left its WAL behind, as a crash would";

    auto ledger = open_ok();
    ASSERT_NE(ledger, nullptr);
    auto recent = ledger->dropoffs().recent(10);
    ASSERT_TRUE(recent.ok()) << recent.error().message;
    ASSERT_EQ(recent.value().size(), 1u);
    EXPECT_EQ(recent.value()[0].uuid, uuid);
    EXPECT_EQ(ledger->summary().value().outbox_pending, 1);
    EXPECT_EQ(ledger->integrity_check().value(), "ok");
    RawDb raw(ledger_path());
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
}

TEST_F(LedgerTest, TwoProcessesRecordIntoOneLedger) {
    make_ledger_with(0);
    constexpr int kEach = 40;
    const auto record_many = [&]() -> int {
        auto ledger = Ledger::open(ledger_path(), options());
        if (!ledger.ok()) return 2;
        auto session = ledger.value()->dropoffs().begin_session();
        if (!session.ok()) return 3;
        for (int i = 0; i < kEach; ++i) {
            if (!ledger.value()->dropoffs().record(sample_dropoff(session.value().id)).ok()) return 4;
        }
        return 0;
    };
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) _exit(record_many());
    const int parent_result = record_many();
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_EQ(parent_result, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);

    RawDb raw(ledger_path(), true);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff"), 2 * kEach);
    EXPECT_EQ(raw.integer("SELECT count(DISTINCT sequence) FROM dropoff"), 2 * kEach);
    EXPECT_EQ(raw.integer("SELECT max(sequence) FROM dropoff"), 2 * kEach);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM outbox"), 2 * kEach);
}

}  // namespace
}  // namespace medkiosk::storage
