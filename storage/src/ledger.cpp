#include "medkiosk/storage/ledger.hpp"

#include <sodium.h>

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "county_key.hpp"
#include "ledger_core.hpp"
#include "ledger_instance.hpp"
#include "medkiosk/storage/file_owner.hpp"
#include "migrations.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using detail::CountyKey;
using detail::Database;
using detail::invalid;
using detail::without_exceptions;

constexpr const char* kNotModified = "it was not modified";

// ---------------------------------------------------------------------------------------------------
// Opening

Error refused_as_damaged(const fs::path& file, std::string_view why) {
    return Error{ErrorCode::Corrupt, "ledger " + file.string() + " is not a valid ledger (" +
                                         std::string(why) + "); restore it from backup or move it aside — " +
                                         kNotModified};
}

Error refused_as_too_new(const fs::path& file, std::int64_t version) {
    return Error{ErrorCode::TooNew, "ledger " + file.string() +
                                        " was written by a newer medkiosk (schema version " +
                                        std::to_string(version) + ", this medkiosk knows up to " +
                                        std::to_string(Ledger::kSchemaVersion) +
                                        "); upgrade medkiosk — the file was not modified"};
}

// An error met while inspecting an existing file: damage is worded as a refusal, anything else keeps
// SQLite's wording.
Error inspection_error(const fs::path& file, const Error& error) {
    if (error.code == ErrorCode::Corrupt) {
        const bool not_a_database = error.message.find("SQLITE_NOTADB") != std::string::npos;
        return refused_as_damaged(
            file, not_a_database ? "file is not a database" : "database disk image is malformed");
    }
    return error;
}

std::string first_lines(const std::string& text, int count) {
    std::size_t end = 0;
    for (int i = 0; i < count && end != std::string::npos; ++i) {
        end = text.find('\n', end == 0 ? 0 : end + 1);
    }
    return end == std::string::npos ? text : text.substr(0, end) + " …";
}

struct Inspection {
    std::int64_t schema_version = 0;
    std::unique_ptr<Database> connection;  // kept only for read-only ledgers
};

// Looks at an existing file through a read-only connection, so a file refused here is never written.
// Returns schema_version 0 for a file SQLite sees as empty.
Result<Inspection> inspect_existing(const fs::path& file) {
    auto opened = Database::open(file, SQLITE_OPEN_READONLY);
    if (!opened) return inspection_error(file, opened.error());
    auto& db = *opened.value();
    // A read-only look must not fold the WAL into the main file on close either.
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    detail::wait_when_busy(db);

    auto version = db.query_int64("PRAGMA user_version", "reading the schema version");
    if (!version) return inspection_error(file, version.error());
    if (version.value() > Ledger::kSchemaVersion) return refused_as_too_new(file, version.value());

    auto application_id = db.query_int64("PRAGMA application_id", "reading the application id");
    if (!application_id) return inspection_error(file, application_id.error());
    auto table_count = db.query_int64("SELECT count(*) FROM sqlite_schema", "listing tables");
    if (!table_count) return inspection_error(file, table_count.error());
    if (application_id.value() != detail::kLedgerApplicationId &&
        (version.value() != 0 || table_count.value() != 0)) {
        return Error{ErrorCode::Invalid,
                     "ledger " + file.string() +
                         " is an SQLite database of another program, not a medkiosk ledger; "
                         "move it aside or pass another data directory — " +
                         kNotModified};
    }

    auto report = db.query_text_rows("PRAGMA quick_check", "checking the ledger");
    if (!report) return inspection_error(file, report.error());
    if (report.value() != "ok")
        return refused_as_damaged(file, "quick_check: " + first_lines(report.value(), 3));

    return Inspection{version.value(), std::move(opened).value()};
}

bool is_readonly_recovery_needed(const Error& error) {
    // A hot journal or WAL that only a writer may recover: let the read-write connection do it.
    return error.message.find("SQLITE_READONLY_ROLLBACK") != std::string::npos ||
           error.message.find("SQLITE_READONLY_RECOVERY") != std::string::npos ||
           error.message.find("SQLITE_READONLY_CANTINIT") != std::string::npos;
}

