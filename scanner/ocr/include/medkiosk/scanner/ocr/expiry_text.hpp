#pragma once
// Understands the expiry and batch printed on a medicine box, from text an OCR engine read.
// Pure text in, reading out: no OCR here, so every printed form can be unit-tested.
//
// Forms (../shared/docs/codes.md): 有效期至2025年05月(31日), 有效期至2025.05., 有效期至2025/05/31,
// 有效期至2025-05, 有效期至20250531, EXP 05/2025, EXP 20290315, 失效期2025.06 (invalid from the first
// day of that month), and 生产日期 + 有效期24个月. Month-only dates become the last day of that month
// with precision Month. Batch after 批号 / 产品批号 / 生产批号 / LOT / BATCH.
//
// A date is only ever taken after its label: a bare date on a box may as well be a production date,
// an approval number or a batch, and a wrong expiry is worse than none.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner::ocr {

// What a printed label announces.
enum class FieldKey {
    Expiry,       // 有效期至, 有效期, 有效日期, EXP, Exp., Use by, Expiry
    InvalidFrom,  // 失效期, 失效日期: the first day the medicine may no longer be used
    Production,   // 生产日期, MFG, MFD
    ShelfLife,    // 保质期 (and 有效期 followed by "24个月")
    Batch,        // 批号, 产品批号, 生产批号, LOT, BATCH
    Other,        // 国药准字, 批准文号, 电话, TEL, 邮编, 传真 …: numbers that are never dates
};

// Where the expiry came from, so two frames agree only when they read it the same way.
enum class ExpiryBasis { Printed, InvalidFrom, ProductionPlusShelfLife };

struct LabelHit {
    FieldKey key = FieldKey::Other;
    std::size_t begin = 0;  // byte range of the label in the text searched
    std::size_t end = 0;
    std::string canonical;  // the label as printed when read right ("有效期至", "EXP")
    bool exact = true;      // false: one character of a 4-character Chinese label was misread
};

// The labels in one line of text with no whitespace in it (OCR spaces CJK characters apart: remove
// it first). Latin labels match any case and not inside a word ("PILOT"). A 4-character Chinese
// label still matches with one character misread, unless that would also make it another label.
// Not an expiry label: EXP starting another word (EXPECTORANT, EXPORT) or followed by another word
// before its number (Exp.Mfr.No.), nor 有效期 after a document's name (许可证有效期至) or in a phrase
// (有效期满, 有效期内), nor an in-use period's (开封后有效期, 有效期：开封后6个月): those are told as
// FieldKey::Other.
std::vector<LabelHit> find_labels(std::string_view compact_line);

// Whether text (no whitespace) holds a word saying "after opening, mixing, first use" (开封后, 溶解后, 首次
// 使用后, OCR's "-封后"), not a direction such as 饭后 or 服用后.
bool says_in_use(std::string_view compact);
// Whether text is such a note and nothing more ("（开封后）", "once opened"): not an instruction that only
// begins with it ("开封后请冷藏").
bool is_in_use_note(std::string_view compact);
// Whether a period read after a shelf-life label counts from such an event: `before` is its line's text
// before the label, `value` the text after it ("开封后6个月", "6个月（开封后）", "6个月内用完").
bool is_in_use_period(std::string_view before, std::string_view value);

struct ExpiryReading {
    std::optional<Date> expiry;  // empty when no trustworthy expiry is in the text
    ExpiryPrecision precision = ExpiryPrecision::Day;
    ExpiryBasis basis = ExpiryBasis::Printed;
    std::string batch;        // empty when none was read
    std::string source_text;  // the printed line(s) the expiry was derived from, as read
    int source_line = -1;     // index of the (first) line of `source_text` in the text given
    // Two different expiries were printed (or misread) in the same text; `expiry` is then empty,
    // and a reader that saw this must not propose any date for the pack from this frame's text.
    bool contradictory = false;
    // A label that only ever announces a printed date (有效期至, EXP, 失效期 …, not the 有效期 that
    // may announce a shelf life) was read without a date after it ("有效期至:?" from the reader): a
    // printed expiry is on the box and wins over production + shelf life, so no date is derived from
    // those while it is unread (codes.md). Cleared only by reading that date.
    bool printed_expiry_unread = false;
    // A printed expiry (or 失效期) was read up to its month with a day after it that could not be read
    // ("有效期至:2025.05.?" from the reader): the date printed has a day, so a month-only reading of it,
    // in this frame or another, is that date cut short and must not be proposed.
    bool day_unread = false;
    // The same for a production date: a month-only production date is then no base for a shelf life.
    bool production_day_unread = false;
    // A printed expiry (or 失效期) read with a number after its month and no 日 closing it ("有效期至
    // 2029年07月18"): the day with its 日 lost, or a count set close after a month-only date ("2029年07月
    // 24粒", its unit lost). No date comes of it (`day_unread` is set), but what it would be, as the
    // last usable day: another frame's reading of that day may be taken with it, of another day not.
    std::optional<Date> unclosed_day;
};

struct ParseOptions {
    // The kiosk's day. When set, an expiry more than 5 years before it or 10 years after it, or a
    // production date after it, is taken for a misreading and ignored.
    std::optional<Date> today;
    // Text-only input ("有效期至\n2027.09") puts a value on the line under its label. A reader that
    // has already placed each value beside its label turns this off.
    bool value_on_next_line = true;
};

// What a reader writes after a date it read up to its month, when digits of a day followed that it could
// not read: "有效期至:2025.05.?". The parser takes no date from it (see ExpiryReading::day_unread); any
// date run ending in this mark is such an unread end.
constexpr char kUnreadEnd = '?';

// The year and month of a value as read when more digits follow them, valid date or not: "2025.05.3",
// "2025.05.31", "2025年05月3", "2025053", "2025.053" give "2025.05.", "2025年05月", "202505", "2025.05.";
// nothing when no digit follows the month ("2025.05.", "2025年05月"). One view of a printed date that shows
// digits after its month means another view's "2025.05" is that date cut short, not a month-only date.
std::optional<std::string> year_month_before_day(std::string_view value);

// Whether a value reads as a date whose one-digit day follows a two-digit month with no 日 after it
// ("2027.08.2", "2028年12月2"): a day cut short, which the parser takes no date from.
bool day_cut_short(std::string_view value);

// `text` is UTF-8, lines separated by '\n' (as Tesseract returns them). Never throws.
ExpiryReading parse_expiry_text(std::string_view text, const ParseOptions& options = {});

// Full-width digits, letters and punctuation to ASCII; other bytes unchanged. Exposed for tests.
std::string fold_full_width(std::string_view text);

// Adds months the way shelf life counts them, then steps back one day:
// 2023-03-01 + 24 → 2025-02-28. A day past the target month's end is clamped first (earlier = safer).
Date add_shelf_life(const Date& production, int months);

}  // namespace medkiosk::scanner::ocr
