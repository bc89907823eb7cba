#include "medkiosk/kiosk/ledger_worker.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "medkiosk/kiosk/catalogue_import.hpp"
#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

std::vector<LedgerReply> wait_for_replies(LedgerWorker& worker, std::size_t count) {
    std::vector<LedgerReply> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
        for (auto& reply : worker.take_replies()) all.push_back(std::move(reply));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return all;
}

TEST(LedgerWorker, RecordsOnItsOwnThreadAndRepliesByTicket) {
    test::TempDir dir;
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto session_ticket = worker.begin_session();
    auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    ASSERT_EQ(replies[0].ticket, session_ticket);
    const auto* session = answer_if<storage::DonationSession>(replies[0]);
    ASSERT_NE(session, nullptr);
    EXPECT_TRUE(worker.ready());

    storage::DropOffInput input;
    input.session_id = session->id;
    input.scheme = "gs1";
    input.gtin = "09520123456788";
    input.expiry = "2027-06-30";
    input.expiry_precision = "day";
    input.decision = "accept";
    input.reason = "ok";
    const auto record_ticket = worker.record(input);
    replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].ticket, record_ticket);
    const auto* record = answer_if<storage::DropOffRecord>(replies[0]);
    ASSERT_NE(record, nullptr) << replies[0].result.error().message;
    EXPECT_EQ(record->gtin, "09520123456788");
    EXPECT_EQ(record->kiosk_id, "kiosk-test");
}

TEST(LedgerWorker, AnUnopenableLedgerAnswersEveryRequestWithTheReason) {
    test::TempDir dir;
    // A directory where the database file should be cannot be opened as a database.
    std::filesystem::create_directories(dir.path() / "ledger.db");
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    worker.begin_session();
    const auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    ASSERT_FALSE(replies[0].result.ok());
    EXPECT_FALSE(replies[0].result.error().message.empty());
    EXPECT_FALSE(worker.ready());
    EXPECT_FALSE(worker.open_error().empty());
}

TEST(LedgerWorker, RetriesTheOpenWithBackoffUntilTheLedgerCanBeOpened) {
    test::TempDir dir;
    // Unopenable for now (as a data disk not mounted yet would be); the worker keeps trying.
    std::filesystem::create_directories(dir.path() / "ledger.db");
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"},
                        LedgerRetry{std::chrono::milliseconds(20), std::chrono::milliseconds(100)});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (worker.open_error().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_FALSE(worker.open_error().empty());
    EXPECT_FALSE(worker.ready());

    std::filesystem::remove(dir.path() / "ledger.db");
    while (!worker.ready() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(worker.ready()) << "still failing: " << worker.open_error();
    EXPECT_TRUE(worker.open_error().empty());
    worker.begin_session();
    const auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(answer_if<storage::DonationSession>(replies[0]), nullptr);
}

std::shared_ptr<const PolicySnapshot> wait_for_policy(
    const LedgerWorker& worker, const std::shared_ptr<const PolicySnapshot>& older = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto current = worker.policy(); current && current != older) return current;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return nullptr;
}

