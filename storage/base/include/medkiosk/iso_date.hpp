#pragma once
// The one check of a calendar day written "YYYY-MM-DD" (ISO 8601), shared by every library: a drive's
// dates, the staff screens' day filters, a drop-off's expiry, the CLI's --from/--to. Header-only.

#include <optional>
#include <string_view>

namespace medkiosk {

struct CalendarDay {
    int year = 0;
    int month = 0;
    int day = 0;
};

// 28 to 31; 0 for a month outside 1..12.
inline int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// Exactly "YYYY-MM-DD" naming a day that exists. `allow_day_zero` also takes day 00, which GS1 writes
// for "the end of the month" (a month-precision expiry).
inline std::optional<CalendarDay> parse_iso_day(std::string_view text, bool allow_day_zero = false) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int fields[3] = {0, 0, 0};
    const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int f = 0; f < 3; ++f) {
        for (int i = starts[f]; i < starts[f] + lengths[f]; ++i) {
            const char c = text[static_cast<std::size_t>(i)];
            if (c < '0' || c > '9') return std::nullopt;
            fields[f] = fields[f] * 10 + (c - '0');
        }
    }
    const CalendarDay day{fields[0], fields[1], fields[2]};
    if (day.month < 1 || day.month > 12) return std::nullopt;
    if (day.day == 0) return allow_day_zero ? std::optional<CalendarDay>(day) : std::nullopt;
    if (day.day > days_in_month(day.year, day.month)) return std::nullopt;
    return day;
}

inline bool is_iso_date(std::string_view text) {
    return parse_iso_day(text).has_value();
}

}  // namespace medkiosk
