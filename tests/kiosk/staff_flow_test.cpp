// Staff and technician mode without a window: hidden entry, PIN pad, lockout, queue, settings.
#include "medkiosk/kiosk/staff_flow.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// Answers nothing by itself: each test replies to the tickets it wants answered.
class FakeOffice : public SignInPort, public StaffPort {
  public:
    std::uint64_t verify_pin(Role role, std::string pin) override {
        pins.emplace_back(role, std::move(pin));
        return ++tickets;
    }
    std::uint64_t query_queue(QueueFilter filter) override {
        filters.push_back(std::move(filter));
        queue_tickets.push_back(++tickets);
        return tickets;
    }
    std::uint64_t review(std::vector<std::string> uuids, ReviewAction action) override {
        reviews.emplace_back(std::move(uuids), action);
        review_tickets.push_back(++tickets);
        return tickets;
    }
    std::uint64_t undo_review(std::vector<std::string> uuids, ReviewAction action) override {
        undone.emplace_back(std::move(uuids), action);
        undo_tickets.push_back(++tickets);
        return tickets;
    }
    std::uint64_t reclassify(std::vector<std::string> uuids, std::string category) override {
        reclassified.emplace_back(std::move(uuids), std::move(category));
        return ++tickets;
    }
    std::uint64_t query_categories() override {
        category_queries.push_back(++tickets);
        return tickets;
    }
    std::uint64_t query_dispatch_plan() override {
        plan_queries.push_back(++tickets);
        return tickets;
    }
    std::uint64_t dispatch(DispatchChoice choice) override {
        dispatches.push_back(std::move(choice));
        return ++tickets;
    }
    std::uint64_t query_charts(int days) override {
        chart_days.push_back(days);
        return ++tickets;
    }
    std::optional<storage::SyncProgress> sync_state() const override { return std::nullopt; }

    std::uint64_t tickets = 0;
    std::vector<std::pair<Role, std::string>> pins;
    std::vector<QueueFilter> filters;
    std::vector<std::uint64_t> queue_tickets;
    std::vector<std::pair<std::vector<std::string>, ReviewAction>> reviews;
    std::vector<std::pair<std::vector<std::string>, ReviewAction>> undone;
    std::vector<std::uint64_t> undo_tickets;
    std::vector<std::pair<std::vector<std::string>, std::string>> reclassified;
    std::vector<std::uint64_t> category_queries;
    std::vector<std::uint64_t> plan_queries;
    std::vector<std::uint64_t> review_tickets;
    std::vector<DispatchChoice> dispatches;
    std::vector<int> chart_days;
};

storage::ClinicChoice clinic(std::string id, std::string name_zh, std::string township_zh) {
    storage::ClinicChoice made;
    made.clinic_id = std::move(id);
    made.name_zh = std::move(name_zh);
    made.name_en = made.clinic_id;
    made.kind = "village-clinic";
    made.township_zh = std::move(township_zh);
    made.township_en = made.township_zh;
    return made;
}

QueueItem item(std::string uuid, std::string decision, int quantity = 1, std::string expiry = "") {
    QueueItem made;
    made.uuid = std::move(uuid);
    made.decision = std::move(decision);
    made.review_state = "pending";
    made.condition = "sealed";
    made.quantity = quantity;
    made.expiry = std::move(expiry);
    return made;
}

class StaffFlowTest : public ::testing::Test {
  protected:
    FakeOffice office;
    StaffFlow staff{office, office};
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
    EXPECT_FALSE(staff.locked(t0)) << "a free attempt: no wait";
    // A wrong PIN past the free ones: still a wrong PIN with attempts left, and the pad waits.
    type("0000");
    staff.submit(t0);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Wrong, 1, 2s, ""}}, t0);
    EXPECT_EQ(staff.last_check()->outcome, PinCheck::Outcome::Wrong);
    EXPECT_EQ(staff.last_check()->attempts_left, 1);
    EXPECT_TRUE(staff.locked(t0 + 1s));
    type("12");
    EXPECT_EQ(staff.pin_length(), 0u) << "no typing during the wait";
    EXPECT_FALSE(staff.locked(t0 + 2s));
    for (char c : std::string("0000")) staff.press_digit(c - '0', t0 + 2s);
    staff.submit(t0 + 2s);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::LockedOut, 0, 60s, ""}}, t0);
    EXPECT_TRUE(staff.locked(t0 + 59s));
    EXPECT_EQ(staff.locked_seconds(t0 + 30s), 30);
    type("1234");
    EXPECT_EQ(staff.pin_length(), 0u) << "the keypad is dead while locked";
    staff.submit(t0 + 10s);
    EXPECT_EQ(office.pins.size(), 3u);
    EXPECT_FALSE(staff.locked(t0 + 60s));
    staff.press_digit(1, t0 + 60s);
    EXPECT_EQ(staff.pin_length(), 1u);
}

TEST_F(StaffFlowTest, AStaffPadMadeToWaitLeavesTheTechnicianPadFree) {
    staff.open_pin(Role::Staff, t0);
    type("0000");
    staff.submit(t0);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::LockedOut, 0, 900s, ""}}, t0);
    EXPECT_TRUE(staff.locked(t0 + 1s));
    // Each role's pad waits on its own count in the ledger: the technician still signs in.
    staff.switch_role(Role::Technician, t0 + 1s);
    EXPECT_FALSE(staff.locked(t0 + 1s));
    for (char c : std::string("1357")) staff.press_digit(c - '0', t0 + 1s);
    staff.submit(t0 + 1s);
    ASSERT_EQ(office.pins.size(), 2u);
    EXPECT_EQ(office.pins.back().first, Role::Technician);
    staff.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Wrong, 0, 0s, ""}}, t0 + 1s);
    staff.switch_role(Role::Staff, t0 + 2s);
    EXPECT_EQ(staff.locked_seconds(t0 + 2s), 898) << "the staff pad still waits";
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
    const std::uint64_t first_query = office.queue_tickets.back();
    staff.on_reply({first_query, std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}}, t0);
    EXPECT_EQ(staff.items().size(), 2u);
    staff.apply(ReviewAction::Approve, t0);
    EXPECT_TRUE(office.reviews.empty()) << "nothing selected";
    staff.toggle("b", t0);
    staff.apply(ReviewAction::Dispose, t0);
    EXPECT_TRUE(office.reviews.empty()) << "a disposal waits for its undo window";
    staff.tick(t0 + 10s);
    ASSERT_EQ(office.reviews.size(), 1u);
    EXPECT_EQ(office.reviews[0].first, std::vector<std::string>{"b"});
    EXPECT_EQ(office.reviews[0].second, ReviewAction::Dispose);
    staff.on_reply({office.tickets, Done{"done"}}, t0);
    EXPECT_TRUE(staff.selected().empty());
    EXPECT_TRUE(staff.loading()) << "a successful action reloads the queue";
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}},
        t0);

    staff.select_all(t0);
    EXPECT_EQ(staff.selected().size(), 2u);
    QueueFilter filter;
    filter.review_state = "pending";
    filter.decision = "review";
    staff.set_filter(filter, t0);
    EXPECT_EQ(office.filters.back().decision, "review");
    staff.on_reply({office.tickets, std::vector<QueueItem>{item("b", "review", 2)}}, t0);
    EXPECT_EQ(staff.selected(), std::set<std::string>{"b"}) << "selection keeps only rows still shown";

    staff.select_all(t0);
    staff.apply(ReviewAction::Approve, t0);
    staff.on_reply({office.tickets, Error{ErrorCode::Invalid, "pending integration"}}, t0);
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

// A technician typing a long form is not signed out 120 s after sign-in: the clock runs from the
// last touch.
TEST_F(StaffFlowTest, AScreenInUseStaysOpenTheTimeoutCountsFromTheLastTouch) {
    sign_in(Role::Technician);
    staff.touch(t0 + 100s);
    staff.tick(t0 + 200s);
    EXPECT_NE(staff.screen(), StaffScreen::Closed) << "closed 200 s after sign-in while in use";
    staff.tick(t0 + 220s);
    EXPECT_EQ(staff.screen(), StaffScreen::Closed);
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

// --- Staff queue filters, re-classify, dispatch and charts (the flow against a fake port).

class StaffWorkTest : public StaffFlowTest {
  protected:
    void SetUp() override {
        sign_in(Role::Staff);
        ASSERT_FALSE(office.category_queries.empty()) << "the queue asks for the catalogue's categories";
        staff.on_reply({office.category_queries.back(), CategoryList{{"cough", "fever"}}}, t0);
        staff.on_reply({office.queue_tickets.back(),
                        std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}},
                       t0);
    }
};

