// ExpiryReader: the worker thread that proposes a printed expiry for the pack being shown — its API
// for the donor flow (region, reset, picture) and its exception barrier.

#include "medkiosk/kiosk/expiry_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <thread>

#include "label_faces.hpp"
#include "ocr_trial.hpp"

namespace {

using namespace medkiosk;
using namespace std::chrono_literals;
using test::ocr::FaceScene;
using test::ocr::FaceSpec;
using test::ocr::Form;

const std::vector<test::ocr::LabelFont>& fonts() {
    static const auto found = test::ocr::find_label_fonts();
    return found;
}

scanner::FramePtr to_frame(
    const cv::Mat& bgr, std::uint64_t sequence,
    std::chrono::steady_clock::time_point captured = std::chrono::steady_clock::now()) {
    auto frame = std::make_shared<scanner::Frame>();
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    frame->width = rgb.cols;
    frame->height = rgb.rows;
    frame->rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
    frame->sequence = sequence;
    frame->captured = captured;
    return frame;
}

// An easily read face (the reader's accuracy is the regression suite's and the benchmark's concern).
FaceSpec easy_face(Form form, scanner::Date date, std::uint64_t seed) {
    FaceSpec spec;
    spec.form = form;
    spec.date = date;
    spec.production = scanner::Date{date.year - 2, 3, 1};
    spec.seed = seed;
    spec.extra_fields = false;
    spec.batch_label = std::string("批号");
    spec.text_px = 28;
    spec.roll_degrees = 5;
    spec.pitch_degrees = 4;
    spec.yaw_degrees = 4;
    spec.blur_sigma = 0.8;
    spec.glare = 0;
    return spec;
}

// The longest a UI-thread call into the reader took: OCR runs meanwhile, but must never hold it up.
std::chrono::steady_clock::duration longest_ui_call{};

// Feeds frames of one scene the way the UI loop does (newest only) until a proposal or the deadline.
std::optional<kiosk::ExpiryProposal> show_box(kiosk::ExpiryReader& reader, const FaceScene& scene,
                                              std::uint64_t& sequence, std::chrono::seconds deadline,
                                              bool with_region = false) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    int frame_number = 0;
    while (std::chrono::steady_clock::now() < until) {
        const int n = frame_number++ % 6;
        auto frame = to_frame(scene.frame(n), ++sequence);
        std::optional<scanner::ocr::Quad> region;
        if (with_region) region = test::ocr::to_quad(scene.face_quad(n));
        const auto call_start = std::chrono::steady_clock::now();
        reader.submit_frame(std::move(frame), region);
        auto proposal = reader.take_proposal();
        (void)reader.status();
        longest_ui_call = std::max(longest_ui_call, std::chrono::steady_clock::now() - call_start);
        if (proposal) return proposal;
        std::this_thread::sleep_for(30ms);
    }
    return std::nullopt;
}

kiosk::ExpiryReaderOptions normal_priority() {
    kiosk::ExpiryReaderOptions options;
    options.priority = kiosk::WorkerPriority::Normal;
    options.ocr = test::ocr::face_set_options();
    return options;
}

TEST(ExpiryReader, ProposesThePrintedDateOnceWithAPictureAndStartsOverOnReset) {
    ASSERT_GE(fonts().size(), 8u);
    const FaceScene first(easy_face(Form::DotMonth, {2027, 6, 30}, 501), fonts());
    const FaceScene second(easy_face(Form::InvalidFrom, {2028, 3, 1}, 502), fonts());

    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    std::uint64_t sequence = 0;
    auto proposal = show_box(reader, first, sequence, 60s);
    ASSERT_TRUE(proposal) << reader.status().error;
    EXPECT_EQ(proposal->expiry, *first.truth().expiry);
    EXPECT_EQ(proposal->precision, first.truth().precision);
    EXPECT_FALSE(proposal->source_text.empty());
    EXPECT_EQ(proposal->pack, reader.pack());
    // The picture of the printed line: upright grey, wider than tall, with dark print on white.
    ASSERT_FALSE(proposal->picture.empty());
    const auto& picture = proposal->picture;
    EXPECT_EQ(picture.pixels.size(),
              static_cast<std::size_t>(picture.width) * static_cast<std::size_t>(picture.height));
    EXPECT_GT(picture.width, picture.height);
    EXPECT_LE(picture.width, 720);
    const auto dark =
        std::count_if(picture.pixels.begin(), picture.pixels.end(), [](std::uint8_t p) { return p < 100; });
    const auto light =
        std::count_if(picture.pixels.begin(), picture.pixels.end(), [](std::uint8_t p) { return p > 200; });
    EXPECT_GT(dark, 0);
    EXPECT_GT(light, dark);
    EXPECT_FALSE(reader.take_proposal()) << "a proposal is handed out once";
    const auto status = reader.status();
    EXPECT_TRUE(status.ready);
    EXPECT_GE(status.frames_read, 2u);
    ASSERT_TRUE(status.ms_to_proposal);
    // Microseconds in practice; the bound only leaves room for a loaded CI machine's scheduling.
    EXPECT_LT(longest_ui_call, 50ms) << "a UI-thread call waited for OCR";

    // After the proposal no more frames are read for this pack.
    const auto frames_before = reader.status().frames_read;
    reader.submit_frame(to_frame(first.frame(9), ++sequence));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(reader.status().frames_read, frames_before);

    reader.reset();
    EXPECT_FALSE(reader.status().ms_to_proposal);
    proposal = show_box(reader, second, sequence, 60s);
    ASSERT_TRUE(proposal);
    EXPECT_EQ(proposal->expiry, *second.truth().expiry);
    EXPECT_EQ(proposal->basis, scanner::ocr::ExpiryBasis::InvalidFrom);
    reader.stop();
}

