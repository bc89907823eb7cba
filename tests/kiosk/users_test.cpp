// Staff and technician sign-in: peppered argon2id PINs, escalating delay, lock, technician unlock.

#include "medkiosk/kiosk/users.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class UsersTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened =
            storage::Ledger::open(dir_.path() / "data" / "ledger.db",
                                  storage::LedgerOptions{"kiosk-users", dir_.path() / "data" / "county.key"});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        ledger_ = std::move(opened).value();
        auto pepper = load_pepper(dir_.path() / "pin.pepper", true);
        ASSERT_TRUE(pepper.ok()) << pepper.error().message;
        service_ = std::make_unique<UserService>(*ledger_, pepper.value(), PinCost::minimal());
        ASSERT_TRUE(service_->add_user("anna", "staff", "2468", "test").ok());
        ASSERT_TRUE(service_->add_user("tech", "technician", "13579", "test").ok());
    }
    SignInResult sign_in(const std::string& login, const std::string& pin,
                         UserService::Clock::time_point when) {
        auto result = service_->sign_in(login, pin, when);
        EXPECT_TRUE(result.ok()) << result.error().message;
        return result.ok() ? result.value() : SignInResult{};
    }

    medkiosk::test::TempDir dir_;
    std::unique_ptr<storage::Ledger> ledger_;
    std::unique_ptr<UserService> service_;
    const UserService::Clock::time_point t0_ =
        UserService::Clock::time_point(std::chrono::seconds(1'800'000'000));
};

TEST_F(UsersTest, PinsAreArgon2idOfAPepperedValueNeverThePin) {
    const auto anna = *ledger_->find_user("anna").value();
    EXPECT_EQ(anna.pin_hash.rfind("$argon2id$", 0), 0u) << anna.pin_hash;
    EXPECT_EQ(anna.pin_hash.find("2468"), std::string::npos);
    EXPECT_EQ(sign_in("anna", "2468", t0_).outcome, SignInOutcome::Ok);
    EXPECT_EQ(sign_in("anna", "2469", t0_).outcome, SignInOutcome::WrongPin);
    EXPECT_EQ(sign_in("nobody", "2468", t0_).outcome, SignInOutcome::UnknownUser);

    // The same PIN under another pepper does not verify: the database alone is not enough.
    auto other_pepper = load_pepper(dir_.path() / "other.pepper", true);
    ASSERT_TRUE(other_pepper.ok());
    UserService stranger(*ledger_, other_pepper.value(), PinCost::minimal());
    auto result = stranger.sign_in("tech", "13579", t0_);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value().outcome, SignInOutcome::WrongPin);
}

TEST_F(UsersTest, ThePepperFileIsPrivateStableAndCheckedForDamage) {
    const fs::path file = dir_.path() / "pin.pepper";
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(load_pepper(file, true).value(), load_pepper(file, false).value());
    EXPECT_EQ(load_pepper(dir_.path() / "missing.pepper", false).error().code, storage::ErrorCode::NotFound);
    {
        std::FILE* out = std::fopen(file.c_str(), "wb");
        std::fputs("short", out);
        std::fclose(out);
    }
    EXPECT_EQ(load_pepper(file, false).error().code, storage::ErrorCode::Corrupt);
    // The default lives beside the data directory, not inside it.
    ::unsetenv("MEDKIOSK_PEPPER_FILE");
    EXPECT_EQ(default_pepper_file("/var/lib/medkiosk"), fs::path("/var/lib/medkiosk.pin-pepper"));
    EXPECT_EQ(default_pepper_file("/var/lib/medkiosk/"), fs::path("/var/lib/medkiosk.pin-pepper"));
}

