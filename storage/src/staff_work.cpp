// What pharmacy staff do with drop-offs: reviews, re-classification and dispatches (each with its
// review or dispatch row, its outbox row and its audit row in one transaction), and the staff screens'
// queries. Filters and counts are SQL, so the staff screen's worker never loads the whole ledger.

#include "medkiosk/storage/staff_work.hpp"

#include <algorithm>
#include <iterator>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "medkiosk/iso_date.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/kiosk_key.hpp"
#include "staff_rows.hpp"

namespace medkiosk::storage {
namespace {

using namespace detail;  // the ledger's shared parts (ledger_core.hpp)

// Refused: by the kiosk, or by a pharmacist (rejected or disposed). Awaiting review: sent to a
// pharmacist who has not decided. Accepted: everything else — accepted by the kiosk (and not refused
// by a pharmacist since), or approved by a pharmacist (a pack sent to review counts once approved).
constexpr const char* kRefusedCase = "(d.decision = 'refuse' OR d.review_state IN ('rejected', 'disposed'))";
constexpr const char* kAwaitingCase = "(d.decision = 'review' AND d.review_state = 'pending')";

// The chart columns: boxes (sum of quantity), never drop-offs, per outcome.
std::string box_sums() {
    const std::string refused = kRefusedCase, awaiting = kAwaitingCase;
    return "SUM(CASE WHEN NOT " + refused + " AND NOT " + awaiting +
           " THEN d.quantity ELSE 0 END) AS accepted, SUM(CASE WHEN " + refused +
           " THEN d.quantity ELSE 0 END) AS refused, SUM(CASE WHEN " + awaiting +
           " THEN d.quantity ELSE 0 END) AS awaiting";
}

DropOffCount read_count_row(const Statement& row) {
    return {row.column_text(0), row.column_int64(1), row.column_int64(2), row.column_int64(3)};
}

}  // namespace

namespace detail {

Result<void> insert_outbox_row(Database& db, std::string_view entity, const std::string& entity_id,
                               const std::string& payload, const std::string& at, std::string_view doing) {
    auto insert =
        db.prepare("INSERT INTO outbox (entity, entity_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    insert.value().bind_text(1, entity);
    insert.value().bind_text(2, entity_id);
    insert.value().bind_text(3, payload);
    insert.value().bind_text(4, at);
    return run(db, insert.value(), doing, kNothingChanged);
}

// The login recorded for `user_id`'s actions in outbox payloads and the audit log.
Result<std::string> user_login(Database& db, std::int64_t user_id, std::string_view doing) {
    auto query = db.prepare("SELECT login FROM app_user WHERE id = ?1");
    if (!query) return query.error();
    query.value().bind_int64(1, user_id);
    auto login = read_one(db, query.value(), doing, [](const Statement& row) { return row.column_text(0); });
    if (!login) return login.error();
    if (!login.value())
        return Error{ErrorCode::NotFound,
                     "no user with id " + std::to_string(user_id) + " — " + kNothingChanged};
    return *login.value();
}

// A review inside the caller's write transaction: the drop-off's state, the review row, its outbox row
// and its audit row.
Result<ReviewAction> write_review(Database& db, const std::string& login, const std::string& dropoff_uuid,
                                  std::int64_t user_id, const std::string& action, const std::string& note,
                                  std::string_view doing) {
    static const std::pair<const char*, const char*> kStates[] = {
        {"approve", "approved"}, {"reject", "rejected"}, {"dispose", "disposed"}};
    const char* new_state = nullptr;
    for (const auto& [name, state] : kStates)
        if (action == name) new_state = state;
    if (new_state == nullptr)
        return invalid("review action must be approve, reject or dispose, got \"" + action + "\"");
    if (too_long(note)) return invalid("review note is longer than 512 bytes");
    ReviewAction review{detail::new_uuid_v4(),       dropoff_uuid, user_id, action, note,
                        detail::utc_now_iso8601_ms()};
    auto update =
        db.prepare("UPDATE dropoff SET review_state = ?2 WHERE uuid = ?1 AND review_state = 'pending'");
    if (!update) return update.error();
    update.value().bind_text(1, dropoff_uuid);
    update.value().bind_text(2, new_state);
    if (auto s = run(db, update.value(), doing, kNothingChanged); !s) return s.error();
    if (sqlite3_changes(db.handle()) == 0) {
        return Error{ErrorCode::NotFound, "drop-off " + dropoff_uuid +
                                              " does not exist or was already reviewed — " + kNothingChanged};
    }
    auto insert = db.prepare(
        "INSERT INTO review_action (uuid, dropoff_uuid, user_id, action, note, at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return insert.error();
    insert.value().bind_text(1, review.uuid);
    insert.value().bind_text(2, review.dropoff_uuid);
    insert.value().bind_int64(3, user_id);
    insert.value().bind_text(4, action);
    insert.value().bind_text_or_null(5, note);
    insert.value().bind_text(6, review.at);
    if (auto s = run(db, insert.value(), doing, kNothingChanged); !s) return s.error();
    const std::string payload = json_text({{"uuid", review.uuid},
                                           {"dropoff_uuid", dropoff_uuid},
                                           {"user", login},
                                           {"action", action},
                                           {"review_state", new_state},
                                           {"note", note},
                                           {"at", review.at}});
    if (auto s = insert_outbox_row(db, "review_action", review.uuid, payload, review.at, doing); !s)
        return s.error();
    if (auto a =
            detail::append_audit(db, login, "review-" + action, "dropoff", dropoff_uuid, payload, review.at);
        !a)
        return a.error();
    return review;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------------
// Reviews, re-classification, dispatches

Result<std::vector<DropOffRecord>> StaffWork::review_queue(int limit) {
    constexpr std::string_view kDoing = "reading the review queue";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<DropOffRecord>> {
        if (limit < 0) return invalid("review_queue: limit must not be negative");
        Database& db = core_.database();
        auto query = db.prepare(std::string("SELECT ") + kDropoffColumns +
                                " FROM dropoff WHERE review_state = 'pending' AND decision <> 'refuse' "
                                "ORDER BY sequence LIMIT ?1");
        if (!query) return query.error();
        query.value().bind_int64(1, limit);
        return read_all(db, query.value(), kDoing, detail::read_dropoff_row);
    });
}

Result<ReviewAction> StaffWork::record_review(const std::string& dropoff_uuid, std::int64_t user_id,
                                              const std::string& action, const std::string& note) {
    constexpr std::string_view kDoing = "recording a review";
    return without_exceptions(kDoing, [&]() -> Result<ReviewAction> {
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<ReviewAction> {
            auto login = user_login(db, user_id, kDoing);
            if (!login) return login.error();
            return write_review(db, login.value(), dropoff_uuid, user_id, action, note, kDoing);
        });
    });
}

Result<void> StaffWork::record_review_undone(const std::string& dropoff_uuid, std::int64_t user_id,
                                             const std::string& action) {
    constexpr std::string_view kDoing = "recording an undone review";
    return without_exceptions(kDoing, [&]() -> Result<void> {
        if (action != "reject" && action != "dispose")
            return invalid("only a refusal or a disposal can be undone, got \"" + action + "\"");
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<void> {
            auto login = user_login(db, user_id, kDoing);
            if (!login) return login.error();
            auto current = db.prepare("SELECT review_state FROM dropoff WHERE uuid = ?1");
            if (!current) return current.error();
            current.value().bind_text(1, dropoff_uuid);
            auto state = read_one(db, current.value(), kDoing,
                                  [](const Statement& row) { return row.column_text(0); });
            if (!state) return state.error();
            if (!state.value())
                return Error{ErrorCode::NotFound,
                             "drop-off " + dropoff_uuid + " does not exist — " + kNothingChanged};
            if (*state.value() != "pending")
                return invalid("drop-off " + dropoff_uuid + " is already " + *state.value() +
                               "; an undo applies only to a pending one — " + kNothingChanged);
            const std::string at = detail::utc_now_iso8601_ms();
            const std::string detail_json = json_text({{"dropoff_uuid", dropoff_uuid},
                                                       {"user", login.value()},
                                                       {"undone_action", action},
                                                       {"review_state", "pending"},
                                                       {"at", at}});
            return detail::append_audit(db, login.value(), "review-undone", "dropoff", dropoff_uuid,
                                        detail_json, at);
        });
    });
}

Result<Reclassification> StaffWork::record_reclassify(const std::string& dropoff_uuid, std::int64_t user_id,
                                                      const std::string& category, const std::string& note) {
    constexpr std::string_view kDoing = "re-classifying a drop-off";
    return without_exceptions(kDoing, [&]() -> Result<Reclassification> {
        if (category.empty())
            return invalid("choose a category to re-classify into — " + std::string(kNothingChanged));
        if (too_long(note)) return invalid("review note is longer than 512 bytes");
        Database& db = core_.database();
        return in_write_transaction(db, kDoing, kNothingChanged, [&]() -> Result<Reclassification> {
            auto known = db.prepare("SELECT 1 FROM catalogue WHERE category = ?1 LIMIT 1");
            if (!known) return known.error();
            known.value().bind_text(1, category);
            auto is_known = detail::exists(db, known.value(), kDoing);
            if (!is_known) return is_known.error();
            if (!is_known.value()) {
                return invalid("\"" + category +
                               "\" is not a category of the catalogue (import a catalogue that has it) — " +
                               kNothingChanged);
            }
            auto login = user_login(db, user_id, kDoing);
            if (!login) return login.error();

            auto current =
                db.prepare("SELECT COALESCE(category, ''), review_state FROM dropoff WHERE uuid = ?1");
            if (!current) return current.error();
            current.value().bind_text(1, dropoff_uuid);
            auto found = read_one(db, current.value(), kDoing, [](const Statement& row) {
                return std::pair{row.column_text(0), row.column_text(1)};
            });
            if (!found) return found.error();
            if (!found.value())
                return Error{ErrorCode::NotFound,
                             "drop-off " + dropoff_uuid + " does not exist — " + kNothingChanged};
            Reclassification change;
            change.from_category = found.value()->first;
            change.to_category = category;
            const std::string state = found.value()->second;
            if (state != "pending" && state != "approved") {
                return invalid("drop-off " + dropoff_uuid + " is " + state +
                               "; only pending or confirmed drop-offs can be re-classified — " +
                               kNothingChanged);
            }
            if (change.from_category == category)
                return invalid("drop-off " + dropoff_uuid + " is already in " + category + " — " +
                               kNothingChanged);

            auto update = db.prepare("UPDATE dropoff SET category = ?2 WHERE uuid = ?1");
            if (!update) return update.error();
            update.value().bind_text(1, dropoff_uuid);
            update.value().bind_text(2, category);
            if (auto s = run(db, update.value(), kDoing, kNothingChanged); !s) return s.error();

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
            if (auto s = run(db, insert.value(), kDoing, kNothingChanged); !s) return s.error();

            const std::string payload = json_text({{"uuid", change.review.uuid},
                                                   {"dropoff_uuid", dropoff_uuid},
                                                   {"user", login.value()},
                                                   {"action", "reclassify"},
                                                   {"category", category},
                                                   {"previous_category", change.from_category},
                                                   {"review_state", state},
                                                   {"note", note},
                                                   {"at", change.review.at}});
            if (auto s = insert_outbox_row(db, "review_action", change.review.uuid, payload, change.review.at,
                                           kDoing);
                !s)
                return s.error();
            if (auto a = detail::append_audit(db, login.value(), "review-reclassify", "dropoff", dropoff_uuid,
                                              payload, change.review.at);
                !a)
                return a.error();
            return change;
        });
    });
}

Result<Dispatch> StaffWork::record_dispatch(const std::string& clinic, std::int64_t user_id,
                                            const std::vector<DispatchItem>& items,
                                            bool confirm_kiosk_accepted) {
    // A typed clinic name, as before clinics were reference data: the dispatch book matches it to a
    // clinic from the hub's list when it can.
    DispatchRequest request;
    request.clinic_name = clinic;
    request.items = items;
    request.user_id = user_id;
    request.confirm_kiosk_accepted = confirm_kiosk_accepted;
    auto recorded = DispatchBook(core_.database(), core_.options.kiosk_id, kiosk_key_file_beside(core_.file))
                        .record(request);
    if (!recorded) return recorded.error();
    return std::move(recorded.value().dispatch);
}

// ---------------------------------------------------------------------------------------------------
// The staff screens' queries

Result<std::vector<StaffQueueRow>> StaffWork::queue(const StaffQueueQuery& query) {
    constexpr std::string_view kDoing = "reading the staff queue";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<StaffQueueRow>> {
        static const char* kStates[] = {"", "pending", "approved", "rejected", "disposed", "dispatched"};
        static const char* kDecisions[] = {"", "accept", "review", "refuse"};
        if (std::find(std::begin(kStates), std::end(kStates), query.review_state) == std::end(kStates))
            return invalid("unknown review state \"" + query.review_state +
                           "\" (pending, approved, rejected, disposed, dispatched or empty for any)");
        if (std::find(std::begin(kDecisions), std::end(kDecisions), query.decision) == std::end(kDecisions))
            return invalid("unknown decision \"" + query.decision +
                           "\" (accept, review, refuse or empty for any)");
        if (!query.since_local_date.empty() && !is_iso_date(query.since_local_date))
            return invalid("the date filter must be YYYY-MM-DD, got \"" + query.since_local_date + "\"");
        if (query.limit < 0) return invalid("the staff queue's limit must not be negative");

        // Every condition is always present and switched off by an empty parameter: one statement shape.
        std::string sql = "SELECT " + dropoff_columns_as_d() +
                          ", c.name_zh, c.name_en, (SELECT coalesce(sum(i.quantity), 0) FROM dispatch_item i "
                          "WHERE i.dropoff_uuid = d.uuid)" +
                          kJoinCatalogue +
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
        Database& db = core_.database();
        auto prepared = db.prepare(sql);
        if (!prepared) return prepared.error();
        Statement& s = prepared.value();
        s.bind_text(1, query.review_state);
        s.bind_text(2, query.decision);
        s.bind_text(3, query.category);
        s.bind_text(4, kNoCategory);
        s.bind_text(5, query.since_local_date);
        s.bind_int64(6, query.limit);
        return read_all(db, s, kDoing, [](const Statement& row) {
            StaffQueueRow read = read_staff_row(row);
            read.dispatched = static_cast<int>(row.column_int64(kDropoffColumnCount + 2));
            return read;
        });
    });
}

Result<std::vector<StaffQueueRow>> StaffWork::dispatch_candidates(int limit) {
    // Each drop-off with the packs still free to send as its quantity: a partly dispatched one stays
    // in the list with what is left.
    auto candidates =
        DispatchBook(core_.database(), core_.options.kiosk_id, kiosk_key_file_beside(core_.file))
            .candidates(limit);
    if (!candidates) return candidates.error();
    std::vector<StaffQueueRow> rows;
    rows.reserve(candidates.value().size());
    for (auto& candidate : candidates.value()) {
        candidate.row.dropoff.quantity = candidate.free;
        candidate.row.dispatched = candidate.dispatched;
        rows.push_back(std::move(candidate.row));
    }
    return rows;
}

Result<std::vector<std::string>> StaffWork::recent_clinics(int limit) {
    constexpr std::string_view kDoing = "reading the clinics";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<std::string>> {
        if (limit < 0) return invalid("recent_clinics: limit must not be negative");
        Database& db = core_.database();
        auto query = db.prepare(
            "SELECT clinic FROM dispatch GROUP BY clinic ORDER BY MAX(dispatched_at) DESC, clinic "
            "LIMIT ?1");
        if (!query) return query.error();
        query.value().bind_int64(1, limit);
        return read_all(db, query.value(), kDoing, [](const Statement& row) { return row.column_text(0); });
    });
}

