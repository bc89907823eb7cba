#include "medkiosk/scanner/ocr/expiry_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
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
    ExpiryBasis basis = ExpiryBasis::Printed;
    std::string source;
    int line = -1;
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

// A one-digit day after a two-digit month, with no 日 closing it, is a day cut short: a print that pads
// its month pads its day, so "2027.08.2" and "2028年12月2" are "2027.08.22" and "2028年12月22日" with their
// last digit under a finger or glare (red team red37), not the 2nd.
bool one_digit_day_after_two_digit_month(const Fields& f) {
    return f.numbers.size() == 3 && f.numbers[0].size() == 4 && f.numbers[1].size() == 2 &&
           f.numbers[2].size() == 1 && f.marks[2] != 'D';
}

// "2029年07月18": a number after 年 and 月 not closed by 日, which the parser takes no date from (see
// date_from_fields). It may be the day, its 日 lost, so the month's end is no answer either.
bool day_not_closed_after_month(const Fields& f) {
    return f.numbers.size() == 3 && f.marks[0] == 'Y' && f.marks[1] == 'M' && f.marks[2] == '\0';
}

// The date such a value would be if its number were the day (ExpiryReading::unclosed_day); none for a
// day cut short ("2028年12月2" of "…22日": one_digit_day_after_two_digit_month).
std::optional<Date> unclosed_date(const Fields& f) {
    if (!day_not_closed_after_month(f) || one_digit_day_after_two_digit_month(f) ||
        f.numbers[0].size() != 4 || f.numbers[1].size() > 2 || f.numbers[2].size() > 2)
        return std::nullopt;
    const int year = std::stoi(f.numbers[0]), month = std::stoi(f.numbers[1]), day = std::stoi(f.numbers[2]);
    if (!days_valid(year, month, day)) return std::nullopt;
    return Date{year, month, day};
}

int to_int(const std::string& digits) {
    return digits.empty() || digits.size() > 4 ? -1 : std::stoi(digits);
}

std::optional<DatedText> date_from_fields(const Fields& f, bool allow_compact_digits) {
    const auto& n = f.numbers;
    if (n.empty() || n.size() > 3) return std::nullopt;
    auto month_only = [](int year, int month) -> std::optional<DatedText> {
        if (!days_valid(year, month, 1)) return std::nullopt;
        return DatedText{
            last_day_of_month(year, month), ExpiryPrecision::Month, ExpiryBasis::Printed, {}, -1};
    };
    auto full = [&f](int year, int month, int day) -> std::optional<DatedText> {
        if (one_digit_day_after_two_digit_month(f) || !days_valid(year, month, day)) return std::nullopt;
        return DatedText{Date{year, month, day}, ExpiryPrecision::Day, ExpiryBasis::Printed, {}, -1};
    };
    if (n.size() == 1) {
        if (!allow_compact_digits) return std::nullopt;
        const std::string& d = n[0];
        if (d.size() == 8)
            return full(std::stoi(d.substr(0, 4)), std::stoi(d.substr(4, 2)), std::stoi(d.substr(6, 2)));
        // "202904-", "203107.", "202707月": a mark after a compact month says more was printed (red team
        // red38: a finger over the day), and no printed form ends that way.
        if (d.size() == 6 && f.marks[0] == '\0')
            return month_only(std::stoi(d.substr(0, 4)), std::stoi(d.substr(4, 2)));
        return std::nullopt;
    }
    const char first_mark = f.marks[0];
    if (first_mark == 'Y') {  // 2025年05月(31日)
        // Four digits after 年 can only be the month and the day, with the 月 between them lost: in
        // Droid Sans Fallback 月 all but touches the 0 after it, and both models then read
        // "2024年0507日" (dev seed 1002, face 1), and often lose the 日 as well.
        if (n.size() == 2 && n[0].size() == 4 && n[1].size() == 4 &&
            (f.marks[1] == 'D' || f.marks[1] == '\0'))
            return full(to_int(n[0]), to_int(n[1].substr(0, 2)), to_int(n[1].substr(2, 2)));
        if (n[0].size() != 4 || n[1].size() > 2 || f.marks[1] != 'M') return std::nullopt;
        if (n.size() == 2) return month_only(to_int(n[0]), to_int(n[1]));
        // After 年 and 月 a third number is the day only when closed by 日 (or by 日 read as 月): with
        // nothing after it, it may be a count or another field set close after a month-only date
        // ("2029年07月 24粒", its unit lost to the value pass, read "2029年07月24": red team rt41).
        if (n[2].size() > 2 || (f.marks[2] != 'D' && f.marks[2] != 'M')) return std::nullopt;
        return full(to_int(n[0]), to_int(n[1]), to_int(n[2]));
    }
    auto separator = [](char mark) { return mark == '.' || mark == '/' || mark == '-'; };
    if (!separator(first_mark)) return std::nullopt;
    // After a 4-digit year the fields can only be month and day, so a misread separator
    // ("2022.09-25") changes nothing; other forms need one kind throughout.
    const bool year_first = n[0].size() == 4;
    for (std::size_t k = 1; k + 1 < n.size(); ++k)
        if (year_first ? !separator(f.marks[k]) : f.marks[k] != first_mark) return std::nullopt;
    const char last_mark = f.marks.back();
    if (last_mark != '\0' && (year_first ? !separator(last_mark) : last_mark != first_mark))
        return std::nullopt;
    if (n[0].size() == 4) {  // 2025.05(.31)
        if (n[1].size() > 2) return std::nullopt;
        // A month-only date may end in a full stop ("2025.05."), never in a slash or a dash: after
        // "2027/05/" the day is hidden or printed elsewhere (wrapped onto the next line; red team red37).
        if (n.size() == 2 && (last_mark == '/' || last_mark == '-')) return std::nullopt;
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
    // "2025.05.?": the reader saw more of the date than it could read; what it did read is not the date.
    if (at + run.length < compact.size() && compact[at + run.length] == kUnreadEnd) return std::nullopt;
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
        if (c == ':' || c == ';' || c == '.' || c == '#' || c == '_' || c == '=' || c == '|') {
            ++at;
        } else if (compact.substr(at, 3) == "至") {  // 有效期 至 split by OCR
            at += 3;
        } else {
            break;
        }
    }
    return at;
}

