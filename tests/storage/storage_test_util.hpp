#pragma once
// Helpers shared by the storage tests: a ledger in a temp dir, sample drop-offs, raw file access.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "medkiosk/storage/ledger.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage::testing {

std::string read_file_bytes(const std::filesystem::path& file);  // "" when absent
void write_file_bytes(const std::filesystem::path& file, const std::string& bytes);

storage::DropOffInput sample_dropoff(std::int64_t session_id, std::string serial = "SN-0001-ABCDEF");

// SQL that takes a ledger back from schema version 31 (the clinic list, issue 16) to 30.
inline constexpr const char* kUndoSchemaVersion31 = R"sql(
    DROP TRIGGER clinic_from_hub_insert; DROP TRIGGER clinic_from_hub_update; DROP TABLE clinic;
)sql";

// SQL that takes a ledger back from schema version 33 (issue 17, issue 16's clinic list, the PIN pad's
// count, the manifest keys) to 20, for tests that fake an older ledger by lowering user_version: version
// 30's tables and columns go, dispatch items are unique per drop-off again and the users' roles lose
// "clinic".
inline constexpr const char* kUndoSchemaVersion30 = R"sql(
    DROP TABLE hub_kiosk_key; DROP TABLE pin_pad;
    DROP TABLE clinic;
    DROP TABLE clinic_stock_out; DROP TABLE clinic_arrival_line; DROP TABLE clinic_arrival;
    DROP TABLE dispatch_line; DROP TABLE hub_clinic; DROP TABLE hub_order;
    DROP INDEX dispatch_by_order; DROP INDEX dispatch_item_by_dropoff;
    ALTER TABLE dispatch DROP COLUMN clinic_id; ALTER TABLE dispatch DROP COLUMN order_uuid;
    ALTER TABLE dispatch DROP COLUMN closes_order; ALTER TABLE dispatch DROP COLUMN manifest;
    CREATE TABLE dispatch_item_v20 (
        dispatch_id  INTEGER NOT NULL REFERENCES dispatch(id),
        dropoff_uuid TEXT NOT NULL UNIQUE REFERENCES dropoff(uuid),
        quantity     INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (dispatch_id, dropoff_uuid)) STRICT;
    INSERT INTO dispatch_item_v20 SELECT dispatch_id, dropoff_uuid, quantity FROM dispatch_item;
    DROP TABLE dispatch_item; ALTER TABLE dispatch_item_v20 RENAME TO dispatch_item;
    PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(sql, ', ''clinic''))', '))') WHERE name = 'app_user';
    PRAGMA writable_schema = OFF;
)sql";

// A second, plain SQLite connection for looking behind the Ledger's back.
class RawDb {
  public:
    explicit RawDb(const std::filesystem::path& file, bool read_only = false);
    ~RawDb();
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;
    void exec(const std::string& sql);
    std::int64_t integer(const std::string& sql);
    std::string text(const std::string& sql);  // first column of first row, "" when none

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace medkiosk::storage::testing