Result<std::vector<DropOffCount>> StaffWork::dropoffs_by_day(const std::string& first_day,
                                                             const std::string& last_day) {
    constexpr std::string_view kDoing = "counting drop-offs by day";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<DropOffCount>> {
        if (!is_iso_date(first_day) || !is_iso_date(last_day) || last_day < first_day)
            return invalid("days must be YYYY-MM-DD with the first not after the last");
        Database& db = core_.database();
        // Counted per day over the range only (the recorded_at index), then every day listed, also
        // those without drop-offs, so a chart's bars line up with the dates.
        auto query =
            db.prepare(std::string("WITH RECURSIVE days(day) AS (SELECT ?1 UNION ALL "
                                   "SELECT date(day, '+1 day') FROM days WHERE day < ?2), "
                                   "counted AS (SELECT date(d.recorded_at, 'localtime') AS day, ") +
                       box_sums() +
                       " FROM dropoff d WHERE d.recorded_at >= date(?1, '-1 day') "
                       "AND d.recorded_at < date(?2, '+2 days') GROUP BY 1) "
                       "SELECT days.day, COALESCE(counted.accepted, 0), COALESCE(counted.refused, 0), "
                       "COALESCE(counted.awaiting, 0) "
                       "FROM days LEFT JOIN counted ON counted.day = days.day ORDER BY days.day");
        if (!query) return query.error();
        query.value().bind_text(1, first_day);
        query.value().bind_text(2, last_day);
        return read_all(db, query.value(), kDoing, read_count_row);
    });
}

Result<std::vector<DropOffCount>> StaffWork::dropoffs_by_category(const std::string& since_local_date) {
    constexpr std::string_view kDoing = "counting drop-offs by category";
    return without_exceptions(kDoing, [&]() -> Result<std::vector<DropOffCount>> {
        if (!since_local_date.empty() && !is_iso_date(since_local_date))
            return invalid("the date must be YYYY-MM-DD, got \"" + since_local_date + "\"");
        Database& db = core_.database();
        auto query = db.prepare("SELECT COALESCE(d.category, ''), " + box_sums() +
                                " FROM dropoff d WHERE (?1 = '' OR (d.recorded_at >= date(?1, '-1 day') AND "
                                "date(d.recorded_at, 'localtime') >= ?1)) "
                                "GROUP BY COALESCE(d.category, '') ORDER BY SUM(d.quantity) DESC, 1");
        if (!query) return query.error();
        query.value().bind_text(1, since_local_date);
        return read_all(db, query.value(), kDoing, read_count_row);
    });
}

}  // namespace medkiosk::storage