// --- Refuse and dispose can be undone for 10 s: held back in the flow, never recorded and reversed.

TEST(ReviewHoldTest, AHoldIsDueAtTheEndOfItsWindowAndUndoableOnlyBefore) {
    const Steady::time_point t0{};
    ReviewHold hold(10s);
    EXPECT_FALSE(ReviewHold::undoable(ReviewAction::Approve));
    EXPECT_TRUE(ReviewHold::undoable(ReviewAction::Reject));
    EXPECT_TRUE(ReviewHold::undoable(ReviewAction::Dispose));
    EXPECT_FALSE(hold.hold({"a", "b"}, ReviewAction::Reject, t0).has_value()) << "nothing displaced";
    EXPECT_TRUE(hold.holds("a"));
    EXPECT_FALSE(hold.holds("c"));
    EXPECT_EQ(hold.seconds_left(t0), 10);
    EXPECT_EQ(hold.seconds_left(t0 + 9001ms), 1) << "rounded up: never shows 0 while it can be undone";
    EXPECT_FALSE(hold.take_due(t0 + 9999ms).has_value());
    const auto due = hold.take_due(t0 + 10s);
    ASSERT_TRUE(due.has_value());
    EXPECT_EQ(due->uuids, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(due->action, ReviewAction::Reject);
    EXPECT_FALSE(hold.held().has_value());
    EXPECT_EQ(hold.seconds_left(t0 + 10s), 0);

    hold.hold({"c"}, ReviewAction::Dispose, t0);
    EXPECT_FALSE(hold.undo(t0 + 10s).has_value()) << "final once the window has passed, ticked or not";
    EXPECT_TRUE(hold.held().has_value()) << "still to be recorded";
    hold.release();
    hold.hold({"c"}, ReviewAction::Dispose, t0);
    const auto undone = hold.undo(t0 + 9s);
    ASSERT_TRUE(undone.has_value());
    EXPECT_EQ(undone->uuids, std::vector<std::string>{"c"});
    EXPECT_FALSE(hold.take_due(t0 + 60s).has_value()) << "an undone hold never becomes due";

    hold.hold({"d"}, ReviewAction::Reject, t0);
    const auto displaced = hold.hold({"e"}, ReviewAction::Dispose, t0 + 2s);
    ASSERT_TRUE(displaced.has_value()) << "one hold at a time: the first becomes final";
    EXPECT_EQ(displaced->uuids, std::vector<std::string>{"d"});
    EXPECT_EQ(hold.seconds_left(t0 + 2s), 10) << "the new one has its own full window";
}

TEST_F(StaffWorkTest, ARefusalIsHeldForTenSecondsThenStored) {
    staff.toggle("b", t0);
    staff.apply(ReviewAction::Reject, t0);
    EXPECT_TRUE(office.reviews.empty()) << "nothing reaches the ledger (or its outbox) during the window";
    ASSERT_TRUE(staff.held().has_value());
    EXPECT_EQ(staff.held()->action, ReviewAction::Reject);
    EXPECT_EQ(staff.undo_seconds_left(t0 + 3s), 7);
    ASSERT_EQ(staff.items().size(), 1u) << "the refused item leaves the list at once";
    EXPECT_EQ(staff.items()[0].uuid, "a");
    EXPECT_TRUE(staff.selected().empty());
    // A reload during the window (the ledger still says pending) does not bring it back.
    staff.refresh(t0 + 1s);
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}},
        t0 + 1s);
    EXPECT_EQ(staff.items().size(), 1u);

    staff.tick(t0 + 9s);
    EXPECT_TRUE(office.reviews.empty());
    staff.tick(t0 + 10s);
    ASSERT_EQ(office.reviews.size(), 1u);
    EXPECT_EQ(office.reviews[0].first, std::vector<std::string>{"b"});
    EXPECT_EQ(office.reviews[0].second, ReviewAction::Reject);
    EXPECT_FALSE(staff.held().has_value());
    staff.undo(t0 + 10s);
    EXPECT_TRUE(office.undone.empty()) << "too late: the refusal is final";
    staff.tick(t0 + 20s);
    EXPECT_EQ(office.reviews.size(), 1u) << "stored once";

    // Until the store's answer, a reload still hides it; the answer reloads the queue.
    const std::uint64_t store_ticket = office.tickets;
    staff.refresh(t0 + 10s);
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}},
        t0 + 10s);
    EXPECT_EQ(staff.items().size(), 1u);
    const std::size_t queries = office.queue_tickets.size();
    staff.on_reply({store_ticket, Done{"1 of 1 drop-off(s): reject"}}, t0 + 10s);
    EXPECT_TRUE(staff.message_ok());
    EXPECT_EQ(office.queue_tickets.size(), queries + 1) << "the queue is read again";
}

TEST_F(StaffWorkTest, UndoWithinTheWindowRestoresTheItemsAndRecordsOnlyTheUndo) {
    staff.select_all(t0);
    staff.apply(ReviewAction::Dispose, t0);
    EXPECT_TRUE(staff.items().empty());
    staff.undo(t0 + 9500ms);
    EXPECT_TRUE(office.reviews.empty()) << "the disposal was never stored";
    ASSERT_EQ(office.undone.size(), 1u) << "the undo itself goes to the audit log";
    EXPECT_EQ(office.undone[0].first, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(office.undone[0].second, ReviewAction::Dispose);
    EXPECT_FALSE(staff.held().has_value());
    EXPECT_EQ(staff.selected(), (std::set<std::string>{"a", "b"})) << "selected again, as before";
    // The queue is read again after the undo and shows them as they were.
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2)}},
        t0 + 9500ms);
    EXPECT_EQ(staff.items().size(), 2u);
    EXPECT_EQ(staff.selected().size(), 2u);
    staff.tick(t0 + 30s);
    EXPECT_TRUE(office.reviews.empty()) << "nothing becomes due later";
    // An undo the ledger could not note (a database error) is said; the items stay pending anyway.
    staff.on_reply({office.undo_tickets.back(), Error{ErrorCode::Io, "disk full"}}, t0 + 9500ms);
    EXPECT_EQ(staff.message(), "disk full");
    EXPECT_FALSE(staff.message_ok());
}

TEST_F(StaffWorkTest, AConfirmationIsStoredAtOnceAndASecondRefusalMakesTheFirstFinal) {
    staff.toggle("a", t0);
    staff.apply(ReviewAction::Approve, t0);
    ASSERT_EQ(office.reviews.size(), 1u) << "a confirmation has no undo window";
    staff.on_reply({office.tickets, Done{"ok"}}, t0);
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("b", "review", 2), item("c", "review")}},
        t0);
    staff.toggle("b", t0);
    staff.apply(ReviewAction::Reject, t0);
    staff.toggle("c", t0 + 2s);
    staff.apply(ReviewAction::Dispose, t0 + 2s);
    ASSERT_EQ(office.reviews.size(), 2u);
    EXPECT_EQ(office.reviews[1].first, std::vector<std::string>{"b"});
    EXPECT_EQ(office.reviews[1].second, ReviewAction::Reject);
    ASSERT_TRUE(staff.held().has_value());
    EXPECT_EQ(staff.held()->uuids, std::vector<std::string>{"c"});
    staff.undo(t0 + 3s);
    ASSERT_EQ(office.undone.size(), 1u);
    EXPECT_EQ(office.undone[0].first, std::vector<std::string>{"c"}) << "only the latest can be undone";
}

