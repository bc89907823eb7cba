#include "medkiosk/storage/ledger.hpp"

#include <sodium.h>

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "audit.hpp"
#include "county_key.hpp"
#include "dropoff_rows.hpp"
#include "identifiers.hpp"
#include "ledger_instance.hpp"
#include "medkiosk/storage/file_owner.hpp"
#include "migrations.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using detail::CountyKey;
using detail::Database;
using detail::Statement;
using detail::StatementScope;
using detail::WriteTransaction;

// Long enough for the kiosk's own writer and medkioskctl to take turns; a WAL commit takes < 1 ms.
constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxSerialBytes = 512;
constexpr int kReceiptCodeAttempts = 8;

constexpr const char* kNothingRecorded = "nothing was recorded";
constexpr const char* kNotModified = "it was not modified";

using detail::invalid;
using detail::kDropoffColumns;
using detail::read_dropoff_row;
using detail::without_exceptions;

// ---------------------------------------------------------------------------------------------------
// Input checks: the CHECK constraints would refuse most of these too, but with a message no one at a
// pharmacy could act on.

bool is_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int parse_digits(std::string_view text) {
    int value = 0;
    for (char c : text) value = value * 10 + (c - '0');
    return value;
}

bool is_valid_expiry(std::string_view expiry, std::string_view precision) {
    if (expiry.size() != 10 || expiry[4] != '-' || expiry[7] != '-') return false;
    const auto year_text = expiry.substr(0, 4), month_text = expiry.substr(5, 2),
               day_text = expiry.substr(8, 2);
    if (!is_digits(year_text) || !is_digits(month_text) || !is_digits(day_text)) return false;
    const int year = parse_digits(year_text), month = parse_digits(month_text), day = parse_digits(day_text);
    if (year < 1900 || year > 2199 || month < 1 || month > 12) return false;
    static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int last_day = kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
    // GS1 writes day 00 for "end of the month"; that only makes sense with month precision.
    if (day == 0) return precision == "month";
    return day <= last_day;
}

Status validate(const DropOffInput& input) {
    if (input.session_id <= 0)
        return invalid("drop-off has no donation session (session_id " + std::to_string(input.session_id) +
                       "); call begin_session first");
    if (input.quantity <= 0)
        return invalid("quantity must be at least 1, got " + std::to_string(input.quantity));
    if (input.condition != "sealed" && input.condition != "opened-usable") {
        return invalid("condition must be \"sealed\" or \"opened-usable\", got \"" + input.condition + "\"");
    }
    if (input.decision != "accept" && input.decision != "refuse" && input.decision != "review") {
        return invalid("decision must be \"accept\", \"refuse\" or \"review\", got \"" + input.decision +
                       "\"");
    }
    if (input.scheme.empty())
        return invalid("scheme is empty (expected e.g. \"gs1\", \"cn-trace\", \"retail\")");
    if (input.reason.empty()) return invalid("reason is empty (expected a reason code such as \"ok\")");
    if (!input.gtin.empty() && (input.gtin.size() != 14 || !is_digits(input.gtin))) {
        return invalid("gtin must be 14 digits (GTIN-14) or empty, got \"" + input.gtin + "\"");
    }
    if (input.expiry_precision != "" && input.expiry_precision != "day" &&
        input.expiry_precision != "month") {
        return invalid("expiry_precision must be \"day\", \"month\" or empty, got \"" +
                       input.expiry_precision + "\"");
    }
    if (input.expiry.empty() != input.expiry_precision.empty()) {
        return invalid("expiry \"" + input.expiry + "\" and expiry_precision \"" + input.expiry_precision +
                       "\" disagree: give both or neither");
    }
    if (!input.expiry.empty() && !is_valid_expiry(input.expiry, input.expiry_precision)) {
        return invalid("expiry must be a date YYYY-MM-DD, got \"" + input.expiry + "\"");
    }
    if (input.expiry_source != "" && input.expiry_source != "code" &&
        input.expiry_source != "ocr-confirmed" && input.expiry_source != "picker") {
        return invalid("expiry_source must be \"code\", \"ocr-confirmed\", \"picker\" or empty, got \"" +
                       input.expiry_source + "\"");
    }
    if (!input.expiry_source.empty() && input.expiry.empty()) {
        return invalid("expiry_source \"" + input.expiry_source + "\" given without an expiry");
    }
    const std::pair<const char*, const std::string*> fields[] = {{"scheme", &input.scheme},
                                                                 {"product_id", &input.product_id},
                                                                 {"batch", &input.batch},
                                                                 {"reason", &input.reason},
                                                                 {"category", &input.category}};
    for (const auto& [name, value] : fields) {
        if (value->size() > kMaxFieldBytes) {
            return invalid(std::string(name) + " is longer than " + std::to_string(kMaxFieldBytes) +
                           " bytes");
        }
    }
    if (input.serial.size() > kMaxSerialBytes) {
        return invalid("serial is longer than " + std::to_string(kMaxSerialBytes) + " bytes");
    }
    return Ok{};
}

