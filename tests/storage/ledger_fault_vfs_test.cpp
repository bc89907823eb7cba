// Disk-full and I/O errors at every write, truncate and sync a drop-off commit makes, injected by a shim
// VFS around SQLite's own: nothing may be reported committed that is not, the ledger stays consistent
// (each drop-off with its outbox and audit rows, the audit chain intact, integrity_check ok), and the
// same open ledger records again once the disk has room.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <set>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using testing::RawDb;
using testing::sample_dropoff;

enum class Fault { DiskFull, IoError };

struct FaultPlan {
    std::atomic<long> operations{0};      // writes + truncates + syncs seen since the counter was reset
    std::atomic<long> fail_at{0};         // 0: off; else the operation number that fails first
    std::atomic<bool> persistent{false};  // keep failing after the first (a full disk stays full)
    std::atomic<long> failures{0};
    Fault fault = Fault::DiskFull;
};
FaultPlan g_plan;
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_shim;
sqlite3_io_methods g_methods;

struct ShimFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* file) {
    return reinterpret_cast<ShimFile*>(file)->real;
}

// Returns the error to inject for this operation, or SQLITE_OK.
int injected(int full_code, int io_code) {
    const long n = ++g_plan.operations;
    const long at = g_plan.fail_at.load();
    if (at == 0 || n < at || (n > at && !g_plan.persistent)) return SQLITE_OK;
    ++g_plan.failures;
    return g_plan.fault == Fault::DiskFull ? full_code : io_code;
}

int shim_close(sqlite3_file* f) {
    return real_of(f)->pMethods->xClose(real_of(f));
}
int shim_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
    return real_of(f)->pMethods->xRead(real_of(f), b, n, o);
}
int shim_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
    if (int rc = injected(SQLITE_FULL, SQLITE_IOERR_WRITE); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (int rc = injected(SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_TRUNCATE); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int shim_sync(sqlite3_file* f, int flags) {
    if (int rc = injected(SQLITE_IOERR_FSYNC, SQLITE_IOERR_FSYNC); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int shim_size(sqlite3_file* f, sqlite3_int64* s) {
    return real_of(f)->pMethods->xFileSize(real_of(f), s);
}
int shim_lock(sqlite3_file* f, int l) {
    return real_of(f)->pMethods->xLock(real_of(f), l);
}
int shim_unlock(sqlite3_file* f, int l) {
    return real_of(f)->pMethods->xUnlock(real_of(f), l);
}
int shim_reserved(sqlite3_file* f, int* r) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), r);
}
int shim_control(sqlite3_file* f, int op, void* a) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, a);
}
int shim_sector(sqlite3_file* f) {
    return real_of(f)->pMethods->xSectorSize(real_of(f));
}
int shim_device(sqlite3_file* f) {
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int shim_shm_map(sqlite3_file* f, int i, int s, int e, void volatile** p) {
    return real_of(f)->pMethods->xShmMap(real_of(f), i, s, e, p);
}
int shim_shm_lock(sqlite3_file* f, int o, int n, int fl) {
    return real_of(f)->pMethods->xShmLock(real_of(f), o, n, fl);
}
void shim_shm_barrier(sqlite3_file* f) {
    real_of(f)->pMethods->xShmBarrier(real_of(f));
}
int shim_shm_unmap(sqlite3_file* f, int d) {
    return real_of(f)->pMethods->xShmUnmap(real_of(f), d);
}
int shim_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
    return real_of(f)->pMethods->xFetch(real_of(f), o, n, p);
}
int shim_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) {
    return real_of(f)->pMethods->xUnfetch(real_of(f), o, p);
}

int shim_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* shim = reinterpret_cast<ShimFile*>(file);
    shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
    const int rc = g_real->xOpen(g_real, name, shim->real, flags, out_flags);
    shim->base.pMethods = shim->real->pMethods != nullptr ? &g_methods : nullptr;
    return rc;
}
int shim_delete(sqlite3_vfs*, const char* name, int sync) {
    return g_real->xDelete(g_real, name, sync);
}
int shim_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return g_real->xAccess(g_real, name, flags, out);
}
int shim_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return g_real->xFullPathname(g_real, name, n, out);
}

// Installs the shim as SQLite's default VFS for the test, so the Ledger uses it without knowing.
class FaultyDisk {
  public:
    FaultyDisk() {
        sqlite3_initialize();
        g_real = sqlite3_vfs_find(nullptr);
        g_shim = *g_real;
        g_shim.zName = "medkiosk-faulty";
        g_shim.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_real->szOsFile;
        g_shim.pNext = nullptr;
        g_shim.xOpen = shim_open;
        g_shim.xDelete = shim_delete;
        g_shim.xAccess = shim_access;
        g_shim.xFullPathname = shim_full_pathname;
        g_methods = sqlite3_io_methods{
            3,           shim_close,   shim_read,     shim_write,       shim_truncate,  shim_sync,
            shim_size,   shim_lock,    shim_unlock,   shim_reserved,    shim_control,   shim_sector,
            shim_device, shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap, shim_fetch,
            shim_unfetch};
        sqlite3_vfs_register(&g_shim, 1);
        off();
    }
    ~FaultyDisk() {
        sqlite3_vfs_register(g_real, 1);
        sqlite3_vfs_unregister(&g_shim);
    }
    FaultyDisk(const FaultyDisk&) = delete;
    FaultyDisk& operator=(const FaultyDisk&) = delete;

