// medkioskctl db, run as the technician would run it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using medkiosk::test::run_ctl;
using testing::read_file_bytes;
using testing::sample_dropoff;

constexpr const char* kSerial = "CTL-PLAIN-SERIAL-5521";

class DbCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // The key lives elsewhere, to show that medkioskctl does not need or create one.
        auto ledger =
            Ledger::open(dir_.path() / "ledger.db", LedgerOptions{"kiosk-ctl", keys_.path() / "county.key"});
        ASSERT_TRUE(ledger.ok()) << ledger.error().message;
        const auto session_id = ledger.value()->dropoffs().begin_session().value().id;
        for (int i = 0; i < 3; ++i) {
            auto input = sample_dropoff(session_id, kSerial);
            input.batch = "CTLBATCH" + std::to_string(i);
            auto record = ledger.value()->dropoffs().record(input);
            ASSERT_TRUE(record.ok()) << record.error().message;
            serial_hash_ = record.value().serial_hash;
        }
    }

    std::string data_dir() const { return dir_.path().string(); }

    medkiosk::test::TempDir dir_;
    medkiosk::test::TempDir keys_;
    std::string serial_hash_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

TEST_F(DbCommandTest, SummaryCountsSessionsDropOffsAndOutbox) {
    const auto result = run_ctl({"db", "summary", "--data-dir", data_dir()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find(std::string("schema version:  ") +
                              std::to_string(storage::Ledger::kSchemaVersion) + "\n"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("sessions:        1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("drop-offs:       3"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("outbox pending:  3"), std::string::npos) << result.out;
    EXPECT_FALSE(fs::exists(dir_.path() / "county.key")) << "a look must not create a county key";

    const auto json = run_ctl({"db", "summary", "--json", "--data-dir=" + data_dir()});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["dropoffs"], 3);
    EXPECT_EQ(parsed["schema_version"], storage::Ledger::kSchemaVersion);
}

TEST_F(DbCommandTest, ListShowsNewestFirstAndHonoursLimit) {
    const auto all = run_ctl({"db", "list", "--data-dir", data_dir()});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    const auto lines = lines_of(all.out);
    ASSERT_EQ(lines.size(), 3u) << all.out;
    EXPECT_NE(lines[0].find("#3"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("CTLBATCH2"), std::string::npos) << lines[0];
    EXPECT_NE(lines[2].find("CTLBATCH0"), std::string::npos) << lines[2];
    EXPECT_EQ(all.out.find(kSerial), std::string::npos);

    const auto limited = run_ctl({"db", "list", "--limit", "2", "--data-dir", data_dir()});
    ASSERT_EQ(limited.exit_code, 0) << limited.err;
    EXPECT_EQ(lines_of(limited.out).size(), 2u) << limited.out;
}

TEST_F(DbCommandTest, JsonListHasOneObjectPerLineAndNoPlainSerial) {
    const auto result = run_ctl({"db", "list", "--json", "--data-dir", data_dir()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out.find(kSerial), std::string::npos) << result.out;
    const auto lines = lines_of(result.out);
    ASSERT_EQ(lines.size(), 3u);
    std::int64_t expected_sequence = 3;
    for (const auto& line : lines) {
        const auto object = nlohmann::json::parse(line);
        for (const char* field :
             {"uuid", "session_id", "recorded_at", "sequence", "scheme", "gtin", "product_id", "batch",
              "expiry", "decision", "reason", "review_state", "serial_hash"}) {
            EXPECT_TRUE(object.contains(field)) << field << " missing in " << line;
        }
        EXPECT_FALSE(object.contains("serial")) << line;
        EXPECT_EQ(object["sequence"], expected_sequence--);
        EXPECT_EQ(object["serial_hash"], serial_hash_);
        EXPECT_EQ(object["gtin"], "06901234567892");
    }
}

TEST_F(DbCommandTest, CheckSaysOk) {
    const auto result = run_ctl({"db", "check", "--data-dir", data_dir()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "ok\n");
}

TEST_F(DbCommandTest, DoesNotChangeTheLedger) {
    // Fold the WAL in first so the main file holds everything and its bytes can be compared.
    { testing::RawDb(dir_.path() / "ledger.db").exec("PRAGMA wal_checkpoint(TRUNCATE)"); }
    const std::string before = read_file_bytes(dir_.path() / "ledger.db");
    for (const char* command : {"summary", "list", "check"}) {
        EXPECT_EQ(run_ctl({"db", command, "--data-dir", data_dir()}).exit_code, 0) << command;
    }
    EXPECT_EQ(read_file_bytes(dir_.path() / "ledger.db"), before);
}

TEST(DbCommandErrors, MissingLedgerIsExplainedAndNotCreated) {
    medkiosk::test::TempDir empty;
    for (const char* command : {"summary", "list", "check"}) {
        const auto result = run_ctl({"db", command, "--data-dir", empty.path().string()});
        EXPECT_EQ(result.exit_code, 1) << command;
        EXPECT_NE(result.err.find("no ledger at " + (empty.path() / "ledger.db").string()), std::string::npos)
            << result.err;
        EXPECT_NE(result.err.find("--data-dir"), std::string::npos) << result.err;
    }
    EXPECT_TRUE(fs::is_empty(empty.path())) << "medkioskctl db must not create anything";
}

TEST(DbCommandErrors, CorruptLedgerIsRefusedWithExitOne) {
    medkiosk::test::TempDir dir;
    testing::write_file_bytes(dir.path() / "ledger.db", std::string(8192, 'g'));
    const auto result = run_ctl({"db", "check", "--data-dir", dir.path().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("not a valid ledger"), std::string::npos) << result.err;
}

TEST(DbCommandErrors, UsageErrorsExitTwo) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"db"},
             {"db", "drop-everything"},
             {"db", "list", "--limit", "0"},
             {"db", "list", "--limit", "ten"},
             {"db", "list", "--limit"},
             {"db", "list", "--frobnicate"},
             {"db", "summary", "extra"},
         }) {
        const auto result = run_ctl(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_EQ(result.exit_code, 2) << joined << result.err;
        EXPECT_NE(result.err.find("usage: medkioskctl db"), std::string::npos) << joined << result.err;
    }
}

}  // namespace
}  // namespace medkiosk::storage
