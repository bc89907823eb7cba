// The county's side of the hub: clinics, locations, requests, allocation stock and orders, clinic
// devices. Arrays travel to the hub as one JSON parameter, so each write is one statement: all or none.

#include "medkiosk/storage/county.hpp"

#include <nlohmann/json.hpp>

namespace medkiosk::storage {
namespace {

std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string text(const HubRow& row, std::size_t column) {
    return row.at(column).value_or("");
}

int integer(const HubRow& row, std::size_t column) {
    const auto& value = row.at(column);
    return value ? std::stoi(*value) : 0;
}

std::int64_t integer64(const HubRow& row, std::size_t column) {
    const auto& value = row.at(column);
    return value ? std::stoll(*value) : 0;
}

std::optional<double> decimal(const HubRow& row, std::size_t column) {
    const auto& value = row.at(column);
    if (!value) return std::nullopt;
    return std::stod(*value);
}

Error with_context(const Error& error, const std::string& doing) {
    return Error{error.code, doing + ": " + error.message};
}

}  // namespace

Result<ClinicImport> import_clinics(HubSession& hub, const std::vector<Clinic>& clinics) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& c : clinics) {
        nlohmann::json row = {{"clinic_id", c.clinic_id},     {"name_zh", c.name_zh},
                              {"name_en", c.name_en},         {"kind", c.kind},
                              {"township_zh", c.township_zh}, {"township_en", c.township_en},
                              {"deleted", c.deleted}};
        row["latitude"] = c.latitude ? nlohmann::json(*c.latitude) : nlohmann::json();
        row["longitude"] = c.longitude ? nlohmann::json(*c.longitude) : nlohmann::json();
        rows.push_back(std::move(row));
    }
    // Only rows that change get a new change_seq, so an unchanged import sends nothing to the kiosks.
    auto written = hub.query(
        "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(clinic_id text, name_zh text, "
        "name_en text, kind text, township_zh text, township_en text, latitude double precision, "
        "longitude double precision, deleted boolean)), "
        "changed AS (INSERT INTO hub.clinic AS c (clinic_id, name_zh, name_en, kind, township_zh, "
        "township_en, "
        "latitude, longitude, deleted) SELECT * FROM input "
        "ON CONFLICT (clinic_id) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, "
        "kind = EXCLUDED.kind, township_zh = EXCLUDED.township_zh, township_en = EXCLUDED.township_en, "
        "latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, deleted = EXCLUDED.deleted "
        "WHERE (c.name_zh, c.name_en, c.kind, c.township_zh, c.township_en, c.latitude, c.longitude, "
        "c.deleted) "
        "IS DISTINCT FROM (EXCLUDED.name_zh, EXCLUDED.name_en, EXCLUDED.kind, EXCLUDED.township_zh, "
        "EXCLUDED.township_en, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.deleted) RETURNING 1) "
        "SELECT count(*) FROM changed",
        {json_text(rows)});
    if (!written) return with_context(written.error(), "importing clinics (nothing was changed)");
    ClinicImport result;
    result.written = integer64(written.value().at(0), 0);
    auto rematched = hub.query("SELECT hub.rematch_other_dispatches()");
    if (!rematched)
        return with_context(rematched.error(), "matching free-text dispatches to the new clinics");
    result.rematched = integer64(rematched.value().at(0), 0);
    return result;
}

Result<std::vector<Clinic>> list_clinics(HubSession& hub) {
    auto rows = hub.query(
        "SELECT clinic_id, name_zh, name_en, kind, township_zh, township_en, latitude::text, "
        "longitude::text, "
        "deleted::text FROM hub.clinic WHERE kind <> 'other' ORDER BY clinic_id");
    if (!rows) return with_context(rows.error(), "reading the clinics");
    std::vector<Clinic> clinics;
    for (const auto& row : rows.value()) {
        clinics.push_back({text(row, 0), text(row, 1), text(row, 2), text(row, 3), text(row, 4), text(row, 5),
                           decimal(row, 6), decimal(row, 7), text(row, 8) == "true"});
    }
    return clinics;
}

