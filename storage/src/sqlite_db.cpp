#include "sqlite_db.hpp"

#include <cstring>

namespace medkiosk::storage::detail {
namespace {

std::string_view advice_for(int primary_code) {
    switch (primary_code) {
        case SQLITE_FULL:
            return "free space on the data partition";
        case SQLITE_IOERR:
            return "check the storage device (dmesg, SMART status) and free space";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "another program holds the ledger locked; wait and retry, or stop the other medkiosk or "
                   "medkioskctl";
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return "restore the ledger from backup or move the file aside";
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_AUTH:
            return "check that the file and its directory exist and are writable by the kiosk's user";
        case SQLITE_CONSTRAINT:
            return "the data broke a ledger rule; this is a medkiosk bug, please report it";
        default:
            return "report this to the medkiosk maintainers";
    }
}

}  // namespace

ErrorCode error_code_for(int result_code) {
    switch (result_code & 0xFF) {
        case SQLITE_FULL:
            return ErrorCode::DiskFull;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_AUTH:
            return ErrorCode::Io;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return ErrorCode::Busy;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return ErrorCode::Corrupt;
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_TOOBIG:
        case SQLITE_RANGE:
            return ErrorCode::Invalid;
        default:
            return ErrorCode::Internal;
    }
}

std::string result_code_name(int extended_result_code) {
    switch (extended_result_code) {
        case SQLITE_IOERR_READ:
            return "SQLITE_IOERR_READ";
        case SQLITE_IOERR_SHORT_READ:
            return "SQLITE_IOERR_SHORT_READ";
        case SQLITE_IOERR_WRITE:
            return "SQLITE_IOERR_WRITE";
        case SQLITE_IOERR_FSYNC:
            return "SQLITE_IOERR_FSYNC";
        case SQLITE_IOERR_DIR_FSYNC:
            return "SQLITE_IOERR_DIR_FSYNC";
        case SQLITE_IOERR_TRUNCATE:
            return "SQLITE_IOERR_TRUNCATE";
        case SQLITE_IOERR_FSTAT:
            return "SQLITE_IOERR_FSTAT";
        case SQLITE_IOERR_SHMOPEN:
            return "SQLITE_IOERR_SHMOPEN";
        case SQLITE_IOERR_SHMSIZE:
            return "SQLITE_IOERR_SHMSIZE";
        case SQLITE_IOERR_SHMMAP:
            return "SQLITE_IOERR_SHMMAP";
        case SQLITE_IOERR_NOMEM:
            return "SQLITE_IOERR_NOMEM";
        case SQLITE_BUSY_SNAPSHOT:
            return "SQLITE_BUSY_SNAPSHOT";
        case SQLITE_BUSY_RECOVERY:
            return "SQLITE_BUSY_RECOVERY";
        case SQLITE_READONLY_RECOVERY:
            return "SQLITE_READONLY_RECOVERY";
        case SQLITE_READONLY_ROLLBACK:
            return "SQLITE_READONLY_ROLLBACK";
        case SQLITE_READONLY_CANTINIT:
            return "SQLITE_READONLY_CANTINIT";
        case SQLITE_CONSTRAINT_UNIQUE:
            return "SQLITE_CONSTRAINT_UNIQUE";
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return "SQLITE_CONSTRAINT_PRIMARYKEY";
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return "SQLITE_CONSTRAINT_FOREIGNKEY";
        case SQLITE_CONSTRAINT_CHECK:
            return "SQLITE_CONSTRAINT_CHECK";
        case SQLITE_CONSTRAINT_NOTNULL:
            return "SQLITE_CONSTRAINT_NOTNULL";
        case SQLITE_CORRUPT_INDEX:
            return "SQLITE_CORRUPT_INDEX";
        default:
            break;
    }
    switch (extended_result_code & 0xFF) {
        case SQLITE_ERROR:
            return "SQLITE_ERROR";
        case SQLITE_INTERNAL:
            return "SQLITE_INTERNAL";
        case SQLITE_PERM:
            return "SQLITE_PERM";
        case SQLITE_ABORT:
            return "SQLITE_ABORT";
        case SQLITE_BUSY:
            return "SQLITE_BUSY";
        case SQLITE_LOCKED:
            return "SQLITE_LOCKED";
        case SQLITE_NOMEM:
            return "SQLITE_NOMEM";
        case SQLITE_READONLY:
            return "SQLITE_READONLY";
        case SQLITE_INTERRUPT:
            return "SQLITE_INTERRUPT";
        case SQLITE_IOERR:
            return "SQLITE_IOERR";
        case SQLITE_CORRUPT:
            return "SQLITE_CORRUPT";
        case SQLITE_NOTFOUND:
            return "SQLITE_NOTFOUND";
        case SQLITE_FULL:
            return "SQLITE_FULL";
        case SQLITE_CANTOPEN:
            return "SQLITE_CANTOPEN";
        case SQLITE_PROTOCOL:
            return "SQLITE_PROTOCOL";
        case SQLITE_SCHEMA:
            return "SQLITE_SCHEMA";
        case SQLITE_TOOBIG:
            return "SQLITE_TOOBIG";
        case SQLITE_CONSTRAINT:
            return "SQLITE_CONSTRAINT";
        case SQLITE_MISMATCH:
            return "SQLITE_MISMATCH";
        case SQLITE_MISUSE:
            return "SQLITE_MISUSE";
        case SQLITE_AUTH:
            return "SQLITE_AUTH";
        case SQLITE_RANGE:
            return "SQLITE_RANGE";
        case SQLITE_NOTADB:
            return "SQLITE_NOTADB";
        default:
            return "SQLite code " + std::to_string(extended_result_code);
    }
}

Error sqlite_error(const std::filesystem::path& file, int result_code, int system_errno,
                   std::string_view detail, std::string_view doing, std::string_view consequence) {
    const int primary = result_code & 0xFF;
    std::string message = "ledger " + file.string() + ": ";
    if (!doing.empty()) message.append(doing).append(" failed: ");
    // SQLite's own wording for these is vague ("database or disk is full"); say what it means here.
    if (primary == SQLITE_FULL) {
        message += "disk is full";
    } else if (primary == SQLITE_NOTADB) {
        message += "file is not a database";
    } else {
        message.append(detail.empty() ? std::string_view(sqlite3_errstr(result_code)) : detail);
    }
    message += " (" + result_code_name(result_code);
    if (system_errno != 0 &&
        (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL)) {
        message += ", errno " + std::to_string(system_errno) + ": " + std::strerror(system_errno);
    }
    message += "); ";
    message.append(advice_for(primary));
    if (!consequence.empty()) message.append(" — ").append(consequence);
    return Error{error_code_for(result_code), std::move(message)};
}

void Statement::bind_text(int index, std::string_view text) {
    sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bind_text_or_null(int index, std::string_view text) {
    if (text.empty()) {
        sqlite3_bind_null(statement_.get(), index);
    } else {
        bind_text(index, text);
    }
}

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(statement_.get(), column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column)));
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file, int flags) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags | SQLITE_OPEN_EXRESCODE, nullptr);
    if (rc != SQLITE_OK) {
        const int system_errno = db != nullptr ? sqlite3_system_errno(db) : 0;
        std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return sqlite_error(file, rc, system_errno, detail, "opening the database");
    }
    return std::unique_ptr<Database>(new Database(db, file));
}