TEST_F(UsersTest, RepeatedFailuresDelayThenLockUntilATechnicianUnlocks) {
    auto now = t0_;
    for (int i = 1; i <= UserService::kFreeAttempts; ++i) {
        const auto result = sign_in("anna", "0000", now);
        EXPECT_EQ(result.outcome, SignInOutcome::WrongPin) << i;
    }
    // From now on each try must wait, twice as long each time.
    EXPECT_EQ(UserService::delay_after(3), 2s);
    EXPECT_EQ(UserService::delay_after(4), 4s);
    EXPECT_EQ(UserService::delay_after(5), 8s);
    const auto early = sign_in("anna", "2468", now + 1s);
    EXPECT_EQ(early.outcome, SignInOutcome::TryLater);
    EXPECT_EQ(early.retry_after, 1s);
    // Even the right PIN is not checked during the delay.
    now += 2s;
    EXPECT_EQ(sign_in("anna", "0000", now).outcome, SignInOutcome::WrongPin);  // 4th
    EXPECT_EQ(sign_in("anna", "0000", now + 3s).outcome, SignInOutcome::TryLater);
    now += 4s;
    EXPECT_EQ(sign_in("anna", "0000", now).outcome, SignInOutcome::WrongPin);  // 5th
    now += 8s;
    EXPECT_EQ(sign_in("anna", "0000", now).outcome, SignInOutcome::Locked);  // 6th: locked
    now += 1h;
    EXPECT_EQ(sign_in("anna", "2468", now).outcome, SignInOutcome::Locked) << "a lock does not expire";

    // Staff cannot unlock; a wrong technician PIN does not; the technician's own PIN does.
    auto by_staff = service_->unlock("anna", "anna", "2468", now);
    ASSERT_TRUE(by_staff.ok());
    EXPECT_NE(by_staff.value().outcome, SignInOutcome::Ok);
    auto wrong = service_->unlock("anna", "tech", "11111", now);
    ASSERT_TRUE(wrong.ok());
    EXPECT_EQ(wrong.value().outcome, SignInOutcome::WrongPin);
    ASSERT_EQ(sign_in("tech", "13579", now + 1s).outcome, SignInOutcome::Ok);  // clears tech's own failure
    auto unlocked = service_->unlock("anna", "tech", "13579", now + 2s);
    ASSERT_TRUE(unlocked.ok());
    EXPECT_EQ(unlocked.value().outcome, SignInOutcome::Ok);
    EXPECT_EQ(sign_in("anna", "2468", now + 3s).outcome, SignInOutcome::Ok);
    EXPECT_EQ(ledger_->find_user("anna").value()->failed_attempts, 0);
    EXPECT_TRUE(ledger_->verify_audit().value().ok());
}

TEST_F(UsersTest, ResetPinChangesThePinAndUnlocks) {
    for (int i = 0; i < UserService::kLockAfter; ++i) sign_in("anna", "0000", t0_ + std::chrono::hours(i));
    ASSERT_TRUE(ledger_->find_user("anna").value()->locked);
    EXPECT_FALSE(service_->reset_pin("anna", "12", "tech").ok()) << "too short";
    EXPECT_FALSE(service_->reset_pin("anna", "12ab", "tech").ok()) << "digits only";
    ASSERT_TRUE(service_->reset_pin("anna", "97531", "tech").ok());
    EXPECT_EQ(sign_in("anna", "97531", t0_ + 10h).outcome, SignInOutcome::Ok);
    EXPECT_EQ(sign_in("anna", "2468", t0_ + 10h).outcome, SignInOutcome::WrongPin);
}

