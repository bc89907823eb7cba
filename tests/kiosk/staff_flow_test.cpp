// Staff and technician mode without a window: hidden entry, PIN pad, lockout, queue, settings.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "medkiosk/kiosk/staff_flow.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// Answers nothing by itself: each test replies to the tickets it wants answered.
class FakeOffice : public BackOfficePort {
public:
    std::uint64_t verify_pin(Role role, std::string pin) override {
        pins.emplace_back(role, std::move(pin));
        return ++tickets;
    }
    std::uint64_t query_queue(QueueFilter filter) override {
        filters.push_back(std::move(filter));
        return ++tickets;
    }
    std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) override {
        reviews.emplace_back(std::move(uuids), action);
        return ++tickets;
    }
    std::uint64_t test_hub(std::string) override { return ++tickets; }
    std::uint64_t import_catalogue(std::filesystem::path) override { return ++tickets; }
    std::vector<BackOfficeReply> take_replies() override { return {}; }
    TaskProgress sync_progress() const override { return {}; }
    TaskProgress import_progress() const override { return {}; }

    std::uint64_t tickets = 0;
    std::vector<std::pair<Role, std::string>> pins;
    std::vector<QueueFilter> filters;
    std::vector<std::pair<std::vector<std::string>, ReviewAction>> reviews;
};

class StaffFlowTest : public ::testing::Test {
protected:
    FakeOffice office;
    StaffFlow staff{office};
    Steady::time_point t0 = Steady::now();

    void type(const std::string& digits) {
        for (char c : digits) staff.press_digit(c - '0', t0);
    }
    void sign_in(Role role) {
        staff.open_pin(role, t0);
        type("1234");
        staff.submit(t0);
        staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Accepted, 5, 0s, ""}}, t0);
    }
};

TEST_F(StaffFlowTest, TheHiddenCornerOpensThePinPadOnlyAfterALongPress) {
    staff.hold_corner(t0, t0 + 2s, Role::Staff);
    EXPECT_EQ(staff.screen(), StaffScreen::Closed);
    staff.hold_corner(t0, t0 + 3s, Role::Staff);
    EXPECT_EQ(staff.screen(), StaffScreen::Pin);
}

TEST_F(StaffFlowTest, ThePinIsSentOnceAndNeverKept) {
    staff.open_pin(Role::Staff, t0);
    type("12");
    staff.submit(t0);
    EXPECT_TRUE(office.pins.empty()) << "too short";
    type("34");
    staff.erase(t0);
    type("45");
    EXPECT_EQ(staff.pin_length(), 5u);
    staff.press_digit(12, t0);
    EXPECT_EQ(staff.pin_length(), 5u);
    staff.submit(t0);
    ASSERT_EQ(office.pins.size(), 1u);
    EXPECT_EQ(office.pins[0].second, "12345");
    EXPECT_EQ(staff.pin_length(), 0u);
    EXPECT_TRUE(staff.checking());
    staff.submit(t0);
    type("9");
    EXPECT_EQ(office.pins.size(), 1u) << "no second request while one is being checked";
    EXPECT_EQ(staff.pin_length(), 0u);
}

TEST_F(StaffFlowTest, RightPinOpensTheRolesScreen) {
    sign_in(Role::Staff);
    EXPECT_EQ(staff.screen(), StaffScreen::Queue);
    EXPECT_TRUE(staff.loading()) << "the queue is asked for at once";
    staff.close();
    sign_in(Role::Technician);
    EXPECT_EQ(staff.screen(), StaffScreen::Technician);
    EXPECT_EQ(office.pins.back().first, Role::Technician);
}

