#include "medkiosk/scanner/ocr/expiry_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::scanner::ocr {
namespace {

// Years outside this window are OCR noise or approval numbers, not a medicine's expiry.
constexpr int kFirstYear = 2000;
constexpr int kLastYear = 2099;
constexpr int kLongestShelfLifeMonths = 120;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_ascii_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string to_upper_ascii(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

bool days_valid(int year, int month, int day) {
    if (year < kFirstYear || year > kLastYear || month < 1 || month > 12) return false;
    return day >= 1 && day <= last_day_of_month(year, month).day;
}

Date previous_day(const Date& date) {
    if (date.day > 1) return Date{date.year, date.month, date.day - 1};
    if (date.month > 1) return last_day_of_month(date.year, date.month - 1);
    return Date{date.year - 1, 12, 31};
}

struct DatedText {
    Date date;
    ExpiryPrecision precision = ExpiryPrecision::Day;
    std::string source;
    friend bool same_reading(const DatedText& a, const DatedText& b) {
        return a.date == b.date && a.precision == b.precision;
    }
};

// A printed date as the characters right after a keyword (or a whole line): digits with
// separators . / - or 年 月 日. Letters OCR confuses with digits are mapped only inside that run.
struct DateRun {
    std::string digits_and_marks;  // confusions mapped; 年 月 日 kept as 'Y' 'M' 'D'
    std::size_t length = 0;        // bytes consumed from the compact line
};

// A look-alike letter counts as a digit only beside a digit: "2O25" yes, "2025.05.|" no.
bool touches_digit(const std::string& run_so_far, std::string_view text, std::size_t at) {
    const bool after_digit = !run_so_far.empty() && is_digit(run_so_far.back());
    const bool before_digit = at + 1 < text.size() && is_digit(text[at + 1]);
    return after_digit || before_digit;
}

DateRun take_date_run(std::string_view text, std::size_t at) {
    DateRun run;
    std::size_t i = at;
    bool seen_digit = false;
    while (i < text.size() && run.digits_and_marks.size() < 20) {
        const char c = text[i];
        if (is_digit(c)) {
            run.digits_and_marks += c;
            seen_digit = true;
            ++i;
        } else if ((c == 'O' || c == 'o') && seen_digit && touches_digit(run.digits_and_marks, text, i)) {
            run.digits_and_marks += '0';
            ++i;
        } else if ((c == 'l' || c == 'I' || c == '|') && seen_digit &&
                   touches_digit(run.digits_and_marks, text, i)) {
            run.digits_and_marks += '1';
            ++i;
        } else if (c == '.' || c == '/' || c == '-' || c == ',') {
            run.digits_and_marks += c == ',' ? '.' : c;
            ++i;
        } else if (text.substr(i, 3) == "年") {
            run.digits_and_marks += 'Y';
            i += 3;
        } else if (text.substr(i, 3) == "月") {
            run.digits_and_marks += 'M';
            i += 3;
        } else if (text.substr(i, 3) == "日") {
            run.digits_and_marks += 'D';
            i += 3;
        } else {
            break;
        }
    }
    run.length = i - at;
    return run;
}

// Splits "2025.05.31" / "2025Y05M31D" into numbers; the marks between them must be one kind.
struct Fields {
    std::vector<std::string> numbers;
    std::vector<char> marks;  // mark after each number ('\0' when none)
};

Fields split_fields(std::string_view run) {
    Fields fields;
    std::size_t i = 0;
    while (i < run.size()) {
        std::string number;
        while (i < run.size() && is_digit(run[i])) number += run[i++];
        if (number.empty()) {
            fields.numbers.clear();  // a mark with no number before it: not a date
            return fields;
        }
        fields.numbers.push_back(number);
        fields.marks.push_back(i < run.size() ? run[i] : '\0');
        if (i < run.size()) ++i;
    }
    return fields;
}

int to_int(const std::string& digits) {
    return digits.empty() || digits.size() > 4 ? -1 : std::stoi(digits);
}

std::optional<DatedText> date_from_fields(const Fields& f, bool allow_compact_digits) {
    const auto& n = f.numbers;
    if (n.empty() || n.size() > 3) return std::nullopt;
    auto month_only = [](int year, int month) -> std::optional<DatedText> {
        if (!days_valid(year, month, 1)) return std::nullopt;
        return DatedText{last_day_of_month(year, month), ExpiryPrecision::Month, {}};
    };
    auto full = [](int year, int month, int day) -> std::optional<DatedText> {
        if (!days_valid(year, month, day)) return std::nullopt;
        return DatedText{Date{year, month, day}, ExpiryPrecision::Day, {}};
    };
    if (n.size() == 1) {
        if (!allow_compact_digits) return std::nullopt;
        const std::string& d = n[0];
        if (d.size() == 8)
            return full(std::stoi(d.substr(0, 4)), std::stoi(d.substr(4, 2)), std::stoi(d.substr(6, 2)));
        if (d.size() == 6) return month_only(std::stoi(d.substr(0, 4)), std::stoi(d.substr(4, 2)));
        return std::nullopt;
    }
    const char first_mark = f.marks[0];
    if (first_mark == 'Y') {  // 2025年05月(31日)
        if (n[0].size() != 4 || n[1].size() > 2 || f.marks[1] != 'M') return std::nullopt;
        if (n.size() == 2) return month_only(to_int(n[0]), to_int(n[1]));
        if (n[2].size() > 2 || f.marks[2] != 'D') return std::nullopt;
        return full(to_int(n[0]), to_int(n[1]), to_int(n[2]));
    }
    if (first_mark != '.' && first_mark != '/' && first_mark != '-') return std::nullopt;
    for (std::size_t k = 1; k + 1 < n.size(); ++k)
        if (f.marks[k] != first_mark) return std::nullopt;
    const char last_mark = f.marks.back();
    if (last_mark != '\0' && last_mark != first_mark) return std::nullopt;
    if (n[0].size() == 4) {  // 2025.05(.31)
        if (n[1].size() > 2) return std::nullopt;
        if (n.size() == 2) return month_only(to_int(n[0]), to_int(n[1]));
        if (n[2].size() > 2) return std::nullopt;
        return full(to_int(n[0]), to_int(n[1]), to_int(n[2]));
    }
    if (n.size() == 2 && n[0].size() <= 2 && n[1].size() == 4 && last_mark == '\0')  // 05/2025
        return month_only(to_int(n[1]), to_int(n[0]));
    // 31/05/2025 could be day-first or month-first: a wrong guess is worse than none.
    return std::nullopt;
}

// Reads a date starting at `at`; `whole` demands the run to be everything left on the line.
std::optional<DatedText> date_at(std::string_view compact, std::size_t at, bool allow_compact_digits,
                                 bool whole) {
    const DateRun run = take_date_run(compact, at);
    if (run.digits_and_marks.empty()) return std::nullopt;
    if (whole && at + run.length != compact.size()) return std::nullopt;
    // A digit or Latin letter glued to the end ("2025.05.31X7") means we did not see the whole token.
    if (at + run.length < compact.size() && is_ascii_alnum(compact[at + run.length])) return std::nullopt;
    return date_from_fields(split_fields(run.digits_and_marks), allow_compact_digits);
}

// "24个月", "24月": a shelf life in months.
std::optional<int> shelf_life_at(std::string_view compact, std::size_t at) {
    std::size_t i = at;
    std::string digits;
    while (i < compact.size() && is_digit(compact[i]) && digits.size() < 3) digits += compact[i++];
    if (digits.empty() || (i < compact.size() && is_digit(compact[i]))) return std::nullopt;
    if (compact.substr(i, 6) != "个月" && compact.substr(i, 3) != "月") return std::nullopt;
    const int months = std::stoi(digits);
    if (months < 1 || months > kLongestShelfLifeMonths) return std::nullopt;
    return months;
}

std::size_t skip_separators(std::string_view compact, std::size_t at) {
    while (at < compact.size()) {
        const char c = compact[at];
        if (c == ':' || c == ';' || c == '.' || c == '#' || c == '_' || c == '=') {
            ++at;
        } else if (compact.substr(at, 3) == "至") {  // 有效期 至 split by OCR
            at += 3;
        } else {
            break;
        }
    }
    return at;
}

enum class Key { Expiry, InvalidFrom, Production, ShelfLife, Batch };

struct KeyWord {
    std::string_view text;  // upper-case ASCII or UTF-8 Chinese
    Key key;
    bool latin;  // must not be glued to a preceding Latin letter ("PILOT")
};

// Longest first where one keyword contains another.
constexpr std::array kKeyWords{
    KeyWord{"有效期至", Key::Expiry, false},    KeyWord{"有效日期", Key::Expiry, false},
    KeyWord{"有效期", Key::Expiry, false},      KeyWord{"失效日期", Key::InvalidFrom, false},
    KeyWord{"失效期", Key::InvalidFrom, false}, KeyWord{"生产日期", Key::Production, false},
    KeyWord{"生产日", Key::Production, false},  KeyWord{"保质期", Key::ShelfLife, false},
    KeyWord{"产品批号", Key::Batch, false},     KeyWord{"生产批号", Key::Batch, false},
    KeyWord{"批号", Key::Batch, false},         KeyWord{"EXPIRY", Key::Expiry, true},
    KeyWord{"EXPDATE", Key::Expiry, true},      KeyWord{"EXP.DATE", Key::Expiry, true},
    KeyWord{"EXP", Key::Expiry, true},          KeyWord{"USEBY", Key::Expiry, true},
    KeyWord{"MFG", Key::Production, true},      KeyWord{"MFD", Key::Production, true},
    KeyWord{"PROD", Key::Production, true},     KeyWord{"LOT", Key::Batch, true},
    KeyWord{"BATCH", Key::Batch, true},         KeyWord{"B/N", Key::Batch, true},
};

struct Hit {
    std::size_t at = 0;
    std::size_t end = 0;
    Key key = Key::Expiry;
};

std::vector<Hit> find_keywords(const std::string& upper) {
    std::vector<Hit> hits;
    std::size_t i = 0;
    while (i < upper.size()) {
        bool matched = false;
        for (const KeyWord& word : kKeyWords) {
            if (upper.compare(i, word.text.size(), word.text) != 0) continue;
            if (word.latin && i > 0 && std::isalpha(static_cast<unsigned char>(upper[i - 1]))) continue;
            hits.push_back(Hit{i, i + word.text.size(), word.key});
            i += word.text.size();
            matched = true;
            break;
        }
        if (!matched) ++i;
    }
    return hits;
}

std::string trim(std::string_view text) {
    std::size_t begin = 0, end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    return std::string(text.substr(begin, end - begin));
}

std::string take_batch(std::string_view compact, std::size_t at, std::size_t stop) {
    at = skip_separators(compact, at);
    std::string batch;
    for (std::size_t i = at; i < stop && i < compact.size(); ++i) {
        const char c = compact[i];
        if (!is_ascii_alnum(c) && c != '-') break;
        batch += c;
    }
    while (!batch.empty() && batch.back() == '-') batch.pop_back();
    const bool has_digit = std::any_of(batch.begin(), batch.end(), is_digit);
    if (batch.size() < 3 || batch.size() > 24 || !has_digit) return {};
    return batch;
}

void add_distinct(std::vector<DatedText>& list, DatedText item) {
    for (const auto& existing : list)
        if (same_reading(existing, item)) return;
    list.push_back(std::move(item));
}

}  // namespace

std::string fold_full_width(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead == 0xE3 || lead == 0xEF || lead == 0xE2) {
            if (i + 2 < text.size()) {
                const auto b1 = static_cast<unsigned char>(text[i + 1]);
                const auto b2 = static_cast<unsigned char>(text[i + 2]);
                if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
                    const std::uint32_t cp = ((lead & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
                    std::uint32_t folded = cp;
                    if (cp >= 0xFF01 && cp <= 0xFF5E)
                        folded = cp - 0xFF01 + 0x21;
                    else if (cp == 0x3000)
                        folded = ' ';
                    else if (cp == 0x3002 || cp == 0xFF61)
                        folded = '.';  // 。 ｡
                    else if (cp == 0x2010 || cp == 0x2013 || cp == 0x2014 || cp == 0x2212)
                        folded = '-';
                    else if (cp == 0x2044 || cp == 0x2215)
                        folded = '/';
                    append_utf8(out, folded);
                    i += 3;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

Date add_shelf_life(const Date& production, int months) {
    const int total = production.year * 12 + (production.month - 1) + months;
    const int year = total / 12;
    const int month = total % 12 + 1;
    const int day = std::min(production.day, last_day_of_month(year, month).day);
    return previous_day(Date{year, month, day});
}

ExpiryReading parse_expiry_text(std::string_view text) {
    const std::string folded = fold_full_width(text);

    struct Line {
        std::string original;
        std::string compact;  // whitespace removed: OCR spaces CJK characters apart
        std::string upper;
    };
    std::vector<Line> lines;
    std::size_t start = 0;
    while (start <= folded.size()) {
        std::size_t end = folded.find('\n', start);
        if (end == std::string::npos) end = folded.size();
        Line line;
        line.original = trim(std::string_view(folded).substr(start, end - start));
        for (char c : line.original)
            if (!std::isspace(static_cast<unsigned char>(c))) line.compact += c;
        line.upper = to_upper_ascii(line.compact);
        if (!line.compact.empty()) lines.push_back(std::move(line));
        start = end + 1;
    }

    std::vector<DatedText> explicit_dates, production_dates, bare_dates;
    std::vector<int> shelf_lives;
    std::string shelf_life_source;
    std::vector<std::string> batches;
    bool production_mentioned = false;

    for (std::size_t li = 0; li < lines.size(); ++li) {
        const Line& line = lines[li];
        const std::vector<Hit> hits = find_keywords(line.upper);
        if (hits.empty()) {
            if (auto date = date_at(line.compact, 0, true, true)) {
                date->source = line.original;
                add_distinct(bare_dates, *date);
            }
            continue;
        }
        for (std::size_t h = 0; h < hits.size(); ++h) {
            const Hit& hit = hits[h];
            const std::size_t stop = h + 1 < hits.size() ? hits[h + 1].at : line.compact.size();
            std::size_t value_at = skip_separators(line.compact, hit.end);
            // OCR often garbles 至 in 有效期至 (王, 圣 …): past 有效期, one unknown Chinese character
            // may stand before the date. Only one, and only where a whole date follows.
            if (hit.key == Key::Expiry &&
                !is_ascii_alnum(value_at < line.compact.size() ? line.compact[value_at] : 'x') &&
                value_at + 3 <= line.compact.size() &&
                (static_cast<unsigned char>(line.compact[value_at]) & 0xF0) == 0xE0 &&
                !date_at(line.compact, value_at, true, false) && !shelf_life_at(line.compact, value_at) &&
                date_at(line.compact, skip_separators(line.compact, value_at + 3), true, false))
                value_at = skip_separators(line.compact, value_at + 3);
            // "有效期至" alone on its line, the date on the next one.
            const bool value_on_next_line = value_at >= line.compact.size() && li + 1 < lines.size() &&
                                            find_keywords(lines[li + 1].upper).empty();
            const std::string_view value_line =
                value_on_next_line ? std::string_view(lines[li + 1].compact) : std::string_view(line.compact);
            const std::size_t from = value_on_next_line ? 0 : value_at;
            const std::string source =
                value_on_next_line ? line.original + " " + lines[li + 1].original : line.original;
            auto date = date_at(value_line, from, true, false);
            if (date && !value_on_next_line && from + take_date_run(value_line, from).length > stop)
                date.reset();
            if (date) date->source = source;
            switch (hit.key) {
                case Key::Expiry:
                    if (date) {
                        add_distinct(explicit_dates, *date);
                    } else if (auto months = shelf_life_at(value_line, from)) {
                        shelf_lives.push_back(*months);
                        shelf_life_source = line.original;
                    }
                    break;
                case Key::InvalidFrom:
                    if (date) {
                        DatedText last_usable = *date;
                        if (date->precision == ExpiryPrecision::Month) {
                            last_usable.date = previous_day(Date{date->date.year, date->date.month, 1});
                        } else {
                            last_usable.date = previous_day(date->date);
                        }
                        add_distinct(explicit_dates, last_usable);
                    }
                    break;
                case Key::Production:
                    production_mentioned = true;
                    if (date) add_distinct(production_dates, *date);
                    break;
                case Key::ShelfLife:
                    if (auto months = shelf_life_at(value_line, from)) {
                        shelf_lives.push_back(*months);
                        shelf_life_source = line.original;
                    }
                    break;
                case Key::Batch: {
                    std::string batch = take_batch(line.compact, hit.end, stop);
                    if (!batch.empty() && std::find(batches.begin(), batches.end(), batch) == batches.end())
                        batches.push_back(std::move(batch));
                    break;
                }
            }
            if (value_on_next_line && date) ++li;
        }
    }

    ExpiryReading reading;
    if (batches.size() == 1) reading.batch = batches.front();
    std::sort(shelf_lives.begin(), shelf_lives.end());
    shelf_lives.erase(std::unique(shelf_lives.begin(), shelf_lives.end()), shelf_lives.end());

    auto accept = [&](const DatedText& chosen) {
        reading.expiry = chosen.date;
        reading.precision = chosen.precision;
        reading.source_text = chosen.source;
    };
    if (explicit_dates.size() > 1) {
        reading.contradictory = true;
    } else if (explicit_dates.size() == 1) {
        accept(explicit_dates.front());  // a printed 有效期至 wins over production + shelf life
    } else if (!production_dates.empty() || !shelf_lives.empty()) {
        if (production_dates.size() > 1 || shelf_lives.size() > 1) {
            reading.contradictory = true;
        } else if (production_dates.size() == 1 && shelf_lives.size() == 1) {
            const DatedText& made = production_dates.front();
            DatedText computed = made;
            computed.date = add_shelf_life(made.precision == ExpiryPrecision::Month
                                               ? Date{made.date.year, made.date.month, 1}
                                               : made.date,
                                           shelf_lives.front());
            computed.source = made.source + " " + shelf_life_source;
            accept(computed);
        }
    } else if (!production_mentioned) {
        // A lone date with no label could be any date; take it only when it is the only one.
        if (bare_dates.size() > 1)
            reading.contradictory = true;
        else if (bare_dates.size() == 1)
            accept(bare_dates.front());
    }
    return reading;
}

}  // namespace medkiosk::scanner::ocr
