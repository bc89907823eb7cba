// medkioskctl db init/verify-audit/export, catalog, users, rules, record and dropoffs, run as a
// technician would, against a real ledger in a temp dir.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using medkiosk::test::run_ctl;
using testing::RawDb;
using testing::read_file_bytes;

const std::string kSample = std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv";

class LedgerCliTest : public ::testing::Test {
  protected:
    std::string data_dir() const { return (dir_.path() / "data").string(); }
    medkiosk::test::ProcessResult ctl(std::vector<std::string> args, const std::string& input = {}) {
        args.push_back("--data-dir");
        args.push_back(data_dir());
        return run_ctl(args, input);
    }
    std::vector<nlohmann::json> json_lines(const std::string& text) {
        std::vector<nlohmann::json> lines;
        std::size_t start = 0;
        for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
            lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
        return lines;
    }
    medkiosk::test::TempDir dir_;
};

// A kiosk in China judges expiry on China's calendar day: at 01:00 on 2 December (17:00 UTC on the 1st) a
// pack that expired on 1 December is expired. The real medkioskctl runs with its clock set by libfaketime.
TEST_F(LedgerCliTest, AtOneInTheMorningInChinaYesterdaysExpiryIsExpired) {
    const char* faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    if (!fs::exists(faketime))
        MEDKIOSK_CANNOT_RUN_HERE() << "libfaketime is not installed (deploy/setup.sh installs it)";
    ASSERT_EQ(ctl({"db", "init"}).exit_code, 0);
    ASSERT_EQ(ctl({"catalog", "import", kSample}).exit_code, 0);
    const auto one_am_in_china =
        std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours(17);
    const auto offset =
        std::chrono::duration_cast<std::chrono::seconds>(one_am_in_china - std::chrono::system_clock::now());
    const auto record_at_one_am = [&](const std::string& time_zone, const std::string& serial) {
        const std::string line = std::string("]d2010690000000001417261201\x1d") + "21" + serial + "\n";
        return medkiosk::test::run_process(
            {MEDKIOSKCTL_PATH, "record", "--data-dir", data_dir()}, line, std::chrono::seconds(60),
            {std::string("LD_PRELOAD=") + faketime, "FAKETIME=" + std::to_string(offset.count()),
             "FAKETIME_DONT_FAKE_MONOTONIC=1", "TZ=" + time_zone});
    };
    const auto in_china = record_at_one_am("Asia/Shanghai", "LOCALDAY-CN");
    ASSERT_EQ(json_lines(in_china.out).size(), 1u) << in_china.out << in_china.err;
    EXPECT_EQ(json_lines(in_china.out).at(0)["reason"], "expired") << in_china.out;
    // The same instant in UTC is still the expiry day itself: not expired (too short to use, though).
    const auto in_utc = record_at_one_am("UTC", "LOCALDAY-UTC");
    ASSERT_EQ(json_lines(in_utc.out).size(), 1u) << in_utc.out << in_utc.err;
    EXPECT_NE(json_lines(in_utc.out).at(0)["reason"], "expired") << in_utc.out;
}

