#pragma once
// What every part of the ledger shares (ledger.cpp opens it; dropoffs.cpp, reference_data.cpp,
// user_accounts.cpp, audit.cpp and staff_work.cpp work on it): the connection, the county key, how a
// drop-off row is selected and read, the JSON written into outbox and audit rows, and how a public call
// turns anything thrown below it into an Error value. Private to the storage library.

#include <exception>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "county_key.hpp"
#include "ledger_instance.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"
#include "transaction.hpp"

namespace medkiosk::storage::detail {

struct LedgerCore {
    std::filesystem::path file;
    LedgerOptions options;
    std::optional<CountyKey> county_key;     // absent when read-only
    std::optional<LedgerInstance> instance;  // absent on a read-only look at an older ledger
    std::unique_ptr<Database> db;

    Database& database() { return *db; }
    Error read_only_refusal(std::string_view what) const;
};

// The shared state behind a Ledger, for the storage library's other connections' users (the sync
// worker's outbox store, bundles).
LedgerCore& core_of(Ledger& ledger);

// What a refused change appends to its message.
inline constexpr const char* kNothingChanged = "nothing was changed";
inline constexpr const char* kNothingRecorded = "nothing was recorded";

inline constexpr const char* kDropoffColumns =
    "uuid, session_id, kiosk_id, recorded_at, sequence, scheme, gtin, product_id, batch, expiry, "
    "expiry_precision, serial_hash, quantity, condition, decision, reason, review_state, category, drive_id, "
    "expiry_source";

// How many columns kDropoffColumns selects: a query selecting more after them reads those from here on.
inline constexpr int kDropoffColumnCount = [] {
    int columns = 1;
    for (const char* c = kDropoffColumns; *c != '\0'; ++c) columns += *c == ',' ? 1 : 0;
    return columns;
}();

// Reads a row selected with kDropoffColumns, in that order.
DropOffRecord read_dropoff_row(const Statement& row);

// kDropoffColumns qualified with the drop-off table's alias, for joins.
inline const std::string& dropoff_columns_as_d() {
    static const std::string columns = [] {
        std::string out = "d.";
        for (const char* c = kDropoffColumns; *c != '\0'; ++c) {
            out += *c;
            if (*c == ' ') out += "d.";
        }
        return out;
    }();
    return columns;
}

// The catalogue is keyed by GTIN-14 or product id; a drop-off carries one of them.
inline constexpr const char* kJoinCatalogue =
    " FROM dropoff d LEFT JOIN catalogue c ON c.product_id = COALESCE(NULLIF(d.gtin, ''), d.product_id) ";

// A row selected as dropoff_columns_as_d() followed by the catalogue's name_zh and name_en.
inline StaffQueueRow read_staff_row(const Statement& row) {
    StaffQueueRow out;
    out.dropoff = read_dropoff_row(row);
    out.name_zh = row.column_text(kDropoffColumnCount);
    out.name_en = row.column_text(kDropoffColumnCount + 1);
    return out;
}

// Every row of `query` read with `read_row`; the statement is reset afterwards.
template <typename ReadRow>
auto read_all(Database& db, Statement& query, std::string_view doing, ReadRow&& read_row)
    -> Result<std::vector<decltype(read_row(query))>> {
    StatementScope scope(query);
    std::vector<decltype(read_row(query))> rows;
    int rc = SQLITE_ROW;
    while ((rc = query.step()) == SQLITE_ROW) rows.push_back(read_row(query));
    if (rc != SQLITE_DONE) return db.last_error(rc, doing);
    return rows;
}

// The first row of `query` read with `read_row`, or nullopt when there is none.
template <typename ReadRow>
auto read_one(Database& db, Statement& query, std::string_view doing, ReadRow&& read_row)
    -> Result<std::optional<decltype(read_row(query))>> {
    using Row = decltype(read_row(query));
    StatementScope scope(query);
    const int rc = query.step();
    if (rc == SQLITE_DONE) return std::optional<Row>();
    if (rc != SQLITE_ROW) return db.last_error(rc, doing);
    return std::optional<Row>(read_row(query));
}

// Whether `query` returns a row.
inline Result<bool> exists(Database& db, Statement& query, std::string_view doing) {
    StatementScope scope(query);
    const int rc = query.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.last_error(rc, doing);
    return rc == SQLITE_ROW;
}

// JSON text as stored in outbox payloads and audit details (keys sorted). Barcode data is not
// guaranteed UTF-8: invalid bytes are replaced rather than thrown on.
inline std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A drive as its audit row details it (added or changed).
std::string drive_detail(const Drive& drive, const nlohmann::json& rules);

// Free text a person typed (a name, a note, a clinic) is kept to this many bytes.
inline constexpr std::size_t kMaxTextBytes = 512;
inline bool too_long(const std::string& text) {
    return text.size() > kMaxTextBytes;
}

inline Error invalid(std::string message) {
    return Error{ErrorCode::Invalid, std::move(message)};
}

// Runs `body`, turning any exception (allocation failure, a library throwing) into an Error value:
// nothing may escape into the kiosk's storage worker.
template <typename Body>
auto without_exceptions(std::string_view doing, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception& e) {
        return Error{ErrorCode::Internal, std::string(doing) + " failed unexpectedly: " + e.what()};
    } catch (...) {
        return Error{ErrorCode::Internal, std::string(doing) + " failed unexpectedly"};
    }
}

}  // namespace medkiosk::storage::detail
