#include "label_faces.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::test::ocr {
namespace {

using scanner::Date;
using scanner::ExpiryPrecision;

class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}
    int integer(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
    double real(double low, double high) {
        return std::uniform_real_distribution<double>(low, high)(engine_);
    }
    bool chance(double p) { return real(0, 1) < p; }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(integer(0, static_cast<int>(items.size()) - 1))];
    }

  private:
    std::mt19937_64 engine_;
};

std::string run_fc_match(const std::string& family, const std::string& style = "Regular") {
    const std::string command = "fc-match -f '%{file}\\t%{index}\\t%{style}\\t%{family}' '" + family +
                                ":style=" + style + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return {};
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe.get())) out += buffer;
    return out;
}

std::string two(int value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", value);
    return buffer;
}

Date last_day(int year, int month) {
    return scanner::last_day_of_month(year, month);
}

Date day_before(const Date& date) {
    if (date.day > 1) return Date{date.year, date.month, date.day - 1};
    if (date.month > 1) return last_day(date.year, date.month - 1);
    return Date{date.year - 1, 12, 31};
}

Date plus_months_minus_day(const Date& made, int months) {
    const int total = made.year * 12 + made.month - 1 + months;
    const int year = total / 12, month = total % 12 + 1;
    return day_before(Date{year, month, std::min(made.day, last_day(year, month).day)});
}

