#pragma once
// Thin RAII over sqlite3* and sqlite3_stmt*, and the one place that turns SQLite result codes into
// Error values a technician can act on. Private to the storage library.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "medkiosk/result.hpp"

namespace medkiosk::storage::detail {

// Builds the error for a failed SQLite call on `file`. `doing` names the operation ("recording a
// drop-off"); `consequence` (may be empty) tells what did not happen ("nothing was recorded").
Error sqlite_error(const std::filesystem::path& file, int result_code, int system_errno,
                   std::string_view detail, std::string_view doing, std::string_view consequence = {});

ErrorCode error_code_for(int result_code);
std::string result_code_name(int extended_result_code);

class Statement {
  public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}

    sqlite3_stmt* get() const { return statement_.get(); }
    explicit operator bool() const { return statement_ != nullptr; }

    // Ready for the next use: cached statements must not keep a read transaction open.
    void reset() {
        sqlite3_reset(statement_.get());
        sqlite3_clear_bindings(statement_.get());
    }
    int step() { return sqlite3_step(statement_.get()); }

    void bind_text(int index, std::string_view text);
    // Empty text is stored as NULL: "no batch" is absence, not an empty batch.
    void bind_text_or_null(int index, std::string_view text);
    void bind_int64(int index, std::int64_t value) { sqlite3_bind_int64(statement_.get(), index, value); }

    std::string column_text(int column) const;  // NULL reads as ""
    std::int64_t column_int64(int column) const { return sqlite3_column_int64(statement_.get(), column); }

  private:
    struct Finalizer {
        void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
    };
    std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

// Resets a statement when leaving scope, whatever path the caller takes out.
class StatementScope {
  public:
    explicit StatementScope(Statement& statement) : statement_(statement) {}
    ~StatementScope() { statement_.reset(); }
    StatementScope(const StatementScope&) = delete;
    StatementScope& operator=(const StatementScope&) = delete;

  private:
    Statement& statement_;
};

class Database {
  public:
    // `flags` are sqlite3_open_v2 flags. Fails with a message naming the file.
    static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file, int flags);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return db_; }
    const std::filesystem::path& file() const { return file_; }

    // The error for the most recent failure on this connection.
    Error last_error(int result_code, std::string_view doing, std::string_view consequence = {}) const;

    Result<void> exec(const char* sql, std::string_view doing, std::string_view consequence = {});
    Result<Statement> prepare(std::string_view sql);
    // First column of the first row of `sql` as an integer (e.g. a PRAGMA or COUNT(*)).
    Result<std::int64_t> query_int64(const char* sql, std::string_view doing);
    // Every row's first column as text, joined with '\n' (e.g. PRAGMA quick_check).
    Result<std::string> query_text_rows(const char* sql, std::string_view doing);

  private:
    Database(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
    sqlite3* db_ = nullptr;
    std::filesystem::path file_;
};

}  // namespace medkiosk::storage::detail