struct KeyWord {
    std::string_view text;  // upper-case ASCII or UTF-8 Chinese
    FieldKey key;
    bool latin;  // must not be glued to a preceding Latin letter ("PILOT")
};

// Longest first where one keyword starts another.
constexpr std::array kKeyWords{
    KeyWord{"有效期至", FieldKey::Expiry, false},
    KeyWord{"有效日期", FieldKey::Expiry, false},
    KeyWord{"有效期", FieldKey::Expiry, false},
    KeyWord{"失效日期", FieldKey::InvalidFrom, false},
    KeyWord{"失效期", FieldKey::InvalidFrom, false},
    KeyWord{"生产日期", FieldKey::Production, false},
    KeyWord{"生产日", FieldKey::Production, false},
    KeyWord{"制造日期", FieldKey::Production, false},
    KeyWord{"出厂日期", FieldKey::Other, false},
    KeyWord{"灌装日期", FieldKey::Other, false},
    KeyWord{"保质期", FieldKey::ShelfLife, false},
    KeyWord{"批次", FieldKey::Batch, false},
    KeyWord{"产品批号", FieldKey::Batch, false},
    KeyWord{"生产批号", FieldKey::Batch, false},
    KeyWord{"批号", FieldKey::Batch, false},
    KeyWord{"国药准字", FieldKey::Other, false},
    KeyWord{"批准文号", FieldKey::Other, false},
    KeyWord{"注册证号", FieldKey::Other, false},
    KeyWord{"邮政编码", FieldKey::Other, false},
    KeyWord{"邮编", FieldKey::Other, false},
    KeyWord{"电话", FieldKey::Other, false},
    KeyWord{"传真", FieldKey::Other, false},
    KeyWord{"规格", FieldKey::Other, false},
    KeyWord{"EXPIRY", FieldKey::Expiry, true},
    KeyWord{"EXPDATE", FieldKey::Expiry, true},
    KeyWord{"EXP.DATE", FieldKey::Expiry, true},
    KeyWord{"EXP", FieldKey::Expiry, true},
    KeyWord{"USEBY", FieldKey::Expiry, true},
    KeyWord{"MFGDATE", FieldKey::Production, true},
    KeyWord{"MFG.DATE", FieldKey::Production, true},
    KeyWord{"MFDDATE", FieldKey::Production, true},
    KeyWord{"MFD.DATE", FieldKey::Production, true},
    KeyWord{"PRODDATE", FieldKey::Production, true},
    KeyWord{"PROD.DATE", FieldKey::Production, true},
    KeyWord{"MANUFACTURED", FieldKey::Production, true},
    KeyWord{"MFG", FieldKey::Production, true},
    KeyWord{"MFD", FieldKey::Production, true},
    KeyWord{"PROD", FieldKey::Production, true},
    KeyWord{"LOT", FieldKey::Batch, true},
    KeyWord{"BATCH", FieldKey::Batch, true},
    KeyWord{"B/N", FieldKey::Batch, true},
    KeyWord{"REG.NO", FieldKey::Other, true},
    KeyWord{"TEL", FieldKey::Other, true},
    KeyWord{"FAX", FieldKey::Other, true},
};

bool is_cjk_at(std::string_view text, std::size_t at) {
    if (at + 3 > text.size()) return false;
    const auto lead = static_cast<unsigned char>(text[at]);
    return lead >= 0xE0 && lead <= 0xEF && (static_cast<unsigned char>(text[at + 1]) & 0xC0) == 0x80 &&
           (static_cast<unsigned char>(text[at + 2]) & 0xC0) == 0x80;
}

// How many of the 4 characters of `word` (12 bytes of CJK) differ from the text at `at`; 5 when the
// text there is not 4 CJK characters.
int differences(std::string_view text, std::size_t at, std::string_view word) {
    int different = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        if (!is_cjk_at(text, at + 3 * k)) return 5;
        if (text.substr(at + 3 * k, 3) != word.substr(3 * k, 3)) ++different;
    }
    return different;
}

bool is_four_cjk(std::string_view word) {
    return word.size() == 12 && is_cjk_at(word, 0) && is_cjk_at(word, 3) && is_cjk_at(word, 6) &&
           is_cjk_at(word, 9);
}

// One misread character in a 4-character Chinese label, when it cannot be another label that way.
std::optional<KeyWord> fuzzy_label_at(std::string_view text, std::size_t at) {
    std::optional<KeyWord> found;
    for (const KeyWord& word : kKeyWords) {
        if (!is_four_cjk(word.text) || differences(text, at, word.text) != 1) continue;
        if (found && found->key != word.key) return std::nullopt;  // 3 of 4 of two labels: unsure
        if (!found) found = word;
    }
    if (!found) return std::nullopt;
    // 失 in front of 效期… is the other label (失效期), not a misread 有.
    if (found->key == FieldKey::Expiry && text.substr(at, 3) == "失") return std::nullopt;
    // The odd character may begin the next label of a row ("有效期批号", "有效期生产日期"): taken as a
    // misread 至, it would swallow that label, and its value would be read for this one.
    for (std::size_t k = 1; k < 4; ++k) {
        const std::size_t odd = at + 3 * k;
        if (text.substr(odd, 3) == found->text.substr(3 * k, 3)) continue;
        for (const KeyWord& word : kKeyWords)
            if (!word.latin && text.compare(odd, word.text.size(), word.text) == 0) return std::nullopt;
    }
    return found;
}