// "2025" → "２０２５", "." → "．" …: the full-width forms a Chinese typesetter may use.
std::string to_full_width(const std::string& text) {
    std::string out;
    for (char c : text) {
        const auto code = static_cast<unsigned char>(c);
        if (code >= 0x21 && code <= 0x7E) {
            const std::uint32_t wide = 0xFF01 + (code - 0x21u);
            out += static_cast<char>(0xE0 | (wide >> 12));
            out += static_cast<char>(0x80 | ((wide >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (wide & 0x3F));
        } else {
            out += c;
        }
    }
    return out;
}

// "2025.05" → "2 0 2 5 . 0 5" (ASCII characters only; 年 月 日 stay joined to their digits).
std::string spaced(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        const bool ascii = static_cast<unsigned char>(text[i]) < 0x80;
        const bool next_ascii = i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x80;
        if (ascii && next_ascii) out += ' ';
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// What the field block says.

enum class Role { Expiry, Production, ShelfLife, Batch, Other };

struct Field {
    std::string label;  // printed with the label ink
    std::string value;  // printed with the value ink
    Role role = Role::Other;
};

std::string date_value(Form form, const Date& date, bool trailing_dot, bool unpadded) {
    const std::string y = std::to_string(date.year);
    const std::string m = unpadded ? std::to_string(date.month) : two(date.month);
    const std::string d = unpadded ? std::to_string(date.day) : two(date.day);
    switch (form) {
        case Form::CnYearMonth:
            return y + "年" + m + "月";
        case Form::CnYearMonthDay:
            return y + "年" + m + "月" + d + "日";
        case Form::DotMonth:
        case Form::InvalidFrom:
            return y + "." + m + (trailing_dot ? "." : "");
        case Form::DotDay:
        case Form::PrintedAndShelfLife:
            return y + "." + m + "." + d;
        case Form::SlashDay:
            return y + "/" + m + "/" + d;
        case Form::DashMonth:
            return y + "-" + m;
        case Form::CompactDay:
        case Form::ExpCompact:
            return y + m + d;
        case Form::ExpMonthYear:
            return m + "/" + y;
        case Form::ExpIso:
            return y + "-" + m + "-" + d;
        case Form::ProductionShelfLife:
        case Form::None:
            return y + "." + m + "." + d;
    }
    return y;
}

struct Content {
    std::vector<Field> fields;
    std::string batch;
    std::optional<Date> expiry;
    ExpiryPrecision precision = ExpiryPrecision::Day;
};

std::string batch_text(const FaceSpec& spec, Random& random) {
    if (spec.date_like_batch) {
        const Date& p = spec.production;
        return random.chance(0.5) ? std::to_string(p.year) + two(p.month) + two(p.day)
                                  : two(p.year % 100) + two(p.month) + two(p.day);
    }
    static const std::vector<std::string> letters{"B", "A", "H", "C", "P", "K", ""};
    std::string batch = random.pick(letters);
    const int digits = batch.empty() ? 8 : random.integer(5, 7);
    for (int i = 0; i < digits; ++i) batch += static_cast<char>('0' + random.integer(0, 9));
    return batch;
}

std::string production_value(const FaceSpec& spec, Random& random) {
    const Date& p = spec.production;
    const std::string y = std::to_string(p.year), m = two(p.month), d = two(p.day);
    switch (random.integer(0, 4)) {
        case 0:
            return y + "." + m + "." + d;
        case 1:
            return y + m + d;
        case 2:
            return y + "/" + m + "/" + d;
        case 3:
            return y + "年" + m + "月" + d + "日";
        default:
            return y + "-" + m + "-" + d;
    }
}

Content make_content(const FaceSpec& spec, Random& random) {
    Content content;
    const bool english = spec.english_labels;
    auto value_text = [&](std::string value) {
        if (spec.spaced_digits) value = spaced(value);
        if (spec.full_width_digits) value = to_full_width(value);
        return value;
    };
    const std::string sep = spec.separator;
    std::string batch_label = english
                                  ? random.pick(std::vector<std::string>{"LOT", "Lot", "Batch", "LOT No."})
                                  : random.pick(std::vector<std::string>{"批号", "产品批号", "生产批号"});
    if (!spec.batch_label.empty()) batch_label = spec.batch_label;
    content.batch = batch_text(spec, random);
    content.fields.push_back({batch_label + sep, content.batch, Role::Batch});
    const bool needs_production =
        spec.form == Form::ProductionShelfLife || spec.form == Form::PrintedAndShelfLife;
    if (spec.with_production || needs_production || spec.form == Form::None) {
        const std::string label =
            english ? random.pick(std::vector<std::string>{"MFG", "MFD", "Mfg."}) : std::string("生产日期");
        std::string value = production_value(spec, random);
        if (english && value.find("年") != std::string::npos)
            value = std::to_string(spec.production.year) + "-" + two(spec.production.month) + "-" +
                    two(spec.production.day);
        content.fields.push_back({label + sep, value_text(value), Role::Production});
    }
    const Date& d = spec.date;
    switch (spec.form) {
        case Form::None:
            break;
        case Form::ProductionShelfLife: {
            content.fields.push_back(
                {"有效期" + sep, std::to_string(spec.shelf_months) + "个月", Role::ShelfLife});
            content.expiry = plus_months_minus_day(spec.production, spec.shelf_months);
            content.precision = ExpiryPrecision::Day;
            break;
        }
        case Form::PrintedAndShelfLife: {
            content.fields.push_back({spec.expiry_label + sep,
                                      value_text(date_value(spec.form, d, spec.trailing_dot, spec.unpadded)),
                                      Role::Expiry});
            content.fields.push_back(
                {"有效期" + sep, std::to_string(spec.shelf_months) + "个月", Role::ShelfLife});
            content.expiry = d;
            content.precision = ExpiryPrecision::Day;
            break;
        }
        case Form::InvalidFrom: {
            // 失效期 whatever the spec says: the form is its label.
            const std::string label = spec.expiry_label.rfind("失", 0) == 0 ? spec.expiry_label : "失效期";
            content.fields.push_back({label + sep,
                                      value_text(date_value(spec.form, d, spec.trailing_dot, spec.unpadded)),
                                      Role::Expiry});
            content.expiry = day_before(Date{d.year, d.month, 1});
            content.precision = ExpiryPrecision::Month;
            break;
        }
        default: {
            content.fields.push_back({spec.expiry_label + sep,
                                      value_text(date_value(spec.form, d, spec.trailing_dot, spec.unpadded)),
                                      Role::Expiry});
            const bool month_only = spec.form == Form::CnYearMonth || spec.form == Form::DotMonth ||
                                    spec.form == Form::DashMonth || spec.form == Form::ExpMonthYear;
            content.expiry = month_only ? last_day(d.year, d.month) : d;
            content.precision = month_only ? ExpiryPrecision::Month : ExpiryPrecision::Day;
            break;
        }
    }
    if (!spec.extra_fields) return content;
    // Numbers that look like dates but are not one, inside the block on some faces.
    if (random.chance(0.25))
        content.fields.push_back({english ? "Reg. No." : "国药准字",
                                  random.pick(std::vector<std::string>{"H", "Z", "S"}) +
                                      std::to_string(spec.production.year - random.integer(5, 20)) +
                                      two(random.integer(1, 12)) + two(random.integer(1, 28)),
                                  Role::Other});
    if (spec.form == Form::None && random.chance(0.6))
        content.fields.push_back({english ? "Tel" + sep : "电话" + sep,
                                  "0571-" + std::to_string(random.integer(20000000, 89999999)), Role::Other});
    // The expiry is not always last: shuffle everything but keep production above a shelf life.
    if (random.chance(0.3) && content.fields.size() >= 3)
        std::swap(content.fields[0], content.fields[content.fields.size() - 1]);
    return content;
}

// ---------------------------------------------------------------------------------------------
// Drawing text in an ink style.

struct InkStyle {
    Ink ink = Ink::Offset;
    cv::Scalar colour;     // the ink (or, for embossed, the shadow side)
    cv::Scalar substrate;  // what is under it (for embossed and laser)
};

class Typesetter {
  public:
    explicit Typesetter(const std::vector<LabelFont>& fonts) : fonts_(fonts) {}

    cv::Ptr<cv::freetype::FreeType2> font(int index) {
        auto& ft = cache_[index];
        if (!ft) {
            const LabelFont& f = fonts_.at(static_cast<std::size_t>(index));
            ft = cv::freetype::createFreeType2();
            ft->loadFontData(f.file, f.face_index);
        }
        return ft;
    }
    cv::Size measure(int font_index, const std::string& text, int size) {
        int width = 0;
        for (const auto& [run, run_font] : runs(font_index, text)) {
            int baseline = 0;
            width += font(run_font)->getTextSize(run, size, -1, &baseline).width;
        }
        return {width, static_cast<int>(size * 1.3)};
    }
    // Draws `text` with its top-left at `at`; returns the ink's bounding box (empty when none).
    cv::Rect draw(cv::Mat& canvas, const std::string& text, int font_index, int size, cv::Point at,
                  const InkStyle& style, Random& random);

    // A font without Latin letters (Droid Sans Fallback) gets them from a font that has them, the way
    // a typesetting program falls back: the text is split into runs of one font each.
    std::vector<std::pair<std::string, int>> runs(int font_index, const std::string& text) {
        const LabelFont& f = fonts_.at(static_cast<std::size_t>(font_index));
        if (f.has_latin) return {{text, font_index}};
        int latin = font_index;
        for (std::size_t i = 0; i < fonts_.size(); ++i)
            if (fonts_[i].has_latin) {
                latin = static_cast<int>(i);
                break;
            }
        std::vector<std::pair<std::string, int>> out;
        std::size_t i = 0;
        while (i < text.size()) {
            const bool ascii = static_cast<unsigned char>(text[i]) < 0x80;
            std::size_t j = i;
            while (j < text.size() && (static_cast<unsigned char>(text[j]) < 0x80) == ascii) ++j;
            while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
            out.emplace_back(text.substr(i, j - i), ascii ? latin : font_index);
            i = j;
        }
        return out;
    }

  private:
    const std::vector<LabelFont>& fonts_;
    std::map<int, cv::Ptr<cv::freetype::FreeType2>> cache_;
};

cv::Rect Typesetter::draw(cv::Mat& canvas, const std::string& text, int font_index, int size, cv::Point at,
                          const InkStyle& style, Random& random) {
    if (text.empty()) return {};
    const cv::Size box = measure(font_index, text, size);
    const int pad = size / 2 + 4;
    cv::Mat plate(box.height + 2 * pad, box.width + 2 * pad, CV_8UC3, cv::Scalar::all(0));
    int x = pad;
    for (const auto& [run, run_font] : runs(font_index, text)) {
        font(run_font)->putText(plate, run, cv::Point(x, pad / 2), size, cv::Scalar::all(255), -1,
                                cv::LINE_AA, false);
        int baseline = 0;
        x += font(run_font)->getTextSize(run, size, -1, &baseline).width;
    }
    cv::Mat mask;
    cv::cvtColor(plate, mask, cv::COLOR_BGR2GRAY);
    mask.convertTo(mask, CV_32F, 1.0 / 255);

    if (style.ink == Ink::Inkjet) {
        // Continuous inkjet: the glyph sampled on a coarse grid, one round dot per grid point.
        // Printers use a 5×7-style matrix for digits and a 16×16 one for Chinese characters.
        const bool chinese = std::any_of(text.begin(), text.end(),
                                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        const double pitch = std::max(2.0, size / (chinese ? random.real(15, 17) : random.real(9, 11)));
        const double radius = pitch * random.real(0.3, 0.42);
        // A stroke thinner than the grid still gets its dots: sample the glyph's local maximum.
        const int reach = static_cast<int>(pitch * 0.6) | 1;
        cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {reach, reach}));
        cv::Mat dots(mask.size(), CV_32F, cv::Scalar(0));
        for (double gy = pitch / 2; gy < mask.rows; gy += pitch)
            for (double gx = pitch / 2; gx < mask.cols; gx += pitch) {
                if (mask.at<float>(static_cast<int>(gy), static_cast<int>(gx)) < 0.3f) continue;
                const cv::Point2d jitter(random.real(-0.12, 0.12) * pitch, random.real(-0.12, 0.12) * pitch);
                cv::circle(dots, cv::Point(static_cast<int>(gx + jitter.x), static_cast<int>(gy + jitter.y)),
                           std::max(1, static_cast<int>(std::lround(radius))), cv::Scalar(1), cv::FILLED,
                           cv::LINE_AA);
            }
        cv::GaussianBlur(dots, mask, cv::Size(0, 0), std::max(0.4, radius * 0.25));
    } else if (style.ink == Ink::Laser) {
        // Laser ablation: slightly ragged edges.
        cv::Mat rough(mask.size(), CV_32F);
        cv::randu(rough, cv::Scalar(-0.35), cv::Scalar(0.35));
        cv::GaussianBlur(rough, rough, cv::Size(0, 0), 0.8);
        mask += rough;
        cv::threshold(mask, mask, 0.5, 1.0, cv::THRESH_BINARY);
        cv::GaussianBlur(mask, mask, cv::Size(0, 0), 0.6);
    }

    const cv::Rect target(at.x - pad, at.y - pad / 2, plate.cols, plate.rows);
    const cv::Rect clipped = target & cv::Rect(0, 0, canvas.cols, canvas.rows);
    if (clipped.area() <= 0) return {};
    const cv::Rect in_plate(clipped.x - target.x, clipped.y - target.y, clipped.width, clipped.height);
    cv::Mat region = canvas(clipped);
    cv::Mat m = mask(in_plate);
    auto blend = [&](const cv::Mat& weight, const cv::Scalar& colour) {
        cv::Mat region_f;
        region.convertTo(region_f, CV_32FC3);
        cv::Mat w3;
        cv::merge(std::vector<cv::Mat>{weight, weight, weight}, w3);
        cv::Mat ink(region.size(), CV_32FC3, colour);
        region_f = region_f.mul(cv::Scalar::all(1.0) - w3) + ink.mul(w3);
        region_f.convertTo(region, CV_8UC3);
    };
    if (style.ink == Ink::Embossed) {
        // Raised print in the paper's own colour: only its lit and shaded edges show.
        const int offset = std::max(1, size / 18);
        cv::Mat shifted_light, shifted_dark;
        const cv::Mat up = (cv::Mat_<double>(2, 3) << 1, 0, -offset, 0, 1, -offset);
        const cv::Mat down = (cv::Mat_<double>(2, 3) << 1, 0, offset, 0, 1, offset);
        cv::warpAffine(m, shifted_light, up, m.size());
        cv::warpAffine(m, shifted_dark, down, m.size());
        blend(shifted_light * 0.9, style.substrate + cv::Scalar::all(45));
        blend(shifted_dark * 0.9, style.colour);
        blend(m, style.substrate - cv::Scalar::all(28));
    } else {
        blend(m, style.colour);
    }
    cv::Mat ink_mask;
    cv::threshold(m, ink_mask, 0.3, 255, cv::THRESH_BINARY);
    ink_mask.convertTo(ink_mask, CV_8U);
    cv::Rect ink = cv::boundingRect(ink_mask);
    if (ink.area() <= 0) return {};
    return ink + clipped.tl();
}

// ---------------------------------------------------------------------------------------------
// The field block: a list of drawing operations relative to the block's top-left corner.

struct TextOp {
    std::string text;
    int font = 0;
    int size = 0;
    cv::Point at;
    bool value = false;   // value ink, else label ink
    bool expiry = false;  // part of the expiry value (for the truth box)
};
struct LineOp {
    cv::Point from, to;
};
struct Block {
    cv::Size size;
    std::vector<TextOp> texts;
    std::vector<LineOp> lines;
    std::vector<std::string> printed_lines;
};

Block lay_out_block(const FaceSpec& spec, const Content& content, Typesetter& type, Random& random) {
    Block block;
    const int size = static_cast<int>(spec.block_px);
    const int line_step = static_cast<int>(size * random.real(1.45, 1.9));
    const int gap = static_cast<int>(size * random.real(0.25, 0.7));
    const int cell_pad = size / 3 + 4;
    auto width_of = [&](const std::string& text, bool value) {
        return text.empty() ? 0 : type.measure(value ? spec.value_font : spec.label_font, text, size).width;
    };
    auto add_text = [&](const std::string& text, cv::Point at, bool value, bool expiry) {
        if (text.empty()) return;
        // Inkjet/laser values are added on the packing line: a little off the printed label's line.
        if (value && spec.value_ink != spec.label_ink) at.y += random.integer(-size / 6, size / 6);
        block.texts.push_back({text, value ? spec.value_font : spec.label_font, size, at, value, expiry});
    };
    std::vector<std::pair<int, int>> widths;  // label, value
    int widest_label = 0, widest_value = 0;
    for (const Field& f : content.fields) {
        widths.emplace_back(width_of(f.label, false), width_of(f.value, true));
        widest_label = std::max(widest_label, widths.back().first);
        widest_value = std::max(widest_value, widths.back().second);
        block.printed_lines.push_back(f.label + " " + f.value);
    }
    const int n = static_cast<int>(content.fields.size());
    auto is_expiry = [](const Field& f) { return f.role == Role::Expiry; };

    switch (spec.layout) {
        case Layout::Rows:
        case Layout::Sticker: {
            const bool aligned = random.chance(0.5);  // values in a column, or right after each label
            int y = cell_pad, right = 0;
            for (int i = 0; i < n; ++i) {
                const Field& f = content.fields[static_cast<std::size_t>(i)];
                add_text(f.label, {cell_pad, y}, false, false);
                const int vx = cell_pad + (aligned ? widest_label + gap
                                                   : widths[static_cast<std::size_t>(i)].first + gap / 2);
                add_text(f.value, {vx, y}, true, is_expiry(f));
                right = std::max(right, vx + widths[static_cast<std::size_t>(i)].second);
                y += line_step;
            }
            block.size = {right + cell_pad, y - line_step + size * 13 / 10 + cell_pad};
            break;
        }
        case Layout::Inline: {
            // Two fields a line, far apart: "批号 B2303  有效期至 2025.05".
            int y = cell_pad, right = 0;
            const int spacing = size * random.integer(2, 4);
            for (int i = 0; i < n; i += 2) {
                int x = cell_pad;
                for (int k = i; k < std::min(n, i + 2); ++k) {
                    const Field& f = content.fields[static_cast<std::size_t>(k)];
                    add_text(f.label, {x, y}, false, false);
                    x += widths[static_cast<std::size_t>(k)].first + gap / 2;
                    add_text(f.value, {x, y}, true, is_expiry(f));
                    x += widths[static_cast<std::size_t>(k)].second + spacing;
                }
                right = std::max(right, x - spacing);
                y += line_step;
            }
            block.size = {right + cell_pad, y - line_step + size * 13 / 10 + cell_pad};
            break;
        }
        case Layout::Stacked: {
            // The label on one line, its value on the next.
            int y = cell_pad, right = 0;
            const int indent = random.chance(0.5) ? 0 : size;
            for (int i = 0; i < n; ++i) {
                const Field& f = content.fields[static_cast<std::size_t>(i)];
                std::string label = f.label;
                while (!label.empty() && (label.back() == ':' || label.back() == ' ')) label.pop_back();
                if (label.size() >= 3 && label.compare(label.size() - 3, 3, "：") == 0)
                    label.resize(label.size() - 3);
                add_text(label, {cell_pad, y}, false, false);
                y += line_step * 4 / 5;
                add_text(f.value, {cell_pad + indent, y}, true, is_expiry(f));
                right = std::max({right, cell_pad + width_of(label, false),
                                  cell_pad + indent + widths[static_cast<std::size_t>(i)].second});
                y += line_step;
            }
            block.size = {right + cell_pad, y - line_step + size * 13 / 10 + cell_pad};
            break;
        }
        case Layout::Table: {
            // Label cell | value cell, one row per field, thin rules.
            const int row_h = size * 13 / 10 + 2 * cell_pad;
            const int col1 = widest_label + 2 * cell_pad, col2 = widest_value + 2 * cell_pad;
            for (int i = 0; i < n; ++i) {
                const Field& f = content.fields[static_cast<std::size_t>(i)];
                std::string label = f.label;
                while (!label.empty() && (label.back() == ':' || label.back() == ' ')) label.pop_back();
                add_text(label, {cell_pad, i * row_h + cell_pad}, false, false);
                add_text(f.value, {col1 + cell_pad, i * row_h + cell_pad}, true, is_expiry(f));
            }
            block.size = {col1 + col2 + 1, n * row_h + 1};
            for (int i = 0; i <= n; ++i) block.lines.push_back({{0, i * row_h}, {col1 + col2, i * row_h}});
            for (int x : {0, col1, col1 + col2}) block.lines.push_back({{x, 0}, {x, n * row_h}});
            break;
        }
        case Layout::Columns: {
            // Labels in a header row, each value in the cell under its label.
            const int row_h = size * 13 / 10 + 2 * cell_pad;
            int x = 0;
            std::vector<int> edges{0};
            for (int i = 0; i < n; ++i) {
                const Field& f = content.fields[static_cast<std::size_t>(i)];
                std::string label = f.label;
                while (!label.empty() && (label.back() == ':' || label.back() == ' ')) label.pop_back();
                const int col = std::max(width_of(label, false), widths[static_cast<std::size_t>(i)].second) +
                                2 * cell_pad;
                add_text(label, {x + cell_pad, cell_pad}, false, false);
                add_text(f.value, {x + cell_pad, row_h + cell_pad}, true, is_expiry(f));
                x += col;
                edges.push_back(x);
            }
            block.size = {x + 1, 2 * row_h + 1};
            for (int r = 0; r <= 2; ++r) block.lines.push_back({{0, r * row_h}, {x, r * row_h}});
            for (int e : edges) block.lines.push_back({{e, 0}, {e, 2 * row_h}});
            break;
        }
        case Layout::FramedRow: {
            // One framed row of cells: [产品批号 X | 生产日期 Y | 有效期至 Z].
            const int row_h = size * 13 / 10 + 2 * cell_pad;
            int x = 0;
            std::vector<int> edges{0};
            for (int i = 0; i < n; ++i) {
                const Field& f = content.fields[static_cast<std::size_t>(i)];
                add_text(f.label, {x + cell_pad, cell_pad}, false, false);
                const int vx = x + cell_pad + widths[static_cast<std::size_t>(i)].first + gap / 2;
                add_text(f.value, {vx, cell_pad}, true, is_expiry(f));
                x = vx + widths[static_cast<std::size_t>(i)].second + cell_pad;
                edges.push_back(x);
            }
            block.size = {x + 1, row_h + 1};
            block.lines.push_back({{0, 0}, {x, 0}});
            block.lines.push_back({{0, row_h}, {x, row_h}});
            for (int e : edges) block.lines.push_back({{e, 0}, {e, row_h}});
            break;
        }
    }
    if (spec.frame_block && block.lines.empty()) {
        const int w = block.size.width, h = block.size.height;
        block.lines.push_back({{0, 0}, {w - 1, 0}});
        block.lines.push_back({{0, h - 1}, {w - 1, h - 1}});
        block.lines.push_back({{0, 0}, {0, h - 1}});
        block.lines.push_back({{w - 1, 0}, {w - 1, h - 1}});
    }
    return block;
}

// ---------------------------------------------------------------------------------------------
// The rest of the face.

const std::vector<std::string> kZhTitles{"布洛芬缓释胶囊", "对乙酰氨基酚片", "复方氨酚烷胺片", "阿莫西林胶囊",
                                         "连花清瘟胶囊",   "蒙脱石散",       "氯雷他定片",     "奥司他韦胶囊",
                                         "头孢克肟分散片", "维生素C咀嚼片",  "藿香正气水",     "板蓝根颗粒"};
const std::vector<std::string> kEnTitles{"Ibuprofen Tablets",   "Paracetamol 500 mg", "Loratadine Tablets",
                                         "Oseltamivir",         "Amoxicillin 250 mg", "Cetirizine 10 mg",
                                         "Omeprazole Capsules", "Vitamin C"};
const std::vector<std::string> kZhClutter{"规格：0.3g×20粒",
                                          "贮藏：密封，在阴凉干燥处保存",
                                          "用法用量：口服，一次1片，一日2次",
                                          "本品为白色或类白色片",
                                          "请仔细阅读说明书并按说明使用",
                                          "OTC 非处方药",
                                          "某某制药有限公司",
                                          "地址：浙江省杭州市滨江区江南大道",
                                          "成份：本品每片含主要成份",
                                          "不良反应：详见说明书",
                                          "注意事项：孕妇及哺乳期妇女慎用",
                                          "适应症：用于缓解轻至中度疼痛",
                                          "邮政编码：310052",
                                          "电话：400-820-1234",
                                          "国药准字H20013062",
                                          "包装：铝塑包装，每盒20片"};
const std::vector<std::string> kEnClutter{"Store below 25°C",
                                          "Keep out of reach of children",
                                          "20 tablets",
                                          "Read the leaflet before use",
                                          "Made by Example Pharma Ltd.",
                                          "For oral use only",
                                          "Each tablet contains 500 mg",
                                          "Tel 0571-88776655"};

cv::Scalar jitter_colour(Random& random, cv::Scalar base, int amount) {
    for (int c = 0; c < 3; ++c) base[c] = std::clamp(base[c] + random.integer(-amount, amount), 0.0, 255.0);
    return base;
}

void draw_barcode(cv::Mat& face, cv::Rect where, cv::Scalar ink, Random& random) {
    for (int x = 0; x < where.width;) {
        const int w = random.integer(1, 4);
        if (random.chance(0.5))
            cv::rectangle(face, cv::Rect(where.x + x, where.y, w, where.height), ink, cv::FILLED);
        x += w;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view form_name(Form form) {
    switch (form) {
        case Form::CnYearMonth:
            return "cn-year-month";
        case Form::CnYearMonthDay:
            return "cn-year-month-day";
        case Form::DotMonth:
            return "dot-month";
        case Form::DotDay:
            return "dot-day";
        case Form::SlashDay:
            return "slash-day";
        case Form::DashMonth:
            return "dash-month";
        case Form::CompactDay:
            return "compact-day";
        case Form::ExpMonthYear:
            return "exp-month-year";
        case Form::ExpCompact:
            return "exp-compact";
        case Form::ExpIso:
            return "exp-iso";
        case Form::InvalidFrom:
            return "invalid-from";
        case Form::ProductionShelfLife:
            return "production-shelf-life";
        case Form::PrintedAndShelfLife:
            return "printed-and-shelf-life";
        case Form::None:
            return "none";
    }
    return "?";
}

std::string_view layout_name(Layout layout) {
    static constexpr std::string_view kNames[] = {"rows",    "inline",     "stacked", "table",
                                                  "columns", "framed-row", "sticker"};
    return kNames[static_cast<int>(layout)];
}

std::string_view ink_name(Ink ink) {
    static constexpr std::string_view kNames[] = {"offset", "grey", "inkjet", "laser", "embossed"};
    return kNames[static_cast<int>(ink)];
}

std::vector<LabelFont> find_label_fonts() {
    struct Wanted {
        const char* family;
        bool chinese;
        bool latin = true;
    };
    // The families deploy/setup.sh installs (fonts-noto-cjk, fonts-wqy-microhei, fonts-wqy-zenhei,
    // fonts-arphic-ukai, fonts-arphic-uming, fonts-arphic-gbsn00lp, fonts-droid-fallback,
    // fonts-dejavu-core, fonts-liberation2, fonts-noto-mono).
    static constexpr Wanted kWanted[] = {
        {"Noto Sans CJK SC", true},    {"Noto Serif CJK SC", true}, {"Noto Sans Mono CJK SC", true},
        {"WenQuanYi Micro Hei", true}, {"WenQuanYi Zen Hei", true}, {"AR PL UKai CN", true},
        {"AR PL UMing CN", true},      {"AR PL SungtiL GB", true},  {"Droid Sans Fallback", true, false},
        {"DejaVu Sans", false},        {"DejaVu Serif", false},     {"DejaVu Sans Mono", false},
        {"Liberation Sans", false},    {"Liberation Serif", false}, {"Liberation Mono", false},
        {"Noto Mono", false}};
    std::vector<LabelFont> fonts;
    for (const auto& wanted : kWanted)
        if (auto found = find_font(wanted.family, "Regular")) {
            found->has_chinese = wanted.chinese;
            found->has_latin = wanted.latin;
            fonts.push_back(*found);
        }
    return fonts;
}

std::optional<LabelFont> find_font(const std::string& wanted_family, const std::string& style) {
    // fontconfig's answer: file, face index, its styles (comma-separated, in several languages), family.
    std::vector<std::string> fields;
    std::stringstream out(run_fc_match(wanted_family, style));
    for (std::string field; std::getline(out, field, '\t');) fields.push_back(field);
    if (fields.size() != 4) return std::nullopt;
    if (fields[3].find(wanted_family) == std::string::npos) return std::nullopt;  // fontconfig fell back
    // A regular face goes by many names ("Regular", "Light", "Book"); any other style must be the one asked.
    std::vector<std::string> styles;
    std::stringstream style_list(fields[2]);
    for (std::string name; std::getline(style_list, name, ',');) styles.push_back(name);
    if (style != "Regular" && std::find(styles.begin(), styles.end(), style) == styles.end())
        return std::nullopt;
    return LabelFont{wanted_family, fields[0], std::stoi(fields[1]), true, true};
}

FaceSpec random_face_spec(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts) {
    Random random(seed * 1000003u + static_cast<std::uint64_t>(index) * 7919u + 17u);
    FaceSpec spec;
    spec.seed = seed * 1000003u + static_cast<std::uint64_t>(index);
    spec.form = static_cast<Form>(index % kFormCount);
    const int year = random.integer(2024, 2032), month = random.integer(1, 12);
    spec.date = Date{year, month, random.integer(1, last_day(year, month).day)};
    // Made before the set's reference day (2026-12): a box is not donated before it is made.
    const int made_year = std::min(2026, year - random.integer(1, 3)), made_month = random.integer(1, 12);
    spec.production = Date{made_year, made_month, random.integer(1, 28)};
    spec.shelf_months = random.pick(std::vector<int>{12, 18, 24, 36, 48, 60});
    const bool latin_form =
        spec.form == Form::ExpMonthYear || spec.form == Form::ExpCompact || spec.form == Form::ExpIso;
    spec.english_labels = latin_form || (spec.form == Form::None && random.chance(0.3));
    if (latin_form) {
        spec.expiry_label = spec.form == Form::ExpIso
                                ? random.pick(std::vector<std::string>{"EXP", "Exp.", "Use by", "EXP DATE"})
                                : random.pick(std::vector<std::string>{"EXP", "Exp.", "EXP.", "Expiry"});
        spec.separator = random.pick(std::vector<std::string>{":", " ", ": ", ""});
        if (spec.separator.empty()) spec.expiry_label += " ";
    } else {
        spec.expiry_label = spec.form == Form::InvalidFrom ? "失效期"
                            : random.chance(0.8)           ? "有效期至"
                                                           : "有效期";
        spec.separator = random.pick(std::vector<std::string>{":", "：", " ", "", "："});
    }
    spec.trailing_dot = random.chance(0.5);
    spec.spaced_digits = random.chance(0.08);
    spec.full_width_digits = !latin_form && !spec.spaced_digits && random.chance(0.08);
    spec.date_like_batch = random.chance(0.3);
    spec.with_production = random.chance(0.6);
    spec.layout = static_cast<Layout>(random.integer(0, kLayoutCount - 1));
    spec.placement = static_cast<Placement>(random.integer(0, 6));

    const double ink_roll = random.real(0, 1);
    spec.value_ink = ink_roll < 0.35   ? Ink::Offset
                     : ink_roll < 0.47 ? Ink::Grey
                     : ink_roll < 0.75 ? Ink::Inkjet
                     : ink_roll < 0.88 ? Ink::Laser
                                       : Ink::Embossed;
    const double label_roll = random.real(0, 1);
    spec.label_ink = label_roll < 0.7 ? Ink::Offset : label_roll < 0.88 ? Ink::Grey : Ink::Embossed;
    if (spec.value_ink == Ink::Inkjet && random.chance(0.35)) spec.label_ink = Ink::Inkjet;  // all inkjet
    if (spec.value_ink == Ink::Embossed) spec.label_ink = Ink::Embossed;
    if (spec.value_ink == Ink::Laser) {
        spec.patch =
            random.pick(std::vector<cv::Scalar>{{90, 40, 20}, {30, 30, 30}, {40, 90, 30}, {30, 30, 120}});
        if (spec.label_ink == Ink::Embossed) spec.label_ink = Ink::Offset;
    } else if (random.chance(0.3) && spec.value_ink != Ink::Embossed) {
        spec.patch = random.pick(std::vector<cv::Scalar>{
            {200, 235, 250}, {235, 220, 180}, {190, 230, 200}, {215, 200, 240}, {150, 215, 245}});
    }
    spec.frame_block = random.chance(0.3);
    spec.dark_face = !spec.patch && spec.value_ink != Ink::Embossed && random.chance(0.1);

    std::vector<int> chinese, any;
    for (int i = 0; i < static_cast<int>(fonts.size()); ++i) {
        any.push_back(i);
        if (fonts[static_cast<std::size_t>(i)].has_chinese) chinese.push_back(i);
    }
    if (chinese.empty()) chinese = any;
    // Every family gets its turn: the label font walks through the list with the face index.
    spec.label_font = spec.english_labels
                          ? random.pick(any)
                          : chinese[static_cast<std::size_t>(index / kFormCount) % chinese.size()];
    const bool value_needs_chinese = spec.form == Form::CnYearMonth || spec.form == Form::CnYearMonthDay ||
                                     spec.full_width_digits || spec.form == Form::ProductionShelfLife ||
                                     spec.form == Form::PrintedAndShelfLife || spec.form == Form::None;
    spec.value_font = random.chance(0.5) ? spec.label_font : random.pick(value_needs_chinese ? chinese : any);
    // Inkjet coders print their own plain sans dot font, whatever the box's typeface.
    auto sans = [&](bool need_chinese) {
        std::vector<int> plain;
        for (int i : need_chinese ? chinese : any) {
            const std::string& family = fonts[static_cast<std::size_t>(i)].family;
            if (family.find("Sans") != std::string::npos || family.find("Hei") != std::string::npos)
                plain.push_back(i);
        }
        return plain.empty() ? spec.value_font : random.pick(plain);
    };
    if (spec.value_ink == Ink::Inkjet) spec.value_font = sans(value_needs_chinese);
    if (spec.label_ink == Ink::Inkjet) spec.label_font = sans(!spec.english_labels);
    spec.other_font = random.pick(chinese);

    spec.block_px = random.real(28, 42);
    spec.frame_size = random.chance(0.25) ? cv::Size(1280, 720) : cv::Size(1920, 1080);
    spec.text_px = spec.frame_size.height == 720 ? random.real(14, 28) : random.real(16, 36);
    spec.roll_degrees = random.real(-30, 30);
    spec.pitch_degrees = random.real(-22, 22);
    spec.yaw_degrees = random.real(-22, 22);
    // Dots need more pixels than strokes to stay legible.
    if (spec.value_ink == Ink::Inkjet || spec.label_ink == Ink::Inkjet)
        spec.text_px = std::max(spec.text_px, spec.frame_size.height == 720 ? 18.0 : 22.0);
    spec.blur_sigma = random.real(0.5, std::min(1.6, 0.05 * spec.text_px + 0.5));
    spec.noise_sigma = random.real(1.5, 5);
    spec.jpeg_quality = random.integer(45, 92);
    spec.glare = random.chance(0.4) ? random.real(0.3, 0.9) : 0.0;
    return spec;
}

FaceScene::FaceScene(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts)
    : FaceScene(random_face_spec(index, seed, fonts), fonts) {}

FaceScene::FaceScene(const FaceSpec& spec, const std::vector<LabelFont>& fonts) : spec_(spec) {
    Random random(spec.seed);
    Typesetter type(fonts);
    const Content content = make_content(spec, random);
    truth_.expiry = content.expiry;
    truth_.precision = content.precision;
    truth_.batch = content.batch;
    truth_.form = form_name(spec.form);
    truth_.layout = layout_name(spec.layout);
    truth_.ink = std::string(ink_name(spec.label_ink)) + "/" + std::string(ink_name(spec.value_ink));
    truth_.label_font = fonts.at(static_cast<std::size_t>(spec.label_font)).family;
    truth_.value_font = fonts.at(static_cast<std::size_t>(spec.value_font)).family;
    truth_.roll_degrees = spec.roll_degrees;
    truth_.text_px = spec.text_px;

    // Paper and inks.
    const cv::Scalar paper =
        spec.dark_face
            ? random.pick(std::vector<cv::Scalar>{{80, 40, 20}, {30, 60, 30}, {40, 30, 110}})
            : jitter_colour(
                  random,
                  random.pick(std::vector<cv::Scalar>{
                      {245, 245, 245}, {225, 240, 250}, {250, 235, 220}, {232, 248, 232}, {235, 235, 250}}),
                  8);
    const cv::Scalar dark_ink =
        random.pick(std::vector<cv::Scalar>{{20, 20, 20}, {70, 30, 10}, {30, 30, 100}});
    const cv::Scalar light_ink{235, 240, 240};
    const cv::Scalar body_ink = spec.dark_face ? light_ink : dark_ink;
    // The field block first: the face is made big enough for it, and it decides where the rest goes.
    Block block = lay_out_block(spec, content, type, random);
    truth_.printed_lines = block.printed_lines;
    const int band = random.integer(110, 170);
    const bool band_on_top = random.chance(0.7);
    const int face_w =
        std::max(random.integer(1100, 1500), block.size.width * 27 / 25 + (band_on_top ? 0 : band) + 60);
    const int face_h =
        std::max(random.integer(720, 1000), block.size.height * 27 / 25 + (band_on_top ? band : 0) + 60);
    face_ = cv::Mat(face_h, face_w, CV_8UC3, paper);
    // A soft printed gradient across the face.
    {
        cv::Mat shade(face_h, face_w, CV_32F);
        const double gx = random.real(-0.08, 0.08), gy = random.real(-0.08, 0.08);
        for (int y = 0; y < face_h; ++y)
            for (int x = 0; x < face_w; ++x)
                shade.at<float>(y, x) = static_cast<float>(1.0 + gx * (x - face_w / 2.0) / face_w +
                                                           gy * (y - face_h / 2.0) / face_h);
        cv::Mat f;
        face_.convertTo(f, CV_32FC3);
        cv::Mat s3;
        cv::merge(std::vector<cv::Mat>{shade, shade, shade}, s3);
        f = f.mul(s3);
        f.convertTo(face_, CV_8UC3);
    }

    const int margin = static_cast<int>(face_w * 0.03);
    const int top = band_on_top ? band + margin / 2 : margin;
    const int left = band_on_top ? margin : band + margin;
    const cv::Size b = block.size;
    const int free_w = std::max(1, face_w - left - margin - b.width);
    const int free_h = std::max(1, face_h - top - margin - b.height);
    cv::Point origin;
    switch (spec.placement) {
        case Placement::TopLeft:
            origin = {left, top};
            break;
        case Placement::TopRight:
            origin = {left + free_w, top};
            break;
        case Placement::BottomLeft:
            origin = {left, top + free_h};
            break;
        case Placement::BottomRight:
            origin = {left + free_w, top + free_h};
            break;
        case Placement::Centre:
            origin = {left + free_w / 2, top + free_h / 2};
            break;
        case Placement::Left:
            origin = {left, top + free_h / 2};
            break;
        case Placement::Right:
            origin = {left + free_w, top + free_h / 2};
            break;
    }
    const cv::Rect block_rect(origin, b);

    // Title band and the product's text, kept clear of the block.
    const cv::Scalar band_colour = random.pick(
        std::vector<cv::Scalar>{{160, 60, 20}, {40, 40, 180}, {40, 140, 40}, {20, 120, 220}, {120, 40, 120}});
    const cv::Rect band_rect = band_on_top ? cv::Rect(0, 0, face_w, band) : cv::Rect(0, 0, band, face_h);
    cv::rectangle(face_, band_rect, band_colour, cv::FILLED);
    const std::string title = random.chance(0.8) ? random.pick(kZhTitles) : random.pick(kEnTitles);
    const InkStyle title_ink{Ink::Offset, light_ink, band_colour};
    if (band_on_top) {
        type.draw(face_, title, spec.other_font, static_cast<int>(band * 0.5), {margin, band / 5}, title_ink,
                  random);
    } else {
        // A vertical band: the title in large type down the side, one character a line.
        int y = margin;
        std::size_t i = 0;
        while (i < title.size() && y < face_h - band) {
            const std::size_t len = (static_cast<unsigned char>(title[i]) >= 0xE0) ? 3 : 1;
            type.draw(face_, title.substr(i, len), spec.other_font, band / 2, {band / 4, y}, title_ink,
                      random);
            y += band * 6 / 10;
            i += len;
        }
    }
    std::vector<cv::Rect> taken{block_rect + cv::Size(margin, margin) - cv::Point(margin / 2, margin / 2)};
    auto free_at = [&](const cv::Rect& r) {
        if ((r & cv::Rect(0, 0, face_w, face_h)) != r) return false;
        if ((r & band_rect).area() > 0) return false;
        for (const auto& t : taken)
            if ((r & t).area() > 0) return false;
        return true;
    };
    // A barcode with its digits, a product name, and lines of small print where there is room.
    {
        const cv::Rect code(random.integer(left, std::max(left, face_w - margin - 300)),
                            random.integer(top, std::max(top, face_h - margin - 130)), 280, 90);
        if (free_at(code + cv::Size(0, 40))) {
            draw_barcode(face_, code, dark_ink, random);
            type.draw(face_, "6901234567892", spec.other_font, 26, {code.x + 20, code.y + 95},
                      InkStyle{Ink::Offset, dark_ink, paper}, random);
            taken.push_back(code + cv::Size(0, 40));
        }
    }
    const int small = random.integer(20, 30);
    for (int attempt = 0; attempt < 40; ++attempt) {
        const bool chinese_text = random.chance(0.75);
        const std::string text = chinese_text ? random.pick(kZhClutter) : random.pick(kEnClutter);
        const int font =
            chinese_text ? spec.other_font : random.integer(0, static_cast<int>(fonts.size()) - 1);
        const int size = random.chance(0.2) ? small * 3 / 2 : small;
        const cv::Size s = type.measure(font, text, size);
        const cv::Rect r(random.integer(left, std::max(left, face_w - margin - s.width)),
                         random.integer(top, std::max(top, face_h - margin - s.height)), s.width, s.height);
        if (!free_at(r)) continue;
        type.draw(face_, text, font, size, r.tl(), InkStyle{Ink::Offset, body_ink, paper}, random);
        taken.push_back(r);
    }

    // The block: patch or sticker under it, rules, labels and values.
    const cv::Scalar block_paper = spec.patch ? *spec.patch : paper;
    auto luminance = [](const cv::Scalar& bgr) { return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]; };
    const bool light_print = spec.patch ? luminance(*spec.patch) < 110 : spec.dark_face;
    const cv::Scalar ink = light_print ? light_ink : dark_ink;
    const cv::Scalar grey_ink =
        light_print ? cv::Scalar::all(160) : cv::Scalar::all(random.integer(105, 140));
    auto style_for = [&](Ink kind) {
        switch (kind) {
            case Ink::Grey:
                return InkStyle{Ink::Grey, grey_ink, block_paper};
            case Ink::Embossed:
                return InkStyle{Ink::Embossed, block_paper - cv::Scalar::all(70), block_paper};
            case Ink::Laser:
                return InkStyle{Ink::Laser, light_print ? cv::Scalar(200, 215, 220) : cv::Scalar(60, 60, 60),
                                block_paper};
            case Ink::Inkjet:
                return InkStyle{Ink::Inkjet,
                                light_print ? light_ink
                                            : random.pick(std::vector<cv::Scalar>{
                                                  {15, 15, 15}, {90, 20, 10}, {40, 40, 40}}),
                                block_paper};
            case Ink::Offset:
                break;
        }
        return InkStyle{Ink::Offset, ink, block_paper};
    };
    const InkStyle label_style = style_for(spec.label_ink), value_style = style_for(spec.value_ink);
    cv::Mat target = face_;
    cv::Mat sticker;
    const int sticker_pad = spec.layout == Layout::Sticker ? static_cast<int>(spec.block_px * 0.5) : 0;
    if (spec.layout == Layout::Sticker) {
        const cv::Scalar sticker_paper =
            spec.patch ? *spec.patch : random.pick(std::vector<cv::Scalar>{{250, 250, 250}, {170, 240, 250}});
        sticker = cv::Mat(b.height + 2 * sticker_pad, b.width + 2 * sticker_pad, CV_8UC3, sticker_paper);
        target = sticker;
    } else if (spec.patch) {
        const int pad = static_cast<int>(spec.block_px * 0.4);
        cv::rectangle(face_, cv::Rect(origin - cv::Point(pad, pad), b + cv::Size(2 * pad, 2 * pad)),
                      *spec.patch, cv::FILLED);
    }
    const cv::Point at = spec.layout == Layout::Sticker ? cv::Point(sticker_pad, sticker_pad) : origin;
    const cv::Scalar rule_colour = light_print ? light_ink : label_style.ink == Ink::Grey ? grey_ink : ink;
    const int rule = random.chance(0.7) ? 1 : 2;
    for (const LineOp& line : block.lines)
        cv::line(target, line.from + at, line.to + at, rule_colour, rule, cv::LINE_AA);
    cv::Rect expiry_on_target;
    for (const TextOp& text : block.texts) {
        const cv::Rect inked = type.draw(target, text.text, text.font, text.size, text.at + at,
                                         text.value ? value_style : label_style, random);
        if (text.expiry) expiry_on_target = inked;
    }
    cv::Rect expiry_on_face = expiry_on_target;
    if (spec.layout == Layout::Sticker) {
        // Pasted on slightly crooked, with a soft shadow.
        const double turn = random.real(-5, 5);
        cv::Mat turn_m = cv::getRotationMatrix2D(
            cv::Point2f(static_cast<float>(sticker.cols) / 2.0f, static_cast<float>(sticker.rows) / 2.0f),
            turn, 1.0);
        turn_m.at<double>(0, 2) += origin.x - sticker_pad;
        turn_m.at<double>(1, 2) += origin.y - sticker_pad;
        cv::Mat placed, mask, shadow;
        cv::warpAffine(sticker, placed, turn_m, face_.size());
        cv::warpAffine(cv::Mat(sticker.size(), CV_8U, cv::Scalar(255)), mask, turn_m, face_.size());
        const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 5, 0, 1, 6);
        cv::warpAffine(mask, shadow, shift, face_.size());
        cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), 4);
        cv::Mat darker = face_ * 0.7;
        darker.copyTo(face_, shadow > 60);
        placed.copyTo(face_, mask > 128);
        if (expiry_on_target.area() > 0) {
            std::vector<cv::Point2f> corners{cv::Point2f(expiry_on_target.tl()),
                                             cv::Point2f(expiry_on_target.br())},
                moved;
            cv::transform(corners, moved, turn_m);
            expiry_on_face = cv::Rect(cv::Point(moved[0]), cv::Point(moved[1]));
        }
    }

    // Into the frame: a camera looking at the tilted, rolled face.
    const cv::Size frame = spec.frame_size;
    const double scale = spec.text_px / spec.block_px;
    const double focal = 1.4 * frame.width;
    auto project = [&](double pitch_deg, double yaw_deg, double roll_deg, cv::Point2d centre) {
        const double p = pitch_deg * CV_PI / 180, yw = yaw_deg * CV_PI / 180, r = roll_deg * CV_PI / 180;
        const cv::Matx33d rx(1, 0, 0, 0, std::cos(p), -std::sin(p), 0, std::sin(p), std::cos(p));
        const cv::Matx33d ry(std::cos(yw), 0, std::sin(yw), 0, 1, 0, -std::sin(yw), 0, std::cos(yw));
        const cv::Matx33d rz(std::cos(r), -std::sin(r), 0, std::sin(r), std::cos(r), 0, 0, 0, 1);
        const cv::Matx33d rotation = rz * ry * rx;
        std::vector<cv::Point2f> src, dst;
        for (const cv::Point2d corner : {cv::Point2d(0, 0), cv::Point2d(face_w, 0),
                                         cv::Point2d(face_w, face_h), cv::Point2d(0, face_h)}) {
            const cv::Vec3d local((corner.x - face_w / 2.0) * scale, (corner.y - face_h / 2.0) * scale, 0);
            const cv::Vec3d world = rotation * local + cv::Vec3d(0, 0, focal);
            src.emplace_back(static_cast<float>(corner.x), static_cast<float>(corner.y));
            dst.emplace_back(static_cast<float>(focal * world[0] / world[2] + centre.x),
                             static_cast<float>(focal * world[1] / world[2] + centre.y));
        }
        return cv::getPerspectiveTransform(src, dst);
    };
    cv::Point2d centre(frame.width / 2.0 + random.real(-0.12, 0.12) * frame.width,
                       frame.height / 2.0 + random.real(-0.1, 0.1) * frame.height);
    if (spec.centre) centre = cv::Point2d(spec.centre->x * frame.width, spec.centre->y * frame.height);
    homography_ = project(spec.pitch_degrees, spec.yaw_degrees, spec.roll_degrees, centre);
    auto expiry_in_frame = [&](const cv::Mat& h) {
        const cv::Rect r = expiry_on_face.area() > 0 ? expiry_on_face : block_rect;
        std::vector<cv::Point2f> corners{
            cv::Point2f(r.tl()), cv::Point2f(static_cast<float>(r.br().x), static_cast<float>(r.y)),
            cv::Point2f(r.br()), cv::Point2f(static_cast<float>(r.x), static_cast<float>(r.br().y))},
            out;
        cv::perspectiveTransform(corners, out, h);
        return cv::boundingRect(out);
    };
    // Keep the field block well inside the frame (a donor shows the side with the date).
    {
        const cv::Rect inside(frame.width / 20, frame.height / 20, frame.width * 9 / 10,
                              frame.height * 9 / 10);
        const cv::Rect e = expiry_in_frame(homography_);
        cv::Point2d shift(0, 0);
        if (e.x < inside.x) shift.x = inside.x - e.x;
        if (e.br().x > inside.br().x) shift.x = inside.br().x - e.br().x;
        if (e.y < inside.y) shift.y = inside.y - e.y;
        if (e.br().y > inside.br().y) shift.y = inside.br().y - e.br().y;
        homography_ = project(spec.pitch_degrees, spec.yaw_degrees, spec.roll_degrees, centre + shift);
    }
    truth_.expiry_box = content.expiry ? expiry_in_frame(homography_) : cv::Rect();
    truth_.face_quad = face_quad(0);

    // Background: a table, another object's edge, or a busy print, under uneven light.
    background_.create(frame, CV_8UC3);
    cv::RNG rng(spec.seed ^ 0x5bd1e995u);
    const int style = random.integer(0, 2);
    if (style == 0) {
        cv::Mat noise(frame.height / 16, frame.width / 16, CV_8UC3);
        rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(60), cv::Scalar::all(170));
        cv::resize(noise, background_, frame, 0, 0, cv::INTER_CUBIC);
    } else if (style == 1) {
        const cv::Scalar wood(random.integer(40, 90), random.integer(80, 130), random.integer(120, 180));
        background_.setTo(wood);
        for (int y = 0; y < frame.height; y += random.integer(3, 9))
            cv::line(background_, {0, y}, {frame.width, y + random.integer(-20, 20)},
                     wood * random.real(0.75, 1.15), random.integer(1, 3));
    } else {
        background_.setTo(cv::Scalar::all(random.integer(150, 220)));
        for (int i = 0; i < 6; ++i)
            cv::rectangle(background_,
                          cv::Rect(random.integer(0, frame.width), random.integer(0, frame.height),
                                   random.integer(100, 600), random.integer(100, 500)),
                          cv::Scalar(random.integer(0, 255), random.integer(0, 255), random.integer(0, 255)),
                          cv::FILLED);
    }
    lighting_.create(frame, CV_32F);
    const double direction = random.real(0, 2 * CV_PI);
    const double strength = random.real(0.1, 0.4);
    const double base = random.real(0.75, 1.0);
    for (int y = 0; y < frame.height; ++y) {
        auto* row = lighting_.ptr<float>(y);
        for (int x = 0; x < frame.width; ++x) {
            const double along = ((x - frame.width / 2.0) * std::cos(direction) +
                                  (y - frame.height / 2.0) * std::sin(direction)) /
                                 (frame.width / 2.0);
            row[x] = static_cast<float>(std::clamp(base + strength * along, 0.45, 1.15));
        }
    }
    // Glare: a bright spot on the face, away from the expiry so the date stays legible.
    glare_radius_ = frame.height * random.real(0.06, 0.14);
    const cv::Rect e = truth_.expiry_box.area() > 0 ? truth_.expiry_box : cv::Rect(0, 0, 1, 1);
    for (int attempt = 0; attempt < 20; ++attempt) {
        const float u = static_cast<float>(random.real(0.1, 0.9)),
                    v = static_cast<float>(random.real(0.1, 0.9));
        std::vector<cv::Point2f> p{
            cv::Point2f(u * static_cast<float>(face_w), v * static_cast<float>(face_h))},
            q;
        cv::perspectiveTransform(p, q, homography_);
        glare_centre_ = q[0];
        const cv::Point2f ec(static_cast<float>(e.x + e.width / 2.0),
                             static_cast<float>(e.y + e.height / 2.0));
        if (cv::norm(glare_centre_ - ec) > glare_radius_ * 2.2 + e.width / 2.0) break;
        glare_centre_ = cv::Point2f(-10000, -10000);
    }
}

