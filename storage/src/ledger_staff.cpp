// What the staff screens read and the one change they add: the filtered queue, categories,
// re-classification, dispatch candidates, clinics and the chart counts. Filters and counts are SQL, so
// the staff screen's worker never loads the whole ledger.

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "dropoff_rows.hpp"
#include "identifiers.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage {
namespace {

using detail::Database;
using detail::invalid;
using detail::Statement;
using detail::without_exceptions;
using detail::WriteTransaction;

constexpr const char* kNothingChanged = "nothing was changed";

using detail::dropoff_columns_as_d;
using detail::kJoinCatalogue;
using detail::read_rows;

// Refused: by the kiosk, or by a pharmacist (rejected or disposed). Everything else is accepted.
constexpr const char* kRefusedCase = "(d.decision = 'refuse' OR d.review_state IN ('rejected', 'disposed'))";

bool is_iso_day(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (text[i] < '0' || text[i] > '9') return false;
    return true;
}

}  // namespace

StatusOr<std::vector<StaffQueueRow>> Ledger::staff_queue(const StaffQueueQuery& query) {
    return without_exceptions("reading the staff queue", [&]() -> StatusOr<std::vector<StaffQueueRow>> {
        static const char* kStates[] = {"", "pending", "approved", "rejected", "disposed", "dispatched"};
        static const char* kDecisions[] = {"", "accept", "review", "refuse"};
        if (std::find(std::begin(kStates), std::end(kStates), query.review_state) == std::end(kStates))
            return invalid("unknown review state \"" + query.review_state +
                           "\" (pending, approved, rejected, disposed, dispatched or empty for any)");
        if (std::find(std::begin(kDecisions), std::end(kDecisions), query.decision) == std::end(kDecisions))
            return invalid("unknown decision \"" + query.decision +
                           "\" (accept, review, refuse or empty for any)");
        if (!query.since_local_date.empty() && !is_iso_day(query.since_local_date))
            return invalid("the date filter must be YYYY-MM-DD, got \"" + query.since_local_date + "\"");
        if (query.limit < 0) return invalid("staff_queue: limit must not be negative");

        // Every condition is always present and switched off by an empty parameter: one statement shape.
        std::string sql = "SELECT " + dropoff_columns_as_d() + ", c.name_zh, c.name_en" + kJoinCatalogue +
                          "WHERE (?1 = '' OR d.review_state = ?1)"
                          " AND (?1 <> 'pending' OR d.decision <> 'refuse')"
                          " AND (?2 = '' OR d.decision = ?2)"
                          " AND (?3 = '' OR (?3 = ?4 AND COALESCE(d.category, '') = '') OR d.category = ?3)"
                          // The UTC bound (a day early, for any time zone) lets the index on
                          // recorded_at skip old rows; the local day decides.
                          " AND (?5 = '' OR (d.recorded_at >= date(?5, '-1 day') AND "
                          "date(d.recorded_at, 'localtime') >= ?5))"
                          // The pharmacist's queue oldest first; history newest first.
                          " ORDER BY CASE WHEN ?1 = 'pending' THEN d.sequence ELSE -d.sequence END LIMIT ?6";
        Database& db = database();
        auto prepared = db.prepare(sql);
        if (!prepared) return prepared.error();
        Statement& s = prepared.value();
        s.bind_text(1, query.review_state);
        s.bind_text(2, query.decision);
        s.bind_text(3, query.category);
        s.bind_text(4, kNoCategory);
        s.bind_text(5, query.since_local_date);
        s.bind_int64(6, query.limit);
        return read_rows(db, s, "reading the staff queue");
    });
}

StatusOr<std::vector<std::string>> Ledger::categories() {
    return without_exceptions("reading the categories", [&]() -> StatusOr<std::vector<std::string>> {
        Database& db = database();
        auto query = db.prepare("SELECT DISTINCT category FROM catalogue ORDER BY category");
        if (!query) return query.error();
        std::vector<std::string> names;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) names.push_back(query.value().column_text(0));
        if (rc != SQLITE_DONE) return db.last_error(rc, "reading the categories");
        return names;
    });
}

