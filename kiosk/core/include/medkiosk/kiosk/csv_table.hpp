#pragma once
// CSV files the bureau and technicians hand to medkiosk (catalogue, clinics, requests, distances):
// UTF-8, comma-separated, RFC 4180 quoting (a quoted field may hold commas, doubled quotes and line
// breaks), an optional BOM, and a header row naming the columns in any order. Every problem is
// reported with its line and column, so a bad file is refused with reasons a person can fix.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace medkiosk::kiosk {

struct CsvProblem {
    int line = 0;        // 1-based line in the file where the row starts
    std::string column;  // the column's name, or "" for the whole row
    std::string why;
    int column_number = 0;  // 1-based position of the column in the header; 0 for the whole row
};
// "LINE:COLUMN: NAME: WHY" (or "LINE: WHY" for a whole row), after `file` and a colon when given.
std::string describe(const CsvProblem& problem, std::string_view file = {});

struct CsvRecord {
    int line = 0;
    std::vector<std::string> fields;
};

// A header-and-rows file. rows holds the data rows only; a row with the wrong number of fields is a
// problem, not a row.
struct CsvTable {
    std::map<std::string, std::size_t> position;  // column name → index in a row's fields
    std::vector<CsvRecord> rows;
    std::vector<CsvProblem> problems;
    bool header_ok = false;  // the bytes and the header are good: rows can be checked
    bool ok() const { return problems.empty(); }
    bool has(const std::string& column) const { return position.count(column) > 0; }
    // The field without surrounding blanks; "" for an optional column the file does not have.
    std::string field(const CsvRecord& row, const std::string& column) const;
    // A problem in `row`'s `column`, with the column's position.
    CsvProblem problem(const CsvRecord& row, const std::string& column, std::string why) const;
};

// Splits and checks the header: every required column present once, optional ones at most once, no
// other column. Stops before the rows (header_ok false) when the bytes are not UTF-8 or the header is
// wrong; a row of the wrong width is a problem, and the other rows are still there to check.
CsvTable read_csv_table(std::string_view text, std::span<const char* const> required,
                        std::span<const char* const> optional = {});

std::string trim_blanks(std::string text);  // spaces and tabs at both ends
bool valid_utf8(std::string_view text);
std::string csv_quote(const std::string& text);  // quoted only when it must be

}  // namespace medkiosk::kiosk