// Red team: a second refusal inside the first one's window stored the first at once while the banner
// showed only the second's Undo, so the pharmacist believed Undo still reached the first.
TEST_F(StaffWorkTest, ARefusalMadeFinalByTheNextOneIsSaidBesideTheNewUndo) {
    staff.on_reply(
        {office.queue_tickets.back(), std::vector<QueueItem>{item("a", "accept"), item("b", "review", 2),
                                                             item("c", "review"), item("d", "review")}},
        t0);
    staff.toggle("a", t0);
    staff.apply(ReviewAction::Reject, t0);
    EXPECT_FALSE(staff.made_final().any()) << "nothing was held before";
    staff.toggle("b", t0 + 2s);
    staff.apply(ReviewAction::Dispose, t0 + 2s);
    ASSERT_EQ(office.reviews.size(), 1u) << "the first refusal is stored now";
    EXPECT_EQ(staff.made_final().rejected, 1u) << "and the banner says it is final";
    EXPECT_EQ(staff.made_final().disposed, 0u);
    staff.toggle("c", t0 + 3s);
    staff.apply(ReviewAction::Reject, t0 + 3s);
    EXPECT_EQ(staff.made_final().rejected, 1u);
    EXPECT_EQ(staff.made_final().disposed, 1u) << "each one made final is counted";
    staff.undo(t0 + 4s);
    ASSERT_EQ(office.undone.size(), 1u);
    EXPECT_EQ(office.undone[0].first, std::vector<std::string>{"c"}) << "Undo takes back only the latest";
    EXPECT_FALSE(staff.made_final().any()) << "no banner, nothing to say";

    // A hold whose window had passed (not yet ticked) was final anyway: nothing to say.
    staff.clear_selection(t0 + 5s);  // the undo selected c again
    staff.toggle("d", t0 + 5s);
    staff.apply(ReviewAction::Reject, t0 + 5s);
    staff.toggle("a", t0 + 16s);
    staff.apply(ReviewAction::Reject, t0 + 16s);
    EXPECT_FALSE(staff.made_final().any());
    EXPECT_EQ(office.reviews.back().first, std::vector<std::string>{"d"});
}

TEST_F(StaffWorkTest, LeavingTheQueueMakesAHeldRefusalFinalBeforeAnythingElseIsAsked) {
    staff.toggle("a", t0);
    staff.apply(ReviewAction::Reject, t0);
    staff.open_dispatch(t0 + 1s);
    ASSERT_EQ(office.reviews.size(), 1u) << "stored now, not lost";
    ASSERT_FALSE(office.plan_queries.empty());
    ASSERT_EQ(office.review_tickets.size(), 1u);
    EXPECT_LT(office.review_tickets.back(), office.plan_queries.back())
        << "the refusal is asked before the dispatch plan, so a refused pack is not offered";
    EXPECT_FALSE(staff.held().has_value());

    staff.back_to_queue(t0 + 2s);
    staff.on_reply({office.queue_tickets.back(), std::vector<QueueItem>{item("b", "review", 2)}}, t0 + 2s);
    staff.toggle("b", t0 + 2s);
    staff.apply(ReviewAction::Dispose, t0 + 2s);
    staff.close();
    ASSERT_EQ(office.reviews.size(), 2u) << "closing the staff screen makes it final too";
    EXPECT_EQ(office.reviews[1].second, ReviewAction::Dispose);
}

TEST_F(StaffWorkTest, FiltersGoToThePortWhole) {
    EXPECT_EQ(staff.categories(), (std::vector<std::string>{"cough", "fever"}));
    QueueFilter filter;
    filter.review_state = "dispatched";
    filter.decision = "accept";
    filter.category = "fever";
    filter.days = 7;
    staff.set_filter(filter, t0);
    const QueueFilter& sent = office.filters.back();
    EXPECT_EQ(sent.review_state, "dispatched");
    EXPECT_EQ(sent.decision, "accept");
    EXPECT_EQ(sent.category, "fever");
    EXPECT_EQ(sent.days, 7);
    EXPECT_EQ(staff.filter().days, 7);
    EXPECT_TRUE(staff.loading());
    staff.on_reply(
        {office.queue_tickets.back(), Error{ErrorCode::Invalid, "cannot read the ledger: disk I/O error"}},
        t0);
    EXPECT_FALSE(staff.loading());
    EXPECT_EQ(staff.message(), "cannot read the ledger: disk I/O error");
    EXPECT_FALSE(staff.message_ok());
}

TEST_F(StaffWorkTest, ReclassifyPicksACategoryForTheSelection) {
    staff.start_reclassify(t0);
    EXPECT_FALSE(staff.picking_category());
    EXPECT_EQ(staff.notice(), "staff.notice_select_first");
    staff.toggle("a", t0);
    staff.toggle("b", t0);
    staff.start_reclassify(t0);
    EXPECT_TRUE(staff.picking_category());
    EXPECT_TRUE(staff.notice().empty());
    EXPECT_TRUE(office.reviews.empty()) << "re-classify is not a plain review";
    staff.reclassify("psychotropic", t0);
    EXPECT_TRUE(office.reclassified.empty()) << "only the catalogue's categories";
    staff.cancel_reclassify(t0);
    EXPECT_FALSE(staff.picking_category());
    staff.reclassify("cough", t0);
    EXPECT_TRUE(office.reclassified.empty()) << "cancelled";

    staff.start_reclassify(t0);
    staff.reclassify("cough", t0);
    ASSERT_EQ(office.reclassified.size(), 1u);
    EXPECT_EQ(office.reclassified[0].first, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(office.reclassified[0].second, "cough");
    EXPECT_FALSE(staff.picking_category());
    EXPECT_TRUE(staff.busy());
    staff.start_reclassify(t0);
    EXPECT_FALSE(staff.picking_category()) << "one change at a time";

    staff.on_reply(
        {office.tickets, Error{ErrorCode::Invalid, "1 of 2 drop-off(s): reclassify → cough — b is disposed"}},
        t0);
    EXPECT_FALSE(staff.busy());
    EXPECT_FALSE(staff.message_ok());
    EXPECT_EQ(staff.selected().size(), 2u) << "a failure keeps the selection";
    staff.start_reclassify(t0);
    staff.reclassify("fever", t0);
    staff.on_reply({office.tickets, Done{"2 of 2"}}, t0);
    EXPECT_TRUE(staff.selected().empty());
    EXPECT_TRUE(staff.loading()) << "the queue reloads";
}

TEST_F(StaffWorkTest, ReclassifyWithoutCategoriesAsksForThemAndSaysWhy) {
    StaffFlow fresh{office, office};
    fresh.open_pin(Role::Staff, t0);
    for (int d : {1, 2, 3, 4}) fresh.press_digit(d, t0);
    fresh.submit(t0);
    fresh.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Accepted, 5, 0s, ""}}, t0);
    const auto categories_ticket = office.category_queries.back();
    fresh.on_reply({categories_ticket, Error{ErrorCode::Invalid, "cannot read the categories"}}, t0);
    fresh.on_reply({office.queue_tickets.back(), std::vector<QueueItem>{item("a", "review")}}, t0);
    fresh.toggle("a", t0);
    fresh.start_reclassify(t0);
    EXPECT_FALSE(fresh.picking_category());
    EXPECT_EQ(fresh.notice(), "staff.notice_no_categories");
    EXPECT_GT(office.category_queries.back(), categories_ticket) << "asked again";
    fresh.on_reply({office.category_queries.back(), CategoryList{{"fever"}}}, t0);
    EXPECT_TRUE(fresh.notice().empty());
    fresh.start_reclassify(t0);
    EXPECT_TRUE(fresh.picking_category());
}

