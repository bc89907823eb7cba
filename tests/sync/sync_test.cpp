// Sync against a real PostgreSQL: plain sync, re-sync, two kiosks, a lost response, a poison record,
// reference data, privileges, connection errors.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "medkiosk/storage/hub_probe.hpp"
#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

using storage::SyncPoint;

TEST_F(SyncFixture, PlainSyncUploadsEveryRecordOnceAndSendsAHeartbeat) {
    auto kiosk = make_kiosk("plain");
    kiosk.record(30);
    kiosk.record(20);
    auto worker = worker_for(kiosk);
    auto round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;

    expect_agreement(kiosk);
    const auto progress = worker->progress();
    EXPECT_EQ(progress.inserted, 52);  // 50 drop-offs + 2 sessions
    EXPECT_EQ(progress.duplicates, 0);
    EXPECT_EQ(progress.backlog, 0);
    EXPECT_GT(progress.bytes_sent, 0);
    EXPECT_FALSE(progress.last_success_at.empty());
    ASSERT_TRUE(progress.clock_skew_ms.has_value());
    EXPECT_LT(std::llabs(*progress.clock_skew_ms), 2000);
    EXPECT_FALSE(progress.clock_skew_flagged);
    // The hub holds the fields the kiosk recorded, serial only as its hash.
    EXPECT_EQ(
        pg.scalar(
            database,
            std::string("SELECT count(DISTINCT serial_hash) FROM hub.dropoff WHERE gtin = '06901234567892' "
                        "AND expiry = '2027-06-30' AND kiosk_id = '") +
                kiosk.id + "'"),
        "50");
    EXPECT_EQ(pg.scalar(database,
                        std::string("SELECT backlog FROM hub.heartbeat WHERE kiosk_id = '") + kiosk.id + "'"),
              "50");
    EXPECT_EQ(pg.scalar(database,
                        std::string(
                            "SELECT count(*) FROM hub.kiosk WHERE public_key IS NOT NULL AND kiosk_id = '") +
                            kiosk.id + "'"),
              "1");
}

TEST_F(SyncFixture, ResyncChangesNothingEvenWhenTheKioskForgetsItsAcknowledgements) {
    auto kiosk = make_kiosk("resync");
    kiosk.record(40);
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok());
    const auto hub_rows_before = hub_int("SELECT count(*) FROM hub.ingest_record");

    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().inserted, 41);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record"), hub_rows_before);

    // A restored backup of the ledger: everything goes again and comes back "duplicate".
    storage::testing::RawDb(kiosk.ledger_file)
        .exec("UPDATE outbox SET acked_at = NULL; DELETE FROM sync_state WHERE key = 'session_cursor'");
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().duplicates, 41);
    EXPECT_EQ(worker->progress().inserted, 41);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record"), hub_rows_before);
    expect_agreement(kiosk);
}

TEST_F(SyncFixture, TwoKiosksSyncAtOnceAndEachRowCarriesItsKiosk) {
    auto a = make_kiosk("twoa");
    auto b = make_kiosk("twob");
    a.record(300);
    b.record(250);
    auto worker_a = worker_for(a);
    auto worker_b = worker_for(b);
    worker_a->start();
    worker_b->start();
    EXPECT_TRUE(wait_until(
        [&] {
            return worker_a->progress().backlog == 0 && worker_b->progress().backlog == 0 &&
                   worker_a->progress().rounds > 0 && worker_b->progress().rounds > 0;
        },
        std::chrono::seconds(30)));
    // Records added while the workers run are picked up without a restart.
    a.record(5);
    worker_a->wake();
    EXPECT_TRUE(wait_until([&] { return a.backlog() == 0; }, std::chrono::seconds(10)));
    worker_a->stop();
    worker_b->stop();
    expect_agreement(a);
    expect_agreement(b);
    EXPECT_EQ(hub_dropoffs(a), 305);
    EXPECT_EQ(hub_dropoffs(b), 250);
}

