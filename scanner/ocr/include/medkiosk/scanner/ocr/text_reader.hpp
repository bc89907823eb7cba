#pragma once
// Reads the labelled fields printed on a box face in one camera frame with Tesseract 5 (Simplified
// Chinese model, which also reads Latin letters and digits).
//
// The steps, one function each in text_reader.cpp (FrameReading): find_lines, upright_and_binarise,
// recognise (labels, then values), in_reading_order; the parser is expiry_text.hpp.
//
// 1. Finds text lines anywhere (position, size, colour and polarity free) with cheap OpenCV edge
//    morphology, turns each line upright (roll and perspective), normalises its contrast and brings
//    it to one text height (small type is upscaled).
// 2. Reads each line once for its labels (有效期至, EXP, 生产日期, 批号 …); dot-matrix print is joined
//    first, and a line with digits but no label is read again after a second binarisation.
// 3. Reads each labelled value again as a value: only its part of the line (or the next cell to the
//    right, or the line under the label), with a digits-and-separators character set, in several
//    views (two models, joined dots, blur): a value is kept only when two views agree on it and no
//    view reads another date; a month-only date only when no view shows digits of a day after it
//    (vote_on_value in agreement.hpp).
// The lines come back ready for parse_expiry_text (label and value on one line).
//
// Slow (tens of ms per line): run it on a worker thread. Not thread-safe: one TextReader per thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/frame.hpp"

namespace medkiosk::scanner::ocr {

struct TextReaderOptions {
    std::string tessdata_dir;  // empty: find_tessdata_dir()
    // chi_sim alone also reads the Latin letters and digits on these labels (EXP, LOT).
    std::string languages = "chi_sim";
    // A second model that reads digit-only values again, independently (empty: none). Used when
    // its .traineddata is installed (Debian's tesseract-ocr-eng).
    std::string value_language = "eng";
    // Recognition time one frame may spend (lines beyond it wait for the next frame), in ms of the
    // reading thread's CPU time. Lines near where labels were found before are read first.
    double budget_ms = 700;
};

struct GreyImage {
    int width = 0;
    int height = 0;
    const std::uint8_t* pixels = nullptr;
    std::size_t stride = 0;  // bytes per row
};

struct PointF {
    float x = 0;
    float y = 0;
};
// A quadrilateral in frame pixels (corners in order around it).
using Quad = std::array<PointF, 4>;

// A small upright grey picture of one printed line (dark print on white), kept in memory only.
struct LineImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width*height, row-major
    bool empty() const { return pixels.empty(); }
};

struct ReadLine {
    std::string text;       // for the parser: each label followed by its value as read in the value pass
    std::string as_read;    // the label pass's own text
    Quad corners{};         // where the line is in the frame
    bool labelled = false;  // a date-bearing label (expiry, production, shelf life) was read on it
    LineImage picture;      // labelled lines only: the label and its value, upright
    // Every reading of the printed expiry's value on this line, agreeing or not, each as "label:value"
    // text for the parser: dot-matrix print misread alike in most views (a 9 as a 3) shows its whole
    // shape in one now and then (ReadingAgreement::add_value_reading).
    std::vector<std::string> expiry_value_readings;
};

struct TextLines {
    std::vector<ReadLine> lines;  // reading order: top to bottom, left to right (after levelling)
    double skew_degrees = 0;      // the face's roll that was removed
    int candidates = 0;           // line candidates found
    int recognised = 0;           // line candidates read (the rest did not fit the budget)
    // Lines with digits on them, never read in this frame or one before, that did not fit the budget:
    // the printed expiry may be one of them.
    int digit_lines_unread = 0;
    // Line candidates the frame's edge cuts that show digits: a printed expiry half out of view cannot be
    // read.
    int lines_cut_by_edge = 0;
    // Lines with a date's label (production, shelf life, expiry) with less than two text heights of the
    // frame around them: the printed expiry, printed with them as a rule, may be just out of view.
    int date_lines_near_edge = 0;
    // Where the line candidates read without a label, or with only labels of numbers that are never
    // dates (电话, 国药准字), are (for the next frame's ReadRequest::read_before).
    std::vector<Quad> read_without_label;
    double locate_ms = 0;
    double recognise_ms = 0;
    std::string joined() const;  // lines' `text` separated by '\n', for parse_expiry_text
};

struct ReadRequest {
    // Read only text inside this quadrilateral (the box the caller is asking about).
    std::optional<Quad> region;
    // Where labelled lines were in earlier frames of the same box: read those first.
    std::vector<Quad> hints;
    // Lines read in earlier frames of the same box that held no label: read after every line not read
    // yet. A face with more lines than one frame's budget is then read through over a few frames,
    // instead of the same first lines in every frame.
    std::vector<Quad> read_before;
    // Asked after the lines near the hints were read: true stops the frame there (what was read is
    // enough); false goes on with every other line.
    std::function<bool(const TextLines&)> enough;
    // Asked between lines: a reader at idle priority must not hold up shutdown or a new pack.
    std::function<bool()> cancelled;
};

class TextReader {
  public:
    struct Opened;
    // Loads the language model (a fraction of a second); the error says which file or folder is missing.
    static Opened open(const TextReaderOptions& options = {});
    ~TextReader();
    TextReader(const TextReader&) = delete;
    TextReader& operator=(const TextReader&) = delete;

    TextLines read(const Frame& frame, const ReadRequest& request = {});
    TextLines read(const GreyImage& image, const ReadRequest& request = {});

  private:
    struct Engine;
    explicit TextReader(std::unique_ptr<Engine> engine, TextReaderOptions options);
    std::unique_ptr<Engine> engine_;
    TextReaderOptions options_;
};

struct TextReader::Opened {
    std::unique_ptr<TextReader> reader;  // null on failure
    std::string error;
};

// Where Tesseract's *.traineddata live: $TESSDATA_PREFIX (the folder itself or its tessdata/
// sub-folder), else the folder Debian's tesseract-ocr-* packages install (/usr/share/tesseract-ocr/
// <version>/tessdata). `languages` ("chi_sim+eng") must all be present. The error names what is missing.
struct TessdataLookup {
    std::string dir;
    std::string error;
};
TessdataLookup find_tessdata_dir(const std::string& languages);

}  // namespace medkiosk::scanner::ocr