bool is_ascii_letter(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

bool exp_runs_on_into_label(std::string_view upper, std::size_t after) {
    return upper.compare(after, 2, "IR") == 0 || upper.compare(after, 1, "D") == 0;
}

// The length of a word at `at` that is EXP misread, with a number after it: its first or middle letter
// read wrong ("KXP.:10/2026", "FXP 2024"), or a letter more between E and P ("EXXP.08/2028"). Light or
// small Latin print in a frame or on a dark ground is read so by a model trained mostly on Chinese (dev
// seeds 1001, 7301). Its last letter is never guessed: EXT (a phone's extension) and EXW are words of
// their own. 0 when there is no such word.
std::size_t misread_exp_at(std::string_view upper, std::size_t at) {
    if (at > 0 && is_ascii_letter(upper[at - 1])) return 0;
    std::size_t end = at;
    while (end < upper.size() && is_ascii_letter(upper[end])) ++end;
    const std::string_view word = upper.substr(at, end - at);
    const bool one_misread = word.size() == 3 && word[2] == 'P' && ((word[0] == 'E') != (word[1] == 'X'));
    const bool one_more =
        word.size() == 4 && word[0] == 'E' && word[3] == 'P' && (word[1] == 'X' || word[2] == 'X');
    if (!one_misread && !one_more) return 0;
    const std::size_t value = skip_separators(upper, end);
    return value < upper.size() && std::isdigit(static_cast<unsigned char>(upper[value])) != 0 ? word.size()
                                                                                               : 0;
}

// 有效期 followed by 满 (expiry reached), 内 (within), 前 / 后 (before / after), 已 (already).
bool is_expiry_phrase_tail(std::string_view character) {
    return character == "满" || character == "内" || character == "前" || character == "后" ||
           character == "已";
}

// Bytes of a document's name (…证, …证书, 执照) right before `at`, not reaching back before `floor`.
std::size_t document_prefix_before(std::string_view upper, std::size_t at, std::size_t floor) {
    for (const std::string_view prefix :
         {std::string_view("证书"), std::string_view("证"), std::string_view("照")})
        if (at >= floor + prefix.size() && upper.substr(at - prefix.size(), prefix.size()) == prefix)
            return prefix.size();
    return 0;
}

// Words saying a period runs from when the pack is opened or the medicine made up (开封后有效期 6个月,
// 有效期：开封后24个月, 配制后…, 启用有效期, 使用中有效期): an in-use period. Added to the production date it
// would give a date long before the real expiry.
constexpr std::array<std::string_view, 20> kInUseWords{
    "开封", "开启", "开瓶", "开盖", "打开", "启封", "拆封", "拆开", "配制", "稀释", "复溶", "启用", "使用中",
    // Traditional characters, as Hong Kong and Taiwan packs print them.
    "開封", "開啟", "開瓶", "開蓋", "打開", "啟封", "啟用"};
// Words that say so only with 后 after them (溶解后, 首次使用后, 从冰箱取出后, 打开包装后). 服用后 (after
// taking it) and 饭后 (after meals) are directions, not periods, and none of these words.
constexpr std::array<std::string_view, 10> kInUseWordsBeforeAfter{"溶解", "使用", "取出", "开袋", "开罐",
                                                                  "开口", "包装", "开包", "开管", "溶液"};

// With 后 after it, the last character of one is enough: OCR misreads 开 in 开封后 ("-封后").
constexpr std::array<std::string_view, 4> kInUseEndings{"封", "启", "瓶", "盖"};

// Bytes of an in-use word (with its 后) ending at `at`, not reaching back before `floor`; 0 when none.
// 未开封有效期 (unopened) is the shelf life itself.
std::size_t in_use_before(std::string_view upper, std::size_t at, std::size_t floor) {
    const std::size_t after = at >= floor + 3 && upper.substr(at - 3, 3) == "后" ? 3 : 0;
    for (const std::string_view word : kInUseWords) {
        const std::size_t begin = at - after - word.size();
        if (at < floor + after + word.size() || upper.substr(begin, word.size()) != word) continue;
        if (begin >= 3 && upper.substr(begin - 3, 3) == "未") return 0;
        return after + word.size();
    }
    if (after > 0) {
        for (const std::string_view word : kInUseWordsBeforeAfter)
            if (at >= floor + 3 + word.size() && upper.substr(at - 3 - word.size(), word.size()) == word)
                return 3 + word.size();
        for (const std::string_view ending : kInUseEndings)
            if (at >= floor + 6 && upper.substr(at - 6, 3) == ending) return 6;
    }
    return 0;
}

// Bytes from `at` to the end of an in-use word (and its 后) that follows it past separators; 0 when none.
std::size_t in_use_after(std::string_view upper, std::size_t at) {
    std::size_t from = skip_separators(upper, at);
    while (upper.compare(from, 3, "：") == 0 || upper.compare(from, 1, "-") == 0)
        from = skip_separators(upper, from + (upper[from] == '-' ? 1 : 3));
    for (const std::string_view word : kInUseWords) {
        if (upper.compare(from, word.size(), word) != 0) continue;
        std::size_t end = from + word.size();
        if (upper.compare(end, 3, "后") == 0) end += 3;
        return end - at;
    }
    for (const std::string_view ending : kInUseEndings)
        if (upper.compare(from, 3, ending) == 0 && upper.compare(from + 3, 3, "后") == 0)
            return from + 6 - at;
    return 0;
}

}  // namespace