TEST_F(SyncFixture, AResponseLostAfterTheHubCommittedIsRetriedAsDuplicate) {
    auto kiosk = make_kiosk("lost");
    kiosk.record(120);
    auto options = options_for(kiosk);
    std::atomic<int> dropped{0};
    options.fault_hook = [&](SyncPoint point) {
        // The first commit is the donation session's; lose the answer to the first drop-off batch.
        return !(point == SyncPoint::AfterHubCommit && dropped.fetch_add(1) == 1);
    };
    auto worker = worker_with(options);

    auto first = worker->run_round();
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(hub_dropoffs(kiosk), 100);  // the first batch of 100 committed at the hub
    EXPECT_EQ(kiosk.backlog(), 120);      // but nothing marked locally
    EXPECT_NE(worker->progress().last_error.find("connection lost"), std::string::npos);

    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().duplicates, 100);  // the batch whose answer was lost
    EXPECT_EQ(worker->progress().inserted, 21);
    expect_agreement(kiosk);
}

TEST_F(SyncFixture, ADonationBegunWhileARoundIsSendingReachesTheHubSessionFirst) {
    auto kiosk = make_kiosk("meanwhile");
    kiosk.record(5);
    auto options = options_for(kiosk);
    int uploads = 0;
    std::int64_t most_orphans = 0;
    options.fault_hook = [&](SyncPoint point) {
        // The first upload is the session, the second its drop-offs: a donor starts the next donation
        // just as those drop-offs go out, after the round has read the sessions.
        if (point == SyncPoint::BeforeUpload && ++uploads == 2) kiosk.record(3);
        // No upload may leave a drop-off at the hub ahead of its session, even for a moment.
        if (point == SyncPoint::AfterHubCommit) {
            most_orphans = std::max(most_orphans, hub_dropoffs_without_session(kiosk));
        }
        return true;
    };
    auto worker = worker_with(options);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_EQ(uploads, 4);  // session, drop-offs, then the new session and its drop-offs
    EXPECT_EQ(most_orphans, 0);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM donation_session"), 2);
    // The round went on until the donation begun meanwhile was at the hub as well.
    expect_agreement(kiosk);
}

TEST_F(SyncFixture, OnePoisonRecordAmongAThousandIsDeadLetteredAndNeverBlocksTheQueue) {
    auto kiosk = make_kiosk("poison");
    kiosk.record(1000);
    // A record the hub must refuse: a quantity its CHECK forbids, in the middle of the queue.
    storage::testing::RawDb(kiosk.ledger_file)
        .exec(
            "UPDATE outbox SET payload = json_set(payload, '$.quantity', -3) "
            "WHERE id = (SELECT id FROM outbox WHERE entity = 'dropoff' ORDER BY id LIMIT 1 OFFSET 500)");
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;

    EXPECT_EQ(hub_dropoffs(kiosk), 999);
    EXPECT_EQ(worker->progress().dead_lettered, 1);
    EXPECT_EQ(kiosk.backlog(), 0);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND dead_reason LIKE "
                          "'invalid:%quantity%'"),
              1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM sync_event WHERE kind = 'dead-letter'"), 1);
    // The dead letter is in the hash-chained audit log too, naming the record and the hub's reason,
    // and the chain still verifies (the sync worker appends through its own connection).
    const std::string poison_id = storage::testing::RawDb(kiosk.ledger_file, true)
                                      .text("SELECT entity_id FROM outbox WHERE dead_at IS NOT NULL");
    EXPECT_EQ(
        kiosk.local("SELECT count(*) FROM audit_log WHERE action = 'sync-dead-letter' AND actor = 'sync' "
                    "AND entity = 'dropoff' AND entity_id = '" +
                    poison_id +
                    "' AND json_extract(detail, '$.outcome') = 'invalid' "
                    "AND json_extract(detail, '$.detail') LIKE '%quantity%'"),
        1);
    {
        auto verified = run_ctl({"db", "verify-audit", "--data-dir", kiosk.data_dir.string()});
        EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
        auto reopened = storage::Ledger::open(kiosk.ledger_file, storage::LedgerOptions{kiosk.id, {}, true});
        ASSERT_TRUE(reopened.ok()) << reopened.error().message;
        EXPECT_TRUE(reopened.value()->audit().verify().value().ok());
    }
    // The records after it went through, and a new round does not send the dead letter again.
    EXPECT_EQ(
        hub_int(std::string("SELECT max(sequence) FROM hub.dropoff WHERE kiosk_id = '") + kiosk.id + "'"),
        1000);
    kiosk.record(3);
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().dead_lettered, 1);
    EXPECT_EQ(hub_dropoffs(kiosk), 1002);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM audit_log WHERE action = 'sync-dead-letter'"), 1)
        << "one entry, not one per round";
}

