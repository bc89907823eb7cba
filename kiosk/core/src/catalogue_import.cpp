#include "medkiosk/kiosk/catalogue_import.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::kiosk {
namespace {

constexpr std::array<const char*, 11> kColumns = {"product_id", "name_zh",    "name_en",      "form",
                                                  "strength",   "category",   "prescription", "controlled",
                                                  "cold_chain", "injectable", "device"};
constexpr std::size_t kMaxFieldBytes = 200;

struct Row {
    int line = 0;
    std::vector<std::string> fields;
};

// Splits RFC 4180 CSV; a quoted field may hold commas, doubled quotes and line breaks.
std::vector<Row> split_rows(std::string_view text, std::vector<CatalogueProblem>& problems) {
    std::vector<Row> rows;
    Row row;
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
        row = Row{};
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

std::string trim(std::string text) {
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

std::optional<bool> parse_flag(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    if (text == "1" || text == "yes" || text == "true" || text == "y") return true;
    if (text == "0" || text == "no" || text == "false" || text == "n") return false;
    return std::nullopt;
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Returns the catalogue key or sets `why`.
std::string normalise_product_id(const std::string& text, std::string& why) {
    if (text.empty()) {
        why = "is empty";
        return {};
    }
    if (all_digits(text) &&
        (text.size() == 8 || text.size() == 12 || text.size() == 13 || text.size() == 14)) {
        if (!scanner::gtin_check_digit_ok(text)) {
            why = "GTIN " + text + " has a wrong check digit";
            return {};
        }
        return scanner::to_gtin14(text);
    }
    if (text.size() > 32 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c); })) {
        why =
            "must be a GTIN (8, 12, 13 or 14 digits) or a product id of up to 32 letters and digits, got \"" +
            text + "\"";
        return {};
    }
    return text;
}

bool valid_category(std::string_view text) {
    return !text.empty() && text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

// A NUL byte is valid UTF-8 but never part of a name: C strings, SQLite's text functions and the screen
// all stop at it, so "布洛芬\0…" would show as one thing and store another. One problem per field, on the
// physical line where the NUL is, naming the column (from the header when it has one).
void report_nul_bytes(const std::vector<Row>& rows, std::vector<CatalogueProblem>& problems) {
    for (const Row& row : rows) {
        int line_breaks_before = 0;  // inside earlier quoted fields of this row
        for (std::size_t i = 0; i < row.fields.size(); ++i) {
            const std::string& field = row.fields[i];
            const std::size_t nul = field.find('\0');
            if (nul == std::string::npos) {
                line_breaks_before += static_cast<int>(std::count(field.begin(), field.end(), '\n'));
                continue;
            }
            const std::string header_name =
                i < rows.front().fields.size() ? trim(rows.front().fields[i]) : "";
            const std::string column =
                !header_name.empty() && header_name.find('\0') == std::string::npos && &row != &rows.front()
                    ? header_name
                    : "column " + std::to_string(i + 1);
            const int line = row.line + line_breaks_before +
                             static_cast<int>(std::count(field.begin(), field.begin() + nul, '\n'));
            line_breaks_before += static_cast<int>(std::count(field.begin(), field.end(), '\n'));
            problems.push_back({line, column,
                                "holds a NUL byte (\\0) after " + std::to_string(nul) +
                                    " bytes; remove it (the file was likely saved as UTF-16 or damaged)"});
        }
    }
}

}  // namespace

CatalogueParse parse_catalogue_csv(std::string_view text) {
    return parse_catalogue_csv(text, nullptr);
}

CatalogueParse parse_catalogue_csv(std::string_view text, const CatalogueProgress& on_progress) {
    CatalogueParse result;
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
        result.problems.push_back({line, "", "is not UTF-8; save the file as UTF-8 (not GBK)"});
        return result;
    }
    auto rows = split_rows(text, result.problems);
    if (rows.empty()) {
        result.problems.push_back({1, "", "the file is empty; the first line must name the columns"});
        return result;
    }
    const std::size_t problems_before_nul = result.problems.size();
    report_nul_bytes(rows, result.problems);
    if (result.problems.size() > problems_before_nul) return result;  // every later check would trip on it
    std::map<std::string, std::size_t> position;
    const Row& header = rows.front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = trim(header.fields[i]);
        if (std::find_if(kColumns.begin(), kColumns.end(), [&](const char* c) { return name == c; }) ==
            kColumns.end()) {
            result.problems.push_back({header.line, name, "unknown column"});
        } else if (!position.emplace(name, i).second) {
            result.problems.push_back({header.line, name, "column appears twice"});
        }
    }
    for (const char* column : kColumns)
        if (position.count(column) == 0)
            result.problems.push_back({header.line, column, "column is missing"});
    if (!result.problems.empty()) return result;

    std::map<std::string, int> first_line_of;
    const std::size_t total = rows.size() - 1;
    // Often enough for a smooth bar, rarely enough not to slow a 100 000-row file.
    const std::size_t report_every = std::max<std::size_t>(1, total / 200);
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (on_progress && (r - 1) % report_every == 0) on_progress(r - 1, total);
        const Row& row = rows[r];
        if (row.fields.size() != header.fields.size()) {
            result.problems.push_back({row.line, "",
                                       "has " + std::to_string(row.fields.size()) + " fields, expected " +
                                           std::to_string(header.fields.size())});
            continue;
        }
        const auto field = [&](const char* column) { return trim(row.fields[position[column]]); };
        const std::size_t problems_before = result.problems.size();
        storage::CatalogueEntry entry;
        std::string why;
        entry.product_id = normalise_product_id(field("product_id"), why);
        if (!why.empty()) result.problems.push_back({row.line, "product_id", why});
        for (const auto& [column, target] :
             {std::pair{"name_zh", &entry.name_zh}, std::pair{"name_en", &entry.name_en},
              std::pair{"form", &entry.form}, std::pair{"strength", &entry.strength}}) {
            *target = field(column);
            if (target->empty() && std::string_view(column) != "strength")
                result.problems.push_back({row.line, column, "is empty"});
            else if (target->size() > kMaxFieldBytes)
                result.problems.push_back({row.line, column, "is longer than 200 bytes"});
        }
        entry.category = field("category");
        if (!valid_category(entry.category)) {
            result.problems.push_back(
                {row.line, "category",
                 "must be lower-case letters, digits and '-' (e.g. fever, cold-chain), got \"" +
                     entry.category + "\""});
        }
        for (const auto& [column, target] :
             {std::pair{"prescription", &entry.prescription}, std::pair{"controlled", &entry.controlled},
              std::pair{"cold_chain", &entry.cold_chain}, std::pair{"injectable", &entry.injectable},
              std::pair{"device", &entry.device}}) {
            const auto flag = parse_flag(field(column));
            if (!flag) {
                result.problems.push_back(
                    {row.line, column, "must be 1/0, yes/no or true/false, got \"" + field(column) + "\""});
            } else {
                *target = *flag;
            }
        }
        if (!entry.product_id.empty()) {
            if (auto [it, inserted] = first_line_of.emplace(entry.product_id, row.line); !inserted) {
                result.problems.push_back(
                    {row.line, "product_id",
                     entry.product_id + " already appears on line " + std::to_string(it->second)});
            }
        }
        if (result.problems.size() == problems_before) result.entries.push_back(std::move(entry));
    }
    if (on_progress) on_progress(total, total);
    if (!result.ok()) result.entries.clear();
    return result;
}

std::string catalogue_to_csv(const std::vector<storage::CatalogueEntry>& entries) {
    std::string out;
    for (std::size_t i = 0; i < kColumns.size(); ++i) out += std::string(i ? "," : "") + kColumns[i];
    out += '\n';
    for (const auto& e : entries) {
        out += csv_field(e.product_id) + ',' + csv_field(e.name_zh) + ',' + csv_field(e.name_en) + ',' +
               csv_field(e.form) + ',' + csv_field(e.strength) + ',' + csv_field(e.category) + ',' +
               (e.prescription ? "1" : "0") + ',' + (e.controlled ? "1" : "0") + ',' +
               (e.cold_chain ? "1" : "0") + ',' + (e.injectable ? "1" : "0") + ',' + (e.device ? "1" : "0") +
               '\n';
    }
    return out;
}

}  // namespace medkiosk::kiosk
