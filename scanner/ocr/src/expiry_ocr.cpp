#include "medkiosk/scanner/ocr/expiry_ocr.hpp"

#include <time.h>

#include <cmath>
#include <ctime>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace medkiosk::scanner::ocr {
namespace {

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// A quarter-size copy is enough to tell how far a face moved: its lines are 5 px high or more there.
constexpr int kViewScale = 4;
// The phase correlation's peak below which the shift it gives is not trusted (the same face shaken by a
// hand or drifting by half a line gave 0.86 to 1.0 on the test generator's and red team rt50's faces).
constexpr double kSureShift = 0.15;
// A face that moved less than this (frame pixels) since the last frame is held still: a hand shakes a box
// by a few pixels a frame; one coming into view moves by tens.
constexpr double kStillShift = 10;

}  // namespace

bool frame_may_date_the_box(const ExpiryReading& reading, const TextLines& lines, bool face_still) {
    return !(reading.expiry && reading.basis == ExpiryBasis::ProductionPlusShelfLife &&
             (!face_still || lines.digit_lines_unread > 0 || lines.lines_cut_by_edge > 0 ||
              lines.date_lines_near_edge > 0));
}

Date local_today() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

ExpiryOcr::Opened ExpiryOcr::open(const ExpiryOcrOptions& options) {
    auto opened = TextReader::open(options.reader);
    if (!opened.reader) return {nullptr, opened.error};
    return {std::unique_ptr<ExpiryOcr>(new ExpiryOcr(std::move(opened.reader), options)), {}};
}

ExpiryOcr::ExpiryOcr(std::unique_ptr<TextReader> reader, ExpiryOcrOptions options)
    : reader_(std::move(reader)), options_(std::move(options)), agreement_(options_.frames_needed) {}

ParseOptions ExpiryOcr::parse_options() const {
    ParseOptions parse;
    parse.today = options_.today ? *options_.today : local_today();
    parse.value_on_next_line = false;  // the reader has already put each value beside its label
    return parse;
}

void ExpiryOcr::start_pack() {
    agreement_.reset();
    hints_.clear();
    read_before_.clear();
    last_view_ = {};
    face_still_ = false;
    expiry_on_hinted_lines_ = false;
    fruitless_frames_ = 0;
    proposed_ = false;
}