TEST_F(SyncFixture, ARecordChangedAfterUploadIsAMismatchAndDeadLettered) {
    auto kiosk = make_kiosk("mismatch");
    kiosk.record(10);
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok());
    storage::testing::RawDb(kiosk.ledger_file)
        .exec(
            "UPDATE outbox SET acked_at = NULL, payload = json_set(payload, '$.reason', 'changed') "
            "WHERE id = (SELECT max(id) FROM outbox)");
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().dead_lettered, 1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_reason = 'mismatch'"), 1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM audit_log WHERE action = 'sync-dead-letter' "
                          "AND json_extract(detail, '$.outcome') = 'mismatch'"),
              1);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.dropoff WHERE reason = 'changed'"), 0);
}

TEST_F(SyncFixture, ReferenceDataIsPulledByCursorIncludingRetirements) {
    auto kiosk = make_kiosk("pull");
    auto admin = pg.admin(database);
    ASSERT_TRUE(
        admin
            ->exec(
                "INSERT INTO hub.catalogue (gtin, name, category) VALUES "
                "('06901234567892', 'Ibuprofen 200 mg', 'fever'), ('06901234567809', 'Cough syrup', 'cough');"
                "INSERT INTO hub.rule (key, value) VALUES ('min_shelf_life_days', '90');"
                "INSERT INTO hub.recall (id, gtin, batch, reason) VALUES ('r1', '06901234567892', 'BAD1', "
                "'contamination');"
                "INSERT INTO hub.drive (id, name, starts_on, ends_on) VALUES ('winter', 'Winter drive', "
                "'2026-12-01', '2027-02-28')")
            .ok());
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM hub_catalogue WHERE deleted = 0"), 2);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM hub_rule"), 1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM hub_recall WHERE json_extract(body, '$.batch') = 'BAD1'"), 1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM hub_drive"), 1);
    EXPECT_EQ(worker->progress().pulled, 5);

    ASSERT_TRUE(admin->exec("UPDATE hub.catalogue SET deleted = true WHERE gtin = '06901234567809'").ok());
    ASSERT_TRUE(worker->run_round().ok());
    EXPECT_EQ(worker->progress().pulled, 6);  // only the change, not the whole table again
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM hub_catalogue WHERE deleted = 1"), 1);
}