namespace {

// English wordings, upper case without spaces: "6 months after opening", "once opened".
constexpr std::array<std::string_view, 6> kInUseEnglish{"AFTEROPEN",  "ONCEOPEN", "AFTERFIRSTUSE",
                                                        "AFTERFIRST", "AFTERMIX", "AFTERRECONSTITUT"};

// Where the last in-use word with its 后 (or 後) ends in `compact`; npos when there is none.
std::size_t in_use_end(std::string_view compact) {
    std::size_t last = std::string_view::npos;
    for (const std::string_view after : {std::string_view("后"), std::string_view("後")}) {
        for (std::size_t at = compact.find(after); at != std::string_view::npos;
             at = compact.find(after, at + 3)) {
            auto ends_here = [&](std::string_view word) {
                if (at < word.size() || compact.substr(at - word.size(), word.size()) != word) return false;
                const std::size_t begin = at - word.size();
                return !(begin >= 3 &&
                         compact.substr(begin - 3, 3) == "未");  // 未开封后: not a thing printed
            };
            const bool in_use =
                std::any_of(kInUseWords.begin(), kInUseWords.end(), ends_here) ||
                std::any_of(kInUseWordsBeforeAfter.begin(), kInUseWordsBeforeAfter.end(), ends_here) ||
                std::any_of(kInUseEndings.begin(), kInUseEndings.end(), ends_here);
            if (in_use && (last == std::string_view::npos || at + 3 > last)) last = at + 3;
        }
    }
    const std::string upper = to_upper_ascii(compact);
    for (const std::string_view phrase : kInUseEnglish) {
        const std::size_t at = upper.rfind(phrase);
        if (at == std::string::npos) continue;
        std::size_t end = at + phrase.size();
        while (end < upper.size() && is_ascii_letter(upper[end])) ++end;
        if (last == std::string_view::npos || end > last) last = end;
    }
    return last;
}

}  // namespace

namespace {

bool is_ideograph_lead(char byte) {  // the first byte of U+4E00–U+9FFF in UTF-8
    const auto lead = static_cast<unsigned char>(byte);
    return lead >= 0xE4 && lead <= 0xE9;
}

bool is_ideograph_at(std::string_view text, std::size_t at) {
    return is_ideograph_lead(text[at]) && at + 3 <= text.size();
}

// Where the words of a clause that ends in words ending in 后 (after) begin, whatever the words: what
// follows a period that way says what it counts from, and OCR garbles the words themselves ("首次开自后"
// for 首次开启后, 开罐后 read in a serif font; red team red34b L). Dropping a real shelf life costs a
// date, never gives a wrong one. Empty for directions (饭后, 餐后, 服用后: after meals, after taking it).
std::optional<std::size_t> event_before_after(std::string_view clause) {
    std::size_t end = clause.size();
    while (end > 0 && !(end >= 3 && is_ideograph_at(clause, end - 3))) {
        if (is_ascii_alnum(clause[end - 1])) return std::nullopt;
        --end;  // brackets and marks after the words
    }
    if (end < 3 || (clause.substr(end - 3, 3) != "后" && clause.substr(end - 3, 3) != "後"))
        return std::nullopt;
    std::size_t begin = end - 3;
    int words = 0;
    while (begin >= 3 && is_ideograph_at(clause, begin - 3)) {
        begin -= 3;
        ++words;
    }
    if (words < 1 || words > 8) return std::nullopt;
    const std::string_view event = clause.substr(begin, end - 3 - begin);
    // Nor are words where 后 is no "after" at all: 背后 (on the back: 详见盒背后), 前后, 然后, 随后, 最后,
    // 其后, 此后, 落后 (red team red35b E1 lost a real shelf life to 盒背后).
    for (const std::string_view not_an_event :
         {std::string_view("饭"), std::string_view("餐"), std::string_view("食"), std::string_view("服用"),
          std::string_view("用药"), std::string_view("服药"), std::string_view("背"), std::string_view("前"),
          std::string_view("然"), std::string_view("随"), std::string_view("最"), std::string_view("其"),
          std::string_view("此"), std::string_view("落")})
        if (event.ends_with(not_an_event)) return std::nullopt;
    return begin;
}

// Where the clause that starts at `from` ends (a comma, a full stop, a semicolon or the line's end),
// and the length of the mark that ends it.
std::pair<std::size_t, std::size_t> clause_end(std::string_view text, std::size_t from) {
    std::pair<std::size_t, std::size_t> end{text.size(), 0};
    for (const std::string_view stop :
         {std::string_view(","), std::string_view("，"), std::string_view("。"), std::string_view(";"),
          std::string_view("；"), std::string_view("\n")})
        if (const std::size_t at = text.find(stop, from); at < end.first) end = {at, stop.size()};
    return end;
}

// The text without its temperatures ("2-8℃", "2~8°C", "25度"; ℃ as OCR reads it: "°", "'C", "\"C"):
// a storage temperature beside a period is no second period for in-use words to belong to
// ("6个月 开封后 2-8℃": six months from opening, red team red35b E).
std::string without_temperatures(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        if (!is_digit(text[at])) {
            out += text[at++];
            continue;
        }
        std::size_t end = at;
        for (;;) {  // 2, 2.5, 2-8, 2~8, 2～8, 2至8
            while (end < text.size() && (is_digit(text[end]) || text[end] == '.')) ++end;
            std::size_t next = end;
            for (const std::string_view range :
                 {std::string_view("-"), std::string_view("~"), std::string_view("～"),
                  std::string_view("至"), std::string_view("到")})
                if (text.substr(end, range.size()) == range) next = end + range.size();
            if (next == end || next >= text.size() || !is_digit(text[next])) break;
            end = next;
        }
        std::size_t unit = end;
        while (unit < text.size() && text[unit] == ' ') ++unit;
        std::size_t past = unit;
        for (const std::string_view mark :
             {std::string_view("℃"), std::string_view("°C"), std::string_view("°"), std::string_view("度"),
              std::string_view("'C"), std::string_view("\"C"), std::string_view("C")})
            if (past == unit && text.substr(unit, mark.size()) == mark) past = unit + mark.size();
        const bool temperature = past > unit && !(past < text.size() && is_ascii_letter(text[past]));
        if (!temperature) out.append(text.substr(at, end - at));
        at = temperature ? past : end;
    }
    return out;
}