// Issue 12: twelve wrong PINs at once (each thread its own connection, as separate processes are) are
// each counted, and the lock comes exactly at the limit; with the kiosk's own rules, the delay lets
// exactly the free attempts through.
class ConcurrentPinTest : public UsersTest {
  protected:
    std::map<SignInOutcome, int> guess_at_once(int guesses, const storage::PinAttemptRules& rules) {
        std::atomic<int> ready{0};
        std::vector<SignInOutcome> outcomes(static_cast<std::size_t>(guesses), SignInOutcome::UnknownUser);
        std::vector<std::string> errors(static_cast<std::size_t>(guesses));
        std::vector<std::thread> threads;
        for (int i = 0; i < guesses; ++i) {
            threads.emplace_back([&, i] {
                auto ledger = storage::Ledger::open(
                    dir_.path() / "data" / "ledger.db",
                    storage::LedgerOptions{"kiosk-users", dir_.path() / "data" / "county.key"});
                if (!ledger) {
                    errors[static_cast<std::size_t>(i)] = ledger.error().message;
                    ++ready;
                    return;
                }
                UserService service(*ledger.value(), load_pepper(dir_.path() / "pin.pepper", false).value(),
                                    PinCost::minimal(), rules);
                ++ready;
                while (ready.load() < guesses) std::this_thread::yield();
                auto result = service.sign_in("anna", "0000", t0_);
                if (result)
                    outcomes[static_cast<std::size_t>(i)] = result.value().outcome;
                else
                    errors[static_cast<std::size_t>(i)] = result.error().message;
            });
        }
        for (auto& thread : threads) thread.join();
        std::map<SignInOutcome, int> counted;
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            EXPECT_TRUE(errors[i].empty()) << errors[i];
            ++counted[outcomes[i]];
        }
        return counted;
    }
    std::int64_t audit_rows(const std::string& action) {
        auto rows = ledger_->audit_rows();
        EXPECT_TRUE(rows.ok());
        if (!rows.ok()) return -1;
        std::int64_t matching = 0;
        for (const auto& row : rows.value())
            if (row.entity_id == "anna" && row.action == action) ++matching;
        return matching;
    }
};

TEST_F(ConcurrentPinTest, TwelveWrongPinsAtOnceAreEachCountedAndLockAtTheLimit) {
    const storage::PinAttemptRules no_delay{UserService::kFreeAttempts, 0, UserService::kLockAfter};
    auto outcomes = guess_at_once(12, no_delay);
    const auto anna = *ledger_->find_user("anna").value();
    EXPECT_EQ(anna.failed_attempts, UserService::kLockAfter);
    EXPECT_TRUE(anna.locked);
    // Exactly kLockAfter guesses were checked (5 wrong, the 6th wrong and locking); the rest refused.
    EXPECT_EQ(outcomes[SignInOutcome::WrongPin], UserService::kLockAfter - 1);
    EXPECT_EQ(outcomes[SignInOutcome::Locked], 12 - UserService::kLockAfter + 1);
    EXPECT_EQ(audit_rows("wrong-pin") + audit_rows("lock"), UserService::kLockAfter)
        << "one row per checked guess";
    EXPECT_EQ(audit_rows("lock"), 1);
    EXPECT_EQ(sign_in("anna", "2468", t0_ + 1h).outcome, SignInOutcome::Locked);
    EXPECT_TRUE(ledger_->verify_audit().value().ok());
}

TEST_F(ConcurrentPinTest, TwelveWrongPinsAtOnceWithTheKiosksDelayCheckOnlyTheFreeAttempts) {
    auto outcomes = guess_at_once(12, UserService::default_rules());
    const auto anna = *ledger_->find_user("anna").value();
    EXPECT_EQ(anna.failed_attempts, UserService::kFreeAttempts);
    EXPECT_FALSE(anna.locked);
    EXPECT_EQ(outcomes[SignInOutcome::WrongPin], UserService::kFreeAttempts);
    EXPECT_EQ(outcomes[SignInOutcome::TryLater], 12 - UserService::kFreeAttempts);
    EXPECT_EQ(audit_rows("wrong-pin"), UserService::kFreeAttempts);
    // Once the delay has passed, the right PIN signs in and clears the count.
    EXPECT_EQ(sign_in("anna", "2468", t0_ + 2s).outcome, SignInOutcome::Ok);
    EXPECT_EQ(ledger_->find_user("anna").value()->failed_attempts, 0);
}

}  // namespace
}  // namespace medkiosk::kiosk
