// The staff queue (drop-offs waiting for a pharmacist, oldest first, one screen of 50) over a ledger
// of 100,000 drop-offs. Target: ≤ 20 ms.
// usage: ledger_queue_bench [--rows N] [--smoke]

#include <sqlite3.h>

#include <cstring>
#include <string>

#include "ledger_bench_util.hpp"
#include "medkiosk/storage/ledger.hpp"

using namespace medkiosk;
using bench::Clock;

int main(int argc, char** argv) {
    int rows = 100'000;
    bool smoke = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--smoke") == 0) {
            smoke = true;
            rows = 2'000;
        } else if (std::strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
            rows = std::max(100, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: ledger_queue_bench [--rows N] [--smoke]\n");
            return 2;
        }
    }
    bench::ScratchDir dir("ledger-queue-bench");
    const auto file = dir.path() / "ledger.db";
    const storage::LedgerOptions options{"kiosk-bench", dir.path() / "county.key"};
    {
        auto created = storage::Ledger::open(file, options);
        if (!created) {
            std::fprintf(stderr, "%s\n", created.error().message.c_str());
            return 1;
        }
        if (!created.value()->dropoffs().begin_session()) return 1;
    }
    // Bulk fill behind the ledger's back (one transaction): 100k durable commits would take minutes.
    // Most packs were reviewed long ago; the newest ~3% still wait, a few refused ones never do.
    const auto fill_start = Clock::now();
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(
        db,
        "INSERT INTO dropoff (uuid, session_id, kiosk_id, recorded_at, sequence, scheme, gtin, batch, "
        "expiry, expiry_precision, serial_hash, quantity, condition, decision, reason, review_state, "
        "category) VALUES (?1, 1, 'kiosk-bench', '2026-11-29T05:00:00.000Z', ?2, 'gs1', "
        "'06900000000014', 'B1', '2028-12-31', 'day', ?3, 1, 'sealed', ?4, ?5, ?6, 'fever')",
        -1, &insert, nullptr);
    for (int i = 1; i <= rows; ++i) {
        const std::string uuid = "00000000-0000-4000-8000-" + std::to_string(100'000'000'000LL + i);
        const std::string hash = std::to_string(i) + "f00dfeedbeef";
        const bool refused = i % 40 == 0;
        const bool waiting = i > rows - rows * 3 / 100;
        sqlite3_bind_text(insert, 1, uuid.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 2, i);
        sqlite3_bind_text(insert, 3, hash.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, refused ? "refuse" : "accept", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, refused ? "expired" : "ok", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 6, waiting || refused ? "pending" : "dispatched", -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            std::fprintf(stderr, "fill failed: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT; ANALYZE;", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    const double fill_ms = bench::ms_since(fill_start);

    auto opened = storage::Ledger::open(file, options);
    if (!opened) return 1;
    auto& ledger = *opened.value();
    std::vector<double> queue_ms, recent_ms;
    std::size_t shown = 0;
    for (int i = 0; i < (smoke ? 5 : 200); ++i) {
        auto start = Clock::now();
        auto queue = ledger.staff().review_queue(50);
        queue_ms.push_back(bench::ms_since(start));
        if (!queue) return 1;
        shown = queue.value().size();
        start = Clock::now();
        auto recent = ledger.dropoffs().recent(50);
        recent_ms.push_back(bench::ms_since(start));
        if (!recent) return 1;
    }
    std::printf("ledger of %d drop-offs (filled in %.0f ms), %zu shown per query\n", rows, fill_ms, shown);
    std::printf(
        "staff queue (pending, oldest first, 50)  p50 %.3f ms  p99 %.3f ms  max %.3f ms  (target <= 20 ms)\n",
        bench::percentile(queue_ms, 50), bench::percentile(queue_ms, 99), bench::percentile(queue_ms, 100));
    std::printf("recent drop-offs (newest first, 50)      p50 %.3f ms  p99 %.3f ms\n",
                bench::percentile(recent_ms, 50), bench::percentile(recent_ms, 99));
    if (smoke) return shown > 0 ? 0 : 1;
    return bench::percentile(queue_ms, 100) <= 20.0 ? 0 : 3;
}
