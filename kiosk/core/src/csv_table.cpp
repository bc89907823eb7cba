#include "medkiosk/kiosk/csv_table.hpp"

#include <algorithm>

namespace medkiosk::kiosk {
namespace {

std::vector<CsvRecord> split_rows(std::string_view text, std::vector<CsvProblem>& problems) {
    std::vector<CsvRecord> rows;
    CsvRecord row;
    std::string field;
    int line = 1;
    row.line = 1;
    bool quoted = false, field_started = false, after_quote = false;
    const auto end_field = [&] {
        row.fields.push_back(std::move(field));
        field.clear();
        field_started = false;
        after_quote = false;
    };
    const auto end_row = [&] {
        end_field();
        const bool blank = row.fields.size() == 1 && row.fields[0].empty();
        if (!blank) rows.push_back(std::move(row));
        row = CsvRecord{};
        row.line = line;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            end_field();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            ++line;
            end_row();
        } else if (c == '"' && !field_started) {
            quoted = true;
            field_started = true;
        } else {
            if (after_quote) {
                problems.push_back(
                    {line, "", "text after a closing quote; double a quote inside a quoted field"});
                after_quote = false;
            }
            field += c;
            field_started = true;
        }
    }
    if (quoted) problems.push_back({row.line, "", "a quoted field is never closed"});
    if (field_started || !row.fields.empty()) end_row();
    return rows;
}

// A NUL byte is valid UTF-8 but never part of a name: C strings, SQLite's text functions and the screen
// all stop at it, so "布洛芬\0…" would show as one thing and store another. One problem per field, on the
// physical line where the NUL is, naming the column (from the header when it has one).
void report_nul_bytes(const std::vector<CsvRecord>& rows, std::vector<CsvProblem>& problems) {
    for (const CsvRecord& row : rows) {
        int line_breaks_before = 0;  // inside earlier quoted fields of this row
        for (std::size_t i = 0; i < row.fields.size(); ++i) {
            const std::string& field = row.fields[i];
            const std::size_t nul = field.find('\0');
            if (nul == std::string::npos) {
                line_breaks_before += static_cast<int>(std::count(field.begin(), field.end(), '\n'));
                continue;
            }
            const std::string header_name =
                i < rows.front().fields.size() ? trim_blanks(rows.front().fields[i]) : "";
            const std::string column =
                !header_name.empty() && header_name.find('\0') == std::string::npos && &row != &rows.front()
                    ? header_name
                    : "column " + std::to_string(i + 1);
            const int line =
                row.line + line_breaks_before +
                static_cast<int>(std::count(field.begin(), field.begin() + static_cast<long>(nul), '\n'));
            line_breaks_before += static_cast<int>(std::count(field.begin(), field.end(), '\n'));
            problems.push_back({line, column,
                                "holds a NUL byte (\\0) after " + std::to_string(nul) +
                                    " bytes; remove it (the file was likely saved as UTF-16 or damaged)",
                                static_cast<int>(i) + 1});
        }
    }
}

}  // namespace

std::string describe(const CsvProblem& problem, std::string_view file) {
    std::string text = file.empty() ? std::string() : std::string(file) + ":";
    text += std::to_string(problem.line) + ":";
    if (problem.column_number > 0) text += std::to_string(problem.column_number) + ":";
    if (!problem.column.empty()) text += " " + problem.column + ":";
    return text + " " + problem.why;
}

std::string CsvTable::field(const CsvRecord& row, const std::string& column) const {
    const auto found = position.find(column);
    if (found == position.end() || found->second >= row.fields.size()) return {};
    return trim_blanks(row.fields[found->second]);
}

CsvProblem CsvTable::problem(const CsvRecord& row, const std::string& column, std::string why) const {
    const auto found = position.find(column);
    return {row.line, column, std::move(why),
            found == position.end() ? 0 : static_cast<int>(found->second) + 1};
}

CsvTable read_csv_table(std::string_view text, std::span<const char* const> required,
                        std::span<const char* const> optional) {
    CsvTable table;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (!valid_utf8(text)) {
        // Report the first line with bad bytes: a file saved as GBK is the usual cause.
        int line = 1;
        std::size_t start = 0;
        while (start <= text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            if (!valid_utf8(text.substr(start, end - start))) break;
            start = end + 1;
            ++line;
        }
        table.problems.push_back({line, "", "is not UTF-8; save the file as UTF-8 (not GBK)"});
        return table;
    }
    auto rows = split_rows(text, table.problems);
    if (rows.empty()) {
        table.problems.push_back({1, "", "the file is empty; the first line must name the columns"});
        return table;
    }
    report_nul_bytes(rows, table.problems);
    if (!table.problems.empty()) return table;  // every later check would trip on it
    const CsvRecord& header = rows.front();
    const auto listed = [](std::span<const char* const> names, const std::string& name) {
        return std::find_if(names.begin(), names.end(), [&](const char* c) { return name == c; }) !=
               names.end();
    };
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = trim_blanks(header.fields[i]);
        const int number = static_cast<int>(i) + 1;
        if (!listed(required, name) && !listed(optional, name)) {
            table.problems.push_back({header.line, name, "unknown column", number});
        } else if (!table.position.emplace(name, i).second) {
            table.problems.push_back({header.line, name, "column appears twice", number});
        }
    }
    for (const char* column : required)
        if (table.position.count(column) == 0)
            table.problems.push_back({header.line, column, "column is missing"});
    if (!table.problems.empty()) return table;
    table.header_ok = true;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].fields.size() != header.fields.size()) {
            table.problems.push_back({rows[r].line, "",
                                      "has " + std::to_string(rows[r].fields.size()) + " fields, expected " +
                                          std::to_string(header.fields.size())});
            continue;
        }
        table.rows.push_back(std::move(rows[r]));
    }
    return table;
}

std::string trim_blanks(std::string text) {
    const auto not_space = [](unsigned char c) { return c != ' ' && c != '\t'; };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
    text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
    return text;
}

bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        if (c < 0x80)
            extra = 0;
        else if (c >= 0xC2 && c <= 0xDF)
            extra = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            extra = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            extra = 3;
        else
            return false;
        if (text.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += extra + 1;
    }
    return true;
}

std::string csv_quote(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace medkiosk::kiosk
