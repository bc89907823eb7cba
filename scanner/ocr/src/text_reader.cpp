#include "medkiosk/scanner/ocr/text_reader.hpp"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "line_finder.hpp"
#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"

namespace medkiosk::scanner::ocr {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Lines are recognised at this text height: Tesseract's LSTM models read best around it, and small
// type (16 px in a 1080p frame, 12 px at 720p) is upscaled to it.
constexpr int kTextHeight = 32;
// A picture of the read line for the donor: at most this wide (in memory only).
constexpr int kPictureWidth = 720;
// A line the Chinese model read with a mean confidence below this may be print it does not know.
constexpr float kDoubtfulReading = 90;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Tesseract's LSTM asks OpenMP for four threads per layer. On the kiosk's two cores they wait on each other
// and on the camera and UI threads, spinning on this thread's clock: one face's nine lines took 584 ms of
// it instead of 293 (3.4 s instead of 1.3 s from start to end), so a frame's budget read half the lines,
// and the spinning took the cores the UI needs. OMP_THREAD_LIMIT=1 did the same, but only where it was set.
void recognise_on_this_thread_alone() {
#ifdef _OPENMP
    omp_set_max_active_levels(0);  // every parallel region this thread opens runs on it alone
#endif
}

std::vector<std::string> split_languages(const std::string& languages) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= languages.size()) {
        std::size_t end = languages.find('+', start);
        if (end == std::string::npos) end = languages.size();
        if (end > start) names.push_back(languages.substr(start, end - start));
        start = end + 1;
    }
    return names;
}

std::string missing_language(const fs::path& dir, const std::vector<std::string>& names) {
    std::error_code ec;
    for (const auto& name : names)
        if (!fs::is_regular_file(dir / (name + ".traineddata"), ec)) return name;
    return {};
}

// Which characters a pass may return.
enum class Charset {
    Any,        // the label pass: Chinese, Latin, digits
    DateValue,  // digits and the marks dates are printed with
    Digits,     // the same without 年 月 日 (for the Latin model)
    ShelfLife,  // "24个月"
    Batch,      // Latin letters, digits and '-': a batch number for the Latin model
};

struct Glyph {
    std::string text;  // one character, full-width folded
    int x0 = 0, x1 = 0;
    float confidence = 0;  // the recogniser's, 0-100
};

struct Recognised {
    std::vector<Glyph> glyphs;
    std::string spaced;                 // as read, words separated by spaces
    std::string compact;                // glyphs joined, no spaces (what find_labels and the parser look at)
    std::vector<std::size_t> glyph_at;  // byte offset in `compact` of each glyph
    float mean_confidence() const {
        if (glyphs.empty()) return 0;
        float sum = 0;
        for (const Glyph& glyph : glyphs) sum += glyph.confidence;
        return sum / static_cast<float>(glyphs.size());
    }
    std::size_t glyph_for(std::size_t byte) const {
        const auto it = std::upper_bound(glyph_at.begin(), glyph_at.end(), byte);
        return static_cast<std::size_t>(std::max<long>(0, (it - glyph_at.begin()) - 1));
    }
};

bool is_separator(const std::string& text) {
    static const std::array<std::string_view, 17> kMarks{":", ";", ".", ",", "|",  "_",  "-",  "'", "\"",
                                                         "“", "”", "‘", "’", "、", "。", "【", "】"};
    return std::find(kMarks.begin(), kMarks.end(), text) != kMarks.end();
}

// How many pixels of each column of `line` from `from` to `to` (clamped to the line) are ink.
cv::Mat ink_per_column(const cv::Mat& line, int& from, int& to) {
    from = std::clamp(from, 0, line.cols);
    to = std::clamp(to, from, line.cols);
    cv::Mat columns;
    if (to > from)
        cv::reduce(cv::Mat(line.colRange(from, to) < 128) / 255, columns, 0, cv::REDUCE_SUM, CV_32S);
    return columns;
}

// How many pixels of each column of a line are ink.
cv::Mat ink_per_column(const cv::Mat& line) {
    int from = 0, to = line.cols;
    return ink_per_column(line, from, to);
}

// The first and last rows of `print` (a normalised line or a part of one) that hold ink; {rows, -1} when
// none do.
std::pair<int, int> ink_row_span(const cv::Mat& print) {
    cv::Mat rows;
    cv::reduce(cv::Mat(print < 128) / 255, rows, 1, cv::REDUCE_SUM, CV_32S);
    int top = rows.rows, bottom = -1;
    for (int y = 0; y < rows.rows; ++y)
        if (rows.at<int>(y, 0) > 0) {
            top = std::min(top, y);
            bottom = y;
        }
    return {top, bottom};
}

// Whether columns [from, to) of a normalised line hold part of a glyph: ink a quarter of a text height
// tall in one column or more. A rule's or a frame's edge is a few rows.
bool glyph_ink_in(const cv::Mat& line, int from, int to) {
    const cv::Mat columns = ink_per_column(line, from, to);
    if (columns.empty()) return false;
    double most = 0;
    cv::minMaxLoc(columns, nullptr, &most);
    return most >= kTextHeight / 4;
}

// Whether a cell's side stands in columns [from, to) (told at its rule's middle).
bool a_side_within(const std::vector<detail::CellSide>& sides, int from, int to) {
    return std::any_of(sides.begin(), sides.end(), [&](const detail::CellSide& side) {
        return side.middle() >= from && side.middle() < to;
    });
}

// The line's print in groups that stand far apart (a table's cells, fields side by side): the crop
// x range of each, from the image (Tesseract's own character boxes are too loose for this). Spaced
// print ("2 0 2 5") stays one group. Print on both sides of a table cell's side (`cell_sides`, from
// remove_rules) is two groups however close: a narrow cell's padding is less than the gap that parts
// groups, and a value ran on into the next cell's (dev seed 1002, face 1).
std::vector<std::pair<int, int>> ink_groups(const cv::Mat& normalised,
                                            const std::vector<detail::CellSide>& cell_sides) {
    std::vector<std::pair<int, int>> groups;
    if (normalised.empty()) return groups;
    const cv::Mat columns = ink_per_column(normalised);
    const int gap = kTextHeight * 6 / 10;
    for (int x = 0; x < normalised.cols; ++x) {
        if (columns.at<int>(0, x) == 0) continue;
        if (!groups.empty() && x - groups.back().second <= gap &&
            !a_side_within(cell_sides, groups.back().second, x))
            groups.back().second = x + 1;
        else
            groups.emplace_back(x, x + 1);
    }
    return groups;
}

// The share of a line's inked columns that a reading's characters stand on: a long line read as one
// character ("2" for inkjet "EXP 2026.05.17" whose dots run into dashes) was not read.
double share_of_print_read(const Recognised& reading, const cv::Mat& normalised) {
    if (normalised.empty()) return 0;
    const cv::Mat columns = ink_per_column(normalised);
    std::vector<bool> read(static_cast<std::size_t>(normalised.cols), false);
    for (const Glyph& glyph : reading.glyphs)
        for (int x = std::max(0, glyph.x0); x < std::min(normalised.cols, glyph.x1 + 1); ++x)
            read[static_cast<std::size_t>(x)] = true;
    int inked = 0, inked_and_read = 0;
    for (int x = 0; x < normalised.cols; ++x) {
        if (columns.at<int>(0, x) == 0) continue;
        ++inked;
        if (read[static_cast<std::size_t>(x)]) ++inked_and_read;
    }
    return inked == 0 ? 1.0 : static_cast<double>(inked_and_read) / inked;
}

// A reading the recogniser doubts, or one that leaves most of the line's print unread.
bool reading_in_doubt(const Recognised& reading, const cv::Mat& normalised) {
    return reading.mean_confidence() < kDoubtfulReading || share_of_print_read(reading, normalised) < 0.5;
}

bool has_cjk(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Whether a period is read with words before its number ("开局后1个月": 开启后 misread, so not told as a
// period counted from opening). What such words say cannot be trusted, and a period counted from
// opening must never be taken for a shelf life. 为 ("有效期为24个月": is) says nothing.
bool words_before_period(std::string_view compact) {
    for (std::size_t at = 0; at < compact.size() && !std::isdigit(static_cast<unsigned char>(compact[at]));) {
        const auto lead = static_cast<unsigned char>(compact[at]);
        const bool ideograph = lead >= 0xE4 && lead <= 0xE9;  // U+4E00–U+9FFF
        if (ideograph && compact.substr(at, 3) != "为") return true;
        at += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    }
    return false;
}

bool has_date_characters(const std::string& text) {
    return text.find("年") != std::string::npos || text.find("月") != std::string::npos ||
           text.find("日") != std::string::npos;
}

bool is_digit_text(const std::string& text) {
    return text.size() == 1 && text[0] >= '0' && text[0] <= '9';
}

int count_digits(const std::string& text) {
    return static_cast<int>(
        std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

cv::Mat padded(const cv::Mat& line) {
    cv::Mat out;
    cv::copyMakeBorder(line, out, 8, 8, 10, 10, cv::BORDER_CONSTANT, cv::Scalar(255));
    return out;
}

std::string compact_of(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    return out;
}

LineImage to_picture(const cv::Mat& image) {
    cv::Mat fitted = image;
    if (image.cols > kPictureWidth)
        cv::resize(image, fitted, cv::Size(), static_cast<double>(kPictureWidth) / image.cols,
                   static_cast<double>(kPictureWidth) / image.cols, cv::INTER_AREA);
    LineImage picture;
    picture.width = fitted.cols;
    picture.height = fitted.rows;
    picture.pixels.resize(static_cast<std::size_t>(fitted.cols) * static_cast<std::size_t>(fitted.rows));
    for (int y = 0; y < fitted.rows; ++y)
        std::copy_n(fitted.ptr<std::uint8_t>(y), fitted.cols,
                    picture.pixels.data() + static_cast<std::size_t>(y) * fitted.cols);
    return picture;
}

Quad corners_of(const detail::LineBox& line) {
    Quad quad{};
    const std::array<std::pair<float, float>, 4> at{
        {{-0.5f, -0.5f}, {0.5f, -0.5f}, {0.5f, 0.5f}, {-0.5f, 0.5f}}};
    for (std::size_t i = 0; i < 4; ++i) {
        const cv::Point2f p = line.at(at[i].first, at[i].second);
        quad[i] = PointF{p.x, p.y};
    }
    return quad;
}

// A label whose value the reader must find: the ones that make or unmake an expiry.
bool needs_value(FieldKey key) {
    return key == FieldKey::Expiry || key == FieldKey::InvalidFrom || key == FieldKey::Production ||
           key == FieldKey::ShelfLife;
}

// A label that announces a printed date and nothing else: not 有效期 (also "有效期 24个月"), and a
// Latin one only as a word of its own ("EXP", not the start of "Expert").
bool announces_printed_date(const std::string& compact, const LabelHit& hit) {
    if (hit.key != FieldKey::Expiry && hit.key != FieldKey::InvalidFrom) return false;
    if (hit.canonical == "有效期") return false;
    const bool latin = !hit.canonical.empty() && static_cast<unsigned char>(hit.canonical[0]) < 0x80;
    return !(latin && hit.end < compact.size() && std::isalpha(static_cast<unsigned char>(compact[hit.end])));
}

}  // namespace

// One Tesseract model: reads one line image with a character set.
struct Recogniser {
    tesseract::TessBaseAPI api;
    Charset charset = Charset::Any;
    bool ready = false;

    std::string init(const std::string& dir, const std::string& language) {
        // Tesseract prints warnings to stderr; the kiosk's log is not the place for per-frame chatter.
        api.SetVariable("debug_file", "/dev/null");
        if (api.Init(dir.c_str(), language.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
            return "Tesseract could not load " + language + " from " + dir +
                   " (damaged or incompatible .traineddata?)";
        api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
        api.SetVariable("user_defined_dpi", "300");
        // Every line arrives as dark print on white: Tesseract's own second try on an inverted
        // copy would only cost time.
        api.SetVariable("tessedit_do_invert", "0");
        ready = true;
        return {};
    }

    Recognised recognise(const cv::Mat& line, Charset wanted) {
        Recognised out;
        if (!ready || line.empty()) return out;
        if (wanted != charset) {
            const char* whitelist = wanted == Charset::DateValue   ? "0123456789./-年月日"
                                    : wanted == Charset::Digits    ? "0123456789./-"
                                    : wanted == Charset::ShelfLife ? "0123456789个月"
                                    : wanted == Charset::Batch
                                        ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
                                        : "";
            api.SetVariable("tessedit_char_whitelist", whitelist);
            charset = wanted;
        }
        const cv::Mat image = padded(line);
        api.SetImage(image.data, image.cols, image.rows, 1, static_cast<int>(image.step));
        if (api.Recognize(nullptr) != 0) return out;
        std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
        if (!it) return out;
        do {
            std::unique_ptr<char[]> symbol(it->GetUTF8Text(tesseract::RIL_SYMBOL));
            if (!symbol || !*symbol.get()) continue;
            int left = 0, top = 0, right = 0, bottom = 0;
            it->BoundingBox(tesseract::RIL_SYMBOL, &left, &top, &right, &bottom);
            if (it->IsAtBeginningOf(tesseract::RIL_WORD) && !out.spaced.empty()) out.spaced += ' ';
            Glyph glyph{fold_full_width(symbol.get()), left - 10, right - 10,
                        it->Confidence(tesseract::RIL_SYMBOL)};
            out.spaced += glyph.text;
            out.glyph_at.push_back(out.compact.size());
            out.compact += compact_of(glyph.text);
            out.glyphs.push_back(std::move(glyph));
        } while (it->Next(tesseract::RIL_SYMBOL));
        return out;
    }
};

// The Chinese model reads labels and values; a Latin model (when installed) reads digit-only values a
// second, independent way: two different networks rarely misread the same dots the same way.
struct TextReader::Engine {
    Recogniser chinese;
    Recogniser latin;
};

std::string TextLines::joined() const {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) text += '\n';
        text += lines[i].text;
    }
    return text;
}

TessdataLookup find_tessdata_dir(const std::string& languages) {
    const std::vector<std::string> names = split_languages(languages);
    if (names.empty()) return {{}, "no OCR language given (expected e.g. chi_sim+eng)"};
    std::error_code ec;
    if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) {
        for (const fs::path& dir : {fs::path(prefix), fs::path(prefix) / "tessdata"}) {
            if (fs::is_directory(dir, ec) && missing_language(dir, names).empty()) return {dir.string(), {}};
        }
        return {{},
                std::string("TESSDATA_PREFIX=") + prefix + " has no " + missing_language(prefix, names) +
                    ".traineddata (nor its tessdata/ folder); unset it or point it at the folder with " +
                    languages};
    }
    const fs::path debian_root = "/usr/share/tesseract-ocr";
    std::vector<fs::path> candidates;
    for (fs::directory_iterator it(debian_root, ec), end; !ec && it != end; it.increment(ec))
        candidates.push_back(it->path() / "tessdata");
    std::sort(candidates.rbegin(), candidates.rend());  // newest version folder first
    for (const auto& dir : candidates)
        if (missing_language(dir, names).empty()) return {dir.string(), {}};
    std::string missing;
    for (const auto& name : names)
        missing += " tesseract-ocr-" + std::string(name == "chi_sim" ? "chi-sim" : name);
    return {{},
            "no Tesseract language data for " + languages + " under " + debian_root.string() +
                "/*/tessdata; install the Debian packages" + missing + " or set TESSDATA_PREFIX"};
}

TextReader::TextReader(std::unique_ptr<Engine> engine, TextReaderOptions options)
    : engine_(std::move(engine)), options_(std::move(options)) {}

TextReader::~TextReader() {
    if (engine_) {
        engine_->chinese.api.End();
        engine_->latin.api.End();
    }
}

TextReader::Opened TextReader::open(const TextReaderOptions& options) {
    TextReaderOptions resolved = options;
    if (resolved.tessdata_dir.empty()) {
        TessdataLookup lookup = find_tessdata_dir(options.languages);
        if (!lookup.error.empty()) return {nullptr, lookup.error};
        resolved.tessdata_dir = lookup.dir;
    }
    auto engine = std::make_unique<Engine>();
    if (std::string error = engine->chinese.init(resolved.tessdata_dir, resolved.languages); !error.empty())
        return {nullptr, error};
    // The Latin model is optional: without it digit-only values are read twice by the Chinese one.
    if (!resolved.value_language.empty()) {
        const TessdataLookup latin = find_tessdata_dir(resolved.value_language);
        if (latin.error.empty()) (void)engine->latin.init(latin.dir, resolved.value_language);
    }
    return {std::unique_ptr<TextReader>(new TextReader(std::move(engine), std::move(resolved))), {}};
}

TextLines TextReader::read(const Frame& frame, const ReadRequest& request) {
    if (frame.width <= 0 || frame.height <= 0 ||
        frame.rgb.size() < static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) * 3)
        return {};
    const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.rgb.data()));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    return read(GreyImage{grey.cols, grey.rows, grey.data, grey.step}, request);
}