FrameOutcome ExpiryOcr::read(const Frame& frame, const std::optional<Quad>& region,
                             const std::function<bool()>& cancelled) {
    if (frame.width <= 0 || frame.height <= 0 ||
        frame.rgb.size() <
            static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) * 3) {
        FrameOutcome broken;
        broken.error = "a frame of " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                       " pixels came with " + std::to_string(frame.rgb.size()) +
                       " bytes of colour: the camera source handed over a broken image";
        return broken;
    }
    std::vector<std::uint8_t> grey(static_cast<std::size_t>(frame.width) *
                                   static_cast<std::size_t>(frame.height));
    for (std::size_t i = 0; i < grey.size(); ++i) {
        const std::uint8_t* p = frame.rgb.data() + 3 * i;
        grey[i] = static_cast<std::uint8_t>((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
    }
    return read(GreyImage{frame.width, frame.height, grey.data(), static_cast<std::size_t>(frame.width)},
                region, cancelled);
}

// The places of this box's lines from earlier frames (hints_, read_before_) follow the face as it moves: a
// box drifting half a line a frame put a line never read where another had been read without a label, and
// the printed expiry's line, taken for read, was never counted as unread (red team rt50 F1). Where the
// shift cannot be told, the places are forgotten: every line is then new to the next frame.
void ExpiryOcr::follow_the_face(const GreyImage& image) {
    face_still_ = false;
    if (!image.pixels || image.width < 16 * kViewScale || image.height < 16 * kViewScale) return;
    const cv::Mat grey(image.height, image.width, CV_8UC1, const_cast<std::uint8_t*>(image.pixels),
                       image.stride);
    cv::Mat small, view;
    cv::resize(grey, small, cv::Size(image.width / kViewScale, image.height / kViewScale), 0, 0,
               cv::INTER_AREA);
    small.convertTo(view, CV_32F);
    if (last_view_.width == view.cols && last_view_.height == view.rows) {
        const cv::Mat last(view.rows, view.cols, CV_32F, last_view_.pixels.data());
        cv::Mat window;
        cv::createHanningWindow(window, view.size(), CV_32F);
        double response = 0;
        const cv::Point2d shift = cv::phaseCorrelate(last, view, window, &response) * kViewScale;
        face_still_ = response >= kSureShift && std::hypot(shift.x, shift.y) <= kStillShift;
        if (response < kSureShift) {
            hints_.clear();
            read_before_.clear();
        } else {
            for (auto* places : {&hints_, &read_before_})
                for (Quad& quad : *places)
                    for (PointF& p : quad) {
                        p.x += static_cast<float>(shift.x);
                        p.y += static_cast<float>(shift.y);
                    }
        }
    }
    last_view_.width = view.cols;
    last_view_.height = view.rows;
    last_view_.pixels.assign(view.ptr<float>(), view.ptr<float>() + view.total());
}

// Whatever OpenCV or Tesseract throws stays here: the caller gets the frame's error as a value.
FrameOutcome ExpiryOcr::read(const GreyImage& image, const std::optional<Quad>& region,
                             const std::function<bool()>& cancelled) {
    FrameOutcome failed;
    if (!image.pixels || image.width <= 0 || image.height <= 0 ||
        image.stride < static_cast<std::size_t>(image.width)) {
        failed.error = "a frame of " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                       " pixels with rows " + std::to_string(image.stride) +
                       " bytes apart cannot be read: the camera source handed over a broken image";
        return failed;
    }
    try {
        return read_frame(image, region, cancelled);
    } catch (const std::exception& e) {
        failed.error = std::string("the text reader stopped on this frame: ") + e.what();
    } catch (...) {
        failed.error = "the text reader stopped on this frame with an unknown exception";
    }
    start_pack();
    return failed;
}

FrameOutcome ExpiryOcr::read_frame(const GreyImage& image, const std::optional<Quad>& region,
                                   const std::function<bool()>& cancelled) {
    FrameOutcome outcome;
    const double cpu_start = thread_cpu_ms();
    follow_the_face(image);
    const ParseOptions parse = parse_options();
    ReadRequest request;
    request.region = region;
    request.hints = hints_;
    request.read_before = read_before_;
    request.cancelled = cancelled;
    // Twice in a row at most: then the whole face is read again, in case the hints went stale.
    const bool hinted_lines_suffice = expiry_on_hinted_lines_ && fruitless_frames_ < 2;
    request.enough = [&](const TextLines& partial) {
        const ExpiryReading reading = parse_expiry_text(partial.joined(), parse);
        // A date derived from production + shelf life is only right when no printed expiry is on the
        // box: the rest of the face is read to make sure.
        if (reading.expiry.has_value())
            return !reading.contradictory && reading.basis != ExpiryBasis::ProductionPlusShelfLife;
        // The printed expiry's lines were read and gave no date this time (a misread label, an unread
        // value): the other lines did not hold it in the frame before, and reading them costs the
        // rest of the budget (dev seed 1001, face 19: 440 and 520 ms for nothing). A frame that ends
        // here gives no date, so it cannot add a wrong one.
        return hinted_lines_suffice && !partial.lines.empty();
    };
    outcome.lines = reader_->read(image, request);
    outcome.reading = parse_expiry_text(outcome.lines.joined(), parse);
    outcome.cpu_ms = thread_cpu_ms() - cpu_start;
    if (cancelled && cancelled()) return outcome;  // a partial frame says nothing about the box

    const ExpiryReading& said = outcome.reading;
    const bool expiry_found =
        (said.expiry && said.basis != ExpiryBasis::ProductionPlusShelfLife && !said.contradictory) ||
        said.printed_expiry_unread || said.day_unread;
    const bool fruitless = hinted_lines_suffice && !expiry_found;
    if (expiry_found) {
        expiry_on_hinted_lines_ = true;
        fruitless_frames_ = 0;
    } else if (fruitless) {
        ++fruitless_frames_;
    } else {
        expiry_on_hinted_lines_ = false;
    }

    // A frame that stopped after the hinted lines without the expiry keeps the hints of the frame that
    // found it: its own labelled lines may be only the production date's or the batch's.
    std::vector<Quad> labelled;
    for (const ReadLine& line : outcome.lines.lines)
        if (line.labelled) labelled.push_back(line.corners);
    if (!labelled.empty() && !fruitless) hints_ = std::move(labelled);
    // Over the frames so far: each frame goes on where the ones before stopped; once every line was
    // read, all are equal again and the first order holds. A box held for long forgets the oldest.
    read_before_.insert(read_before_.end(), outcome.lines.read_without_label.begin(),
                        outcome.lines.read_without_label.end());
    constexpr std::size_t kRememberedLines = 400;
    if (read_before_.size() > kRememberedLines)
        read_before_.erase(read_before_.begin(),
                           read_before_.begin() + static_cast<long>(read_before_.size() - kRememberedLines));

    if (proposed_) return outcome;
    if (frame_may_date_the_box(outcome.reading, outcome.lines, face_still_)) {
        agreement_.add(outcome.reading);
    } else {
        ExpiryReading undated = outcome.reading;
        undated.expiry.reset();
        agreement_.add(undated);
    }
    for (const ReadLine& line : outcome.lines.lines)
        for (const std::string& value : line.expiry_value_readings)
            agreement_.add_value_reading(parse_expiry_text(value, parse));
    if (auto agreed = agreement_.agreed()) {
        proposed_ = true;
        ExpiryOcrProposal proposal{*agreed->expiry, agreed->precision,   agreed->basis,
                                   agreed->batch,   agreed->source_text, {}};
        const int line = outcome.reading.source_line;
        if (line >= 0 && line < static_cast<int>(outcome.lines.lines.size()))
            proposal.picture = outcome.lines.lines[static_cast<std::size_t>(line)].picture;
        outcome.proposal = std::move(proposal);
    }
    return outcome;
}

}  // namespace medkiosk::scanner::ocr
