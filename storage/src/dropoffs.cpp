// Donation sessions and drop-offs: the kiosk's hot path. A drop-off commits with its outbox row and
// its audit row in one durable transaction; the statements are prepared once, at open.

#include "medkiosk/storage/dropoffs.hpp"

#include <algorithm>
#include <utility>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "medkiosk/iso_date.hpp"

namespace medkiosk::storage {
namespace {

using namespace detail;  // the ledger's shared parts (ledger_core.hpp)

constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxSerialBytes = 512;
constexpr int kReceiptCodeAttempts = 8;

// ---------------------------------------------------------------------------------------------------
// Input checks: the CHECK constraints would refuse most of these too, but with a message no one at a
// pharmacy could act on.

bool is_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_valid_expiry(std::string_view expiry, std::string_view precision) {
    // GS1 writes day 00 for "end of the month"; that only makes sense with month precision.
    const auto day = parse_iso_day(expiry, /*allow_day_zero=*/precision == "month");
    return day && day->year >= 1900 && day->year <= 2199;
}

Result<void> validate(const DropOffInput& input) {
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
    return {};
}

}  // namespace

struct DropOffs::Statements {
    Statement insert_session;
    Statement session_exists;
    Statement next_sequence;
    Statement insert_dropoff;
    Statement insert_outbox;
    Statement select_recent;
    Statement select_by_session;
};

DropOffs::DropOffs(detail::LedgerCore& core) : core_(core), statements_(std::make_unique<Statements>()) {}
DropOffs::~DropOffs() = default;

Result<void> DropOffs::prepare_statements() {
    Database& db = core_.database();
    const auto prepare = [&db](Statement& target, const std::string& sql) -> Result<void> {
        auto prepared = db.prepare(sql);
        if (!prepared) return prepared.error();
        target = std::move(prepared).value();
        return {};
    };
    Statements& s = *statements_;
    const std::string columns = kDropoffColumns;
    const std::pair<Statement*, std::string> readers[] = {
        {&s.select_recent, "SELECT " + columns + " FROM dropoff ORDER BY sequence DESC LIMIT ?1"},
        {&s.select_by_session, "SELECT " + columns + " FROM dropoff WHERE session_id = ?1 ORDER BY sequence"},
    };
    for (const auto& [statement, sql] : readers) {
        if (auto prepared = prepare(*statement, sql); !prepared) return prepared;
    }
    if (core_.options.read_only) return {};
    const std::pair<Statement*, std::string> writers[] = {
        {&s.insert_session, "INSERT INTO donation_session (receipt_code, started_at) VALUES (?1, ?2)"},
        {&s.session_exists, "SELECT receipt_code FROM donation_session WHERE id = ?1"},
        {&s.next_sequence, "SELECT coalesce(max(sequence), 0) + 1 FROM dropoff"},
        {&s.insert_dropoff, "INSERT INTO dropoff (" + columns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                                "?15, ?16, ?17, ?18, ?19, ?20)"},
        {&s.insert_outbox,
         "INSERT INTO outbox (entity, entity_id, payload, created_at) VALUES ('dropoff', ?1, ?2, ?3)"},
    };
    for (const auto& [statement, sql] : writers) {
        if (auto prepared = prepare(*statement, sql); !prepared) return prepared;
    }
    return {};
}

Result<DonationSession> DropOffs::begin_session() {
    return without_exceptions("starting a donation session", [&]() -> Result<DonationSession> {
        if (core_.options.read_only) return core_.read_only_refusal("start a donation session");
        auto& insert = statements_->insert_session;
        for (int attempt = 0; attempt < kReceiptCodeAttempts; ++attempt) {
            DonationSession session{0, detail::new_receipt_code(), detail::utc_now_iso8601_ms()};
            StatementScope scope(insert);
            insert.bind_text(1, session.receipt_code);
            insert.bind_text(2, session.started_at);
            const int rc = insert.step();
            if (rc == SQLITE_DONE) {
                session.id = sqlite3_last_insert_rowid(core_.db->handle());
                return session;
            }
            // 60 random bits rarely collide; when they do, draw again.
            if (sqlite3_extended_errcode(core_.db->handle()) == SQLITE_CONSTRAINT_UNIQUE) continue;
            return core_.db->last_error(rc, "starting a donation session", "no session was started");
        }
        return Error{ErrorCode::Internal, "ledger " + core_.file.string() +
                                              ": could not find an unused receipt code; report this to the "
                                              "medkiosk maintainers — no session was started"};
    });
}

Result<DropOffRecord> DropOffs::record(const DropOffInput& input) {
    return without_exceptions("recording a drop-off", [&] { return write(input); });
}

Result<std::vector<DropOffRecord>> DropOffs::recent(int limit) {
    return without_exceptions("reading recent drop-offs", [&]() -> Result<std::vector<DropOffRecord>> {
        if (limit < 0) return invalid("recent: limit must not be negative, got " + std::to_string(limit));
        statements_->select_recent.bind_int64(1, limit);
        return detail::read_all(core_.database(), statements_->select_recent, "reading recent drop-offs",
                                detail::read_dropoff_row);
    });
}

Result<std::vector<DropOffRecord>> DropOffs::of_session(std::int64_t session_id) {
    return without_exceptions("reading a session's drop-offs", [&] {
        statements_->select_by_session.bind_int64(1, session_id);
        return detail::read_all(core_.database(), statements_->select_by_session,
                                "reading a session's drop-offs", detail::read_dropoff_row);
    });
}

Result<std::string> DropOffs::serial_hash(const std::string& serial) {
    if (!core_.county_key) return core_.read_only_refusal("hash a serial without the county key");
    if (serial.empty()) return std::string();
    return core_.county_key->hash_serial(serial);
}

Result<bool> DropOffs::serial_recorded(const std::string& serial) {
    return without_exceptions("looking for a recorded serial", [&]() -> Result<bool> {
        if (serial.empty()) return false;
        auto hash = serial_hash(serial);
        if (!hash) return hash.error();
        Database& db = core_.database();
        // Refused packs went back to the donor; only a pack that was taken counts as recorded.
        auto query =
            db.prepare("SELECT 1 FROM dropoff WHERE serial_hash = ?1 AND decision <> 'refuse' LIMIT 1");
        if (!query) return query.error();
        query.value().bind_text(1, hash.value());
        const int rc = query.value().step();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.last_error(rc, "looking for a recorded serial");
        return rc == SQLITE_ROW;
    });
}

Result<DropOffRecord> DropOffs::write(const DropOffInput& input) {
    Database& db = core_.database();
    Statements& statements = *statements_;
    constexpr std::string_view kDoing = "recording a drop-off";
    if (core_.options.read_only) return core_.read_only_refusal("record a drop-off");
    if (auto valid = validate(input); !valid) {
        return invalid("ledger " + core_.file.string() + ": drop-off refused: " + valid.error().message +
                       " — " + kNothingRecorded);
    }

    DropOffRecord record;
    record.uuid = detail::new_uuid_v4();
    record.session_id = input.session_id;
    record.kiosk_id = core_.options.kiosk_id;
    record.recorded_at = detail::utc_now_iso8601_ms();
    record.scheme = input.scheme;
    record.gtin = input.gtin;
    record.product_id = input.product_id;
    record.batch = input.batch;
    record.expiry = input.expiry;
    record.expiry_precision = input.expiry_precision;
    record.serial_hash = input.serial.empty() ? std::string() : core_.county_key->hash_serial(input.serial);
    record.quantity = input.quantity;
    record.condition = input.condition;
    record.decision = input.decision;
    record.reason = input.reason;
    record.review_state = "pending";
    record.category = input.category;
    record.drive_id = input.drive_id;
    record.expiry_source = input.expiry_source;

    detail::WriteTransaction transaction(db);
    if (auto s = transaction.begin(kDoing, kNothingRecorded); !s) return s.error();

    std::string session_uuid;  // what the hub knows the session by (ledger_instance.hpp)
    {
        auto& session_exists = statements.session_exists;
        StatementScope scope(session_exists);
        session_exists.bind_int64(1, input.session_id);
        const int rc = session_exists.step();
        if (rc == SQLITE_DONE) {
            return Error{ErrorCode::NotFound, "ledger " + core_.file.string() + ": no donation session " +
                                                  std::to_string(input.session_id) +
                                                  "; start one with begin_session — " + kNothingRecorded};
        }
        if (rc != SQLITE_ROW) return db.last_error(rc, kDoing, kNothingRecorded);
        session_uuid = detail::session_uuid(core_.instance, input.session_id, session_exists.column_text(0));
    }
    {
        auto& next_sequence = statements.next_sequence;
        StatementScope scope(next_sequence);
        const int rc = next_sequence.step();
        if (rc != SQLITE_ROW) return db.last_error(rc, kDoing, kNothingRecorded);
        record.sequence = next_sequence.column_int64(0);
    }
    {
        auto& insert_dropoff = statements.insert_dropoff;
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
        if (const int rc = s.step(); rc != SQLITE_DONE) return db.last_error(rc, kDoing, kNothingRecorded);
    }
    {
        auto& insert_outbox = statements.insert_outbox;
        StatementScope scope(insert_outbox);
        insert_outbox.bind_text(1, record.uuid);
        insert_outbox.bind_text(2, dropoff_json(record, session_uuid));
        insert_outbox.bind_text(3, record.recorded_at);
        if (const int rc = insert_outbox.step(); rc != SQLITE_DONE) {
            return db.last_error(rc, kDoing, kNothingRecorded);
        }
    }
    {
        const nlohmann::json detail = {
            {"sequence", record.sequence}, {"decision", record.decision}, {"reason", record.reason}};
        if (auto s = detail::append_audit(db, "kiosk", "record-dropoff", "dropoff", record.uuid,
                                          detail.dump(), record.recorded_at);
            !s) {
            return Error{s.error().code, s.error().message + " — " + kNothingRecorded};
        }
    }
    // Only a successful COMMIT (WAL synced, synchronous=FULL) makes the drop-off real.
    if (auto s = transaction.commit(kDoing, kNothingRecorded); !s) return s.error();
    return record;
}

std::string dropoff_json(const DropOffRecord& record, const std::string& session_uuid) {
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
