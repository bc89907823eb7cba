#pragma once
// The county catalogue as CSV (UTF-8, comma-separated, RFC 4180 quoting, optional BOM, header row):
//
//   product_id    GTIN-14 (check digit verified; 8/12/13 digits are padded to 14) or a trace-code
//                 product id (letters and digits, up to 32)                                 required
//   name_zh       Chinese name                                                              required
//   name_en       English name                                                              required
//   form          tablet, capsule, syrup, granules, device …                                required
//   strength      "500 mg", "0.5 g/10 ml"                                                   may be empty
//   category      fever, cough, antiviral, cold, device … (lower-case letters, digits, '-') required
//   prescription, controlled, cold_chain, injectable, device
//                 flags: 1/0, yes/no, true/false                                            required
//
// Columns may come in any order; every one must be present once. Import is all or nothing: any bad
// row and nothing is written, with every problem listed.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/kiosk/csv_table.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::kiosk {

using CatalogueProblem = CsvProblem;

struct CatalogueParse {
    std::vector<storage::CatalogueEntry> entries;
    std::vector<CatalogueProblem> problems;  // empty: every row is good
    bool ok() const { return problems.empty(); }
};

CatalogueParse parse_catalogue_csv(std::string_view text);
// The same, calling `on_progress(rows checked, rows in the file)` as it goes (on the caller's thread).
using CatalogueProgress = std::function<void(std::size_t done, std::size_t total)>;
CatalogueParse parse_catalogue_csv(std::string_view text, const CatalogueProgress& on_progress);
std::string catalogue_to_csv(const std::vector<storage::CatalogueEntry>& entries);  // same columns

}  // namespace medkiosk::kiosk