std::vector<storage::CatalogueEntry> sample_catalogue() {
    std::ifstream in(std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto parse = parse_catalogue_csv(text.str());
    EXPECT_TRUE(parse.ok());
    return parse.entries;
}

// A ledger as a technician leaves it: the sample catalogue, a drive running today, county rules and
// one recalled batch.
void prepare_ledger(const test::TempDir& dir) {
    auto opened = storage::Ledger::open(dir.path() / "ledger.db",
                                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    ASSERT_TRUE(opened) << opened.error().message;
    auto& ledger = *opened.value();
    ASSERT_TRUE(ledger.reference().replace_catalogue(sample_catalogue(), "test"));
    storage::Drive drive;
    drive.name = "all year";
    drive.starts_on = "2000-01-01";
    drive.ends_on = "2099-12-31";
    drive.rules_json = R"({"minimum_shelf_life_days": 30})";
    ASSERT_TRUE(ledger.reference().add_drive(drive, "test"));
    ASSERT_TRUE(
        ledger.reference().set_setting("policy.rules", R"({"excluded_categories": ["cold"]})", "test"));
    ASSERT_TRUE(ledger.reference().add_recall(storage::Recall{"06900000000014", "BAD1", "test"}, "test"));
}

TEST(LedgerWorkerPolicy, LoadsTheSnapshotWhenTheLedgerOpens) {
    test::TempDir dir;
    prepare_ledger(dir);
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto snapshot = wait_for_policy(worker);
    ASSERT_NE(snapshot, nullptr) << worker.policy_error();
    EXPECT_EQ(snapshot->products.size(), sample_catalogue().size());
    scanner::PackCode pack;
    pack.gtin = "06900000000021";
    const auto product = snapshot->find(pack);
    ASSERT_TRUE(product);
    EXPECT_EQ(product->name_en, "Ibuprofen sustained-release capsules");
    EXPECT_EQ(product->category, "fever");
    ASSERT_TRUE(snapshot->drive);
    EXPECT_EQ(snapshot->drive->minimum_shelf_life_days, 30);
    EXPECT_GT(snapshot->drive_id, 0);
    EXPECT_EQ(snapshot->loaded_for, scanner::local_today());
    PolicyRules base;
    base.minimum_shelf_life_days = 120;
    const PolicyRules rules = snapshot->rules(base);
    EXPECT_EQ(rules.excluded_categories.count("cold"), 1u);
    EXPECT_EQ(rules.minimum_shelf_life_days, 120) << "what the county did not set keeps the kiosk's value";
    EXPECT_TRUE(worker.policy_error().empty());
}

TEST(LedgerWorkerPolicy, AnEmptyLedgerGivesAnEmptySnapshot) {
    test::TempDir dir;
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto snapshot = wait_for_policy(worker);
    ASSERT_NE(snapshot, nullptr) << worker.policy_error();
    EXPECT_TRUE(snapshot->products.empty());
    EXPECT_FALSE(snapshot->drive);
    EXPECT_FALSE(snapshot->rules_json);
}

TEST(LedgerWorkerPolicy, ReloadsOnRequestAfterACatalogueImport) {
    test::TempDir dir;
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto first = wait_for_policy(worker);
    ASSERT_NE(first, nullptr);
    ASSERT_TRUE(first->products.empty());
    prepare_ledger(dir);  // a second connection, as the back office's import uses
    worker.refresh_policy();
    const auto second = wait_for_policy(worker, first);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->products.size(), sample_catalogue().size());
    EXPECT_TRUE(first->products.empty()) << "a published snapshot never changes under its reader";
}

TEST(LedgerWorkerPolicy, MalformedCountyRulesKeepThePreviousSnapshotAndSayWhy) {
    test::TempDir dir;
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto first = wait_for_policy(worker);
    ASSERT_NE(first, nullptr);
    {
        auto opened = storage::Ledger::open(dir.path() / "ledger.db",
                                            storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
        ASSERT_TRUE(opened);
        ASSERT_TRUE(opened.value()->reference().set_setting(
            "policy.rules", R"({"minimum_shelf_life_days": "lots"})", "test"));
    }
    worker.refresh_policy();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (worker.policy_error().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_NE(worker.policy_error().find("policy.rules"), std::string::npos) << worker.policy_error();
    EXPECT_EQ(worker.policy(), first);
}

// The flow on the real ledger thread: a recalled batch is refused, a pack is recorded with its
// category and drive, and the same serial shown again is refused as a duplicate.
TEST(LedgerWorkerPolicy, TheFlowRefusesRecallsAndDuplicatesFromTheRealLedger) {
    test::TempDir dir;
    prepare_ledger(dir);
    LedgerWorker worker(dir.path() / "ledger.db",
                        storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    ASSERT_NE(wait_for_policy(worker), nullptr);
    SnapshotProductInfo products(worker);
    DonationFlow flow(worker, FlowSettings{}, &products, &worker);
    const auto today = scanner::local_today();
    const scanner::Date expiry{today.year + 2, 6, 30};
    auto now = Clock::now();
    const auto pump = [&] {
        for (auto& reply : wait_for_replies(worker, 1)) flow.on_reply(reply);
    };
    const auto scan = [&](const std::string& batch, const std::string& serial) {
        scanner::PackCode pack;
        pack.scheme = scanner::Scheme::Gs1;
        pack.gtin = "06900000000014";
        pack.batch = batch;
        pack.serial = serial;
        pack.expiry = expiry;
        scanner::DecodedSymbol symbol;
        symbol.text = batch + "/" + serial;
        now += std::chrono::seconds(5);  // each box after the last verdict was read and its box put away
        flow.on_scan(scanner::ScanEvent{symbol, scanner::ParseResult(pack), 1}, today, now);
        pump();
    };
    flow.start(now);
    pump();  // the session (the policy reload answers nothing)
    ASSERT_TRUE(flow.session()) << flow.session_error();

    scan("BAD1", "SER-A");
    EXPECT_EQ(flow.current()->assessment.reason, "recalled");

    scan("GOOD1", "SER-A");
    ASSERT_EQ(flow.current()->assessment.reason, "ok");
    ASSERT_TRUE(flow.current()->product);
    EXPECT_EQ(flow.current()->product->name_zh, "对乙酰氨基酚片");
    flow.confirm(now);
    const auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    const auto* record = answer_if<storage::DropOffRecord>(replies[0]);
    ASSERT_NE(record, nullptr) << replies[0].result.error().message;
    EXPECT_EQ(record->category, "fever");
    EXPECT_GT(record->drive_id, 0);
    flow.on_reply(replies[0]);
    flow.dismiss(now);

    scan("GOOD1", "SER-A");
    EXPECT_EQ(flow.current()->assessment.reason, "duplicate");
}

// The kiosk stands in China (UTC+8). At 01:00 on 2 December local time it is still 1 December in UTC: a
// pack that expired on 1 December must be refused already, and the policy is the one for 2 December.
TEST(LedgerWorkerPolicy, AtOneInTheMorningInChinaYesterdaysExpiryIsExpired) {
    const std::string saved_tz = std::getenv("TZ") != nullptr ? std::getenv("TZ") : "";
    const bool had_tz = std::getenv("TZ") != nullptr;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    test::TempDir dir;
    prepare_ledger(dir);
    // 2026-12-01T17:00:00Z is 2026-12-02 01:00 in Shanghai.
    const auto one_am_in_china = std::chrono::system_clock::time_point{} +
                                 std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}.time_since_epoch() +
                                 std::chrono::hours(17);
    const scanner::WallClock clock = [&] { return one_am_in_china; };
    {
        LedgerWorker worker(dir.path() / "ledger.db",
                            storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"}, {}, clock);
        const auto snapshot = wait_for_policy(worker);
        ASSERT_NE(snapshot, nullptr) << worker.policy_error();
        EXPECT_EQ(snapshot->loaded_for, (scanner::Date{2026, 12, 2}));

        scanner::PackCode pack;
        pack.scheme = scanner::Scheme::Gs1;
        pack.gtin = "06900000000014";
        pack.expiry = scanner::Date{2026, 12, 1};
        const auto verdict = assess(pack, scanner::local_today(clock), snapshot->rules(PolicyRules{}));
        EXPECT_EQ(verdict.reason, "expired") << "judged on " << scanner::to_iso(scanner::local_today(clock));
    }
    if (had_tz)
        setenv("TZ", saved_tz.c_str(), 1);
    else
        unsetenv("TZ");
    tzset();
}

}  // namespace
}  // namespace medkiosk::kiosk
