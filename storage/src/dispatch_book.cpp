#include "medkiosk/storage/dispatch_book.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "audit.hpp"
#include "clinic_rows.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "medkiosk/storage/kiosk_key.hpp"
#include "sqlite_db.hpp"
#include "staff_rows.hpp"

namespace medkiosk::storage {
namespace {

using detail::Database;
using detail::invalid;
using detail::Statement;
using detail::StatementScope;
using detail::without_exceptions;
using detail::WriteTransaction;

constexpr const char* kNothingDispatched = "nothing was dispatched";
using detail::json_text;

// What each open order still holds of each drop-off: ordered − sent for that order, for orders the
// bureau has not cancelled and no dispatch of ours has closed. `?1` leaves one order out ("" none).
constexpr const char* kHeldForOrders = R"sql(
    WITH ordered AS (
        SELECT o.key AS order_uuid, json_extract(i.value, '$.dropoff_uuid') AS dropoff_uuid,
               json_extract(i.value, '$.quantity') AS quantity
        FROM hub_order o, json_each(o.body, '$.items') i WHERE o.deleted = 0
    ), sent AS (
        SELECT d.order_uuid, i.dropoff_uuid, sum(i.quantity) AS quantity
        FROM dispatch d JOIN dispatch_item i ON i.dispatch_id = d.id
        WHERE d.order_uuid IS NOT NULL GROUP BY 1, 2
    ), closed AS (
        SELECT DISTINCT order_uuid FROM dispatch WHERE closes_order = 1 AND order_uuid IS NOT NULL
    ), held AS (
        SELECT o.dropoff_uuid, sum(max(o.quantity - coalesce(s.quantity, 0), 0)) AS quantity
        FROM ordered o LEFT JOIN sent s ON s.order_uuid = o.order_uuid AND s.dropoff_uuid = o.dropoff_uuid
        WHERE o.order_uuid NOT IN (SELECT order_uuid FROM closed) AND o.order_uuid <> ?1
        GROUP BY 1
    ), dispatched AS (
        SELECT dropoff_uuid, sum(quantity) AS quantity FROM dispatch_item GROUP BY 1
    )
)sql";

// Names compared without case, spaces or punctuation (as the hub's hub.clinic_name_key).
std::string name_key(const std::string& name) {
    std::string key;
    for (unsigned char c : name) {
        if (c < 0x80 && !std::isalnum(c)) continue;
        key += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
    }
    return key;
}

}  // namespace

int DispatchOrder::ordered() const {
    int total = 0;
    for (const auto& item : items) total += item.ordered;
    return total;
}

int DispatchOrder::sent() const {
    int total = 0;
    for (const auto& item : items) total += item.sent;
    return total;
}

struct DispatchBook::Impl {
    std::unique_ptr<Ledger> owned;  // when opened by DispatchBook::open
    Database* db = nullptr;
    std::string kiosk_id;
    std::filesystem::path signing_key_file;  // the kiosk's key, which signs every manifest

    Result<std::vector<ClinicChoice>> clinics() { return detail::read_clinic_rows(*db, false); }

    Result<std::optional<ClinicChoice>> clinic(const std::string& clinic_id) {
        if (clinic_id.empty()) return std::optional<ClinicChoice>();
        auto found = detail::read_clinic_rows(*db, false, clinic_id);
        if (!found) return found.error();
        if (found.value().empty()) return std::optional<ClinicChoice>();
        return std::optional<ClinicChoice>(found.value().front());
    }

    // The one clinic whose id or name has the same key as a typed name, or nullopt.
    Result<std::optional<ClinicChoice>> match(const std::string& typed) {
        auto list = clinics();
        if (!list) return list.error();
        std::optional<ClinicChoice> found;
        const std::string key = name_key(typed);
        int matches = 0;
        for (const auto& c : list.value()) {
            if (!key.empty() &&
                (key == name_key(c.clinic_id) || key == name_key(c.name_zh) || key == name_key(c.name_en))) {
                found = c;
                ++matches;
            }
        }
        if (matches != 1) found.reset();
        return found;
    }

