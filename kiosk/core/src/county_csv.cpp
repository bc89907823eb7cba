#include "medkiosk/kiosk/county_csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "medkiosk/kiosk/allocation.hpp"

namespace medkiosk::kiosk {
namespace {

constexpr std::size_t kMaxNameBytes = 200;

bool valid_id(std::string_view text) {
    if (text.empty() || text.size() > 40) return false;
    const auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return lower_or_digit(text.front()) && std::all_of(text.begin(), text.end(), [&](char c) {
               return lower_or_digit(c) || c == '_' || c == '-';
           });
}

bool valid_category(std::string_view text) {
    return !text.empty() && text.size() <= 40 && text.front() >= 'a' && text.front() <= 'z' &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

// A decimal number the whole field is, or nullopt ("1e3", "12abc" and "" are not).
std::optional<double> decimal(const std::string& text) {
    if (text.empty() || text.find_first_not_of("+-.0123456789") != std::string::npos) return std::nullopt;
    double value = 0;
    const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<int> whole_number(const std::string& text) {
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoi(text);
}

// Fills a table-located problem for each column-named problem of a row.
void add_located(const CsvTable& table, const CsvRecord& row, const std::vector<CsvProblem>& found,
                 std::vector<CsvProblem>& into) {
    for (const auto& p : found) into.push_back(table.problem(row, p.column, p.why));
}

// A duplicate key within one file is a problem on its second line.
template <typename Key>
void check_unique(std::map<Key, int>& first_line, const Key& key, const CsvTable& table, const CsvRecord& row,
                  const std::string& column, const std::string& shown, std::vector<CsvProblem>& problems) {
    if (auto [it, added] = first_line.emplace(key, row.line); !added)
        problems.push_back(
            table.problem(row, column, shown + " already appears on line " + std::to_string(it->second)));
}

}  // namespace

std::string clinic_kind(const std::string& text) {
    static const std::map<std::string, std::string> kinds = {
        {"township-health-centre", "township-health-centre"},
        {"township health centre", "township-health-centre"},
        {"乡镇卫生院", "township-health-centre"},
        {"卫生院", "township-health-centre"},
        {"village-clinic", "village-clinic"},
        {"village clinic", "village-clinic"},
        {"村卫生室", "village-clinic"},
        {"卫生室", "village-clinic"},
    };
    std::string key = text;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
    const auto found = kinds.find(key);
    return found == kinds.end() ? std::string() : found->second;
}

CsvParse<storage::Clinic> parse_clinics_csv(std::string_view text) {
    static constexpr std::array<const char*, 6> required = {"clinic_id", "name_zh",     "name_en",
                                                            "kind",      "township_zh", "township_en"};
    static constexpr std::array<const char*, 3> optional = {"latitude", "longitude", "retired"};
    CsvParse<storage::Clinic> result;
    const CsvTable table = read_csv_table(text, required, optional);
    result.problems = table.problems;
    if (!table.header_ok) return result;
    std::map<std::string, int> first_line;
    for (const auto& row : table.rows) {
        const std::size_t before = result.problems.size();
        storage::Clinic clinic;
        clinic.clinic_id = table.field(row, "clinic_id");
        if (!valid_id(clinic.clinic_id)) {
            result.problems.push_back(table.problem(
                row, "clinic_id",
                "must be 1-40 characters a-z, 0-9, _ or -, starting with a letter or digit, got \"" +
                    clinic.clinic_id + "\""));
        } else if (clinic.clinic_id == "other") {
            result.problems.push_back(table.problem(
                row, "clinic_id", "\"other\" is kept for dispatches that named no known clinic"));
        } else {
            check_unique(first_line, clinic.clinic_id, table, row, "clinic_id", clinic.clinic_id,
                         result.problems);
        }
        for (const auto& [column, target] :
             {std::pair{"name_zh", &clinic.name_zh}, std::pair{"name_en", &clinic.name_en},
              std::pair{"township_zh", &clinic.township_zh}, std::pair{"township_en", &clinic.township_en}}) {
            *target = table.field(row, column);
            if (target->empty())
                result.problems.push_back(table.problem(row, column, "is empty"));
            else if (target->size() > kMaxNameBytes)
                result.problems.push_back(table.problem(row, column, "is longer than 200 bytes"));
        }
        clinic.kind = clinic_kind(table.field(row, "kind"));
        if (clinic.kind.empty()) {
            result.problems.push_back(table.problem(
                row, "kind",
                "must be township-health-centre (乡镇卫生院) or village-clinic (村卫生室), got \"" +
                    table.field(row, "kind") + "\""));
        }
        const std::string latitude = table.field(row, "latitude"), longitude = table.field(row, "longitude");
        if (!latitude.empty() || !longitude.empty()) {
            const auto lat = decimal(latitude), lon = decimal(longitude);
            if (!lat || *lat < -90 || *lat > 90)
                result.problems.push_back(table.problem(
                    row, "latitude",
                    "must be decimal degrees from -90 to 90 (given with the longitude), got \"" + latitude +
                        "\""));
            if (!lon || *lon < -180 || *lon > 180)
                result.problems.push_back(table.problem(
                    row, "longitude",
                    "must be decimal degrees from -180 to 180 (given with the latitude), got \"" + longitude +
                        "\""));
            clinic.latitude = lat;
            clinic.longitude = lon;
        }
        const std::string retired = table.field(row, "retired");
        if (retired == "1" || retired == "yes" || retired == "true")
            clinic.deleted = true;
        else if (!retired.empty() && retired != "0" && retired != "no" && retired != "false")
            result.problems.push_back(
                table.problem(row, "retired", "must be 1/0, yes/no or true/false, got \"" + retired + "\""));
        if (result.problems.size() == before) result.rows.push_back(std::move(clinic));
    }
    if (!result.ok()) result.rows.clear();
    return result;
}

namespace {
// The last day a request may be needed by: kMaxNeededByYears after `today_days`, on the same day of
// the month (the last of February from a 29 February), as PostgreSQL adds an interval of years.
std::pair<int, std::string> latest_needed_by(int today_days) {
    using namespace std::chrono;
    year_month_day latest = year_month_day{sys_days{days{today_days}}} + years{kMaxNeededByYears};
    if (!latest.ok()) latest = latest.year() / latest.month() / last;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(latest.year()),
                  static_cast<unsigned>(latest.month()), static_cast<unsigned>(latest.day()));
    return {static_cast<int>(sys_days{latest}.time_since_epoch().count()), text};
}
}  // namespace

std::vector<CsvProblem> check_request(const storage::ClinicRequestInput& request, const std::string& today) {
    std::vector<CsvProblem> problems;
    const auto problem = [&](const char* column, std::string why) {
        problems.push_back({request.line, column, std::move(why)});
    };
    if (!valid_id(request.clinic_id))
        problem("clinic_id", "must be a clinic id (a-z, 0-9, _ or -), got \"" + request.clinic_id + "\"");
    if (!valid_category(request.category))
        problem("category", "must be a catalogue category (lower-case letters, digits, '-'), got \"" +
                                request.category + "\"");
    if (request.quantity < 1 || request.quantity > 100000)
        problem("quantity", "must be a whole number of packs from 1 to 100000");
    const auto needed_by = civil_days(request.needed_by);
    const auto today_days = civil_days(today);
    if (!needed_by) {
        problem("needed_by", "must be a date YYYY-MM-DD, got \"" + request.needed_by + "\"");
    } else if (today_days && *needed_by < *today_days) {
        problem("needed_by", request.needed_by +
                                 " is in the past: give the day the clinic needs the packs, from " + today +
                                 " on");
    } else if (today_days && *needed_by > latest_needed_by(*today_days).first) {
        problem("needed_by", request.needed_by +
                                 " is more than two years ahead: check the year; the latest is " +
                                 latest_needed_by(*today_days).second);
    }
    if (request.note.size() > 500) problem("note", "is longer than 500 bytes");
    return problems;
}

CsvParse<storage::ClinicRequestInput> parse_requests_csv(std::string_view text, const std::string& today) {
    static constexpr std::array<const char*, 4> required = {"clinic_id", "category", "quantity", "needed_by"};
    static constexpr std::array<const char*, 1> optional = {"note"};
    CsvParse<storage::ClinicRequestInput> result;
    const CsvTable table = read_csv_table(text, required, optional);
    result.problems = table.problems;
    if (!table.header_ok) return result;
    for (const auto& row : table.rows) {
        storage::ClinicRequestInput request;
        request.line = row.line;
        request.clinic_id = table.field(row, "clinic_id");
        request.category = table.field(row, "category");
        request.needed_by = table.field(row, "needed_by");
        request.note = table.field(row, "note");
        const auto quantity = whole_number(table.field(row, "quantity"));
        request.quantity = quantity.value_or(0);
        auto found = check_request(request, today);
        if (!quantity) {
            std::erase_if(found, [](const CsvProblem& p) { return p.column == "quantity"; });
            found.push_back({row.line, "quantity",
                             "must be a whole number of packs from 1 to 100000, got \"" +
                                 table.field(row, "quantity") + "\""});
        }
        add_located(table, row, found, result.problems);
        if (found.empty()) result.rows.push_back(std::move(request));
    }
    if (!result.ok()) result.rows.clear();
    return result;
}

CsvParse<storage::RoadDistance> parse_distances_csv(std::string_view text) {
    static constexpr std::array<const char*, 3> required = {"kiosk_id", "clinic_id", "km"};
    CsvParse<storage::RoadDistance> result;
    const CsvTable table = read_csv_table(text, required);
    result.problems = table.problems;
    if (!table.header_ok) return result;
    std::map<std::pair<std::string, std::string>, int> first_line;
    for (const auto& row : table.rows) {
        const std::size_t before = result.problems.size();
        storage::RoadDistance distance{row.line, table.field(row, "kiosk_id"), table.field(row, "clinic_id"),
                                       0};
        if (!valid_id(distance.kiosk_id))
            result.problems.push_back(
                table.problem(row, "kiosk_id", "must be a kiosk id, got \"" + distance.kiosk_id + "\""));
        if (!valid_id(distance.clinic_id))
            result.problems.push_back(
                table.problem(row, "clinic_id", "must be a clinic id, got \"" + distance.clinic_id + "\""));
        const auto km = decimal(table.field(row, "km"));
        if (!km || *km < 0 || *km >= 10000)
            result.problems.push_back(table.problem(
                row, "km",
                "must be a road distance in km from 0 to 10000, got \"" + table.field(row, "km") + "\""));
        else
            distance.km = *km;
        check_unique(first_line, std::pair{distance.kiosk_id, distance.clinic_id}, table, row, "clinic_id",
                     distance.kiosk_id + " to " + distance.clinic_id, result.problems);
        if (result.problems.size() == before) result.rows.push_back(std::move(distance));
    }
    if (!result.ok()) result.rows.clear();
    return result;
}

}  // namespace medkiosk::kiosk
