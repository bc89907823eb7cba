#include "medkiosk/scanner/ocr/agreement.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::scanner::ocr {

namespace {

// The date printed on the box: for 失效期 the day after the last usable day (the first of the month for
// a month-only 失效期, whose last usable day ends the month before).
Date date_printed(const ExpiryReading& reading) {
    const Date date = reading.expiry.value();
    if (reading.basis != ExpiryBasis::InvalidFrom) return date;
    if (date.day < last_day_of_month(date.year, date.month).day)
        return Date{date.year, date.month, date.day + 1};
    return date.month == 12 ? Date{date.year + 1, 1, 1} : Date{date.year, date.month + 1, 1};
}

// The digits a printed expiry was printed with: "20250930", or "202509" for a month-only date.
std::string printed_digits(const ExpiryReading& reading) {
    const Date date = date_printed(reading);
    if (reading.precision == ExpiryPrecision::Month) return std::to_string(date.year * 100 + date.month);
    return std::to_string((date.year * 100 + date.month) * 100 + date.day);
}

// Whether digit `fuller` with a stroke on its left side lost is digit `shown`: 9 and 8 without their left
// side look like 3, 6 like 5, 8 like 9.
bool left_side_lost(char fuller, char shown) {
    return (shown == '3' && (fuller == '9' || fuller == '8')) || (shown == '5' && fuller == '6') ||
           (shown == '9' && fuller == '8');
}

// Whether a reading of the value shows the date proposed with strokes it lacks: every digit in which they
// differ is one of the reading's with its left side lost in the proposal.
bool proposed_lost_a_left_side(const ExpiryReading& value, const ExpiryReading& proposed) {
    if (value.basis != proposed.basis) return false;
    const std::string seen = printed_digits(value), date = printed_digits(proposed);
    const std::size_t compared = std::min(seen.size(), date.size());
    bool differs = false;
    for (std::size_t i = 0; i < compared; ++i) {
        if (seen[i] == date[i]) continue;
        if (!left_side_lost(seen[i], date[i])) return false;
        differs = true;
    }
    return differs;
}

}  // namespace

void ReadingAgreement::add_value_reading(const ExpiryReading& reading) {
    if (reading.expiry && !reading.contradictory) value_readings_.push_back(reading);
}

void ReadingAgreement::add(const ExpiryReading& reading) {
    if (reading.contradictory) {
        contradicted_ = true;
        return;
    }
    if (reading.printed_expiry_unread) printed_expiry_seen_ = true;
    if (reading.day_unread) expiry_day_seen_ = true;
    if (reading.production_day_unread) production_day_seen_ = true;
    if (reading.unclosed_day) unclosed_days_.push_back(*reading.unclosed_day);
    if (!reading.expiry) return;
    for (const auto& earlier : dated_)
        if (*earlier.expiry != *reading.expiry || earlier.precision != reading.precision ||
            earlier.basis != reading.basis)
            contradicted_ = true;
    dated_.push_back(reading);
}

std::optional<ExpiryReading> ReadingAgreement::agreed() const {
    if (contradicted_ || dated_.empty()) return std::nullopt;
    // A frame's "2029年07月18" with no 日 speaks for that day (its 日 lost) and against any other: with a
    // date read whole it may make up the frames needed, but it never stands alone (red team rt42: a thumb
    // over 日 in some frames and over the day's last digit in others, "2029年01月1日" twice, was 01-01).
    int frames = static_cast<int>(dated_.size());
    for (const Date& unclosed : unclosed_days_) {
        if (dated_.front().precision != ExpiryPrecision::Day || unclosed != *dated_.front().expiry)
            return std::nullopt;
        ++frames;
    }
    if (frames < frames_needed_) return std::nullopt;
    if (printed_expiry_seen_ && dated_.front().basis == ExpiryBasis::ProductionPlusShelfLife)
        return std::nullopt;
    if (dated_.front().precision == ExpiryPrecision::Month &&
        (dated_.front().basis == ExpiryBasis::ProductionPlusShelfLife ? production_day_seen_
                                                                      : expiry_day_seen_))
        return std::nullopt;
    for (const ExpiryReading& value : value_readings_)
        if (proposed_lost_a_left_side(value, dated_.front())) return std::nullopt;
    ExpiryReading result = dated_.front();
    // The batch is secondary: take it only when a batch was read the same way in enough frames.
    std::map<std::string, int> batch_votes;
    for (const auto& reading : dated_)
        if (!reading.batch.empty()) ++batch_votes[reading.batch];
    result.batch.clear();
    int best = 0;
    for (const auto& [batch, votes] : batch_votes) {
        if (votes > best) {
            best = votes;
            result.batch = votes >= frames_needed_ ? batch : std::string();
        } else if (votes == best) {
            result.batch.clear();  // a tie between two batches: say nothing
        }
    }
    return result;
}