TEST_F(StaffWorkTest, DispatchKeepsTheSuggestedOrderAndSendsWhatIsKept) {
    staff.open_dispatch(t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Dispatch);
    EXPECT_TRUE(staff.dispatch_loading());
    staff.confirm_dispatch(t0);
    EXPECT_TRUE(office.dispatches.empty()) << "not while the list loads";
    staff.on_reply(
        {office.plan_queries.back(),
         DispatchPlan{{item("soon", "accept", 3, "2027-01-31"), item("late", "accept", 1, "2029-01-31"),
                       item("device", "accept", 2, "")},
                      {clinic("east-thc", "东镇卫生院", "东镇"), clinic("xinan-vc", "西南村卫生室", "西镇"),
                       clinic("west-thc", "西镇卫生院", "西镇")},
                      {}}},
        t0);
    ASSERT_EQ(staff.dispatch_lines().size(), 3u);
    EXPECT_EQ(staff.dispatch_lines()[0].item.uuid, "soon")
        << "the port's order (earliest expiry first) is kept";
    EXPECT_EQ(staff.dispatch_lines()[0].quantity, 3) << "the whole drop-off by default";
    EXPECT_EQ(staff.dispatch_count(), 3);
    EXPECT_EQ(staff.dispatch_packs(), 6);
    EXPECT_EQ(staff.townships(), (std::vector<std::string>{"东镇", "西镇"}))
        << "each township once, in order";
    EXPECT_EQ(staff.township(), "东镇") << "the first township is shown";

    staff.confirm_dispatch(t0);
    EXPECT_EQ(staff.notice(), "staff.notice_need_clinic");
    staff.choose_clinic("nowhere", t0);
    staff.confirm_dispatch(t0);
    EXPECT_EQ(staff.notice(), "staff.notice_need_clinic") << "only a clinic from the county's list";
    EXPECT_EQ(staff.clinic(), nullptr);
    EXPECT_TRUE(office.dispatches.empty());

    staff.choose_clinic("xinan-vc", t0);
    ASSERT_NE(staff.clinic(), nullptr);
    EXPECT_EQ(staff.clinic()->name_zh, "西南村卫生室");
    EXPECT_EQ(staff.township(), "西镇") << "the picker follows the chosen clinic";
    staff.set_quantity("soon", 2, t0);
    staff.set_quantity("device", 9, t0);
    EXPECT_EQ(staff.dispatch_lines()[2].quantity, 2) << "never more than is free to go";
    staff.set_quantity("device", 0, t0);
    EXPECT_EQ(staff.dispatch_lines()[2].quantity, 1) << "at least one";
    staff.set_included("late", false, t0);
    EXPECT_EQ(staff.dispatch_count(), 2);
    staff.set_closes_order(true, t0);
    EXPECT_FALSE(staff.closes_order()) << "no order to close";
    staff.confirm_dispatch(t0);
    ASSERT_EQ(office.dispatches.size(), 1u);
    EXPECT_EQ(office.dispatches[0].clinic_id, "xinan-vc");
    EXPECT_EQ(office.dispatches[0].order_uuid, "");
    ASSERT_EQ(office.dispatches[0].items.size(), 2u);
    EXPECT_EQ(office.dispatches[0].items[0].dropoff_uuid, "soon");
    EXPECT_EQ(office.dispatches[0].items[0].quantity, 2);
    EXPECT_EQ(office.dispatches[0].items[1].dropoff_uuid, "device");
    EXPECT_EQ(office.dispatches[0].items[1].quantity, 1);
    staff.confirm_dispatch(t0);
    EXPECT_EQ(office.dispatches.size(), 1u) << "one dispatch at a time";

    // The port refuses: the screen stays, with the reason, for another try.
    staff.on_reply({office.tickets, Error{ErrorCode::Invalid, "drop-off soon can no longer be dispatched"}},
                   t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Dispatch);
    EXPECT_FALSE(staff.message_ok());
    EXPECT_EQ(staff.dispatch_lines().size(), 3u);
    staff.confirm_dispatch(t0);
    ASSERT_EQ(office.dispatches.size(), 2u);

    // Recorded: the screen shows the manifest (its QR) and the packing list until "done".
    DispatchDone done;
    done.record.dispatch.uuid = "d-1";
    done.record.clinic_id = "xinan-vc";
    done.record.manifest_code =
        "MKD1|kiosk|d-1|xinan-vc|-|20261202|1:06900000000014:20270131:fever:2|0badc0de";
    done.packing_list = "/tmp/packing-lists/2026-12-02-d-1.html";
    staff.on_reply({office.tickets, done}, t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Dispatch);
    ASSERT_TRUE(staff.dispatched().has_value());
    EXPECT_EQ(staff.dispatched()->record.manifest_code, done.record.manifest_code);
    EXPECT_TRUE(staff.message_ok());
    staff.confirm_dispatch(t0);
    EXPECT_EQ(office.dispatches.size(), 2u) << "the manifest on screen is not sent again";
    const auto queries = office.queue_tickets.size();
    staff.finish_dispatch(t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Queue);
    EXPECT_FALSE(staff.dispatched().has_value());
    EXPECT_EQ(staff.clinic(), nullptr);
    EXPECT_EQ(office.queue_tickets.size(), queries + 1) << "the queue is read again";
}

TEST_F(StaffWorkTest, AnOrderBringsItsPacksAndItsClinicAndMayBeFulfilledPartlyOrClosed) {
    staff.open_dispatch(t0);
    storage::DispatchOrder order;
    order.order_uuid = "order-1";
    order.clinic_id = "west-thc";
    order.category = "fever";
    storage::OrderItem here;
    here.dropoff_uuid = "held";
    here.ordered = 4;
    here.sent = 1;
    here.available = 3;
    here.dropoff = storage::StaffQueueRow{};
    here.dropoff->dropoff.uuid = "held";
    here.dropoff->dropoff.quantity = 4;
    here.dropoff->dropoff.expiry = "2027-03-31";
    storage::OrderItem gone = here;
    gone.dropoff_uuid = "gone";
    gone.dropoff->dropoff.uuid = "gone";
    gone.available = 0;  // left another way: nothing to send
    order.items = {here, gone};
    staff.on_reply({office.plan_queries.back(), DispatchPlan{{item("free", "accept", 2, "2027-01-31")},
                                                             {clinic("east-thc", "东镇卫生院", "东镇"),
                                                              clinic("west-thc", "西镇卫生院", "西镇")},
                                                             {order}}},
                   t0);
    ASSERT_EQ(staff.orders().size(), 1u);
    ASSERT_EQ(staff.dispatch_lines().size(), 1u);
    EXPECT_EQ(staff.dispatch_lines()[0].item.uuid, "free") << "free packs until an order is chosen";

    staff.choose_order("order-1", t0);
    EXPECT_EQ(staff.order(), "order-1");
    ASSERT_NE(staff.clinic(), nullptr);
    EXPECT_EQ(staff.clinic()->clinic_id, "west-thc") << "the bureau chose the clinic";
    staff.choose_clinic("east-thc", t0);
    EXPECT_EQ(staff.clinic()->clinic_id, "west-thc") << "an order's clinic cannot be changed";
    ASSERT_EQ(staff.dispatch_lines().size(), 1u) << "only the order's packs still here";
    EXPECT_EQ(staff.dispatch_lines()[0].item.uuid, "held");
    EXPECT_EQ(staff.dispatch_lines()[0].quantity, 3) << "what the order still wants of it";
    staff.set_quantity("held", 4, t0);
    EXPECT_EQ(staff.dispatch_lines()[0].quantity, 3) << "never more than the order holds here";
    staff.set_quantity("held", 1, t0);  // a part now
    staff.set_closes_order(true, t0);
    EXPECT_TRUE(staff.closes_order());
    staff.confirm_dispatch(t0);
    ASSERT_EQ(office.dispatches.size(), 1u);
    EXPECT_EQ(office.dispatches[0].order_uuid, "order-1");
    EXPECT_EQ(office.dispatches[0].clinic_id, "west-thc");
    EXPECT_TRUE(office.dispatches[0].closes_order);
    ASSERT_EQ(office.dispatches[0].items.size(), 1u);
    EXPECT_EQ(office.dispatches[0].items[0].quantity, 1);

    staff.on_reply({office.tickets, Error{ErrorCode::Unavailable, "the order was cancelled by the bureau"}},
                   t0);
    staff.choose_order("", t0);
    EXPECT_EQ(staff.order(), "");
    EXPECT_EQ(staff.clinic(), nullptr) << "back to a dispatch of free packs, clinic to choose";
    EXPECT_FALSE(staff.closes_order());
    ASSERT_EQ(staff.dispatch_lines().size(), 1u);
    EXPECT_EQ(staff.dispatch_lines()[0].item.uuid, "free");
}