// What a bracket that opens the text holds, up to its closing mark (in any bracket OCR reads).
std::optional<std::string_view> leading_bracket(std::string_view text) {
    std::size_t at = 0;
    while (at < text.size() && text[at] == ' ') ++at;
    std::size_t inside = std::string_view::npos;
    for (const std::string_view open :
         {std::string_view("（"), std::string_view("("), std::string_view("〈"), std::string_view("【"),
          std::string_view("["), std::string_view("「")})
        if (text.substr(at, open.size()) == open) inside = at + open.size();
    if (inside == std::string_view::npos) return std::nullopt;
    std::size_t close = text.size();
    for (const std::string_view shut :
         {std::string_view("）"), std::string_view(")"), std::string_view("〉"), std::string_view("】"),
          std::string_view("]"), std::string_view("」")})
        close = std::min(close, text.find(shut, inside));
    if (close == text.size()) return std::nullopt;
    return text.substr(inside, close - inside);
}

}  // namespace

bool says_in_use(std::string_view compact) {
    return in_use_end(compact) != std::string_view::npos;
}

bool is_in_use_note(std::string_view compact) {
    const std::size_t end = in_use_end(compact);
    if (end == std::string_view::npos) {
        // Words OCR garbled ("井寺后" for 开封后) on a line of their own: nothing but them and marks.
        const std::optional<std::size_t> words = event_before_after(compact);
        return words && std::none_of(compact.begin(), compact.begin() + static_cast<long>(*words),
                                     [](char c) { return is_ascii_alnum(c) || is_ideograph_lead(c); });
    }
    // "（开封后请冷藏）", "开封后冷藏保存": more words after it make it an instruction, not what a period
    // counts from (red team red34b R2: the shelf life beside such a note was dropped).
    for (std::size_t at = end; at < compact.size(); ++at) {
        if (is_ideograph_lead(compact[at]) || is_ascii_letter(compact[at])) return false;
    }
    return true;
}

bool is_in_use_period(std::string_view before, std::string_view value) {
    if (says_in_use(before)) return true;
    std::size_t number = 0;
    while (number < value.size() && !is_digit(value[number])) ++number;
    if (says_in_use(value.substr(0, number))) return true;  // 有效期：开封后6个月
    std::size_t rest = number;
    while (rest < value.size() && is_digit(value[rest])) ++rest;
    for (const std::string_view unit :
         {std::string_view("个"), std::string_view("月"), std::string_view("年")})
        if (value.compare(rest, unit.size(), unit) == 0) rest += unit.size();
    while (rest < value.size() && value[rest] == ' ') ++rest;
    if (value.compare(rest, 3, "内") == 0) return true;  // 6个月内用完: use within six months
    // 6个月（开封后）, 6个月 开封后: the words after the period, up to the end of its clause, say what it
    // counts from, in whatever bracket OCR reads ("〈开封后)"). Words followed by another number are
    // that number's: in 24个月，开封后1个月内用完 the 24 months are the shelf life.
    const auto [end, mark] = clause_end(value, rest);
    const std::string clause_kept = without_temperatures(value.substr(rest, end - rest));
    const std::string_view clause = clause_kept;
    const auto has_digit = [](std::string_view text) {
        return std::any_of(text.begin(), text.end(), is_digit);
    };
    if (has_digit(clause)) return false;
    if (is_in_use_note(clause) || event_before_after(clause)) return true;
    // "6个月（开封后）请冷藏": a bracket right after the period says what it counts from, whatever
    // instruction follows the bracket (red team red35b E); "24个月（开封后请冷藏）" is all instruction.
    if (const std::optional<std::string_view> bracket = leading_bracket(clause))
        if (is_in_use_note(*bracket) || event_before_after(*bracket)) return true;
    // "6个月，开封后", "6个月 冷藏；开封后": the note is the whole of the next clause (red team red35b
    // E8, E9; red36b: after a storage word); an instruction there ("，开封后请尽快使用") says nothing of
    // the period.
    if (end >= value.size()) return false;
    std::size_t next_from = end + mark;
    while (next_from < value.size() && value[next_from] == ' ') ++next_from;
    const std::string_view next_clause =
        value.substr(next_from, clause_end(value, next_from).first - next_from);
    return !has_digit(next_clause) && is_in_use_note(next_clause);
}

