#pragma once
// A fresh hub database per test on the process's shared PostgreSQL, and kiosks with their own ledger
// and hub role.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "../storage/storage_test_util.hpp"
#include "medkiosk/storage/county.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/sync.hpp"
#include "pg_server.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {

struct TestKiosk {
    std::string id;
    std::string role;
    std::string password;
    std::string conninfo;
    std::filesystem::path data_dir;
    std::filesystem::path ledger_file;
    std::unique_ptr<storage::Ledger> ledger;
    std::int64_t serial_counter = 0;

    // Records `count` drop-offs in one new donation session.
    void record(int count) {
        auto session = ledger->dropoffs().begin_session();
        ASSERT_TRUE(session.ok()) << session.error().message;
        for (int i = 0; i < count; ++i) {
            auto input = storage::testing::sample_dropoff(
                session.value().id, std::string("SN-") + id + "-" + std::to_string(++serial_counter));
            auto recorded = ledger->dropoffs().record(input);
            ASSERT_TRUE(recorded.ok()) << recorded.error().message;
        }
    }
    std::int64_t local(const std::string& sql) const {
        storage::testing::RawDb raw(ledger_file, true);
        return raw.integer(sql);
    }
    std::int64_t backlog() const {
        return local("SELECT count(*) FROM outbox WHERE acked_at IS NULL AND dead_at IS NULL");
    }
    std::int64_t dropoffs() const { return local("SELECT count(*) FROM dropoff"); }
};

// One element of a hub.ingest batch, as the sync worker sends it: the payload travels as JSON text.
inline std::string ingest_element(const std::string& entity, const std::string& id,
                                  const std::string& payload) {
    std::string quoted;
    for (char c : payload) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return R"({"entity":")" + entity + R"(","id":")" + id + R"(","payload":")" + quoted + "\"}";
}

class SyncFixture : public ::testing::Test {
  protected:
    PgServer& pg = PgServer::shared();
    TempDir temp;
    std::string database = pg.create_hub_database();

    TestKiosk make_kiosk(const std::string& stem) {
        TestKiosk kiosk;
        kiosk.id = unique_kiosk_id(stem);
        kiosk.password = std::string("pw-") + kiosk.id;
        auto admin = pg.admin(database);
        auto role = storage::add_kiosk(*admin, kiosk.id, kiosk.password);
        EXPECT_TRUE(role.ok()) << (role.ok() ? "" : role.error().message);
        kiosk.role = role.ok() ? role.value() : "";
        kiosk.conninfo = pg.role_conninfo(database, kiosk.role, kiosk.password);
        kiosk.data_dir = temp.path() / kiosk.id;
        kiosk.ledger_file = kiosk.data_dir / "ledger.db";
        storage::LedgerOptions options;
        options.kiosk_id = kiosk.id;
        auto ledger = storage::Ledger::open(kiosk.ledger_file, options);
        EXPECT_TRUE(ledger.ok()) << (ledger.ok() ? "" : ledger.error().message);
        if (ledger.ok()) kiosk.ledger = std::move(ledger).value();
        return kiosk;
    }

    // A clinic-mode device of clinic `clinic_id` (added to hub.clinic when missing) with its own hub
    // login, and no ledger yet: opening a ClinicStore on its ledger_file makes a clinic device's one.
    TestKiosk make_clinic_kiosk(const std::string& stem, const std::string& clinic_id) {
        (void)pg.scalar(
            database,
            "INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en) "
            "VALUES ('" +
                clinic_id + "', '石塘村卫生室', '" + clinic_id +
                " clinic', 'village-clinic', '石塘镇', 'Shitang') ON CONFLICT DO NOTHING");
        TestKiosk device;
        device.id = unique_kiosk_id(stem);
        device.password = "pw-" + device.id;
        auto role = storage::add_clinic_device(*pg.admin(database), device.id, clinic_id, device.password);
        EXPECT_TRUE(role.ok()) << (role.ok() ? "" : role.error().message);
        device.role = role.ok() ? role.value() : "";
        device.conninfo = pg.role_conninfo(database, device.role, device.password);
        device.data_dir = temp.path() / device.id;
        device.ledger_file = device.data_dir / "ledger.db";
        std::filesystem::create_directories(device.data_dir);
        return device;
    }

    storage::SyncOptions options_for(const TestKiosk& kiosk) const {
        storage::SyncOptions options;
        options.ledger_file = kiosk.ledger_file;
        options.hub_conninfo = kiosk.conninfo;
        options.kiosk_version = "test";
        options.batch_size = 100;
        options.connect_timeout_seconds = 2;
        options.backoff_initial = std::chrono::milliseconds(20);
        options.backoff_max = std::chrono::milliseconds(300);
        options.idle_poll = std::chrono::milliseconds(30);
        return options;
    }

    std::unique_ptr<storage::SyncWorker> worker_for(const TestKiosk& kiosk) {
        return worker_with(options_for(kiosk));
    }
    std::unique_ptr<storage::SyncWorker> worker_with(storage::SyncOptions options) {
        auto worker = storage::SyncWorker::create(std::move(options));
        EXPECT_TRUE(worker.ok()) << (worker.ok() ? "" : worker.error().message);
        return worker.ok() ? std::move(worker).value() : nullptr;
    }

    std::int64_t hub_int(const std::string& sql) {
        return std::stoll(std::string("0") + pg.scalar(database, sql));
    }
    std::int64_t hub_dropoffs(const TestKiosk& kiosk) {
        return hub_int(std::string("SELECT count(*) FROM hub.dropoff WHERE kiosk_id = '") + kiosk.id + "'");
    }

    std::int64_t hub_dropoffs_without_session(const TestKiosk& kiosk) {
        return hub_int(
            std::string("SELECT count(*) FROM hub.dropoff d WHERE d.kiosk_id = '") + kiosk.id +
            "' AND NOT EXISTS (SELECT FROM hub.session s WHERE s.kiosk_id = d.kiosk_id AND s.session_uuid = "
            "d.session_uuid)");
    }

    // Every local drop-off is at the hub exactly once, with nothing extra, and the kiosk agrees.
    void expect_agreement(const TestKiosk& kiosk) {
        EXPECT_EQ(kiosk.backlog(), 0);
        EXPECT_EQ(hub_dropoffs_without_session(kiosk), 0);
        EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL"), 0);
        EXPECT_EQ(hub_dropoffs(kiosk), kiosk.dropoffs());
        EXPECT_EQ(
            hub_int(std::string("SELECT count(*) FROM hub.session WHERE kiosk_id = '") + kiosk.id + "'"),
            kiosk.local("SELECT count(*) FROM donation_session"));
        // Same uuids on both sides: the hub's sum of sequence numbers matches the ledger's.
        EXPECT_EQ(
            hub_int(std::string("SELECT coalesce(sum(sequence), 0) FROM hub.dropoff WHERE kiosk_id = '") +
                    kiosk.id + "'"),
            kiosk.local("SELECT coalesce(sum(sequence), 0) FROM dropoff"));
        storage::testing::RawDb raw(kiosk.ledger_file, true);
        EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    }

    template <typename Predicate>
    static bool wait_until(Predicate&& predicate, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (predicate()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return predicate();
    }
};

}  // namespace medkiosk::test
