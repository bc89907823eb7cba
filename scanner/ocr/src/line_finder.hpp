#pragma once
// Finds printed text lines anywhere in a grey frame, and cuts each one out upright. Internal to
// medkiosk_ocr (OpenCV types); the reader above it decides which lines to recognise.
//
// No assumption about where the lines are, how big, or their polarity: edges (a morphological
// gradient) at two thresholds, long straight rules (frames, table borders, barcode bars) removed,
// characters joined along the text direction the whole face shares (roll), each line's own small
// residual angle (perspective) measured on its own pixels.

#include <array>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

namespace medkiosk::scanner::ocr::detail {

// A text line in frame pixels: its centre, its length along the text and its height across it,
// and the direction of the text (degrees, image y axis down; 0 = left to right).
struct LineBox {
    cv::Point2f centre;
    float length = 0;
    float height = 0;
    float angle_degrees = 0;
    // Where a point given along/across the line (as fractions: -0.5..0.5) is in the frame.
    cv::Point2f at(float along, float across) const;
};

using Quad = std::array<cv::Point2f, 4>;

struct FoundLines {
    std::vector<LineBox> lines;  // unordered
    double skew_degrees = 0;     // the rotation the face as a whole has
};

// `roi`: only text whose centre lies inside this quadrilateral (frame pixels) is returned.
FoundLines find_text_lines(const cv::Mat& grey, const std::optional<Quad>& roi);

// The line cut out upright, resampled so its text is `text_height` pixels tall, with a margin; the part
// between `from` and `to` (fractions of its length) only. Pixels outside `roi` become background.
cv::Mat cut_out_line(const cv::Mat& grey, const LineBox& line, int text_height,
                     const std::optional<Quad>& roi, float from = 0, float to = 1);

// Dark text on a white ground, contrast stretched: light-on-dark lines are inverted, uneven light
// across the line flattened. Returns an empty Mat when the crop holds no contrast at all.
cv::Mat normalise_line(const cv::Mat& crop);
// Joins the dots of dot-matrix (inkjet, laser-dot) print into strokes: on a normalised line.
cv::Mat join_dots(const cv::Mat& normalised);
// A second binarisation: a local (Sauvola-like) threshold, for glare and shadows across a line.
cv::Mat local_threshold(const cv::Mat& normalised);
// A table cell's side (a frame's, a sticker's border) erased from a line's crop: the columns its rule
// covered.
struct CellSide {
    int first = 0;
    int last = 0;
    int middle() const { return (first + last) / 2; }
};
// Table borders and frame edges that made it into a line crop (rows or columns of ink across nearly
// all of it) become ground, so the recogniser does not read them as 1, l or |. Returns where the cells'
// sides stood, left to right: a value's end, whatever the gap to the next cell's print.
std::vector<CellSide> remove_rules(cv::Mat& normalised);
// The longest run of digit-shaped marks (narrow, full height, evenly spaced) on a normalised line:
// a cheap hint, before any recognition, that the line holds a date or a number.
int digit_run(const cv::Mat& normalised, int text_height);
// True when the line's ink is made of glyph-sized marks (texture and stripes are not).
bool looks_like_text(const cv::Mat& normalised, int text_height);
// True when the line's ink is made of many small separate dots rather than strokes.
bool looks_dotted(const cv::Mat& normalised);

}  // namespace medkiosk::scanner::ocr::detail