namespace {

// One line candidate as the frame's reading goes.
struct Candidate {
    detail::LineBox box;
    bool hinted = false;
    bool read_before = false;  // read in an earlier frame, no label on it then
    bool cut_by_edge = false;  // the frame's edge cuts it (a corner within 2 px of it, or beyond)
    bool read = false;
    cv::Mat normalised;  // empty when unreadable
    cv::Mat grey;        // the crop `normalised` was made from: its ground as the camera saw it
    bool dotted = false;
    cv::Mat plain;      // `normalised` before dots were joined (the same Mat when not dotted)
    int digit_run = 0;  // digit-shaped marks in a row, before recognition
    std::vector<detail::CellSide> cell_sides;  // table cells' sides erased from the crop
    Recognised label_pass;
    std::vector<LabelHit> hits;
    bool used_as_value = false;  // its text was read as another line's value
    bool finished = false;       // `out` is filled in
    ReadLine out;
};

// Where `other` sits relative to `line`, in `line`'s own frame: along its text and across it.
cv::Point2f relative(const detail::LineBox& line, const detail::LineBox& other) {
    const double a = line.angle_degrees * CV_PI / 180.0;
    const cv::Point2f d = other.centre - line.centre;
    return {static_cast<float>(d.x * std::cos(a) + d.y * std::sin(a)),
            static_cast<float>(-d.x * std::sin(a) + d.y * std::cos(a))};
}

// The reading of one frame, step by step: find the lines, cut each out upright and binarise it,
// recognise them in order of promise within the budget (labels, then their values), and put what
// was read in reading order for the parser.
class FrameReading {
  public:
    FrameReading(Recogniser& chinese, Recogniser& latin, const TextReaderOptions& options,
                 const ReadRequest& request, const cv::Mat& grey)
        : chinese_(chinese), latin_(latin), options_(options), request_(request), grey_(grey) {}

    // Step 1: text lines anywhere in the frame (or its region), and which lie where labels were before.
    void find_lines();
    // Step 2: each candidate cut out upright at one text height, its contrast normalised, rules
    // removed, dots joined; texture dropped; its digit run measured (a millisecond each).
    void upright_and_binarise();
    // Step 3: recognition in order of promise, within the frame's CPU budget: each line's labels,
    // then each label's value (on its line, in the next cell, on the next line).
    void recognise();
    // Step 4: the read lines in reading order, each label followed by its value, for the parser.
    TextLines in_reading_order();

  private:
    int rank(const Candidate& c) const;
    int first_read_rank(const Candidate& c) const;
    std::vector<std::size_t> recognition_order() const;
    void read_labels(Candidate& c);
    // A value's picture: the print (`plain`) and what recognition reads (`normalised`, dots joined).
    struct ValueView {
        cv::Mat plain, normalised;
        bool dotted = false;
    };
    static ValueView value_view(const Candidate& c, int x0, int x1);
    std::string vote(const ValueView& view, Charset charset, const std::string& label_value,
                     int* most_digits = nullptr);
    std::string read_value(std::size_t index, std::size_t h, cv::Mat& picture);
    std::string confirmed_batch(std::size_t index, std::size_t h, const std::string& as_read);
    std::string read_value_elsewhere(std::size_t index, std::size_t h, Charset charset, cv::Mat& picture);
    bool note_says_in_use(std::size_t value, std::size_t label_line);
    bool day_follows(const Candidate& c, int x1, int stop_x, bool past_sides);
    bool day_wrapped_under(std::size_t index, int x1);
    bool day_wrapped_under_start(std::size_t index);
    cv::Mat row_under(const detail::LineBox& box, float from, float to, float pitch) const;
    bool word_wrapped_under(std::size_t index);
    bool day_starts_line_under(std::size_t index);
    // Whether `begins` holds for a line under line `index` (its labels read), 0.6 to `most_below` text
    // heights below and starting no further than `latest_start` text heights past this line's end.
    template <typename Begins>
    bool any_line_under(std::size_t index, float most_below, float latest_start, Begins begins);
    // The frame's print along line `c`'s row around its end, cut out and normalised like a line.
    struct LineEnd {
        cv::Mat strip;
        std::vector<detail::CellSide> sides;  // table cells' sides in it
        int at = 0;                           // the column where the line ended
    };
    LineEnd line_end_strip(const Candidate& c, float reach) const;
    cv::Mat print_past_line_end(const Candidate& c, bool past_sides) const;
    bool cut_through_print(const Candidate& c) const;
    // What lies between a value's end and the frame's edge past it, from farthest to nearest.
    enum class EdgeAfterValue {
        Far,                    // a text height or more of the line in view past the value
        Clear,                  // clean ground before the edge, room for a separator and a day's first mark
        NoWiderThanItsSpacing,  // clean ground, but no wider than the gaps between the value's own characters
        MarkBefore,             // a mark between the value and the edge: a day's separator or first glyph
        CutsPrint,              // the edge cuts print: a glyph runs on out of view
        TooClose,               // too little ground in view for a further glyph's first mark to show
    };
    EdgeAfterValue edge_after_value(const Candidate& c, int x0, int x1) const;
    bool frame_edge_after(const Candidate& c, int x0, int x1) const {
        const EdgeAfterValue edge = edge_after_value(c, x0, x1);
        return edge != EdgeAfterValue::Far && edge != EdgeAfterValue::Clear;
    }
    bool frame_edge_cuts_value(const Candidate& c, int x0, int x1) const {
        const EdgeAfterValue edge = edge_after_value(c, x0, x1);
        return edge == EdgeAfterValue::CutsPrint || edge == EdgeAfterValue::TooClose;
    }
    // The print's ground around the end of a line, column by column, in grey levels against the ground under
    // its last text height: `at` is the column where the line ends.
    struct GroundAtLineEnd {
        struct Column {
            int low = 0, middle = 0, high = 0;  // its darkest, middle and lightest pixel in the print's rows
        };
        std::vector<Column> columns;
        int at = 0;
        int ground = 0;    // grey level
        int contrast = 0;  // the print's ink against its ground
        bool dark_ink = true;
        bool inked(int x) const {
            const Column& col = columns[static_cast<std::size_t>(x)];
            return (dark_ink ? -col.low : col.high) > contrast * 45 / 100;
        }
        // The whole column darker or lighter than the ground: not print, which leaves ground in its column.
        bool covered(int x) const {
            const Column& col = columns[static_cast<std::size_t>(x)];
            return col.high < -20 || col.low > 20;
        }
    };
    bool hidden_past_line_end(const Candidate& c) const;
    bool lit_past_line_end(const Candidate& c, const GroundAtLineEnd& end) const;
    static bool covered_against_line_end(const GroundAtLineEnd& end);
    bool beside_value_is_ambiguous(std::size_t index, std::size_t value, float label_from,
                                   float label_to) const;
    // A label's extent along the line of the candidate the reading is about.
    struct LabelSpan {
        float from = 0, to = 0;
        bool value_beside = false;  // its value (or a note in its place) is printed after it, not under it
        bool needs_one = false;     // a label printed with a value (not 国药准字, 电话 …)
        bool own = false;           // the label whose value is looked for
    };
    std::vector<LabelSpan> labels_on_row(std::size_t index, std::size_t h);
    std::vector<std::pair<float, float>> groups_on_row_of(std::size_t index, std::size_t value) const;
    bool value_under_row_is_ambiguous(std::size_t index, std::size_t h, std::size_t value, float value_from,
                                      float value_to);
    void finish(std::size_t index);
    void find_label_for(std::size_t index);
    bool enough_so_far();

    Recogniser& chinese_;
    Recogniser& latin_;
    const TextReaderOptions& options_;
    const ReadRequest& request_;
    const cv::Mat& grey_;
    std::optional<detail::Quad> region_;
    std::vector<Candidate> lines_;
    float typical_height_ = 0;
    std::vector<std::string> votes_weighed_;  // every reading the votes for the current label weighed
    TextLines result_;
    Clock::time_point recognise_start_;
    double cpu_start_ = 0;
};

void FrameReading::find_lines() {
    const auto locate_start = Clock::now();
    if (request_.region) {
        detail::Quad quad;
        for (std::size_t i = 0; i < 4; ++i)
            quad[i] = cv::Point2f((*request_.region)[i].x, (*request_.region)[i].y);
        region_ = quad;
    }
    const detail::FoundLines found = detail::find_text_lines(grey_, region_);
    result_.skew_degrees = found.skew_degrees;
    result_.candidates = static_cast<int>(found.lines.size());
    for (const auto& box : found.lines) {
        lines_.emplace_back();
        lines_.back().box = box;
    }
    result_.locate_ms = ms_since(locate_start);

    // Whether a line lies where one of `places` (lines of earlier frames) was.
    const auto near_any = [](const std::vector<Quad>& places, const auto& box) {
        const float reach = std::max(12.0f, 0.8f * box.height);
        return std::any_of(places.begin(), places.end(), [&](const Quad& place) {
            cv::Point2f centre(0, 0);
            for (const auto& p : place) centre += cv::Point2f(p.x, p.y) * 0.25f;
            return cv::norm(centre - box.centre) < reach;
        });
    };
    // Lines near where labels were read in earlier frames are read first; lines read there without a
    // label, after every line not read yet.
    for (auto& line : lines_) {
        line.hinted = near_any(request_.hints, line.box);
        line.read_before = near_any(request_.read_before, line.box);
    }
    const auto cut_by_edge = [&](const detail::LineBox& box) {
        constexpr float margin = 2;
        for (const float along : {-0.5f, 0.5f})
            for (const float across : {-0.5f, 0.5f}) {
                const cv::Point2f corner = box.at(along, across);
                if (corner.x < margin || corner.y < margin ||
                    corner.x > static_cast<float>(grey_.cols) - 1 - margin ||
                    corner.y > static_cast<float>(grey_.rows) - 1 - margin)
                    return true;
            }
        return false;
    };
    for (auto& line : lines_) line.cut_by_edge = cut_by_edge(line.box);
}

void FrameReading::upright_and_binarise() {
    recognise_start_ = Clock::now();
    cpu_start_ = thread_cpu_ms();
    // What each candidate looks like decides the order in which the expensive recognition reads them.
    for (auto& c : lines_) {
        c.grey = detail::cut_out_line(grey_, c.box, kTextHeight, region_);
        c.normalised = detail::normalise_line(c.grey);
        if (c.normalised.empty()) continue;
        c.cell_sides = detail::remove_rules(c.normalised);
        c.dotted = detail::looks_dotted(c.normalised);
        c.plain = c.normalised;
        if (c.dotted) c.normalised = detail::join_dots(c.normalised);
        // Wood grain, stripes and other texture that the edge finder took for a line: not worth a read.
        if (!detail::looks_like_text(c.normalised, kTextHeight)) {
            c.normalised.release();
            continue;
        }
        c.digit_run = detail::digit_run(c.normalised, kTextHeight);
    }
    std::vector<float> heights;
    for (const auto& line : lines_) heights.push_back(line.box.height);
    if (!heights.empty()) {
        std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                         heights.end());
        typical_height_ = heights[heights.size() / 2];
    }
}

// Lines near where labels were read in earlier frames first; then lines with a run of digits (a date,
// most likely with its label beside or above it); then plain lines; titles last. Lines an earlier frame
// read without finding a label come after all of those, in the same order among themselves.
int FrameReading::rank(const Candidate& c) const {
    if (c.hinted) return 0;
    if (c.read_before) return 5 + first_read_rank(c);
    return first_read_rank(c);
}

int FrameReading::first_read_rank(const Candidate& c) const {
    if (c.digit_run >= 4) return 1;
    if (c.box.height > typical_height_ * 2.2f) return 4;  // a title
    if (c.digit_run >= 2) return 2;
    return 3;
}

std::vector<std::size_t> FrameReading::recognition_order() const {
    std::vector<std::size_t> order(lines_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const int ra = rank(lines_[a]), rb = rank(lines_[b]);
        if (ra != rb) return ra < rb;
        if (lines_[a].digit_run != lines_[b].digit_run) return lines_[a].digit_run > lines_[b].digit_run;
        return lines_[a].box.centre.y < lines_[b].box.centre.y;
    });
    return order;
}

// The label pass: the whole line with every character allowed, once.
void FrameReading::read_labels(Candidate& c) {
    if (c.read) return;
    c.read = true;
    if (c.normalised.empty()) return;
    ++result_.recognised;
    c.label_pass = chinese_.recognise(c.normalised, Charset::Any);
    c.hits = find_labels(c.label_pass.compact);
    // Digits but no label: the label may be what a second binarisation reads.
    if (c.hits.empty() &&
        (count_digits(c.label_pass.compact) >= 4 || c.label_pass.compact.find("月") != std::string::npos)) {
        Recognised again = chinese_.recognise(detail::local_threshold(c.normalised), Charset::Any);
        std::vector<LabelHit> hits = find_labels(again.compact);
        if (!hits.empty()) {
            c.label_pass = std::move(again);
            c.hits = std::move(hits);
        }
    }
    // Latin print the Chinese model is unsure of: inkjet "EXP 2026.05.17" with dots close enough to run
    // into dashes read as "正呈忆十交二忆.四" at 81, or as "2" (red team rt50 F3). The Latin model, on the
    // line blurred, read it right at 99; the Chinese model reads plain print at 97 or more. Lines much
    // smaller than the face's print are fine print or texture, and not worth the time (about 10% more
    // to a proposal when they were read again too).
    if (c.hits.empty() && latin_.ready && c.box.height >= 0.7f * typical_height_ &&
        reading_in_doubt(c.label_pass, c.normalised)) {
        cv::Mat soft;
        cv::GaussianBlur(c.normalised, soft, cv::Size(0, 0), 1.4);
        Recognised latin = latin_.recognise(soft, Charset::Any);
        std::vector<LabelHit> hits = find_labels(latin.compact);
        if (!hits.empty() && latin.mean_confidence() > c.label_pass.mean_confidence()) {
            c.label_pass = std::move(latin);
            c.hits = std::move(hits);
        }
    }
}

// The lengths of a value's runs of digits: {4, 1, 2} for "2030年1月21日".
std::vector<int> digit_runs(const std::string& value) {
    std::vector<int> runs;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(value[i])) != 0;
        if (digit && (i == 0 || !std::isdigit(static_cast<unsigned char>(value[i - 1])))) runs.push_back(0);
        if (digit) ++runs.back();
    }
    return runs;
}

// Whether `wider`, the value read stretched wide, reads a field that `runs` (the value's runs of digits)
// has with one digit with more, and every other field as read: "2027年11月11日" for "2027年1月1日". A
// stretched read also garbles ("20292年7月" for "2029年7月"), which says nothing of a lost digit.
bool one_digit_field_reads_longer(const std::vector<int>& runs, const std::string& wider) {
    const std::vector<int> wide_runs = digit_runs(wider);
    if (wide_runs.size() != runs.size()) return false;
    bool longer = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i] == 1 && wide_runs[i] > 1)
            longer = true;
        else if (wide_runs[i] != runs[i])
            return false;
    }
    return longer;
}

// Whether byte `at` of a reading starts a character that stands as tall as a digit: not a byte inside a
// multi-byte character, not a low mark ('.', '-', ':', ','), not the unread mark.
bool starts_tall_character(const std::string& reading, std::size_t at) {
    const auto byte = static_cast<unsigned char>(reading[at]);
    return (byte & 0xC0) != 0x80 &&
           std::string_view(".-:,_~'`").find(reading[at]) == std::string_view::npos &&
           reading[at] != kUnreadEnd;
}

// How many characters of a reading stand as tall as a digit.
int tall_characters(const std::string& reading) {
    int count = 0;
    for (std::size_t i = 0; i < reading.size(); ++i)
        if (starts_tall_character(reading, i)) ++count;
    return count;
}

