#include <chrono>
#include <cstdio>
#include <ctime>

#include "medkiosk/scanner/calendar.hpp"
#include "parse_internal.hpp"

namespace medkiosk::scanner {

namespace detail {

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

int expand_gs1_year(int two_digit_year, const Date& today) {
    const int current_century = today.year / 100;
    const int difference = two_digit_year - today.year % 100;
    int century = current_century;
    if (difference >= 51 && difference <= 99) century = current_century - 1;
    if (difference >= -99 && difference <= -50) century = current_century + 1;
    return century * 100 + two_digit_year;
}

std::optional<ShortDate> parse_yymmdd(std::string_view six_digits, const Date& today, bool allow_day_zero) {
    if (six_digits.size() != 6 || !all_digits(six_digits)) return std::nullopt;
    auto two = [&](std::size_t at) { return (six_digits[at] - '0') * 10 + (six_digits[at + 1] - '0'); };
    const int year = expand_gs1_year(two(0), today);
    const int month = two(2);
    const int day = two(4);
    if (month < 1 || month > 12) return std::nullopt;
    if (day == 0) {
        if (!allow_day_zero) return std::nullopt;
        return ShortDate{last_day_of_month(year, month), ExpiryPrecision::Month};
    }
    if (day > days_in_month(year, month)) return std::nullopt;
    return ShortDate{Date{year, month, day}, ExpiryPrecision::Day};
}

}  // namespace detail

Date last_day_of_month(int year, int month) {
    return Date{year, month, detail::days_in_month(year, month)};
}

WallClock system_wall_clock() {
    return [] { return std::chrono::system_clock::now(); };
}

Date local_day(std::chrono::system_clock::time_point at) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
    std::tm local{};
    localtime_r(&seconds, &local);
    return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

Date local_today(const WallClock& clock) {
    return local_day(clock());
}

Date local_today() {
    return local_day(std::chrono::system_clock::now());
}

std::string to_iso(const Date& date) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer;
}

std::optional<Date> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const std::string_view year = text.substr(0, 4), month = text.substr(5, 2), day = text.substr(8, 2);
    if (!detail::all_digits(year) || !detail::all_digits(month) || !detail::all_digits(day))
        return std::nullopt;
    const Date date{std::stoi(std::string(year)), std::stoi(std::string(month)), std::stoi(std::string(day))};
    if (date.month < 1 || date.month > 12 || date.day < 1 ||
        date.day > detail::days_in_month(date.year, date.month))
        return std::nullopt;
    return date;
}

}  // namespace medkiosk::scanner