TEST_F(StaffWorkTest, DispatchWithNothingKeptIsRefusedAndBackReturnsToTheQueue) {
    staff.open_dispatch(t0);
    staff.on_reply({office.plan_queries.back(),
                    DispatchPlan{{item("only", "accept")}, {clinic("east-thc", "东镇卫生院", "东镇")}, {}}},
                   t0);
    staff.choose_clinic("east-thc", t0);
    staff.set_included("only", false, t0);
    staff.confirm_dispatch(t0);
    EXPECT_EQ(staff.notice(), "staff.notice_need_items");
    EXPECT_TRUE(office.dispatches.empty());
    const auto queries = office.queue_tickets.size();
    staff.back_to_queue(t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Queue);
    EXPECT_EQ(office.queue_tickets.size(), queries + 1) << "the queue is read again";
    EXPECT_TRUE(staff.notice().empty());

    staff.open_dispatch(t0);
    const auto plan = office.plan_queries.back();
    staff.back_to_queue(t0);
    staff.on_reply({plan, DispatchPlan{{item("late", "accept")}, {}, {}}}, t0);
    EXPECT_TRUE(staff.dispatch_lines().empty()) << "a late answer for a closed screen is dropped";
    staff.open_dispatch(t0);
    staff.on_reply(
        {office.plan_queries.back(), Error{ErrorCode::Invalid, "cannot read the items to dispatch"}}, t0);
    EXPECT_EQ(staff.message(), "cannot read the items to dispatch");
}

TEST_F(StaffWorkTest, ChartsAskForTheirRangeAndKeepTheAnswer) {
    staff.open_charts(14, t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Charts);
    EXPECT_TRUE(staff.charts_loading());
    ASSERT_EQ(office.chart_days, std::vector<int>{14});
    ChartData data;
    data.days = 14;
    data.by_day = {{"2026-11-28", 3, 1}, {"2026-11-29", 0, 2}};
    data.by_category = {{"fever", 2, 1}};
    staff.on_reply({office.tickets, data}, t0);
    ASSERT_TRUE(staff.charts().has_value());
    EXPECT_EQ(staff.charts()->by_day.size(), 2u);
    EXPECT_EQ(staff.charts()->by_category[0].key, "fever");
    staff.open_charts(30, t0);
    EXPECT_EQ(office.chart_days.back(), 30);
    staff.on_reply({office.tickets, Error{ErrorCode::Invalid, "cannot count the drop-offs"}}, t0);
    EXPECT_EQ(staff.charts()->days, 14) << "the last good counts stay shown";
    EXPECT_EQ(staff.message(), "cannot count the drop-offs");
    staff.back_to_queue(t0);
    EXPECT_EQ(staff.screen(), StaffScreen::Queue);
    staff.tick(t0 + 200s);
    EXPECT_EQ(staff.screen(), StaffScreen::Closed) << "unattended, any staff screen closes";
    EXPECT_FALSE(staff.charts().has_value());
}