// The marks a value's picture holds, in order: the runs of columns between columns of clear ground that
// stand as tall as a digit. A light cut-off (190 of 255) keeps a bold serif's hairlines in their glyph
// ("0", "月") while the ground between glyphs, blurred, stays above it.
struct Mark {
    int x = 0;
    int width = 0;
};
std::vector<Mark> tall_marks_of(const cv::Mat& value_crop) {
    cv::Mat darkest;
    cv::reduce(value_crop, darkest, 0, cv::REDUCE_MIN);
    std::vector<int> heights;
    std::vector<Mark> marks;
    for (int x = 0, start = -1; x <= value_crop.cols; ++x) {
        const bool ink = x < value_crop.cols && darkest.at<uchar>(0, x) < 190;
        if (ink && start < 0) start = x;
        if (!ink && start >= 0) {
            cv::Mat rows;
            cv::reduce(value_crop.colRange(start, x), rows, 1, cv::REDUCE_MIN);
            int top = -1, bottom = -1;
            for (int y = 0; y < rows.rows; ++y)
                if (rows.at<uchar>(y, 0) < 190) {
                    if (top < 0) top = y;
                    bottom = y;
                }
            heights.push_back(bottom - top + 1);
            marks.push_back({start, x - start});
            start = -1;
        }
    }
    if (heights.empty()) return {};
    const int tallest = *std::max_element(heights.begin(), heights.end());
    std::vector<Mark> tall;
    for (std::size_t i = 0; i < heights.size(); ++i)
        if (10 * heights[i] >= 6 * tallest) tall.push_back(marks[i]);
    return tall;
}

std::vector<int> tall_mark_widths(const cv::Mat& value_crop) {
    std::vector<int> widths;
    for (const Mark& mark : tall_marks_of(value_crop)) widths.push_back(mark.width);
    return widths;
}

// How many characters a value's picture holds (see tall_mark_widths).
int tall_marks(const cv::Mat& value_crop) {
    return static_cast<int>(tall_mark_widths(value_crop).size());
}

// Per character of a reading that stands as tall as a digit: the length of the run of digits it is in, 0
// for any other character.
std::vector<int> tall_character_runs(const std::string& reading) {
    std::vector<int> runs;
    for (std::size_t i = 0; i < reading.size(); ++i) {
        if (!starts_tall_character(reading, i)) continue;
        if (std::isdigit(static_cast<unsigned char>(reading[i])) == 0) {
            runs.push_back(0);
            continue;
        }
        std::size_t end = i;
        while (end < reading.size() && std::isdigit(static_cast<unsigned char>(reading[end])) != 0) ++end;
        runs.insert(runs.end(), end - i, static_cast<int>(end - i));
        i = end - 1;
    }
    return runs;
}

// Whether a field the reading gives one digit stands in the picture as a mark wider than the year's
// digits: two like digits run together into one mark ("11" of a bold serif's "2028年11月", read "1月"
// by every view, red team rt48); a lone 1 or 7 is no wider than a digit of the year. The marks after
// the year are matched to the characters read after it from the end, one each; the year's may run
// together (its width is taken as four digits').
bool one_digit_field_is_wider(const cv::Mat& value_crop, const std::string& reading) {
    const std::vector<int> runs = tall_character_runs(reading);
    if (runs.size() < 5 || runs[0] != 4) return false;
    const std::vector<int> widths = tall_mark_widths(value_crop);
    const std::size_t after_year = runs.size() - 4;
    if (widths.size() <= after_year || widths.size() > runs.size()) return false;
    const std::size_t year_marks = widths.size() - after_year;
    int year_width = 0;
    for (std::size_t k = 0; k < year_marks; ++k) year_width += widths[k];
    for (std::size_t j = 4; j < runs.size(); ++j)
        if (runs[j] == 1 && 20 * 4 * widths[year_marks + j - 4] > 27 * year_width) return true;
    return false;
}

// Whether every field the reading gives as a lone 1 is seen to be one: the picture parts into one mark
// per character read, each as wide as its character should be (the year's digits alike, 年 月 日 wider
// than a digit, the 1 no wider). Every model reads a bold serif's "11" as "1" when the two run together
// or their serifs touch, and then the marks say nothing for certain: they run together too (inkjet:
// the whole value is one mark), or split where the reading does not (light ink parts 月 in two, and
// the count came out right by chance). A 1 standing alone in a field is rare on a pack (months and days
// are printed with two digits), a 1 lost from "11" a wrong date (red team rt48: 12 of 120 bold-serif
// boxes), so a lone 1 needs the picture's word. On 360 generated boxes of both kinds that took away all
// 21 wrong dates, and 6 of the 7 lone 1s read right: those go unread. Red team rt49, aiming at lone 1s
// printed as such in 年 月 日 values, saw 41 of 113 read right go unread, clean print among them: blur
// closes a gap between two glyphs somewhere in the value, and the marks no longer match the characters.
// Other lone digits need no word: a 0 lost from "07" leaves the date as it was. Nor do values without
// 年 月 日: no wrong date of this kind was seen in them ("2029.11.30", "11/2029"; rt49, 80 boxes), and
// "EXP 1/2029" is read right.
bool lone_ones_are_seen(const cv::Mat& value_crop, const std::string& reading) {
    const std::vector<int> runs = tall_character_runs(reading);
    bool lone_one = false;
    for (std::size_t i = 0, c = 0; i < reading.size(); ++i) {
        if (!starts_tall_character(reading, i)) continue;
        if (reading[i] == '1' && runs[c] == 1) lone_one = true;
        ++c;
    }
    if (!lone_one || !has_date_characters(reading)) return true;
    const std::vector<Mark> marks = tall_marks_of(value_crop);
    if (runs.size() < 5 || runs[0] != 4 || marks.size() != runs.size()) return false;
    std::array<int, 4> year{marks[0].width, marks[1].width, marks[2].width, marks[3].width};
    std::sort(year.begin(), year.end());
    const double digit = (year[1] + year[2]) / 2.0;
    for (std::size_t j = 0; j < runs.size(); ++j) {
        const double ratio = marks[j].width / digit;
        const bool fits = runs[j] == 0   ? ratio >= 1.1
                          : runs[j] == 1 ? ratio <= 1.1
                                         : ratio >= 0.45 && ratio <= 1.45;
        if (!fits) return false;
    }
    // A lone digit with clear ground beside it half a digit wider than between any other two marks of the
    // value: a digit there printed too faint to see ("11" with one 1 from a weak nozzle; red team rt49,
    // 9 wrong dates). Spaced print ("2030 年 1 月") stands as far apart everywhere.
    const auto gap_after = [&](std::size_t k) { return marks[k + 1].x - (marks[k].x + marks[k].width); };
    const auto beside_lone_digit = [&](std::size_t k) { return runs[k] == 1 || runs[k + 1] == 1; };
    int widest_elsewhere = 0;
    for (std::size_t k = 0; k + 1 < marks.size(); ++k)
        if (!beside_lone_digit(k)) widest_elsewhere = std::max(widest_elsewhere, gap_after(k));
    for (std::size_t k = 0; k + 1 < marks.size(); ++k)
        if (beside_lone_digit(k) && gap_after(k) > widest_elsewhere + digit / 2) return false;
    return true;
}

// A value read several ways: as the label pass saw it; by the Chinese model with a value's character
// set; by a second, independent reading (the Latin model on the unjoined, slightly blurred print for
// digit-only values; the Chinese model on a second binarisation otherwise); for digit-only values, by
// the Latin model on a more blurred print (dots and strokes merged: what a glance at it sees) and, when
// those found no date, on the print with its strokes thinned. A date needs two readings that
// agree and no reading of another date: dot-matrix 5s and 6s, 1s and 4s are misread alike by both
// models on one view, rarely on every view. Anything else gives nothing: no value is better than a
// wrong one.
std::string FrameReading::vote(const ValueView& view, Charset charset, const std::string& label_value,
                               int* most_digits) {
    const cv::Mat& part = view.plain;
    // An inkjet value beside an offset-printed label: the line as a whole did not look dotted.
    const bool dotted = view.dotted || detail::looks_dotted(part);
    std::vector<std::string> readings;
    readings.push_back(compact_of(label_value));
    readings.push_back(
        compact_of(chinese_.recognise(dotted ? detail::join_dots(part) : view.normalised, charset).compact));
    // Only 年 月 日 make a value Chinese: the label pass reads rough print (inkjet) as any characters
    // at all, and its stray ones must not keep the value from the Latin model.
    const bool digits_only =
        charset == Charset::DateValue && !has_date_characters(readings[0]) && !has_cjk(readings[1]);
    if (digits_only && latin_.ready) {
        for (const double sigma : {dotted ? 1.4 : 1.0, 2.0}) {
            cv::Mat soft;
            cv::GaussianBlur(part, soft, cv::Size(0, 0), sigma);
            readings.push_back(compact_of(latin_.recognise(soft, Charset::Digits).compact));
        }
    } else {
        cv::Mat other_view;
        if (dotted)
            cv::GaussianBlur(part, other_view, cv::Size(0, 0), 1.4);
        else
            other_view = detail::local_threshold(part);
        readings.push_back(compact_of(chinese_.recognise(other_view, charset).compact));
    }
    // In order of preference: the value pass, the independent pass, the blurred one, the label pass.
    std::rotate(readings.begin(), readings.begin() + 1, readings.end());
    std::string value = vote_on_value(readings);
    // Bold or blurred print (inkjet run together, embossing) fills the counters of its digits, and the
    // models read a 0 as 8, a 1 as 4, a 5 as 6. The same print with its strokes thinned by a pixel shows
    // them open: on the development seeds' value crops the Latin model read inkjet values right on it
    // twice as often as the value pass. It is asked only when the other readings found no date: it breaks
    // thin strokes too (small laser print), and beside a date they agree on it could only take that date
    // away. Its date still needs a second reading and none against it, and has no field of one digit: in a
    // bold serif it reads two 1s as one, as the other views do now and then, and a second misreading of
    // that kind was all it took ("2028年11月" as "2028年1月", "08月11日" as "08月1日": red team rt48, when
    // 年 月 日 values were thinned too; they gained little else). A thinned reading that makes no date is
    // dropped, not weighed against the frame's other readings (rt48: a stray one spoiled a month-only
    // date). Dot-matrix print, which thinning would break up, goes without it.
    std::vector<std::string> weighed = readings;
    if (!dotted && digits_only && latin_.ready && (value.empty() || value.back() == kUnreadEnd)) {
        cv::Mat thinned;
        cv::dilate(part, thinned, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3)));
        weighed.push_back(compact_of(latin_.recognise(thinned, Charset::Digits).compact));
        std::string helped = vote_on_value(weighed);
        const std::vector<int> helped_runs = digit_runs(helped);
        if (!helped.empty() && helped.back() != kUnreadEnd &&
            std::find(helped_runs.begin(), helped_runs.end(), 1) == helped_runs.end())
            value = std::move(helped);
        else
            weighed.pop_back();
    }
    if (most_digits)
        for (const std::string& reading : weighed)
            *most_digits = std::max(*most_digits, count_digits(reading));
    votes_weighed_.insert(votes_weighed_.end(), weighed.begin(), weighed.end());
    // Both models drop one of two like digits set close ("11月" read "1月" in a bold serif: red team
    // rt43; the network's two 1s run together with no gap between them) or a narrow 1 before another
    // digit ("18日" read "8日"), and a field of one digit left is still a date. Its picture then holds
    // more characters than any reading has, or the print read stretched wide, where like digits stand
    // apart, has more digits in that field. A field read as a lone 1 is kept only when the picture shows
    // each character read as a mark of its own (lone_ones_are_seen).
    const std::vector<int> runs = digit_runs(value);
    if (charset == Charset::DateValue && !dotted && !value.empty() && value.back() != kUnreadEnd &&
        runs.size() >= 2 && std::find(runs.begin(), runs.end(), 1) != runs.end()) {
        int most_read = 0;
        for (const std::string& reading : readings) most_read = std::max(most_read, tall_characters(reading));
        bool lost = tall_marks(view.normalised) > most_read ||
                    one_digit_field_is_wider(view.normalised, value) ||
                    !lone_ones_are_seen(view.normalised, value);
        // Half as wide again parts most; digits squeezed together (a condensed face) want twice as wide.
        for (const double wider : {1.5, 2.0}) {
            if (lost) break;
            cv::Mat wide;
            cv::resize(view.normalised, wide, cv::Size(), wider, 1.0, cv::INTER_CUBIC);
            const std::string stretched = compact_of(chinese_.recognise(wide, charset).compact);
            votes_weighed_.push_back(stretched);
            lost = one_digit_field_reads_longer(runs, stretched);
        }
        if (lost) {
            // A day of one digit after a year and month of two is the day unread; a month of one digit
            // may be the field that lost it, and then nothing of the value is known.
            const bool only_the_day = runs.size() == 3 && runs[0] == 4 && runs[1] == 2 && runs[2] == 1;
            return only_the_day ? value + kUnreadEnd : std::string(1, kUnreadEnd);
        }
    }
    return value;
}

// Columns [x0, x1) of candidate `c`'s crop, as the value's own picture.
FrameReading::ValueView FrameReading::value_view(const Candidate& c, int x0, int x1) {
    const int left = std::clamp(x0, 0, c.plain.cols - 1), right = std::clamp(x1, left + 1, c.plain.cols);
    return {c.plain.colRange(left, right), c.normalised.colRange(left, right), c.dotted};
}

// Where a value that starts at column `x0` of a line ends (exclusive, before `stop_x`, the next label):
// the end of its group of ink marks. Wide-set print (full-width digits, an inkjet coder's spacing) leaves
// gaps wider than the grouping's inside one value: a group that follows within a text height, before the
// next label, is more of it. "２０３０／１２／１７" cut after "２０３０／１" read as January 2030. Such print
// sets its characters apart all through: with `compact`, a value that starts with five or more digits
// set close ("202907": five or more marks apart) ends at a gap half as wide again as the widest between
// them, and a number beyond it is another field ("有效期至 202907  28" read as 20290728 gave
// 2029-07-28; red team red35a). Only for a value the label pass read as bare digits: an inkjet
// "2029.12.17" leaves such a gap after "2029." (dev seed 1001, face 31), after 年 and 月 the next number
// is the day however far it stands, and "EXP 2027  10" sets a year apart (red35b A).
int value_end(const cv::Mat& normalised, const std::vector<detail::CellSide>& cell_sides, int x0, int stop_x,
              bool compact = false) {
    const std::vector<std::pair<int, int>> groups = ink_groups(normalised, cell_sides);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (groups[g].first > x0 + kTextHeight / 2 || groups[g].second <= x0) continue;
        int end = groups[g].second;
        const int first_from = std::clamp(std::max(x0, groups[g].first), 0, end - 1);
        if (compact && g + 1 < groups.size()) {
            int from = first_from, to = end;
            const cv::Mat columns = ink_per_column(normalised, from, to);
            int widest_gap = 0, marks = 0;  // marks: runs of ink columns, about one a character
            for (int x = 0, run = 0; x < columns.cols; ++x) {
                const bool blank = columns.at<int>(0, x) == 0;
                if (!blank && (x == 0 || run > 0)) ++marks;
                run = blank ? run + 1 : 0;
                widest_gap = std::max(widest_gap, run);
            }
            if (marks >= 5 && 2 * (groups[g + 1].first - end) > 3 * std::max(widest_gap, 2))
                return std::min(stop_x, end + 3);
        }
        for (std::size_t n = g + 1;
             n < groups.size() && groups[n].first - end < kTextHeight && groups[n].second <= stop_x &&
             !a_side_within(cell_sides, end, groups[n].first);
             ++n)
            end = groups[n].second;
        return std::min(stop_x, end + 3);
    }
    return stop_x;
}

// Whether a value read as eight bare digits ("20290715") was printed with its last two set apart from the
// six before them (by a third of a digit's pitch) and wider than any space between its year and month (by
// a sixth): "202907 15" and "2029 07  15" may be a month-only date with a number after it (a count,
// another field), not a date (red team rt41). Told from the centres of the marks, one a digit, counted
// from the value's end (its crop may have lost its first digit to the label): digits stand one pitch
// apart in a font, a narrow 1 included, and a space adds to it. Print whose marks are not one a digit
// (touching or dotted digits) tells nothing.
bool last_two_digits_set_apart(const cv::Mat& value_crop, const std::string& value) {
    if (value.size() != 8 || value_crop.empty() || !std::all_of(value.begin(), value.end(), [](char ch) {
            return std::isdigit(static_cast<unsigned char>(ch));
        }))
        return false;
    const cv::Mat columns = ink_per_column(value_crop);
    std::vector<float> centres;
    std::vector<int> widths;
    for (int x = 0, start = -1; x <= columns.cols; ++x) {
        const bool ink = x < columns.cols && columns.at<int>(0, x) > 0;
        if (ink && start < 0) start = x;
        if (!ink && start >= 0) {
            centres.push_back(0.5f * static_cast<float>(start + x - 1));
            widths.push_back(x - start);
            start = -1;
        }
    }
    if (centres.size() < 6 || centres.size() > 8) return false;
    std::vector<int> sorted_widths = widths;
    std::nth_element(sorted_widths.begin(), sorted_widths.begin() + sorted_widths.size() / 2,
                     sorted_widths.end());
    const int usual_width = sorted_widths[sorted_widths.size() / 2];
    if (std::any_of(widths.begin(), widths.end(), [&](int w) { return 2 * w > 3 * usual_width; }))
        return false;
    std::vector<float> pitches;
    for (std::size_t i = 0; i + 1 < centres.size(); ++i) pitches.push_back(centres[i + 1] - centres[i]);
    std::vector<float> sorted = pitches;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const float pitch = sorted[sorted.size() / 2];
    const std::size_t n = pitches.size();
    const float day_space = pitches[n - 2] - pitch, year_month_space = std::max(0.0f, pitches[n - 4] - pitch);
    return day_space > std::max(0.35f * pitch, year_month_space + 0.15f * pitch);
}

