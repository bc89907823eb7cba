#include "ledger_instance.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "audit.hpp"
#include "identifiers.hpp"
#include "medkiosk/storage/file_owner.hpp"
#include "transaction.hpp"

namespace medkiosk::storage::detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstanceKey = "ledger.instance_id";
constexpr const char* kNumberedKey = "ledger.numbered_sessions_up_to";

std::uintmax_t size_or_zero(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    return ec ? 0 : size;
}

std::string read_marker(const fs::path& marker) {
    std::ifstream in(marker);
    std::string id;
    in >> id;
    return id;
}

std::string directory_of(const fs::path& file) {
    return file.has_parent_path() ? file.parent_path().string() : std::string(".");
}

}  // namespace

fs::path instance_marker_file(const fs::path& ledger) {
    return fs::path(ledger.string() + ".instance");
}

// An SQLite file whose schema cookie is 0 has never had a table: `sqlite3 ledger.db 'PRAGMA
// journal_mode=WAL;'` leaves one. Asked through SQLite, never by opening the file ourselves: closing
// any other descriptor of the ledger drops this process's POSIX locks on it, and another process
// could then checkpoint and truncate the write-ahead log under the kiosk's open connections.
bool is_sqlite_file_without_schema(const fs::path& file) {
    sqlite3* db = nullptr;
    bool without_schema = false;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW)
            without_schema = sqlite3_column_int64(statement, 0) == 0;
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return without_schema;
}

std::string describe_missing_or_empty(const fs::path& ledger) {
    std::error_code ec;
    if (!fs::exists(ledger, ec)) return "missing";
    if (size_or_zero(ledger) == 0) return "empty (0 bytes)";
    return "an empty SQLite database (no tables)";
}

bool ledger_is_missing_or_empty(const fs::path& ledger) {
    std::error_code ec;
    if (!fs::exists(ledger, ec)) return true;
    if (size_or_zero(fs::path(ledger.string() + "-wal")) != 0) return false;
    return size_or_zero(ledger) == 0 || is_sqlite_file_without_schema(ledger);
}

Result<void> check_ledger_not_lost(const fs::path& ledger, bool new_instance) {
    std::error_code ec;
    const fs::path marker = instance_marker_file(ledger);
    if (!ledger_is_missing_or_empty(ledger)) {
        if (!new_instance) return {};
        return Error{ErrorCode::Invalid,
                     "ledger " + ledger.string() +
                         " exists and holds records; --new-instance only replaces a missing or empty ledger "
                         "— nothing was changed"};
    }
    if (!fs::exists(marker, ec)) return {};  // a first start: nothing shows there ever was a ledger
    if (!new_instance) {
        return Error{
            ErrorCode::NotFound,
            "ledger " + ledger.string() + " is " + describe_missing_or_empty(ledger) +
                ", but this data directory had one (instance " + read_marker(marker) + ", recorded in " +
                marker.string() +
                "): it was lost or truncated, and nothing was created in its place. Restore "
                "it from a backup (stop the kiosk, copy the backup to " +
                ledger.string() +
                "), or start a new, empty ledger with `medkioskctl db init --new-instance --data-dir " +
                directory_of(ledger) +
                "`: receipts already synced to the hub keep showing their items; donations the lost ledger "
                "had not synced are gone"};
    }
    // A new instance: keep the empty remains for the record, out of SQLite's way.
    const std::string aside = ledger.string() + ".empty-" + utc_now_iso8601_ms();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const fs::path file = ledger.string() + suffix;
        if (!fs::exists(file, ec)) continue;
        fs::rename(file, aside + suffix, ec);
        if (ec) {
            return Error{ErrorCode::Io, "cannot move the empty ledger " + file.string() +
                                            " aside: " + ec.message() + " — nothing was changed"};
        }
    }
    return {};
}

