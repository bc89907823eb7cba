#include "medkiosk/kiosk/catalogue_import.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "medkiosk/kiosk/csv_table.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::kiosk {
namespace {

constexpr std::array<const char*, 11> kColumns = {"product_id", "name_zh",    "name_en",      "form",
                                                  "strength",   "category",   "prescription", "controlled",
                                                  "cold_chain", "injectable", "device"};
constexpr std::size_t kMaxFieldBytes = 200;

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

}  // namespace

CatalogueParse parse_catalogue_csv(std::string_view text) {
    return parse_catalogue_csv(text, nullptr);
}

CatalogueParse parse_catalogue_csv(std::string_view text, const CatalogueProgress& on_progress) {
    CatalogueParse result;
    const CsvTable table = read_csv_table(text, kColumns);
    result.problems = table.problems;
    if (!table.header_ok) return result;

    std::map<std::string, int> first_line_of;
    const std::size_t total = table.rows.size();
    // Often enough for a smooth bar, rarely enough not to slow a 100 000-row file.
    const std::size_t report_every = std::max<std::size_t>(1, total / 200);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (on_progress && r % report_every == 0) on_progress(r, total);
        const CsvRecord& row = table.rows[r];
        const auto field = [&](const char* column) { return table.field(row, column); };
        const std::size_t problems_before = result.problems.size();
        storage::CatalogueEntry entry;
        std::string why;
        entry.product_id = normalise_product_id(field("product_id"), why);
        if (!why.empty()) result.problems.push_back(table.problem(row, "product_id", why));
        for (const auto& [column, target] :
             {std::pair{"name_zh", &entry.name_zh}, std::pair{"name_en", &entry.name_en},
              std::pair{"form", &entry.form}, std::pair{"strength", &entry.strength}}) {
            *target = field(column);
            if (target->empty() && std::string_view(column) != "strength")
                result.problems.push_back(table.problem(row, column, "is empty"));
            else if (target->size() > kMaxFieldBytes)
                result.problems.push_back(table.problem(row, column, "is longer than 200 bytes"));
        }
        entry.category = field("category");
        if (!valid_category(entry.category)) {
            result.problems.push_back(
                table.problem(row, "category",
                              "must be lower-case letters, digits and '-' (e.g. fever, cold-chain), got \"" +
                                  entry.category + "\""));
        }
        for (const auto& [column, target] :
             {std::pair{"prescription", &entry.prescription}, std::pair{"controlled", &entry.controlled},
              std::pair{"cold_chain", &entry.cold_chain}, std::pair{"injectable", &entry.injectable},
              std::pair{"device", &entry.device}}) {
            const auto flag = parse_flag(field(column));
            if (!flag) {
                result.problems.push_back(table.problem(
                    row, column, "must be 1/0, yes/no or true/false, got \"" + field(column) + "\""));
            } else {
                *target = *flag;
            }
        }
        if (!entry.product_id.empty()) {
            if (auto [it, inserted] = first_line_of.emplace(entry.product_id, row.line); !inserted) {
                result.problems.push_back(table.problem(
                    row, "product_id",
                    entry.product_id + " already appears on line " + std::to_string(it->second)));
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
        out += csv_quote(e.product_id) + ',' + csv_quote(e.name_zh) + ',' + csv_quote(e.name_en) + ',' +
               csv_quote(e.form) + ',' + csv_quote(e.strength) + ',' + csv_quote(e.category) + ',' +
               (e.prescription ? "1" : "0") + ',' + (e.controlled ? "1" : "0") + ',' +
               (e.cold_chain ? "1" : "0") + ',' + (e.injectable ? "1" : "0") + ',' + (e.device ? "1" : "0") +
               '\n';
    }
    return out;
}

}  // namespace medkiosk::kiosk