void ReadingAgreement::reset() {
    dated_.clear();
    contradicted_ = false;
    printed_expiry_seen_ = false;
    expiry_day_seen_ = false;
    production_day_seen_ = false;
    unclosed_days_.clear();
    value_readings_.clear();
}

namespace {

// The value as the parser would take it after a label: a date, a shelf life, or nothing.
struct ValueMeaning {
    std::optional<Date> date;
    ExpiryPrecision precision = ExpiryPrecision::Day;
    bool shelf_life = false;
    std::optional<Date> unclosed_day;  // see ExpiryReading::unclosed_day: no meaning of its own
    bool any() const { return date || shelf_life; }
    bool same_as(const ValueMeaning& other) const {
        return date == other.date && precision == other.precision && shelf_life == other.shelf_life;
    }
};

ValueMeaning meaning_of(const std::string& value) {
    ValueMeaning meaning;
    if (value.empty()) return meaning;
    ParseOptions options;
    options.value_on_next_line = false;
    const ExpiryReading reading = parse_expiry_text("有效期至:" + value, options);
    if (reading.expiry) {
        meaning.date = reading.expiry;
        meaning.precision = reading.precision;
        return meaning;
    }
    meaning.unclosed_day = reading.unclosed_day;
    const ExpiryReading shelf = parse_expiry_text("生产日期:2020.01.01\n有效期:" + value, options);
    meaning.shelf_life = shelf.expiry.has_value();
    return meaning;
}

// A value ending in a separator and one digit ("2030/1") is most often one cut short ("2030/12/17" with
// its end beyond a gap, a glare or the budget): it means nothing by itself.
bool cut_short(const std::string& reading) {
    const std::size_t n = reading.size();
    return n >= 2 && std::isdigit(static_cast<unsigned char>(reading[n - 1])) &&
           (reading[n - 2] == '/' || reading[n - 2] == '.' || reading[n - 2] == '-');
}

// The reading with marks that look like a 1 (']', '|', '!', 'l', 'I') taken for one, when any stand
// between digits or before 年 月 日: "2026年1]月16日" is 11月 with its second 1 seen as a bracket.
std::string ones_for_look_alikes(const std::string& reading) {
    std::string out = reading;
    bool changed = false;
    for (std::size_t i = 1; i < out.size(); ++i) {
        const char c = out[i];
        if (c != ']' && c != '|' && c != '!' && c != 'l' && c != 'I') continue;
        if (!std::isdigit(static_cast<unsigned char>(out[i - 1]))) continue;
        const bool digit_after = i + 1 < out.size() && std::isdigit(static_cast<unsigned char>(out[i + 1]));
        const std::string_view rest = std::string_view(out).substr(i + 1);
        if (digit_after || rest.starts_with("年") || rest.starts_with("月") || rest.starts_with("日")) {
            out[i] = '1';
            changed = true;
        }
    }
    return changed ? out : std::string();
}

}  // namespace