Result<std::optional<LedgerInstance>> read_instance(Database& db) {
    auto query = db.prepare("SELECT key, value FROM settings WHERE key IN (?1, ?2)");
    if (!query) return query.error();
    query.value().bind_text(1, kInstanceKey);
    query.value().bind_text(2, kNumberedKey);
    LedgerInstance instance;
    int rc = SQLITE_ROW;
    while ((rc = query.value().step()) == SQLITE_ROW) {
        const std::string key = query.value().column_text(0);
        const std::string value = query.value().column_text(1);
        if (key == kInstanceKey) instance.id = value;
        if (key == kNumberedKey) instance.numbered_sessions_up_to = std::strtoll(value.c_str(), nullptr, 10);
    }
    if (rc != SQLITE_DONE) return db.last_error(rc, "reading the ledger's instance");
    if (instance.id.empty()) return std::optional<LedgerInstance>();
    return std::optional<LedgerInstance>(instance);
}

Result<LedgerInstance> ensure_instance(Database& db) {
    constexpr std::string_view kDoing = "giving the ledger its instance id";
    constexpr std::string_view kNothing = "nothing was changed";
    // Nearly always there already: no write lock for a look.
    if (auto present = read_instance(db); !present) {
        return present.error();
    } else if (present.value()) {
        return *present.value();
    }
    return in_write_transaction(db, kDoing, kNothing, [&]() -> Result<LedgerInstance> {
        auto existing = read_instance(db);
        if (!existing) return existing.error();
        if (existing.value()) return *existing.value();
        LedgerInstance instance;
        instance.id = new_uuid_v4();
        auto numbered = db.query_int64("SELECT coalesce(max(id), 0) FROM donation_session", kDoing);
        if (!numbered) return numbered.error();
        instance.numbered_sessions_up_to = numbered.value();
        auto insert = db.prepare("INSERT INTO settings (key, value) VALUES (?1, ?2), (?3, ?4)");
        if (!insert) return insert.error();
        insert.value().bind_text(1, kInstanceKey);
        insert.value().bind_text(2, instance.id);
        insert.value().bind_text(3, kNumberedKey);
        insert.value().bind_text(4, std::to_string(instance.numbered_sessions_up_to));
        if (auto s = run(db, insert.value(), kDoing, kNothing); !s) return s.error();
        const nlohmann::json detail = {{"numbered_sessions_up_to", instance.numbered_sessions_up_to}};
        if (auto a = append_audit(db, "ledger", "ledger-instance", "ledger", instance.id, detail.dump(),
                                  utc_now_iso8601_ms());
            !a)
            return a.error();
        return instance;
    });
}

Result<void> write_instance_marker(const fs::path& ledger, const LedgerInstance& instance) {
    const fs::path marker = instance_marker_file(ledger);
    if (read_marker(marker) == instance.id) return {};
    const fs::path directory = directory_of(ledger);
    const auto failed = [&](std::string_view what, int error_number) {
        return Error{ErrorCode::Io, "ledger instance marker " + marker.string() + ": " + std::string(what) +
                                        " failed (" + std::strerror(error_number) +
                                        "); check that the data directory is writable by the kiosk's user"};
    };
    std::string temporary = (directory / (marker.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) return failed("creating a temporary file", errno);
    const std::string content = instance.id + "\n";
    const auto give_up = [&](std::string_view what, int error_number) {
        ::close(fd);
        ::unlink(temporary.c_str());
        return failed(what, error_number);
    };
    if (::fchmod(fd, 0644) != 0) return give_up("setting its mode", errno);
    if (auto handed = hand_to_data_dir_owner(fd, marker, directory); !handed) {
        ::close(fd);
        ::unlink(temporary.c_str());
        return handed;
    }
    if (::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        return give_up("writing", errno);
    if (::fsync(fd) != 0) return give_up("syncing", errno);
    ::close(fd);
    if (::rename(temporary.c_str(), marker.c_str()) != 0) {
        const int error_number = errno;
        ::unlink(temporary.c_str());
        return failed("installing", error_number);
    }
    // The directory entry must survive a power cut too: the marker is what tells a lost ledger.
    if (const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return {};
}

std::string session_uuid(const std::optional<LedgerInstance>& instance, std::int64_t session_id,
                         const std::string& receipt_code) {
    if (!instance || session_id <= instance->numbered_sessions_up_to) return {};
    const std::string input = "medkiosk-session:" + instance->id + ":" + receipt_code;
    std::array<unsigned char, 16> bytes{};
    crypto_generichash(bytes.data(), bytes.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), nullptr, 0);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x80);  // version 8: derived, RFC 9562
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                  bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return text;
}

}  // namespace medkiosk::storage::detail
