#pragma once
// Reads the printed expiry off the box the donor is holding, for packs whose code carries none
// (trace code, EAN/UPC, GS1 without AI 17). A worker thread at the lowest CPU priority runs OCR on
// the newest submitted frame only, so the preview and the UI never wait for it; a proposal appears
// once ≥ 2 frames read the same date and none read another.
//
// How the donor flow uses it (all calls are cheap and never block on OCR):
//   reader.start();                              // once; loads the models on the worker
//   reader.reset();                              // a new pack without expiry is shown
//   reader.submit_frame(pipeline.latest_frame()) // every UI frame while asking for the expiry
//   if (auto p = reader.take_proposal()) ask "有效期至 … — 对吗?" (confirm → ExpirySource::OcrConfirmed)
//   no proposal within the time limit, or "no" → month/year picker (ExpirySource::Picker)

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "medkiosk/kiosk/expiry_source.hpp"
#include "medkiosk/scanner/frame.hpp"
#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/text_reader.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::kiosk {

struct ExpiryProposal {
    scanner::Date expiry;
    scanner::ExpiryPrecision precision = scanner::ExpiryPrecision::Day;
    std::string batch;        // empty when not read consistently
    std::string source_text;  // the printed line the date came from, as read (for staff review)
};

enum class WorkerPriority {
    Idle,    // SCHED_IDLE: runs only on otherwise idle CPU time (the kiosk's default)
    Nice,    // nice 19 only
    Normal,  // tests and benchmarks that measure OCR time
};

struct ExpiryReaderOptions {
    scanner::ocr::TextReaderOptions ocr;
    int frames_needed = 2;
    WorkerPriority priority = WorkerPriority::Idle;
};

struct ExpiryReaderStatus {
    bool ready = false;             // models loaded, frames are being read
    std::string error;              // why OCR is unavailable (the flow then goes straight to the picker)
    std::uint64_t frames_read = 0;  // since start
    double last_frame_ms = 0;       // OCR time of the last frame read
    std::optional<double> ms_to_proposal;  // wall time from the first frame after reset() to the proposal
};

class ExpiryReader {
  public:
    ExpiryReader() = default;
    ~ExpiryReader();
    ExpiryReader(const ExpiryReader&) = delete;
    ExpiryReader& operator=(const ExpiryReader&) = delete;

    void start(ExpiryReaderOptions options = {});  // returns at once; a second call does nothing
    void stop();                                   // joins the worker (waits for the frame in progress)

    // Keeps only this frame (older unread frames are dropped); never blocks on OCR.
    void submit_frame(scanner::FramePtr frame);
    // The agreed reading for the current pack, handed out once.
    std::optional<ExpiryProposal> take_proposal();
    // A new pack: forget readings, frames and any proposal, including a frame being read now.
    void reset();
    ExpiryReaderStatus status() const;

  private:
    void run();

    ExpiryReaderOptions options_;
    std::thread worker_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool started_ = false;
    bool stopping_ = false;
    std::uint64_t generation_ = 0;  // bumped by reset(); readings of an older generation are dropped
    scanner::FramePtr pending_;
    scanner::ocr::ReadingAgreement agreement_;
    bool proposed_ = false;  // the current pack has its proposal: stop reading until reset()
    std::optional<ExpiryProposal> proposal_;
    std::optional<std::chrono::steady_clock::time_point> first_frame_at_;
    ExpiryReaderStatus status_;
};

}  // namespace medkiosk::kiosk