// A value that means a month-only date with its month last ("2027.10.", "2027/10", "202710",
// "2027年10月"; not "10/2027"): a day could follow it.
bool month_last_value(const std::string& value) {
    if (value.empty() || !year_month_before_day(value + "1")) return false;
    ParseOptions options;
    options.value_on_next_line = false;
    const ExpiryReading reading = parse_expiry_text("有效期至:" + value, options);
    return reading.expiry && reading.precision == ExpiryPrecision::Month;
}

// Whether a straight edge crosses line `grey` (a line's crop; `normalised` made from it) at a column from
// `from` to `to`: the ground steps there, the same way, above the print and below it, where print leaves
// the ground even. A white sticker's edge on a light box is a step of 20 grey levels and a faint line, too
// faint for a rule (ADayCutOffAtAStickersEdgeIsNotTakenForAMonthOnlyDate at -12°).
bool edge_across(const cv::Mat& grey, const cv::Mat& normalised, int from, int to) {
    constexpr int kStep = 8;    // grey levels: more than a box's ground varies over 4 columns
    constexpr int kAcross = 2;  // columns each side of the edge: its blur
    if (grey.size() != normalised.size()) return false;
    const auto [print_top, print_bottom] = ink_row_span(normalised);
    if (print_bottom <= print_top) return false;
    const int above = print_top - 2, below = print_bottom + 3;  // past the print's blur
    if (above < 3 || grey.rows - below < 3) return false;
    for (int x = std::max(kAcross, from); x <= std::min(to, grey.cols - 1 - kAcross); ++x) {
        // Per margin: rows the ground darkens across x, and rows it lightens.
        const auto steps = [&](int row_from, int row_to) {
            std::pair<int, int> darker_lighter{0, 0};
            for (int y = row_from; y < row_to; ++y) {
                const int step =
                    grey.at<std::uint8_t>(y, x + kAcross) - grey.at<std::uint8_t>(y, x - kAcross);
                if (step <= -kStep) ++darker_lighter.first;
                if (step >= kStep) ++darker_lighter.second;
            }
            return darker_lighter;
        };
        const auto [darker_above, lighter_above] = steps(0, above);
        const auto [darker_below, lighter_below] = steps(below, grey.rows);
        const int rows_above = above, rows_below = grey.rows - below;
        const auto most = [](int count, int rows) { return count * 4 >= rows * 3; };
        if ((most(darker_above, rows_above) && most(darker_below, rows_below)) ||
            (most(lighter_above, rows_above) && most(lighter_below, rows_below)))
            return true;
    }
    return false;
}

// Whether the print of a value read as a month-only date, whose last glyph read ends at column
// `last_read_x1`, runs on past that glyph into a cell's side with no ground between: a sticker's or a
// label's edge that cuts its day. "有效期至2027年08月2" with the 2 sliced by the sticker's edge reads
// "2027年08月" (its sliver as ":" or nothing), and was taken for a month-only date: the month's last day,
// a wrong date (red team rt52 R1, level and askew stickers). The side is a rule found in the print or an
// edge too faint for one (edge_across). A framed month-only date has its padding between its 月 and the
// frame; one set so tight that its 月 touches the side gives no date, not a wrong one.
bool print_cut_by_a_side(const cv::Mat& normalised, const cv::Mat& grey,
                         const std::vector<detail::CellSide>& cell_sides, int last_read_x1) {
    constexpr int kReadSlack = 3;  // columns: a glyph's box may fall short of its ink by as many
    for (const auto& [first, last] : ink_groups(normalised, cell_sides)) {
        if (first > last_read_x1 || last < last_read_x1) continue;
        // The rule's near edge, not its middle: a border 4 px thick at 22 px print has its middle 4 to 5
        // columns past the print it cuts (red team rt53 A1: still the month's last day).
        const bool side_against = std::any_of(
            cell_sides.begin(), cell_sides.end(),
            [&](const detail::CellSide& side) { return side.last >= last - 4 && side.first <= last + 3; });
        if (!side_against && !edge_across(grey, normalised, last - 1, last + 4)) return false;
        // A sliver of a digit: a few columns of a stroke or two, a few pixels each (the left edge of a
        // cut "2" at 1080p: 2 to 7 a column over 2 to 5 columns). Dust or a blurred frame is less.
        int from = last_read_x1 + kReadSlack, to = last;
        const cv::Mat columns = ink_per_column(normalised, from, to);
        if (columns.empty() || cv::countNonZero(columns) < 2 || cv::sum(columns)[0] < kTextHeight / 3)
            return false;
        // A digit's sliver reaches up into the print's upper part; a full stop, "。" or a comma after a
        // month-only date ("2027/01。" against a frame) lies at its foot (red team rt53 B1: read as ".",
        // such marks counted as unread print).
        const auto [print_top, print_bottom] = ink_row_span(normalised.colRange(first, from));
        const int sliver_top = ink_row_span(normalised.colRange(from, to)).first;
        return print_bottom > print_top && sliver_top < print_top + (print_bottom - print_top) * 4 / 10;
    }
    return false;
}

// Whether the value of line `c` in columns [x0, x1) has print cut by a cell's side after its last glyph
// the label pass read (print_cut_by_a_side); separators' marks do not count as read, a sliver of a digit
// reads as one.
bool cut_by_a_side_after(const Candidate& c, int x0, int x1) {
    const std::vector<Glyph>& glyphs = c.label_pass.glyphs;
    for (auto glyph = glyphs.rbegin(); glyph != glyphs.rend(); ++glyph)
        if (glyph->x0 < x1 && glyph->x1 > x0 && !is_separator(glyph->text))
            return print_cut_by_a_side(c.normalised, c.grey, c.cell_sides, glyph->x1);
    return false;
}

// Whether the print of the last glyph of the value in columns [x0, x1) of line `c` runs into a cell's side
// with no ground between: the side may cut its last digit, and the cut digit reads as another (red team
// rt56 a1l_561_53: "2028.09.2|6" against a 4 px border read "2028.09.24" in two frames of six). Only ink
// touching the side: a date set tight in its box, a pixel or two of ground before the side, is read (rt56
// a1t: allowing a column of slack lost 4 of its 8 tight full dates, touching only 1).
bool last_glyph_against_a_side(const Candidate& c, int x0, int x1) {
    const std::vector<Glyph>& glyphs = c.label_pass.glyphs;
    for (auto glyph = glyphs.rbegin(); glyph != glyphs.rend(); ++glyph) {
        if (glyph->x0 >= x1 || glyph->x1 <= x0 || is_separator(glyph->text)) continue;
        int glyph_ink_end = -1;
        for (const auto& [first, last] : ink_groups(c.normalised, c.cell_sides))
            if (first < glyph->x1 && last >= glyph->x0) glyph_ink_end = last;
        return glyph_ink_end >= 0 &&
               std::any_of(c.cell_sides.begin(), c.cell_sides.end(), [&](const detail::CellSide& side) {
                   return side.last >= glyph_ink_end - 4 && side.first <= glyph_ink_end + 1;
               });
    }
    return false;
}

// Where the last of two or more ink groups of line `c` between `x0` and `x1` begins; `x1` when there is
// only one.
int last_group_start(const Candidate& c, int x0, int x1) {
    int start = x1, groups = 0;
    for (const auto& [first, last] : ink_groups(c.normalised, c.cell_sides))
        if (last > x0 && first < x1) {
            start = first;
            ++groups;
        }
    return groups >= 2 ? start : x1;
}

bool ends_in_a_separator(const std::string& value) {
    return !value.empty() && (value.back() == '.' || value.back() == '/' || value.back() == '-');
}

// What OCR reads of a day on its own: one or two digits (a 1 or a 0 as any of its look-alikes: dot-matrix
// "01" is read "O1"), after a mark or not ("/18", "- 08"), then nothing, 日, a mark or a note ("1(见封口)",
// "1前使用", "1 OTC"), but no unit and no decimals: "24粒", "2盒", "10mg", "0.5g" after a month-only date
// are its pack's contents. `bare`: the digits and nothing more (what the Latin model, which has no Chinese
// characters, says is a day).
bool reads_as_a_day(const std::string& compact, bool bare = false) {
    const auto digit_like = [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch)) || ch == 'l' || ch == 'I' || ch == '|' ||
               ch == '!' || ch == ']' || ch == 'O' || ch == 'o';
    };
    std::size_t from = 0;
    while (from < compact.size() &&
           std::string_view("/-.*#_~:").find(compact[from]) != std::string_view::npos)
        ++from;
    std::size_t digits = from;
    while (digits < compact.size() && digit_like(compact[digits])) ++digits;
    const bool a_real_digit =
        std::any_of(compact.begin() + static_cast<long>(from), compact.begin() + static_cast<long>(digits),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    const std::size_t count = digits - from;
    if (count == 0 || count > 2 || (!a_real_digit && compact.size() > digits)) return false;
    const std::string_view rest = std::string_view(compact).substr(digits);
    if (bare) return rest.empty();
    if (rest.size() >= 2 && (rest[0] == '.' || rest[0] == ',') &&
        std::isdigit(static_cast<unsigned char>(rest[1])))
        return false;
    for (const std::string_view unit : {"粒", "片", "盒", "支", "袋", "瓶", "丸", "包", "贴", "个",
                                        "枚", "mg", "ml", "mL", "g",  "kg", "%",  "x",  "X",  "×"})
        if (rest.starts_with(unit)) return false;
    return true;
}

// The widest run of columns of `line` with no ink between columns `from` and `to`: its width, and the
// column after it.
struct BlankRun {
    int width = 0, end = 0;
};

BlankRun widest_blank_run(const cv::Mat& line, int from, int to) {
    const cv::Mat columns = ink_per_column(line, from, to);
    BlankRun widest;
    for (int x = 0, run = 0; x < columns.cols; ++x) {
        run = columns.at<int>(0, x) > 0 ? 0 : run + 1;
        if (run > widest.width) widest = {run, from + x + 1};
    }
    return widest;
}

// How many columns of `line` between columns `from` and `to` have no ink.
int blank_columns(const cv::Mat& line, int from, int to) {
    const cv::Mat columns = ink_per_column(line, from, to);
    return columns.empty() ? 0 : columns.cols - cv::countNonZero(columns);
}

// Whether what follows a day's 日 ends a real expiry date: "…15日止", "…15日前使用", "…15日之前",
// "…15日(含)", "…15日有效" (ambiguous with a count of days, read as the date it may be). The word must end
// there, or go on as a date's words do ("前使用", "前服用"): "5日止泻", "3日有效缓解", "3日到期提醒" are
// what a few days do (red team rt47). "有效期" is a label.
bool ends_a_date(std::string_view after) {
    struct Ender {
        std::string_view word;
        bool may_go_on;  // "(含当日)", "前使用": anything may follow
    };
    for (const Ender ender :
         {Ender{"止", false}, Ender{"为止", false}, Ender{"有效", false}, Ender{"到期", false},
          Ender{"失效", false}, Ender{"过期", false}, Ender{"前", false}, Ender{"之前", true},
          Ender{"以前", true}, Ender{"(含", true}, Ender{"（含", true}}) {
        if (!after.starts_with(ender.word)) continue;
        const std::string_view rest = after.substr(ender.word.size());
        if (ender.may_go_on || !has_cjk(std::string(rest))) return true;
        for (const std::string_view use : {"使用", "用", "服用", "食用", "有效", "销售"})
            if (ender.word == "前" && rest.starts_with(use)) return true;
    }
    return false;
}

// Where the label pass read a day after a month: glyphs `month` (月), one or two digits, `day_mark` (日),
// the last such run in glyphs `first` to `stop`. The day mark is any Chinese character but 年 and 月: the
// label pass, reading every character, takes a small 日 for 户 or 曰 where the value pass reads 日 (red
// team rt45 box206, "18日连服" read "18户连服").
struct DayAfterMonth {
    std::size_t month = 0, day_mark = 0;
};

std::optional<DayAfterMonth> day_after_month(const std::vector<Glyph>& glyphs, std::size_t first,
                                             std::size_t stop) {
    stop = std::min(stop, glyphs.size());
    std::size_t month = stop;
    for (std::size_t g = first; g < stop; ++g)
        if (glyphs[g].text == "月") month = g;
    if (month >= stop) return std::nullopt;
    // A comma read between ("2027年04月，7日装") does not part them.
    std::size_t number = month + 1;
    while (number < stop && is_separator(glyphs[number].text)) ++number;
    std::size_t day_mark = number;
    while (day_mark < stop && day_mark <= number + 1 && is_digit_text(glyphs[day_mark].text)) ++day_mark;
    if (day_mark == number || day_mark >= stop) return std::nullopt;
    const std::string& mark = glyphs[day_mark].text;
    if (!has_cjk(mark) || is_separator(mark) || mark == "年" || mark == "月") return std::nullopt;
    return DayAfterMonth{month, day_mark};
}

// The column where glyph `g` ends and glyph `g + 1` begins: the middle of the widest blank run between
// their centres (Tesseract's own boxes are too loose for that).
int column_between(const cv::Mat& line, const std::vector<Glyph>& glyphs, std::size_t g) {
    const BlankRun blank =
        widest_blank_run(line, (glyphs[g].x0 + glyphs[g].x1) / 2, (glyphs[g + 1].x0 + glyphs[g + 1].x1) / 2);
    return blank.width > 0 ? blank.end - (blank.width + 1) / 2 : (glyphs[g].x1 + glyphs[g + 1].x0) / 2;
}

// The gap between glyphs `g` and `g + 1` of `line`: the widest blank run between their centres.
float gap_between(const cv::Mat& line, const std::vector<Glyph>& glyphs, std::size_t g) {
    return static_cast<float>(
        widest_blank_run(line, (glyphs[g].x0 + glyphs[g].x1) / 2, (glyphs[g + 1].x0 + glyphs[g + 1].x1) / 2)
            .width);
}

// The widest gap between two Chinese characters set close in glyphs `from` to `to` of `line` (a label,
// "有效期至"): how far apart this font sets them with no space, which varies from font to font (a Song face
// sets them wider than a sans, AR PL UKai wider still). 0 when there are none.
float widest_close_set_gap(const cv::Mat& line, const std::vector<Glyph>& glyphs, std::size_t from,
                           std::size_t to) {
    const auto chinese = [&](std::size_t g) {
        return has_cjk(glyphs[g].text) && !is_separator(glyphs[g].text);
    };
    float widest = 0;
    for (std::size_t g = from; g + 1 < std::min(to, glyphs.size()); ++g)
        if (chinese(g) && chinese(g + 1)) widest = std::max(widest, gap_between(line, glyphs, g));
    return widest;
}

// What the print after a day's 日 is, as the label pass (which reads every character) saw glyphs `first`
// to `stop` of line `line`.
enum class AfterDay {
    Nothing,      // no day after a month, or nothing after its 日, or only marks that say nothing
    EndsTheDate,  // "…18日止", "…18日前使用", "…18日(含)"
    AnotherField,  // a space, then another field: "2027年12月02日 用法用量见说明书", "… 包装 10袋"
    MayBeCount,  // "2029年07月 7日装": July 2029 and a seven days' pack, not a day
    // Nothing after the 日 on its line, its number set apart from its month: a count whose word wrapped
    // onto the next line if a word begins that line (see `word_wrapped_under`).
    ApartAtLineEnd,
};

