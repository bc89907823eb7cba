#pragma once
// Understands the expiry and batch printed on a medicine box, from text an OCR engine read.
// Pure text in, reading out: no OCR here, so every printed form can be unit-tested.
//
// Forms (../shared/docs/codes.md): 有效期至2025年05月(31日), 有效期至2025.05., 有效期至2025/05/31,
// 2025-05, 20250531, EXP 05/2025, 失效期2025.06 (invalid from the first day of that month), and
// 生产日期 + 有效期24个月. Month-only dates become the last day of that month with precision Month.
// Batch after 批号 / 产品批号 / 生产批号 / LOT / BATCH.

#include <optional>
#include <string>
#include <string_view>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner::ocr {

struct ExpiryReading {
    std::optional<Date> expiry;  // empty when no trustworthy expiry is in the text
    ExpiryPrecision precision = ExpiryPrecision::Day;
    std::string batch;        // empty when none was read
    std::string source_text;  // the printed line(s) the expiry was derived from, as read
    // Two different expiries were printed (or misread) in the same text; `expiry` is then empty,
    // and a reader that saw this must not propose any date for the pack from this frame's text.
    bool contradictory = false;
};

// `text` is UTF-8, lines separated by '\n' (as Tesseract returns them). Never throws.
ExpiryReading parse_expiry_text(std::string_view text);

// Full-width digits, letters and punctuation to ASCII; other bytes unchanged. Exposed for tests.
std::string fold_full_width(std::string_view text);

// Adds months the way shelf life counts them, then steps back one day:
// 2023-03-01 + 24 → 2025-02-28. A day past the target month's end is clamped first (earlier = safer).
Date add_shelf_life(const Date& production, int months);

}  // namespace medkiosk::scanner::ocr
