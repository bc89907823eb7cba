// Drop-off commit latency: Ledger::record_dropoff (drop-off + outbox + audit rows, one durable WAL
// transaction with synchronous=FULL) beside a raw one-row WAL FULL commit on the same disk, interleaved
// so both see the same conditions. Target: p99 ≤ 4× the raw commit's p99.
// usage: ledger_commit_bench [--count N] [--smoke]     (MEDKIOSK_BENCH_DIR picks the disk)

#include <sqlite3.h>

#include <cstring>
#include <string>

#include "ledger_bench_util.hpp"
#include "medkiosk/storage/ledger.hpp"

using namespace medkiosk;
using bench::Clock;

int main(int argc, char** argv) {
    int count = 1000;
    bool smoke = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--smoke") == 0) {
            smoke = true;
            count = 20;
        } else if (std::strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = std::max(10, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: ledger_commit_bench [--count N] [--smoke]\n");
            return 2;
        }
    }
    bench::ScratchDir dir("ledger-commit-bench");

    sqlite3* raw = nullptr;
    const std::string raw_file = (dir.path() / "raw.db").string();
    if (sqlite3_open(raw_file.c_str(), &raw) != SQLITE_OK) return 1;
    sqlite3_exec(raw,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT;",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(raw, "INSERT INTO t (v) VALUES ('0123456789abcdef0123456789abcdef')", -1, &insert,
                       nullptr);

    auto opened = storage::Ledger::open(dir.path() / "ledger.db",
                                        storage::LedgerOptions{"kiosk-bench", dir.path() / "county.key"});
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    auto& ledger = *opened.value();
    const auto session = ledger.dropoffs().begin_session().value().id;

    std::vector<double> raw_ms, ledger_ms;
    for (int i = 0; i < count; ++i) {
        auto start = Clock::now();
        sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        sqlite3_step(insert);
        sqlite3_reset(insert);
        if (sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return 1;
        raw_ms.push_back(bench::ms_since(start));

        storage::DropOffInput input;
        input.session_id = session;
        input.scheme = "gs1";
        input.gtin = "06900000000014";
        input.batch = "B2611";
        input.expiry = "2028-12-31";
        input.expiry_precision = "day";
        input.serial = "BENCH-SERIAL-" + std::to_string(i);
        input.decision = "accept";
        input.reason = "ok";
        input.category = "fever";
        start = Clock::now();
        auto record = ledger.dropoffs().record(input);
        ledger_ms.push_back(bench::ms_since(start));
        if (!record) {
            std::fprintf(stderr, "%s\n", record.error().message.c_str());
            return 1;
        }
    }
    sqlite3_finalize(insert);
    sqlite3_close(raw);

    const double raw_p50 = bench::percentile(raw_ms, 50), raw_p99 = bench::percentile(raw_ms, 99);
    const double led_p50 = bench::percentile(ledger_ms, 50), led_p99 = bench::percentile(ledger_ms, 99);
    std::printf("commits: %d each, interleaved, dir %s\n", count, dir.path().c_str());
    std::printf("raw one-row WAL FULL commit   p50 %.3f ms  p99 %.3f ms\n", raw_p50, raw_p99);
    std::printf("drop-off + outbox + audit     p50 %.3f ms  p99 %.3f ms\n", led_p50, led_p99);
    std::printf("ratio                         p50 %.2fx    p99 %.2fx  (target p99 <= 4x)\n",
                led_p50 / raw_p50, led_p99 / raw_p99);
    if (smoke) return 0;
    return led_p99 <= 4 * raw_p99 ? 0 : 3;
}
