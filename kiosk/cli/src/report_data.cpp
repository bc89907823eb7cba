#include "report_data.hpp"

#include <algorithm>

#include "medkiosk/kiosk/csv_table.hpp"

namespace medkiosk::cli::detail {
namespace {

long long number(const std::optional<std::string>& text) {
    return text ? std::stoll(*text) : 0;
}

std::string text(const storage::HubRow& row, std::size_t column) {
    return row.at(column).value_or("");
}

}  // namespace

Result<ReportData> read_report(storage::HubSession& hub, const std::string& from, const std::string& to) {
    ReportData data{from, to, {}, {}, {}};
    // Boxes (sum of quantity), not drop-offs, in every column a reader sees: a pack recorded with 2
    // boxes is 2 accepted, awaiting review or refused. decision is the final one (hub.report_dropoff).
    const std::string counts =
        "coalesce(sum(quantity) FILTER (WHERE decision = 'accept'), 0)::text, "
        "coalesce(sum(quantity) FILTER (WHERE decision = 'refuse'), 0)::text, "
        "coalesce(sum(quantity) FILTER (WHERE decision = 'review'), 0)::text, coalesce(sum(quantity), "
        "0)::text, "
        "coalesce(sum(quantity) FILTER (WHERE decision = 'accept'), 0)::text";
    const std::string range = " WHERE recorded_at >= $1::date AND recorded_at < $2::date + 1 ";
    const std::pair<const char*, const char*> sections[] = {
        {"category", "category"}, {"drop_off_point", "location"}, {"week", "week::text"}};
    for (const auto& [name, key] : sections) {
        auto rows = hub.query(std::string("SELECT ") + key + ", " + counts + " FROM hub.report_dropoff" +
                                  range + "GROUP BY 1 ORDER BY 1",
                              {from, to});
        if (!rows) return rows.error();
        DonationSection section{name, {}};
        for (const auto& row : rows.value())
            section.rows.push_back({text(row, 0), number(row[1]), number(row[2]), number(row[3]),
                                    number(row[4]), number(row[5])});
        data.donations.push_back(std::move(section));
    }

    // Per clinic; a dispatch that named no known clinic keeps the name it was typed with.
    auto dispatches = hub.query(
        "SELECT coalesce(typed_name, clinic_id), kind = 'other', max(clinic_zh), max(clinic_en), "
        "max(township_zh), "
        "max(township_en), count(*)::text, coalesce(sum(packs), 0)::text FROM hub.report_dispatch_clinic "
        "WHERE dispatched_at >= $1::date AND dispatched_at < $2::date + 1 GROUP BY 1, 2 ORDER BY 1",
        {from, to});
    if (!dispatches) return dispatches.error();
    for (const auto& row : dispatches.value()) {
        const bool other = text(row, 1) == "t";
        data.dispatches.push_back({text(row, 0), other ? text(row, 0) : text(row, 2),
                                   other ? text(row, 0) : text(row, 3), other ? "" : text(row, 4),
                                   other ? "" : text(row, 5), number(row[6]), number(row[7])});
    }

    // Flows in each week of the window and the stock at the week's end (all history up to then).
    const std::pair<const char*, const char*> use_keys[] = {
        {"clinic", "c.clinic_id AS k1, c.name_zh AS k2, c.name_en AS k3"},
        {"township", "c.township_zh AS k1, c.township_zh AS k2, c.township_en AS k3"},
        {"category", "e.category AS k1, e.category AS k2, e.category AS k3"}};
    for (const auto& [name, key] : use_keys) {
        const std::string in_week = " FILTER (WHERE day >= greatest(w.week, $1::date) AND day < w.week + 7)";
        auto rows = hub.query(
            std::string("WITH ev AS (SELECT ") + key +
                ", e.day, e.received, e.given_out, e.expired_unused, e.disposed_damaged "
                "FROM hub.clinic_stock_event e JOIN hub.report_clinic c ON c.clinic_id = e.clinic_id "
                "WHERE e.day < $2::date + 1), "
                "weeks AS (SELECT generate_series(date_trunc('week', $1::date), date_trunc('week', "
                "$2::date), "
                "interval '1 week')::date AS week) "
                "SELECT k1, k2, k3, w.week::text, coalesce(sum(received)" +
                in_week +
                ", 0)::text, "
                "coalesce(sum(given_out)" +
                in_week + ", 0)::text, coalesce(sum(expired_unused)" + in_week +
                ", 0)::text, coalesce(sum(received - given_out - expired_unused - disposed_damaged) "
                "FILTER (WHERE day < w.week + 7), 0)::text "
                "FROM ev, weeks w GROUP BY 1, 2, 3, 4 ORDER BY 1, 4",
            {from, to});
        if (!rows) return rows.error();
        UseSection section{name, {}};
        for (const auto& row : rows.value()) {
            UseCount count{text(row, 0),   text(row, 1),   text(row, 2),   text(row, 3),
                           number(row[4]), number(row[5]), number(row[6]), number(row[7])};
            if (count.received == 0 && count.given_out == 0 && count.expired_unused == 0 &&
                count.in_stock == 0)
                continue;  // nothing there yet that week
            section.rows.push_back(std::move(count));
        }
        data.use.push_back(std::move(section));
    }
    return data;
}

std::string render_report_csv(const ReportData& data) {
    using kiosk::csv_quote;
    std::string out = "section,key,accepted,refused,review,packs\n";
    for (const auto& section : data.donations) {
        for (const auto& r : section.rows) {
            out += section.key_name + ',' + csv_quote(r.key) + ',' + std::to_string(r.accepted) + ',' +
                   std::to_string(r.refused) + ',' + std::to_string(r.review) + ',' +
                   std::to_string(r.packs) + '\n';
        }
    }
    for (const auto& r : data.dispatches)
        out += "dispatch_clinic," + csv_quote(r.key) + ',' + std::to_string(r.dispatches) + ",,," +
               std::to_string(r.packs) + '\n';
    out += "\nsection,key,week,received,given_out,expired_unused,in_stock\n";
    for (const auto& section : data.use) {
        for (const auto& r : section.rows) {
            out += section.key_name + ',' + csv_quote(r.key) + ',' + r.week + ',' +
                   std::to_string(r.received) + ',' + std::to_string(r.given_out) + ',' +
                   std::to_string(r.expired_unused) + ',' + std::to_string(r.in_stock) + '\n';
        }
    }
    return out;
}

}  // namespace medkiosk::cli::detail