TEST_F(SyncFixture, AKioskRoleCanDoNothingButItsOwnDoors) {
    auto a = make_kiosk("priva");
    auto b = make_kiosk("privb");
    b.record(3);
    ASSERT_TRUE(worker_for(b)->run_round().ok());
    auto session = storage::HubSession::connect(a.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const char* refused[] = {
        "SELECT * FROM hub.dropoff",
        "SELECT * FROM hub.session",
        "SELECT * FROM hub.ingest_record",
        "SELECT * FROM hub.kiosk",
        "SELECT * FROM hub.catalogue",
        "SELECT * FROM hub.report_dropoff",
        "SELECT * FROM hub.heartbeat",
        "SELECT * FROM hub.review_action",
        "SELECT * FROM hub.dispatch",
        "SELECT * FROM hub.dispatch_item",
        "SELECT * FROM hub.report_dispatch",
        "UPDATE hub.dropoff SET quantity = 9",
        "UPDATE hub.dispatch_item SET quantity = 9",
        "DELETE FROM hub.review_action",
        "DELETE FROM hub.dropoff",
        "DELETE FROM hub.ingest_record",
        "INSERT INTO hub.catalogue (gtin, name, category) VALUES ('00000000000000', 'x', 'y')",
        "SELECT * FROM hub.ingest_for('x', '[]'::jsonb, 'sync')",
        "SELECT hub.add_kiosk('evil', 'pw')",
        "SELECT * FROM hub.receipt_lookup('X')",
        "CREATE TABLE hub.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "SET SESSION AUTHORIZATION postgres",
    };
    for (const char* sql : refused) {
        auto result = hub.query(sql);
        EXPECT_FALSE(result.ok()) << "a kiosk role was allowed: " << sql;
    }
    EXPECT_FALSE(hub.query(std::string("SET ROLE ") + b.role).ok()) << "a kiosk could become another kiosk";
    // Writing as another kiosk: the payload names b, the hub takes the kiosk from the login.
    const std::string foreign =
        R"([{"entity":"dropoff","id":"6f1c2a9e-1111-4a4a-8a8a-000000000001","payload":"{\"uuid\":\"6f1c2a9e-1111-4a4a-8a8a-000000000001\",\"kiosk_id\":\")" +
        b.id +
        R"(\",\"session_id\":1,\"recorded_at\":\"2026-11-29T00:00:00Z\",\"sequence\":99,\"scheme\":\"gs1\",\"quantity\":1,\"condition\":\"sealed\",\"decision\":\"accept\",\"reason\":\"ok\"}"}])";
    auto answer = hub.query("SELECT outcome, detail FROM hub.ingest($1::jsonb)", {foreign});
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(answer.value().at(0).at(0).value_or(""), "invalid");
    EXPECT_EQ(hub_dropoffs(b), 3);
    EXPECT_EQ(hub_dropoffs(a), 0);
    // What a kiosk may do.
    EXPECT_TRUE(hub.query("SELECT count(*) FROM hub.catalogue_feed").ok());
    EXPECT_TRUE(hub.query("SELECT count(*) FROM hub.recall_feed").ok());
    EXPECT_TRUE(hub.query("SELECT hub.heartbeat('{}'::jsonb)").ok());
}

TEST_F(SyncFixture, WrongPasswordAndUnreachableHostGiveClearErrorsLoseNothingAndKeepRetrying) {
    auto kiosk = make_kiosk("badconn");
    kiosk.record(25);

    auto wrong_password = options_for(kiosk);
    wrong_password.hub_conninfo = pg.role_conninfo(database, kiosk.role, "not-the-password");
    auto worker = worker_with(wrong_password);
    auto round = worker->run_round();
    ASSERT_FALSE(round.ok());
    EXPECT_NE(round.error().message.find("password authentication failed"), std::string::npos)
        << round.error().message;
    EXPECT_NE(worker->progress().last_error.find("records stay queued"), std::string::npos);
    EXPECT_EQ(kiosk.backlog(), 25);

    auto unreachable = options_for(kiosk);
    unreachable.hub_conninfo =
        std::string("host=127.0.0.1 port=1 dbname=hub user=") + kiosk.role + " password=x";
    auto retrying = worker_with(unreachable);
    retrying->start();
    EXPECT_TRUE(
        wait_until([&] { return retrying->progress().consecutive_failures >= 3; }, std::chrono::seconds(10)));
    retrying->stop();
    EXPECT_NE(retrying->progress().last_error.find("Connection refused"), std::string::npos)
        << retrying->progress().last_error;
    EXPECT_EQ(kiosk.backlog(), 25);
    EXPECT_EQ(hub_dropoffs(kiosk), 0);

    ASSERT_TRUE(worker_for(kiosk)->run_round().ok());
    expect_agreement(kiosk);
}