// The real local back office: its lockout, on its own thread.
BackOfficeReply wait_reply(BackOffice& office, std::uint64_t ticket) {
    for (int i = 0; i < 500; ++i) {
        for (auto& reply : office.take_replies()) {
            if (reply.ticket == ticket) return reply;
        }
        std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "no reply for ticket " << ticket;
    return {ticket, Error{ErrorCode::Internal, "no reply"}};
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
    // The one clinic a dispatch in these tests goes to: "east-thc".
    void add_east_clinic() {
        auto dispatches = storage::DispatchBook::open(ledger_file, ledger_options);
        ASSERT_TRUE(dispatches.ok()) << dispatches.error().message;
        storage::Clinic east;
        east.clinic_id = "east-thc";
        east.name_zh = "东镇卫生院";
        east.name_en = "East Town Health Centre";
        east.kind = "township-health-centre";
        east.township_zh = "东镇";
        east.township_en = "East Town";
        ASSERT_TRUE(dispatches.value()->import_clinics({east}, "test").ok());
    }
    std::unique_ptr<BackOffice> make_office(std::string staff_pin = "", std::string technician_pin = "") {
        LocalBackOfficeOptions options;
        options.ledger_file = ledger_file;
        options.staff_pin = std::move(staff_pin);
        options.technician_pin = std::move(technician_pin);
        options.attempts_before_lockout = 3;
        options.ledger_options = ledger_options;
        options.pepper_file = pepper_file;
        options.packing_list_dir = dir.path() / "packing-lists";
        options.location = "Dongcheng pharmacy";
        options.assets_dir = MEDKIOSK_ASSETS_DIR;
        return make_local_back_office(std::move(options));
    }
    static PinCheck check(BackOffice& office, Role role, const std::string& pin) {
        const auto reply = wait_reply(office, office.verify_pin(role, pin));
        const auto* result = answer_if<PinCheck>(reply);
        EXPECT_NE(result, nullptr);
        return result == nullptr ? PinCheck{} : *result;
    }
    // A command's outcome: done (with what), or the error's message.
    struct Outcome {
        bool ok = false;
        std::string message;
    };
    static Outcome task(BackOffice& office, std::uint64_t ticket) {
        const auto reply = wait_reply(office, ticket);
        if (const auto* done = answer_if<Done>(reply)) return {true, done->detail};
        EXPECT_FALSE(reply.result.ok()) << "a command answers Done or an error";
        return {false, reply.result ? std::string() : reply.result.error().message};
    }
    std::string record(const std::string& decision, int boxes = 1) {
        auto session = book->dropoffs().begin_session();
        EXPECT_TRUE(session.ok());
        storage::DropOffInput input;
        input.session_id = session.value().id;
        input.scheme = "gs1";
        input.gtin = "06900000000014";
        input.expiry = "2028-06-30";
        input.expiry_precision = "day";
        input.decision = decision;
        input.reason = decision == "refuse" ? "expired" : "ok";
        input.quantity = boxes;
        auto recorded = book->dropoffs().record(input);
        EXPECT_TRUE(recorded.ok()) << recorded.error().message;
        return recorded.value().uuid;
    }
    storage::UserRecord user(const std::string& login) { return book->users().find(login).value().value(); }
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
    EXPECT_EQ(user("li").failed_attempts, 0) << "the technician pad's wrong PIN is charged to no one";
    EXPECT_EQ(check(*office, Role::Staff, "9999").outcome, PinCheck::Outcome::Wrong)
        << "the development PIN is ignored once users exist";
    EXPECT_EQ(user("wang").failed_attempts, 0) << "a PIN nobody owns is charged to no user";
    EXPECT_EQ(user("zhao").failed_attempts, 0);
}

// The red team's finding: six PINs matching nobody locked every staff user until a technician came.
// Now they slow the pad, whose count is in the ledger; nobody is locked, and a guesser is held to the
// steady state of one guess per max_delay_ms (15 min: 4 an hour).
TEST_F(LocalBackOfficeTest, PinsMatchingNobodySlowThePadAndLockNoUser) {
    add_user("wang", "staff", "2468");
    add_user("zhao", "staff", "8642");
    add_user("li", "technician", "1357");
    std::vector<storage::UserRecord> staff;
    const auto everyone = book->users().list();
    ASSERT_TRUE(everyone.ok());
    for (const auto& candidate : everyone.value())
        if (candidate.role == "staff") staff.push_back(candidate);
    const storage::PadThrottleRules rules = UserService::pad_rules();
    auto now = UserService::Clock::time_point(std::chrono::hours(24 * 365 * 30));  // in 2000
    std::chrono::seconds waited{0};
    for (int failures = 1; failures <= 30; ++failures) {
        const PinSignIn wrong = sign_in_by_pin(*book, pepper, "staff", staff, "0000", now);
        ASSERT_EQ(wrong.check.outcome, PinCheck::Outcome::Wrong) << "wrong PIN number " << failures;
        const auto wait =
            std::chrono::ceil<std::chrono::seconds>(UserService::pad_delay_after(failures, rules));
        EXPECT_EQ(wrong.check.locked_for, wait) << "wrong PIN number " << failures;
        EXPECT_EQ(wrong.check.locked_for > std::chrono::seconds(0), failures >= rules.free_attempts)
            << "the first ones are free";
        now += wait;
        waited += wait;
    }
    EXPECT_EQ(UserService::pad_delay_after(30, rules), std::chrono::minutes(15)) << "the steady state";
    EXPECT_GT(waited, std::chrono::hours(4)) << "30 guesses take hours, not seconds";
    for (const char* login : {"wang", "zhao", "li"}) {
        EXPECT_FALSE(user(login).locked) << login;
        EXPECT_EQ(user(login).failed_attempts, 0) << login;
    }
    // Another wrong PIN, then the right one inside the wait: not checked, not counted, shown as a wait.
    ASSERT_EQ(sign_in_by_pin(*book, pepper, "staff", staff, "0000", now).check.outcome,
              PinCheck::Outcome::Wrong);
    const PinSignIn early =
        sign_in_by_pin(*book, pepper, "staff", staff, "2468", now + std::chrono::minutes(5));
    EXPECT_EQ(early.check.outcome, PinCheck::Outcome::LockedOut);
    EXPECT_EQ(early.check.locked_for, std::chrono::minutes(10));
    EXPECT_TRUE(early.check.message.empty()) << "a wait, not a lock";
    EXPECT_FALSE(early.user.has_value());

    // A restart does not reset the pad: a new ledger connection (and a new back office) still waits.
    auto reopened = open_ledger();
    EXPECT_EQ(sign_in_by_pin(*reopened, pepper, "staff", staff, "2468", now + std::chrono::minutes(14))
                  .check.outcome,
              PinCheck::Outcome::LockedOut);
    auto office = make_office();
    const PinCheck after_restart = check(*office, Role::Staff, "2468");  // the real clock: years later
    EXPECT_EQ(after_restart.outcome, PinCheck::Outcome::Accepted) << "the wait is over by the real clock";

    // A PIN that matched clears the pad: the next wrong one is free again. The technician's pad is apart.
    const PinSignIn fresh =
        sign_in_by_pin(*reopened, pepper, "staff", staff, "0000", UserService::Clock::now());
    EXPECT_EQ(fresh.check.outcome, PinCheck::Outcome::Wrong);
    EXPECT_EQ(fresh.check.locked_for, std::chrono::seconds(0));
    EXPECT_EQ(check(*office, Role::Technician, "1357").outcome, PinCheck::Outcome::Accepted);
}

// Wrong PINs typed at the pad, one after another through the back office: the first ones free, then
// the pad waits and says how long; the right PIN during the wait waits too; after it, it signs in.
TEST_F(LocalBackOfficeTest, ThePadWaitsAfterTheFreeWrongPinsAndTheRightPinThenSignsIn) {
    add_user("wang", "staff", "2468");
    auto office = make_office();
    const int free_attempts = UserService::pad_rules().free_attempts;
    for (int failures = 1; failures <= free_attempts; ++failures) {
        const PinCheck wrong = check(*office, Role::Staff, "0000");
        EXPECT_EQ(wrong.outcome, PinCheck::Outcome::Wrong) << "wrong PIN number " << failures;
        EXPECT_EQ(wrong.locked_for, std::chrono::ceil<std::chrono::seconds>(
                                        UserService::pad_delay_after(failures, UserService::pad_rules())));
    }
    const PinCheck waiting = check(*office, Role::Staff, "2468");
    EXPECT_EQ(waiting.outcome, PinCheck::Outcome::LockedOut) << "inside the wait even the right PIN waits";
    EXPECT_EQ(waiting.locked_for, std::chrono::seconds(2));
    EXPECT_TRUE(waiting.message.empty()) << "a wait, not a lock";
    EXPECT_FALSE(user("wang").locked);
    EXPECT_EQ(user("wang").failed_attempts, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    EXPECT_EQ(check(*office, Role::Staff, "0000").locked_for, std::chrono::seconds(0))
        << "a sign-in cleared the pad's count";

    // A user locked by wrong PINs typed with their login (medkioskctl) is not matched on the pad.
    for (int i = 0; i < UserService::kLockAfter; ++i) {
        storage::UserRecord waited = user("wang");
        waited.last_failure_at = "2020-01-01T00:00:00.000Z";
        ASSERT_TRUE(book->users().update_login_state(waited, "test", "test").ok());
        (void)users.sign_in("wang", "0000");
    }
    ASSERT_TRUE(user("wang").locked);
    EXPECT_NE(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    ASSERT_TRUE(users.unlock_as_administrator("wang", "test").ok());

    // The pad made to wait by PINs nobody owns: `medkioskctl users unlock` of one of the role's users
    // lifts the wait at once.
    for (int i = 0; i <= free_attempts; ++i) (void)check(*office, Role::Staff, "0000");
    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::LockedOut);
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
    const auto* items = answer_if<std::vector<QueueItem>>(queue);
    ASSERT_NE(items, nullptr);
    ASSERT_EQ(items->size(), 2u) << "refused packs are not the pharmacist's work";
    EXPECT_EQ((*items)[0].uuid, accepted);
    EXPECT_EQ((*items)[1].uuid, reviewed);
    EXPECT_EQ((*items)[0].code, "06900000000014");

    const Outcome unsigned_review = task(*office, office->review({accepted}, ReviewAction::Approve));
    EXPECT_FALSE(unsigned_review.ok) << "no one signed in";
    EXPECT_NE(unsigned_review.message.find("users add"), std::string::npos) << unsigned_review.message;

    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    const Outcome approved = task(*office, office->review({accepted}, ReviewAction::Approve));
    EXPECT_TRUE(approved.ok) << approved.message;
    const Outcome again = task(*office, office->review({accepted, reviewed}, ReviewAction::Dispose));
    EXPECT_FALSE(again.ok) << "the approved one was already reviewed";
    EXPECT_NE(again.message.find("1 of 2"), std::string::npos) << again.message;

    const auto after = wait_reply(*office, office->query_queue({}));
    EXPECT_TRUE(std::get<std::vector<QueueItem>>(after.result.value()).empty());
    QueueFilter approved_filter;
    approved_filter.review_state = review_state::kApproved;
    const auto history = wait_reply(*office, office->query_queue(approved_filter));
    const auto& shown = std::get<std::vector<QueueItem>>(history.result.value());
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_EQ(shown[0].uuid, accepted);

    const auto audit = book->audit().rows();
    ASSERT_TRUE(audit.ok());
    int approvals = 0;
    for (const auto& row : audit.value()) {
        if (row.action == "review-approve" && row.entity_id == accepted && row.actor == "wang") ++approvals;
    }
    EXPECT_EQ(approvals, 1);
    EXPECT_TRUE(book->audit().verify().value().ok());
}

// An undone refusal was never stored: the back office writes only the undo's audit row, nothing for
// the hub, and the drop-off stays pending exactly as it was.
TEST_F(LocalBackOfficeTest, AnUndoneRefusalLeavesTheDropOffPendingAndOnlyAnAuditRow) {
    add_user("wang", "staff", "2468");
    const std::string reviewed = record("review");
    const std::string accepted = record("accept");
    auto office = make_office();
    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    const auto before = book->summary().value();
    const auto audit_before = book->audit().rows().value().size();

    const Outcome undone = task(*office, office->undo_review({reviewed}, ReviewAction::Reject));
    EXPECT_TRUE(undone.ok) << undone.message;
    const auto after = book->summary().value();
    EXPECT_EQ(after.outbox_pending, before.outbox_pending) << "the hub hears nothing of it";
    const auto queue = wait_reply(*office, office->query_queue({}));
    const auto& items = std::get<std::vector<QueueItem>>(queue.result.value());
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].uuid, reviewed);
    EXPECT_EQ(items[0].review_state, "pending");
    const auto audit = book->audit().rows().value();
    ASSERT_EQ(audit.size(), audit_before + 1) << "one row for the undo, nothing removed";
    EXPECT_EQ(audit.back().action, "review-undone");
    EXPECT_EQ(audit.back().actor, "wang");
    EXPECT_EQ(audit.back().entity_id, reviewed);
    EXPECT_NE(audit.back().detail.find("\"undone_action\":\"reject\""), std::string::npos)
        << audit.back().detail;
    EXPECT_TRUE(book->audit().verify().value().ok());

    // An undo cannot apply to a drop-off that was reviewed meanwhile: it says so and notes nothing.
    ASSERT_TRUE(task(*office, office->review({accepted}, ReviewAction::Dispose)).ok);
    const Outcome late = task(*office, office->undo_review({accepted}, ReviewAction::Dispose));
    EXPECT_FALSE(late.ok);
    EXPECT_NE(late.message.find("already disposed"), std::string::npos) << late.message;
    EXPECT_EQ(book->audit().rows().value().back().action, "review-dispose");
}

