#include "medkiosk/kiosk/policy.hpp"

namespace medkiosk::kiosk {
namespace {

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
int days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

}  // namespace

std::string_view to_string(Decision decision) {
    switch (decision) {
        case Decision::Accept: return "accept";
        case Decision::Refuse: return "refuse";
        case Decision::Review: return "review";
    }
    return "review";
}

int days_between(const scanner::Date& from, const scanner::Date& to) {
    return days_from_civil(to.year, to.month, to.day) - days_from_civil(from.year, from.month, from.day);
}

Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules) {
    if (!pack.expiry) {
        // Trace codes and EAN-13 carry no date; never assume one. A pharmacist checks the box.
        return {Decision::Review, "no-expiry", "result.no_expiry"};
    }
    const int days_left = days_between(today, *pack.expiry);
    if (days_left < 0) return {Decision::Refuse, "expired", "result.expired"};
    if (days_left < rules.minimum_shelf_life_days) {
        return {Decision::Refuse, "short-shelf-life", "result.short_shelf_life"};
    }
    return {Decision::Accept, "ok", "result.accepted"};
}

}  // namespace medkiosk::kiosk
