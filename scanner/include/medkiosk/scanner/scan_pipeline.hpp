#pragma once
// Capture and decode on their own threads; the UI polls the latest frame and events and never waits.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/decode_worker.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "medkiosk/scanner/frame_source.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner {

// A code read in enough of the last decoded frames to be believed (see ConfirmOptions).
struct ScanEvent {
    DecodedSymbol symbol;
    ParseResult parsed;
    std::uint64_t frame_sequence = 0;
};

// The newest decoded frame with the symbols found in it: their corners are in this frame's pixels
// (the newest captured frame may already show the box somewhere else).
struct DecodedView {
    FramePtr frame;  // null before the first decoded frame
    std::vector<DecodedSymbol> symbols;
};

// Something that went wrong and was dealt with: the kiosk logs each one as an event.
struct ScannerIncident {
    enum class Kind {
        DecoderCrashed,      // the decoding helper died on a frame; the frame was skipped
        DecoderTimedOut,     // it took too long on a frame and was stopped
        DecoderUnavailable,  // it cannot be started (frames are not decoded meanwhile)
        DecoderBadAnswer,    // it answered nonsense and was stopped
        SourceFailed,        // the source reported an error, threw, ended unexpectedly or could not open
        SourceStalled,       // the source delivered nothing for too long
        InputSkipped,        // a file the source passed over (not an image, too large, a FIFO …)
    };
    Kind kind = Kind::SourceFailed;
    std::string subject;  // what was skipped: "frame 812 (1920x1080) from camera /dev/video0", a file
    std::string detail;   // why, and what happens next
};
std::string_view to_string(ScannerIncident::Kind kind);  // "decoder-crashed", "source-stalled" …

struct PipelineStats {
    double capture_fps = 0;
    double decode_ms = 0;  // last decode duration
    std::uint64_t frames = 0;
    std::uint64_t decoded_frames = 0;
    std::uint64_t events = 0;
    std::string source_name;
    std::string source_error;            // non-empty while the source cannot deliver (shown to technicians)
    std::uint64_t source_failures = 0;   // times the source failed and was opened again
    std::string decoder_error;           // non-empty while the decoding helper cannot be started
    std::uint64_t decoder_failures = 0;  // frames the helper crashed or hung on (each skipped)
    std::uint64_t skipped_frames = 0;    // frames not decoded for any reason
};

// The decoding helper's settings for a live stream: a helper that crashes on frame after frame (a
// box held still at an angle that trips the library) is restarted at once the first time, then
// after a wait that doubles up to 2 s, so a crash loop costs little CPU.
DecodeWorkerOptions live_decoding_defaults();

struct PipelineOptions {
    int confirm_frames = 2;  // a code must be read in this many of the last confirm_frames + 1 frames
    std::chrono::milliseconds hold{std::chrono::seconds(8)};  // same code again only after leaving or this
    // A failed source is opened again after this wait, doubled for each failure in a row (reset once
    // it has run well for a minute), up to the maximum.
    std::chrono::milliseconds reopen_backoff{std::chrono::milliseconds(500)};
    std::chrono::milliseconds max_reopen_backoff{std::chrono::seconds(5)};
    // No frame for this long counts as a failure (at least three frame times of a slow paced source).
    std::chrono::milliseconds stall_timeout{std::chrono::seconds(5)};
    // Opening, and the first frame after it, may take this long.
    std::chrono::milliseconds open_timeout{std::chrono::seconds(15)};
    DecodeWorkerOptions decoding = live_decoding_defaults();  // its `live` options track the codes
    WallClock wall_clock = system_wall_clock();  // the day a code's two-digit GS1 year is read against
};

class ScanPipeline {
  public:
    ScanPipeline(SourceSpec spec, PipelineOptions options = {});
    // A source made by `open` (tests: sources that fail in chosen ways); `description` names it
    // while it cannot be opened.
    ScanPipeline(std::function<OpenedSource()> open, std::string description, PipelineOptions options = {});
    ~ScanPipeline();
    ScanPipeline(const ScanPipeline&) = delete;
    ScanPipeline& operator=(const ScanPipeline&) = delete;

    void start();
    void stop();

    FramePtr latest_frame() const;                      // null before the first frame
    std::vector<DecodedSymbol> latest_symbols() const;  // symbols in the most recently decoded frame
    DecodedView latest_decoded() const;                 // that frame and its symbols
    std::vector<ScanEvent> take_events();               // confirmed codes since the last call
    std::vector<ScannerIncident> take_incidents();      // what went wrong since the last call
    PipelineStats stats() const;

  private:
    void capture_loop();
    void decode_loop();
    void report(ScannerIncident incident);  // with mutex_ held

    std::function<OpenedSource()> open_;
    std::string description_;
    double nominal_fps_ = 0;
    PipelineOptions options_;
    std::atomic<bool> running_{false};
    std::thread capture_thread_;
    std::thread decode_thread_;

    mutable std::mutex mutex_;
    FramePtr latest_;
    std::vector<DecodedSymbol> latest_symbols_;
    FramePtr latest_decoded_;  // the frame latest_symbols_ were read from
    std::deque<ScanEvent> events_;
    std::deque<ScannerIncident> incidents_;
    PipelineStats stats_;
    std::condition_variable frame_ready_;
    std::condition_variable stopping_;
};

}  // namespace medkiosk::scanner