// A hub that stops answering mid-round (here a table the upload needs is locked; a frozen server
// looks the same to the kiosk, and neither TCP keepalives nor the statement timeout end it) must not
// hold up the kiosk's stop: stop() cuts the connection, the cut round is not reported as the hub's
// failure, and the records go once the hub answers again, once each.
TEST_F(SyncFixture, StopEndsARoundStuckOnAStalledHubAndLosesNothing) {
    using namespace std::chrono_literals;
    auto kiosk = make_kiosk("stalled");
    kiosk.record(10);
    auto blocker = pg.admin(database);
    ASSERT_TRUE(blocker->exec("BEGIN; LOCK TABLE hub.ingest_record IN ACCESS EXCLUSIVE MODE").ok());
    auto worker = worker_for(kiosk);
    worker->start();
    bool stuck = false;
    for (int i = 0; i < 300 && !stuck; ++i) {
        stuck = hub_int(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                    "query NOT LIKE '%pg_stat_activity%'") > 0;
        if (!stuck) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(stuck) << "the round never reached the locked table";
    const auto stop_started = std::chrono::steady_clock::now();
    worker->stop();
    const auto stop_took = std::chrono::steady_clock::now() - stop_started;
    EXPECT_LT(stop_took, 10s) << "stop() waited for the stalled hub";
    EXPECT_TRUE(worker->progress().last_error.empty()) << worker->progress().last_error;
    worker.reset();
    ASSERT_TRUE(blocker->exec("COMMIT").ok());

    auto again = worker_for(kiosk);
    auto round = again->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    expect_agreement(kiosk);
    EXPECT_EQ(again->progress().backlog, 0);
}

// A hub address where nothing will ever answer a connect, on loopback.
class SilentHost {
  public:
    enum class Kind {
        AcceptsAndSaysNothing,  // a frozen server or a firewall that completes the handshake
        DropsTheHandshake,      // a host that drops SYNs: the kiosk's connect never completes
    };
    explicit SilentHost(Kind kind) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        // A listener whose accept queue is full and never drained drops every further SYN.
        const int backlog = kind == Kind::DropsTheHandshake ? 0 : 16;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(listener_, backlog) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ADD_FAILURE() << "cannot listen on loopback";
            return;
        }
        port_ = ntohs(address.sin_port);
        if (kind == Kind::DropsTheHandshake) {
            for (int i = 0; i < 2; ++i) {
                const int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                (void)::connect(filler, reinterpret_cast<sockaddr*>(&address), length);
                held_.push_back(filler);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } else {
            thread_ = std::thread([this] { hold_every_connection(); });
        }
    }
    ~SilentHost() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        for (int held : held_) ::close(held);
        ::close(listener_);
    }
    int port() const { return port_; }
    int accepted() const { return accepted_; }

  private:
    void hold_every_connection() {
        while (!stop_) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 50) <= 0) continue;
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            held_.push_back(client);  // read nothing, say nothing, close nothing until the test ends
            ++accepted_;
        }
    }
    int listener_ = -1;
    int port_ = 0;
    std::vector<int> held_;
    std::atomic<int> accepted_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string address_of_hosts(const std::vector<int>& ports, const std::string& rest) {
    std::string hosts, port_list;
    for (int port : ports) {
        if (!hosts.empty()) {
            hosts.append(",");
            port_list.append(",");
        }
        hosts.append("127.0.0.1");
        port_list.append(std::to_string(port));
    }
    return "host=" + hosts + " port=" + port_list + " " + rest;
}

