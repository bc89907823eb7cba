#pragma once
// Generated medicine box faces for the OCR tests and benchmark. A scene is a whole box face (title,
// product text, barcode, decoration and a block with batch / production / expiry fields) in one of
// the printed forms of codes.md, laid out as rows, a table, stacked label-over-value lines, a framed
// row, columns or a sticker, in any corner; printed with any font family deploy/setup.sh installs,
// in offset, grey, inkjet-dot, laser or embossed ink, on any paper or patch colour. The face is put
// into a 1920×1080 (or 1280×720) frame with roll up to ±30° and a perspective tilt, on a cluttered
// background, with uneven light, glare, blur, sensor noise and JPEG compression; every frame of a
// scene adds its own hand shake and noise. Deterministic: a FaceSpec always gives the same scene,
// and random_face_spec(index, seed) always gives the same spec.

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::test::ocr {

struct LabelFont {
    std::string family;
    std::string file;
    int face_index = 0;
    bool has_chinese = false;
    bool has_latin = true;  // false: Latin letters and digits come from a fallback font
};

// Every font family the set-up script installs that fontconfig finds (missing ones are skipped).
std::vector<LabelFont> find_label_fonts();
// One installed family in one style ("Bold"), when fontconfig has that very family and style.
std::optional<LabelFont> find_font(const std::string& family, const std::string& style);

// The printed forms of codes.md (and the examples). `None` prints no expiry at all.
enum class Form {
    CnYearMonth,          // 有效期至2025年05月
    CnYearMonthDay,       // 有效期至2025年05月31日
    DotMonth,             // 有效期至2025.05.  /  2025.05
    DotDay,               // 有效期至2025.05.31
    SlashDay,             // 有效期至2025/05/31
    DashMonth,            // 有效期至2025-05
    CompactDay,           // 有效期至：20250228
    ExpMonthYear,         // EXP 05/2025, EXP:11/2029, Exp. 05/2025
    ExpCompact,           // EXP 20290315
    ExpIso,               // EXP 2029-03-15, Use by 2027-05
    InvalidFrom,          // 失效期2025.06 → 2025-05-31
    ProductionShelfLife,  // 生产日期2023.03.01 + 有效期24个月 → 2025-02-28
    PrintedAndShelfLife,  // 有效期至 printed beside production + shelf life: the printed date wins
    None,                 // production date, batch, approval number, phone, postcode: no expiry
};
constexpr int kFormCount = 14;
std::string_view form_name(Form form);

enum class Layout { Rows, Inline, Stacked, Table, Columns, FramedRow, Sticker };
constexpr int kLayoutCount = 7;
std::string_view layout_name(Layout layout);

enum class Ink { Offset, Grey, Inkjet, Laser, Embossed };
std::string_view ink_name(Ink ink);

// Where the field block sits on the face.
enum class Placement { TopLeft, TopRight, BottomLeft, BottomRight, Centre, Left, Right };

struct FaceSpec {
    Form form = Form::DotMonth;
    scanner::Date date{2027, 5, 31};  // the printed expiry (失效期: the first unusable month)
    scanner::Date production{2025, 6, 1};
    int shelf_months = 24;
    std::string expiry_label = "有效期至";  // or 有效期, EXP, Exp., EXP:, Use by, 失效期
    std::string separator = ":";            // between label and value: ":", "：", " ", ""
    bool trailing_dot = false;              // "2025.05." rather than "2025.05"
    bool unpadded = false;                  // the expiry's month and day with no leading 0: "1/2029"
    bool full_width_digits = false;         // ２０２５．０５
    bool spaced_digits = false;             // 2 0 2 5 . 0 5
    bool date_like_batch = false;           // 批号 20230301: a batch that looks like a date
    bool with_production = true;            // a 生产日期 / MFG line beside the expiry
    bool english_labels = false;            // LOT / MFG / EXP instead of 批号 / 生产日期
    std::string batch_label;   // empty: 批号 / 产品批号 / 生产批号 (or LOT …) at random
    bool extra_fields = true;  // sometimes an approval number or phone in the block, and the
                               // fields in another order; false: batch, production, expiry
    Layout layout = Layout::Rows;
    Placement placement = Placement::BottomLeft;
    Ink label_ink = Ink::Offset;
    Ink value_ink = Ink::Offset;
    std::optional<cv::Scalar> patch;  // a coloured patch (BGR) under the field block
    bool frame_block = false;         // a thin frame around the field block
    bool dark_face = false;           // light print on a dark box
    int label_font = 0;               // indexes into the fonts given to FaceScene
    int value_font = 0;
    int other_font = 0;    // title and product text
    double block_px = 34;  // field text height on the flat face
    double text_px = 26;   // field text height once in the frame (legibility)
    double roll_degrees = 0;
    double pitch_degrees = 0;  // tilt towards / away from the camera
    double yaw_degrees = 0;
    double blur_sigma = 1.0;
    double noise_sigma = 3;
    int jpeg_quality = 85;
    double glare = 0;  // 0: none; else the glare spot's strength (0..1)
    cv::Size frame_size{1920, 1080};
    std::optional<cv::Point2d> centre;  // where the face is, as fractions of the frame (empty: at random)
    std::uint64_t seed = 1;             // clutter words, colours, positions
};

// Face `index` of the set with this seed: forms cycle with the index (so each is equally present),
// everything else is drawn at random.
FaceSpec random_face_spec(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts);

struct FaceTruth {
    std::optional<scanner::Date> expiry;  // what a reader must propose; empty for Form::None
    scanner::ExpiryPrecision precision = scanner::ExpiryPrecision::Day;
    std::string batch;  // as printed
    std::string form, layout, ink, label_font, value_font;
    double roll_degrees = 0;
    double text_px = 0;
    std::vector<std::string> printed_lines;  // the field block as printed, for a miss report
    std::array<cv::Point2f, 4> face_quad{};  // the face's corners in frame 0 (clockwise from top left)
    cv::Rect expiry_box;                     // where the expiry value is in frame 0 (empty for None)
};

class FaceScene {
  public:
    FaceScene(const FaceSpec& spec, const std::vector<LabelFont>& fonts);
    // The old two-argument form: random_face_spec(index, seed, fonts).
    FaceScene(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts);
    const FaceTruth& truth() const { return truth_; }
    const FaceSpec& spec() const { return spec_; }
    cv::Mat frame(int frame_number) const;  // BGR, spec.frame_size
    // The face's corners in that frame (it shakes a little from frame to frame).
    std::array<cv::Point2f, 4> face_quad(int frame_number) const;

  private:
    cv::Mat homography_for(int frame_number) const;
    FaceSpec spec_;
    FaceTruth truth_;
    cv::Mat face_;        // the flat face, BGR
    cv::Mat background_;  // frame-sized BGR
    cv::Mat lighting_;    // frame-sized CV_32F gain
    cv::Mat homography_;  // face → frame 0
    cv::Point2f glare_centre_;
    double glare_radius_ = 0;
};

// Puts a second scene's face into `frame` at another place (two boxes in one view), for tests of
// reading only inside a region. Returns the other face's quad in the frame.
std::array<cv::Point2f, 4> paste_beside(cv::Mat& frame, const FaceScene& other, cv::Point2f centre,
                                        double scale);

}  // namespace medkiosk::test::ocr