TEST_F(StaffFlowTest, WrongPinsLeadToALockoutThatBlocksTheKeypad) {
    staff.open_pin(Role::Staff, t0);
    type("0000");
    staff.submit(t0);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Wrong, 2, 0s, ""}}, t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Pin);
    EXPECT_EQ(staff.last_check()->attempts_left, 2);
    type("0000");
    staff.submit(t0);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::LockedOut, 0, 60s, ""}}, t0);
    EXPECT_TRUE(staff.locked(t0 + 59s));
    EXPECT_EQ(staff.locked_seconds(t0 + 30s), 30);
    type("1234");
    EXPECT_EQ(staff.pin_length(), 0u) << "the keypad is dead while locked";
    staff.submit(t0 + 10s);
    EXPECT_EQ(office.pins.size(), 2u);
    EXPECT_FALSE(staff.locked(t0 + 60s));
    staff.press_digit(1, t0 + 60s);
    EXPECT_EQ(staff.pin_length(), 1u);
}

TEST_F(StaffFlowTest, AnUnavailableSignInStaysOnThePad) {
    staff.open_pin(Role::Technician, t0);
    type("1234");
    staff.submit(t0);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Unavailable, 0, 0s, "no users"}}, t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Pin);
    EXPECT_EQ(staff.last_check()->message, "no users");
}

TEST_F(StaffFlowTest, QueueFiltersSelectionAndBulkActions) {
    sign_in(Role::Staff);
    const std::uint64_t first_query = office.tickets;
    staff.on_reply({first_query, std::vector<QueueItem>{{"a", "", "", "", "accept", "ok", "pending", "sealed", 1},
                                                        {"b", "", "", "", "review", "no-expiry", "pending", "sealed", 2}}},
                   t0);
    EXPECT_EQ(staff.items().size(), 2u);
    staff.apply(ReviewAction::Confirm, t0);
    EXPECT_TRUE(office.reviews.empty()) << "nothing selected";
    staff.toggle("b", t0);
    staff.apply(ReviewAction::Disposal, t0);
    ASSERT_EQ(office.reviews.size(), 1u);
    EXPECT_EQ(office.reviews[0].first, std::vector<std::string>{"b"});
    EXPECT_EQ(office.reviews[0].second, ReviewAction::Disposal);
    staff.on_reply({office.tickets, TaskResult{true, "done"}}, t0);
    EXPECT_TRUE(staff.selected().empty());
    EXPECT_TRUE(staff.loading()) << "a successful action reloads the queue";

    staff.select_all(t0);
    EXPECT_EQ(staff.selected().size(), 2u);
    QueueFilter filter;
    filter.review_state = "pending";
    filter.decision = "review";
    staff.set_filter(filter, t0);
    EXPECT_EQ(office.filters.back().decision, "review");
    staff.on_reply({office.tickets, std::vector<QueueItem>{{"b", "", "", "", "review", "no-expiry", "pending", "sealed", 2}}}, t0);
    EXPECT_EQ(staff.selected(), std::set<std::string>{"b"}) << "selection keeps only rows still shown";

    staff.select_all(t0);
    staff.apply(ReviewAction::Refuse, t0);
    staff.on_reply({office.tickets, TaskResult{false, "pending integration"}}, t0);
    EXPECT_EQ(staff.message(), "pending integration");
    EXPECT_FALSE(staff.message_ok());
    EXPECT_EQ(staff.selected().size(), 1u) << "a failed action keeps the selection";
}

TEST_F(StaffFlowTest, AnUnattendedStaffScreenClosesItself) {
    sign_in(Role::Staff);
    staff.tick(t0 + 119s);
    EXPECT_EQ(staff.screen(), StaffScreen::Queue);
    staff.tick(t0 + 120s);
    EXPECT_EQ(staff.screen(), StaffScreen::Closed);
    EXPECT_TRUE(staff.items().empty());
}

TEST_F(StaffFlowTest, ALateReplyForAClosedPadIsIgnored) {
    staff.open_pin(Role::Staff, t0);
    type("1234");
    staff.submit(t0);
    const auto ticket = office.tickets;
    staff.close();
    staff.on_reply({ticket, PinCheck{PinCheck::Outcome::Accepted, 5, 0s, ""}}, t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Closed);
}

