#pragma once
// The bureau's allocation plan: which packs of the county's stock go to which clinic's request, and
// from which collection point. A plain function over what the hub holds (storage/county.hpp), so it
// is tested and timed without a database; the hub checks the plan again when it is published.
//
// Rules, in order:
//  1. Requests are served by date needed (then by request id): the most urgent first.
//  2. A pack serves a request only in the request's category, and only when it is still usable long
//     enough: expiry >= max(needed_by, as_of) + margin_days. Packs without an expiry (devices) always.
//  3. Earliest expiry first (FEFO). Expiries are compared by month by default — most packs print only
//     a month, and a day's difference should not send a van across the county — or by day.
//  4. Among packs of the same expiry month (or day), the nearest collection point to the clinic first
//     (road distance, else straight line; unknown distances last), then the earliest drop-off.
//  5. A pack's quantity may be split between requests; a pack is never given out twice.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/storage/county.hpp"

namespace medkiosk::kiosk {

enum class FefoGranularity { Month, Day };

struct AllocationSettings {
    int margin_days = 30;  // a pack must stay usable this long after it is needed
    FefoGranularity fefo = FefoGranularity::Month;
};

struct PlanLine {
    storage::PlannedPack pack;
    std::string clinic_id;
    std::string category;
    std::string expiry;        // "" none
    std::optional<double> km;  // collection point to clinic
};

struct RequestOutcome {
    std::int64_t request_id = 0;
    std::string clinic_id;
    std::string category;
    std::string needed_by;
    int wanted = 0;     // outstanding before this plan
    int allocated = 0;  // by this plan
};

struct AllocationPlan {
    std::vector<PlanLine> lines;           // by request, then in the order the packs were taken
    std::vector<RequestOutcome> requests;  // every open request, in the order they were served
    int packs() const;
    std::vector<storage::PlannedPack> packs_to_publish() const;
};

// Input dates are YYYY-MM-DD; a request or pack with a date that does not parse is left out.
AllocationPlan plan_allocation(const storage::AllocationInput& input, const AllocationSettings& settings);

// Days since 1970-01-01 of a YYYY-MM-DD date, or nullopt.
std::optional<int> civil_days(const std::string& iso_date);

}  // namespace medkiosk::kiosk
