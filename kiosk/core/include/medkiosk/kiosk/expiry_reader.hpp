#pragma once
// Reads the printed expiry off the box the donor is holding, for packs whose code carries none
// (trace code, EAN/UPC, GS1 without AI 17). A worker thread at the lowest CPU priority runs OCR
// (scanner::ocr::ExpiryOcr) on the newest submitted frame only, so the preview and the UI never wait
// for it; a proposal appears once ≥ 2 frames read the same date, the same way, and none read another.
//
// The API, for the donor flow (every call is cheap and never blocks on OCR):
//
//   reader.start();              // once; the models load on the worker (status().ready, .error)
//   reader.reset();              // the pack being asked about changed
//   reader.submit_frame(frame, region);
//                                // every UI frame while asking for the expiry. `region`: the box
//                                // face around the tracked code, a quadrilateral in frame pixels
//                                // (the caller computes it); OCR then reads only text inside it, so
//                                // a date printed on another box in view is never read. Omit it to
//                                // read the whole frame.
//   if (auto p = reader.take_proposal()) …
//                                // ask "有效期至 … — 对吗?"; show p->picture (the printed line the date
//                                // was read from, grey, in memory only) beside the product's name and
//                                // code. Confirmed → ExpirySource::OcrConfirmed.
//   no proposal within the time limit, or "no" → month/year picker (ExpirySource::Picker)
//
// After reset() nothing of an older pack can surface: readings, hints, the frame being read and any
// proposal not yet taken are dropped, and a frame captured before the reset (Frame::captured) is
// refused even when it is submitted after it. Each proposal carries the number of the reset it
// belongs to (`pack`), which the caller can compare with pack() when it holds one for a while.
//
// A failure inside OCR (an exception from OpenCV, Tesseract or memory) is caught on the worker: it
// becomes status().last_failure and a log event ("ocr-error"), the pack's readings start over, and
// the worker goes on with the next frame.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "medkiosk/kiosk/expiry_source.hpp"
#include "medkiosk/scanner/frame.hpp"
#include "medkiosk/scanner/ocr/expiry_ocr.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::kiosk {

struct ExpiryProposal {
    scanner::Date expiry;
    scanner::ExpiryPrecision precision = scanner::ExpiryPrecision::Day;
    std::string batch;        // empty when not read consistently
    std::string source_text;  // the printed line the date came from, as read (for staff review)
    scanner::ocr::ExpiryBasis basis = scanner::ocr::ExpiryBasis::Printed;
    // That printed line (label and value) as a small upright grey picture, dark on white, at most
    // 720 px wide; never written anywhere. Empty when none could be kept.
    scanner::ocr::LineImage picture;
    std::uint64_t pack = 0;  // the reset() this proposal belongs to (see ExpiryReader::pack())
};

enum class WorkerPriority {
    Idle,    // SCHED_IDLE: runs only on otherwise idle CPU time (the kiosk's default)
    Nice,    // nice 19 only
    Normal,  // tests and benchmarks that measure OCR time
};

// What reads the frames of one box: ExpiryOcr in the kiosk. A port so that a test can give one that
// fails on purpose.
class BoxTextReader {
  public:
    virtual ~BoxTextReader() = default;
    virtual scanner::ocr::FrameOutcome read(const scanner::Frame& frame,
                                            const std::optional<scanner::ocr::Quad>& region,
                                            const std::function<bool()>& cancelled) = 0;
    virtual void start_pack() = 0;
};

struct OpenedBoxTextReader {
    std::unique_ptr<BoxTextReader> reader;  // null on failure
    std::string error;
};

struct ExpiryReaderOptions {
    scanner::ocr::ExpiryOcrOptions ocr;
    WorkerPriority priority = WorkerPriority::Idle;
    // Opens the reader on the worker thread; empty: ExpiryOcr with `ocr`.
    std::function<OpenedBoxTextReader()> open;
};

struct ExpiryReaderStatus {
    bool ready = false;             // models loaded, frames are being read
    std::string error;              // why OCR is unavailable (the flow then goes straight to the picker)
    std::uint64_t frames_read = 0;  // since start
    double last_frame_ms = 0;       // OCR CPU time of the last frame read
    std::optional<double> ms_to_proposal;  // wall time from the first frame after reset() to the proposal
    std::uint64_t failures = 0;            // frames whose reading failed (caught; the worker went on)
    std::string last_failure;              // what the last failure said
};

class ExpiryReader {
  public:
    ExpiryReader() = default;
    ~ExpiryReader();
    ExpiryReader(const ExpiryReader&) = delete;
    ExpiryReader& operator=(const ExpiryReader&) = delete;

    void start(ExpiryReaderOptions options = {});  // returns at once; a second call does nothing
    void stop();                                   // joins the worker (waits for the line in progress)

    // Keeps only this frame (older unread frames are dropped); never blocks on OCR. A frame
    // captured before the last reset() is refused.
    void submit_frame(scanner::FramePtr frame, std::optional<scanner::ocr::Quad> region = std::nullopt);
    // The agreed reading for the current pack, handed out once.
    std::optional<ExpiryProposal> take_proposal();
    // A new pack: forget readings, frames and any proposal, including a frame being read now.
    void reset();
    // How many times reset() was called: the `pack` of proposals made since the last one.
    std::uint64_t pack() const;
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
    std::chrono::steady_clock::time_point reset_at_{};
    scanner::FramePtr pending_;
    std::optional<scanner::ocr::Quad> pending_region_;
    bool proposed_ = false;  // the current pack has its proposal: stop reading until reset()
    std::optional<ExpiryProposal> proposal_;
    std::optional<std::chrono::steady_clock::time_point> first_frame_at_;
    ExpiryReaderStatus status_;
};

}  // namespace medkiosk::kiosk