// SIGTERM while the worker connects to a hub that never answers: libpq's blocking connect sat out
// connect_timeout per host (14.5 s with three hosts) and the kiosk's stop with it.
TEST_F(SyncFixture, StopEndsAConnectToASilentHubAtOnceAndLosesNothing) {
    using namespace std::chrono_literals;
    using Kind = SilentHost::Kind;
    auto kiosk = make_kiosk("silent");
    kiosk.record(5);
    const std::string rest =
        "user=" + kiosk.role + " password=" + kiosk.password + " dbname=" + database + " sslmode=disable";
    const std::int64_t queued = kiosk.backlog();
    ASSERT_GT(queued, 0);
    SilentHost accepts(Kind::AcceptsAndSaysNothing), drops(Kind::DropsTheHandshake),
        accepts_too(Kind::AcceptsAndSaysNothing);
    const struct {
        const char* name;
        std::vector<int> ports;
    } silent_hubs[] = {
        {"accepts and says nothing", {accepts.port()}},
        {"drops the handshake", {drops.port()}},
        {"three silent hosts", {drops.port(), accepts.port(), accepts_too.port()}},
    };
    for (const auto& hub : silent_hubs) {
        SCOPED_TRACE(hub.name);
        auto options = options_for(kiosk);
        options.connect_timeout_seconds = 5;
        options.hub_conninfo = address_of_hosts(hub.ports, rest);
        auto worker = worker_with(options);
        ASSERT_NE(worker, nullptr);
        const int accepted_before = accepts.accepted();
        worker->start();
        std::this_thread::sleep_for(700ms);  // well inside the connect, whatever host it waits on
        if (hub.ports.front() == accepts.port()) {
            EXPECT_GT(accepts.accepted(), accepted_before) << "the worker never reached the silent host";
        }
        const auto stop_started = std::chrono::steady_clock::now();
        worker->stop();
        const auto stop_took = std::chrono::steady_clock::now() - stop_started;
        EXPECT_LT(stop_took, 1s) << "stop() took "
                                 << std::chrono::duration_cast<std::chrono::milliseconds>(stop_took).count()
                                 << " ms: it waited for the connect";
        EXPECT_TRUE(worker->progress().last_error.empty()) << worker->progress().last_error;
        EXPECT_EQ(kiosk.backlog(), queued);
        EXPECT_EQ(hub_dropoffs(kiosk), 0);
    }
    auto again = worker_for(kiosk);
    auto round = again->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    expect_agreement(kiosk);
}

// The interruptible connect keeps libpq's multi-host behaviour: each silent host gets its own
// connect_timeout, then the next host is tried, and the first that answers takes the records.
TEST_F(SyncFixture, AMultiHostAddressGoesPastSilentHostsToTheOneThatAnswers) {
    using namespace std::chrono_literals;
    using Kind = SilentHost::Kind;
    auto kiosk = make_kiosk("multihost");
    kiosk.record(3);
    const std::string rest =
        "user=" + kiosk.role + " password=" + kiosk.password + " dbname=" + database + " sslmode=disable";
    SilentHost accepts(Kind::AcceptsAndSaysNothing), drops(Kind::DropsTheHandshake);
    auto options = options_for(kiosk);
    options.connect_timeout_seconds = 2;
    options.hub_conninfo = address_of_hosts({accepts.port(), drops.port(), pg.port()}, rest);
    auto worker = worker_with(options);
    const auto started = std::chrono::steady_clock::now();
    auto round = worker->run_round();
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_GE(took, 3900ms) << "a silent host was passed over before its connect_timeout";
    EXPECT_LT(took, 8s);
    expect_agreement(kiosk);

    // All silent: the error names the wait, the records stay queued.
    kiosk.record(1);
    const std::int64_t queued = kiosk.backlog();
    options.hub_conninfo = address_of_hosts({accepts.port(), drops.port()}, rest);
    auto failed = worker_with(options)->run_round();
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("timeout expired after 2 s; timeout expired after 2 s"),
              std::string::npos)
        << failed.error().message;
    EXPECT_EQ(kiosk.backlog(), queued);
}

