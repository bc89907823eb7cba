#pragma once
// The bureau's CSV files for the hub (read with csv_table.hpp; every problem has its line and
// column; a file with any problem is refused whole):
//
// clinics:   clinic_id (a-z, 0-9, _ or -, up to 40), name_zh, name_en, kind (township-health-centre
//            or village-clinic; 乡镇卫生院 / 村卫生室 too), township_zh, township_en     required
//            latitude, longitude (decimal degrees, both or neither), retired (1/0)        optional
// requests:  clinic_id, category, quantity (1-100000), needed_by (YYYY-MM-DD)               required
//            note (up to 500 bytes)                                                       optional
// distances: kiosk_id, clinic_id, km (road distance, 0-10000)                              required

#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/kiosk/csv_table.hpp"
#include "medkiosk/storage/county.hpp"

namespace medkiosk::kiosk {

template <typename T>
struct CsvParse {
    std::vector<T> rows;
    std::vector<CsvProblem> problems;  // empty: every row is good (rows is empty otherwise)
    bool ok() const { return problems.empty(); }
};

CsvParse<storage::Clinic> parse_clinics_csv(std::string_view text);
// `today` (YYYY-MM-DD, the local day): needed_by must lie from today to kMaxNeededByYears after it;
// empty: the dates' form only.
CsvParse<storage::ClinicRequestInput> parse_requests_csv(std::string_view text,
                                                         const std::string& today = {});
CsvParse<storage::RoadDistance> parse_distances_csv(std::string_view text);

// The checks every request gets, typed on the command line or read from a CSV: problems on the
// request's line, by column name.
// request's line, by column name. `today` as for parse_requests_csv.
std::vector<CsvProblem> check_request(const storage::ClinicRequestInput& request,
                                      const std::string& today = {});
// Two years (to the same day; 28 February from a 29th): a request needed later is a mistyped year
// (9999-12-31), not a plan. The hub refuses the same (deploy/hub/05_allocation.sql, hub.import_requests).
inline constexpr int kMaxNeededByYears = 2;
// A clinic kind as stored, from the names people write; "" when it is none of them.
std::string clinic_kind(const std::string& text);

}  // namespace medkiosk::kiosk
