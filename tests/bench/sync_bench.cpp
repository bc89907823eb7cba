// Benchmark: a 10,000-record backlog synced to a hub on loopback (target ≤ 3 s), beside a raw COPY of
// the same rows into a table shaped like hub.dropoff in the same run, and the kiosk's memory while it
// drains. `--smoke` runs a tiny version for ctest; `--records N` changes the backlog.

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "../storage/storage_test_util.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/sync.hpp"
#include "pg_server.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace medkiosk;
using Clock = std::chrono::steady_clock;

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int fail(const std::string& message) {
    std::fprintf(stderr, "sync_bench: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    int records = 10000;
    bool smoke = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke") {
            smoke = true;
            records = 300;
        } else if (arg == "--records" && i + 1 < argc) {
            records = std::atoi(argv[++i]);
        }
    }
    try {
        test::PgServer pg;
        const std::string database = pg.create_hub_database();
        test::TempDir temp;
        const std::string kiosk_id = test::unique_kiosk_id("bench");
        auto admin = pg.admin(database);
        auto role = storage::add_kiosk(*admin, kiosk_id, "bench-pw");
        if (!role) return fail(role.error().message);

        const auto ledger_file = temp.path() / "ledger.db";
        storage::LedgerOptions ledger_options;
        ledger_options.kiosk_id = kiosk_id;
        auto ledger = storage::Ledger::open(ledger_file, ledger_options);
        if (!ledger) return fail(ledger.error().message);
        const auto record_start = Clock::now();
        for (int done = 0; done < records;) {
            auto session = ledger.value()->begin_session();
            for (int i = 0; i < 5 && done < records; ++i, ++done) {
                auto recorded = ledger.value()->record_dropoff(storage::testing::sample_dropoff(
                    session.value().id, std::string("SN-") + std::to_string(done)));
                if (!recorded) return fail(recorded.error().message);
            }
        }
        const double record_seconds = seconds_since(record_start);
        ledger.value().reset();
        storage::testing::RawDb raw(ledger_file, true);
        const auto backlog = raw.integer(
            "SELECT (SELECT count(*) FROM outbox WHERE acked_at IS NULL) + (SELECT count(*) FROM "
            "donation_session)");

        storage::SyncOptions options;
        options.ledger_file = ledger_file;
        options.hub_conninfo = pg.role_conninfo(database, role.value(), "bench-pw");
        options.batch_size = 500;
        auto worker = storage::SyncWorker::create(options);
        if (!worker) return fail(worker.error().message);

        std::atomic<bool> sampling{true};
        std::atomic<long> peak_rss{rss_kib()};
        const long rss_before = peak_rss.load();
        // RSS when a quarter, half, three quarters of the backlog were acknowledged: flat, not rising.
        long rss_at_quarter[4] = {0, 0, 0, 0};
        std::thread sampler([&] {
            while (sampling) {
                const long rss = rss_kib();
                peak_rss = std::max(peak_rss.load(), rss);
                const auto done = worker.value()->progress().acknowledged;
                for (int q = 0; q < 4; ++q) {
                    if (rss_at_quarter[q] == 0 && done * 4 >= backlog * (q + 1)) rss_at_quarter[q] = rss;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
        const auto sync_start = Clock::now();
        auto round = worker.value()->run_round();
        const double sync_seconds = seconds_since(sync_start);
        sampling = false;
        sampler.join();
        if (!round) return fail(round.error().message);
        const auto progress = worker.value()->progress();
        const long hub_rows = std::stol(pg.scalar(database, "SELECT count(*) FROM hub.dropoff"));
        if (hub_rows != records || progress.backlog != 0)
            return fail(std::string("hub has ") + std::to_string(hub_rows) + " rows");

        // Baseline: the same drop-offs with COPY into a plain table of hub.dropoff's shape.
        if (!admin->exec("CREATE TABLE hub.bench_copy (LIKE hub.dropoff INCLUDING ALL)"))
            return fail("create");
        std::string copy_data;
        {
            sqlite3* db = nullptr;
            sqlite3_open_v2(ledger_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
            sqlite3_stmt* statement = nullptr;
            sqlite3_prepare_v2(
                db,
                "SELECT uuid, session_id, recorded_at, sequence, scheme, coalesce(gtin, '\\N'), "
                "coalesce(product_id, '\\N'), coalesce(batch, '\\N'), coalesce(expiry, '\\N'), "
                "coalesce(expiry_precision, '\\N'), coalesce(serial_hash, '\\N'), quantity, condition, "
                "decision, reason, review_state, coalesce(expiry_source, '\\N') FROM dropoff ORDER BY "
                "sequence",
                -1, &statement, nullptr);
            while (sqlite3_step(statement) == SQLITE_ROW) {
                copy_data += kiosk_id;
                for (int c = 0; c < 17; ++c) {
                    copy_data += '\t';
                    copy_data += reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
                }
                copy_data += '\n';
            }
            sqlite3_finalize(statement);
            sqlite3_close(db);
        }
        PGconn* conn = PQconnectdb(pg.admin_conninfo(database).c_str());
        const auto copy_start = Clock::now();
        PGresult* started =
            PQexec(conn,
                   "COPY hub.bench_copy (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, "
                   "gtin, product_id, batch, expiry, expiry_precision, serial_hash, quantity, "
                   "condition, decision, reason, review_state, expiry_source) FROM STDIN");
        PQclear(started);
        PQputCopyData(conn, copy_data.data(), static_cast<int>(copy_data.size()));
        PQputCopyEnd(conn, nullptr);
        PGresult* finished = PQgetResult(conn);
        const bool copy_ok = PQresultStatus(finished) == PGRES_COMMAND_OK;
        PQclear(finished);
        while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
        const double copy_seconds = seconds_since(copy_start);
        PQfinish(conn);
        if (!copy_ok) return fail("COPY failed");

        std::printf("sync_bench: %lld backlog records (%d drop-offs + sessions), recorded in %.2f s\n",
                    static_cast<long long>(backlog), records, record_seconds);
        std::printf("  sync to hub (loopback, batches of %d): %.3f s  (%.0f records/s, %lld bytes sent)%s\n",
                    options.batch_size, sync_seconds, static_cast<double>(backlog) / sync_seconds,
                    static_cast<long long>(progress.bytes_sent),
                    smoke ? "" : (sync_seconds <= 3.0 ? "  target <= 3 s: met" : "  target <= 3 s: MISSED"));
        std::printf("  raw COPY of the same %d rows:          %.3f s\n", records, copy_seconds);
        std::printf(
            "  kiosk RSS: %ld KiB before, %ld KiB peak while draining (+%ld KiB); at 25/50/75/100%% "
            "drained: %ld / %ld / %ld / %ld KiB\n",
            rss_before, peak_rss.load(), peak_rss.load() - rss_before, rss_at_quarter[0], rss_at_quarter[1],
            rss_at_quarter[2], rss_at_quarter[3]);
        return 0;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}