cv::Mat FaceScene::homography_for(int frame_number) const {
    Random shake(spec_.seed * 31u + static_cast<std::uint64_t>(frame_number) + 7u);
    const double turn = shake.real(-0.4, 0.4);
    const cv::Point2d move(shake.real(-3, 3), shake.real(-3, 3));
    const cv::Point2f centre(static_cast<float>(spec_.frame_size.width) / 2.0f,
                             static_cast<float>(spec_.frame_size.height) / 2.0f);
    cv::Mat jitter = cv::getRotationMatrix2D(centre, turn, 1.0);
    jitter.at<double>(0, 2) += move.x;
    jitter.at<double>(1, 2) += move.y;
    cv::Mat jitter3 = cv::Mat::eye(3, 3, CV_64F);
    jitter.copyTo(jitter3(cv::Rect(0, 0, 3, 2)));
    return jitter3 * homography_;
}

std::array<cv::Point2f, 4> FaceScene::face_quad(int frame_number) const {
    const auto w = static_cast<float>(face_.cols), h = static_cast<float>(face_.rows);
    std::vector<cv::Point2f> corners{{0, 0}, {w, 0}, {w, h}, {0, h}}, out;
    cv::perspectiveTransform(corners, out, homography_for(frame_number));
    return {out[0], out[1], out[2], out[3]};
}

