#include "medkiosk/kiosk/allocation.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <unordered_map>

namespace medkiosk::kiosk {
namespace {

constexpr int kNoExpiry = std::numeric_limits<int>::max();

// One category's stock: groups of equal expiry (month or day), earliest first; in each group the
// packs of each collection point, earliest drop-off first.
struct ExpiryGroup {
    int bucket = 0;      // month index or day; kNoExpiry for packs without an expiry
    int latest_day = 0;  // the group's latest expiry day, for the margin test
    std::unordered_map<std::size_t, std::vector<std::size_t>> packs_by_point;  // point → pack indices
    std::unordered_map<std::size_t, std::size_t> next_by_point;                // first pack not used up
    long long remaining = 0;
};

struct Pack {
    const storage::StockPack* source = nullptr;
    int expiry_day = kNoExpiry;
    int left = 0;
};

}  // namespace

std::optional<int> civil_days(const std::string& iso_date) {
    if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (iso_date[i] < '0' || iso_date[i] > '9') return std::nullopt;
    const std::chrono::year_month_day date{
        std::chrono::year(std::stoi(iso_date.substr(0, 4))),
        std::chrono::month(static_cast<unsigned>(std::stoi(iso_date.substr(5, 2)))),
        std::chrono::day(static_cast<unsigned>(std::stoi(iso_date.substr(8, 2))))};
    if (!date.ok()) return std::nullopt;
    return static_cast<int>(std::chrono::sys_days(date).time_since_epoch().count());
}

int AllocationPlan::packs() const {
    int total = 0;
    for (const auto& line : lines) total += line.pack.quantity;
    return total;
}

std::vector<storage::PlannedPack> AllocationPlan::packs_to_publish() const {
    std::vector<storage::PlannedPack> packs;
    packs.reserve(lines.size());
    for (const auto& line : lines) packs.push_back(line.pack);
    return packs;
}

AllocationPlan plan_allocation(const storage::AllocationInput& input, const AllocationSettings& settings) {
    AllocationPlan plan;
    const int as_of = civil_days(input.as_of).value_or(0);

    // Collection points and clinics as small integers; distances as a table.
    std::unordered_map<std::string, std::size_t> point_index, clinic_index;
    std::vector<std::string> points;
    const auto point_of = [&](const std::string& id) {
        auto [it, added] = point_index.emplace(id, points.size());
        if (added) points.push_back(id);
        return it->second;
    };
    for (const auto& pack : input.stock) point_of(pack.kiosk_id);
    for (const auto& request : input.requests) clinic_index.emplace(request.clinic_id, clinic_index.size());
    std::map<std::pair<std::size_t, std::size_t>, double> km;  // (clinic, point) → km
    for (const auto& d : input.distances) {
        const auto clinic = clinic_index.find(d.clinic_id);
        const auto point = point_index.find(d.kiosk_id);
        if (clinic != clinic_index.end() && point != point_index.end() && d.km)
            km[{clinic->second, point->second}] = *d.km;
    }
    // Per clinic, its collection points nearest first (unknown last, then by id for a stable plan).
    std::vector<std::vector<std::size_t>> nearest(clinic_index.size());
    std::vector<std::unordered_map<std::size_t, std::optional<double>>> distance_to(clinic_index.size());
    for (std::size_t c = 0; c < nearest.size(); ++c) {
        for (std::size_t p = 0; p < points.size(); ++p) {
            nearest[c].push_back(p);
            const auto found = km.find({c, p});
            distance_to[c][p] =
                found == km.end() ? std::optional<double>() : std::optional<double>(found->second);
        }
        std::sort(nearest[c].begin(), nearest[c].end(), [&](std::size_t a, std::size_t b) {
            const auto& da = distance_to[c][a];
            const auto& db = distance_to[c][b];
            if (da.has_value() != db.has_value()) return da.has_value();
            if (da && db && *da != *db) return *da < *db;
            return points[a] < points[b];
        });
    }

    // Stock by category, then by expiry group.
    std::vector<Pack> packs;
    packs.reserve(input.stock.size());
    for (const auto& source : input.stock) {
        if (source.available <= 0) continue;
        int day = kNoExpiry;
        if (!source.expiry.empty()) {
            const auto parsed = civil_days(source.expiry);
            if (!parsed) continue;  // the hub stores dates; a bad one is no stock to plan with
            day = *parsed;
        }
        packs.push_back({&source, day, source.available});
    }
    std::sort(packs.begin(), packs.end(), [](const Pack& a, const Pack& b) {
        if (a.expiry_day != b.expiry_day) return a.expiry_day < b.expiry_day;
        if (a.source->kiosk_id != b.source->kiosk_id) return a.source->kiosk_id < b.source->kiosk_id;
        return a.source->sequence < b.source->sequence;
    });
    const auto bucket_of = [&](int day) {
        if (day == kNoExpiry || settings.fefo == FefoGranularity::Day) return day;
        const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day))};
        return static_cast<int>(date.year()) * 12 + static_cast<int>(static_cast<unsigned>(date.month())) - 1;
    };
    std::unordered_map<std::string, std::vector<ExpiryGroup>> by_category;
    for (std::size_t i = 0; i < packs.size(); ++i) {
        auto& groups = by_category[packs[i].source->category];
        const int bucket = bucket_of(packs[i].expiry_day);
        if (groups.empty() || groups.back().bucket != bucket)
            groups.push_back({bucket, packs[i].expiry_day, {}, {}, 0});
        auto& group = groups.back();
        group.latest_day = std::max(group.latest_day, packs[i].expiry_day);
        group.packs_by_point[point_index.at(packs[i].source->kiosk_id)].push_back(i);
        group.remaining += packs[i].left;
    }

    // Requests, most urgent first.
    std::vector<const storage::OpenRequest*> requests;
    for (const auto& request : input.requests)
        if (request.outstanding > 0 && civil_days(request.needed_by)) requests.push_back(&request);
    std::sort(requests.begin(), requests.end(), [](const auto* a, const auto* b) {
        if (a->needed_by != b->needed_by) return a->needed_by < b->needed_by;
        return a->request_id < b->request_id;
    });

    for (const auto* request : requests) {
        RequestOutcome outcome{request->request_id, request->clinic_id,   request->category,
                               request->needed_by,  request->outstanding, 0};
        const long long usable_from =
            static_cast<long long>(std::max(*civil_days(request->needed_by), as_of)) + settings.margin_days;
        const std::size_t clinic = clinic_index.at(request->clinic_id);
        auto found = by_category.find(request->category);
        int wanted = request->outstanding;
        if (found != by_category.end()) {
            auto& groups = found->second;
            // Skip the groups that expire too early as a whole; a month group straddling the limit is
            // entered, and its packs are tested one by one.
            auto group =
                std::lower_bound(groups.begin(), groups.end(), usable_from,
                                 [](const ExpiryGroup& g, long long day) { return g.latest_day < day; });
            for (; group != groups.end() && wanted > 0; ++group) {
                if (group->remaining == 0) continue;
                for (const std::size_t point : nearest[clinic]) {
                    if (wanted == 0) break;
                    auto listed = group->packs_by_point.find(point);
                    if (listed == group->packs_by_point.end()) continue;
                    auto& next = group->next_by_point[point];
                    // Packs are in expiry order within the group; too-early ones are passed over for
                    // this request only (a less urgent request with a later date may not use them
                    // either, but one with an earlier date already had its turn).
                    for (std::size_t k = next; k < listed->second.size() && wanted > 0; ++k) {
                        Pack& pack = packs[listed->second[k]];
                        if (pack.left == 0) {
                            if (k == next) ++next;
                            continue;
                        }
                        if (pack.expiry_day != kNoExpiry && pack.expiry_day < usable_from) continue;
                        const int take = std::min(pack.left, wanted);
                        pack.left -= take;
                        wanted -= take;
                        group->remaining -= take;
                        if (pack.left == 0 && k == next) ++next;
                        plan.lines.push_back(
                            {{request->request_id, pack.source->kiosk_id, pack.source->dropoff_uuid, take},
                             request->clinic_id,
                             request->category,
                             pack.source->expiry,
                             distance_to[clinic][point]});
                    }
                }
            }
        }
        outcome.allocated = request->outstanding - wanted;
        plan.requests.push_back(std::move(outcome));
    }
    return plan;
}

}  // namespace medkiosk::kiosk