Result<void> set_collection_point_location(HubSession& hub, const std::string& kiosk_id, double latitude,
                                           double longitude) {
    auto rows = hub.query(
        "UPDATE hub.kiosk SET latitude = $2::double precision, longitude = $3::double precision "
        "WHERE kiosk_id = $1 AND mode = 'collection-point' RETURNING 1",
        {kiosk_id, std::to_string(latitude), std::to_string(longitude)});
    if (!rows) return with_context(rows.error(), "setting " + kiosk_id + "'s location");
    if (rows.value().empty())
        return Error{ErrorCode::NotFound, "no collection point \"" + kiosk_id +
                                              "\" at this hub (medkioskctl hub add-kiosk registers one)"};
    return {};
}

Result<std::int64_t> import_road_distances(HubSession& hub, const std::vector<RoadDistance>& distances) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& d : distances)
        rows.push_back(
            {{"line", d.line}, {"kiosk_id", d.kiosk_id}, {"clinic_id", d.clinic_id}, {"km", d.km}});
    // Unknown ids are named with their line before anything is written.
    auto unknown = hub.query(
        "SELECT x.line::text, CASE WHEN k.kiosk_id IS NULL THEN 'kiosk_id' ELSE 'clinic_id' END, "
        "CASE WHEN k.kiosk_id IS NULL THEN x.kiosk_id ELSE x.clinic_id END "
        "FROM jsonb_to_recordset($1::jsonb) AS x(line integer, kiosk_id text, clinic_id text, km numeric) "
        "LEFT JOIN hub.kiosk k ON k.kiosk_id = x.kiosk_id AND k.mode = 'collection-point' "
        "LEFT JOIN hub.clinic c ON c.clinic_id = x.clinic_id AND c.kind <> 'other' "
        "WHERE k.kiosk_id IS NULL OR c.clinic_id IS NULL ORDER BY x.line LIMIT 1",
        {json_text(rows)});
    if (!unknown) return with_context(unknown.error(), "checking the distances");
    if (!unknown.value().empty()) {
        const auto& row = unknown.value().front();
        return Error{ErrorCode::Invalid, "line " + text(row, 0) + ", column " + text(row, 1) + ": \"" +
                                             text(row, 2) + "\" is not a " +
                                             (text(row, 1) == "kiosk_id" ? "collection point" : "clinic") +
                                             " at this hub; nothing was imported"};
    }
    auto written = hub.query(
        "WITH input AS (SELECT kiosk_id, clinic_id, km FROM jsonb_to_recordset($1::jsonb) "
        "AS x(line integer, kiosk_id text, clinic_id text, km numeric)), "
        "w AS (INSERT INTO hub.travel_distance (kiosk_id, clinic_id, km) SELECT * FROM input "
        "ON CONFLICT (kiosk_id, clinic_id) DO UPDATE SET km = EXCLUDED.km RETURNING 1) SELECT count(*) FROM "
        "w",
        {json_text(rows)});
    if (!written) return with_context(written.error(), "importing distances (nothing was changed)");
    return integer64(written.value().at(0), 0);
}

Result<std::string> add_clinic_device(HubSession& admin, const std::string& device_id,
                                      const std::string& clinic_id, const std::string& password) {
    auto role = admin.query("SELECT hub.add_clinic_device($1, $2, $3)", {device_id, clinic_id, password});
    if (!role) return with_context(role.error(), "adding clinic device " + device_id);
    return text(role.value().at(0), 0);
}

namespace {
std::string requests_json(const std::vector<ClinicRequestInput>& requests) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : requests) {
        rows.push_back({{"line", r.line},
                        {"clinic_id", r.clinic_id},
                        {"category", r.category},
                        {"quantity", r.quantity},
                        {"needed_by", r.needed_by},
                        {"note", r.note}});
    }
    return json_text(rows);
}
}  // namespace

