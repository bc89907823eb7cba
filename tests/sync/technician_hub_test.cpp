// The technician's "Test connection" against a real PostgreSQL 15: through the back office's thread,
// as the screen does it, a working hub reports its version, time and clock difference; every failure is
// named by what happened, against real servers: a closed port (no answer), a web server or random bytes
// on the port (not PostgreSQL), an unknown certificate (TLS), a wrong password or role (sign-in), a
// missing database.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <string_view>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/technician_office.hpp"
#include "pg_server.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

// Something that is not PostgreSQL listening on a loopback port, one connection at a time.
class FakeService {
  public:
    enum class Kind {
        Http,        // answers whatever arrives with an HTTP error, as a web server on a wrong port may
        SilentHttp,  // waits for a request line that never comes (libpq sends binary): silence
        Noise,       // sends bytes that mean nothing at once
    };
    explicit FakeService(Kind kind) : kind_(kind) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ADD_FAILURE() << "cannot listen on loopback";
            return;
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeService() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }

  private:
    void serve() {
        while (!stop_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 100) <= 0) continue;
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            if (kind_ == Kind::Noise) send(client, "\x17\x03\x99garbage\x00\xff\xfe not a protocol\n");
            if (kind_ == Kind::Http) {
                pollfd readable{client, POLLIN, 0};
                char request[512];
                if (::poll(&readable, 1, 2000) > 0 && ::read(client, request, sizeof request) > 0)
                    send(client,
                         "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
            if (kind_ == Kind::SilentHttp) {
                // Holds the connection open, reading and saying nothing, until the client gives up.
                char request[512];
                pollfd readable{client, POLLIN, 0};
                while (!stop_ && ::poll(&readable, 1, 100) >= 0) {
                    if ((readable.revents & POLLIN) && ::read(client, request, sizeof request) <= 0) break;
                }
            }
            ::close(client);
        }
    }
    static void send(int client, std::string_view bytes) {
        if (::write(client, bytes.data(), bytes.size()) < 0) ADD_FAILURE() << "write to the test client";
    }
    Kind kind_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

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
    EXPECT_EQ(report.problem_key, "tech.hub.auth") << report.detail;
    EXPECT_EQ(report.detail.find("not-the-password"), std::string::npos) << "never repeats the password";
}

TEST_F(TechnicianHubTest, AnUnreachablePortIsToldQuickly) {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    std::chrono::seconds took{0};
    const kiosk::HubTestReport report =
        ask("host=127.0.0.1 port=1 dbname=" + database + " user=" + role + " password=" + password, &took);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.no_answer") << report.detail;
    EXPECT_LE(took.count(), 4) << "the test uses a short connect timeout";
}

TEST_F(TechnicianHubTest, AnUnknownCertificateIsToldAsSuch) {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(pg.port()) + " dbname=" + database +
                                 " user=" + role + " password=" + password +
                                 " sslmode=verify-full sslrootcert=" + pg.other_ca_file().string();
    const kiosk::HubTestReport report = ask(conninfo);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.tls") << report.detail;
}

TEST_F(TechnicianHubTest, AnUnknownRoleIsASignInProblem) {
    const kiosk::HubTestReport report = ask(pg.role_conninfo(database, "kiosk_nobody", password));
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.auth") << report.detail;
}

TEST_F(TechnicianHubTest, AMissingDatabaseIsToldAsSuch) {
    const kiosk::HubTestReport report = ask(pg.role_conninfo("no_such_hub_db", role, password));
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.no_database") << report.detail;
    EXPECT_NE(report.detail.find("no_such_hub_db"), std::string::npos) << "libpq's words as the detail";
}

// The server quotes the database name it was given; a hub address pasted there (a misspelt scheme, a
// "user:123456" without its '@host') carries the password into the detail, which the screen shows
// through mask_conninfo_password: the password is masked there whatever the scheme (red team gaps 1, 2).
TEST_F(TechnicianHubTest, APasswordTheServerQuotesBackIsMaskedAsTheScreenShowsIt) {
    for (const std::string pasted : {"postgresq://kiosk:topsecret@hub/county", "http://kiosk:topsecret@hub",
                                     "postgresql://kiosk:123456/county"}) {
        const kiosk::HubTestReport report =
            ask("host=127.0.0.1 port=" + std::to_string(pg.port()) + " user=" + role +
                " password=" + password + " dbname='" + pasted + "'");
        EXPECT_EQ(report.problem_key, "tech.hub.no_database") << report.detail;
        ASSERT_NE(report.detail.find(pasted.substr(0, pasted.find(':'))), std::string::npos) << report.detail;
        const std::string shown = kiosk::mask_conninfo_password(report.detail);
        EXPECT_EQ(shown.find("topsecret"), std::string::npos) << shown;
        EXPECT_EQ(shown.find("123456"), std::string::npos) << shown;
        EXPECT_NE(shown.find(kiosk::kMaskedPassword), std::string::npos) << shown;
    }
}

// A web server on the port: whether the kiosk asks for TLS first (libpq's default, sslmode=prefer) or
// not, the answer is "not PostgreSQL" — never "certificate not accepted".
TEST_F(TechnicianHubTest, AWebServerOnThePortIsNotPostgresql) {
    FakeService web(FakeService::Kind::Http);
    for (const char* sslmode : {"prefer", "require", "disable"}) {
        const kiosk::HubTestReport report = ask("host=127.0.0.1 port=" + std::to_string(web.port()) +
                                                " dbname=hub user=kiosk password=x sslmode=" + sslmode);
        EXPECT_FALSE(report.ok);
        EXPECT_EQ(report.problem_key, "tech.hub.not_postgresql") << sslmode << ": " << report.detail;
    }
}

TEST_F(TechnicianHubTest, ASilentServiceOnThePortIsNotPostgresqlNotNoAnswer) {
    FakeService web(FakeService::Kind::SilentHttp);
    std::chrono::seconds took{0};
    const kiosk::HubTestReport report =
        ask("host=127.0.0.1 port=" + std::to_string(web.port()) + " dbname=hub user=kiosk password=x", &took);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.not_postgresql") << report.detail;
    EXPECT_LE(took.count(), 5) << "the test's deadline holds";
}

TEST_F(TechnicianHubTest, RandomBytesOnThePortAreNotPostgresql) {
    FakeService noise(FakeService::Kind::Noise);
    for (const char* sslmode : {"prefer", "disable"}) {
        const kiosk::HubTestReport report = ask("host=127.0.0.1 port=" + std::to_string(noise.port()) +
                                                " dbname=hub user=kiosk password=x sslmode=" + sslmode);
        EXPECT_FALSE(report.ok);
        EXPECT_EQ(report.problem_key, "tech.hub.not_postgresql") << sslmode << ": " << report.detail;
    }
}

TEST_F(TechnicianHubTest, AnUnknownHostIsNoAnswer) {
    const kiosk::HubTestReport report = ask("host=no-such-hub.invalid dbname=hub user=kiosk password=x");
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.no_answer") << report.detail;
}

TEST_F(TechnicianHubTest, NoAddressIsToldWithoutTryingTheNetwork) {
    const kiosk::HubTestReport report = ask("");
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.problem_key, "tech.hub.no_url");
}

}  // namespace
}  // namespace medkiosk::test