// The real local back office: its lockout, on its own thread.
BackOfficeReply wait_reply(BackOfficePort& office, std::uint64_t ticket) {
    for (int i = 0; i < 500; ++i) {
        for (auto& reply : office.take_replies()) {
            if (reply.ticket == ticket) return reply;
        }
        std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "no reply for ticket " << ticket;
    return {};
}

// A real ledger with real users (PINs hashed by UserService with a real pepper) in a temp dir.
class LocalBackOfficeTest : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path ledger_file = dir.path() / "ledger.db";
    std::filesystem::path pepper_file = dir.path() / "pin-pepper";
    storage::LedgerOptions ledger_options{"kiosk-test", dir.path() / "county.key"};
    std::unique_ptr<storage::Ledger> book = open_ledger();
    std::string pepper = load_pepper(pepper_file, true).value();
    UserService users{*book, pepper, PinCost::minimal()};

    std::unique_ptr<storage::Ledger> open_ledger() {
        auto opened = storage::Ledger::open(ledger_file, ledger_options);
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        return std::move(opened.value());
    }
    void add_user(const std::string& login, const std::string& role, const std::string& pin) {
        auto added = users.add_user(login, role, pin, "test");
        ASSERT_TRUE(added.ok()) << added.error().message;
    }
    std::unique_ptr<BackOfficePort> make_office(std::string staff_pin = "", std::string technician_pin = "") {
        return make_local_back_office(
            {ledger_file, std::move(staff_pin), std::move(technician_pin), 3, std::chrono::seconds(60), ledger_options, pepper_file});
    }
    static PinCheck check(BackOfficePort& office, Role role, const std::string& pin) {
        const auto reply = wait_reply(office, office.verify_pin(role, pin));
        const auto* result = std::get_if<PinCheck>(&reply.result);
        EXPECT_NE(result, nullptr);
        return result == nullptr ? PinCheck{} : *result;
    }
    static TaskResult task(BackOfficePort& office, std::uint64_t ticket) {
        const auto reply = wait_reply(office, ticket);
        const auto* result = std::get_if<TaskResult>(&reply.result);
        EXPECT_NE(result, nullptr);
        return result == nullptr ? TaskResult{} : *result;
    }
    std::string record(const std::string& decision) {
        auto session = book->begin_session();
        EXPECT_TRUE(session.ok());
        storage::DropOffInput input;
        input.session_id = session.value().id;
        input.scheme = "gs1";
        input.gtin = "06900000000014";
        input.expiry = "2028-06-30";
        input.expiry_precision = "day";
        input.decision = decision;
        input.reason = decision == "refuse" ? "expired" : "ok";
        auto recorded = book->record_dropoff(input);
        EXPECT_TRUE(recorded.ok()) << recorded.error().message;
        return recorded.value().uuid;
    }
    storage::UserRecord user(const std::string& login) { return book->find_user(login).value().value(); }
};

TEST_F(LocalBackOfficeTest, APinSignsInItsOwnerOnlyForTheirRole) {
    add_user("wang", "staff", "2468");
    add_user("zhao", "staff", "8642");
    add_user("li", "technician", "1357");
    auto office = make_office("9999", "9999");
    EXPECT_EQ(check(*office, Role::Staff, "8642").outcome, PinCheck::Outcome::Accepted);
    EXPECT_EQ(user("wang").failed_attempts, 0) << "zhao's sign-in is not a failure for wang";
    EXPECT_EQ(check(*office, Role::Technician, "1357").outcome, PinCheck::Outcome::Accepted);
    const PinCheck staff_pin_as_technician = check(*office, Role::Technician, "2468");
    EXPECT_EQ(staff_pin_as_technician.outcome, PinCheck::Outcome::Wrong);
    EXPECT_EQ(staff_pin_as_technician.attempts_left, UserService::kLockAfter - 1);
    EXPECT_EQ(user("li").failed_attempts, 1);
    EXPECT_EQ(check(*office, Role::Staff, "9999").outcome, PinCheck::Outcome::Wrong)
        << "the development PIN is ignored once users exist";
    EXPECT_EQ(user("wang").failed_attempts, 1) << "a PIN nobody owns counts against every user of the role";
    EXPECT_EQ(user("zhao").failed_attempts, 1);
}