// A day that may be a count: the value pass, which has no such characters, read "2029年07月 7日装" as
// "2029年07月7日", a day that is not printed (red teams rt43, rt45, rt46). Told by the print, not by a
// list of words (any word can follow a count: 装 量 服 灌装 见效 换药 症状消失):
// - a word set close after the 日 ("7日装", "28日支", "2日症状消失") may be what is counted, unless it is
//   a word that ends a date ("止", "前", "有效", "(含)");
// - a word a space after the 日 is another field, unless the number stands apart from its month (wider
//   than the year from its month: "2032年07月  28日  后"), where it may be a count again.
// `close_set_gap` is how far the label's characters stand apart (see `widest_close_set_gap`).
AfterDay after_day(const cv::Mat& line, const std::vector<Glyph>& glyphs, std::size_t first, std::size_t stop,
                   float close_set_gap) {
    const bool ends_the_line = stop >= glyphs.size();
    stop = std::min(stop, glyphs.size());
    const std::optional<DayAfterMonth> day = day_after_month(glyphs, first, stop);
    if (!day) return AfterDay::Nothing;
    const auto gap_after = [&](std::size_t g) { return gap_between(line, glyphs, g); };
    // A line is recognised one text height tall: its gaps are in those units.
    const float em = static_cast<float>(kTextHeight);
    std::vector<float> gaps;
    std::size_t year = stop;
    for (std::size_t g = first; g < day->month; ++g) {
        gaps.push_back(gap_after(g));
        if (glyphs[g].text == "年") year = g;
    }
    float usual_gap = 0;
    if (!gaps.empty()) {
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
        usual_gap = gaps[gaps.size() / 2];
    }
    // 月 stands further from the next digit than digits from each other, and a little further than 年
    // does (up to 0.19 text heights, measured in Noto Sans and AR PL UMing); a number a space apart is
    // more than that.
    const auto number_stands_apart = [&] {
        const float year_to_month = year < day->month ? gap_after(year) : usual_gap;
        const float month_to_number = gap_after(day->month);
        return !gaps.empty() && month_to_number > usual_gap + 0.2f * em &&
               month_to_number > year_to_month + 0.2f * em;
    };
    const auto nothing_after = [&] {
        return ends_the_line && number_stands_apart() ? AfterDay::ApartAtLineEnd : AfterDay::Nothing;
    };
    if (day->day_mark + 1 >= stop) return nothing_after();
    std::string right_after;
    for (std::size_t g = day->day_mark + 1; g < stop; ++g) right_after += glyphs[g].text;
    if (ends_a_date(right_after)) return AfterDay::EndsTheDate;
    // The word after the 日, past marks the label pass reads in a space or a speck ("”", "|", ","): how
    // far it stands is measured on the print below.
    std::size_t word = day->day_mark + 1;
    while (word < stop && (!has_cjk(glyphs[word].text) || is_separator(glyphs[word].text))) ++word;
    if (word >= stop) return nothing_after();
    std::string after;
    for (std::size_t g = word; g < stop; ++g) after += glyphs[g].text;
    if (ends_a_date(after)) return AfterDay::EndsTheDate;
    if (gaps.empty()) return AfterDay::Nothing;
    // Measured in Noto Sans and AR PL UMing: a word after 日 with no space is up to a quarter of a text
    // height further than digits are apart, with a space a third or more. Stray marks between them are
    // specks in that space: its blank columns are counted, not only the widest run.
    const float day_to_word = word == day->day_mark + 1
                                  ? gap_after(day->day_mark)
                                  : static_cast<float>(blank_columns(
                                        line, (glyphs[day->day_mark].x0 + glyphs[day->day_mark].x1) / 2,
                                        (glyphs[word].x0 + glyphs[word].x1) / 2));
    // `close_set_gap`, the label's own, says how far this font sets characters with no space between; the
    // gap before the 日, how far a Song face's narrow 日 stands from its neighbours (SungtiL: "28日见效"
    // has 0.4 text heights after 日 with no space, red team rt46).
    if (day_to_word < std::max({usual_gap + 0.25f * em, close_set_gap + 0.15f * em,
                                gap_after(day->day_mark - 1) + 0.2f * em}))
        return AfterDay::MayBeCount;
    // A word a space after 日 and little else to the line's end ("7日 装", "21日  用量", "14日   疗程装")
    // may be what is counted; another field has a name and a value ("包装 10袋", "产地 广东", "包装规格
    // 24粒", whose 规格 is a label of its own: four characters or more). Red team rt47: every count set
    // close to its month with its word a space after 日 gave a wrong day without this.
    if (glyphs.size() - word < 4) return AfterDay::MayBeCount;
    return number_stands_apart() ? AfterDay::MayBeCount : AfterDay::AnotherField;
}

// The value of label `h` of candidate `index`: on its own line after it, else in the cell to the right,
// else under the label (the next line, or the cell below in a table). Empty when none was read with
// confidence. `picture` gets the label and its value.
std::string FrameReading::read_value(std::size_t index, std::size_t h, cv::Mat& picture) {
    Candidate& c = lines_[index];
    const LabelHit& hit = c.hits[h];
    const Recognised& pass = c.label_pass;
    const std::size_t label_last = pass.glyph_for(hit.end - 1);
    const std::size_t stop_glyph =
        h + 1 < c.hits.size() ? pass.glyph_for(c.hits[h + 1].begin) : pass.glyphs.size();
    std::size_t value_first = label_last + 1;
    while (value_first < stop_glyph && is_separator(pass.glyphs[value_first].text)) ++value_first;
    std::string label_value;
    bool value_digits = false;
    for (std::size_t g = value_first; g < stop_glyph; ++g) {
        label_value += pass.glyphs[g].text;
        value_digits = value_digits || is_digit_text(pass.glyphs[g].text);
    }
    const Charset charset = hit.key == FieldKey::ShelfLife || label_value.find("个") != std::string::npos
                                ? Charset::ShelfLife
                                : Charset::DateValue;
    // A period counted from opening or first use (有效期 6个月（开封后）, 开封后，有效期6个月): the value
    // pass reads only "6个月", so the words saying so would be lost and the parser would add it to the
    // production date (red team red33a R1).
    // The note may stand apart from the period on its row, set off by a dash or in a box of its own, or
    // wrap onto the next line: a line of its own (red team red34b L f17, f18).
    if (charset == Charset::ShelfLife &&
        (is_in_use_period(std::string_view(c.label_pass.compact).substr(0, hit.begin),
                          std::string_view(c.label_pass.compact).substr(hit.end)) ||
         words_before_period(compact_of(label_value)) || note_says_in_use(index, index)))
        return {};
    if (value_digits) {
        // From the value's first mark to its last: a cell's border or a stray mark after it would be
        // read as a digit by the value pass.
        const int x0 = pass.glyphs[value_first].x0 - 2;
        int stop_x = stop_glyph < pass.glyphs.size() ? pass.glyphs[stop_glyph].x0 - 1 : c.normalised.cols;
        const AfterDay after = after_day(
            c.normalised, pass.glyphs, value_first, stop_glyph,
            widest_close_set_gap(c.normalised, pass.glyphs, pass.glyph_for(hit.begin), label_last + 1));
        // Another field after the date's 日 ("2031年02月07日 包装 10袋"): its digits read on would spoil the
        // value (red team rt45). Only then: print set close after 日 left in the value keeps it unread when
        // a frame's label pass misses what was counted (red team rt46: "28日支" read "28日").
        if (after == AfterDay::AnotherField) {
            const std::size_t day_mark = day_after_month(pass.glyphs, value_first, stop_glyph)->day_mark;
            stop_x = std::min(stop_x, column_between(c.normalised, pass.glyphs, day_mark));
        }
        const std::string value_as_read = compact_of(label_value);
        const bool compact =
            !value_as_read.empty() && std::all_of(value_as_read.begin(), value_as_read.end(), [](char ch) {
                return std::isdigit(static_cast<unsigned char>(ch)) != 0;
            });
        const int x1 = value_end(c.normalised, c.cell_sides, x0, stop_x, compact);
        picture = c.normalised;
        // A view of the value that reads two digits or more beyond a month-only reading shows a day too
        // ("2032/10/ | 20" read "2032/10/120" beside "2032/10/"); a lone 1 more may be a border's.
        int most_digits = 0;
        std::string value = vote(value_view(c, x0, x1), charset, label_value, &most_digits);
        if (last_two_digits_set_apart(value_view(c, x0, x1).normalised, value) ||
            after == AfterDay::MayBeCount ||
            (after == AfterDay::ApartAtLineEnd && word_wrapped_under(index)) ||
            (stop_x >= c.normalised.cols && frame_edge_cuts_value(c, x0, x1)) ||
            (!month_last_value(value) && last_glyph_against_a_side(c, x0, x1)))
            return value.ends_with(kUnreadEnd) ? value : value + kUnreadEnd;
        // The value's crop may hold its day set a space apart ("2027.10. 1"), which the vote took for a
        // border read as a 1 (red team red35b D): after a separator, a last group of its own is looked at
        // as print after the month.
        const bool separator = ends_in_a_separator(value);
        const int after_month = separator ? last_group_start(c, x0, x1) : x1;
        if (month_last_value(value) &&
            (most_digits >= count_digits(value) + 2 || day_follows(c, after_month, stop_x, separator) ||
             cut_by_a_side_after(c, x0, x1) ||
             (stop_x >= c.normalised.cols &&
              (day_wrapped_under(index, x1) || day_wrapped_under_start(index) ||
               day_starts_line_under(index) || frame_edge_after(c, x0, x1)))))
            value += kUnreadEnd;
        return value;
    }
    // Words after the label ("见封口": see the seal) say the value is not printed here; stray
    // punctuation or a border's mark does not.
    int letters = 0;
    for (std::size_t g = value_first; g < stop_glyph; ++g) {
        const std::string& t = pass.glyphs[g].text;
        if (has_cjk(t) && !is_separator(t)) return {};
        if (t.size() == 1 && std::isalpha(static_cast<unsigned char>(t[0]))) ++letters;
    }
    if (letters >= 2) return {};
    return read_value_elsewhere(index, h, charset, picture);
}

// Whether a note after line `value` (anywhere further along its row, or wrapped onto the line under it)
// says what a period counts from; `label_line` is the label's line, no note.
bool FrameReading::note_says_in_use(std::size_t value, std::size_t label_line) {
    const detail::LineBox& value_box = lines_[value].box;
    for (std::size_t note = 0; note < lines_.size(); ++note) {
        if (note == label_line || note == value) continue;
        const detail::LineBox& note_box = lines_[note].box;
        const cv::Point2f at = relative(value_box, note_box);
        const bool under = at.y > 0.6f * value_box.height && at.y < 2.0f * value_box.height &&
                           std::abs(at.x) < (value_box.length + note_box.length) / 2;
        const float gap = at.x - note_box.length / 2 - value_box.length / 2;
        // However far along the row: a note boxed at the face's edge still says it (red team red34b L
        // f18); a note is only the in-use words and marks, so another column's text is none.
        const bool after = std::abs(at.y) < 0.6f * value_box.height && gap > -0.3f * value_box.height &&
                           gap < 20 * value_box.height;
        if (!under && !after) continue;
        read_labels(lines_[note]);
        if (is_in_use_note(lines_[note].label_pass.compact)) return true;
    }
    return false;
}

constexpr int kDayGap = kTextHeight * 8;    // the widest gap before a day set apart from its month
constexpr int kDayWidth = kTextHeight * 8;  // the widest a day with a note after it is ("1(见封口)")

// Whether a day is printed after a value read as a month-only date that ends at column `x1` of line `c`
// (before `stop_x`, the next label): print starting within eight text heights (a line of digits alone is
// only a digit's height tall), on the line or past its end, that reads as a day ("1", "15", "15日",
// "1(见封口)"), or a mark as narrow as a 1 that reads as nothing. A day set apart from its
// month ("2027.10.  15", "2027年10月  1日") is beyond the gap at which a value's crop ends, and what was
// read is the date cut short, not a month-only one (red team red35b B, C, D, H; red36). A month-only date
// with a mark, a word or a pack's contents after it ("2027年10月 止", "Rx", "24粒") is still one. Print
// beyond a table cell's side is the next cell's, unless the value ends in a separator ("2032/10/ | 20":
// the date goes on); a framed "2027年03月" has its frame's side after it (dev seed 1002, faces 0, 14).
bool FrameReading::day_follows(const Candidate& c, int x1, int stop_x, bool past_sides) {
    cv::Mat print;
    int width = 0;
    for (const auto& [first, last] : ink_groups(c.normalised, c.cell_sides)) {
        if (first < x1) continue;
        if (first >= stop_x) break;
        const int end = std::min(last, stop_x);
        const bool side_between = a_side_within(c.cell_sides, x1 - 3, first);
        if ((side_between && !past_sides) || first >= x1 + kDayGap || end - first >= kDayWidth) return false;
        print = c.normalised.colRange(std::max(0, first - 3), std::min(c.normalised.cols, end + 3));
        width = end - first;
        break;
    }
    if (print.empty() && stop_x >= c.normalised.cols) {
        if (cut_through_print(c) || hidden_past_line_end(c)) return true;
        print = print_past_line_end(c, past_sides);
        width = print.cols - 6;
    }
    if (print.empty()) return false;
    // A lone 1: as narrow as one, about as tall as a digit; a speck of ink or dust is neither.
    const auto [top, bottom] = ink_row_span(print);
    const bool narrow = width <= kTextHeight * 6 / 10 && bottom - top >= kTextHeight / 2;
    const std::string chinese = chinese_.recognise(print, Charset::Any).compact;
    if (chinese.empty()) return narrow;
    if (reads_as_a_day(chinese)) return true;
    // Dot-matrix print: the Chinese model reads "01" as "人", the Latin one, blurred, as "01". It reads a
    // unit (片, 盒) as Latin letters, so only its bare digits count.
    if (!(c.dotted || detail::looks_dotted(print)) || !latin_.ready) return false;
    cv::Mat soft;
    cv::GaussianBlur(print, soft, cv::Size(0, 0), 1.4);
    return reads_as_a_day(latin_.recognise(soft, Charset::Any).compact, true);
}

// The row `pitch` text heights under line `box`, from `from` to `to` along it (frame pixels from its centre),
// cut out upright and normalised.
cv::Mat FrameReading::row_under(const detail::LineBox& box, float from, float to, float pitch) const {
    detail::LineBox under = box;
    under.length = to - from;
    under.centre = box.at((from + to) / 2 / std::max(1.0f, box.length), pitch);
    return detail::normalise_line(detail::cut_out_line(grey_, under, kTextHeight, region_));
}

// The ink groups of `row` (columns [first, second)) that reach neither its top nor its bottom, its rules
// erased first: print that does is the line's own or another row's, not a day of its own.
std::vector<std::pair<int, int>> groups_of_their_own(cv::Mat& row) {
    std::vector<std::pair<int, int>> groups;
    for (const auto& group : ink_groups(row, detail::remove_rules(row))) {
        cv::Mat rows;
        cv::reduce(row.colRange(group.first, group.second) < 128, rows, 1, cv::REDUCE_MAX);
        if (rows.at<std::uint8_t>(0) == 0 && rows.at<std::uint8_t>(rows.rows - 1) == 0)
            groups.push_back(group);
    }
    return groups;
}

// Whether the day of a value read as a month-only date, ending at column `x1` of line `index` (the line's
// last print), was wrapped onto the row under it: print of its own under the value's end, clear of any
// other print on that row, that reads as a day ("有效期至：2028.06." over "10"; red team red37: all five
// such boxes gave the month's last day, four now give nothing). The line finder drops a print that short
// as no line at all.
bool FrameReading::day_wrapped_under(std::size_t index, int x1) {
    const detail::LineBox& value_box = lines_[index].box;
    const float tall = value_box.height, length = std::max(1.0f, value_box.length);
    const float value_end = static_cast<float>(x1) * tall / kTextHeight - 0.35f * tall - length / 2;
    constexpr float kBack = 2.5f;  // text heights before the value's end, and one after it
    const float from = value_end - kBack * tall, to = value_end + 1.0f * tall;  // along the value's line
    for (const float pitch : {1.3f, 1.75f}) {  // text heights from line to line
        cv::Mat row = row_under(value_box, from, to, pitch);
        if (row.empty()) continue;
        const std::vector<std::pair<int, int>> groups = groups_of_their_own(row);
        // The day stands alone under the value's end, a text height of ground or more before it; print
        // running into the window from the left is another field's ("批号 B376227" under "2029/10").
        if (groups.empty() || groups.back().second > row.cols - 3) continue;
        const auto& [first, last] = groups.back();
        const int before = groups.size() > 1 ? groups[groups.size() - 2].second : 0;
        const int value_end_here = kTextHeight * 35 / 100 + static_cast<int>(kBack * kTextHeight);
        // Under the value, not past its end (the face's edge, dark beyond it, reads "1"), and a digit wide.
        if (last - first > kTextHeight * 3 / 2 || last - first < kTextHeight / 6 ||
            first - before < kTextHeight || last < value_end_here - kTextHeight ||
            last > value_end_here + kTextHeight / 2)
            continue;
        if (reads_as_a_day(chinese_.recognise(row.colRange(first - 3, last + 3), Charset::Any).compact))
            return true;
    }
    return false;
}