Result<void> configure_writer(Database& db) {
    detail::wait_when_busy(db);
    auto journal = db.query_text_rows("PRAGMA journal_mode = WAL", "switching to WAL journaling");
    if (!journal) return journal.error();
    if (journal.value() != "wal") {
        return Error{ErrorCode::Io, "ledger " + db.file().string() +
                                        ": the file system does not support WAL "
                                        "journaling (journal mode stays \"" +
                                        journal.value() + "\"); keep the data directory on a local disk"};
    }
    // FULL: a drop-off the donor saw confirmed survives a power cut right after.
    if (auto s = db.exec("PRAGMA synchronous = FULL", "setting synchronous=FULL"); !s) return s;
    if (auto s = db.exec("PRAGMA foreign_keys = ON", "enabling foreign keys"); !s) return s;
    return {};
}

// Brings the schema up to date in one write transaction, so a second process opening the same new file
// waits and then finds it migrated rather than migrating it twice.
Result<void> migrate(Database& db) {
    return detail::in_write_transaction(
        db, "updating the schema", "the file was left at its old version", [&db]() -> Result<void> {
            auto version = db.query_int64("PRAGMA user_version", "reading the schema version");
            if (!version) return version.error();
            if (version.value() > Ledger::kSchemaVersion)
                return refused_as_too_new(db.file(), version.value());
            return detail::apply_migrations(db, static_cast<int>(version.value()));
        });
}

}  // namespace

// ---------------------------------------------------------------------------------------------------

struct Ledger::Impl {
    detail::LedgerCore core;
    // After the core, so their statements are finalized before the connection closes.
    DropOffs dropoffs{core};
    ReferenceData reference{core};
    UserAccounts users{core};
    AuditLog audit{core};
    StaffWork staff{core};
};

namespace detail {

LedgerCore& core_of(Ledger& ledger) {
    return ledger.impl_->core;
}

Error LedgerCore::read_only_refusal(std::string_view what) const {
    return invalid("ledger " + file.string() + " was opened read-only; cannot " + std::string(what));
}

}  // namespace detail

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

const std::filesystem::path& Ledger::file() const {
    return impl_->core.file;
}

DropOffs& Ledger::dropoffs() {
    return impl_->dropoffs;
}
ReferenceData& Ledger::reference() {
    return impl_->reference;
}
UserAccounts& Ledger::users() {
    return impl_->users;
}
AuditLog& Ledger::audit() {
    return impl_->audit;
}
StaffWork& Ledger::staff() {
    return impl_->staff;
}

std::string Ledger::instance_id() const {
    return impl_->core.instance ? impl_->core.instance->id : std::string();
}

Result<void> check_ledger_present(const std::filesystem::path& file) {
    if (auto lost = detail::check_ledger_not_lost(file, false); !lost) return lost.error();
    if (!detail::ledger_is_missing_or_empty(file)) return {};
    return Error{ErrorCode::NotFound, "no ledger at " + file.string() +
                                          "; the kiosk creates it on first start, or pass --data-dir"};
}