TEST_F(LocalBackOfficeTest, WrongPinsMakeThePadWaitThenLockUntilATechnicianUnlocks) {
    add_user("wang", "staff", "2468");
    auto office = make_office();
    EXPECT_EQ(check(*office, Role::Staff, "0000").attempts_left, UserService::kLockAfter - 1);
    EXPECT_EQ(check(*office, Role::Staff, "0000").outcome, PinCheck::Outcome::Wrong);
    const PinCheck waiting = check(*office, Role::Staff, "0000");
    EXPECT_EQ(waiting.outcome, PinCheck::Outcome::LockedOut);
    EXPECT_EQ(waiting.locked_for, UserService::delay_after(UserService::kFreeAttempts));
    EXPECT_TRUE(waiting.message.empty()) << "a wait, not a lock";
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::LockedOut) << "even the right PIN waits";

    // One failure short of the lock, the last one long ago: the next wrong PIN locks.
    storage::UserRecord almost = user("wang");
    almost.failed_attempts = UserService::kLockAfter - 1;
    almost.last_failure_at = "2020-01-01T00:00:00.000Z";
    ASSERT_TRUE(book->update_login_state(almost, "test", "test").ok());
    const PinCheck locked = check(*office, Role::Staff, "0000");
    EXPECT_EQ(locked.outcome, PinCheck::Outcome::LockedOut);
    EXPECT_FALSE(locked.message.empty()) << "locked until a technician unlocks";
    EXPECT_TRUE(user("wang").locked);
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::LockedOut);

    ASSERT_TRUE(users.unlock_as_administrator("wang", "test").ok());
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
}

TEST_F(LocalBackOfficeTest, TheQueueShowsPendingDropOffsAndAnApproveIsStoredWithItsAuditRow) {
    add_user("wang", "staff", "2468");
    const std::string accepted = record("accept");
    const std::string reviewed = record("review");
    record("refuse");
    auto office = make_office();

    const auto queue = wait_reply(*office, office->query_queue({}));
    const auto* items = std::get_if<std::vector<QueueItem>>(&queue.result);
    ASSERT_NE(items, nullptr);
    ASSERT_EQ(items->size(), 2u) << "refused packs are not the pharmacist's work";
    EXPECT_EQ((*items)[0].uuid, accepted);
    EXPECT_EQ((*items)[1].uuid, reviewed);
    EXPECT_EQ((*items)[0].code, "06900000000014");

    const TaskResult unsigned_review = task(*office, office->review({accepted}, ReviewAction::Confirm));
    EXPECT_FALSE(unsigned_review.ok) << "no one signed in";
    EXPECT_NE(unsigned_review.message.find("users add"), std::string::npos) << unsigned_review.message;

    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    const TaskResult approved = task(*office, office->review({accepted}, ReviewAction::Confirm));
    EXPECT_TRUE(approved.ok) << approved.message;
    const TaskResult again = task(*office, office->review({accepted, reviewed}, ReviewAction::Disposal));
    EXPECT_FALSE(again.ok) << "the approved one was already reviewed";
    EXPECT_NE(again.message.find("1 of 2"), std::string::npos) << again.message;
    const TaskResult reclassify = task(*office, office->review({reviewed}, ReviewAction::Reclassify));
    EXPECT_FALSE(reclassify.ok);
    EXPECT_NE(reclassify.message.find("re-classify"), std::string::npos) << reclassify.message;

    const auto after = wait_reply(*office, office->query_queue({}));
    EXPECT_TRUE(std::get<std::vector<QueueItem>>(after.result).empty());
    QueueFilter confirmed;
    confirmed.review_state = "confirmed";
    const auto history = wait_reply(*office, office->query_queue(confirmed));
    const auto& shown = std::get<std::vector<QueueItem>>(history.result);
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_EQ(shown[0].uuid, accepted);

    const auto audit = book->audit_rows();
    ASSERT_TRUE(audit.ok());
    int approvals = 0;
    for (const auto& row : audit.value()) {
        if (row.action == "review-approve" && row.entity_id == accepted && row.actor == "wang") ++approvals;
    }
    EXPECT_EQ(approvals, 1);
    EXPECT_TRUE(book->verify_audit().value().ok());
}

