// ExpiryReader: the worker thread that proposes a printed expiry for the pack being shown.

#include "medkiosk/kiosk/expiry_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "label_faces.hpp"

namespace {

using namespace medkiosk;
using namespace std::chrono_literals;

scanner::FramePtr to_frame(const cv::Mat& bgr, std::uint64_t sequence) {
    auto frame = std::make_shared<scanner::Frame>();
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    frame->width = rgb.cols;
    frame->height = rgb.rows;
    frame->rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
    frame->sequence = sequence;
    frame->captured = std::chrono::steady_clock::now();
    return frame;
}

// The longest a UI-thread call into the reader took: OCR runs meanwhile, but must never hold it up.
std::chrono::steady_clock::duration longest_ui_call{};

// Feeds frames of one scene the way the UI loop does (newest only) until a proposal or the deadline.
std::optional<kiosk::ExpiryProposal> show_box(kiosk::ExpiryReader& reader, const test::ocr::FaceScene& scene,
                                              std::uint64_t& sequence, std::chrono::seconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    int frame_number = 0;
    while (std::chrono::steady_clock::now() < until) {
        auto frame = to_frame(scene.frame(frame_number++ % 6), ++sequence);
        const auto call_start = std::chrono::steady_clock::now();
        reader.submit_frame(std::move(frame));
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
    return options;
}

TEST(ExpiryReader, ProposesThePrintedDateOnceAndStartsOverOnReset) {
    const auto fonts = test::ocr::find_label_fonts();
    ASSERT_FALSE(fonts.empty());
    // Faces 2 and 7 of this seed: "有效期至 YYYY.MM." and "失效期" forms.
    const test::ocr::FaceScene first(2, 99, fonts), second(7, 99, fonts);

    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    std::uint64_t sequence = 0;
    auto proposal = show_box(reader, first, sequence, 60s);
    ASSERT_TRUE(proposal) << reader.status().error;
    EXPECT_EQ(proposal->expiry, *first.truth().expiry);
    EXPECT_EQ(proposal->precision, first.truth().precision);
    EXPECT_FALSE(proposal->source_text.empty());
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
    reader.stop();
}

TEST(ExpiryReader, ResetDropsReadingsOfThePreviousPack) {
    const auto fonts = test::ocr::find_label_fonts();
    ASSERT_FALSE(fonts.empty());
    const test::ocr::FaceScene first(2, 99, fonts), second(7, 99, fonts);
    ASSERT_NE(first.truth().expiry, second.truth().expiry);
    kiosk::ExpiryReader reader;
    reader.start(normal_priority());
    std::uint64_t sequence = 0;
    // One frame of the first box (not enough for a proposal), then the donor shows another box.
    reader.submit_frame(to_frame(first.frame(0), ++sequence));
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (reader.status().frames_read < 1 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    reader.reset();
    const auto proposal = show_box(reader, second, sequence, 60s);
    ASSERT_TRUE(proposal);
    EXPECT_EQ(proposal->expiry, *second.truth().expiry)
        << "a reading of the first box leaked into the second";
}

TEST(ExpiryReader, MissingModelsReportAnErrorAndNeverPropose) {
    kiosk::ExpiryReaderOptions options = normal_priority();
    options.ocr.tessdata_dir = "/nonexistent/tessdata";
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