TEST_F(SyncFixture, TlsVerifyFullAcceptsTheHubsCertificateAndRefusesAnyOther) {
    auto kiosk = make_kiosk("tls");
    kiosk.record(2);
    const std::string base = "host=127.0.0.1 port=" + std::to_string(pg.port()) + " dbname=" + database +
                             " user=" + kiosk.role + " password=" + kiosk.password +
                             " sslmode=verify-full sslrootcert=";

    auto wrong_ca = options_for(kiosk);
    wrong_ca.hub_conninfo = base + pg.other_ca_file().string();
    auto refused = worker_with(wrong_ca)->run_round();
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("certificate verify failed"), std::string::npos)
        << refused.error().message;

    auto missing_ca = options_for(kiosk);
    missing_ca.hub_conninfo = base + (temp.path() / "no-such-ca.crt").string();
    auto missing = worker_with(missing_ca)->run_round();
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("root certificate file"), std::string::npos)
        << missing.error().message;
    EXPECT_EQ(kiosk.backlog(), 2);
    EXPECT_EQ(hub_dropoffs(kiosk), 0);

    auto right_ca = options_for(kiosk);
    right_ca.hub_conninfo = base + pg.ca_file().string();
    auto worker = worker_with(right_ca);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    expect_agreement(kiosk);
}

}  // namespace
// libpq's parse errors quote the faulty fragment, which can be the password ("invalid percent-encoded
// token: \"pa%zzss\""); the sync error (shown to staff, logged, kept in the ledger) names what to
// check instead. No server is needed: nothing is tried.
TEST(HubSessionConnect, AnAddressLibpqCannotParseIsRefusedWithoutQuotingIt) {
    for (const char* address :
         {"postgresql://kiosk:pa%zzss@127.0.0.1:1/hub", "postgresql://kiosk:top%00secret@127.0.0.1:1/hub",
          "host=/x password=top secret"}) {
        auto session = storage::HubSession::connect(address, 3);
        ASSERT_FALSE(session.ok()) << address;
        const std::string& message = session.error().message;
        EXPECT_NE(message.find("the hub address cannot be read"), std::string::npos) << message;
        EXPECT_EQ(message.find("zz"), std::string::npos) << message;
        EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    }
}

// libpq parses "postgresql://u:pa/ss@h/db" (the '/' ends the authority) and then refuses "pa" as the
// port: the refusal is named by its option, never by the value, which is part of the password.
TEST(HubSessionConnect, AValueLibpqRefusesIsNamedByItsOptionNotByThePasswordPartInIt) {
    const char* address = "postgresql://kiosk:pa/sssecret@127.0.0.1/hub";
    auto session = storage::HubSession::connect(address, 3);
    ASSERT_FALSE(session.ok());
    EXPECT_NE(session.error().message.find("cannot use for \"port\""), std::string::npos)
        << session.error().message;
    EXPECT_EQ(session.error().message.find("\"pa\""), std::string::npos) << session.error().message;
    const storage::HubProbe probe = storage::probe_hub(address, 3);
    EXPECT_TRUE(probe.malformed);
    EXPECT_NE(probe.message.find("cannot use for \"port\""), std::string::npos) << probe.message;
    EXPECT_EQ(probe.message.find("\"pa\""), std::string::npos) << probe.message;
}

// Red team 4: a raw '@' in the password ("postgresql://u:pa@ssecret@h/db") ends the user information
// at its first '@' for libpq, which then looks up the host "ssecret@h" and names it in its error (the
// sync error staff see, the ledger's last error, the logs). Refused before any lookup, by what to fix.
TEST(HubSessionConnect, AnAtSignInThePasswordIsRefusedWithoutNamingTheHostItMade) {
    for (const char* address :
         {"postgresql://kiosk:pa@sssecret@127.0.0.1:1/hub",
          "postgresql://kiosk:pa@sssecret@127.0.0.1:1,127.0.0.2:1/hub", "host=sssecret@127.0.0.1 port=1"}) {
        auto session = storage::HubSession::connect(address, 3);
        ASSERT_FALSE(session.ok()) << address;
        EXPECT_EQ(session.error().message.find("secret"), std::string::npos) << session.error().message;
        EXPECT_NE(session.error().message.find("%40"), std::string::npos) << session.error().message;
        const storage::HubProbe probe = storage::probe_hub(address, 3);
        EXPECT_TRUE(probe.malformed) << address;
        EXPECT_EQ(probe.message.find("secret"), std::string::npos) << probe.message;
    }
    // An abstract socket ("@name") or a socket directory is libpq's to judge.
    for (const char* address : {"host=@medkiosk-no-such-socket port=1", "host=/nonexistent/a@b port=1"}) {
        auto session = storage::HubSession::connect(address, 3);
        ASSERT_FALSE(session.ok()) << address;
        EXPECT_EQ(session.error().message.find("%40"), std::string::npos) << session.error().message;
    }
}

}  // namespace medkiosk::test