std::string vote_on_value(const std::vector<std::string>& readings) {
    std::vector<ValueMeaning> meanings;
    for (const auto& reading : readings)
        meanings.push_back(cut_short(reading) ? ValueMeaning{} : meaning_of(reading));
    // One stroke after the month and nothing more ("2027年03月1") is taken for a cell's border or a rule
    // read as a 1 (dev seed 1002, face 0, lost its month that way), not for a day: a day whose views
    // are all cut after its first digit, a 1, is the case this leaves to the other frames.
    auto shows_day = [](const std::string& reading) -> std::optional<std::string> {
        auto shown = year_month_before_day(reading);
        const char last = reading.empty() ? '\0' : reading.back();
        // "2027/05/": a slash or a dash after the month says the date goes on; only a full stop may
        // close a month-only date ("2025.05.").
        if (last == '/' || last == '-') return year_month_before_day(reading + "1");
        if (shown && (last == '1' || last == 'l' || last == 'I' || last == '|') &&
            !year_month_before_day(reading.substr(0, reading.size() - 1)))
            return std::nullopt;
        return shown;
    };
    std::optional<std::string> day_shown_after;
    for (const auto& reading : readings)
        if (!day_shown_after) day_shown_after = shows_day(reading);
    // A reading that means nothing as read but a date with its look-alike marks taken for 1s may only
    // speak against the others, never for them: two views reading "2026年1月16日" where one shows
    // "2026年1]月16日" are not sure of the month.
    std::vector<ValueMeaning> objections;
    for (std::size_t i = 0; i < readings.size(); ++i) {
        // A day cut short after its first digit ("2027年03月1" of "…15日") means no date, but it still
        // shows that something follows the month: it holds back every other reading.
        if (!cut_short(readings[i]) && day_cut_short(readings[i]))
            objections.push_back(ValueMeaning{Date{}, ExpiryPrecision::Day, false, std::nullopt});
        if (!meanings[i].any())
            if (const std::string ones = ones_for_look_alikes(readings[i]); !ones.empty())
                if (ValueMeaning meaning = meaning_of(ones); meaning.any()) objections.push_back(meaning);
    }
    std::string chosen;
    std::optional<ValueMeaning> chosen_meaning;
    for (std::size_t i = 0; i < readings.size() && !chosen_meaning; ++i) {
        if (!meanings[i].any()) continue;
        int agreeing = 0;
        bool contradicted = false;
        for (const ValueMeaning& other : meanings) {
            if (!other.any()) continue;
            if (other.same_as(meanings[i]))
                ++agreeing;
            else
                contradicted = true;
        }
        for (const ValueMeaning& objection : objections)
            if (!objection.same_as(meanings[i])) contradicted = true;
        // A reading of that day with no 日 after it agrees; of another day, or after a month-only
        // reading, it does not.
        for (const ValueMeaning& other : meanings)
            if (other.unclosed_day) {
                if (meanings[i].date == other.unclosed_day && meanings[i].precision == ExpiryPrecision::Day)
                    ++agreeing;
                else
                    contradicted = true;
            }
        if (contradicted) break;
        if (agreeing >= 2) {
            chosen = readings[i];
            chosen_meaning = meanings[i];
        }
    }
    // Only readings with no 日 after the day, all of the same day, and nothing read otherwise: the value
    // is that reading, which says no date but what it would be (ExpiryReading::unclosed_day), for the
    // frames to weigh.
    if (!chosen_meaning) {
        std::optional<std::size_t> unclosed;
        bool alone = true;
        for (std::size_t i = 0; i < readings.size(); ++i) {
            if (meanings[i].any()) alone = false;
            if (!meanings[i].unclosed_day) continue;
            if (unclosed && meanings[*unclosed].unclosed_day != meanings[i].unclosed_day) alone = false;
            if (!unclosed) unclosed = i;
        }
        if (unclosed && alone && objections.empty()) return readings[*unclosed];
    }
    const bool a_day =
        chosen_meaning && chosen_meaning->date && chosen_meaning->precision == ExpiryPrecision::Day;
    if (day_shown_after && !a_day && !(chosen_meaning && chosen_meaning->shelf_life))
        return *day_shown_after + kUnreadEnd;
    return chosen;
}

}  // namespace medkiosk::scanner::ocr