Result<std::vector<std::int64_t>> add_requests(HubSession& hub,
                                               const std::vector<ClinicRequestInput>& requests,
                                               const std::string& source) {
    auto ids = hub.query("SELECT * FROM hub.add_requests($1::jsonb, $2)", {requests_json(requests), source});
    if (!ids) return Error{ids.error().code, ids.error().message + " — no request was stored"};
    std::vector<std::int64_t> result;
    for (const auto& row : ids.value()) result.push_back(integer64(row, 0));
    return result;
}

Result<std::vector<ImportedRequest>> import_requests(HubSession& hub,
                                                     const std::vector<ClinicRequestInput>& requests) {
    auto rows = hub.query(
        "SELECT request_id::text, already_present::text FROM hub.import_requests($1::jsonb, "
        "'csv', true)",
        {requests_json(requests)});
    if (!rows) return Error{rows.error().code, rows.error().message + " — no request was stored"};
    std::vector<ImportedRequest> result;
    for (const auto& row : rows.value()) result.push_back({integer64(row, 0), text(row, 1) == "true"});
    return result;
}

Result<std::vector<ClinicRequestStatus>> list_requests(HubSession& hub, bool include_finished) {
    auto rows = hub.query(
        std::string("SELECT request_id::text, clinic_id, category, quantity::text, needed_by::text, "
                    "coalesce(note, ''), allocated::text, sent::text, outstanding::text, state "
                    "FROM hub.request_status ") +
        (include_finished ? "" : "WHERE state NOT IN ('sent', 'cancelled') ") +
        "ORDER BY needed_by, request_id");
    if (!rows) return with_context(rows.error(), "reading the requests");
    std::vector<ClinicRequestStatus> result;
    for (const auto& row : rows.value()) {
        result.push_back({integer64(row, 0), text(row, 1), text(row, 2), integer(row, 3), text(row, 4),
                          text(row, 5), integer(row, 6), integer(row, 7), integer(row, 8), text(row, 9)});
    }
    return result;
}

Result<void> cancel_request(HubSession& hub, std::int64_t request_id) {
    auto done = hub.query("SELECT hub.cancel_request($1::bigint)", {std::to_string(request_id)});
    if (!done) return with_context(done.error(), "cancelling request " + std::to_string(request_id));
    return {};
}

Result<AllocationInput> load_allocation_input(HubSession& hub, const std::string& as_of) {
    AllocationInput input;
    auto date = hub.query("SELECT greatest(coalesce(nullif($1, '')::date, current_date), current_date)::text",
                          {as_of});
    if (!date) return with_context(date.error(), "reading the hub's date");
    input.as_of = text(date.value().at(0), 0);
    auto stock = hub.query(
        "SELECT kiosk_id, dropoff_uuid::text, sequence::text, category, coalesce(product, ''), "
        "coalesce(expiry::text, ''), available::text FROM hub.allocatable_stock WHERE available > 0");
    if (!stock) return with_context(stock.error(), "reading the county's stock");
    input.stock.reserve(stock.value().size());
    for (const auto& row : stock.value()) {
        input.stock.push_back({text(row, 0), text(row, 1), integer64(row, 2), text(row, 3), text(row, 4),
                               text(row, 5), integer(row, 6)});
    }
    // A retired clinic's requests are not served; they are read apart, for the plan to name them.
    auto requests = hub.query(
        "SELECT s.request_id::text, s.clinic_id, s.category, s.needed_by::text, s.outstanding::text, "
        "c.deleted::text FROM hub.request_status s JOIN hub.clinic c ON c.clinic_id = s.clinic_id "
        "WHERE s.outstanding > 0 ORDER BY s.request_id");
    if (!requests) return with_context(requests.error(), "reading the requests");
    for (const auto& row : requests.value())
        (text(row, 5) == "true" ? input.retired_clinic_requests : input.requests)
            .push_back({integer64(row, 0), text(row, 1), text(row, 2), text(row, 3), integer(row, 4)});
    auto retired_orders = hub.query(
        "SELECT p.order_uuid::text, p.request_id::text, p.kiosk_id, p.clinic_id, sum(p.ordered)::text, "
        "sum(p.sent)::text FROM hub.order_progress p JOIN hub.clinic c ON c.clinic_id = p.clinic_id "
        "WHERE p.open AND c.deleted GROUP BY 1, 2, 3, 4 ORDER BY 2, 1");
    if (!retired_orders) return with_context(retired_orders.error(), "reading the orders of retired clinics");
    for (const auto& row : retired_orders.value())
        input.retired_clinic_orders.push_back(
            {text(row, 0), integer64(row, 1), text(row, 2), text(row, 3), integer(row, 4), integer(row, 5)});
    auto distances = hub.query("SELECT kiosk_id, clinic_id, km::text FROM hub.collection_clinic_distance");
    if (!distances) return with_context(distances.error(), "reading the distances");
    for (const auto& row : distances.value())
        input.distances.push_back({text(row, 0), text(row, 1), decimal(row, 2)});
    return input;
}

