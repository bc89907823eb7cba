#pragma once
// What ledger.cpp and ledger_admin.cpp share: how a drop-off row is selected and read, and how a
// public Ledger call turns anything thrown below it into an Error value.

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

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

// Rows selected as dropoff_columns_as_d() followed by the catalogue's name_zh and name_en.
inline StatusOr<std::vector<StaffQueueRow>> read_rows(Database& db, Statement& s, std::string_view doing) {
    std::vector<StaffQueueRow> rows;
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
        StaffQueueRow row;
        row.dropoff = read_dropoff_row(s);
        row.name_zh = s.column_text(kDropoffColumnCount);
        row.name_en = s.column_text(kDropoffColumnCount + 1);
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return db.last_error(rc, doing);
    return rows;
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