    // Held for open orders (leaving out `except_order`), and already dispatched, per drop-off.
    Result<std::pair<int, int>> held_and_dispatched(const std::string& dropoff_uuid,
                                                    const std::string& except_order) {
        auto query = db->prepare(std::string(kHeldForOrders) +
                                 "SELECT coalesce((SELECT quantity FROM held WHERE dropoff_uuid = ?2), 0), "
                                 "coalesce((SELECT quantity FROM dispatched WHERE dropoff_uuid = ?2), 0)");
        if (!query) return query.error();
        query.value().bind_text(1, except_order);
        query.value().bind_text(2, dropoff_uuid);
        const int rc = query.value().step();
        if (rc != SQLITE_ROW) return db->last_error(rc, "counting what is held for orders");
        return std::pair<int, int>{static_cast<int>(query.value().column_int64(0)),
                                   static_cast<int>(query.value().column_int64(1))};
    }

    Result<std::vector<DispatchOrder>> orders(bool include_finished) {
        auto query = db->prepare("SELECT key, body FROM hub_order WHERE deleted = 0 ORDER BY change_seq");
        if (!query) return query.error();
        std::vector<DispatchOrder> orders;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            const auto body = nlohmann::json::parse(query.value().column_text(1), nullptr, false);
            if (!body.is_object()) continue;  // a feed row we cannot read helps nobody
            DispatchOrder order;
            order.order_uuid = query.value().column_text(0);
            order.clinic_id = body.value("clinic_id", "");
            order.request_id = body.value("request_id", std::int64_t{0});
            order.category = body.value("category", "");
            order.needed_by = body.value("needed_by", "");
            order.created_at = body.value("created_at", "");
            if (body.contains("items") && body["items"].is_array()) {
                for (const auto& item : body["items"]) {
                    if (!item.is_object()) continue;
                    order.items.push_back(
                        {item.value("dropoff_uuid", ""), item.value("quantity", 0), 0, 0, std::nullopt});
                }
            }
            orders.push_back(std::move(order));
        }
        if (rc != SQLITE_DONE) return db->last_error(rc, "reading the orders");