    void arm(Fault fault, long fail_at, bool persistent) {
        g_plan.fault = fault;
        g_plan.persistent = persistent;
        g_plan.failures = 0;
        g_plan.operations = 0;
        g_plan.fail_at = fail_at;
    }
    void off() {
        g_plan.fail_at = 0;
        g_plan.operations = 0;
    }
    long operations() const { return g_plan.operations.load(); }
    long failures() const { return g_plan.failures.load(); }
};

LedgerOptions options_in(const fs::path& dir) {
    return LedgerOptions{"kiosk-fault", dir / "county.key"};
}

// The ledger's own consistency after a fault: every drop-off with its outbox row and audit row.
void expect_consistent(const fs::path& file, const std::string& where) {
    RawDb raw(file, true);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok") << where;
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff d WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE "
                          "o.entity = 'dropoff' AND o.entity_id = d.uuid)"),
              0)
        << where;
    EXPECT_EQ(raw.integer("SELECT count(*) FROM audit_log WHERE action = 'record-dropoff'"),
              raw.integer("SELECT count(*) FROM dropoff"))
        << where;
    EXPECT_EQ(raw.integer("SELECT count(*) FROM outbox WHERE entity = 'dropoff'"),
              raw.integer("SELECT count(*) FROM dropoff"))
        << where;
}

void run_fault_sweep(Fault fault, bool persistent) {
    FaultyDisk disk;
    // How many writes and syncs one drop-off commit makes, so every one of them gets its turn to fail.
    long operations_per_commit = 0;
    {
        medkiosk::test::TempDir dir;
        auto ledger = Ledger::open(dir.path() / "ledger.db", options_in(dir.path())).value();
        const auto session = ledger->dropoffs().begin_session().value().id;
        ASSERT_TRUE(ledger->dropoffs().record(sample_dropoff(session, "warm-up")).ok());
        disk.off();
        ASSERT_TRUE(ledger->dropoffs().record(sample_dropoff(session, "count")).ok());
        operations_per_commit = disk.operations();
    }
    ASSERT_GT(operations_per_commit, 1);

    int reported_failures = 0;
    for (long fail_at = 1; fail_at <= operations_per_commit + 1; ++fail_at) {
        const std::string where = std::string(fault == Fault::DiskFull ? "disk full" : "I/O error") +
                                  " at operation " + std::to_string(fail_at) +
                                  (persistent ? " (persistent)" : "");
        medkiosk::test::TempDir dir;
        const fs::path file = dir.path() / "ledger.db";
        std::set<std::string> committed;
        {
            auto ledger = Ledger::open(file, options_in(dir.path())).value();
            const auto session = ledger->dropoffs().begin_session().value().id;
            auto first = ledger->dropoffs().record(sample_dropoff(session, "before"));
            ASSERT_TRUE(first.ok()) << where;
            committed.insert(first.value().uuid);

            disk.arm(fault, fail_at, persistent);
            for (int attempt = 0; attempt < (persistent ? 3 : 1); ++attempt) {
                auto during =
                    ledger->dropoffs().record(sample_dropoff(session, "during-" + std::to_string(attempt)));
                if (during.ok()) {
                    committed.insert(during.value().uuid);
                } else {
                    ++reported_failures;
                    EXPECT_NE(during.error().message.find("nothing was recorded"), std::string::npos)
                        << where << ": " << during.error().message;
                }
            }
            disk.off();
            // Space is back: the same open ledger records again.
            auto after = ledger->dropoffs().record(sample_dropoff(session, "after"));
            ASSERT_TRUE(after.ok()) << where << ": " << after.error().message;
            committed.insert(after.value().uuid);
        }
        // A fresh process view: everything reported committed is there.
        expect_consistent(file, where);
        RawDb raw(file, true);
        for (const auto& uuid : committed) {
            EXPECT_EQ(raw.integer(std::string("SELECT count(*) FROM dropoff WHERE uuid = '") + uuid + "'"), 1)
                << where << ": " << uuid << " was reported committed but is missing";
        }
        auto reopened = Ledger::open(file, options_in(dir.path()));
        ASSERT_TRUE(reopened.ok()) << where << ": " << reopened.error().message;
        EXPECT_TRUE(reopened.value()->audit().verify().value().ok()) << where;
        EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff"),
                  raw.integer("SELECT count(DISTINCT sequence) FROM dropoff"));
    }
    EXPECT_GT(reported_failures, 0) << "the injected faults must have been seen by the ledger";
}

TEST(LedgerFaultVfs, DiskFullAtEachWriteAndSync) {
    run_fault_sweep(Fault::DiskFull, true);
}

TEST(LedgerFaultVfs, OneIoErrorAtEachWriteAndSync) {
    run_fault_sweep(Fault::IoError, false);
}

TEST(LedgerFaultVfs, IoErrorsThatPersistUntilTheDiskIsReplaced) {
    run_fault_sweep(Fault::IoError, true);
}

}  // namespace
}  // namespace medkiosk::storage