TEST_F(LocalBackOfficeTest, TheTechnicianImportsACatalogueAllOrNothing) {
    add_user("li", "technician", "1357");
    auto office = make_office();
    const auto good = dir.path() / "good.csv";
    const auto bad = dir.path() / "bad.csv";
    const std::string header =
        "product_id,name_zh,name_en,form,strength,category,prescription,controlled,cold_chain,injectable,device\n";
    std::ofstream(good) << header << "06900000000014,对乙酰氨基酚片,Paracetamol,tablet,500 mg,fever,0,0,0,0,0\n";
    std::ofstream(bad) << header << "06900000000015,布洛芬,Ibuprofen,tablet,,fever,0,0,0,0,0\n";
    EXPECT_FALSE(task(*office, office->import_catalogue(good)).ok) << "no technician signed in";
    ASSERT_EQ(check(*office, Role::Technician, "1357").outcome, PinCheck::Outcome::Accepted);
    const TaskResult refused = task(*office, office->import_catalogue(bad));
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.message.find("line 2"), std::string::npos) << refused.message;
    EXPECT_TRUE(book->catalogue().value().empty());
    const TaskResult imported = task(*office, office->import_catalogue(good));
    EXPECT_TRUE(imported.ok) << imported.message;
    ASSERT_EQ(book->catalogue().value().size(), 1u);
}

// DEVELOPMENT FALLBACK: with no user at all, the env-var PINs and their in-memory lockout.
TEST_F(LocalBackOfficeTest, DevelopmentPinsWorkOnlyWhileThereAreNoUsers) {
    auto office = make_office("2468", "");
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    EXPECT_EQ(check(*office, Role::Staff, "1111").attempts_left, 2);
    EXPECT_EQ(check(*office, Role::Staff, "1111").attempts_left, 1);
    const PinCheck locked = check(*office, Role::Staff, "1111");
    EXPECT_EQ(locked.outcome, PinCheck::Outcome::LockedOut);
    EXPECT_EQ(locked.locked_for, std::chrono::seconds(60));
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::LockedOut) << "even the right PIN";
    const PinCheck technician = check(*office, Role::Technician, "2468");
    EXPECT_EQ(technician.outcome, PinCheck::Outcome::Unavailable);
    EXPECT_NE(technician.message.find("users add"), std::string::npos) << technician.message;
}

TEST(LocalBackOffice, AMissingLedgerIsAnErrorNotACrash) {
    test::TempDir dir;
    auto office = make_local_back_office({dir.path() / "none" / "ledger.db", "", "", 5, std::chrono::seconds(60), {}, {}});
    const auto reply = wait_reply(*office, office->query_queue({}));
    const auto* result = std::get_if<TaskResult>(&reply.result);
    ASSERT_NE(result, nullptr);
    EXPECT_FALSE(result->ok);
    EXPECT_NE(result->message.find("ledger"), std::string::npos) << result->message;
}

TEST(DiagnosticsMeter, CountsCodesOverTheLastMinute) {
    DiagnosticsMeter meter;
    const auto t0 = Steady::now();
    scanner::PipelineStats stats;
    stats.capture_fps = 29.5;
    stats.decode_ms = 14;
    meter.sample(stats, t0);
    EXPECT_EQ(meter.codes_per_minute(), 0);
    stats.events = 3;
    meter.sample(stats, t0 + 20s);
    EXPECT_EQ(meter.codes_per_minute(), 3);
    stats.events = 5;
    meter.sample(stats, t0 + 85s);
    EXPECT_EQ(meter.codes_per_minute(), 2) << "codes older than a minute drop out";
    EXPECT_DOUBLE_EQ(meter.fps(), 29.5);
    EXPECT_DOUBLE_EQ(meter.decode_ms(), 14);
}

}  // namespace
}  // namespace medkiosk::kiosk
