#include <gtest/gtest.h>

#include <thread>

#include "medkiosk/kiosk/ledger_worker.hpp"
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
    LedgerWorker worker(dir.path() / "ledger.db", storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    const auto session_ticket = worker.begin_session();
    auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    ASSERT_EQ(replies[0].ticket, session_ticket);
    const auto* session = std::get_if<storage::DonationSession>(&replies[0].result);
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
    const auto* record = std::get_if<storage::DropOffRecord>(&replies[0].result);
    ASSERT_NE(record, nullptr) << std::get<storage::Error>(replies[0].result).message;
    EXPECT_EQ(record->gtin, "09520123456788");
    EXPECT_EQ(record->kiosk_id, "kiosk-test");
}

TEST(LedgerWorker, AnUnopenableLedgerAnswersEveryRequestWithTheReason) {
    test::TempDir dir;
    // A directory where the database file should be cannot be opened as a database.
    std::filesystem::create_directories(dir.path() / "ledger.db");
    LedgerWorker worker(dir.path() / "ledger.db", storage::LedgerOptions{"kiosk-test", dir.path() / "county.key"});
    worker.begin_session();
    const auto replies = wait_for_replies(worker, 1);
    ASSERT_EQ(replies.size(), 1u);
    const auto* error = std::get_if<storage::Error>(&replies[0].result);
    ASSERT_NE(error, nullptr);
    EXPECT_FALSE(error->message.empty());
    EXPECT_FALSE(worker.ready());
    EXPECT_FALSE(worker.open_error().empty());
}

}  // namespace
}  // namespace medkiosk::kiosk