// Whether the day of a month-only value on line `index` was wrapped flush under the line's start: a number
// of its own there, a text height and a half of ground or more after it, that reads as a day ("EXP
// 2028.03." over "17": red team rt58 d6b, the month's last day with the whole face in view). The line
// finder drops a print that short as no line at all, and day_wrapped_under looks under the value's end.
bool FrameReading::day_wrapped_under_start(std::size_t index) {
    const detail::LineBox& line_box = lines_[index].box;
    const float tall = line_box.height, length = std::max(1.0f, line_box.length);
    constexpr float kBefore = 0.5f, kAfter = 3.0f;  // text heights before the line's start and after it
    const float from = -length / 2 - kBefore * tall, to = -length / 2 + kAfter * tall;
    const int start_here = kTextHeight * 35 / 100 + static_cast<int>(kBefore * kTextHeight);
    for (const float pitch : {1.3f, 1.75f}) {  // text heights from line to line
        cv::Mat row = row_under(line_box, from, to, pitch);
        if (row.empty()) continue;
        const std::vector<std::pair<int, int>> groups = groups_of_their_own(row);
        if (groups.empty()) continue;
        const auto& [first, last] = groups.front();
        const bool alone =
            groups.size() == 1 ? last < row.cols - 3 : groups[1].first - last > kTextHeight * 3 / 2;
        if (!alone || std::abs(first - start_here) > kTextHeight / 2 || last - first > kTextHeight * 3 / 2 ||
            last - first < kTextHeight / 6)
            continue;
        if (reads_as_a_day(chinese_
                               .recognise(row.colRange(std::max(0, first - 3), std::min(row.cols, last + 3)),
                                          Charset::Any)
                               .compact))
            return true;
    }
    return false;
}

template <typename Begins>
bool FrameReading::any_line_under(std::size_t index, float most_below, float latest_start, Begins begins) {
    const detail::LineBox& line = lines_[index].box;
    for (std::size_t other = 0; other < lines_.size(); ++other) {
        if (other == index) continue;
        const cv::Point2f at = relative(line, lines_[other].box);
        const float starts_after = (at.x - lines_[other].box.length / 2) + line.length / 2;
        // The block may be centred or set flush right: the line under starts anywhere under this one.
        if (at.y < 0.6f * line.height || at.y > most_below * line.height || starts_after < -2 * line.height ||
            starts_after > line.length + latest_start * line.height)
            continue;
        read_labels(lines_[other]);
        if (begins(lines_[other])) return true;
    }
    return false;
}

// Whether the line under line `index` begins with a word: a count at the end of line `index` ("有效期至
// 2028年01月 10日") whose word wrapped onto that line ("装 每日3次": red team rt47, a wrong day in every
// build before). A label there begins another field ("批号 241007"), and a word that ends a date ("止")
// makes the number a day. Lines on packs are set 1.2 to 2.2 text heights apart (the wrapped word of
// rt47's box a017: 2.07; red team rt48 F3: up to 3).
bool FrameReading::word_wrapped_under(std::size_t index) {
    return any_line_under(index, 3.0f, 0.0f, [](const Candidate& under) {
        // Chinese line breaking keeps an opening bracket, quote or dash with the word after it ("（疗程装）",
        // "「装」", "—装—": red team rt48 F3b): the word is the first glyph after them.
        const auto opens = [](const std::string& t) {
            for (const std::string_view mark :
                 {"（", "(", "「", "『", "“", "\"", "—", "-", "–", "[", "【", "〔", "《", "<"})
                if (t == mark) return true;
            return false;
        };
        const auto& glyphs = under.label_pass.glyphs;
        std::size_t word = 0;
        while (word < glyphs.size() && opens(glyphs[word].text)) ++word;
        if (word >= glyphs.size()) return false;
        const std::string& first = glyphs[word].text;
        const bool label_first = !under.hits.empty() && under.hits.front().begin == 0;
        return has_cjk(first) && !is_separator(first) && !label_first &&
               !ends_a_date(under.label_pass.compact);
    });
}

// A day alone, from a real digit at most one glyph in (a stray mark before it, "了 14 日 止"): 1 to 31, then
// nothing (two digits), or 日 or 号 and nothing or a word that ends a date ("14日止"). Anything else is
// another line: a production date whose label was read "4 于" took a month-only expiry away, and a count
// of days ("10日为一疗程") is not a day.
bool begins_with_a_day(const std::string& compact) {
    const std::size_t first_digit = compact.find_first_of("0123456789");
    if (first_digit == std::string::npos || first_digit > 3) return false;
    std::string_view rest = std::string_view(compact).substr(first_digit);
    std::size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    if (digits > 2) return false;
    const int day = std::stoi(std::string(rest.substr(0, digits)));
    if (day < 1 || day > 31) return false;
    rest.remove_prefix(digits);
    if (rest.empty()) return digits == 2;  // a lone digit with no 日 may be a border's mark, read "1"
    for (const std::string_view mark : {"日", "号"})
        if (rest.starts_with(mark)) {
            rest.remove_prefix(mark.size());
            return rest.empty() || ends_a_date(rest);
        }
    return false;
}

// Whether the line under line `index` begins with a day ("23日", "14日止", "18"): a month-only date ending
// line `index` whose day wrapped onto the next line. Its month's last day was proposed, later than the
// printed day (red team rt48 F1: "有效期至 2028年10月" over "23日", flush left, in four fonts).
// `day_wrapped_under` looks only under the value's end.
bool FrameReading::day_starts_line_under(std::size_t index) {
    return any_line_under(index, 2.4f, 1.0f, [](const Candidate& under) {
        return !under.label_pass.glyphs.empty() && begins_with_a_day(under.label_pass.compact);
    });
}

// The strip starts 1.2 text heights before the line's end, so that its last glyph is in it and the
// strip's contrast is the print's, not the ground's noise stretched, and reaches `reach` text heights on.
FrameReading::LineEnd FrameReading::line_end_strip(const Candidate& c, float reach) const {
    const float length = std::max(1.0f, c.box.length), height = c.box.height;
    const float back = 1.2f;  // text heights
    LineEnd end;
    end.strip = detail::normalise_line(detail::cut_out_line(
        grey_, c.box, kTextHeight, region_, 1 - back * height / length, 1 + reach * height / length));
    if (end.strip.empty()) return end;
    end.sides = detail::remove_rules(end.strip);
    end.at = static_cast<int>(std::lround((0.35f + back) * kTextHeight));
    return end;
}

// What lies between the frame's edge and a value that ends at column `x1` of line `c`'s crop, when the edge
// stands within a text height past it. A month-only value with print in view before the edge, or too little
// ground to show any, may have its day out of view or a sliver of it unread (red teams rt53 A2 and rt56:
// "2027年10月1|" at the frame's edge gave the month's last day, with a fifth of the 1 in view or four fifths
// of it, the line's box short of it or not). Any mark counts, not only a glyph: after "2028.05" the day's
// period or dash comes first. A month-only date with clean ground after it before the edge, as much as the
// gap and a separator before a day would take, keeps its date (red team rt57: at first every one with less
// than a text height of ground was lost). Any value the edge cuts, or ends too close to for a further
// digit to show, may have lost its last digits, and past the edge the crop's repeated last column reads as
// a digit (red teams rt56, rt57: "2026.12.0|7" read "2026.12.08").
FrameReading::EdgeAfterValue FrameReading::edge_after_value(const Candidate& c, int x0, int x1) const {
    constexpr float kReach = 1.0f;  // text heights past the value looked at
    // Text heights of ground in view: a day's first mark might not show. Not digit heights, though a Chinese
    // line's box is half as tall again as its digits: in a Kai face 月 and a day's first digit stand 0.4
    // digit heights apart, and a month-only date with as much ground before the edge cannot be told from one
    // whose day is out of view (red team rt57: b7 and a5).
    constexpr float kTooLittle = 0.3f;
    constexpr float kMarkWithin = 0.6f;  // text heights past the value: a day or its separator starts before
    const float length = std::max(1.0f, c.box.length), height = std::max(1.0f, c.box.height);
    const float k = kTextHeight / height;  // crop columns a frame pixel
    // The value's last ink: `x1` may hold a column or two of ground after it.
    int ink_end = std::min(x1, c.normalised.cols) - 1;
    const cv::Mat value_ink = ink_per_column(c.normalised);
    while (ink_end > 0 && value_ink.at<int>(0, ink_end) == 0) --ink_end;
    const float value_end = static_cast<float>(ink_end + 1) / k - 0.35f * height;  // cut_out_line's margin
    // Along the line from its start, in frame pixels, to where its print's band first leaves the frame.
    const auto in_frame = [&](const cv::Point2f& p) {
        return p.x >= 0 && p.y >= 0 && p.x <= static_cast<float>(grey_.cols - 1) &&
               p.y <= static_cast<float>(grey_.rows - 1);
    };
    float edge = value_end;
    const float last = value_end + kReach * height;
    while (edge < last && in_frame(c.box.at(edge / length - 0.5f, -0.5f)) &&
           in_frame(c.box.at(edge / length - 0.5f, 0.5f)))
        edge += 0.5f;
    if (edge >= last) return EdgeAfterValue::Far;
    if (edge - value_end < kTooLittle * height) return EdgeAfterValue::TooClose;
    const LineEnd end = line_end_strip(c, kReach + 1.0f);
    if (end.strip.empty()) return EdgeAfterValue::TooClose;
    const auto column = [&](float along) {
        return static_cast<int>(std::lround(static_cast<float>(end.at) + (along - length) * k));
    };
    int from = column(value_end) + 2,
        to = std::min(column(edge) - 1, column(value_end + kMarkWithin * height));
    const cv::Mat marks = ink_per_column(end.strip, from, to);
    // A full stop at the foot is some 4 by 4 pixels at this text height; a speck of dust or noise less.
    const bool mark_before =
        !marks.empty() && cv::countNonZero(marks) >= 2 && cv::sum(marks)[0] >= kTextHeight / 4;
    // Past the edge the strip repeats the frame's last column: print the edge cuts runs on there as streaks,
    // grey where only part of a pixel was ink (a fifth of a serif 1 at the edge: red team rt56, a2o_569_06).
    const int past_edge = column(edge) + 2;
    constexpr int kStreak = 200;  // of 255, the ground: darker than its grain
    if (edge < value_end + kMarkWithin * height && past_edge >= 0 && past_edge < end.strip.cols &&
        cv::countNonZero(end.strip.col(past_edge) < kStreak) >= 2)
        return EdgeAfterValue::CutsPrint;
    if (mark_before) return EdgeAfterValue::MarkBefore;
    // Letter-spaced print ("EXP 2 0 3 0 . 0 9", "2027 08 26") sets its day as far from its month as the
    // ground before the edge may be (red team rt58 d4, d5: 0.64 to 0.87 text heights, the month's last day).
    int widest_gap = 0, gap = 0;
    for (int x = std::max(0, x0); x <= ink_end; ++x) {
        gap = value_ink.at<int>(0, x) == 0 ? gap + 1 : 0;
        widest_gap = std::max(widest_gap, gap);
    }
    if (edge - value_end < static_cast<float>(widest_gap) / k + 0.05f * height)
        return EdgeAfterValue::NoWiderThanItsSpacing;
    return EdgeAfterValue::Clear;
}

// Whether line `c` was cut through its print: a glyph's ink in its crop's last columns, where the cutter
// leaves a margin of ground after the last glyph, and in the frame that print running on by a digit's
// width or more past the line's end. The value may go on beyond ("202501" of "20250125" on an embossed
// face whose line ended in the 2: dev seed 1001, face 8). Either alone is common enough: a crop cut tight
// at a table cell's side, a line box a little short. Only glyphs count: a table's rules above and below
// a value run on to its crop's end and far past its line's (red team red37: month-only dates in ordinary
// tables were withheld). A line the frame's edge cuts has nothing in the frame past it: a glyph's ink at
// its crop's end may go on out of view (red team rt53 A2: "2027年07月2|" at the frame's edge, the 2's
// sliver under the 月's box, gave the month's last day).
bool FrameReading::cut_through_print(const Candidate& c) const {
    if (!glyph_ink_in(c.normalised, c.normalised.cols - 3, c.normalised.cols)) return false;
    if (c.cut_by_edge) return true;
    // Two text heights on: a longer strip's contrast and groups are a further field's too.
    const LineEnd end = line_end_strip(c, 2.0f);
    if (end.strip.empty()) return false;
    for (const auto& [first, last] : ink_groups(end.strip, end.sides))
        if (first <= end.at && last >= end.at - kTextHeight / 2)
            return last >= end.at + kTextHeight * 4 / 10 &&
                   glyph_ink_in(end.strip, end.at + kTextHeight / 5, end.at + kTextHeight * 6 / 10);
    return false;
}

int median_of(std::vector<int> values) {
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2),
                     values.end());
    return values[values.size() / 2];
}

constexpr int kLighterGround = 6;  // grey levels: the ground of one face is even to a few over a text height

