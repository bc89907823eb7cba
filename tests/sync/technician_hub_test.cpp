// The technician's "Test connection" against a real PostgreSQL 15: through the back office's thread,
// as the screen does it, a working hub reports its version, time and clock difference; a wrong
// password, an unreachable port and an unknown certificate each get their own actionable kind.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/technician_office.hpp"
#include "pg_server.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

class TechnicianHubTest : public ::testing::Test {
  protected:
    PgServer& pg = PgServer::shared();
    TempDir temp;
    std::string database = pg.create_hub_database();
    std::string kiosk_id = unique_kiosk_id("tech-hub");
    std::string password = "pw-" + kiosk_id;
    std::string role;

    void SetUp() override {
        auto admin = pg.admin(database);
        auto added = storage::add_kiosk(*admin, kiosk_id, password);
        ASSERT_TRUE(added.ok()) << added.error().message;
        role = added.value();
    }

    // Asks the back office, as the screen does, and waits for its answer (the test may wait; the UI never
    // does).
    kiosk::HubTestReport ask(const std::string& conninfo, std::chrono::seconds* took = nullptr) {
        auto office = kiosk::make_local_back_office({.ledger_file = temp.path() / "ledger.db"});
        const auto started = std::chrono::steady_clock::now();
        const std::uint64_t ticket = office->test_hub(conninfo);
        EXPECT_NE(ticket, 0u);
        for (int i = 0; i < 3000; ++i) {
            for (auto& reply : office->take_replies()) {
                if (reply.ticket != ticket) continue;
                if (took)
                    *took = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - started);
                const auto* report = kiosk::answer_if<kiosk::HubTestReport>(reply);
                EXPECT_NE(report, nullptr) << "the hub test answered with something else";
                return report ? *report : kiosk::HubTestReport{};
            }
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "no answer from the back office within 30 s";
        return {};
    }
};

TEST_F(TechnicianHubTest, AWorkingHubReportsItsVersionTimeAndClockDifference) {
    const kiosk::HubTestReport report = ask(pg.role_conninfo(database, role, password));
    ASSERT_TRUE(report.ok) << report.problem_key << ": " << report.detail;
    EXPECT_TRUE(report.problem_key.empty());
    EXPECT_EQ(report.server_version.substr(0, 3), "15.") << report.server_version;
    ASSERT_EQ(report.hub_time.size(), 19u) << report.hub_time;  // "YYYY-MM-DD HH:MM:SS"
    // Same machine, same clock: the measured difference is the query's own delay, well under a second.
    EXPECT_LT(std::abs(report.clock_skew_seconds), 1.0) << report.clock_skew_seconds;
    EXPECT_GE(report.round_trip_ms, 0.0);
    EXPECT_NE(report.detail.find(role), std::string::npos)
        << "says which role it connected as: " << report.detail;
}

TEST_F(TechnicianHubTest, AWrongPasswordIsToldAsSuch) {
    const kiosk::HubTestReport report = ask(pg.role_conninfo(database, role, "not-the-password"));
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.wrong_password") << report.detail;
    EXPECT_EQ(report.detail.find("not-the-password"), std::string::npos) << "never repeats the password";
}

TEST_F(TechnicianHubTest, AnUnreachablePortIsToldQuickly) {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    std::chrono::seconds took{0};
    const kiosk::HubTestReport report =
        ask("host=127.0.0.1 port=1 dbname=" + database + " user=" + role + " password=" + password, &took);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.unreachable") << report.detail;
    EXPECT_LE(took.count(), 4) << "the test uses a short connect timeout";
}

TEST_F(TechnicianHubTest, AnUnknownCertificateIsToldAsSuch) {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(pg.port()) + " dbname=" + database +
                                 " user=" + role + " password=" + password +
                                 " sslmode=verify-full sslrootcert=" + pg.other_ca_file().string();
    const kiosk::HubTestReport report = ask(conninfo);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.certificate") << report.detail;
}

TEST_F(TechnicianHubTest, NoAddressIsToldWithoutTryingTheNetwork) {
    const kiosk::HubTestReport report = ask("");
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.no_url");
}

}  // namespace
}  // namespace medkiosk::test