// `session_uuid`: the session's key at the hub; "" for a session numbered before the ledger had an
// instance, whose drop-offs the hub links by session number as before.
std::string outbox_payload(const DropOffRecord& record, const std::string& session_uuid) {
    nlohmann::ordered_json json = {
        {"uuid", record.uuid},
        {"session_id", record.session_id},
        {"kiosk_id", record.kiosk_id},
        {"recorded_at", record.recorded_at},
        {"sequence", record.sequence},
        {"scheme", record.scheme},
        {"gtin", record.gtin},
        {"product_id", record.product_id},
        {"batch", record.batch},
        {"expiry", record.expiry},
        {"expiry_precision", record.expiry_precision},
        {"serial_hash", record.serial_hash},
        {"quantity", record.quantity},
        {"condition", record.condition},
        {"decision", record.decision},
        {"reason", record.reason},
        {"review_state", record.review_state},
        {"category", record.category},
        {"drive_id", record.drive_id},
        {"expiry_source", record.expiry_source},
    };
    if (!session_uuid.empty()) json["session_uuid"] = session_uuid;
    // Barcode data is not guaranteed UTF-8; replace rather than throw.
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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
StatusOr<Inspection> inspect_existing(const fs::path& file) {
    auto opened = Database::open(file, SQLITE_OPEN_READONLY);
    if (!opened) return inspection_error(file, opened.error());
    auto& db = *opened.value();
    // A read-only look must not fold the WAL into the main file on close either.
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);

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

Status configure_writer(Database& db) {
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
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
    return Ok{};
}

// Brings the schema up to date in one write transaction, so a second process opening the same new file
// waits and then finds it migrated rather than migrating it twice.
Status migrate(Database& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE", "starting the schema update", "the file was not changed"); !s)
        return s;
    const auto rollback = [&db] { sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr); };
    auto version = db.query_int64("PRAGMA user_version", "reading the schema version");
    if (!version) {
        rollback();
        return version.error();
    }
    if (version.value() > Ledger::kSchemaVersion) {
        rollback();
        return refused_as_too_new(db.file(), version.value());
    }
    if (auto applied = detail::apply_migrations(db, static_cast<int>(version.value())); !applied) {
        rollback();
        return applied;
    }
    if (auto committed =
            db.exec("COMMIT", "committing the schema update", "the file was left at its old version");
        !committed) {
        if (sqlite3_get_autocommit(db.handle()) == 0) rollback();
        return committed;
    }
    return Ok{};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------

struct Ledger::Impl {
    fs::path file;
    LedgerOptions options;
    std::optional<CountyKey> county_key;             // absent when read-only
    std::optional<detail::LedgerInstance> instance;  // absent on a read-only look at an older ledger
    // Declared before the statements so it is closed after they are finalized.
    std::unique_ptr<Database> db;

    Statement insert_session;
    Statement session_exists;
    Statement next_sequence;
    Statement insert_dropoff;
    Statement insert_outbox;
    Statement select_recent;
    Statement select_by_session;

    Status prepare_statements() {
        const auto prepare = [this](Statement& target, const std::string& sql) -> Status {
            auto prepared = db->prepare(sql);
            if (!prepared) return prepared.error();
            target = std::move(prepared).value();
            return Ok{};
        };
        const std::string columns = kDropoffColumns;
        const std::pair<Statement*, std::string> all[] = {
            {&select_recent, "SELECT " + columns + " FROM dropoff ORDER BY sequence DESC LIMIT ?1"},
            {&select_by_session,
             "SELECT " + columns + " FROM dropoff WHERE session_id = ?1 ORDER BY sequence"},
        };
        for (const auto& [statement, sql] : all) {
            if (auto s = prepare(*statement, sql); !s) return s;
        }
        if (options.read_only) return Ok{};
        const std::pair<Statement*, std::string> writers[] = {
            {&insert_session, "INSERT INTO donation_session (receipt_code, started_at) VALUES (?1, ?2)"},
            {&session_exists, "SELECT receipt_code FROM donation_session WHERE id = ?1"},
            {&next_sequence, "SELECT coalesce(max(sequence), 0) + 1 FROM dropoff"},
            {&insert_dropoff, "INSERT INTO dropoff (" + columns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                                  "?15, ?16, ?17, ?18, ?19, ?20)"},
            {&insert_outbox,
             "INSERT INTO outbox (entity, entity_id, payload, created_at) VALUES ('dropoff', ?1, ?2, ?3)"},
        };
        for (const auto& [statement, sql] : writers) {
            if (auto s = prepare(*statement, sql); !s) return s;
        }
        return Ok{};
    }

    Error read_only_refusal(std::string_view what) const {
        return invalid("ledger " + file.string() + " was opened read-only; cannot " + std::string(what));
    }

    StatusOr<std::vector<DropOffRecord>> read_dropoffs(Statement& query, std::string_view doing) {
        StatementScope scope(query);
        std::vector<DropOffRecord> records;
        int rc = SQLITE_ROW;
        while ((rc = query.step()) == SQLITE_ROW) records.push_back(read_dropoff_row(query));
        if (rc != SQLITE_DONE) return db->last_error(rc, doing);
        return records;
    }

    StatusOr<DropOffRecord> record(const DropOffInput& input);
};

StatusOr<DropOffRecord> Ledger::Impl::record(const DropOffInput& input) {
    constexpr std::string_view kDoing = "recording a drop-off";
    if (options.read_only) return read_only_refusal("record a drop-off");
    if (auto valid = validate(input); !valid) {
        return invalid("ledger " + file.string() + ": drop-off refused: " + valid.error().message + " — " +
                       kNothingRecorded);
    }

    DropOffRecord record;
    record.uuid = detail::new_uuid_v4();
    record.session_id = input.session_id;
    record.kiosk_id = options.kiosk_id;
    record.recorded_at = detail::utc_now_iso8601_ms();
    record.scheme = input.scheme;
    record.gtin = input.gtin;
    record.product_id = input.product_id;
    record.batch = input.batch;
    record.expiry = input.expiry;
    record.expiry_precision = input.expiry_precision;
    record.serial_hash = input.serial.empty() ? std::string() : county_key->hash_serial(input.serial);
    record.quantity = input.quantity;
    record.condition = input.condition;
    record.decision = input.decision;
    record.reason = input.reason;
    record.review_state = "pending";
    record.category = input.category;
    record.drive_id = input.drive_id;
    record.expiry_source = input.expiry_source;

    WriteTransaction transaction(*db);
    if (auto s = transaction.begin(kDoing, kNothingRecorded); !s) return s.error();

    std::string session_uuid;  // what the hub knows the session by (ledger_instance.hpp)
    {
        StatementScope scope(session_exists);
        session_exists.bind_int64(1, input.session_id);
        const int rc = session_exists.step();
        if (rc == SQLITE_DONE) {
            return Error{ErrorCode::NotFound, "ledger " + file.string() + ": no donation session " +
                                                  std::to_string(input.session_id) +
                                                  "; start one with begin_session — " + kNothingRecorded};
        }
        if (rc != SQLITE_ROW) return db->last_error(rc, kDoing, kNothingRecorded);
        session_uuid = detail::session_uuid(instance, input.session_id, session_exists.column_text(0));
    }
    {
        StatementScope scope(next_sequence);
        const int rc = next_sequence.step();
        if (rc != SQLITE_ROW) return db->last_error(rc, kDoing, kNothingRecorded);
        record.sequence = next_sequence.column_int64(0);
    }
    {
        StatementScope scope(insert_dropoff);
        auto& s = insert_dropoff;
        s.bind_text(1, record.uuid);
        s.bind_int64(2, record.session_id);
        s.bind_text(3, record.kiosk_id);
        s.bind_text(4, record.recorded_at);
        s.bind_int64(5, record.sequence);
        s.bind_text(6, record.scheme);
        s.bind_text_or_null(7, record.gtin);
        s.bind_text_or_null(8, record.product_id);
        s.bind_text_or_null(9, record.batch);
        s.bind_text_or_null(10, record.expiry);
        s.bind_text_or_null(11, record.expiry_precision);
        s.bind_text_or_null(12, record.serial_hash);
        s.bind_int64(13, record.quantity);
        s.bind_text(14, record.condition);
        s.bind_text(15, record.decision);
        s.bind_text(16, record.reason);
        s.bind_text(17, record.review_state);
        s.bind_text_or_null(18, record.category);
        if (record.drive_id > 0)
            s.bind_int64(19, record.drive_id);
        else
            sqlite3_bind_null(s.get(), 19);
        s.bind_text_or_null(20, record.expiry_source);
        if (const int rc = s.step(); rc != SQLITE_DONE) return db->last_error(rc, kDoing, kNothingRecorded);
    }
    {
        StatementScope scope(insert_outbox);
        insert_outbox.bind_text(1, record.uuid);
        insert_outbox.bind_text(2, outbox_payload(record, session_uuid));
        insert_outbox.bind_text(3, record.recorded_at);
        if (const int rc = insert_outbox.step(); rc != SQLITE_DONE) {
            return db->last_error(rc, kDoing, kNothingRecorded);
        }
    }
    {
        const nlohmann::json detail = {
            {"sequence", record.sequence}, {"decision", record.decision}, {"reason", record.reason}};
        if (auto s = detail::append_audit(*db, "kiosk", "record-dropoff", "dropoff", record.uuid,
                                          detail.dump(), record.recorded_at);
            !s) {
            return Error{s.error().code, s.error().message + " — " + kNothingRecorded};
        }
    }
    // Only a successful COMMIT (WAL synced, synchronous=FULL) makes the drop-off real.
    if (auto s = transaction.commit(kDoing, kNothingRecorded); !s) return s.error();
    return record;
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

const std::filesystem::path& Ledger::file() const {
    return impl_->file;
}

const LedgerOptions& Ledger::options() const {
    return impl_->options;
}

std::string Ledger::instance_id() const {
    return impl_->instance ? impl_->instance->id : std::string();
}

detail::Database& Ledger::database() {
    return *impl_->db;
}

StatusOr<std::string> Ledger::serial_hash(const std::string& serial) {
    if (!impl_->county_key) return impl_->read_only_refusal("hash a serial without the county key");
    if (serial.empty()) return std::string();
    return impl_->county_key->hash_serial(serial);
}

Status check_ledger_present(const std::filesystem::path& file) {
    if (auto lost = detail::check_ledger_not_lost(file, false); !lost) return lost.error();
    if (!detail::ledger_is_missing_or_empty(file)) return Ok{};
    return Error{ErrorCode::NotFound, "no ledger at " + file.string() +
                                          "; the kiosk creates it on first start, or pass --data-dir"};
}

StatusOr<std::unique_ptr<Ledger>> Ledger::open(const std::filesystem::path& file, LedgerOptions options) {
    return without_exceptions("opening ledger " + file.string(), [&]() -> StatusOr<std::unique_ptr<Ledger>> {
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
        impl->file = file;
        impl->options = options;

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
                if (options.read_only) impl->db = std::move(inspection.value().connection);
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
            auto instance = detail::read_instance(*impl->db);
            if (!instance) return instance.error();
            impl->instance = instance.value();
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
            impl->county_key = std::move(key).value();

            if (!fs::exists(file, ec)) {
                // Created by root for the kiosk: the kiosk's user must own it (file_owner.hpp).
                if (auto s =
                        create_for_data_dir_owner(file, directory.empty() ? fs::path(".") : directory, 0640);
                    !s)
                    return s.error();
            }
            auto opened = Database::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            if (!opened) return opened.error();
            impl->db = std::move(opened).value();
            if (auto s = configure_writer(*impl->db); !s) return inspection_error(file, s.error());
            if (auto s = migrate(*impl->db); !s) return inspection_error(file, s.error());
            auto instance = detail::ensure_instance(*impl->db);
            if (!instance) return instance.error();
            if (auto s = detail::write_instance_marker(file, instance.value()); !s) return s.error();
            impl->instance = instance.value();
        }

        if (auto s = impl->prepare_statements(); !s) return s.error();
        return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
    });
}

StatusOr<DonationSession> Ledger::begin_session() {
    return without_exceptions("starting a donation session", [&]() -> StatusOr<DonationSession> {
        if (impl_->options.read_only) return impl_->read_only_refusal("start a donation session");
        auto& insert = impl_->insert_session;
        for (int attempt = 0; attempt < kReceiptCodeAttempts; ++attempt) {
            DonationSession session{0, detail::new_receipt_code(), detail::utc_now_iso8601_ms()};
            StatementScope scope(insert);
            insert.bind_text(1, session.receipt_code);
            insert.bind_text(2, session.started_at);
            const int rc = insert.step();
            if (rc == SQLITE_DONE) {
                session.id = sqlite3_last_insert_rowid(impl_->db->handle());
                return session;
            }
            // 60 random bits rarely collide; when they do, draw again.
            if (sqlite3_extended_errcode(impl_->db->handle()) == SQLITE_CONSTRAINT_UNIQUE) continue;
            return impl_->db->last_error(rc, "starting a donation session", "no session was started");
        }
        return Error{ErrorCode::Internal, "ledger " + impl_->file.string() +
                                              ": could not find an unused receipt code; report this to the "
                                              "medkiosk maintainers — no session was started"};
    });
}

StatusOr<DropOffRecord> Ledger::record_dropoff(const DropOffInput& input) {
    return without_exceptions("recording a drop-off", [&] { return impl_->record(input); });
}

StatusOr<std::vector<DropOffRecord>> Ledger::recent_dropoffs(int limit) {
    return without_exceptions("reading recent drop-offs", [&]() -> StatusOr<std::vector<DropOffRecord>> {
        if (limit < 0)
            return invalid("recent_dropoffs: limit must not be negative, got " + std::to_string(limit));
        impl_->select_recent.bind_int64(1, limit);
        return impl_->read_dropoffs(impl_->select_recent, "reading recent drop-offs");
    });
}

StatusOr<std::vector<DropOffRecord>> Ledger::session_dropoffs(std::int64_t session_id) {
    return without_exceptions("reading a session's drop-offs", [&] {
        impl_->select_by_session.bind_int64(1, session_id);
        return impl_->read_dropoffs(impl_->select_by_session, "reading a session's drop-offs");
    });
}

StatusOr<LedgerSummary> Ledger::summary() {
    return without_exceptions("summarising the ledger", [&]() -> StatusOr<LedgerSummary> {
        auto& db = *impl_->db;
        constexpr std::string_view kDoing = "summarising the ledger";
        // One read transaction, so the counts agree with each other while the kiosk keeps writing.
        if (auto s = db.exec("BEGIN", kDoing); !s) return s.error();
        struct EndRead {
            Database& db;
            ~EndRead() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
        } end_read{db};

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
        return summary;
    });
}

StatusOr<std::string> Ledger::integrity_check() {
    return without_exceptions("checking the ledger", [&]() -> StatusOr<std::string> {
        auto& db = *impl_->db;
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

namespace detail {

DropOffRecord read_dropoff_row(const Statement& row) {
    DropOffRecord record;
    record.uuid = row.column_text(0);
    record.session_id = row.column_int64(1);
    record.kiosk_id = row.column_text(2);
    record.recorded_at = row.column_text(3);
    record.sequence = row.column_int64(4);
    record.scheme = row.column_text(5);
    record.gtin = row.column_text(6);
    record.product_id = row.column_text(7);
    record.batch = row.column_text(8);
    record.expiry = row.column_text(9);
    record.expiry_precision = row.column_text(10);
    record.serial_hash = row.column_text(11);
    record.quantity = static_cast<int>(row.column_int64(12));
    record.condition = row.column_text(13);
    record.decision = row.column_text(14);
    record.reason = row.column_text(15);
    record.review_state = row.column_text(16);
    record.category = row.column_text(17);
    record.drive_id = row.column_int64(18);
    record.expiry_source = row.column_text(19);
    return record;
}

}  // namespace detail
}  // namespace medkiosk::storage
