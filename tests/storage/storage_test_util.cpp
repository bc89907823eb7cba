#include "storage_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace medkiosk::storage::testing {

std::string read_file_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write_file_bytes(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
}

storage::DropOffInput sample_dropoff(std::int64_t session_id, std::string serial) {
    storage::DropOffInput input;
    input.session_id = session_id;
    input.scheme = "gs1";
    input.gtin = "06901234567892";
    input.batch = "B2311A";
    input.expiry = "2027-06-30";
    input.expiry_precision = "day";
    input.expiry_source = "code";
    input.serial = std::move(serial);
    input.quantity = 1;
    input.condition = "sealed";
    input.decision = "accept";
    input.reason = "ok";
    return input;
}

RawDb::RawDb(const std::filesystem::path& file, bool read_only) {
    const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        throw std::runtime_error("raw open failed: " + std::string(sqlite3_errmsg(db_)));
    }
    sqlite3_busy_timeout(db_, 5000);
}

RawDb::~RawDb() {
    sqlite3_close_v2(db_);
}

void RawDb::exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error != nullptr ? error : "?";
        sqlite3_free(error);
        throw std::runtime_error("raw exec failed: " + message + " in: " + sql);
    }
}

std::int64_t RawDb::integer(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
        throw std::runtime_error("raw prepare failed: " + std::string(sqlite3_errmsg(db_)));
    }
    std::int64_t value = 0;
    if (sqlite3_step(statement) == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
}

std::string RawDb::text(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
        throw std::runtime_error("raw prepare failed: " + std::string(sqlite3_errmsg(db_)));
    }
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return value;
}

}  // namespace medkiosk::storage::testing