// Whether the print of line `c` may go on, out of sight, past its end: a thumb, a glare or a sticker lies
// over what follows. "2027.09.22" with its day hidden reads "2027.09", a month-only date as read (red
// team red37: 15 of 20 such boxes gave the month's last day).
bool FrameReading::hidden_past_line_end(const Candidate& c) const {
    const float length = std::max(1.0f, c.box.length), height = c.box.height;
    constexpr int back = 1;  // text heights before the line's end, and as many after it
    const cv::Mat crop = detail::cut_out_line(grey_, c.box, kTextHeight, std::nullopt,
                                              1 - back * height / length, 1 + back * height / length);
    if (crop.empty()) return false;
    GroundAtLineEnd end;
    end.at = kTextHeight * 35 / 100 + back * kTextHeight;  // past the crop's margin
    const cv::Mat band = crop.rowRange(kTextHeight * 35 / 100, std::min(crop.rows, kTextHeight * 135 / 100));
    if (band.cols < end.at + kTextHeight / 2) return false;
    const cv::Mat print = band.colRange(end.at - kTextHeight, end.at).clone();
    cv::Mat binary;
    cv::threshold(print, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    end.dark_ink = cv::countNonZero(binary) > static_cast<int>(binary.total() / 2);
    std::vector<std::uint8_t> values(print.begin<std::uint8_t>(), print.end<std::uint8_t>());
    std::sort(values.begin(), values.end());
    end.ground = values[end.dark_ink ? values.size() * 8 / 10 : values.size() * 2 / 10];
    end.contrast = std::abs(end.ground - values[end.dark_ink ? values.size() / 20 : values.size() * 19 / 20]);
    if (end.contrast < 40) return false;
    std::vector<std::uint8_t> column;
    for (int x = 0; x < band.cols; ++x) {
        band.col(x).copyTo(column);
        std::sort(column.begin(), column.end());
        end.columns.push_back({column.front() - end.ground, column[column.size() / 2] - end.ground,
                               column.back() - end.ground});
    }
    return lit_past_line_end(c, end) || covered_against_line_end(end);
}

// A ground lighter just past the line's end than under its print: a glare or a sticker. Where a tinted
// panel or a framed row ends (dev seed 1002, face 30) the ground past it is as light above and below the
// line, and where a tinted row ends so is the ground above and below the print; a glare or a sticker is
// not much taller than the print, and the print's own ground is the face's.
bool FrameReading::lit_past_line_end(const Candidate& c, const GroundAtLineEnd& end) const {
    const int near = std::min(static_cast<int>(end.columns.size()), end.at + kTextHeight * 6 / 10);
    std::vector<int> past;
    for (int x = end.at + kTextHeight / 5; x < near; ++x)
        past.push_back(end.columns[static_cast<std::size_t>(x)].middle);
    if (past.empty()) return false;
    const int lighter = median_of(past);
    if (lighter < kLighterGround) return false;
    // How much lighter than the print's ground the face is 1.4 to 1.7 text heights above and below the
    // line, from `from` to `to` text heights past its end (negative: before it); nullopt off the frame.
    const float length = std::max(1.0f, c.box.length), height = c.box.height;
    const auto lighter_around = [&](float from, float to) -> std::optional<int> {
        std::vector<int> above, below;
        for (float along = from; along <= to + 0.01f; along += (to - from) / 4)
            for (const float across : {1.4f, 1.7f})
                for (const float side : {-1.0f, 1.0f}) {
                    const cv::Point p = c.box.at(0.5f + along * height / length, side * across);
                    if (p.x < 0 || p.y < 0 || p.x >= grey_.cols || p.y >= grey_.rows) continue;
                    (side < 0 ? above : below).push_back(grey_.at<std::uint8_t>(p.y, p.x) - end.ground);
                }
        if (above.empty() || below.empty()) return std::nullopt;
        return std::min(median_of(above), median_of(below));
    };
    // Lighter above and below the print too: it lies on a tinted row whose end is past it (red team red38).
    const std::optional<int> beside_print = lighter_around(-2.0f, -0.4f);
    if (beside_print && *beside_print >= lighter / 2) return false;
    const std::optional<int> beside_past = lighter_around(0.2f, 0.6f);
    return !beside_past || *beside_past < lighter / 2;
}

// Something darker or lighter than the ground all across the print's rows (a thumb) against the line's
// last glyph, with no ground between. A month-only date before the face's edge, a band or a barcode has a
// character's space of ground or more after it.
bool FrameReading::covered_against_line_end(const GroundAtLineEnd& end) {
    const int wide = kTextHeight / 4;
    const int last = std::min(static_cast<int>(end.columns.size()), end.at + kTextHeight / 2 + wide);
    for (int x = end.at - kTextHeight / 2; x + wide <= last; ++x) {
        bool cover = true;
        for (int k = x; k < x + wide && cover; ++k) cover = end.covered(k);
        if (!cover) continue;
        // Back from the cover's edge, past its blur (two columns dark at the foot: like ink), to the print.
        int ground_before = 0;
        for (int k = x - 1 - kTextHeight / 16; k >= end.at - kTextHeight; --k) {
            if (end.inked(k)) return ground_before < kTextHeight / 16;
            if (std::abs(end.columns[static_cast<std::size_t>(k)].middle) <= 10) ++ground_before;
        }
        return false;
    }
    return false;
}

// Print after the end of line `c` on its row (a day: "1", "15", "15日"), starting within eight text heights
// and ending within ten, as a picture with 3 columns of margin each side; empty when there is none. The
// line finder parts a line at a gap that wide and drops a lone "1" as no line at all, so "2027.10." may be
// a whole line with its day beyond it. Print that runs on further is another field, not a day, and so is
// print beyond a table cell's side unless `past_sides`.
cv::Mat FrameReading::print_past_line_end(const Candidate& c, bool past_sides) const {
    const LineEnd end = line_end_strip(c, 10.0f);
    const std::vector<std::pair<int, int>> groups = ink_groups(end.strip, end.sides);
    for (std::size_t g = 0; g + 1 < groups.size(); ++g) {
        if (groups[g].first > end.at) return {};  // the line's own print is not in the strip
        if (groups[g].second < end.at - kTextHeight / 2) continue;
        const auto& [first, last] = groups[g + 1];
        const bool short_and_near =
            first < end.at + kDayGap && last < end.strip.cols - kTextHeight / 2 && last - first < kDayWidth;
        const int value_end = groups[g].second;
        const bool side_between = a_side_within(end.sides, value_end, first);
        if (!short_and_near || (side_between && !past_sides) || first < 3 || last + 3 > end.strip.cols)
            return {};
        return end.strip.colRange(first - 3, last + 3).clone();
    }
    return {};
}

// The value of a label with nothing after it on its line: the cell to its right, else the line (or
// table cell) under it; only a line without a label of its own, and only its group of marks nearest
// the label.
std::string FrameReading::read_value_elsewhere(std::size_t index, std::size_t h, Charset charset,
                                               cv::Mat& picture) {
    Candidate& c = lines_[index];
    const LabelHit& hit = c.hits[h];
    const Recognised& pass = c.label_pass;
    const std::size_t label_first = pass.glyph_for(hit.begin);
    const std::size_t label_last = pass.glyph_for(hit.end - 1);
    const std::size_t stop_glyph =
        h + 1 < c.hits.size() ? pass.glyph_for(c.hits[h + 1].begin) : pass.glyphs.size();
    // Where the label itself lies along its line:
    const float k = static_cast<float>(kTextHeight) / std::max(1.0f, c.box.height);
    const float margin = 0.35f * c.box.height;
    auto along = [&](int crop_x) { return static_cast<float>(crop_x) / k - margin - c.box.length / 2; };
    const float label_from = along(pass.glyphs[label_first].x0);
    const float label_to = along(pass.glyphs[label_last].x1);
    const float next_label = h + 1 < c.hits.size() ? along(pass.glyphs[stop_glyph].x0) : 1e9f;
    const float tall = c.box.height;
    std::vector<std::pair<float, std::size_t>> right, below;
    for (std::size_t j = 0; j < lines_.size(); ++j) {
        if (j == index) continue;
        const detail::LineBox& other = lines_[j].box;
        if (other.height > 1.7f * tall || other.height < 0.55f * tall) continue;
        const cv::Point2f at = relative(c.box, other);
        const float other_from = at.x - other.length / 2, other_to = at.x + other.length / 2;
        const float gap = other_from - label_to;
        if (std::abs(at.y) < 0.6f * tall && gap > -0.3f * tall && gap < 8 * tall && next_label > 1e8f)
            right.emplace_back(gap, j);
        const bool overlaps = other_from < label_to + 2 * tall && other_to > label_from - tall;
        if (at.y > 0.6f * tall && at.y < 2.8f * tall && overlaps) below.emplace_back(at.y, j);
    }
    std::sort(right.begin(), right.end());
    std::sort(below.begin(), below.end());

    const bool gives_expiry = hit.key == FieldKey::Expiry || hit.key == FieldKey::InvalidFrom;
    std::vector<std::size_t> tries;
    if (!right.empty() &&
        !(gives_expiry && beside_value_is_ambiguous(index, right.front().second, label_from, label_to)))
        tries.push_back(right.front().second);
    // Under a table's header row the nearest line may be the next column's cell (or a fragment of one):
    // the second nearest is tried too.
    for (std::size_t b = 0; b < below.size() && b < 2; ++b) tries.push_back(below[b].second);
    for (const std::size_t j : tries) {
        Candidate& other = lines_[j];
        read_labels(other);
        if (other.normalised.empty() || !other.hits.empty()) continue;  // a line with its own label
        // Only one group of marks (a cell) of the other line: beside the label the first one; under
        // it the one lying most under the label.
        const cv::Point2f at = relative(c.box, other.box);
        const float k_other = static_cast<float>(kTextHeight) / std::max(1.0f, other.box.height);
        const float margin_other = 0.35f * other.box.height;
        const std::vector<std::pair<int, int>> groups = ink_groups(other.normalised, other.cell_sides);
        if (groups.empty()) continue;
        std::pair<int, int> chosen_group = groups.front();
        if (std::abs(at.y) >= 0.6f * tall) {
            auto crop_x = [&](float along_in_label) {
                return (along_in_label - (at.x - other.box.length / 2) + margin_other) * k_other;
            };
            auto along_label = [&](int x) {
                return static_cast<float>(x) / k_other - margin_other + at.x - other.box.length / 2;
            };
            const float lx0 = crop_x(label_from - 0.3f * tall);
            const float lx1 = crop_x(std::min(label_to + 0.3f * tall, next_label));
            float best = 0;
            bool found_group = false;
            for (const auto& group : groups) {
                const float overlap = std::min(lx1, static_cast<float>(group.second)) -
                                      std::max(lx0, static_cast<float>(group.first));
                if (overlap > best) {
                    best = overlap;
                    chosen_group = group;
                    found_group = true;
                }
            }
            if (!found_group) continue;
            // Ambiguous is final: a line further down is the next row's, not this label's (red team
            // red33a R5: the batch two rows down was taken for the expiry).
            if (value_under_row_is_ambiguous(index, h, j, along_label(chosen_group.first),
                                             along_label(chosen_group.second)))
                return {};
        }
        const int x0 = chosen_group.first - 2, x1 = chosen_group.second + 3;
        const bool whole = groups.size() == 1;
        std::string beside_value, value_and_after;
        const std::vector<Glyph>& other_glyphs = other.label_pass.glyphs;
        std::size_t value_first = other_glyphs.size();
        for (std::size_t g = 0; g < other_glyphs.size(); ++g) {
            if (other_glyphs[g].x1 > x0 && other_glyphs[g].x0 < x1) beside_value += other_glyphs[g].text;
            if (other_glyphs[g].x1 <= x0) continue;
            value_and_after += other_glyphs[g].text;
            value_first = std::min(value_first, g);
        }
        // Under a row of labels the value pass reads "开封后6个月" as "6月": the cell's own words decide.
        // "3个月〈开封后)": the words after the period may stand apart from it, a group of their own.
        if (is_in_use_period({}, compact_of(beside_value)) ||
            is_in_use_period({}, compact_of(value_and_after)))
            return {};
        // 有效期 over "60个月" in a table: the cell says it is a shelf life, which the label alone does not.
        const Charset cell_charset =
            beside_value.find("个") != std::string::npos ? Charset::ShelfLife : charset;
        // "3个月" with "（开封后）" set apart or wrapped onto the line under it (red team red34 W1): a period
        // counted from opening, never a shelf life.
        if (cell_charset == Charset::ShelfLife &&
            (note_says_in_use(j, index) || words_before_period(compact_of(beside_value))))
            return {};
        int most_digits = 0;
        std::string chosen = vote(value_view(other, x0, x1), cell_charset, beside_value, &most_digits);
        if (chosen.empty()) continue;
        const AfterDay after =
            after_day(other.normalised, other_glyphs, value_first, other_glyphs.size(),
                      widest_close_set_gap(c.normalised, pass.glyphs, label_first, label_last + 1));
        if (last_two_digits_set_apart(value_view(other, x0, x1).normalised, chosen) ||
            after == AfterDay::MayBeCount || (after == AfterDay::ApartAtLineEnd && word_wrapped_under(j)) ||
            frame_edge_cuts_value(other, x0, x1)) {
            if (!chosen.ends_with(kUnreadEnd)) chosen += kUnreadEnd;
        } else if (month_last_value(chosen) &&
                   (most_digits >= count_digits(chosen) + 2 ||
                    day_follows(other, x1, other.normalised.cols, ends_in_a_separator(chosen)) ||
                    cut_by_a_side_after(other, x0, x1) || day_starts_line_under(j) ||
                    frame_edge_after(other, x0, x1)))
            chosen += kUnreadEnd;
        if (whole) other.used_as_value = true;
        const cv::Mat part = other.normalised.colRange(std::clamp(x0, 0, other.normalised.cols - 1),
                                                       std::clamp(x1, x0 + 1, other.normalised.cols));
        const int label_x0 = std::max(0, pass.glyphs[label_first].x0 - 4);
        const int label_x1 = std::min(c.normalised.cols, pass.glyphs[label_last].x1 + 4);
        const cv::Mat label_part = c.normalised.colRange(label_x0, std::max(label_x0 + 1, label_x1));
        if (std::abs(at.y) < 0.6f * tall) {
            cv::Mat side;
            cv::resize(
                part, side,
                cv::Size(std::max(1, part.cols * label_part.rows / std::max(1, part.rows)), label_part.rows));
            cv::hconcat(label_part, side, picture);
        } else {
            const int width = std::max(part.cols, label_part.cols);
            cv::Mat top(label_part.rows, width, CV_8U, cv::Scalar(255));
            cv::Mat under(part.rows, width, CV_8U, cv::Scalar(255));
            label_part.copyTo(top(cv::Rect(0, 0, label_part.cols, label_part.rows)));
            part.copyTo(under(cv::Rect(0, 0, part.cols, part.rows)));
            cv::vconcat(top, under, picture);
        }
        return chosen;
    }
    return {};
}

// Of heights `ys` across a line, those that follow on from `start` with no gap between neighbours wider
// than 2.4 text heights (`tall`), the rows of one block, after `start` itself.
std::vector<float> block_around(std::vector<float> ys, float start, float tall) {
    constexpr float kWidestRowGap = 2.4f;
    std::sort(ys.begin(), ys.end());
    auto first = std::lower_bound(ys.begin(), ys.end(), start);
    auto last = first;
    float top = start, bottom = start;
    while (first != ys.begin() && top - *(first - 1) <= kWidestRowGap * tall) top = *--first;
    while (last != ys.end() && *last - bottom <= kWidestRowGap * tall) bottom = *last++;
    std::vector<float> block{start};
    block.insert(block.end(), first, last);
    return block;
}

// Whether value line `value`, beside the label of line `index` (spanning [label_from, label_to] along
// it), may be another label's. Values stamped apart from their printed labels (an inkjet coder beside a
// printed column of 生产日期 / 有效期至 / 批号) can be misregistered by a line or more: then each value
// sits beside its neighbour's label, the production date or the batch number beside 有效期至. Such a
// value is not trusted when a label of the column lies nearer to it than this one, or when the columns
// are out of step: a label of the column with no value beside it while a value of the other column
// has no label beside it. Missing the expiry then is safe; taking a neighbour's value is a wrong date.
bool FrameReading::beside_value_is_ambiguous(std::size_t index, std::size_t value, float label_from,
                                             float label_to) const {
    const detail::LineBox& label = lines_[index].box;
    const float tall = label.height;
    const cv::Point2f value_at = relative(label, lines_[value].box);
    const float value_from = value_at.x - lines_[value].box.length / 2;
    const float value_to = value_at.x + lines_[value].box.length / 2;
    // Heights across the label's line of the label column's lines and the value column's lines.
    std::vector<float> label_column, value_column;
    for (std::size_t j = 0; j < lines_.size(); ++j) {
        if (j == index || j == value) continue;
        const detail::LineBox& other = lines_[j].box;
        if (other.height > 1.7f * tall || other.height < 0.55f * tall) continue;
        const cv::Point2f at = relative(label, other);
        const float from = at.x - other.length / 2, to = at.x + other.length / 2;
        if (from < label_to && to > label_from)
            label_column.push_back(at.y);
        else if (from < value_to && to > value_from)
            value_column.push_back(at.y);
    }
    // The columns near the label: the value column reaches further, since misregistered by a line its
    // last value lies a line past the label column's last label.
    const auto within = [tall](const std::vector<float>& ys, float start, float reach) {
        std::vector<float> near{start};
        for (const float y : ys)
            if (std::abs(y) < reach * tall) near.push_back(y);
        return near;
    };
    const std::vector<float> labels_near = within(label_column, 0.0f, 2.8f);
    const std::vector<float> values_near = within(value_column, value_at.y, 4.0f);
    const float beside = 0.6f * tall;
    for (std::size_t l = 1; l < labels_near.size(); ++l)
        if (std::abs(labels_near[l] - value_at.y) <= std::abs(value_at.y) + 0.15f * tall) return true;
    const auto alone = [beside](const std::vector<float>& ys, const std::vector<float>& others) {
        return std::any_of(ys.begin(), ys.end(), [&](float y) {
            return std::none_of(others.begin(), others.end(),
                                [&](float o) { return std::abs(o - y) < beside; });
        });
    };
    const auto out_of_step = [&](const std::vector<float>& labels, const std::vector<float>& values) {
        return alone(labels, values) && alone(values, labels);
    };
    // And the whole blocks, however many rows: the label left without a value may be at the far end of
    // a longer block (red team red39b: the expiry's row first of four, the values a row up).
    return out_of_step(labels_near, values_near) ||
           out_of_step(block_around(label_column, 0.0f, tall), block_around(value_column, value_at.y, tall));
}

// The labels of candidate `index` (hit `h` marked as its own) and of the lines beside it on its row, each
// with its extent along the line of `index`. Lines beside it are read for their labels when they were not
// yet.
std::vector<FrameReading::LabelSpan> FrameReading::labels_on_row(std::size_t index, std::size_t h) {
    const detail::LineBox& row = lines_[index].box;
    std::vector<LabelSpan> spans;
    std::vector<float> printed_from;  // where each mark the row's lines were read with begins, labels aside
    auto add_labels_of = [&](Candidate& line, float centre_along) {
        const Recognised& pass = line.label_pass;
        const float k = static_cast<float>(kTextHeight) / std::max(1.0f, line.box.height);
        const float left = centre_along - line.box.length / 2 - 0.35f * line.box.height;
        for (std::size_t n = 0; n < line.hits.size(); ++n) {
            const LabelHit& hit = line.hits[n];
            const std::size_t first = pass.glyph_for(hit.begin), last = pass.glyph_for(hit.end - 1);
            LabelSpan span;
            span.from = left + static_cast<float>(pass.glyphs[first].x0) / k;
            span.to = left + static_cast<float>(pass.glyphs[last].x1) / k;
            // 出厂日期, 灌装日期: dates the parser does not use, but printed with a value all the same.
            span.needs_one =
                needs_value(hit.key) || hit.key == FieldKey::Batch || hit.canonical.ends_with("日期");
            span.own = &line == &lines_[index] && n == h;
            spans.push_back(span);
        }
        for (std::size_t g = 0; g < pass.glyphs.size(); ++g) {
            const bool in_label = std::any_of(line.hits.begin(), line.hits.end(), [&](const LabelHit& hit) {
                return g >= pass.glyph_for(hit.begin) && g <= pass.glyph_for(hit.end - 1);
            });
            if (!in_label && !is_separator(pass.glyphs[g].text))
                printed_from.push_back(left + static_cast<float>(pass.glyphs[g].x0) / k);
        }
    };
    add_labels_of(lines_[index], 0.0f);
    for (std::size_t j = 0; j < lines_.size(); ++j) {
        if (j == index) continue;
        const detail::LineBox& other = lines_[j].box;
        if (other.height > 1.7f * row.height || other.height < 0.55f * row.height) continue;
        const cv::Point2f at = relative(row, other);
        if (std::abs(at.y) >= 0.6f * row.height) continue;
        read_labels(lines_[j]);
        add_labels_of(lines_[j], at.x);
    }
    // A value printed after its label, on the label's line or on a line of its own set apart from it
    // ("生产日期   2024.03.15", the date's box joined to the next label's), or a note in its place (生产日期
    // 见封口, MFG see flap: red33b F3).
    for (LabelSpan& span : spans)
        for (const float from : printed_from)
            if (from > span.to - 0.3f * row.height && from < span.to + 3 * row.height)
                span.value_beside = true;
    return spans;
}

// The ink groups (cells) of line `value` and of the lines beside it on its row, each as its extent along
// the line of candidate `index`.
std::vector<std::pair<float, float>> FrameReading::groups_on_row_of(std::size_t index,
                                                                    std::size_t value) const {
    const detail::LineBox& label = lines_[index].box;
    const float value_y = relative(label, lines_[value].box).y;
    std::vector<std::pair<float, float>> spans;
    for (std::size_t j = 0; j < lines_.size(); ++j) {
        const Candidate& line = lines_[j];
        if (j == index || line.normalised.empty()) continue;
        if (line.box.height > 1.7f * label.height || line.box.height < 0.55f * label.height) continue;
        const cv::Point2f at = relative(label, line.box);
        if (std::abs(at.y - value_y) >= 0.6f * label.height) continue;
        const float k = static_cast<float>(kTextHeight) / std::max(1.0f, line.box.height);
        const float left = at.x - line.box.length / 2 - 0.35f * line.box.height;
        for (const auto& group : ink_groups(line.normalised, line.cell_sides))
            spans.emplace_back(left + static_cast<float>(group.first) / k,
                               left + static_cast<float>(group.second) / k);
    }
    return spans;
}

// Whether the value at [value_from, value_to] along the label line, on line `value` under label `h` of
// line `index`, may be another label's. Under a row of labels (有效期 生产日期, 有效期 批号) a value
// belongs to the label it lies under: not when it runs under another label of the row as well, nor when
// it hardly lies under its own, nor when a label of the row that needs a value has none under it (on the
// value's row) or beside it: the row then holds fewer values than labels, and which is whose cannot be
// told. Missing the expiry then is safe; a production date or a batch number taken for it is a wrong
// date (red team red32c F1, F4).
bool FrameReading::value_under_row_is_ambiguous(std::size_t index, std::size_t h, std::size_t value,
                                                float value_from, float value_to) {
    const float tall = lines_[index].box.height;
    // Every label of the row: a label column with its value missing may lie far beside the value's line
    // (red33a R2: 批号 eighteen text heights from it).
    const std::vector<LabelSpan> row = labels_on_row(index, h);
    if (row.size() < 2) return false;
    const std::vector<std::pair<float, float>> values = groups_on_row_of(index, value);
    const float least = 0.25f * tall;
    auto overlap = [](float a0, float a1, float b0, float b1) { return std::min(a1, b1) - std::max(a0, b0); };
    for (const LabelSpan& label : row) {
        const float under = overlap(value_from, value_to, label.from, label.to);
        if (label.own) {
            if (under < least) return true;
            continue;
        }
        if (under > least) return true;
        if (!label.needs_one || label.value_beside) continue;
        const bool has_value_under = std::any_of(values.begin(), values.end(), [&](const auto& group) {
            return overlap(group.first, group.second, label.from, label.to) > least;
        });
        if (!has_value_under) return true;
    }
    return false;
}

// A batch number as the label pass read it, kept only when a second, independent reading of its print
// (the Latin model on the value's columns, blurred or as binarised) reads it the same way. The Chinese model
// alone adds digits that are not printed on clean serif type: "Batch 0426" read as "04256" on every frame, so
// frames agreed on it (red team finding F4). A batch nobody can confirm is left out: none is better than a
// wrong one. Without the Latin model the label pass is all there is.
std::string FrameReading::confirmed_batch(std::size_t index, std::size_t h, const std::string& as_read) {
    Candidate& c = lines_[index];
    const LabelHit& hit = c.hits[h];
    const Recognised& pass = c.label_pass;
    const std::size_t stop_glyph =
        h + 1 < c.hits.size() ? pass.glyph_for(c.hits[h + 1].begin) : pass.glyphs.size();
    std::size_t value_first = pass.glyph_for(hit.end - 1) + 1;
    while (value_first < stop_glyph && is_separator(pass.glyphs[value_first].text)) ++value_first;
    if (!latin_.ready || value_first >= stop_glyph || c.plain.empty()) return as_read;
    auto batch_of = [](const std::string& text) {
        std::string batch;
        for (const char ch : text) {
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') break;
            batch += ch;
        }
        return batch;
    };
    std::string printed;
    for (std::size_t g = value_first; g < stop_glyph; ++g) printed += pass.glyphs[g].text;
    printed = batch_of(compact_of(printed));
    if (printed.empty()) return as_read;
    // The value's columns: from its first glyph to the end of its ink group (and any group that follows
    // within a text height, before the next label).
    const int x0 = pass.glyphs[value_first].x0 - 2;
    const int stop_x = stop_glyph < pass.glyphs.size() ? pass.glyphs[stop_glyph].x0 - 1 : c.plain.cols;
    const int x1 = value_end(c.normalised, c.cell_sides, x0, stop_x);
    const ValueView view = value_view(c, x0, x1);
    const bool dotted = view.dotted || detail::looks_dotted(view.plain);
    cv::Mat soft;
    cv::GaussianBlur(view.plain, soft, cv::Size(0, 0), dotted ? 1.4 : 1.0);
    if (batch_of(compact_of(latin_.recognise(soft, Charset::Batch).compact)) == printed) return as_read;
    // A second look of the Latin model, at the print as recognition sees it (dots joined), before the
    // batch is given up: the blurred view alone lost right batches that the label pass had read.
    if (batch_of(compact_of(latin_.recognise(view.normalised, Charset::Batch).compact)) == printed)
        return as_read;
    return {};
}

// The line's text for the parser: each label as printed, followed by the value the value pass read.
void FrameReading::finish(std::size_t index) {
    Candidate& c = lines_[index];
    if (c.finished || c.normalised.empty()) return;
    c.finished = true;
    c.out.corners = corners_of(c.box);
    c.out.as_read = c.label_pass.spaced;
    if (c.hits.empty()) {
        c.out.text = c.label_pass.spaced;
        return;
    }
    std::string text;
    cv::Mat picture;
    for (std::size_t h = 0; h < c.hits.size(); ++h) {
        const LabelHit& hit = c.hits[h];
        if (!text.empty()) text += ' ';
        if (needs_value(hit.key)) {
            cv::Mat part;
            votes_weighed_.clear();
            const std::string value = read_value(index, h, part);
            if (hit.key == FieldKey::Expiry || hit.key == FieldKey::InvalidFrom)
                for (const std::string& reading : votes_weighed_)
                    if (!reading.empty())
                        c.out.expiry_value_readings.push_back(hit.canonical + ":" + reading);
            if (value.empty()) {
                // A label without a trustworthy value gives no date; but a label that only announces a
                // printed date says one is there, and production + shelf life must not stand in for
                // it (the parser's printed_expiry_unread). The line is read first in the next frame.
                if (announces_printed_date(c.label_pass.compact, hit)) {
                    text += hit.canonical + ":?";
                    c.out.labelled = true;
                }
                continue;
            }
            text += hit.canonical + ":" + value;
            c.out.labelled = true;
            if (picture.empty() || hit.key == FieldKey::Expiry || hit.key == FieldKey::InvalidFrom)
                picture = part;
        } else {
            // Batch and other numbers as read: the parser keeps them apart from dates.
            const std::size_t stop =
                h + 1 < c.hits.size() ? c.hits[h + 1].begin : c.label_pass.compact.size();
            const std::string as_read = c.label_pass.compact.substr(hit.end, stop - hit.end);
            text += hit.canonical + ":" +
                    (hit.key == FieldKey::Batch ? confirmed_batch(index, h, as_read) : as_read);
        }
    }
    c.out.text = text;
    if (!picture.empty()) c.out.picture = to_picture(picture);
}

// A line of digits without a label of its own: its label may stand to its left (the previous cell) or
// above it (a stacked field, a table's header row). Reading that line lets the label find this value.
void FrameReading::find_label_for(std::size_t index) {
    Candidate& c = lines_[index];
    if (!c.hits.empty() || c.used_as_value || c.normalised.empty()) return;
    if (count_digits(c.label_pass.compact) < 4 && c.digit_run < 4) return;
    const float tall = c.box.height;
    std::vector<std::pair<float, std::size_t>> near;
    for (std::size_t j = 0; j < lines_.size(); ++j) {
        if (j == index || lines_[j].normalised.empty()) continue;
        const detail::LineBox& other = lines_[j].box;
        if (other.height > 1.7f * tall || other.height < 0.55f * tall) continue;
        const cv::Point2f at = relative(c.box, other);
        const float other_from = at.x - other.length / 2, other_to = at.x + other.length / 2;
        const float gap = -c.box.length / 2 - other_to;
        if (std::abs(at.y) < 0.6f * tall && gap > -0.3f * tall && gap < 8 * tall) near.emplace_back(gap, j);
        const bool overlaps = other_from < c.box.length / 2 && other_to > -c.box.length / 2 - 2 * tall;
        if (at.y < -0.6f * tall && at.y > -2.8f * tall && overlaps) near.emplace_back(-at.y + 8 * tall, j);
    }
    std::sort(near.begin(), near.end());
    for (std::size_t n = 0; n < near.size() && n < 2; ++n) {
        read_labels(lines_[near[n].second]);
        finish(near[n].second);
    }
}

// Asked when the hinted lines are done, and again when only lines without digits are left: true ends
// the frame (what was read is enough).
bool FrameReading::enough_so_far() {
    if (!request_.enough) return false;
    TextLines partial = result_;
    for (const auto& line : lines_)
        if (line.finished && !line.used_as_value) partial.lines.push_back(line.out);
    return request_.enough(partial);
}

void FrameReading::recognise() {
    const std::vector<std::size_t> order = recognition_order();
    int last_rank = 0;
    for (const std::size_t index : order) {
        if (request_.cancelled && request_.cancelled()) break;
        const int this_rank = rank(lines_[index]);
        if ((last_rank == 0 && this_rank > 0 && !request_.hints.empty()) || (last_rank < 3 && this_rank >= 3))
            if (enough_so_far()) break;
        last_rank = this_rank;
        if (!lines_[index].read && thread_cpu_ms() - cpu_start_ > options_.budget_ms) {
            for (const Candidate& left : lines_)
                // A title in large type with a number in it (a strength, "0.5g") is no expiry.
                if (!left.read && !left.read_before && !left.normalised.empty() && first_read_rank(left) <= 2)
                    ++result_.digit_lines_unread;
            break;
        }
        read_labels(lines_[index]);  // a line already read as a neighbour's value is not read again
        finish(index);
        find_label_for(index);
    }
    // Lines the frame's edge cuts that show digits: the printed expiry may be one, half out of view (red team
    // rt50 F2). (Counting every cut line of print also counted background texture at the frame's edge and
    // lost derived dates: dev seed 52711, face 39.)
    result_.lines_cut_by_edge =
        static_cast<int>(std::count_if(lines_.begin(), lines_.end(), [](const Candidate& line) {
            return line.cut_by_edge && line.digit_run >= 2;
        }));
    // The printed expiry stands with the production date and shelf life as a rule: the row under them, the
    // line above, the next cell. With the frame's edge that close to a labelled line, it may be out of view.
    const auto room_around = [&](const detail::LineBox& box) {
        constexpr float kAcross = 2.0f, kAlong = 1.5f;  // text heights of room beyond the line
        const float along = 0.5f + kAlong * box.height / std::max(1.0f, box.length), across = 0.5f + kAcross;
        for (const float a : {-along, along})
            for (const float b : {-across, across}) {
                const cv::Point2f p = box.at(a, b);
                if (p.x < 0 || p.y < 0 || p.x > static_cast<float>(grey_.cols - 1) ||
                    p.y > static_cast<float>(grey_.rows - 1))
                    return false;
            }
        return true;
    };
    result_.date_lines_near_edge =
        static_cast<int>(std::count_if(lines_.begin(), lines_.end(), [&](const Candidate& line) {
            return line.finished && line.out.labelled && !room_around(line.box);
        }));
    result_.recognise_ms = ms_since(recognise_start_);
}

// Rows of the levelled face top to bottom, left to right within a row.
TextLines FrameReading::in_reading_order() {
    const double a = result_.skew_degrees * CV_PI / 180.0;
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < lines_.size(); ++i)
        if (lines_[i].finished && !lines_[i].used_as_value && !lines_[i].out.text.empty()) kept.push_back(i);
    auto level_y = [&](const Candidate& c) {
        return -std::sin(a) * c.box.centre.x + std::cos(a) * c.box.centre.y;
    };
    auto level_x = [&](const Candidate& c) {
        return std::cos(a) * c.box.centre.x + std::sin(a) * c.box.centre.y;
    };
    std::sort(kept.begin(), kept.end(),
              [&](std::size_t i, std::size_t j) { return level_y(lines_[i]) < level_y(lines_[j]); });
    std::vector<int> row(lines_.size(), 0);
    int current_row = 0;
    double row_top = 0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
        const Candidate& c = lines_[kept[k]];
        if (k == 0 || level_y(c) - row_top > 0.5 * c.box.height) {
            current_row += k == 0 ? 0 : 1;
            row_top = level_y(c);
        }
        row[kept[k]] = current_row;
    }
    std::stable_sort(kept.begin(), kept.end(), [&](std::size_t i, std::size_t j) {
        if (row[i] != row[j]) return row[i] < row[j];
        return level_x(lines_[i]) < level_x(lines_[j]);
    });
    TextLines result = std::move(result_);
    for (const std::size_t i : kept) result.lines.push_back(std::move(lines_[i].out));
    // A line whose labels only name numbers that are never dates (电话, 国药准字) is no more the expiry's
    // than one without a label. Read again in every frame, such lines kept the budget from the rest of the
    // face, and counted as unread whenever they were not reached (see TextLines::digit_lines_unread): on
    // a busy machine a date from production + shelf life never counted.
    const auto names_a_date_or_batch = [](const LabelHit& hit) { return hit.key != FieldKey::Other; };
    for (const Candidate& c : lines_)
        if (c.read && !c.used_as_value && std::none_of(c.hits.begin(), c.hits.end(), names_a_date_or_batch))
            result.read_without_label.push_back(corners_of(c.box));
    return result;
}

}  // namespace

TextLines TextReader::read(const GreyImage& image, const ReadRequest& request) {
    if (!image.pixels || image.width < 32 || image.height < 32) return {};
    const cv::Mat grey(image.height, image.width, CV_8U, const_cast<std::uint8_t*>(image.pixels),
                       image.stride);
    recognise_on_this_thread_alone();
    FrameReading reading(engine_->chinese, engine_->latin, options_, request, grey);
    reading.find_lines();
    reading.upright_and_binarise();
    reading.recognise();
    return reading.in_reading_order();
}
}  // namespace medkiosk::scanner::ocr