        auto sent = db->prepare(
            "SELECT coalesce(sum(i.quantity), 0), coalesce(max(d.closes_order), 0) FROM dispatch d "
            "JOIN dispatch_item i ON i.dispatch_id = d.id WHERE d.order_uuid = ?1 AND i.dropoff_uuid = ?2");
        auto closed = db->prepare("SELECT count(*) FROM dispatch WHERE order_uuid = ?1 AND closes_order = 1");
        auto pack = db->prepare("SELECT " + detail::dropoff_columns_as_d() + ", c.name_zh, c.name_en" +
                                detail::kJoinCatalogue + "WHERE d.uuid = ?1");
        if (!sent) return sent.error();
        if (!closed) return closed.error();
        if (!pack) return pack.error();
        std::vector<DispatchOrder> shown;
        for (auto& order : orders) {
            {
                StatementScope scope(closed.value());
                closed.value().bind_text(1, order.order_uuid);
                if (const int step = closed.value().step(); step != SQLITE_ROW)
                    return db->last_error(step, "reading the orders");
                order.closed = closed.value().column_int64(0) > 0;
            }
            for (auto& item : order.items) {
                {
                    StatementScope scope(sent.value());
                    sent.value().bind_text(1, order.order_uuid);
                    sent.value().bind_text(2, item.dropoff_uuid);
                    if (const int step = sent.value().step(); step != SQLITE_ROW)
                        return db->last_error(step, "reading the orders");
                    item.sent = static_cast<int>(sent.value().column_int64(0));
                }
                {
                    StatementScope scope(pack.value());
                    pack.value().bind_text(1, item.dropoff_uuid);
                    auto rows = detail::read_all(*db, pack.value(), "reading an order's packs",
                                                 detail::read_staff_row);
                    if (!rows) return rows.error();
                    if (!rows.value().empty()) item.dropoff = rows.value().front();
                }
                if (item.dropoff) {
                    auto counts = held_and_dispatched(item.dropoff_uuid, order.order_uuid);
                    if (!counts) return counts.error();
                    const auto [held_elsewhere, dispatched] = counts.value();
                    const auto& d = item.dropoff->dropoff;
                    const bool sendable = d.review_state == "approved" ||
                                          (d.review_state == "pending" && d.decision == "accept");
                    const int here = sendable ? std::max(0, d.quantity - dispatched - held_elsewhere) : 0;
                    item.available = std::min(here, std::max(0, item.ordered - item.sent));
                }
            }
            const bool finished = order.closed || order.sent() >= order.ordered();
            if (include_finished || !finished) shown.push_back(std::move(order));
        }
        return shown;
    }

    Result<std::vector<DispatchCandidate>> candidates(int limit) {
        if (limit < 0) return invalid("dispatch candidates: limit must not be negative");
        auto query = db->prepare(std::string(kHeldForOrders) + "SELECT " + detail::dropoff_columns_as_d() +
                                 ", c.name_zh, c.name_en, coalesce(x.quantity, 0), coalesce(h.quantity, 0)" +
                                 detail::kJoinCatalogue +
                                 "LEFT JOIN dispatched x ON x.dropoff_uuid = d.uuid "
                                 "LEFT JOIN held h ON h.dropoff_uuid = d.uuid "
                                 "WHERE (d.review_state = 'approved' OR (d.review_state = 'pending' AND "
                                 "d.decision = 'accept')) AND d.quantity - coalesce(x.quantity, 0) - "
                                 "coalesce(h.quantity, 0) > 0 "
                                 "ORDER BY COALESCE(d.expiry, '') = '', d.expiry, d.sequence LIMIT ?2");
        if (!query) return query.error();
        query.value().bind_text(1, "");
        query.value().bind_int64(2, limit);
        std::vector<DispatchCandidate> candidates;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            DispatchCandidate candidate;
            candidate.row.dropoff = detail::read_dropoff_row(query.value());
            candidate.row.name_zh = query.value().column_text(detail::kDropoffColumnCount);
            candidate.row.name_en = query.value().column_text(detail::kDropoffColumnCount + 1);
            candidate.dispatched =
                static_cast<int>(query.value().column_int64(detail::kDropoffColumnCount + 2));
            candidate.held_for_orders =
                static_cast<int>(query.value().column_int64(detail::kDropoffColumnCount + 3));
            candidate.free =
                candidate.row.dropoff.quantity - candidate.dispatched - candidate.held_for_orders;
            candidates.push_back(std::move(candidate));
        }
        if (rc != SQLITE_DONE) return db->last_error(rc, "reading the packs free to dispatch");
        return candidates;
    }

    Result<DispatchRecord> record(const DispatchRequest& request) {
        constexpr std::string_view kDoing = "recording a dispatch";
        if (request.items.empty()) return invalid("a dispatch needs at least one pack");
        std::set<std::string> seen;
        for (const auto& item : request.items) {
            if (item.quantity <= 0)
                return invalid("a dispatch's quantity is at least 1 — " + std::string(kNothingDispatched));
            if (!seen.insert(item.dropoff_uuid).second)
                return invalid("drop-off " + item.dropoff_uuid + " is listed twice — " + kNothingDispatched);
        }
        WriteTransaction transaction(*db);
        if (auto s = transaction.begin(kDoing, kNothingDispatched); !s) return s.error();
        auto login = detail::user_login(*db, request.user_id, "recording a dispatch");
        if (!login) return login.error();

        DispatchRecord record;
        record.order_uuid = request.order_uuid;
        record.closes_order = request.closes_order;
        std::map<std::string, int> order_left;  // drop-off → what the order still wants of it
        std::string clinic_id = request.clinic_id;
        if (!request.order_uuid.empty()) {
            auto open_orders = orders(true);
            if (!open_orders) return open_orders.error();
            const auto order =
                std::find_if(open_orders.value().begin(), open_orders.value().end(),
                             [&](const DispatchOrder& o) { return o.order_uuid == request.order_uuid; });
            if (order == open_orders.value().end())
                return Error{ErrorCode::NotFound,
                             "no order " + request.order_uuid +
                                 " at this collection point (cancelled by the bureau, or not "
                                 "synced yet) — " +
                                 kNothingDispatched};
            if (order->closed)
                return invalid("order " + request.order_uuid + " was closed by an earlier dispatch — " +
                               kNothingDispatched);
            if (!clinic_id.empty() && clinic_id != order->clinic_id)
                return invalid("order " + request.order_uuid + " is for clinic " + order->clinic_id +
                               ", not " + clinic_id + " — " + kNothingDispatched);
            clinic_id = order->clinic_id;
            for (const auto& item : order->items)
                order_left[item.dropoff_uuid] = std::max(0, item.ordered - item.sent);
            for (const auto& item : request.items) {
                const auto left = order_left.find(item.dropoff_uuid);
                if (left == order_left.end())
                    return invalid("drop-off " + item.dropoff_uuid + " is not on order " +
                                   request.order_uuid + " — " + kNothingDispatched);
                if (item.quantity > left->second)
                    return invalid("order " + request.order_uuid + " wants " + std::to_string(left->second) +
                                   " more of drop-off " + item.dropoff_uuid + ", not " +
                                   std::to_string(item.quantity) + " — " + kNothingDispatched);
            }
        }
        std::string clinic_name;
        if (!clinic_id.empty()) {
            auto clinic = this->clinic(clinic_id);
            if (!clinic) return clinic.error();
            if (!clinic.value())
                return Error{ErrorCode::NotFound,
                             "no clinic \"" + clinic_id +
                                 "\" in the clinic list, or it is retired (sync with the hub, or add it on "
                                 "the technician's Clinics tab) — " +
                                 kNothingDispatched};
            clinic_name = clinic.value()->name_zh;
        } else {
            if (request.clinic_name.empty() || request.clinic_name.size() > 512)
                return invalid("a dispatch needs a clinic from the list — " +
                               std::string(kNothingDispatched));
            clinic_name = request.clinic_name;
            auto matched = match(clinic_name);
            if (!matched) return matched.error();
            if (matched.value()) clinic_id = matched.value()->clinic_id;
        }
        record.clinic_id = clinic_id;

        // Each pack: accepted (the kiosk's acceptance confirmed now when asked), and enough of it free.
        struct Taken {
            DispatchItem item;
            std::string product, expiry, category;
        };
        std::string collection_point = kiosk_id;  // the drop-offs say which kiosk recorded them
        std::vector<Taken> taken;
        auto load =
            db->prepare("SELECT " + detail::dropoff_columns_as_d() + ", c.name_zh, c.name_en, c.category" +
                        detail::kJoinCatalogue + "WHERE d.uuid = ?1");
        auto mark = db->prepare("UPDATE dropoff SET review_state = 'dispatched' WHERE uuid = ?1");
        if (!load) return load.error();
        if (!mark) return mark.error();
        for (const auto& item : request.items) {
            DropOffRecord dropoff;
            std::string catalogue_category;
            {
                StatementScope scope(load.value());
                load.value().bind_text(1, item.dropoff_uuid);
                const int rc = load.value().step();
                if (rc == SQLITE_DONE)
                    return Error{ErrorCode::NotFound,
                                 "no drop-off " + item.dropoff_uuid + " — " + kNothingDispatched};
                if (rc != SQLITE_ROW) return db->last_error(rc, kDoing, kNothingDispatched);
                dropoff = detail::read_dropoff_row(load.value());
                catalogue_category = load.value().column_text(detail::kDropoffColumnCount + 2);
            }
            if (request.confirm_kiosk_accepted && dropoff.review_state == "pending" &&
                dropoff.decision == "accept") {
                auto confirmed = detail::write_review(*db, login.value(), item.dropoff_uuid, request.user_id,
                                                      "approve", "confirmed for dispatch", kDoing);
                if (!confirmed) return confirmed.error();
                dropoff.review_state = "approved";
            }
            if (dropoff.review_state != "approved")
                return invalid("drop-off " + item.dropoff_uuid + " is " + dropoff.review_state +
                               ", not approved by a pharmacist — " + kNothingDispatched);
            auto counts = held_and_dispatched(item.dropoff_uuid, request.order_uuid);
            if (!counts) return counts.error();
            const auto [held, dispatched] = counts.value();
            const int free = dropoff.quantity - dispatched - held;
            if (item.quantity > free) {
                return invalid("only " + std::to_string(std::max(free, 0)) + " of drop-off " +
                               item.dropoff_uuid + "'s " + std::to_string(dropoff.quantity) +
                               " pack(s) can go (" + std::to_string(dispatched) + " dispatched, " +
                               std::to_string(held) + " held for the bureau's orders) — " +
                               kNothingDispatched);
            }
            if (dispatched + item.quantity == dropoff.quantity) {
                StatementScope scope(mark.value());
                mark.value().bind_text(1, item.dropoff_uuid);
                if (const int rc = mark.value().step(); rc != SQLITE_DONE)
                    return db->last_error(rc, kDoing, kNothingDispatched);
            }
            const std::string category =
                !dropoff.category.empty()
                    ? dropoff.category
                    : (!catalogue_category.empty() ? catalogue_category : std::string("unclassified"));
            taken.push_back(
                {item, dropoff.gtin.empty() ? dropoff.product_id : dropoff.gtin, dropoff.expiry, category});
            if (!dropoff.kiosk_id.empty()) collection_point = dropoff.kiosk_id;
        }

        // The manifest: alike packs on one line, earliest expiry first, none-expiring last.
        std::map<std::tuple<bool, std::string, std::string, std::string>, int> line_of;
        for (const auto& t : taken)
            line_of.emplace(std::make_tuple(t.expiry.empty(), t.expiry, t.product, t.category), 0);
        if (line_of.size() > static_cast<std::size_t>(kMaxManifestLines))
            return invalid(
                "a dispatch holds at most " + std::to_string(kMaxManifestLines) +
                " different products and expiries (its manifest must fit one QR code); split it — " +
                kNothingDispatched);
        Manifest& manifest = record.manifest;
        int next_line = 0;
        for (auto& [key, line] : line_of) {
            line = ++next_line;
            manifest.lines.push_back({line, std::get<2>(key), std::get<1>(key), std::get<3>(key), 0});
        }
        for (const auto& t : taken)
            manifest.lines[line_of.at({t.expiry.empty(), t.expiry, t.product, t.category}) - 1].quantity +=
                t.item.quantity;

        Dispatch& dispatch = record.dispatch;
        dispatch = {detail::new_uuid_v4(), clinic_name, request.user_id, detail::utc_now_iso8601_ms(),
                    request.items};
        manifest.kiosk_id = collection_point;
        manifest.dispatch_uuid = dispatch.uuid;
        manifest.clinic_id = clinic_id.empty() ? "other" : clinic_id;
        manifest.order_uuid = request.order_uuid;
        manifest.dispatched_on = dispatch.dispatched_at.substr(0, 10);
        if (auto signed_now = sign_manifest(manifest, signing_key_file); !signed_now)
            return Error{signed_now.error().code,
                         "cannot sign the dispatch's manifest: " + signed_now.error().message + " — " +
                             kNothingDispatched};
        record.manifest_code = encode_manifest(manifest);
        if (record.manifest_code.size() > kMaxManifestBytes)
            return invalid("this dispatch's manifest is " + std::to_string(record.manifest_code.size()) +
                           " bytes, more than one QR code holds (" + std::to_string(kMaxManifestBytes) +
                           "); split it into two dispatches — " + kNothingDispatched);

        auto insert = db->prepare(
            "INSERT INTO dispatch (uuid, clinic, user_id, dispatched_at, clinic_id, order_uuid, "
            "closes_order, manifest) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!insert) return insert.error();
        insert.value().bind_text(1, dispatch.uuid);
        insert.value().bind_text(2, clinic_name);
        insert.value().bind_int64(3, request.user_id);
        insert.value().bind_text(4, dispatch.dispatched_at);
        insert.value().bind_text_or_null(5, clinic_id);
        insert.value().bind_text_or_null(6, request.order_uuid);
        insert.value().bind_int64(7, request.closes_order ? 1 : 0);
        insert.value().bind_text(8, record.manifest_code);
        if (const int rc = insert.value().step(); rc != SQLITE_DONE)
            return db->last_error(rc, kDoing, kNothingDispatched);
        const std::int64_t dispatch_id = sqlite3_last_insert_rowid(db->handle());

        auto item_insert = db->prepare(
            "INSERT INTO dispatch_item (dispatch_id, dropoff_uuid, quantity, line_no) VALUES (?1, ?2, ?3, "
            "?4)");
        auto line_insert = db->prepare(
            "INSERT INTO dispatch_line (dispatch_id, line_no, product, expiry, category, quantity) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        if (!item_insert) return item_insert.error();
        if (!line_insert) return line_insert.error();
        nlohmann::json payload_items = nlohmann::json::array(), payload_lines = nlohmann::json::array();
        for (const auto& t : taken) {
            const int line = line_of.at({t.expiry.empty(), t.expiry, t.product, t.category});
            StatementScope scope(item_insert.value());
            item_insert.value().bind_int64(1, dispatch_id);
            item_insert.value().bind_text(2, t.item.dropoff_uuid);
            item_insert.value().bind_int64(3, t.item.quantity);
            item_insert.value().bind_int64(4, line);
            if (const int rc = item_insert.value().step(); rc != SQLITE_DONE)
                return db->last_error(rc, kDoing, kNothingDispatched);
            payload_items.push_back(
                {{"dropoff_uuid", t.item.dropoff_uuid}, {"quantity", t.item.quantity}, {"line", line}});
        }
        for (const auto& line : manifest.lines) {
            StatementScope scope(line_insert.value());
            line_insert.value().bind_int64(1, dispatch_id);
            line_insert.value().bind_int64(2, line.line);
            line_insert.value().bind_text(3, line.product);
            line_insert.value().bind_text_or_null(4, line.expiry);
            line_insert.value().bind_text(5, line.category);
            line_insert.value().bind_int64(6, line.quantity);
            if (const int rc = line_insert.value().step(); rc != SQLITE_DONE)
                return db->last_error(rc, kDoing, kNothingDispatched);
            payload_lines.push_back({{"line", line.line},
                                     {"product", line.product},
                                     {"expiry", line.expiry},
                                     {"category", line.category},
                                     {"quantity", line.quantity}});
        }
        nlohmann::json payload = {{"uuid", dispatch.uuid},
                                  {"clinic", clinic_name},
                                  {"user", login.value()},
                                  {"dispatched_at", dispatch.dispatched_at},
                                  {"items", payload_items},
                                  {"lines", payload_lines},
                                  {"closes_order", request.closes_order}};
        if (!clinic_id.empty()) payload["clinic_id"] = clinic_id;
        if (!request.order_uuid.empty()) payload["order_uuid"] = request.order_uuid;
        const std::string payload_text = json_text(payload);
        if (auto s = detail::insert_outbox_row(*db, "dispatch", dispatch.uuid, payload_text,
                                               dispatch.dispatched_at, kDoing);
            !s)
            return s.error();
        if (auto a = detail::append_audit(*db, login.value(), "dispatch", "dispatch", dispatch.uuid,
                                          payload_text, dispatch.dispatched_at);
            !a)
            return a.error();
        if (auto s = transaction.commit(kDoing, kNothingDispatched); !s) return s.error();
        return record;
    }

    Result<std::vector<DispatchRecord>> read_dispatches(const std::string& where, const std::string& bound,
                                                        int limit) {
        auto query = db->prepare(
            "SELECT id, uuid, clinic, user_id, dispatched_at, coalesce(clinic_id, ''), "
            "coalesce(order_uuid, ''), closes_order, coalesce(manifest, '') FROM dispatch " +
            where + " ORDER BY id DESC LIMIT ?2");
        auto items = db->prepare(
            "SELECT dropoff_uuid, quantity FROM dispatch_item WHERE dispatch_id = ?1 ORDER BY rowid");
        if (!query) return query.error();
        if (!items) return items.error();
        query.value().bind_text(1, bound);
        query.value().bind_int64(2, limit);
        std::vector<DispatchRecord> records;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            DispatchRecord record;
            const auto& row = query.value();
            record.dispatch = {
                row.column_text(1), row.column_text(2), row.column_int64(3), row.column_text(4), {}};
            record.clinic_id = row.column_text(5);
            record.order_uuid = row.column_text(6);
            record.closes_order = row.column_int64(7) != 0;
            record.manifest_code = row.column_text(8);
            if (!record.manifest_code.empty()) {
                auto decoded = decode_manifest(record.manifest_code);
                if (decoded) record.manifest = std::move(decoded).value();
                // A dispatch recorded before manifests were signed: its packing list printed again
                // carries the signature (Ed25519 is deterministic: the same list, the same signature),
                // since a clinic that has this kiosk's key refuses an unsigned one.
                if (decoded && record.manifest.signature.empty() && !signing_key_file.empty() &&
                    sign_manifest(record.manifest, signing_key_file))
                    record.manifest_code = encode_manifest(record.manifest);
            }
            StatementScope scope(items.value());
            items.value().bind_int64(1, row.column_int64(0));
            int item_rc = SQLITE_ROW;
            while ((item_rc = items.value().step()) == SQLITE_ROW)
                record.dispatch.items.push_back(
                    {items.value().column_text(0), static_cast<int>(items.value().column_int64(1))});
            if (item_rc != SQLITE_DONE) return db->last_error(item_rc, "reading a dispatch");
            records.push_back(std::move(record));
        }
        if (rc != SQLITE_DONE) return db->last_error(rc, "reading the dispatches");
        return records;
    }

    Result<void> import_clinics(const std::vector<Clinic>& list, const std::string& actor) {
        constexpr std::string_view kDoing = "importing the clinic list";
        WriteTransaction transaction(*db);
        if (auto s = transaction.begin(kDoing, "nothing was imported"); !s) return s;
        auto upsert = db->prepare(
            "INSERT INTO hub_clinic (key, body, change_seq, deleted) VALUES (?1, ?2, 0, ?3) "
            "ON CONFLICT (key) DO UPDATE SET body = excluded.body, deleted = excluded.deleted");
        if (!upsert) return upsert.error();
        for (const auto& c : list) {
            StatementScope scope(upsert.value());
            upsert.value().bind_text(1, c.clinic_id);
            upsert.value().bind_text(2, json_text({{"clinic_id", c.clinic_id},
                                                   {"name_zh", c.name_zh},
                                                   {"name_en", c.name_en},
                                                   {"kind", c.kind},
                                                   {"township_zh", c.township_zh},
                                                   {"township_en", c.township_en}}));
            upsert.value().bind_int64(3, c.deleted ? 1 : 0);
            if (const int rc = upsert.value().step(); rc != SQLITE_DONE)
                return db->last_error(rc, kDoing, "nothing was imported");
        }
        const std::string at = detail::utc_now_iso8601_ms();
        if (auto a = detail::append_audit(*db, actor, "clinics-import", "hub_clinic", "",
                                          json_text({{"clinics", list.size()}}), at);
            !a)
            return a;
        return transaction.commit(kDoing, "nothing was imported");
    }
};

