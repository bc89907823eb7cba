#pragma once
// One box's printed expiry, read frame after frame: the TextReader on each frame, the parser on
// its lines, and the ≥ 2-frame agreement across frames. After the first frame, the lines where
// labels were found are read first, and a frame stops there when they already give a date — the
// steady box's second frame then costs a few lines, not the whole face. When the frame before found
// the printed expiry there, a frame stops after those lines whatever they give: the rest of the face
// was not where the expiry was, and the next frame is a fresh look at the same lines.
//
// Used by the kiosk's ExpiryReader (on its worker thread), `medkioskctl ocr` and the benchmark, so all
// three read the same way. Not thread-safe; start_pack() for every new box.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"
#include "medkiosk/scanner/ocr/text_reader.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner::ocr {

struct ExpiryOcrOptions {
    TextReaderOptions reader;
    int frames_needed = 2;
    // The day implausible dates are judged by (see ParseOptions::today); empty: the local calendar
    // day when each frame is read.
    std::optional<Date> today;
};

struct ExpiryOcrProposal {
    Date expiry;
    ExpiryPrecision precision = ExpiryPrecision::Day;
    ExpiryBasis basis = ExpiryBasis::Printed;
    std::string batch;        // empty when not read the same way in enough frames
    std::string source_text;  // the printed line(s) the date came from, as read
    LineImage picture;        // that line, upright (label and value), for the donor to check
};

struct FrameOutcome {
    ExpiryReading reading;  // what this frame alone says
    TextLines lines;        // what it read (pictures only on labelled lines)
    double cpu_ms = 0;      // the reading thread's CPU time for this frame
    // Set on the frame that made the agreement (once per pack).
    std::optional<ExpiryOcrProposal> proposal;
    // Why the frame could not be read, for a technician; the readings gathered for the box are dropped
    // with it, as they may be half-updated, and the box is read from scratch.
    std::string error;
};

class ExpiryOcr {
  public:
    struct Opened;
    static Opened open(const ExpiryOcrOptions& options = {});

    // Reads one frame of the current box. `region`: only text inside this quadrilateral (frame
    // pixels) is read. `cancelled` is asked between lines.
    FrameOutcome read(const GreyImage& image, const std::optional<Quad>& region = std::nullopt,
                      const std::function<bool()>& cancelled = {});
    FrameOutcome read(const Frame& frame, const std::optional<Quad>& region = std::nullopt,
                      const std::function<bool()>& cancelled = {});
    // A new box: forget every reading, hint and proposal of the previous one.
    void start_pack();
    bool proposed() const { return proposed_; }
    bool contradicted() const { return agreement_.contradicted(); }

  private:
    ExpiryOcr(std::unique_ptr<TextReader> reader, ExpiryOcrOptions options);
    FrameOutcome read_frame(const GreyImage& image, const std::optional<Quad>& region,
                            const std::function<bool()>& cancelled);
    ParseOptions parse_options() const;
    void follow_the_face(const GreyImage& image);
    std::unique_ptr<TextReader> reader_;
    ExpiryOcrOptions options_;
    ReadingAgreement agreement_;
    std::vector<Quad> hints_;
    std::vector<Quad> read_before_;  // lines of this box read without a label (TextReader's read_before)
    // The last frame at a quarter of its size: how far the face moved since (see follow_the_face).
    struct View {
        std::vector<float> pixels;
        int width = 0, height = 0;
    } last_view_;
    bool face_still_ = false;  // this frame's face moved less than a few pixels since the last one
    // The last frame that said anything found the printed expiry on the hinted lines (its date, or its
    // label with the date unread): the next frame reads those lines and stops there.
    bool expiry_on_hinted_lines_ = false;
    int fruitless_frames_ = 0;  // frames since then that stopped after the hinted lines with nothing
    bool proposed_ = false;
};

struct ExpiryOcr::Opened {
    std::unique_ptr<ExpiryOcr> ocr;  // null on failure
    std::string error;
};

// Whether a frame's date may count towards the agreement. One derived from production + shelf life may
// not from a frame that may have missed the printed expiry, which overrules it:
// - lines with digits were left unread for lack of time (red team rt48 F2: a derived date a year after the
//   printed one was proposed before the 有效期至 line had been read at all); the next frame reads them first;
// - the frame's edge cuts a line with digits, or comes within two text heights of a labelled line (the
//   printed expiry may be half or wholly out of view: red team rt50 F2);
// - the face moves (a box coming into view from below showed its production date and shelf life in two
//   frames before its printed expiry: rt50 F2). `face_still`: the face moved less than a few pixels since
//   the last frame of the box (never so in its first).
bool frame_may_date_the_box(const ExpiryReading& reading, const TextLines& lines, bool face_still);

// Today on the kiosk's own calendar (the local time zone).
Date local_today();

}  // namespace medkiosk::scanner::ocr
