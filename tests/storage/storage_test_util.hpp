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