// A refusal whose undo window ends because the kiosk stops is final: the flow hands it to the back
// office as it closes, and the back office stores every review it was given before its thread ends.
TEST_F(LocalBackOfficeTest, ReviewsHandedOverAsTheKioskStopsAreStored) {
    add_user("wang", "staff", "2468");
    std::vector<std::string> refused;
    for (int i = 0; i < 20; ++i) refused.push_back(record("review"));
    {
        auto office = make_office();
        ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
        for (const auto& uuid : refused) office->review({uuid}, ReviewAction::Reject);
    }  // stopped at once, with the reviews still queued
    auto office = make_office();
    const auto queue = wait_reply(*office, office->query_queue({}));
    const auto* pending = answer_if<std::vector<QueueItem>>(queue);
    ASSERT_NE(pending, nullptr);
    EXPECT_TRUE(pending->empty()) << pending->size() << " of 20 refusals were lost at shutdown";
}

TEST_F(LocalBackOfficeTest, ReclassifyDispatchAndChartsGoThroughTheLedger) {
    add_user("wang", "staff", "2468");
    const auto entry = [](std::string id, std::string zh, std::string en, std::string category) {
        storage::CatalogueEntry made;
        made.product_id = std::move(id);
        made.name_zh = std::move(zh);
        made.name_en = std::move(en);
        made.form = "tablet";
        made.category = std::move(category);
        return made;
    };
    const auto paracetamol = entry("06900000000014", "对乙酰氨基酚片", "Paracetamol", "fever");
    const auto syrup = entry("06900000000069", "右美沙芬糖浆", "Dextromethorphan", "cough");
    ASSERT_TRUE(book->reference().replace_catalogue({paracetamol, syrup}, "test").ok());
    const std::string accepted = record("accept");
    const std::string reviewed = record("review");
    add_east_clinic();
    auto office = make_office();

    EXPECT_FALSE(task(*office, office->reclassify({reviewed}, "cough")).ok) << "no one signed in";
    EXPECT_FALSE(task(*office, office->dispatch({"east-thc", "", false, {{accepted, 1}}})).ok)
        << "no one signed in";
    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);

    const auto categories = wait_reply(*office, office->query_categories());
    ASSERT_NE(answer_if<CategoryList>(categories), nullptr);
    EXPECT_EQ(std::get<CategoryList>(categories.result.value()).categories,
              (std::vector<std::string>{"cough", "fever"}));

    const Outcome moved = task(*office, office->reclassify({reviewed}, "cough"));
    EXPECT_TRUE(moved.ok) << moved.message;
    QueueFilter cough;
    cough.review_state = "";
    cough.category = "cough";
    cough.days = 1;
    const auto filtered = wait_reply(*office, office->query_queue(cough));
    const auto& cough_items = std::get<std::vector<QueueItem>>(filtered.result.value());
    ASSERT_EQ(cough_items.size(), 1u);
    EXPECT_EQ(cough_items[0].uuid, reviewed);
    EXPECT_EQ(cough_items[0].name_en, "Paracetamol") << "the GTIN's catalogue name; only the category moved";
    const Outcome unknown_category = task(*office, office->reclassify({accepted}, "vitamins"));
    EXPECT_FALSE(unknown_category.ok);
    EXPECT_NE(unknown_category.message.find("0 of 1"), std::string::npos) << unknown_category.message;

    // Only the kiosk-accepted pack may go: the one sent to review waits for a pharmacist.
    const auto plan_reply = wait_reply(*office, office->query_dispatch_plan());
    const auto& plan = std::get<DispatchPlan>(plan_reply.result.value());
    ASSERT_EQ(plan.items.size(), 1u);
    EXPECT_EQ(plan.items[0].uuid, accepted);
    ASSERT_EQ(plan.clinics.size(), 1u);
    EXPECT_EQ(plan.clinics[0].clinic_id, "east-thc");
    EXPECT_EQ(plan.items[0].quantity, 1) << "the packs free to go";
    const Outcome too_many = task(*office, office->dispatch({"east-thc", "", false, {{accepted, 5}}}));
    EXPECT_FALSE(too_many.ok);
    EXPECT_NE(too_many.message.find("only 1 of drop-off"), std::string::npos) << too_many.message;
    EXPECT_FALSE(task(*office, office->dispatch({"east-thc", "", false, {{reviewed, 1}}})).ok)
        << "not confirmed";
    EXPECT_FALSE(task(*office, office->dispatch({"", "", false, {{accepted, 1}}})).ok) << "no clinic";
    const Outcome unknown = task(*office, office->dispatch({"nowhere", "", false, {{accepted, 1}}}));
    EXPECT_FALSE(unknown.ok);
    EXPECT_NE(unknown.message.find("no clinic \"nowhere\""), std::string::npos) << unknown.message;
    EXPECT_EQ(book->staff().recent_clinics(5).value().size(), 0u) << "refused dispatches change nothing";

    const auto sent_reply = wait_reply(*office, office->dispatch({"east-thc", "", false, {{accepted, 1}}}));
    const auto* sent = answer_if<DispatchDone>(sent_reply);
    ASSERT_NE(sent, nullptr) << (sent_reply.result ? "another answer" : sent_reply.result.error().message);
    EXPECT_EQ(sent->record.clinic_id, "east-thc");
    EXPECT_EQ(sent->record.manifest.packs(), 1);
    EXPECT_EQ(storage::decode_manifest(sent->record.manifest_code).value(), sent->record.manifest)
        << "the QR's text is the manifest";
    EXPECT_TRUE(sent->message.empty()) << sent->message;
    ASSERT_FALSE(sent->packing_list.empty());
    std::ifstream written(sent->packing_list);
    const std::string page((std::istreambuf_iterator<char>(written)), std::istreambuf_iterator<char>());
    EXPECT_NE(page.find("东镇卫生院"), std::string::npos) << "the clinic is named on the packing list";
    EXPECT_NE(page.find("Dongcheng pharmacy"), std::string::npos) << "and where it came from";
    EXPECT_NE(page.find("Paracetamol"), std::string::npos) << "its products by name";
    EXPECT_NE(page.find("<svg"), std::string::npos) << "with the manifest's QR";
    QueueFilter dispatched;
    dispatched.review_state = "dispatched";
    const auto gone = wait_reply(*office, office->query_queue(dispatched));
    ASSERT_EQ(std::get<std::vector<QueueItem>>(gone.result.value()).size(), 1u);
    const auto audit = book->audit().rows().value();
    std::vector<std::string> actions;
    for (const auto& row : audit)
        if (row.actor == "wang") actions.push_back(row.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"review-reclassify", "review-approve", "dispatch"}))
        << "the kiosk's acceptance is confirmed by the pharmacist before it leaves";
    const auto again = wait_reply(*office, office->query_dispatch_plan());
    EXPECT_TRUE(std::get<DispatchPlan>(again.result.value()).items.empty());
    EXPECT_EQ(std::get<DispatchPlan>(again.result.value()).clinics.size(), 1u);

    // The pack sent to review is not accepted while it waits for the pharmacist ...
    const auto waiting_charts = wait_reply(*office, office->query_charts(14));
    const auto& waiting = std::get<ChartData>(waiting_charts.result.value());
    ASSERT_EQ(waiting.by_day.size(), 14u);
    EXPECT_EQ(waiting.by_day.back().accepted, 1) << "only the kiosk-accepted pack";
    EXPECT_EQ(waiting.by_day.back().awaiting, 1) << "the reviewed pack waits for a pharmacist";
    EXPECT_EQ(waiting.by_day.back().refused, 0);
    ASSERT_EQ(waiting.by_category.size(), 2u);
    EXPECT_EQ(waiting.by_category[1].key, "cough");
    EXPECT_EQ(waiting.by_category[1].accepted, 0);
    EXPECT_EQ(waiting.by_category[1].awaiting, 1);
    // ... and is, once the pharmacist approved it.
    const Outcome approved = task(*office, office->review({reviewed}, ReviewAction::Approve));
    ASSERT_TRUE(approved.ok) << approved.message;

    const auto charts = wait_reply(*office, office->query_charts(14));
    const auto& data = std::get<ChartData>(charts.result.value());
    EXPECT_EQ(data.days, 14);
    ASSERT_EQ(data.by_day.size(), 14u);
    EXPECT_EQ(data.by_day.back().accepted, 2) << "both packs today";
    EXPECT_EQ(data.by_day.back().awaiting, 0);
    EXPECT_EQ(data.by_day.back().refused, 0);
    ASSERT_EQ(data.by_category.size(), 2u);
    EXPECT_EQ(data.by_category[0].key, "") << "the accepted pack has no category";
    EXPECT_EQ(data.by_category[1].key, "cough");
    EXPECT_EQ(data.by_category[1].accepted, 1);
    EXPECT_EQ(data.by_category[1].awaiting, 0);
    EXPECT_FALSE(office->sync_state().has_value()) << "no hub configured";
}