DispatchBook::DispatchBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DispatchBook::DispatchBook(detail::Database& db, std::string kiosk_id, std::filesystem::path signing_key_file)
    : impl_(std::make_unique<Impl>()) {
    impl_->db = &db;
    impl_->kiosk_id = std::move(kiosk_id);
    impl_->signing_key_file = std::move(signing_key_file);
}

DispatchBook::~DispatchBook() = default;

Result<std::unique_ptr<DispatchBook>> DispatchBook::open(const std::filesystem::path& ledger_file,
                                                         const LedgerOptions& options) {
    return without_exceptions("opening the dispatches", [&]() -> Result<std::unique_ptr<DispatchBook>> {
        // Its own Ledger connection (created or migrated by the open), as the sync worker's.
        auto ledger = Ledger::open(ledger_file, options);
        if (!ledger) return ledger.error();
        auto impl = std::make_unique<Impl>();
        impl->owned = std::move(ledger).value();
        impl->db = &detail::core_of(*impl->owned).database();
        impl->kiosk_id = options.kiosk_id;
        impl->signing_key_file = kiosk_key_file_beside(ledger_file);
        return std::unique_ptr<DispatchBook>(new DispatchBook(std::move(impl)));
    });
}

Result<std::vector<ClinicChoice>> DispatchBook::clinics() {
    return without_exceptions("reading the clinics", [&] { return impl_->clinics(); });
}