Database::~Database() {
    // v2 closes even with statements still alive elsewhere; they are finalized before this anyway.
    sqlite3_close_v2(db_);
}

Error Database::last_error(int result_code, std::string_view doing, std::string_view consequence) const {
    // The extended code on the connection is more precise than the step()'s return value.
    const int extended = sqlite3_extended_errcode(db_);
    const int code = (extended & 0xFF) == (result_code & 0xFF) ? extended : result_code;
    return sqlite_error(file_, code, sqlite3_system_errno(db_), sqlite3_errmsg(db_), doing, consequence);
}

Result<void> Database::exec(const char* sql, std::string_view doing, std::string_view consequence) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return last_error(rc, doing, consequence);
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        return last_error(rc, "preparing a query");
    }
    return Statement(statement);
}

Result<std::int64_t> Database::query_int64(const char* sql, std::string_view doing) {
    auto statement = prepare(sql);
    if (!statement) return statement.error();
    const int rc = statement.value().step();
    if (rc == SQLITE_ROW) return statement.value().column_int64(0);
    if (rc == SQLITE_DONE) return std::int64_t{0};
    return last_error(rc, doing);
}

Result<std::string> Database::query_text_rows(const char* sql, std::string_view doing) {
    auto statement = prepare(sql);
    if (!statement) return statement.error();
    std::string rows;
    int rc = SQLITE_ROW;
    while ((rc = statement.value().step()) == SQLITE_ROW) {
        if (!rows.empty()) rows += '\n';
        rows += statement.value().column_text(0);
    }
    if (rc != SQLITE_DONE) return last_error(rc, doing);
    return rows;
}

}  // namespace medkiosk::storage::detail