// Nothing of an older pack surfaces after reset(): not its readings, not a frame captured before the
// reset and submitted after it, not a proposal made while the reset happened.
TEST(ExpiryReader, NothingOfTheOlderPackSurfacesAfterReset) {
    ASSERT_GE(fonts().size(), 8u);
    const FaceScene old_box(easy_face(Form::DotDay, {2027, 4, 11}, 511), fonts());
    const FaceScene new_box(easy_face(Form::ExpIso, {2029, 8, 2}, 512), fonts());
    ASSERT_NE(old_box.truth().expiry, new_box.truth().expiry);
    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    std::uint64_t sequence = 0;
    // One frame of the old box (not enough for a proposal), then the donor shows another box.
    reader.submit_frame(to_frame(old_box.frame(0), ++sequence));
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (reader.status().frames_read < 1 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    const auto before_reset = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(5ms);
    reader.reset();
    const std::uint64_t pack = reader.pack();
    // A frame of the old box captured before the reset but submitted after it: refused.
    const auto frames_read = reader.status().frames_read;
    reader.submit_frame(to_frame(old_box.frame(1), ++sequence, before_reset));
    reader.submit_frame(to_frame(old_box.frame(2), ++sequence, before_reset));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(reader.status().frames_read, frames_read) << "a frame from before the reset was read";
    EXPECT_FALSE(reader.take_proposal());

    const auto proposal = show_box(reader, new_box, sequence, 60s);
    ASSERT_TRUE(proposal);
    EXPECT_EQ(proposal->expiry, *new_box.truth().expiry)
        << "a reading of the old box leaked into the new one";
    EXPECT_EQ(proposal->pack, pack);
}

// The donor flow passes the box face around the tracked code: a date on another box in view is
// never proposed.
TEST(ExpiryReader, ReadsOnlyInsideTheRegionGiven) {
    ASSERT_GE(fonts().size(), 8u);
    FaceSpec held_spec = easy_face(Form::CnYearMonth, {2027, 10, 31}, 521);
    held_spec.text_px = 24;
    held_spec.centre = cv::Point2d(0.3, 0.5);
    FaceSpec other_spec = easy_face(Form::DotDay, {2030, 1, 9}, 522);
    other_spec.text_px = 24;
    const FaceScene held(held_spec, fonts()), other(other_spec, fonts());
    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    std::uint64_t sequence = 0;
    std::optional<kiosk::ExpiryProposal> proposal;
    const auto until = std::chrono::steady_clock::now() + 60s;
    for (int n = 0; std::chrono::steady_clock::now() < until && !proposal; ++n) {
        cv::Mat frame = held.frame(n % 6);
        (void)test::ocr::paste_beside(frame, other, {1500, 540}, 0.9);
        reader.submit_frame(to_frame(frame, ++sequence), test::ocr::to_quad(held.face_quad(n % 6)));
        proposal = reader.take_proposal();
        std::this_thread::sleep_for(30ms);
    }
    ASSERT_TRUE(proposal) << "the held box was not read inside its region";
    EXPECT_EQ(proposal->expiry, *held.truth().expiry);
}

TEST(ExpiryReader, MissingModelsReportAnErrorAndNeverPropose) {
    kiosk::ExpiryReaderOptions options = normal_priority();
    options.ocr.reader.tessdata_dir = "/nonexistent/tessdata";
    kiosk::ExpiryReader reader;
    reader.start(options);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (reader.status().error.empty() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(10ms);
    EXPECT_NE(reader.status().error.find("/nonexistent/tessdata"), std::string::npos)
        << reader.status().error;
    EXPECT_FALSE(reader.status().ready);
    reader.submit_frame(std::make_shared<scanner::Frame>());
    reader.submit_frame(nullptr);
    EXPECT_FALSE(reader.take_proposal());
}

// A reader that fails the way a library can (an exception out of a frame's reading), then works.
class FailingThenWorking final : public kiosk::BoxTextReader {
  public:
    explicit FailingThenWorking(int failures) : failures_(failures) {}
    scanner::ocr::FrameOutcome read(const scanner::Frame&, const std::optional<scanner::ocr::Quad>&,
                                    const std::function<bool()>&) override {
        scanner::ocr::FrameOutcome outcome;
        // The first failure as a library's exception, the next as ExpiryOcr's error value.
        if (failures_-- > 0) {
            if (!threw_) {
                threw_ = true;
                throw std::runtime_error("cv::Exception: insufficient memory (test)");
            }
            outcome.error = "the text reader stopped on this frame: out of memory (test)";
            return outcome;
        }
        outcome.proposal = scanner::ocr::ExpiryOcrProposal{
            {2027, 5, 31}, scanner::ExpiryPrecision::Month, {}, "B1", "有效期至 2027.05", {}};
        return outcome;
    }
    void start_pack() override { ++packs_started; }
    std::atomic<int> packs_started{0};

  private:
    int failures_;
    bool threw_ = false;
};

// Issue 15: an exception on the OCR thread, or an error ExpiryOcr returns, becomes an error status and a log
// event, and the thread goes on with the next frame.
TEST(ExpiryReader, AnExceptionWhileReadingIsReportedAndTheWorkerGoesOn) {
    kiosk::ExpiryReaderOptions options = normal_priority();
    options.open = [] { return kiosk::OpenedBoxTextReader{std::make_unique<FailingThenWorking>(2), {}}; };
    kiosk::ExpiryReader reader;
    testing::internal::CaptureStderr();
    reader.start(options);
    std::optional<kiosk::ExpiryProposal> proposal;
    std::uint64_t sequence = 0;
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!proposal && std::chrono::steady_clock::now() < until) {
        auto frame = std::make_shared<scanner::Frame>();
        frame->sequence = ++sequence;
        frame->captured = std::chrono::steady_clock::now();
        reader.submit_frame(frame);
        std::this_thread::sleep_for(20ms);
        proposal = reader.take_proposal();
    }
    reader.stop();
    const std::string logged = testing::internal::GetCapturedStderr();
    ASSERT_TRUE(proposal) << "the worker stopped after the failure";
    EXPECT_EQ(proposal->expiry, (scanner::Date{2027, 5, 31}));
    const auto status = reader.status();
    EXPECT_EQ(status.failures, 2u);
    EXPECT_NE(status.last_failure.find("out of memory (test)"), std::string::npos) << status.last_failure;
    EXPECT_TRUE(status.error.empty()) << "a failed frame does not turn reading off: " << status.error;
    EXPECT_NE(logged.find("ocr-error"), std::string::npos) << logged;
    EXPECT_NE(logged.find("insufficient memory"), std::string::npos) << logged;
}

TEST(ExpiryReader, AnExceptionWhileLoadingIsAnErrorNotACrash) {
    kiosk::ExpiryReaderOptions options = normal_priority();
    options.open = []() -> kiosk::OpenedBoxTextReader { throw std::bad_alloc(); };
    kiosk::ExpiryReader reader;
    reader.start(options);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (reader.status().error.empty() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(reader.status().error.empty());
    EXPECT_FALSE(reader.status().ready);
}

TEST(ExpiryReader, StopWithoutStartAndTwiceIsHarmless) {
    kiosk::ExpiryReader idle;
    idle.stop();
    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    reader.stop();
    reader.stop();
}

TEST(ExpirySource, NamesRoundTrip) {
    for (auto source :
         {kiosk::ExpirySource::Code, kiosk::ExpirySource::OcrConfirmed, kiosk::ExpirySource::Picker})
        EXPECT_EQ(kiosk::expiry_source_from_string(kiosk::to_string(source)), source);
    EXPECT_EQ(kiosk::to_string(kiosk::ExpirySource::OcrConfirmed), "ocr-confirmed");
    EXPECT_FALSE(kiosk::expiry_source_from_string("guess"));
}

}  // namespace