namespace {

// Whether [at, stop) has a Latin word (two letters or more, "DATE" aside) before its first digit.
bool word_before_number(std::string_view upper, std::size_t at, std::size_t stop) {
    if (upper.compare(at, 4, "DATE") == 0) at = skip_separators(upper, at + 4);
    int letters = 0;
    for (std::size_t i = at; i < stop && i < upper.size(); ++i) {
        if (is_digit(upper[i])) return letters >= 2;
        if (is_ascii_letter(upper[i])) ++letters;
    }
    return false;
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

int months_between(const Date& from, const Date& to) {
    return (to.year - from.year) * 12 + (to.month - from.month);
}

// The date a value as read starts with: full-width characters folded, spaces and leading marks dropped.
DateRun leading_date_run(std::string_view value) {
    std::string compact;
    for (char c : fold_full_width(value))
        if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
    return take_date_run(compact, skip_separators(compact, 0));
}

}  // namespace

bool day_cut_short(std::string_view value) {
    return one_digit_day_after_two_digit_month(split_fields(leading_date_run(value).digits_and_marks));
}

std::optional<std::string> year_month_before_day(std::string_view value) {
    const DateRun run = leading_date_run(value);
    std::vector<std::string> numbers(1);
    std::vector<char> marks;
    for (const char c : run.digits_and_marks) {
        if (is_digit(c)) {
            numbers.back() += c;
        } else {
            marks.push_back(c);
            numbers.emplace_back();
        }
    }
    // Only a plausible year and month: "0742028" is "07/2028" with its slash misread, not a day.
    auto plausible = [](const std::string& year, const std::string& month) {
        return year.size() == 4 && !month.empty() && month.size() <= 2 &&
               days_valid(std::stoi(year), std::stoi(month), 1);
    };
    const std::string& first = numbers[0];
    if (numbers.size() == 1) {  // compact: YYYYMM and a digit more
        if (first.size() < 7 || !plausible(first.substr(0, 4), first.substr(4, 2))) return std::nullopt;
        return first.substr(0, 6);
    }
    const std::string& second = numbers[1];
    const bool chinese = marks[0] == 'Y';
    auto year_month = [&](const std::string& month) -> std::optional<std::string> {
        if (!plausible(first, month)) return std::nullopt;
        return chinese ? first + "年" + month + "月" : first + "." + month + ".";
    };
    // "2025.053", "2025.0531": the mark after the month lost, its digits glued to the day's.
    if (second.size() > 2) return year_month(second.substr(0, 2));
    if (numbers.size() >= 3 && !numbers[2].empty()) return year_month(second);
    return std::nullopt;
}

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

std::vector<LabelHit> find_labels(std::string_view compact_line) {
    const std::string upper = to_upper_ascii(compact_line);
    std::vector<LabelHit> hits;
    std::size_t i = 0;
    while (i < upper.size()) {
        std::optional<KeyWord> matched;
        bool exact = true;
        for (const KeyWord& word : kKeyWords) {
            if (upper.compare(i, word.text.size(), word.text) != 0) continue;
            if (word.latin && i > 0 && std::isalpha(static_cast<unsigned char>(upper[i - 1]))) continue;
            // A 4-character label read with one character wrong beats a shorter exact one it contains.
            if (!is_four_cjk(word.text) && word.text.size() < 12) {
                if (auto fuzzy = fuzzy_label_at(upper, i); fuzzy && fuzzy->key == word.key) {
                    matched = fuzzy;
                    exact = false;
                    break;
                }
            }
            matched = word;
            break;
        }
        if (!matched && is_cjk_at(upper, i)) {
            matched = fuzzy_label_at(upper, i);
            exact = false;
        }
        if (const std::size_t length = matched ? 0 : misread_exp_at(upper, i); length > 0) {
            hits.push_back(LabelHit{FieldKey::Expiry, i, i + length, "EXP", false});
            i += length;
            continue;
        }
        if (!matched) {
            // Step one UTF-8 character.
            const auto lead = static_cast<unsigned char>(upper[i]);
            i += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            continue;
        }
        std::size_t end = i + matched->text.size();
        if (matched->latin && matched->key == FieldKey::Expiry && end < upper.size() &&
            is_ascii_letter(upper[end])) {
            // EXP running on into EXPIRES, EXPIRATION, EXPDT is the label; into any other word
            // (EXPECTORANT, EXPRESS, EXPORT, EXPOSURE) it is that word, and the number after it is not an
            // expiry.
            if (!exp_runs_on_into_label(upper, end)) {
                i = end;
                continue;
            }
            while (end < upper.size() && is_ascii_letter(upper[end])) ++end;
        }
        if (!matched->latin && (matched->key == FieldKey::Expiry || matched->key == FieldKey::InvalidFrom ||
                                matched->key == FieldKey::ShelfLife)) {
            // 有效期满 (前请勿丢弃), 有效期内: a phrase about the expiry, not its label. 许可证有效期至,
            // 注册证有效期至: a licence's validity. 开封后有效期: the in-use period. Told as another label
            // so that its value is never taken for the medicine's expiry or shelf life, nor for the
            // value of a label next to it.
            const std::size_t floor = hits.empty() ? 0 : hits.back().end;
            const std::size_t prefix =
                std::max(document_prefix_before(upper, i, floor), in_use_before(upper, i, floor));
            const bool phrase = upper.compare(i, 9, "有效期") == 0 && i + 12 <= upper.size() &&
                                is_expiry_phrase_tail(upper.substr(i + 9, 3));
            const std::size_t in_use_value = in_use_after(upper, end);
            if (prefix > 0 || phrase || in_use_value > 0) {
                const std::size_t begin = i - prefix;
                if (phrase) end = std::max(end, i + 12);
                end += in_use_value;
                hits.push_back(
                    LabelHit{FieldKey::Other, begin, end, upper.substr(begin, end - begin), exact});
                i = end;
                continue;
            }
        }
        hits.push_back(LabelHit{matched->key, i, end, std::string(matched->text), exact});
        i = end;
    }
    // "Exp.Mfr.No.20271231", "EXPIRY LICENCE 2026.08": a word between a Latin expiry label and the
    // number after it says the number is that word's, not the expiry.
    std::vector<LabelHit> kept;
    for (std::size_t h = 0; h < hits.size(); ++h) {
        const LabelHit& hit = hits[h];
        const std::size_t stop = h + 1 < hits.size() ? hits[h + 1].begin : upper.size();
        if (hit.key == FieldKey::Expiry && !is_cjk_at(upper, hit.begin) &&
            word_before_number(upper, skip_separators(upper, hit.end), stop))
            continue;
        kept.push_back(hit);
    }
    return kept;
}

ExpiryReading parse_expiry_text(std::string_view text, const ParseOptions& options) {
    const std::string folded = fold_full_width(text);

    struct Line {
        std::string original;
        std::string compact;  // whitespace removed: OCR spaces CJK characters apart
        int index = 0;        // line number in the text given
        std::vector<LabelHit> hits;
    };
    std::vector<Line> lines;
    std::size_t start = 0;
    int line_number = 0;
    while (start <= folded.size()) {
        std::size_t end = folded.find('\n', start);
        if (end == std::string::npos) end = folded.size();
        Line line;
        line.original = trim(std::string_view(folded).substr(start, end - start));
        for (char c : line.original)
            if (!std::isspace(static_cast<unsigned char>(c))) line.compact += c;
        line.index = line_number++;
        line.hits = find_labels(line.compact);
        if (!line.compact.empty()) lines.push_back(std::move(line));
        start = end + 1;
    }

    auto plausible_expiry = [&](const Date& date) {
        if (!options.today) return true;
        const int months = months_between(*options.today, date);
        return months >= -5 * 12 && months <= 10 * 12;
    };
    auto plausible_production = [&](const Date& date) {
        if (!options.today) return true;
        const int months = months_between(*options.today, date);
        return months <= 0 && months >= -15 * 12;
    };

    // A shelf life that counts from opening, mixing or first use (开封后，有效期6个月, 有效期
    // 6个月（开封后）, 有效期 6个月内用完, a line 开封后请在 before 有效期 …): an in-use period, never added
    // to the production date (red team red33a R1, red33b F1). A 后 elsewhere (饭后服用, 服后多饮水) says
    // nothing about it.
    const auto counts_from_an_event = [&](std::size_t li, const LabelHit& hit, std::string_view value_line,
                                          std::size_t from) {
        const std::string& compact = lines[li].compact;
        if (is_in_use_period(std::string_view(compact).substr(0, hit.begin), value_line.substr(from)))
            return true;
        // The words on the line before, or before a bracketed note (开封后 / (请冷藏) / 有效期 6个月).
        if (hit.begin <= 3 && li > 0 && says_in_use(lines[li - 1].compact)) return true;
        if (hit.begin <= 3 && li > 1 &&
            (lines[li - 1].compact.starts_with("(") || lines[li - 1].compact.starts_with("（")) &&
            says_in_use(lines[li - 2].compact))
            return true;
        if (li + 1 < lines.size()) {
            const std::string& next = lines[li + 1].compact;
            if ((next.starts_with("(") || next.starts_with("（")) && is_in_use_note(next)) return true;
        }
        return false;
    };
    std::vector<DatedText> explicit_dates, production_dates;
    std::vector<int> shelf_lives;
    std::string shelf_life_source;
    std::vector<std::string> batches;
    bool printed_expiry_unread = false;
    bool day_unread = false, production_day_unread = false;
    std::optional<Date> unclosed_day;
    std::set<std::size_t> value_lines;  // lines read as the value of a label on the line before

    for (std::size_t li = 0; li < lines.size(); ++li) {
        const Line& line = lines[li];
        const std::vector<LabelHit>& hits = line.hits;
        for (std::size_t h = 0; h < hits.size(); ++h) {
            const LabelHit& hit = hits[h];
            if (hit.key == FieldKey::Other) continue;
            const std::size_t stop = h + 1 < hits.size() ? hits[h + 1].begin : line.compact.size();
            const std::size_t value_at = skip_separators(line.compact, hit.end);
            // "有效期至" alone on its line, the date on the next one.
            const bool value_on_next_line = options.value_on_next_line && value_at >= stop &&
                                            h + 1 == hits.size() && li + 1 < lines.size() &&
                                            lines[li + 1].hits.empty();
            const std::string_view value_line =
                value_on_next_line ? std::string_view(lines[li + 1].compact) : std::string_view(line.compact);
            const std::size_t from = value_on_next_line ? 0 : value_at;
            const std::string source =
                value_on_next_line ? line.original + " " + lines[li + 1].original : line.original;
            auto date = date_at(value_line, from, true, false);
            const DateRun value_run = take_date_run(value_line, from);
            const Fields value_fields = split_fields(value_run.digits_and_marks);
            const bool end_unread =
                (!value_run.digits_and_marks.empty() && from + value_run.length < value_line.size() &&
                 value_line[from + value_run.length] == kUnreadEnd) ||
                day_not_closed_after_month(value_fields);
            const bool gives_expiry = hit.key == FieldKey::Expiry || hit.key == FieldKey::InvalidFrom;
            if (const auto unclosed = unclosed_date(value_fields); unclosed && gives_expiry && !unclosed_day)
                unclosed_day = hit.key == FieldKey::InvalidFrom ? previous_day(*unclosed) : *unclosed;
            if (date && !value_on_next_line && from + take_date_run(value_line, from).length > stop)
                date.reset();
            if (date) {
                date->source = source;
                date->line = line.index;
            }
            switch (hit.key) {
                case FieldKey::Expiry:
                    if (end_unread) {
                        day_unread = true;
                        printed_expiry_unread = true;
                    } else if (date) {
                        if (plausible_expiry(date->date)) add_distinct(explicit_dates, *date);
                    } else if (auto months = shelf_life_at(value_line, from);
                               months && !counts_from_an_event(li, hit, value_line, from)) {
                        shelf_lives.push_back(*months);
                        shelf_life_source = line.original;
                    } else if (hit.canonical != "有效期") {
                        printed_expiry_unread = true;
                    }
                    break;
                case FieldKey::InvalidFrom:
                    if (!date) printed_expiry_unread = true;
                    if (end_unread) day_unread = true;
                    if (date) {
                        DatedText last_usable = *date;
                        last_usable.basis = ExpiryBasis::InvalidFrom;
                        if (date->precision == ExpiryPrecision::Month) {
                            last_usable.date = previous_day(Date{date->date.year, date->date.month, 1});
                        } else {
                            last_usable.date = previous_day(date->date);
                        }
                        if (plausible_expiry(last_usable.date)) add_distinct(explicit_dates, last_usable);
                    }
                    break;
                case FieldKey::Production:
                    if (end_unread) production_day_unread = true;
                    if (date && plausible_production(date->date)) add_distinct(production_dates, *date);
                    break;
                case FieldKey::ShelfLife:
                    if (counts_from_an_event(li, hit, value_line, from)) break;
                    if (auto months = shelf_life_at(value_line, from)) {
                        shelf_lives.push_back(*months);
                        shelf_life_source = line.original;
                    }
                    break;
                case FieldKey::Batch: {
                    std::string batch = take_batch(line.compact, hit.end, stop);
                    if (!batch.empty() && std::find(batches.begin(), batches.end(), batch) == batches.end())
                        batches.push_back(std::move(batch));
                    break;
                }
                case FieldKey::Other:
                    break;
            }
            if (value_on_next_line && date) value_lines.insert(++li);
        }
    }

    // A whole date after the production date on a line with no label: the printed expiry under a label the
    // parser does not know or could not read ("效期至 2026.06.19" with its 有 rubbed off, 使用期限, 到期日,
    // Best before: red team rt51 W3), which wins over production + shelf life. Nothing is derived beside it.
    // (A line with any label, 国药准字 and 电话 among them, is that label's.)
    const auto unlabelled_date_after = [&](const Date& made) {
        for (std::size_t li = 0; li < lines.size(); ++li) {
            if (!lines[li].hits.empty() || value_lines.count(li) > 0) continue;
            const std::string& compact = lines[li].compact;
            for (std::size_t at = 0; at < compact.size(); ++at) {
                // Latin words run into the date once spaces are gone ("Bestbefore2026.06.19").
                if (!is_digit(compact[at]) || (at > 0 && is_digit(compact[at - 1]))) continue;
                const auto date = date_at(compact, at, true, false);
                if (date && date->precision == ExpiryPrecision::Day && made < date->date &&
                    plausible_expiry(date->date))
                    return true;
                at += std::max<std::size_t>(take_date_run(compact, at).length, 1) - 1;
            }
        }
        return false;
    };

    ExpiryReading reading;
    reading.printed_expiry_unread = printed_expiry_unread && explicit_dates.empty();
    reading.day_unread = day_unread;
    reading.unclosed_day = unclosed_day;
    reading.production_day_unread = production_day_unread;
    if (batches.size() == 1) reading.batch = batches.front();
    std::sort(shelf_lives.begin(), shelf_lives.end());
    shelf_lives.erase(std::unique(shelf_lives.begin(), shelf_lives.end()), shelf_lives.end());

    auto accept = [&](const DatedText& chosen) {
        reading.expiry = chosen.date;
        reading.precision = chosen.precision;
        reading.basis = chosen.basis;
        reading.source_text = chosen.source;
        reading.source_line = chosen.line;
    };
    if (explicit_dates.size() > 1) {
        reading.contradictory = true;
    } else if (explicit_dates.size() == 1) {
        // A printed 有效期至 wins over production + shelf life; read up to its month where a day was also
        // seen, it is a day-precision date cut short (and nothing is derived while it is unread).
        if (!(day_unread && explicit_dates.front().precision == ExpiryPrecision::Month))
            accept(explicit_dates.front());
    } else if (production_dates.size() > 1 || shelf_lives.size() > 1) {
        reading.contradictory = !shelf_lives.empty() && !production_dates.empty();
    } else if (production_dates.size() == 1 && shelf_lives.size() == 1 && !printed_expiry_unread &&
               !unlabelled_date_after(production_dates.front().date)) {
        const DatedText& made = production_dates.front();
        DatedText computed = made;
        computed.basis = ExpiryBasis::ProductionPlusShelfLife;
        computed.date = add_shelf_life(
            made.precision == ExpiryPrecision::Month ? Date{made.date.year, made.date.month, 1} : made.date,
            shelf_lives.front());
        computed.source = made.source + " " + shelf_life_source;
        const bool cut_short = production_day_unread && made.precision == ExpiryPrecision::Month;
        if (plausible_expiry(computed.date) && !cut_short) accept(computed);
    }
    return reading;
}

}  // namespace medkiosk::scanner::ocr