StatusOr<Reclassification> Ledger::record_reclassify(const std::string& dropoff_uuid, std::int64_t user_id,
                                                     const std::string& category, const std::string& note) {
    return without_exceptions("re-classifying a drop-off", [&]() -> StatusOr<Reclassification> {
        constexpr std::string_view kDoing = "re-classifying a drop-off";
        if (category.empty())
            return invalid("choose a category to re-classify into — " + std::string(kNothingChanged));
        if (note.size() > 512) return invalid("review note is longer than 512 bytes");
        Database& db = database();
        WriteTransaction transaction(db);
        if (auto s = transaction.begin(kDoing, kNothingChanged); !s) return s.error();

        auto known = db.prepare("SELECT 1 FROM catalogue WHERE category = ?1 LIMIT 1");
        if (!known) return known.error();
        known.value().bind_text(1, category);
        if (int rc = known.value().step(); rc == SQLITE_DONE) {
            return invalid("\"" + category +
                           "\" is not a category of the catalogue (import a catalogue that has it) — " +
                           kNothingChanged);
        } else if (rc != SQLITE_ROW) {
            return db.last_error(rc, kDoing, kNothingChanged);
        }
        known.value().reset();

        auto login_query = db.prepare("SELECT login FROM app_user WHERE id = ?1");
        if (!login_query) return login_query.error();
        login_query.value().bind_int64(1, user_id);
        if (int rc = login_query.value().step(); rc == SQLITE_DONE) {
            return Error{ErrorCode::NotFound,
                         "no user with id " + std::to_string(user_id) + " — " + kNothingChanged};
        } else if (rc != SQLITE_ROW) {
            return db.last_error(rc, kDoing, kNothingChanged);
        }
        const std::string login = login_query.value().column_text(0);
        login_query.value().reset();

        auto current = db.prepare("SELECT COALESCE(category, ''), review_state FROM dropoff WHERE uuid = ?1");
        if (!current) return current.error();
        current.value().bind_text(1, dropoff_uuid);
        const int found = current.value().step();
        if (found == SQLITE_DONE)
            return Error{ErrorCode::NotFound,
                         "drop-off " + dropoff_uuid + " does not exist — " + kNothingChanged};
        if (found != SQLITE_ROW) return db.last_error(found, kDoing, kNothingChanged);
        Reclassification change;
        change.from_category = current.value().column_text(0);
        change.to_category = category;
        const std::string state = current.value().column_text(1);
        current.value().reset();
        if (state != "pending" && state != "approved") {
            return invalid("drop-off " + dropoff_uuid + " is " + state +
                           "; only pending or confirmed drop-offs can be re-classified — " + kNothingChanged);
        }
        if (change.from_category == category)
            return invalid("drop-off " + dropoff_uuid + " is already in " + category + " — " +
                           kNothingChanged);

        auto update = db.prepare("UPDATE dropoff SET category = ?2 WHERE uuid = ?1");
        if (!update) return update.error();
        update.value().bind_text(1, dropoff_uuid);
        update.value().bind_text(2, category);
        if (int rc = update.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);

        change.review = ReviewAction{detail::new_uuid_v4(), dropoff_uuid, user_id,
                                     "reclassify",          note,         detail::utc_now_iso8601_ms()};
        auto insert = db.prepare(
            "INSERT INTO review_action (uuid, dropoff_uuid, user_id, action, note, at, category) "
            "VALUES (?1, ?2, ?3, 'reclassify', ?4, ?5, ?6)");
        if (!insert) return insert.error();
        insert.value().bind_text(1, change.review.uuid);
        insert.value().bind_text(2, dropoff_uuid);
        insert.value().bind_int64(3, user_id);
        insert.value().bind_text_or_null(4, note);
        insert.value().bind_text(5, change.review.at);
        insert.value().bind_text(6, category);
        if (int rc = insert.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);

        const std::string payload = nlohmann::json({{"uuid", change.review.uuid},
                                                    {"dropoff_uuid", dropoff_uuid},
                                                    {"user", login},
                                                    {"action", "reclassify"},
                                                    {"category", category},
                                                    {"previous_category", change.from_category},
                                                    {"review_state", state},
                                                    {"note", note},
                                                    {"at", change.review.at}})
                                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        auto outbox = db.prepare(
            "INSERT INTO outbox (entity, entity_id, payload, created_at) "
            "VALUES ('review_action', ?1, ?2, ?3)");
        if (!outbox) return outbox.error();
        outbox.value().bind_text(1, change.review.uuid);
        outbox.value().bind_text(2, payload);
        outbox.value().bind_text(3, change.review.at);
        if (int rc = outbox.value().step(); rc != SQLITE_DONE)
            return db.last_error(rc, kDoing, kNothingChanged);
        if (auto a = detail::append_audit(db, login, "review-reclassify", "dropoff", dropoff_uuid, payload,
                                          change.review.at);
            !a)
            return a.error();
        if (auto s = transaction.commit(kDoing, kNothingChanged); !s) return s.error();
        return change;
    });
}