cv::Mat FaceScene::frame(int frame_number) const {
    const cv::Mat h = homography_for(frame_number);
    cv::Mat placed, mask;
    cv::warpPerspective(face_, placed, h, background_.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpPerspective(cv::Mat(face_.size(), CV_8U, cv::Scalar(255)), mask, h, background_.size(),
                        cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::Mat scene = background_.clone();
    placed.copyTo(scene, mask > 127);

    cv::Mat lit;
    scene.convertTo(lit, CV_32FC3);
    cv::Mat gain;
    cv::merge(std::vector<cv::Mat>{lighting_, lighting_, lighting_}, gain);
    cv::multiply(lit, gain, lit);
    if (spec_.glare > 0 && glare_centre_.x > -1000) {
        Random drift(spec_.seed * 57u + static_cast<std::uint64_t>(frame_number));
        const cv::Point2f c = glare_centre_ + cv::Point2f(static_cast<float>(drift.real(-4, 4)),
                                                          static_cast<float>(drift.real(-4, 4)));
        const cv::Rect area =
            cv::Rect(static_cast<int>(c.x - 3 * glare_radius_), static_cast<int>(c.y - 3 * glare_radius_),
                     static_cast<int>(6 * glare_radius_), static_cast<int>(6 * glare_radius_)) &
            cv::Rect(0, 0, lit.cols, lit.rows);
        for (int y = area.y; y < area.br().y; ++y) {
            auto* row = lit.ptr<cv::Vec3f>(y);
            for (int x = area.x; x < area.br().x; ++x) {
                const double dx = x - static_cast<double>(c.x), dy = y - static_cast<double>(c.y);
                const double d2 = (dx * dx + dy * dy) / (glare_radius_ * glare_radius_);
                const auto add = static_cast<float>(255.0 * spec_.glare * std::exp(-d2 / 2));
                row[x] += cv::Vec3f(add, add, add);
            }
        }
    }
    cv::GaussianBlur(lit, lit, cv::Size(0, 0), spec_.blur_sigma);
    cv::Mat noise(lit.size(), CV_32FC3);
    cv::RNG rng(spec_.seed * 131u + static_cast<std::uint64_t>(frame_number));
    rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(spec_.noise_sigma));
    lit += noise;
    cv::Mat out;
    lit.convertTo(out, CV_8UC3);
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", out, jpeg, {cv::IMWRITE_JPEG_QUALITY, spec_.jpeg_quality});
    return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

std::array<cv::Point2f, 4> paste_beside(cv::Mat& frame, const FaceScene& other, cv::Point2f centre,
                                        double scale) {
    const cv::Mat source = other.frame(0);
    const auto quad = other.face_quad(0);
    cv::Point2f middle(0, 0);
    for (const auto& p : quad) middle += p * 0.25f;
    std::array<cv::Point2f, 4> moved{};
    for (int i = 0; i < 4; ++i)
        moved[static_cast<std::size_t>(i)] =
            centre + (quad[static_cast<std::size_t>(i)] - middle) * static_cast<float>(scale);
    const cv::Mat h = cv::getPerspectiveTransform(quad.data(), moved.data());
    cv::Mat warped, mask;
    cv::warpPerspective(source, warped, h, frame.size());
    std::vector<cv::Point> polygon;
    for (const auto& p : moved) polygon.emplace_back(p);
    mask = cv::Mat::zeros(frame.size(), CV_8U);
    cv::fillConvexPoly(mask, polygon, cv::Scalar(255));
    warped.copyTo(frame, mask);
    return moved;
}

}  // namespace medkiosk::test::ocr
