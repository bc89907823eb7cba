#pragma once
// The one way the ledger's connections wait and write: one busy timeout, one write-transaction guard
// (BEGIN IMMEDIATE … COMMIT, rolled back on any early return), one read transaction for consistent
// multi-query reads. Private to the storage library.

#include <string_view>

#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

// How long a connection waits for another writer (the kiosk's ledger worker, the sync worker, the
// back office, medkioskctl) before giving up with Busy. A WAL commit takes under a millisecond, but a
// catalogue import is one transaction of thousands of rows on an SD card: waiting is better than
// losing a donor's pack, and no UI thread ever waits on it.
inline constexpr int kBusyTimeoutMs = 10000;

inline void wait_when_busy(Database& db) {
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
}

// Rolls back unless committed, so an early return never leaves the write lock held.
class WriteTransaction {
  public:
    explicit WriteTransaction(Database& db) : db_(db) {}
    ~WriteTransaction() {
        if (active_ && sqlite3_get_autocommit(db_.handle()) == 0) {
            sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    Result<void> begin(std::string_view doing, std::string_view consequence) {
        if (auto s = db_.exec("BEGIN IMMEDIATE", doing, consequence); !s) return s;
        active_ = true;
        return {};
    }
    Result<void> commit(std::string_view doing, std::string_view consequence) {
        if (auto s = db_.exec("COMMIT", doing, consequence); !s) return s;
        active_ = false;
        return {};
    }

  private:
    Database& db_;
    bool active_ = false;
};

// Runs `body` (returning a Result) inside one write transaction: committed when body succeeds, rolled
// back when it fails. `doing` and `consequence` word the errors ("adding a drive", "nothing was
// changed").
template <typename Body>
auto in_write_transaction(Database& db, std::string_view doing, std::string_view consequence, Body&& body)
    -> decltype(body()) {
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(doing, consequence); !begun) return begun.error();
    auto result = body();
    if (!result) return result;
    if (auto committed = transaction.commit(doing, consequence); !committed) return committed.error();
    return result;
}

// Several reads that must agree with each other while other connections keep writing.
template <typename Body>
auto in_read_transaction(Database& db, std::string_view doing, Body&& body) -> decltype(body()) {
    if (auto begun = db.exec("BEGIN", doing); !begun) return begun.error();
    struct EndRead {
        Database& db;
        ~EndRead() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
    } end_read{db};
    return body();
}

// Steps a statement that returns no rows (or whose rows are not wanted).
inline Result<void> run(Database& db, Statement& statement, std::string_view doing,
                        std::string_view consequence) {
    if (const int rc = statement.step(); rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db.last_error(rc, doing, consequence);
    return {};
}

}  // namespace medkiosk::storage::detail