StatusOr<std::vector<StaffQueueRow>> Ledger::dispatch_candidates(int limit) {
    // Each drop-off with the packs still free to send as its quantity: a partly dispatched one stays
    // in the list with what is left.
    auto candidates = DispatchBook(database(), options().kiosk_id).candidates(limit);
    if (!candidates) return candidates.error();
    std::vector<StaffQueueRow> rows;
    rows.reserve(candidates.value().size());
    for (auto& candidate : candidates.value()) {
        candidate.row.dropoff.quantity = candidate.free;
        rows.push_back(std::move(candidate.row));
    }
    return rows;
}

StatusOr<std::vector<std::string>> Ledger::recent_clinics(int limit) {
    return without_exceptions("reading the clinics", [&]() -> StatusOr<std::vector<std::string>> {
        if (limit < 0) return invalid("recent_clinics: limit must not be negative");
        Database& db = database();
        auto query = db.prepare(
            "SELECT clinic FROM dispatch GROUP BY clinic ORDER BY MAX(dispatched_at) DESC, clinic "
            "LIMIT ?1");
        if (!query) return query.error();
        query.value().bind_int64(1, limit);
        std::vector<std::string> clinics;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) clinics.push_back(query.value().column_text(0));
        if (rc != SQLITE_DONE) return db.last_error(rc, "reading the clinics");
        return clinics;
    });
}

StatusOr<std::vector<DropOffCount>> Ledger::dropoffs_by_day(const std::string& first_day,
                                                            const std::string& last_day) {
    return without_exceptions("counting drop-offs by day", [&]() -> StatusOr<std::vector<DropOffCount>> {
        if (!is_iso_day(first_day) || !is_iso_day(last_day) || last_day < first_day)
            return invalid("days must be YYYY-MM-DD with the first not after the last");
        Database& db = database();
        // Every day is listed, also those without drop-offs, so a chart's bars line up with the dates.
        // Counted per day over the range only (the recorded_at index), then every day listed, also
        // those without drop-offs, so a chart's bars line up with the dates.
        auto query =
            db.prepare(std::string("WITH RECURSIVE days(day) AS (SELECT ?1 UNION ALL "
                                   "SELECT date(day, '+1 day') FROM days WHERE day < ?2), "
                                   "counted AS (SELECT date(d.recorded_at, 'localtime') AS day, SUM(NOT ") +
                       kRefusedCase + ") AS accepted, SUM(" + kRefusedCase +
                       ") AS refused FROM dropoff d WHERE d.recorded_at >= date(?1, '-1 day') "
                       "AND d.recorded_at < date(?2, '+2 days') GROUP BY 1) "
                       "SELECT days.day, COALESCE(counted.accepted, 0), COALESCE(counted.refused, 0) "
                       "FROM days LEFT JOIN counted ON counted.day = days.day ORDER BY days.day");
        if (!query) return query.error();
        query.value().bind_text(1, first_day);
        query.value().bind_text(2, last_day);
        std::vector<DropOffCount> counts;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            counts.push_back(
                {query.value().column_text(0), query.value().column_int64(1), query.value().column_int64(2)});
        }
        if (rc != SQLITE_DONE) return db.last_error(rc, "counting drop-offs by day");
        return counts;
    });
}

StatusOr<std::vector<DropOffCount>> Ledger::dropoffs_by_category(const std::string& since_local_date) {
    return without_exceptions("counting drop-offs by category", [&]() -> StatusOr<std::vector<DropOffCount>> {
        if (!since_local_date.empty() && !is_iso_day(since_local_date))
            return invalid("the date must be YYYY-MM-DD, got \"" + since_local_date + "\"");
        Database& db = database();
        auto query = db.prepare(std::string("SELECT COALESCE(d.category, ''), SUM(NOT ") + kRefusedCase +
                                "), SUM(" + kRefusedCase +
                                ") FROM dropoff d WHERE (?1 = '' OR (d.recorded_at >= date(?1, '-1 day') AND "
                                "date(d.recorded_at, 'localtime') >= ?1)) "
                                "GROUP BY COALESCE(d.category, '') ORDER BY COUNT(*) DESC, 1");
        if (!query) return query.error();
        query.value().bind_text(1, since_local_date);
        std::vector<DropOffCount> counts;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            counts.push_back(
                {query.value().column_text(0), query.value().column_int64(1), query.value().column_int64(2)});
        }
        if (rc != SQLITE_DONE) return db.last_error(rc, "counting drop-offs by category");
        return counts;
    });
}

}  // namespace medkiosk::storage