TEST_F(LedgerCliTest, ATechniciansFirstDay) {
    auto init = ctl({"db", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_NE(init.out.find("schema version " + std::to_string(Ledger::kSchemaVersion)), std::string::npos);

    auto imported = ctl({"catalog", "import", kSample});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto exported = ctl({"catalog", "export"});
    ASSERT_EQ(exported.exit_code, 0);
    EXPECT_NE(exported.out.find("电子体温计"), std::string::npos);

    // The PIN comes on stdin, never in argv.
    auto added = ctl({"users", "add", "tech", "--role", "technician"}, "13579\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_TRUE(fs::exists(dir_.path() / "data.pin-pepper")) << "the pepper lives beside the data dir";
    EXPECT_FALSE(fs::exists(dir_.path() / "data" / "data.pin-pepper"));
    EXPECT_EQ(ctl({"users", "add", "anna", "--role", "staff"}, "12\n").exit_code, 1) << "PIN too short";
    EXPECT_EQ(ctl({"users", "add", "anna", "--role", "boss"}, "1234\n").exit_code, 2);
    ASSERT_EQ(ctl({"users", "add", "anna", "--role", "staff"}, "2468\n").exit_code, 0);
    auto listed = ctl({"users", "list", "--json"});
    ASSERT_EQ(listed.exit_code, 0);
    const auto users = json_lines(listed.out);
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0]["login"], "anna");
    EXPECT_EQ(listed.out.find("argon2"), std::string::npos) << "no hashes in the listing";
    EXPECT_EQ(ctl({"users", "unlock", "anna", "--by", "tech"}, "00000\n").exit_code, 1)
        << "wrong technician PIN";
    EXPECT_EQ(ctl({"users", "unlock", "anna", "--by", "tech"}, "13579\n").exit_code, 0);
    EXPECT_EQ(ctl({"users", "reset-pin", "anna"}, "97531\n").exit_code, 0);

    ASSERT_EQ(ctl({"rules", "set", "shelf_life_by_category.antiviral", "180"}).exit_code, 0);
    EXPECT_EQ(ctl({"rules", "set", "minimum_shelf_life_days", "ninety"}).exit_code, 1);
    EXPECT_EQ(ctl({"rules", "set", "colour", "red"}).exit_code, 2);
    auto shown = ctl({"rules", "show", "--json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const auto rules = nlohmann::json::parse(shown.out);
    EXPECT_EQ(rules["rules"]["shelf_life_by_category"]["antiviral"], 180);
    EXPECT_EQ(rules["rules"]["minimum_shelf_life_days"], 90);
    ASSERT_EQ(ctl({"rules", "recall", "06900000000021", "BADLOT"}).exit_code, 0);

    // Record: accepted, a duplicate, a recalled batch, a trace code with the donor's month/year.
    const std::string trace = "81234560000012345678";
    const std::string lines = std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-PLAIN-0001\n" +
                              "]d2010690000000001417281231102611\x1d" + "21SERIAL-PLAIN-0001\n" +
                              "]d20106900000000021172812311" + "0BADLOT\n";
    auto recorded = ctl({"record", "--today", "2026-11-29"}, lines);
    EXPECT_EQ(recorded.exit_code, 1) << "some lines were refused: " << recorded.err;
    const auto results = json_lines(recorded.out);
    ASSERT_EQ(results.size(), 3u) << recorded.out << recorded.err;
    EXPECT_TRUE(results[0]["recorded"].get<bool>());
    EXPECT_EQ(results[0]["category"], "fever");
    EXPECT_EQ(results[1]["reason"], "duplicate");
    EXPECT_EQ(results[2]["reason"], "recalled");
    auto asked = ctl({"record", "--today", "2026-11-29"}, trace + "\n");
    EXPECT_EQ(json_lines(asked.out).at(0)["reason"], "ask-expiry");
    auto with_expiry = ctl({"record", "--today", "2026-11-29", "--expiry", "2028-06"}, trace + "\n");
    ASSERT_EQ(with_expiry.exit_code, 0) << with_expiry.err;
    const auto trace_record = json_lines(with_expiry.out).at(0);
    EXPECT_EQ(trace_record["expiry"], "2028-06-30");
    EXPECT_EQ(trace_record["expiry_precision"], "month");

    auto listed_dropoffs = ctl({"dropoffs", "list", "--json"});
    ASSERT_EQ(listed_dropoffs.exit_code, 0) << listed_dropoffs.err;
    ASSERT_EQ(json_lines(listed_dropoffs.out).size(), 2u);
    // Where each expiry came from: the GS1 code's own, and the month given with --expiry (the picker's).
    std::multiset<std::string> sources;
    for (const auto& line : json_lines(listed_dropoffs.out))
        sources.insert(line.at("expiry_source").get<std::string>());
    EXPECT_EQ(sources, (std::multiset<std::string>{"code", "picker"})) << listed_dropoffs.out;
    EXPECT_EQ(ctl({"dropoffs", "list", "--pending", "--json"}).exit_code, 0);

    auto verified = ctl({"db", "verify-audit"});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    auto exported_all = ctl({"db", "export"});
    ASSERT_EQ(exported_all.exit_code, 0);
    const auto document = nlohmann::json::parse(exported_all.out);
    EXPECT_EQ(document["dropoffs"].size(), 2u);
    EXPECT_GT(document["audit"].size(), 5u);
    EXPECT_EQ(exported_all.out.find("SERIAL-PLAIN-0001"), std::string::npos);

    // Neither the database nor its WAL holds a plain serial or trace code.
    for (const char* suffix : {"", "-wal"}) {
        const std::string bytes = read_file_bytes(dir_.path() / "data" / (std::string("ledger.db") + suffix));
        EXPECT_EQ(bytes.find("SERIAL-PLAIN-0001"), std::string::npos) << suffix;
        EXPECT_EQ(bytes.find(trace), std::string::npos) << suffix;
        EXPECT_EQ(bytes.find("13579"), std::string::npos) << "no plain PIN" << suffix;
    }

    // Tampering shows in verify-audit.
    {
        RawDb raw(dir_.path() / "data" / "ledger.db");
        raw.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 2;");
    }
    auto tampered = ctl({"db", "verify-audit"});
    EXPECT_EQ(tampered.exit_code, 1);
    EXPECT_NE(tampered.out.find("audit row 2"), std::string::npos) << tampered.out;
}

TEST_F(LedgerCliTest, ABadCatalogueImportsNothingAndNamesEveryBadRow) {
    ASSERT_EQ(ctl({"catalog", "import", kSample}).exit_code, 0);
    const fs::path bad = dir_.path() / "bad.csv";
    testing::write_file_bytes(
        bad,
        "product_id,name_zh,name_en,form,strength,category,prescription,controlled,cold_chain,"
        "injectable,device\n"
        "06900000000014,新药,New,tablet,,fever,0,0,0,0,0\n"
        "12-3,名,Name,tablet,,fever,0,0,0,0,0\n"
        "06900000000021,名,Name,tablet,,fever,0,0,0,2,0\n");
    auto result = ctl({"catalog", "import", bad.string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("bad.csv:3:product_id:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("bad.csv:4:injectable:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("nothing was imported"), std::string::npos);
    auto exported = ctl({"catalog", "export"});
    EXPECT_NE(exported.out.find("对乙酰氨基酚片"), std::string::npos) << "the old catalogue stays";
    EXPECT_EQ(exported.out.find("新药"), std::string::npos);
}

TEST_F(LedgerCliTest, ACatalogueWithNulBytesIsRefusedNamingLineAndColumn) {
    ASSERT_EQ(ctl({"catalog", "import", kSample}).exit_code, 0);
    const fs::path bad = dir_.path() / "nul.csv";
    testing::write_file_bytes(bad,
                              std::string("product_id,name_zh,name_en,form,strength,category,prescription,"
                                          "controlled,cold_chain,injectable,device\n"
                                          "06900000000014,新药,New,tablet,,fever,0,0,0,0,0\n"
                                          "06900000000021,名") +
                                  std::string(1, '\0') + "X,Name,tablet,,fever,0,0,0,0,0\n");
    auto result = ctl({"catalog", "import", bad.string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("nul.csv:3:name_zh: holds a NUL byte"), std::string::npos) << result.err;
    auto exported = ctl({"catalog", "export"});
    EXPECT_EQ(exported.out.find("新药"), std::string::npos) << "nothing was imported";
    EXPECT_EQ(exported.out.find(std::string(1, '\0')), std::string::npos);
}

// A folder aborted the import (an uncaught iostream failure), a FIFO hung it, /dev/zero grew it without
// bound; `record` read stdin with an unbounded getline. Each is now refused with a reason, at once.
TEST_F(LedgerCliTest, CatalogueImportReadsOnlyBoundedRegularFilesAndRecordBoundsItsLines) {
    ASSERT_EQ(ctl({"catalog", "import", kSample}).exit_code, 0);
    const fs::path fifo = dir_.path() / "fifo.csv";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    const fs::path long_line = dir_.path() / "long.csv";
    testing::write_file_bytes(long_line,
                              "product_id,name_zh\n0690000000001" + std::string(100'000, '4') + ",x\n");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {dir_.path().string(), "a folder, not a file"},
        {fifo.string(), "a FIFO (named pipe), not a file"},
        {"/dev/zero", "a device, not a file"},
        {long_line.string(), "line 2 is 100015 bytes; a catalogue line holds at most 65536"},
    };
    for (const auto& [file, why] : cases) {
        const auto result = medkiosk::test::run_process(
            {MEDKIOSKCTL_PATH, "catalog", "import", file, "--data-dir", data_dir()}, {},
            std::chrono::seconds(20));
        EXPECT_FALSE(result.timed_out) << file;
        EXPECT_EQ(result.exit_code, 1) << file << result.err;
        EXPECT_NE(result.err.find(file + ": " + why), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("nothing was imported"), std::string::npos) << result.err;
    }
    EXPECT_NE(ctl({"catalog", "export"}).out.find("06900000000014"), std::string::npos)
        << "the catalogue stayed";

    // 160 MB on one line, with the heap capped at 100 MB: refused as unreadable, the next line recorded.
    const std::string scan = std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-LONG-0001\n";
    const auto record =
        medkiosk::test::run_process({"/usr/bin/prlimit", "--data=104857600", MEDKIOSKCTL_PATH, "record",
                                     "--today", "2026-11-29", "--data-dir", data_dir()},
                                    std::string(160u << 20, '7') + "\n" + scan, std::chrono::seconds(60));
    EXPECT_EQ(record.exit_code, 1) << record.err;
    const auto lines = json_lines(record.out);
    ASSERT_EQ(lines.size(), 2u) << record.out.substr(0, 500);
    EXPECT_EQ(lines[0]["recorded"], false);
    EXPECT_EQ(lines[1]["recorded"], true) << lines[1].dump();
}

// Issue 12: twelve medkioskctl processes guessing a technician's PIN at once. Every guess that was
// checked is counted (no write is lost), and the others were told to wait; before, all twelve were
// checked and the count ended at 1.
TEST_F(LedgerCliTest, TwelveProcessesGuessingAtOnceAreEachCountedOrToldToWait) {
    ASSERT_EQ(ctl({"users", "add", "tech", "--role", "technician"}, "13579\n").exit_code, 0);
    ASSERT_EQ(ctl({"users", "add", "anna", "--role", "staff"}, "2468\n").exit_code, 0);
    std::vector<medkiosk::test::ProcessResult> results(12);
    std::vector<std::thread> guesses;
    for (auto& result : results)
        guesses.emplace_back([&] { result = ctl({"users", "unlock", "anna", "--by", "tech"}, "00000\n"); });
    for (auto& guess : guesses) guess.join();
    int wrong = 0, wait = 0;
    for (const auto& result : results) {
        EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
        if (result.err == "medkioskctl users: wrong PIN\n") ++wrong;
        if (result.err.find("too many wrong PINs; try again in") != std::string::npos) ++wait;
    }
    const auto listed = json_lines(ctl({"users", "list", "--json"}).out);
    int counted = -1;
    for (const auto& user : listed)
        if (user["login"] == "tech") counted = user["failed_attempts"].get<int>();
    EXPECT_EQ(counted, wrong) << "every checked guess is counted";
    EXPECT_EQ(wrong + wait, 12);
    // Three are free; each further one waits 2 s after the last, so only a slow start lets a 4th in.
    EXPECT_GE(wrong, 3);
    EXPECT_LE(wrong, 5);
}

TEST_F(LedgerCliTest, UsageErrorsExitTwo) {
    EXPECT_EQ(ctl({"users"}).exit_code, 2);
    EXPECT_EQ(ctl({"catalog", "import"}).exit_code, 2);
    EXPECT_EQ(ctl({"rules", "set", "minimum_shelf_life_days"}).exit_code, 2);
    EXPECT_EQ(ctl({"record", "--quantity", "0"}).exit_code, 2);
    EXPECT_EQ(ctl({"record", "--expiry", "2028-13"}).exit_code, 2);
    EXPECT_EQ(ctl({"dropoffs", "show"}).exit_code, 2);
    EXPECT_EQ(ctl({"db", "frobnicate"}).exit_code, 2);
}

}  // namespace
}  // namespace medkiosk::storage