Result<std::vector<PublishedOrder>> publish_allocation(HubSession& hub, const std::vector<PlannedPack>& plan,
                                                       int margin_days, const std::string& as_of) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& p : plan) {
        lines.push_back({{"request_id", p.request_id},
                         {"kiosk_id", p.kiosk_id},
                         {"dropoff_uuid", p.dropoff_uuid},
                         {"quantity", p.quantity}});
    }
    auto rows = hub.query(
        "SELECT order_uuid::text, request_id::text, kiosk_id, clinic_id, packs::text "
        "FROM hub.publish_allocation($1::jsonb, $2::integer, $3::date)",
        {json_text(lines), std::to_string(margin_days), as_of});
    if (!rows) return Error{rows.error().code, rows.error().message + " — nothing was published"};
    std::vector<PublishedOrder> orders;
    for (const auto& row : rows.value())
        orders.push_back({text(row, 0), integer64(row, 1), text(row, 2), text(row, 3), integer(row, 4)});
    return orders;
}

Result<std::vector<DispatchOrderStatus>> list_orders(HubSession& hub, bool include_finished) {
    auto rows = hub.query(
        std::string("WITH o AS (SELECT o.order_uuid, o.request_id, o.kiosk_id, o.clinic_id, o.created_at, "
                    "o.cancelled_at, coalesce(sum(p.ordered), 0) AS ordered, coalesce(sum(p.sent), 0) AS "
                    "sent, bool_and(p.open) AS open FROM hub.dispatch_order o LEFT JOIN hub.order_progress "
                    "p ON p.order_uuid = o.order_uuid GROUP BY 1, 2, 3, 4, 5, 6) "
                    "SELECT order_uuid::text, request_id::text, kiosk_id, clinic_id, "
                    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ordered::text, "
                    "sent::text, CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled' "
                    "WHEN sent >= ordered THEN 'sent' WHEN NOT open THEN 'closed' ELSE 'open' END AS "
                    "state FROM o ") +
        (include_finished ? "" : "WHERE cancelled_at IS NULL AND sent < ordered AND open ") +
        "ORDER BY created_at, kiosk_id, clinic_id");
    if (!rows) return with_context(rows.error(), "reading the orders");
    std::vector<DispatchOrderStatus> orders;
    for (const auto& row : rows.value()) {
        orders.push_back({text(row, 0), integer64(row, 1), text(row, 2), text(row, 3), text(row, 4),
                          integer(row, 5), integer(row, 6), text(row, 7)});
    }
    return orders;
}

Result<void> cancel_order(HubSession& hub, const std::string& order_uuid) {
    auto done = hub.query("SELECT hub.cancel_order($1::uuid)", {order_uuid});
    if (!done) return with_context(done.error(), "cancelling order " + order_uuid);
    return {};
}

}  // namespace medkiosk::storage
