#pragma once
// Capture and decode on their own threads; the UI polls the latest frame and events and never waits.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"
#include "medkiosk/scanner/frame_source.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner {

// A code seen in enough consecutive decoded frames to be believed.
struct ScanEvent {
    DecodedSymbol symbol;
    ParseResult parsed;
    std::uint64_t frame_sequence = 0;
};

struct PipelineStats {
    double capture_fps = 0;
    double decode_ms = 0;  // last decode duration
    std::uint64_t frames = 0;
    std::uint64_t decoded_frames = 0;
    std::uint64_t events = 0;
    std::string source_name;
    std::string source_error;  // non-empty while the source cannot deliver (shown to technicians)
};

struct PipelineOptions {
    int confirm_frames = 2;                                   // a code must be read in this many frames
    std::chrono::milliseconds hold{std::chrono::seconds(8)};  // same code again only after leaving or this
    std::chrono::milliseconds reopen_delay{std::chrono::seconds(3)};
    DecoderOptions decoder;  // unused by the live loop since it tracks; kept for callers
    TrackingOptions tracking;
};

class ScanPipeline {
  public:
    ScanPipeline(SourceSpec spec, PipelineOptions options = {});
    ~ScanPipeline();
    ScanPipeline(const ScanPipeline&) = delete;
    ScanPipeline& operator=(const ScanPipeline&) = delete;

    void start();
    void stop();

    FramePtr latest_frame() const;                      // null before the first frame
    std::vector<DecodedSymbol> latest_symbols() const;  // symbols in the most recently decoded frame
    std::vector<ScanEvent> take_events();               // confirmed codes since the last call
    PipelineStats stats() const;

  private:
    void capture_loop();
    void decode_loop();

    SourceSpec spec_;
    PipelineOptions options_;
    std::atomic<bool> running_{false};
    std::thread capture_thread_;
    std::thread decode_thread_;

    mutable std::mutex mutex_;
    FramePtr latest_;
    std::vector<DecodedSymbol> latest_symbols_;
    std::deque<ScanEvent> events_;
    PipelineStats stats_;
    std::condition_variable frame_ready_;
};

}  // namespace medkiosk::scanner