Result<void> DispatchBook::import_clinics(const std::vector<Clinic>& clinics, const std::string& actor) {
    return without_exceptions("importing the clinic list",
                              [&] { return impl_->import_clinics(clinics, actor); });
}

Result<std::vector<DispatchOrder>> DispatchBook::orders(bool include_finished) {
    return without_exceptions("reading the orders", [&] { return impl_->orders(include_finished); });
}

Result<std::vector<DispatchCandidate>> DispatchBook::candidates(int limit) {
    return without_exceptions("reading the packs free to dispatch", [&] { return impl_->candidates(limit); });
}

Result<DispatchRecord> DispatchBook::record(const DispatchRequest& request) {
    return without_exceptions("recording a dispatch", [&] { return impl_->record(request); });
}

Result<DispatchRecord> DispatchBook::find(const std::string& dispatch_uuid) {
    return without_exceptions("reading a dispatch", [&]() -> Result<DispatchRecord> {
        auto found = impl_->read_dispatches("WHERE uuid = ?1", dispatch_uuid, 1);
        if (!found) return found.error();
        if (found.value().empty())
            return Error{ErrorCode::NotFound, "no dispatch " + dispatch_uuid + " in this ledger"};
        return std::move(found.value().front());
    });
}

Result<std::vector<DispatchRecord>> DispatchBook::recent(int limit) {
    return without_exceptions("reading the dispatches",
                              [&] { return impl_->read_dispatches("WHERE ?1 = ?1", "", limit); });
}

}  // namespace medkiosk::storage