TEST_F(LocalBackOfficeTest, ChartsCountBoxesAcceptedAwaitingAndRefused) {
    add_user("wang", "staff", "2468");
    // The red team's donation: a pack recorded with 2 boxes and one more, all sent to a pharmacist.
    const std::string pair = record("review", 2);
    const std::string single = record("review");
    record("refuse", 3);
    auto office = make_office();
    const auto today = [&]() -> storage::DropOffCount {
        const auto reply = wait_reply(*office, office->query_charts(1));
        const auto* data = answer_if<ChartData>(reply);
        EXPECT_NE(data, nullptr);
        return data != nullptr && !data->by_day.empty() ? data->by_day.back() : storage::DropOffCount{};
    };
    EXPECT_EQ(today().accepted, 0) << "not \"Accepted 3\" while all three wait for a pharmacist";
    EXPECT_EQ(today().awaiting, 3) << "boxes, not drop-offs";
    EXPECT_EQ(today().refused, 3);
    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    ASSERT_TRUE(task(*office, office->review({pair}, ReviewAction::Approve)).ok);
    ASSERT_TRUE(task(*office, office->review({single}, ReviewAction::Dispose)).ok);
    EXPECT_EQ(today().accepted, 2);
    EXPECT_EQ(today().awaiting, 0);
    EXPECT_EQ(today().refused, 4);
}

TEST_F(LocalBackOfficeTest, APartialDispatchLeavesTheRestOfThePackToSendLater) {
    add_user("wang", "staff", "2468");
    const std::string pair = record("accept", 2);
    add_east_clinic();
    auto office = make_office();
    ASSERT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::Accepted);
    const auto plan = [&] {
        const auto reply = wait_reply(*office, office->query_dispatch_plan());
        const auto* answer = answer_if<DispatchPlan>(reply);
        EXPECT_NE(answer, nullptr);
        return answer != nullptr ? answer->items : std::vector<QueueItem>{};
    };
    const auto listed = [&](const std::string& state) {
        QueueFilter filter;
        filter.review_state = state;
        const auto reply = wait_reply(*office, office->query_queue(filter));
        const auto* items = answer_if<std::vector<QueueItem>>(reply);
        EXPECT_NE(items, nullptr);
        return items != nullptr ? *items : std::vector<QueueItem>{};
    };

    ASSERT_TRUE(
        answer_if<DispatchDone>(wait_reply(*office, office->dispatch({"east-thc", "", false, {{pair, 1}}}))));
    const auto rest = plan();
    ASSERT_EQ(rest.size(), 1u) << "the second box stays in the dispatch plan";
    EXPECT_EQ(rest[0].quantity, 1) << "what can go now";
    EXPECT_EQ(rest[0].recorded_boxes, 2);
    EXPECT_EQ(rest[0].dispatched, 1);
    EXPECT_TRUE(rest[0].partly_dispatched()) << "shown as 1 of 2 dispatched";
    const auto approved = listed(review_state::kApproved);
    ASSERT_EQ(approved.size(), 1u) << "and in the staff queue, not marked dispatched";
    EXPECT_EQ(approved[0].quantity, 2);
    EXPECT_EQ(approved[0].dispatched, 1);
    EXPECT_TRUE(approved[0].partly_dispatched());
    EXPECT_TRUE(listed(review_state::kDispatched).empty());

    const Outcome too_many = task(*office, office->dispatch({"east-thc", "", false, {{pair, 2}}}));
    EXPECT_FALSE(too_many.ok) << "never more than recorded in all";
    EXPECT_NE(too_many.message.find("only 1 of drop-off"), std::string::npos) << too_many.message;
    ASSERT_TRUE(
        answer_if<DispatchDone>(wait_reply(*office, office->dispatch({"east-thc", "", false, {{pair, 1}}}))));
    EXPECT_TRUE(plan().empty());
    const auto gone = listed(review_state::kDispatched);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].dispatched, 2);
    EXPECT_FALSE(gone[0].partly_dispatched());
}

TEST_F(LocalBackOfficeTest, SyncStateComesFromTheSyncWorkerWhenThereIsAHub) {
    storage::SyncProgress progress;
    progress.acknowledged = 12;
    progress.backlog = 4;
    progress.last_error = "hub unreachable";
    LocalBackOfficeOptions options;
    options.ledger_file = ledger_file;
    options.ledger_options = ledger_options;
    options.pepper_file = pepper_file;
    auto office = make_local_back_office(std::move(options),
                                         [&] { return std::optional<storage::SyncProgress>(progress); });
    ASSERT_TRUE(office->sync_state().has_value());
    EXPECT_EQ(office->sync_state()->acknowledged, 12);
    progress.backlog = 0;
    EXPECT_EQ(office->sync_state()->backlog, 0) << "read fresh each time";
    EXPECT_EQ(office->sync_state()->last_error, "hub unreachable");
}

TEST_F(LocalBackOfficeTest, TheTechnicianImportsACatalogueAllOrNothing) {
    add_user("li", "technician", "1357");
    auto office = make_office();
    const auto good = dir.path() / "good.csv";
    const auto bad = dir.path() / "bad.csv";
    const std::string header =
        "product_id,name_zh,name_en,form,strength,category,prescription,controlled,cold_chain,injectable,"
        "device\n";
    std::ofstream(good) << header
                        << "06900000000014,对乙酰氨基酚片,Paracetamol,tablet,500 mg,fever,0,0,0,0,0\n";
    std::ofstream(bad) << header << "06900000000015,布洛芬,Ibuprofen,tablet,,fever,0,0,0,0,0\n";
    EXPECT_FALSE(task(*office, office->import_catalogue(good)).ok) << "no technician signed in";
    ASSERT_EQ(check(*office, Role::Technician, "1357").outcome, PinCheck::Outcome::Accepted);
    const Outcome refused = task(*office, office->import_catalogue(bad));
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.message.find("line 2"), std::string::npos) << refused.message;
    EXPECT_TRUE(book->reference().catalogue().value().empty());
    const Outcome imported = task(*office, office->import_catalogue(good));
    EXPECT_TRUE(imported.ok) << imported.message;
    ASSERT_EQ(book->reference().catalogue().value().size(), 1u);
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
    EXPECT_EQ(check(*office, Role::Staff, "2468").outcome, PinCheck::Outcome::LockedOut)
        << "even the right PIN";
    const PinCheck technician = check(*office, Role::Technician, "2468");
    EXPECT_EQ(technician.outcome, PinCheck::Outcome::Unavailable);
    EXPECT_NE(technician.message.find("users add"), std::string::npos) << technician.message;
}

TEST(LocalBackOffice, AMissingLedgerIsAnErrorNotACrash) {
    test::TempDir dir;
    auto office = make_local_back_office({.ledger_file = dir.path() / "none" / "ledger.db"});
    const auto reply = wait_reply(*office, office->query_queue({}));
    ASSERT_FALSE(reply.result.ok());
    EXPECT_NE(reply.result.error().message.find("ledger"), std::string::npos) << reply.result.error().message;
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