Result<std::unique_ptr<Ledger>> Ledger::open(const std::filesystem::path& file, LedgerOptions options) {
    return without_exceptions("opening ledger " + file.string(), [&]() -> Result<std::unique_ptr<Ledger>> {
        if (sodium_init() < 0) {
            return Error{ErrorCode::Internal,
                         "libsodium failed to initialise; the system's random source may be "
                         "unavailable — the ledger was not opened"};
        }
        if (file.empty()) return invalid("no ledger file given");
        if (!options.read_only && options.kiosk_id.empty()) {
            return invalid("ledger " + file.string() +
                           ": kiosk id is empty; set it in the technician settings");
        }

        auto impl = std::make_unique<Impl>();
        detail::LedgerCore& core = impl->core;
        core.file = file;
        core.options = options;

        std::error_code ec;
        if (const auto status = fs::status(file, ec); fs::exists(status) && !fs::is_regular_file(status)) {
            return invalid("ledger " + file.string() + " is not a regular file; move it aside — " +
                           kNotModified);
        }
        // A missing or empty ledger where there was one is never silently replaced (ledger_instance.hpp).
        if (auto s = detail::check_ledger_not_lost(file, options.new_instance && !options.read_only); !s)
            return s.error();
        const bool exists = !detail::ledger_is_missing_or_empty(file);
        if (!exists && options.read_only) return check_ledger_present(file).error();

        std::int64_t schema_version = 0;
        if (exists) {
            auto inspection = inspect_existing(file);
            if (inspection) {
                schema_version = inspection.value().schema_version;
                if (options.read_only) core.db = std::move(inspection.value().connection);
            } else if (options.read_only || !is_readonly_recovery_needed(inspection.error())) {
                return inspection.error();
            }
        }

        if (options.read_only) {
            if (schema_version < kSchemaVersion) {
                return Error{ErrorCode::Invalid,
                             "ledger " + file.string() + " has schema version " +
                                 std::to_string(schema_version) + " (current is " +
                                 std::to_string(kSchemaVersion) +
                                 "); start the kiosk once to upgrade it — it was not modified"};
            }
            auto instance = detail::read_instance(*core.db);
            if (!instance) return instance.error();
            core.instance = instance.value();
        } else {
            const auto directory = file.parent_path();
            if (!directory.empty()) {
                fs::create_directories(directory, ec);
                if (ec) {
                    return Error{ErrorCode::Io, "ledger " + file.string() + ": cannot create directory " +
                                                    directory.string() + " (" + ec.message() +
                                                    "); create it or choose another data directory"};
                }
            }
            const auto key_file =
                options.county_key_file.empty() ? file.parent_path() / "county.key" : options.county_key_file;
            auto key = CountyKey::load_or_create(key_file);
            if (!key) return key.error();
            core.county_key = std::move(key).value();

            if (!fs::exists(file, ec)) {
                // Created by root for the kiosk: the kiosk's user must own it (file_owner.hpp).
                if (auto s =
                        create_for_data_dir_owner(file, directory.empty() ? fs::path(".") : directory, 0640);
                    !s)
                    return s.error();
            }
            auto opened = Database::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            if (!opened) return opened.error();
            core.db = std::move(opened).value();
            if (auto s = configure_writer(*core.db); !s) return inspection_error(file, s.error());
            if (auto s = migrate(*core.db); !s) return inspection_error(file, s.error());
            auto instance = detail::ensure_instance(*core.db);
            if (!instance) return instance.error();
            if (auto s = detail::write_instance_marker(file, instance.value()); !s) return s.error();
            core.instance = instance.value();
        }

        if (auto s = impl->dropoffs.prepare_statements(); !s) return s.error();
        return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
    });
}

Result<LedgerSummary> Ledger::summary() {
    return without_exceptions("summarising the ledger", [&]() -> Result<LedgerSummary> {
        Database& db = impl_->core.database();
        constexpr std::string_view kDoing = "summarising the ledger";
        // One read transaction, so the counts agree with each other while the kiosk keeps writing.
        return detail::in_read_transaction(db, kDoing, [&]() -> Result<LedgerSummary> {
            LedgerSummary summary;
            auto version = db.query_int64("PRAGMA user_version", kDoing);
            if (!version) return version.error();
            summary.schema_version = static_cast<int>(version.value());
            auto sessions = db.query_int64("SELECT count(*) FROM donation_session", kDoing);
            if (!sessions) return sessions.error();
            summary.sessions = sessions.value();
            auto dropoffs = db.query_int64("SELECT count(*) FROM dropoff", kDoing);
            if (!dropoffs) return dropoffs.error();
            summary.dropoffs = dropoffs.value();
            auto pending = db.query_int64("SELECT count(*) FROM outbox WHERE acked_at IS NULL", kDoing);
            if (!pending) return pending.error();
            summary.outbox_pending = pending.value();
            auto acknowledged = db.query_text_rows("SELECT coalesce(max(acked_at), '') FROM outbox", kDoing);
            if (!acknowledged) return acknowledged.error();
            summary.last_acknowledged_at = acknowledged.value();
            return summary;
        });
    });
}

Result<std::string> Ledger::integrity_check() {
    return without_exceptions("checking the ledger", [&]() -> Result<std::string> {
        Database& db = impl_->core.database();
        auto report = db.query_text_rows("PRAGMA integrity_check", "checking the ledger");
        if (!report) return report.error();
        // integrity_check does not look at foreign keys; a drop-off without its session is damage too.
        auto orphans =
            db.query_int64("SELECT count(*) FROM pragma_foreign_key_check", "checking foreign keys");
        if (!orphans) return orphans.error();
        std::string result = report.value();
        if (orphans.value() > 0) {
            if (result == "ok") result.clear();
            if (!result.empty()) result += '\n';
            result += std::to_string(orphans.value()) +
                      " row(s) refer to a missing parent (PRAGMA foreign_key_check)";
        }
        return result;
    });
}

}  // namespace medkiosk::storage
